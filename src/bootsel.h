/* Which boot file a client gets: the [rule] sections in order, then the
 * [arch] table.  The same policy for DHCPv4 and DHCPv6, so it works on
 * what both tell about a client rather than on either's message. */
#ifndef PXE_BOOTSEL_H
#define PXE_BOOTSEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stats.h"

/* One client as the rules see it. */
struct boot_query {
	const uint8_t *mac;             /* NULL when unknown */
	size_t mac_len;
	uint16_t arch;
	const uint8_t *vendor;          /* class string: v4 option 60, v6
					 * the option 16 item (343) */
	size_t vendor_len;
	/* The user classes: RFC 3004 items with 1-octet lengths (v4, where
	 * iPXE also sends its class bare) or RFC 8415 21.15 items with
	 * 2-octet lengths (v6). */
	const uint8_t *user_class;
	size_t user_class_len;
	unsigned user_class_lensz;      /* 1 or 2 */
	bool ipxe_option;               /* v4 option 175; v6: iPXE's class */
	bool rpi;                       /* a Raspberry Pi boot loader (v4) */
	bool rpi_answer_ok;             /* the Pi answer can be sent (v4) */
};

/* What *boot points to when the answer is the Raspberry Pi menu (a
 * detected Pi, or a rule's raspberry-pi-boot) rather than a file. */
extern const char boot_rpi_menu[];

bool boot_has_user_class(const struct boot_query *q, const char *want);
/* An iPXE client: option 175 or user class "iPXE". */
bool boot_is_ipxe_client(const struct boot_query *q);
/* An iPXE binary by its usual names (undionly.kpxe, ipxe.efi...). */
bool boot_is_ipxe_binary(const char *boot);

/* Rules in order, then a detected Pi's menu, then the arch table.  *boot gets the template and
 * *rule the deciding rule's name (or NULL); returns DROP_REASONS to
 * answer, else why not. */
enum drop_reason boot_choose(const struct config *c,
			     const struct boot_query *q, const char **boot,
			     const char **rule);

#endif
