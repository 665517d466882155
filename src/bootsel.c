/* Boot file selection, shared by the DHCPv4 and DHCPv6 proxies: the
 * first [rule] whose conditions all hold decides, else the [arch] table;
 * an iPXE client is never handed iPXE again. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "bootsel.h"
#include "cursor.h"

const char boot_rpi_menu[] = "Raspberry Pi boot menu";

bool boot_has_user_class(const struct boot_query *q, const char *want)
{
	struct rd r = rd_init(q->user_class, q->user_class_len);
	size_t wlen = strlen(want);
	const uint8_t *d;

	if (!q->user_class)
		return false;
	/* iPXE over IPv4 sends its class bare ("iPXE"). */
	if (q->user_class_lensz == 1 && q->user_class_len == wlen &&
	    !memcmp(q->user_class, want, wlen))
		return true;
	for (;;) {
		uint8_t n8;
		uint16_t n;

		if (q->user_class_lensz == 1) {
			if (!rd_u8(&r, &n8))
				return false;
			n = n8;
		} else if (!rd_u16(&r, &n)) {
			return false;
		}
		if (!rd_ref(&r, &d, n))
			return false;
		if (n == wlen && !memcmp(d, want, wlen))
			return true;
	}
}

bool boot_is_ipxe_client(const struct boot_query *q)
{
	return q->ipxe_option || boot_has_user_class(q, "iPXE");
}

/* ".ipxe" is a script, not a binary. */
bool boot_is_ipxe_binary(const char *boot)
{
	const char *base = strrchr(boot, '/');
	size_t n;

	base = base ? base + 1 : boot;
	n = strlen(base);
	if (n >= 5 && !strcasecmp(base + n - 5, ".ipxe"))
		return false;
	return strcasestr(base, "ipxe") || strcasestr(base, "undionly") ||
	       strcasestr(base, "snponly") || (n >= 5 &&
	       !strcasecmp(base + n - 5, ".kpxe"));
}

/* A rule's MAC is exact (6 octets) or a prefix; an unknown MAC matches
 * no MAC rule. */
static bool mac_matches(const struct rule *r, const struct boot_query *q)
{
	if (!r->mac_len)
		return true;
	if (!q->mac || q->mac_len < r->mac_len ||
	    (r->mac_len == 6 && q->mac_len != 6))
		return false;
	return !memcmp(q->mac, r->mac, r->mac_len);
}

static bool rule_matches(const struct rule *r, const struct boot_query *q)
{
	size_t vlen = r->vendor ? strlen(r->vendor) : 0;

	if (!mac_matches(r, q))
		return false;
	if (r->arch_mask && (q->arch >= ARCH_CODES ||
			     !(r->arch_mask & (UINT64_C(1) << q->arch))))
		return false;
	if (r->vendor && (!q->vendor || q->vendor_len < vlen ||
			  memcmp(q->vendor, r->vendor, vlen)))
		return false;
	if (r->user_class && !boot_has_user_class(q, r->user_class))
		return false;
	if (r->ipxe >= 0 && q->ipxe_option != (r->ipxe == 1))
		return false;
	if (r->rpi >= 0 && q->rpi != (r->rpi == 1))
		return false;
	/* A DHCPv6 client cannot be given the Pi's option 43. */
	if (r->action == RULE_RPI && !q->rpi_answer_ok)
		return false;
	return true;
}

enum drop_reason boot_choose(const struct config *c,
			     const struct boot_query *q, const char **boot,
			     const char **rule)
{
	bool ipxe = boot_is_ipxe_client(q);

	*rule = NULL;
	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];

		if (!rule_matches(r, q))
			continue;
		if (r->action == RULE_BOOT && ipxe &&
		    boot_is_ipxe_binary(r->boot))
			continue;       /* never chainload iPXE into iPXE */
		*rule = r->name;
		if (r->action == RULE_IGNORE)
			return DROP_RULE_IGNORE;
		*boot = r->action == RULE_RPI ? boot_rpi_menu : r->boot;
		return DROP_REASONS;
	}
	/* A Pi's boot loader can use nothing in the table (it looks like
	 * a BIOS PC but would never run pxelinux.0). */
	if (c->rpi_enable && q->rpi && q->rpi_answer_ok) {
		*boot = boot_rpi_menu;
		return DROP_REASONS;
	}
	*boot = q->arch < ARCH_CODES ? c->boot[q->arch] : NULL;
	if (!*boot)
		return DROP_NO_BOOTFILE;
	if (ipxe && boot_is_ipxe_binary(*boot))
		return DROP_IPXE_LOOP;
	return DROP_REASONS;
}
