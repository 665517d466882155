/* Unit tests of the boot progress table's diagnosis: which machines look
 * stalled, after what, and when they stop looking so. */
#include "autoconf.h"

#include <string.h>

#include "check.h"
#include "clients.h"
#include "events.h"
#include "util.h"

#define MIN_MS (60 * 1000ull)

static struct client machine(enum client_stage stage, unsigned files,
			     bool last_done, uint64_t last_seen)
{
	struct client c;

	memset(&c, 0, sizeof(c));
	c.stage = stage;
	c.n_files = files;
	c.last_seen = last_seen;
	if (files)
		c.files[(files - 1) % CLIENT_FILES].done = last_done;
	return c;
}

/* shim and GRUB fetched, then a GRUB that asks the DHCP server for its
 * config: the Secure Boot wall of issue 19. */
static void loader_then_nothing_is_a_loader_stall(void)
{
	uint64_t t = 1000 * MIN_MS;
	struct client c = machine(STAGE_LOADER, 2, true, t);

	CHECK(client_stall_of(&c, t + CLIENT_STALL_SECS * 1000 - 1, CLIENT_STALL_SECS) ==
	      STALL_NONE);
	CHECK(client_stall_of(&c, t + CLIENT_STALL_SECS * 1000, CLIENT_STALL_SECS) ==
	      STALL_LOADER);
	CHECK(strstr(client_stall_hint(STALL_LOADER), "README"));
	CHECK(!strcmp(client_stall_key(STALL_LOADER), "loader"));
	/* Still downloading is not a stall, however long it takes. */
	c = machine(STAGE_LOADER, 2, false, t);
	CHECK(client_stall_of(&c, t + 10 * MIN_MS, 60) == STALL_NONE);
}

static void offer_never_fetched_is_an_offer_stall(void)
{
	uint64_t t = 1000 * MIN_MS;
	struct client c = machine(STAGE_DHCP, 0, false, t);

	CHECK(client_stall_of(&c, t + MIN_MS, 60) == STALL_OFFERED);
	CHECK(client_stall_of(&c, t + 1000, 60) == STALL_NONE);
}

/* Machines that reached the kernel or the payload are done as far as a
 * boot server can tell: never called stalled. */
static void later_stages_never_stall(void)
{
	uint64_t t = 1000 * MIN_MS;
	struct client k = machine(STAGE_KERNEL, 3, true, t);
	struct client p = machine(STAGE_PAYLOAD, 4, true, t);

	CHECK(client_stall_of(&k, t + 100 * MIN_MS, 60) == STALL_NONE);
	CHECK(client_stall_of(&p, t + 100 * MIN_MS, 60) == STALL_NONE);
	CHECK(client_stall_key(STALL_KINDS) != NULL);
	/* The threshold is the config's. */
	k = machine(STAGE_LOADER, 1, true, t);
	CHECK(client_stall_of(&k, t + 2000, 2) == STALL_LOADER);
	CHECK(client_stall_of(&k, t + 1999, 2) == STALL_NONE);
}

/* The table: a new transfer clears a stall at once. */
static void new_activity_clears_the_stall(void)
{
	struct clients *t = clients_new();
	uint8_t mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };
	struct ipaddr ip = { 0 };

	clients_offered(t, &(struct client_offer){ .mac = mac, .arch = 7,
		.vendor = "PXEClient", .vendor_len = 9,
		.offered = "shimx64.efi", .ip = ip, .decided_by = "rule" });
	CHECK(clients_stalled(t, STALL_OFFERED) == 0);
	clients_transfer_start(t, mac, ip, "tftp", "shimx64.efi");
	CHECK(clients_stalled(t, STALL_LOADER) == 0);
	clients_free(t);
}

/* The stage a file starts: pxelinux's own files are the loader's, though
 * named after Linux (an e2e BIOS boot reported "kernel" for pxelinux.0,
 * tests/e2e/boot-events.test). */
static void kernels_by_name_loaders_are_not(void)
{
	static const char *const kernels[] = {
		"vmlinuz", "/linux/x86_64/vmlinuz", "vmlinuz-6.1.0-28-amd64",
		"debian-installer/amd64/linux", "initrd.gz",
		"/linux/x86_64/initrd.gz", "initramfs-linux.img", "kernel8.img",
		"boot/bzImage", "wimboot", "Initrd.img", "EFI/linux.efi",
	};
	static const char *const loaders[] = {
		"pxelinux.0", "lpxelinux.0", "ldlinux.c32", "ldlinux.e64",
		"syslinux.efi", "linux.c32", "grub/x86_64-efi/linux.mod",
		"LINUX.C32", "grubx64.efi", "shimx64.efi", "pxelinux.cfg/default",
		"boot.ipxe", "", "/", "payload.bin",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++)
		CHECK(client_file_is_kernel(kernels[i]));
	for (size_t i = 0; i < ARRAY_SIZE(loaders); i++)
		CHECK(!client_file_is_kernel(loaders[i]));
}

static void mac_str_formats_and_never_overruns(void)
{
	const uint8_t mac[16] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 1, 2,
				  3, 4, 5, 6, 7, 8, 9, 10 };
	char buf[MAC_STR_MAX], small[8];

	CHECK(!strcmp(mac_str(buf, sizeof(buf), mac, 6), "52:54:00:ab:cd:ef"));
	CHECK(strlen(mac_str(buf, sizeof(buf), mac, 16)) == MAC_STR_MAX - 1);
	CHECK(!strcmp(mac_str(small, sizeof(small), mac, 6), "52:54"));
	CHECK(!strcmp(mac_str(buf, sizeof(buf), mac, 0), ""));
	CHECK(hex_digit('0') == 0 && hex_digit('f') == 15 &&
	      hex_digit('F') == 15 && hex_digit('g') == -1 &&
	      hex_digit('\0') == -1);
}

/* What [events] POSTs, as the table tells it (events.c formats it). */
static char seen[4][512];
static unsigned n_seen;

static void keep(void *arg, const struct client_event *e)
{
	(void)arg;
	if (n_seen < 4 &&
	    events_format(e, 1764720000123ull, seen[n_seen], 512) > 0)
		n_seen++;
}

/* The offer's event carries its decision (it was set only after the
 * event went out, so the first boot's had none); a transfer that starts
 * before the neighbour table names the MAC says so with an empty "mac",
 * never 00:00:00:00:00:00; a hostile name stays valid JSON (the table
 * keeps it as the log shows it, control bytes as '?'). */
static void events_carry_decision_and_no_false_mac(void)
{
	struct clients *t = clients_new();
	uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct in_addr a4 = { htonl(0xc0000214) }, b4 = { htonl(0xc0000215) };
	struct client_ref r;
	char small[40];

	clients_observe(t, keep, NULL);
	clients_offered(t, &(struct client_offer){ .mac = mac, .arch = 7,
		.vendor = "PXEClient", .vendor_len = 9,
		.offered = "grubx64.efi", .ip = ipaddr_v4(a4),
		.decided_by = "backend" });
	r = clients_transfer_start(t, NULL, ipaddr_v4(b4), "tftp",
				   "a\"b\x01.efi");
	clients_transfer_end(t, r, 1000, 230, true);
	CHECK(n_seen == 2);
	CHECK(!strcmp(seen[0], "{\"time_ms\":1764720000123,"
		      "\"mac\":\"52:54:00:12:34:56\",\"ip\":\"192.0.2.20\","
		      "\"arch\":7,\"stage\":\"offered\","
		      "\"file\":\"grubx64.efi\",\"decided_by\":\"backend\"}"));
	CHECK(!strcmp(seen[1], "{\"time_ms\":1764720000123,\"mac\":\"\","
		      "\"ip\":\"192.0.2.21\",\"arch\":0,\"stage\":\"loader\","
		      "\"file\":\"a\\u0022b?.efi\",\"proto\":\"tftp\","
		      "\"bytes\":1000,\"ms\":230,\"bytes_per_s\":4347,"
		      "\"ok\":true}"));
	CHECK(events_format(&(struct client_event){
		.c = &(struct client){ .arch = 7 }, .stage = "offered" },
		0, small, sizeof(small)) == -1);
	clients_free(t);
}

int main(void)
{
	loader_then_nothing_is_a_loader_stall();
	offer_never_fetched_is_an_offer_stall();
	later_stages_never_stall();
	new_activity_clears_the_stall();
	kernels_by_name_loaders_are_not();
	mac_str_formats_and_never_overruns();
	events_carry_decision_and_no_false_mac();
	return check_done("clients");
}
