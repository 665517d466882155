/* The configuration: built-in defaults, then the config file, then the
 * command line.  A parsed config is immutable; SIGHUP builds a new one
 * and swaps it in only when it is valid. */
#ifndef PXE_CONFIG_H
#define PXE_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch.h"

#define CONF_MAX_IFACES 32
#define CONF_MAX_VALUE 512
#define CONF_MAX_RULES 128
/* [dhcp6] prefer-after: the real DHCPv6 server's Advertise is in within a
 * second (servers answer at once, RFC 8415 18.3.1), and the firmware's
 * collection wait (~4 s) ends about 3 s sooner. */
#define DHCP6_PREFER_AFTER_MS 1000

/* A boot file or URL goes out in option 67 (at most 255 bytes) or in
 * option 59 (proxy6's url[256]).  Its template is checked at load time
 * against the longest expansion of each variable that proxy.c and
 * proxy6_decide.c fill in, so a client never meets a name that does not
 * fit.  One rule answers both families, so the longer server wins. */
#define BOOT_NAME_MAX 255
#define BOOT_VAR_SERVER4_MAX 15         /* "255.255.255.255" */
/* "[" + the longest inet_ntop() text ("ffff:...:ffff:255.255.255.255",
 * INET6_ADDRSTRLEN - 1) + "]" (RFC 3986 3.2.2). */
#define BOOT_VAR_SERVER6_MAX (1 + 45 + 1)
#define BOOT_VAR_SERVER_MAX BOOT_VAR_SERVER6_MAX
#define BOOT_VAR_MAC_MAX 47             /* 16 bytes of chaddr, hex:hex */
/* A bare file name becomes "http://SERVER/" + it for an HTTP boot client,
 * and "tftp://[addr]/" + it for PXE over IPv6: 7 bytes of scheme both. */
#define BOOT_HTTP_PREFIX_MAX (7 + BOOT_VAR_SERVER_MAX + 1)

/* A boot file or script template fits option 67 and is printable:
 * 0, else -1 with the reason in err. */
int config_check_boot(const char *v, char *err, size_t errlen);

/* The longest a boot template can become for any client. */
size_t boot_template_max_len(const char *tmpl);

/* An IPv6 listening address, or none (no IPv6 listener). */
struct conf_addr6 {
	bool none;
	struct in6_addr addr;
};

/* RULE_RPI: the Raspberry Pi answer (src/rpi.c) whatever was detected. */
enum rule_action { RULE_NONE, RULE_BOOT, RULE_SCRIPT, RULE_IGNORE,
		   RULE_REFUSE, RULE_RPI };

/* What a "refuse = yes" rule offers: a name the TFTP server always
 * refuses at once, so that UEFI firmware ends its PXE attempt with a TFTP
 * error in seconds and moves on to its next boot option (HTTP boot),
 * where silence costs it a minute of retries (measured on OVMF, issue
 * 19). */
#define BOOT_REFUSED_NAME "refused-by-pxeproxyd"

/* [rule NAME]: matched in file order before the arch table; every match
 * condition given must hold; the first rule that matches decides. */
struct rule {
	char *name;
	unsigned line;
	uint8_t mac[16];
	unsigned mac_len;      /* 0: any; 6: exact; less: prefix */
	uint64_t arch_mask;    /* bit per option 93 code; 0: any */
	char *vendor;          /* option 60 prefix; NULL: any */
	char *user_class;      /* option 77 (iPXE sends "iPXE"); NULL: any */
	int ipxe;              /* option 175: -1 any, 0 absent, 1 present */
	int rpi;               /* a Raspberry Pi boot loader: -1 any, 0, 1 */
	enum rule_action action;
	char *boot;            /* file or URL template (BOOT, SCRIPT) */
};

struct config {
	char *root;            /* boot files, served by TFTP and HTTP */
	char *user;            /* to drop to after binding */
	char *ifaces[CONF_MAX_IFACES];
	unsigned n_ifaces;     /* 0: every interface but loopback */

	bool dhcp_enable;      /* proxyDHCP on 67 and 4011 */
	bool dhcp_packet_fallback;      /* port 67 taken: packet socket */
	unsigned reply_delay_ms;

	bool dhcp6_enable;     /* proxy DHCPv6 on 547 and 4011 */
	/* A copy of each Advertise with Preference 255 this long after it
	 * (src/proxy6.c, send_advertise); 0: none. */
	unsigned dhcp6_prefer_after_ms;

	bool tftp_enable;
	unsigned tftp_port;
	unsigned tftp_timeout_ms;     /* first retransmission */
	unsigned tftp_retries;
	unsigned tftp_max_blksize;
	unsigned tftp_max_windowsize;
	unsigned tftp_max_transfers;

	bool http_enable;
	struct in_addr http_addr;
	struct conf_addr6 http_addr6;   /* default [::]; none: IPv4 only */
	unsigned http_port;
	unsigned http_max_conns;
	unsigned http_idle_timeout_s;

	/* The same files over TLS, on a listener of its own that shares
	 * [http]'s limits and connection cap. */
	bool https_enable;
	struct in_addr https_addr;
	struct conf_addr6 https_addr6;  /* default [::]; none: IPv4 only */
	unsigned https_port;
	char *https_cert;      /* PEM: the server's certificate, then the
				* intermediates */
	char *https_key;       /* PEM private key, not readable by others */

	bool status_enable;    /* /status, /status.json, /metrics */
	struct in_addr status_addr;
	unsigned status_port;
	unsigned status_stall_s;       /* a machine silent this long: hint */

	/* [raspberry-pi]: answer Pi boot loaders with their menu (rpi.c). */
	bool rpi_enable;
	bool rpi_old_rom_menu;  /* "Raspberry Pi Boot   " for every Pi */
	char *rpi_shared_dir;   /* <serial>/NAME missing: DIR/NAME, NAME */

	/* Boot file (or http:// URL) per client architecture; NULL: no
	 * answer.  "${server}" stands for our address on the interface. */
	char *boot[ARCH_CODES];

	struct rule rules[CONF_MAX_RULES];
	unsigned n_rules;

	/* [backend]: boot decisions from an inventory (backend.c); off
	 * while url is NULL. */
	char *backend_url;             /* template: ${mac}, ${arch}... */
	char *backend_ca_file;         /* NULL: the system's bundle */
	unsigned backend_timeout_ms;   /* a request waits this long */
	unsigned backend_transfer_timeout_s;    /* a lookup lives this long */
	unsigned backend_cache_ttl_s;
	unsigned backend_negative_ttl_s;        /* 404: no entry */
	unsigned backend_fallback;     /* enum backend_fallback */
	unsigned backend_max_pending;  /* requests held at once */

	/* [events]: boot stages POSTed to the inventory (events.c). */
	char *events_url;              /* NULL: none */
	unsigned events_batch;         /* events per POST */
	unsigned events_queue;         /* waiting at most; more dropped */
	unsigned events_flush_ms;      /* a partial batch waits this long */
};

/* What answers when the backend cannot in time. */
enum backend_fallback { BACKEND_FALLBACK_RULES, BACKEND_FALLBACK_IGNORE };

/* What the command line sets; it wins over the file, on reload too. */
struct config_overrides {
	const char *root;
	const char *user;
	const char *ifaces[CONF_MAX_IFACES];
	unsigned n_ifaces;
};

/* Built-in defaults, used as they are when there is no config file. */
struct config *config_defaults(void);

/* Read path over the defaults.  On error returns NULL and writes
 * "file:line: what is wrong" into err. */
struct config *config_load(const char *path, char *err, size_t errlen);

/* Parse text (named name in errors) over the defaults: the part of
 * config_load() that the unit tests and the fuzzer call. */
struct config *config_parse(const char *name, const char *text,
			    char *err, size_t errlen);

int config_apply(struct config *c, const struct config_overrides *o,
		 char *err, size_t errlen);
void config_print(const struct config *c, FILE *out);

/* A reload keeps the settings that change only at restart (sockets,
 * root, user: the key table's restart column): copies each from old into
 * c where they differ, lists them in changed ("tftp port, root") and
 * returns how many. */
int config_keep_restart_keys(struct config *c, const struct config *old,
			     char *changed, size_t cap);
void config_free(struct config *c);

#endif
