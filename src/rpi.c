/* Raspberry Pi network boot, as its boot loaders do it.
 *
 * What was checked, byte by byte, and where (README, "Raspberry Pi"):
 *
 * The request.  The Pi 3B/3B+/2B v1.2 boot ROM and the Pi 4 and Pi 5
 * EEPROM boot loaders send a DISCOVER with option 60
 * "PXEClient:Arch:00000:UNDI:002001", 93 = 00 00 (the x86 BIOS code: the
 * VPU has none of its own), 94 = 01 02 01 and a 17-byte option 97:
 *  - Pi 3B ROM: 00 then 0x44 sixteen times ("DHCP UUID constant", fixed
 *    in the 3B+) -- documented capture in the Raspberry Pi documentation,
 *    computers/raspberry-pi/boot-net.adoc, options 53 55 93 94 97 60;
 *  - Pi 4 EEPROM (DHCP_OPTION97, default since pieeprom-2020-03-19): 00,
 *    then the FourCC "RPi4" (0x34695052 little-endian), the board revision
 *    (4 bytes, little-endian), the MAC's last 4 octets, the serial (4
 *    bytes, little-endian); a published tcpdump of a Pi 4B rev 1.2 shows
 *    00 52 50 69 34 | 12 31 c0 00 | 32 a7 ed 89 | 9d 6e ef e5, i.e.
 *    revision c03112, serial e5ef6e9d, options in the order 53, 55 (1 3 43
 *    60 66 67 128-135), 60, 93, 94, 97;  DHCP_OPTION97=0 gives the serial
 *    four times instead, and any other value replaces the FourCC;
 *  - Pi 5 EEPROM: the same with "RPi5" (rpi-eeprom firmware-2712
 *    release notes, 2023-10-30: "Update DHCP Option97 to be R,P,i,5").
 * The MAC is a Raspberry Pi OUI unless MAC_ADDRESS overrides it.
 *
 * The answer.  The loaders take the TFTP server from TFTP_IP (EEPROM),
 * else option 66 (a dotted quad: there is no resolver), else siaddr, else
 * option 54 -- the last two only when option 60 is "PXEClient" and option
 * 43 holds a PXE menu (sub-option 9) whose text is "Raspberry Pi Boot".
 * The documented reply (boot-net.adoc, from dnsmasq's pxe-service=0,
 * "Raspberry Pi Boot") carries option 43 of 32 bytes:
 *   06 01 03                      discovery control: no broadcast or
 *                                 multicast discovery
 *   0a 04 00 'P' 'X' 'E'          menu prompt: timeout 0, "PXE"
 *   09 14 00 00 11 "Raspberry Pi Boot"   menu: type 0, 17 bytes of text
 *   ff
 * The Pi 3B ROM miscounts the text and needs three spaces after it
 * ("Raspberry Pi Boot   "); the EEPROM loaders match a substring and
 * take either.  rpi_detect() tells that ROM by its constant GUID.
 *
 * TFTP.  The EEPROM loaders ask for every file under a prefix: the
 * serial as 8 lower-case hex digits ("9ffefdef/", TFTP_PREFIX=0, the
 * default), a string (1), or the MAC ("dc-a6-32-01-36-c2/", 2); each RRQ
 * carries "tsize 0 blksize 1024", and a first read of a file is often
 * cut short by the client's ERROR once the OACK gave the size, then read
 * again.  Since 2025-09-23 (rpi-eeprom firmware-2712) the block number
 * rolls over to 0, so files past 64 MiB at blksize 1024 load.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cursor.h"
#include "path.h"
#include "rpi.h"
#include "util.h"

#define RPI_GUID_LEN 17                 /* option 97: type 0 + 16 */
#define RPI_GUID_OLD_ROM 0x44           /* the Pi 3B ROM's constant */

/* PXE spec 2.4.7: the sub-options of option 43. */
#define PXE_MENU 9
#define PXE_MENU_PROMPT 10
/* Discovery control bits 0 and 1: broadcast and multicast discovery
 * off, as the documented reply has it. */
#define RPI_DISCOVERY_CONTROL 3

/* IEEE assignments to Raspberry Pi (Foundation, then Trading Ltd). */
static const uint8_t pi_ouis[][3] = {
	{ 0xb8, 0x27, 0xeb }, { 0xdc, 0xa6, 0x32 }, { 0xe4, 0x5f, 0x01 },
	{ 0x28, 0xcd, 0xc1 }, { 0xd8, 0x3a, 0xdd }, { 0x2c, 0xcf, 0x67 },
};

/* Board types of new-style revision codes (bits 4-11), those that boot
 * from the network (documentation: computers/raspberry-pi/
 * revision-codes.adoc). */
static const struct {
	uint8_t type;
	const char *name;
} board_types[] = {
	{ 0x04, "Raspberry Pi 2B" }, { 0x08, "Raspberry Pi 3B" },
	{ 0x0a, "Raspberry Pi CM3" }, { 0x0d, "Raspberry Pi 3B+" },
	{ 0x0e, "Raspberry Pi 3A+" }, { 0x10, "Raspberry Pi CM3+" },
	{ 0x11, "Raspberry Pi 4B" }, { 0x13, "Raspberry Pi 400" },
	{ 0x14, "Raspberry Pi CM4" }, { 0x15, "Raspberry Pi CM4S" },
	{ 0x17, "Raspberry Pi 5" }, { 0x18, "Raspberry Pi CM5" },
	{ 0x19, "Raspberry Pi 500" }, { 0x1a, "Raspberry Pi CM5 Lite" },
};

bool rpi_mac_is_pi(const uint8_t *mac, size_t len)
{
	if (!mac || len < 3)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(pi_ouis); i++)
		if (!memcmp(mac, pi_ouis[i], 3))
			return true;
	return false;
}

static bool rd_u32le(struct rd *r, uint32_t *v)
{
	uint8_t b[4];

	if (!rd_bytes(r, b, sizeof(b)))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	     (uint32_t)b[3] << 24;
	return true;
}

static void name_model(struct rpi_info *pi, const char *fallback)
{
	/* Bit 23: a new-style code, whose type field means something. */
	if (pi->revision & (UINT32_C(1) << 23)) {
		uint8_t type = (uint8_t)(pi->revision >> 4);

		for (size_t i = 0; i < ARRAY_SIZE(board_types); i++) {
			if (board_types[i].type == type) {
				snprintf(pi->model, sizeof(pi->model), "%s",
					 board_types[i].name);
				return;
			}
		}
	}
	snprintf(pi->model, sizeof(pi->model), "%s", fallback);
}

/* The EEPROM's GUID: FourCC, revision, MAC tail, serial. */
static bool parse_eeprom_guid(struct rd r, struct rpi_info *pi)
{
	uint8_t fourcc[4];
	const uint8_t *mac_tail;

	if (!rd_bytes(&r, fourcc, 4) || memcmp(fourcc, "RPi", 3) ||
	    (fourcc[3] != '4' && fourcc[3] != '5'))
		return false;
	if (!rd_u32le(&r, &pi->revision) || !rd_ref(&r, &mac_tail, 4) ||
	    !rd_u32le(&r, &pi->serial))
		return false;
	pi->have_serial = true;
	name_model(pi, fourcc[3] == '4' ? "Raspberry Pi 4" : "Raspberry Pi 5");
	return true;
}

/* The older GUIDs, believed only with a Pi MAC: the 3B ROM's constant,
 * or the serial four times (DHCP_OPTION97=0). */
static void parse_legacy_guid(struct rd r, struct rpi_info *pi)
{
	uint32_t w[4];

	for (int i = 0; i < 4; i++)
		if (!rd_u32le(&r, &w[i]))
			return;
	if (w[0] == UINT32_C(0x44444444) && w[1] == w[0] && w[2] == w[0] &&
	    w[3] == w[0]) {
		pi->old_rom = true;
		snprintf(pi->model, sizeof(pi->model), "Raspberry Pi 3B ROM");
		return;
	}
	if (w[0] && w[1] == w[0] && w[2] == w[0] && w[3] == w[0]) {
		pi->serial = w[0];
		pi->have_serial = true;
	}
}

bool rpi_detect(const struct dhcp_msg *m, uint16_t arch, struct rpi_info *pi)
{
	bool oui = m->htype == 1 && m->hlen == 6 &&
		   rpi_mac_is_pi(m->chaddr, 6);
	const uint8_t *v;
	size_t len;
	struct rd guid;

	memset(pi, 0, sizeof(*pi));
	/* Firmware a Pi runs later (UEFI: 11, U-Boot: 22) is not its
	 * boot loader and gets the [arch] table's answer. */
	if (arch != 0)
		return false;
	snprintf(pi->model, sizeof(pi->model), "Raspberry Pi");
	if (dhcp_opt(m, OPT_CLIENT_UUID, &v, &len) && len == RPI_GUID_LEN &&
	    v[0] == 0) {
		guid = rd_init(v + 1, len - 1);
		if (parse_eeprom_guid(guid, pi))
			return pi->is_pi = true;
		if (oui)
			parse_legacy_guid(guid, pi);
	}
	pi->is_pi = oui;
	return pi->is_pi;
}

int rpi_vendor_options(bool old_rom_text, uint8_t *buf, size_t cap)
{
	const char *text = old_rom_text ? RPI_MENU_TEXT_OLD_ROM : RPI_MENU_TEXT;
	size_t n = strlen(text);
	struct wr w = wr_init(buf, cap);

	wr_u8(&w, PXE_DISCOVERY_CONTROL);
	wr_u8(&w, 1);
	wr_u8(&w, RPI_DISCOVERY_CONTROL);
	wr_u8(&w, PXE_MENU_PROMPT);
	wr_u8(&w, 4);
	wr_u8(&w, 0);                   /* timeout: none */
	wr_bytes(&w, "PXE", 3);
	wr_u8(&w, PXE_MENU);
	wr_u8(&w, (uint8_t)(3 + n));
	wr_u16(&w, 0);                  /* boot server type 0 */
	wr_u8(&w, (uint8_t)n);
	wr_bytes(&w, text, n);
	wr_u8(&w, OPT_END);
	return wr_done(&w);
}

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return false;
	return true;
}

bool rpi_serial_from_path(const char *path, uint32_t *serial)
{
	uint32_t v = 0;

	if (strlen(path) < 10 || path[8] != '/' || !hex_run(path, 8))
		return false;
	for (int i = 0; i < 8; i++)
		v = v << 4 | (uint32_t)hex_digit(path[i]);
	*serial = v;
	return true;
}

/* "dc-a6-32-01-36-c2": six hex pairs joined by '-', a Pi OUI. */
static bool is_pi_mac_dir(const char *s)
{
	uint8_t oui[3];

	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;

		if (!hex_run(p, 2) || (i < 5 && p[2] != '-'))
			return false;
		if (i < 3)
			oui[i] = (uint8_t)(hex_digit(p[0]) << 4 |
					   hex_digit(p[1]));
	}
	return rpi_mac_is_pi(oui, sizeof(oui));
}

size_t rpi_prefix_len(const char *path)
{
	size_t n = strlen(path);
	uint32_t serial;

	if (rpi_serial_from_path(path, &serial))
		return 9;
	if (n > 18 && path[17] == '/' && is_pi_mac_dir(path))
		return 18;
	return 0;
}

int rpi_path_open(const struct config *c, int root_fd, const char *path,
		  struct stat *st, char *served, size_t cap)
{
	char shared[PATH_MAX_NAME];
	const char *rest;
	size_t n;
	int fd = path_open(root_fd, path, st), alt;

	snprintf(served, cap, "%s", path);
	if (fd != -ENOENT || !c->rpi_enable || !(n = rpi_prefix_len(path)))
		return fd;
	/* Both candidates stay inside the root: rest is a tail of a
	 * normalized path, the shared dir was normalized at load time, and
	 * path_open() resolves beneath the root whatever they hold. */
	rest = path + n;
	if (fmt(shared, sizeof(shared), "%s/%s", c->rpi_shared_dir, rest) == 0 &&
	    (alt = path_open(root_fd, shared, st)) != -ENOENT) {
		if (alt >= 0)
			snprintf(served, cap, "%s", shared);
		return alt;
	}
	if ((alt = path_open(root_fd, rest, st)) >= 0)
		snprintf(served, cap, "%s", rest);
	return alt;
}
