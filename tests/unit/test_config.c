/* Unit tests of the config parser: good files, every kind of bad line
 * with its file:line message, and print -> parse round trips. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"

static char err[1024];

static struct config *parse(const char *text)
{
	err[0] = '\0';
	return config_parse("t.conf", text, err, sizeof(err));
}

/* The text must fail with a message starting with want. */
static void bad(const char *text, const char *want)
{
	struct config *c = parse(text);

	CHECK(c == NULL);
	if (strncmp(err, want, strlen(want)))
		fprintf(stderr, "  got '%s', want '%s...'\n", err, want);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	config_free(c);
}

static void good_file_sets_every_kind_of_key(void)
{
	struct config *c = parse(
		"# a comment\n"
		"root = /srv/boot\n"
		"interface = eth0 eth1\n"
		"interface = eth2\n"
		"\n"
		"[tftp]\n"
		"max-windowsize = 16   # trailing comment\n"
		"[http]\n"
		"port = 8080\n"
		"listen = 192.0.2.10\n"
		"enable = no\n"
		"[arch]\n"
		"bios = undionly.kpxe\n"
		"x64-efi = ipxe.efi\n"
		"11 = none\n"
		"x64-efi-http = http://${server}:8080/a#b\n");

	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(!strcmp(c->root, "/srv/boot"));
	CHECK(c->n_ifaces == 3 && !strcmp(c->ifaces[2], "eth2"));
	CHECK(c->tftp_max_windowsize == 16);
	CHECK(c->http_port == 8080 && !c->http_enable);
	CHECK(!strcmp(c->boot[0], "undionly.kpxe"));
	CHECK(!strcmp(c->boot[7], "ipxe.efi") && !strcmp(c->boot[9], "ipxe.efi"));
	CHECK(c->boot[11] == NULL);
	CHECK(!strcmp(c->boot[16], "http://${server}:8080/a#b"));
	config_free(c);
}

static void bad_lines_name_file_line_and_fix(void)
{
	bad("bogus = 1\n", "t.conf:1: unknown key 'bogus'");
	bad("\n\n[tftp]\nroot = /x\n", "t.conf:4: unknown key 'root' in [tftp]");
	bad("[nope]\n", "t.conf:1: unknown section [nope]");
	bad("[tftp\n", "t.conf:1: section header without ']'");
	bad("root\n", "t.conf:1: expected 'key = value'");
	bad("root =\n", "t.conf:1: missing value for 'root'");
	bad("= /x\n", "t.conf:1: missing key");
	bad("root = relative\n", "t.conf: root must be an absolute path");
	bad("[tftp]\nport = 0\n", "t.conf:2: bad value '0' for 'port'");
	bad("[tftp]\nport = 65536\n", "t.conf:2: bad value '65536'");
	bad("[tftp]\nport = 12ab\n", "t.conf:2: bad value '12ab'");
	bad("[tftp]\nport = -1\n", "t.conf:2: bad value '-1'");
	bad("[tftp]\nport = 99999999999999999999999\n", "t.conf:2: bad value");
	/* found by fuzzing: 19 digits overflowed before the range check */
	bad("[tftp]\nport = 9511111334406900707\n", "t.conf:2: bad value");
	bad("[tftp]\nenable = maybe\n", "t.conf:2: bad value 'maybe' for 'enable'");
	bad("[http]\nlisten = 300.1.1.1\n", "t.conf:2: bad value '300.1.1.1'");
	bad("[arch]\nmars = x.efi\n", "t.conf:2: unknown architecture 'mars'");
	bad("[arch]\n64 = x.efi\n", "t.conf:2: unknown architecture '64'");
	bad("interface = abcdefghijklmnopq\n", "t.conf:1: bad interface name");
	bad("interface = a/b\n", "t.conf:1: bad interface name");
	bad("interface = ..\n", "t.conf:1: bad interface name");
	/* found by fuzzing: '#' right after '=' is a comment, not a value */
	bad("interface =# eth0\n", "t.conf:1: missing value for 'interface'");
	bad("user = two words\n", "t.conf:1: 'user' needs a value without blanks");
	bad("[rule]\n", "t.conf:1: a rule needs a name");
	bad("[rule a]\nboot = x\n[rule a]\n", "t.conf:3: rule 'a' already defined at line 1");
	bad("[rule a]\nmac = 52:54\n", "t.conf: rule 'a' (line 1) has no action");
	bad("[rule a]\nmac = 5:54\nboot = x\n", "t.conf:2: bad MAC address");
	bad("[rule a]\nmac = 52:54:zz\n", "t.conf:2: bad MAC address");
	bad("[rule a]\narch = bios mars\n", "t.conf:2: unknown architecture 'mars'");
	bad("[rule a]\nboot = x\nignore = yes\n", "t.conf:3: rule 'a' has more than one action");
	bad("[rule a]\nrefuse = yes\nboot = x\n", "t.conf:3: rule 'a' has more than one action");
	bad("[rule a]\nrefuse = often\n", "t.conf:2: bad value 'often' for 'refuse'");
	bad("[rule a]\nscript = boot.ipxe\n", "t.conf:2: script must be an http:// URL");
	bad("[rule a]\nport = 1\n", "t.conf:2: unknown key 'port' in a rule");
	bad("[rule a]\nipxe = perhaps\n", "t.conf:2: bad value 'perhaps' for 'ipxe'");
	{
		char big[700];

		memset(big, 'x', sizeof(big));
		memcpy(big, "root = /", 8);
		big[sizeof(big) - 2] = '\n';
		big[sizeof(big) - 1] = '\0';
		bad(big, "t.conf:1: line too long");
	}
}

static void printed_config_reads_back_the_same(void)
{
	struct config *c = parse("[arch]\nbios = a.0\n27 = r.efi\n[tftp]\n"
				 "retries = 9\ninterface = x\n");
	struct config *d;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	/* 'interface' is a global key: in [tftp] it is unknown. */
	CHECK(c == NULL);
	c = parse("interface = x\n[arch]\nbios = a.0\n27 = r.efi\n[tftp]\n"
		  "retries = 9\n[rule one]\nmac = 52:54:00:*\narch = bios 7\n"
		  "vendor-class = PXEClient:Arch:00000\nuser-class = iPXE\n"
		  "ipxe = no\nscript = http://${server}/x.ipxe\n"
		  "[rule two]\nmac = 52:54:00:12:34:56\nignore = yes\n"
		  "[rule three]\nvendor-class = PXEClient\nrefuse = yes\n");
	CHECK(c != NULL);
	if (!c)
		return;
	f = open_memstream(&text, &len);
	config_print(c, f);
	fclose(f);
	d = parse(text);
	CHECK(d != NULL);
	if (d) {
		CHECK(d->tftp_retries == 9 && !strcmp(d->boot[0], "a.0") &&
		      !strcmp(d->boot[27], "r.efi") && d->n_ifaces == 1);
		for (unsigned i = 0; i < ARCH_CODES; i++)
			CHECK((c->boot[i] == NULL) == (d->boot[i] == NULL));
		CHECK(d->n_rules == 3);
		CHECK(d->rules[2].action == RULE_REFUSE &&
		      !strcmp(d->rules[2].boot, BOOT_REFUSED_NAME));
		CHECK(d->rules[0].mac_len == 3 && d->rules[0].ipxe == 0 &&
		      d->rules[0].arch_mask == ((1u << 0) | (1u << 7)) &&
		      d->rules[0].action == RULE_SCRIPT &&
		      !strcmp(d->rules[0].user_class, "iPXE") &&
		      !strcmp(d->rules[0].vendor, "PXEClient:Arch:00000"));
		CHECK(d->rules[1].mac_len == 6 &&
		      d->rules[1].action == RULE_IGNORE);
	}
	free(text);
	config_free(c);
	config_free(d);
}

static void command_line_wins_over_file(void)
{
	struct config *c = config_defaults();
	struct config_overrides o = { .root = "/r", .user = "u",
				      .ifaces = { "a", "b" }, .n_ifaces = 2 };

	CHECK(config_apply(c, &o, err, sizeof(err)) == 0);
	CHECK(!strcmp(c->root, "/r") && !strcmp(c->user, "u") &&
	      c->n_ifaces == 2);
	o.root = "rel";
	CHECK(config_apply(c, &o, err, sizeof(err)) < 0);
	config_free(c);
}

/* A reload keeps what was bound, chrooted or dropped to at start, and
 * names it; everything else comes from the new file. */
static void reload_keeps_restart_only_settings(void)
{
	struct config *old = parse("root = /a\n[tftp]\nport = 69\nretries = 3\n"
				   "[http]\nlisten = 192.0.2.1\n");
	struct config *c = parse("root = /b\n[tftp]\nport = 6969\nretries = 9\n"
				 "[http]\nlisten = 192.0.2.2\n");
	char kept[256];

	CHECK(old && c);
	if (!old || !c)
		goto out;
	CHECK(config_keep_restart_keys(c, old, kept, sizeof(kept)) == 3);
	CHECK(!strcmp(kept, "root, tftp port, http listen"));
	CHECK(!strcmp(c->root, "/a") && c->tftp_port == 69 &&
	      c->http_addr.s_addr == old->http_addr.s_addr);
	CHECK(c->tftp_retries == 9);
	CHECK(config_keep_restart_keys(c, old, kept, sizeof(kept)) == 0 &&
	      kept[0] == '\0');
	/* A list too long for the buffer is cut, never overrun. */
	free(c->root);
	c->root = strdup("/c");
	CHECK(config_keep_restart_keys(c, old, kept, 3) == 1);
out:
	config_free(old);
	config_free(c);
}

/* Boot names must fit option 67 (and 59) once every variable is filled
 * in (and our http:// or tftp:// URL put before a bare name), for an
 * IPv6 ${server} too: refused at load time, never dropped per client. */
static void boot_names_fit_option_67_after_expansion(void)
{
	char line[400], name[300];
	struct config *c;

	/* 255 - 55 ("http://" or "tftp://" + "[" 45 "]" + "/") = 200
	 * characters fit. */
	memset(name, 'n', 200);
	name[200] = '\0';
	snprintf(line, sizeof(line), "[arch]\nbios = %s\n", name);
	CHECK((c = parse(line)) != NULL);
	config_free(c);
	name[200] = 'n';
	name[201] = '\0';
	snprintf(line, sizeof(line), "[arch]\nbios = %s\n", name);
	bad(line, "t.conf:2: boot file 'nnn");
	/* A URL needs no prefix: 255 fit. */
	memcpy(name, "http://", 7);
	memset(name + 7, 'u', 248);
	name[255] = '\0';
	snprintf(line, sizeof(line), "[arch]\nx64-efi-http = %s\n", name);
	CHECK((c = parse(line)) != NULL);
	config_free(c);
	/* ${mac} may become 47 characters, ${server} 47. */
	memset(name + 7, 'u', 210);
	memcpy(name + 217, "${mac}", 7);
	snprintf(line, sizeof(line), "[rule r]\nboot = %s\n", name);
	bad(line, "t.conf:2: boot file 'http://uuu");
	CHECK(boot_template_max_len("http://${server}/${mac}") ==
	      7 + 47 + 1 + 47);
	CHECK(boot_template_max_len("x.efi") == 5 + 7 + 47 + 1);
	/* Fits with an IPv4 ${server} (7 + 15 + 1 + 220 = 243), not with an
	 * IPv6 one (7 + 47 + 1 + 220 = 275): refused, IPv6 named. */
	memset(name + 7, 'v', 220);
	memcpy(name + 7, "${server}/", 10);
	name[7 + 230] = '\0';
	CHECK(strlen(name) == 237);
	snprintf(line, sizeof(line), "[rule r]\nboot = %s\n", name);
	c = parse(line);
	CHECK(c == NULL && strstr(err, "an IPv6 [address]"));
	config_free(c);
	CHECK(boot_template_max_len(name) == 7 + 47 + 1 + 220);
	/* The longest IPv6 text proxy6_decide.c can write is 45 + 2. */
	CHECK(BOOT_VAR_SERVER6_MAX == INET6_ADDRSTRLEN - 1 + 2);
}

/* [https]: the socket's keys wait for a restart, the certificate and key
 * paths are taken on reload (the pair is read again then); https:// URLs
 * need no http:// prefix. */
static void https_section(void)
{
	struct config *old = parse("[https]\nenable = yes\nport = 8443\n"
				   "certificate = /a.crt\nkey = /a.key\n");
	struct config *c = parse("[https]\nenable = no\nport = 443\n"
				 "listen = 192.0.2.3\ncertificate = /b.crt\n"
				 "key = /b.key\n[arch]\nx64-efi-http = "
				 "https://${server}/boot.efi\n");
	struct config *d = config_defaults();
	char kept[256];

	CHECK(old && c);
	CHECK(!d->https_enable && d->https_port == 443);
	if (!old || !c)
		goto out;
	CHECK(old->https_enable && old->https_port == 8443 &&
	      !strcmp(old->https_cert, "/a.crt"));
	CHECK(config_keep_restart_keys(c, old, kept, sizeof(kept)) == 3);
	CHECK(!strcmp(kept, "https enable, https listen, https port"));
	CHECK(c->https_enable && c->https_port == 8443 &&
	      !strcmp(c->https_cert, "/b.crt") &&
	      !strcmp(c->https_key, "/b.key"));
	CHECK(boot_template_max_len("https://${server}/boot.efi") ==
	      strlen("https://${server}/boot.efi") - 9 + 47);
	bad("[https]\nport = 0\n", "t.conf:2: bad value '0' for 'port'");
	bad("[https]\ncertificate = a b\n", "t.conf:2: 'certificate' needs");
out:
	config_free(old);
	config_free(c);
	config_free(d);
}

/* [dhcp6] prefer-after: on by default, 0 turns the copy off, and no
 * value past EDK2's collection wait (it would never be seen). */
static void dhcp6_prefer_after(void)
{
	struct config *d = config_defaults();
	struct config *c = parse("[dhcp6]\nprefer-after = 0\n");

	CHECK(d->dhcp6_prefer_after_ms == 1000);
	CHECK(c && c->dhcp6_prefer_after_ms == 0);
	config_free(c);
	c = parse("[dhcp6]\nprefer-after = 3500\n");
	CHECK(c && c->dhcp6_prefer_after_ms == 3500);
	config_free(c);
	bad("[dhcp6]\nprefer-after = 3501\n",
	    "t.conf:2: bad value '3501' for 'prefer-after'");
	config_free(d);
}

int main(void)
{
	good_file_sets_every_kind_of_key();
	bad_lines_name_file_line_and_fix();
	printed_config_reads_back_the_same();
	command_line_wins_over_file();
	reload_keeps_restart_only_settings();
	boot_names_fit_option_67_after_expansion();
	https_section();
	dhcp6_prefer_after();
	return check_done("config");
}
