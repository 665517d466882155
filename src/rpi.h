/* Raspberry Pi network boot: recognising the Pi's boot loader in a
 * DHCP request, the option 43 its loader requires in the answer, and the
 * per-device TFTP prefix it puts before every file name.  Pure functions
 * but rpi_path_open() (one openat2 per candidate). */
#ifndef PXE_RPI_H
#define PXE_RPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "dhcp.h"

struct config;

/* [raspberry-pi] shared-dir by default. */
#define RPI_SHARED_DIR "rpi"

/* The PXE menu text the boot loaders look for, and the old Pi 3 ROM's
 * variant (three trailing spaces: its length arithmetic was off). */
#define RPI_MENU_TEXT "Raspberry Pi Boot"
#define RPI_MENU_TEXT_OLD_ROM "Raspberry Pi Boot   "

/* Option 43 for a Pi: 6 (3) + 10 (0 "PXE") + 9 (0 0 len text) + END. */
#define RPI_VENDOR_MAX (3 + 6 + 5 + sizeof(RPI_MENU_TEXT_OLD_ROM) - 1 + 1)

/* What a request tells of the Pi that sent it. */
struct rpi_info {
	bool is_pi;
	bool old_rom;           /* the Pi 3B/2B ROM with the constant GUID */
	bool have_serial;
	uint32_t serial;        /* the TFTP prefix: "%08x" */
	uint32_t revision;      /* board revision code, 0: unknown */
	char model[32];         /* "Raspberry Pi 4B", "Raspberry Pi" */
};

/* Whether m comes from a Pi's boot ROM or EEPROM boot loader (option 93
 * absent or 0 and: option 97 as the EEPROM builds it, or a Raspberry Pi
 * MAC), and what it says about itself.  arch is option 93's value. */
bool rpi_detect(const struct dhcp_msg *m, uint16_t arch,
		struct rpi_info *pi);

/* Whether the first 3 octets of mac are a Raspberry Pi OUI. */
bool rpi_mac_is_pi(const uint8_t *mac, size_t len);

/* Option 43's value for a Pi, into buf: its length, or -ENOBUFS. */
int rpi_vendor_options(bool old_rom_text, uint8_t *buf, size_t cap);

/* The 8-hex-digit serial at the start of a TFTP path ("e5ef6e9d/..."),
 * as the boot loaders prefix it.  False when there is none. */
bool rpi_serial_from_path(const char *path, uint32_t *serial);

/* The per-device prefix's length when path starts with one the EEPROM
 * puts there (TFTP_PREFIX 0: "%08x/"; 2: a Pi MAC "dc-a6-32-xx-xx-xx/"),
 * else 0. */
size_t rpi_prefix_len(const char *path);

/* Open a normalized TFTP path for a Pi: path itself when it exists, else,
 * when it starts with a per-device prefix, shared-dir/REST, then REST at
 * the root.  Each candidate goes through path_open() (RESOLVE_BENEATH).
 * Returns an fd or path_open()'s -errno for path itself; *served tells
 * which name was opened. */
int rpi_path_open(const struct config *c, int root_fd, const char *path,
		  struct stat *st, char *served, size_t cap);

#endif
