/* Unit tests of Raspberry Pi boot: detection, the OFFER byte for byte
 * for the Pi 4 and Pi 5 DISCOVERs as documented, a BIOS PC with the same
 * option 60, the old Pi 3 ROM, rules forcing and excluding, the
 * [raspberry-pi] keys and the TFTP prefix mapping. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "netaddr.h"
#include "config.h"
#include "dhcp.h"
#include "path.h"
#include "proxy.h"
#include "rpi.h"

#define PXE_CLASS "PXEClient:Arch:00000:UNDI:002001"

/* The Pi 4B DISCOVER of a published tcpdump (rpi.c's comment): 322
 * bytes, options 53, 55, 60, 93, 94, 97, END and nothing else. */
static const uint8_t pi4_mac[6] = { 0xdc, 0xa6, 0x32, 0xa7, 0xed, 0x89 };
static const uint8_t pi4_guid[17] = {
	0x00, 'R', 'P', 'i', '4', 0x12, 0x31, 0xc0, 0x00,
	0x32, 0xa7, 0xed, 0x89, 0x9d, 0x6e, 0xef, 0xe5,
};
/* A Pi 5 (revision d04170, 8 GB): the same layout with "RPi5". */
static const uint8_t pi5_mac[6] = { 0xd8, 0x3a, 0xdd, 0xe8, 0x27, 0x1e };
static const uint8_t pi5_guid[17] = {
	0x00, 'R', 'P', 'i', '5', 0x70, 0x41, 0xd0, 0x00,
	0xdd, 0xe8, 0x27, 0x1e, 0x4c, 0x3d, 0x2e, 0x1f,
};
/* The Pi 3B ROM's constant GUID (documentation, boot-net.adoc). */
static uint8_t pi3_guid[17];

static size_t put(uint8_t *b, size_t n, uint8_t code, const void *v,
		  size_t len)
{
	b[n++] = code;
	b[n++] = (uint8_t)len;
	memcpy(b + n, v, len);
	return n + len;
}

/* A DISCOVER as the Pi's loaders build it. */
static size_t pi_discover(uint8_t *b, const uint8_t mac[6],
			  const uint8_t *guid, uint16_t arch)
{
	static const uint8_t prl[14] = { 1, 3, 43, 60, 66, 67, 128, 129,
					 130, 131, 132, 133, 134, 135 };
	uint8_t type = DHCPDISCOVER, a93[2] = { (uint8_t)(arch >> 8),
						(uint8_t)arch };
	size_t n = 240;

	memset(b, 0, 240);
	b[0] = BOOTREQUEST;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, "\xd5\xec\x86\xd6", 4);
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	n = put(b, n, OPT_MSG_TYPE, &type, 1);
	n = put(b, n, 55, prl, sizeof(prl));
	n = put(b, n, OPT_VENDOR_CLASS, PXE_CLASS, strlen(PXE_CLASS));
	n = put(b, n, OPT_CLIENT_ARCH, a93, 2);
	n = put(b, n, OPT_CLIENT_NDI, "\x01\x02\x01", 3);
	n = put(b, n, OPT_CLIENT_UUID, guid, 17);
	b[n++] = OPT_END;
	return n;
}

static struct config *conf(const char *text)
{
	char err[256];
	struct config *c = config_parse("test", text, err, sizeof(err));

	if (!c)
		fprintf(stderr, "config: %s\n", err);
	return c;
}

/* The OFFER as the documented capture has it: written out here byte by
 * byte, not through the builder's helpers. */
static size_t expected_offer(uint8_t *e, const uint8_t mac[6],
			     const uint8_t *guid, const char *text)
{
	size_t n = 0, tl = strlen(text);

	memset(e, 0, 300);
	e[n++] = BOOTREPLY; e[n++] = 1; e[n++] = 6; e[n++] = 0;
	memcpy(e + n, "\xd5\xec\x86\xd6", 4); n += 4;
	n += 4;                                 /* secs, flags */
	n += 4 + 4;                             /* ciaddr, yiaddr */
	memcpy(e + n, "\xc0\x00\x02\x0a", 4); n += 4;   /* siaddr */
	n += 4;                                 /* giaddr */
	memcpy(e + n, mac, 6); n += 16;
	n += 64 + 128;                          /* no sname, no file */
	memcpy(e + n, "\x63\x82\x53\x63", 4); n += 4;
	memcpy(e + n, "\x35\x01\x02", 3); n += 3;
	memcpy(e + n, "\x36\x04\xc0\x00\x02\x0a", 6); n += 6;
	memcpy(e + n, "\x3c\x09PXEClient", 11); n += 11;
	e[n++] = 97; e[n++] = 17;
	memcpy(e + n, guid, 17); n += 17;
	e[n++] = 43; e[n++] = (uint8_t)(15 + tl);
	memcpy(e + n, "\x06\x01\x03\x0a\x04\x00PXE\x09", 10); n += 10;
	e[n++] = (uint8_t)(3 + tl); e[n++] = 0; e[n++] = 0; e[n++] = (uint8_t)tl;
	memcpy(e + n, text, tl); n += tl;
	e[n++] = 0xff;
	memcpy(e + n, "\x42\x0a" "192.0.2.10", 12); n += 12;
	e[n++] = 0xff;
	return n < 300 ? 300 : n;
}

static int offer_for(const struct config *c, const uint8_t *req, size_t len,
		     struct proxy_answer *a, uint8_t *out, size_t cap)
{
	struct dhcp_msg m;
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct in_addr srv;
	const char *why;

	inet_pton(AF_INET, "192.0.2.10", &srv);
	if (dhcp_parse(&m, req, len, &why) < 0)
		return -1;
	if (proxy_decide(c, &m, DHCP_SERVER_PORT, &from, srv, a) !=
	    DROP_REASONS)
		return -2;
	return dhcp_build_reply(&m, &a->reply, out, cap);
}

static void dump_diff(const uint8_t *got, const uint8_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			fprintf(stderr, "  first difference at byte %zu: "
				"%02x, want %02x\n", i, got[i], want[i]);
			return;
		}
}

static void offer_is_documented(const uint8_t mac[6], const uint8_t *guid,
				const char *model, uint32_t serial)
{
	struct config *c = conf("");
	uint8_t req[400], out[DHCP_MAX_LEN], want[400];
	size_t rl = pi_discover(req, mac, guid, 0);
	size_t wl = expected_offer(want, mac, guid, RPI_MENU_TEXT);
	struct proxy_answer a;
	int n = offer_for(c, req, rl, &a, out, sizeof(out));

	CHECK(rl == 322);       /* the capture's UDP payload */
	CHECK(n == (int)wl);
	CHECK(n > 0 && !memcmp(out, want, wl));
	if (n > 0 && memcmp(out, want, wl))
		dump_diff(out, want, wl);
	CHECK(a.rpi_answer && a.pi.is_pi && a.pi.have_serial);
	CHECK(a.pi.serial == serial);
	CHECK(!strcmp(a.pi.model, model));
	CHECK(a.broadcast);
	config_free(c);
}

static void pi4_and_pi5_get_the_documented_offer(void)
{
	offer_is_documented(pi4_mac, pi4_guid, "Raspberry Pi 4B", 0xe5ef6e9d);
	offer_is_documented(pi5_mac, pi5_guid, "Raspberry Pi 5", 0x1f2e3d4c);
}

/* A PC that sends what the Pi sends in option 60 and 93, but is no Pi:
 * pxelinux.0, the usual option 43, no menu, no option 66. */
static void bios_pc_with_the_same_class_gets_pxelinux(void)
{
	static const uint8_t pc_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t pc_guid[17] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct config *c = conf("");
	uint8_t req[400], out[DHCP_MAX_LEN];
	size_t rl = pi_discover(req, pc_mac, pc_guid, 0);
	struct proxy_answer a;
	int n = offer_for(c, req, rl, &a, out, sizeof(out));

	CHECK(n > 0);
	CHECK(!a.rpi_answer && !a.pi.is_pi);
	CHECK(!strcmp(a.bootfile, "pxelinux.0"));
	CHECK(n > 0 && !memmem(out, (size_t)n, "Raspberry", 9));
	CHECK(n > 0 && memmem(out, (size_t)n, "\x2b\x04\x06\x01\x08\xff", 6));
	CHECK(n > 0 && !memmem(out, (size_t)n, "192.0.2.10", 10));
	config_free(c);
}

/* The Pi 3B ROM: a Pi MAC, the constant GUID; its menu text needs three
 * spaces.  A Pi MAC with another GUID gets the plain text; with
 * old-rom-menu every Pi gets the spaces. */
static void pi3_rom_by_mac_gets_the_padded_text(void)
{
	static const uint8_t pi3_mac[6] = { 0xb8, 0x27, 0xeb, 0x28, 0xf6, 0x6d };
	static const uint8_t other[17] = { 0, 1, 2, 3 };
	struct config *c = conf(""), *old = conf("[raspberry-pi]\n"
						 "old-rom-menu = yes\n");
	uint8_t req[400], out[DHCP_MAX_LEN], want[400];
	struct proxy_answer a;
	size_t rl, wl;
	int n;

	memset(pi3_guid + 1, 0x44, 16);
	rl = pi_discover(req, pi3_mac, pi3_guid, 0);
	wl = expected_offer(want, pi3_mac, pi3_guid, RPI_MENU_TEXT_OLD_ROM);
	n = offer_for(c, req, rl, &a, out, sizeof(out));
	CHECK(n == (int)wl && !memcmp(out, want, wl));
	CHECK(a.pi.old_rom && !a.pi.have_serial);
	rl = pi_discover(req, pi3_mac, other, 0);
	wl = expected_offer(want, pi3_mac, other, RPI_MENU_TEXT);
	n = offer_for(c, req, rl, &a, out, sizeof(out));
	CHECK(n == (int)wl && !memcmp(out, want, wl));
	CHECK(a.pi.is_pi && !a.pi.old_rom);
	rl = pi_discover(req, pi4_mac, pi4_guid, 0);
	wl = expected_offer(want, pi4_mac, pi4_guid, RPI_MENU_TEXT_OLD_ROM);
	n = offer_for(old, req, rl, &a, out, sizeof(out));
	CHECK(n == (int)wl && !memcmp(out, want, wl));
	config_free(c);
	config_free(old);
}

/* UEFI or U-Boot on a Pi (arch 11, 22) is not its boot loader. */
static void firmware_on_a_pi_gets_the_table(void)
{
	struct config *c = conf("");
	uint8_t req[400], out[DHCP_MAX_LEN];
	size_t rl = pi_discover(req, pi4_mac, pi4_guid, 11);
	struct proxy_answer a;

	CHECK(offer_for(c, req, rl, &a, out, sizeof(out)) > 0);
	CHECK(!a.rpi_answer && !strcmp(a.bootfile, "grubaa64.efi"));
	config_free(c);
}

static void rules_force_and_exclude(void)
{
	static const uint8_t pc_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t pc_guid[17] = { 0 };
	struct config *c = conf(
		"[rule custom-pi]\nmac = 02:00:00:*\nraspberry-pi-boot = yes\n"
		"[rule lab-pis]\nraspberry-pi = yes\nmac = dc:a6:32:*\n"
		"boot = pxelinux.0\n"
		"[rule no-pi5]\nraspberry-pi = yes\nmac = d8:3a:dd:*\n"
		"ignore = yes\n");
	struct config *off = conf("[raspberry-pi]\nenable = no\n");
	uint8_t req[400], out[DHCP_MAX_LEN];
	struct proxy_answer a;
	size_t rl;

	CHECK(c && off);
	if (!c || !off)
		return;
	/* Forced: a MAC the detection does not know. */
	rl = pi_discover(req, pc_mac, pc_guid, 0);
	CHECK(offer_for(c, req, rl, &a, out, sizeof(out)) > 0);
	CHECK(a.rpi_answer && !a.pi.is_pi && !strcmp(a.rule, "custom-pi"));
	/* Excluded from the menu: a Pi 4 gets a file by rule. */
	rl = pi_discover(req, pi4_mac, pi4_guid, 0);
	CHECK(offer_for(c, req, rl, &a, out, sizeof(out)) > 0);
	CHECK(!a.rpi_answer && !strcmp(a.bootfile, "pxelinux.0"));
	/* Excluded altogether: a Pi 5 is ignored. */
	rl = pi_discover(req, pi5_mac, pi5_guid, 0);
	CHECK(offer_for(c, req, rl, &a, out, sizeof(out)) == -2);
	/* enable = no: a Pi is one more BIOS PC. */
	rl = pi_discover(req, pi4_mac, pi4_guid, 0);
	CHECK(offer_for(off, req, rl, &a, out, sizeof(out)) > 0);
	CHECK(!a.rpi_answer && !strcmp(a.bootfile, "pxelinux.0"));
	config_free(c);
	config_free(off);
}

static void config_keys(void)
{
	char err[256];
	struct config *c = conf("[raspberry-pi]\nshared-dir = /boot//pi/./\n");
	FILE *f;
	char *text = NULL;
	size_t len = 0;

	CHECK(c && !strcmp(c->rpi_shared_dir, "boot/pi"));
	CHECK(c && c->rpi_enable && !c->rpi_old_rom_menu);
	config_free(c);
	CHECK(!config_parse("t", "[raspberry-pi]\nshared-dir = ../x\n", err,
			    sizeof(err)));
	CHECK(!config_parse("t", "[raspberry-pi]\nshared-dir = a/../../x\n",
			    err, sizeof(err)));
	CHECK(!config_parse("t", "[rule x]\nraspberry-pi = maybe\nignore = "
			    "yes\n", err, sizeof(err)));
	CHECK(!config_parse("t", "[rule x]\nraspberry-pi-boot = yes\nboot = "
			    "a\n", err, sizeof(err)));
	/* --check prints what reads back the same. */
	c = conf("[raspberry-pi]\nold-rom-menu = yes\n[rule p]\n"
		 "raspberry-pi = no\nraspberry-pi-boot = yes\n");
	CHECK(c != NULL);
	if (!c)
		return;
	f = open_memstream(&text, &len);
	config_print(c, f);
	fclose(f);
	config_free(c);
	c = conf(text);
	CHECK(c && c->rpi_old_rom_menu && c->n_rules == 1 &&
	      c->rules[0].rpi == 0 && c->rules[0].action == RULE_RPI);
	CHECK(strstr(text, "[raspberry-pi]\nenable = yes\n") != NULL);
	free(text);
	config_free(c);
}

static void prefixes(void)
{
	uint32_t s;

	CHECK(rpi_serial_from_path("e5ef6e9d/start4.elf", &s) &&
	      s == 0xe5ef6e9d);
	CHECK(!rpi_serial_from_path("e5ef6e9d", &s));
	CHECK(!rpi_serial_from_path("e5ef6e9/start4.elf", &s));
	CHECK(!rpi_serial_from_path("e5ef6e9dd/start4.elf", &s));
	CHECK(!rpi_serial_from_path("g5ef6e9d/start4.elf", &s));
	CHECK(rpi_prefix_len("e5ef6e9d/start4.elf") == 9);
	CHECK(rpi_prefix_len("dc-a6-32-01-36-c2/start4.elf") == 18);
	CHECK(rpi_prefix_len("DC-A6-32-01-36-C2/start4.elf") == 18);
	CHECK(rpi_prefix_len("52-54-00-01-36-c2/start4.elf") == 0);
	CHECK(rpi_prefix_len("dc-a6-32-01-36-c2") == 0);
	CHECK(rpi_prefix_len("pxelinux.cfg/default") == 0);
	CHECK(rpi_prefix_len("start4.elf") == 0);
}

static void mkfile(int dir, const char *path, const char *data)
{
	int fd = openat(dir, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
		close(fd);
	}
}

static const char *served_by(const struct config *c, int root,
			     const char *path, int *err)
{
	static char served[PATH_MAX_NAME];
	struct stat st;
	int fd = rpi_path_open(c, root, path, &st, served, sizeof(served));

	*err = fd < 0 ? fd : 0;
	if (fd >= 0)
		close(fd);
	return served;
}

static const struct {
	const char *name;
	int flags;
} made[] = {
	{ "rpi/out", 0 }, { "rpi/start4.elf", 0 }, { "rpi/cmdline.txt", 0 },
	{ "e5ef6e9d/cmdline.txt", 0 }, { "config.txt", 0 },
	{ "rpi", AT_REMOVEDIR }, { "e5ef6e9d", AT_REMOVEDIR },
};

static void tftp_mapping(void)
{
	char tmpl[] = "/tmp/test_rpi.XXXXXX";
	struct config *c = conf(""), *off = conf("[raspberry-pi]\nenable = no\n");
	int root, e;

	CHECK(mkdtemp(tmpl) != NULL);
	root = open(tmpl, O_RDONLY | O_DIRECTORY);
	CHECK(root >= 0);
	CHECK(mkdirat(root, "rpi", 0755) == 0);
	CHECK(mkdirat(root, "e5ef6e9d", 0755) == 0);
	mkfile(root, "rpi/start4.elf", "shared");
	mkfile(root, "rpi/cmdline.txt", "shared");
	mkfile(root, "e5ef6e9d/cmdline.txt", "own");
	mkfile(root, "config.txt", "root");
	CHECK(symlinkat("/etc", root, "rpi/out") == 0);
	/* Per-device wins, then the shared dir, then the root. */
	CHECK(!strcmp(served_by(c, root, "e5ef6e9d/cmdline.txt", &e),
		      "e5ef6e9d/cmdline.txt") && e == 0);
	CHECK(!strcmp(served_by(c, root, "e5ef6e9d/start4.elf", &e),
		      "rpi/start4.elf") && e == 0);
	CHECK(!strcmp(served_by(c, root, "0badcafe/start4.elf", &e),
		      "rpi/start4.elf") && e == 0);
	CHECK(!strcmp(served_by(c, root, "dc-a6-32-01-36-c2/config.txt", &e),
		      "config.txt") && e == 0);
	served_by(c, root, "e5ef6e9d/missing.elf", &e);
	CHECK(e == -ENOENT);
	/* Only a Pi prefix maps; never out of the root. */
	served_by(c, root, "deadbee/start4.elf", &e);
	CHECK(e == -ENOENT);
	served_by(c, root, "e5ef6e9d/out/passwd", &e);
	CHECK(e == -EACCES);
	served_by(off, root, "e5ef6e9d/start4.elf", &e);
	CHECK(e == -ENOENT);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		CHECK(unlinkat(root, made[i].name, made[i].flags) == 0);
	close(root);
	CHECK(rmdir(tmpl) == 0);
	config_free(c);
	config_free(off);
}

/* The status table names a Pi by model and serial; a Pi 3, whose
 * request has no serial, by its first prefixed TFTP read. */
static void status_names_a_pi(void)
{
	static const uint8_t pi3_mac[6] = { 0xb8, 0x27, 0xeb, 0x28, 0xf6, 0x6d };
	struct clients *t = clients_new();
	struct in_addr ip4 = { htonl(0xc0000265) };
	struct ipaddr ip = ipaddr_v4(ip4), none = { 0 };
	uint32_t serial = 0xe5ef6e9d;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	clients_offered(t, &(struct client_offer){ .mac = pi4_mac,
		.vendor = PXE_CLASS, .vendor_len = strlen(PXE_CLASS),
		.offered = "menu", .ip = ip, .decided_by = "rule" });
	clients_describe(t, pi4_mac, "Raspberry Pi 4B", &serial);
	clients_offered(t, &(struct client_offer){ .mac = pi3_mac,
		.vendor = PXE_CLASS, .vendor_len = strlen(PXE_CLASS),
		.offered = "menu", .ip = none, .decided_by = "rule" });
	clients_describe(t, pi3_mac, "Raspberry Pi 3B ROM", NULL);
	clients_transfer_start(t, pi3_mac, none, "tftp",
			       "0badcafe/start.elf");
	f = open_memstream(&text, &len);
	clients_json(t, f);
	clients_html_rows(t, f);
	fclose(f);
	CHECK(strstr(text, "\"model\":\"Raspberry Pi 4B\",\"serial\":"
		     "\"e5ef6e9d\"") != NULL);
	CHECK(strstr(text, "\"model\":\"Raspberry Pi 3B ROM\",\"serial\":"
		     "\"0badcafe\"") != NULL);
	CHECK(strstr(text, "<br>Raspberry Pi 4B e5ef6e9d</td>") != NULL);
	free(text);
	clients_free(t);
}

int main(void)
{
	pi4_and_pi5_get_the_documented_offer();
	bios_pc_with_the_same_class_gets_pxelinux();
	pi3_rom_by_mac_gets_the_padded_text();
	firmware_on_a_pi_gets_the_table();
	rules_force_and_exclude();
	config_keys();
	prefixes();
	tftp_mapping();
	status_names_a_pi();
	return check_done("rpi");
}
