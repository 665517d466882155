/* DHCPv6 messages (RFC 8415; boot options RFC 5970): parsing, Relay-Forw
 * nesting included, and building proxy answers.  No I/O. */
#ifndef PXE_DHCP6_H
#define PXE_DHCP6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
/* PXE over IPv6 sends its boot-server Request here (EDK2 PxeBcDhcp6.c,
 * PXEBC_BS_DISCOVER_PORT), the same port as IPv4's PXE spec 2.1. */
#define DHCP6_PXE_PORT 4011

#define DHCP6_MAX_LEN 1500      /* larger messages are not boot firmware */
#define DHCP6_HEADER_LEN 4      /* msg-type, transaction-id */
#define DHCP6_RELAY_HEADER_LEN 34       /* msg-type, hop-count, 2 addresses */
/* RFC 8415 7.6 HOP_COUNT_LIMIT: a relay drops a Relay-Forw whose
 * hop-count has reached it, so the outermost carries at most 8 and
 * there are at most 9 Relay-Forw layers around the client's message. */
#define DHCP6_HOP_COUNT_LIMIT 8
#define DHCP6_MAX_RELAYS (DHCP6_HOP_COUNT_LIMIT + 1)
/* EDK2 sends seven options, iPXE about as many: more is not a boot
 * client, and a bound keeps the parsed message small. */
#define DHCP6_MAX_OPTS 64
/* RFC 8415 11.1: a 2-octet type and 1 to 128 octets. */
#define DUID_MIN_LEN 3
#define DUID_MAX_LEN 130

#define DHCP6_ENTERPRISE_PXE 343        /* Intel: PXE and HTTP boot classes */

enum dhcp6_type {
	DHCP6_SOLICIT = 1,
	DHCP6_ADVERTISE,
	DHCP6_REQUEST,
	DHCP6_CONFIRM,
	DHCP6_RENEW,
	DHCP6_REBIND,
	DHCP6_REPLY,
	DHCP6_RELEASE,
	DHCP6_DECLINE,
	DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST,
	DHCP6_RELAY_FORW,
	DHCP6_RELAY_REPL,
};

enum dhcp6_option {
	OPT6_CLIENTID = 1,
	OPT6_SERVERID = 2,
	OPT6_IA_NA = 3,
	OPT6_IA_TA = 4,
	OPT6_ORO = 6,
	OPT6_PREFERENCE = 7,
	OPT6_ELAPSED_TIME = 8,
	OPT6_RELAY_MSG = 9,
	OPT6_STATUS_CODE = 13,
	OPT6_USER_CLASS = 15,
	OPT6_VENDOR_CLASS = 16,
	OPT6_INTERFACE_ID = 18,
	OPT6_IA_PD = 25,
	OPT6_BOOTFILE_URL = 59,         /* RFC 5970 */
	OPT6_BOOTFILE_PARAM = 60,
	OPT6_CLIENT_ARCH = 61,
	OPT6_NII = 62,
	OPT6_CLIENT_LINKLAYER = 79,     /* RFC 6939, added by relays */
};

/* One option as it is in the packet: val points into the buffer that
 * was parsed, which must outlive the message. */
struct dhcp6_opt {
	uint16_t code;
	uint16_t len;
	const uint8_t *val;
};

/* One Relay-Forw layer, what a Relay-Repl must send back (RFC 8415 19.3). */
struct dhcp6_relay {
	uint8_t hop_count;
	struct in6_addr link, peer;
	const uint8_t *ifid;            /* Interface-ID (18), echoed */
	uint16_t ifid_len;
	bool has_ifid;
	const uint8_t *lladdr;          /* Client Link-Layer Address (79) */
	uint16_t lladdr_len;
};

/* A parsed message: the relay layers, outermost first, and the client's
 * message inside them. */
struct dhcp6_msg {
	struct dhcp6_relay relay[DHCP6_MAX_RELAYS];
	unsigned n_relays;
	uint8_t type;
	uint32_t xid;                   /* 24 bits */
	struct dhcp6_opt opt[DHCP6_MAX_OPTS];
	unsigned n_opts;
};

/* 0, or a negative errno with *why saying what was wrong (for debug). */
int dhcp6_parse(struct dhcp6_msg *m, const uint8_t *buf, size_t len,
		const char **why);

/* The first instance of an option of the client's message. */
bool dhcp6_opt(const struct dhcp6_msg *m, uint16_t code, const uint8_t **val,
	       size_t *len);
/* First architecture in option 61: 0 when found, -1 missing, -2 bad. */
int dhcp6_client_arch(const struct dhcp6_msg *m, uint16_t *arch);
/* The idx-th vendor-class-data item (RFC 8415 21.16) over every option
 * 16 with this enterprise number. */
bool dhcp6_vendor_class(const struct dhcp6_msg *m, uint32_t enterprise,
			unsigned idx, const uint8_t **data, size_t *len);
/* Whether option 15 holds this class (RFC 8415 21.15). */
bool dhcp6_has_user_class(const struct dhcp6_msg *m, const char *want);

/* An Ethernet MAC from a DUID-LLT or DUID-LL (RFC 8415 11.2, 11.4). */
bool dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6]);
/* An Ethernet MAC from a modified EUI-64 interface identifier (RFC 4291
 * appendix A), as firmware forms its link-local address. */
bool dhcp6_eui64_mac(const struct in6_addr *a, uint8_t mac[6]);
/* The client's MAC as far as the message tells it: its DUID, else the
 * innermost relay's option 79.  from is the packet's source, used when
 * there is no relay. */
bool dhcp6_client_mac(const struct dhcp6_msg *m, const struct in6_addr *from,
		      uint8_t mac[6]);

/* What a proxy answer carries; the client's id and every relay layer
 * come from the request. */
struct dhcp6_reply {
	uint8_t type;                   /* DHCP6_ADVERTISE or DHCP6_REPLY */
	const uint8_t *server_duid;
	size_t server_duid_len;
	const char *url;                /* option 59 */
	const char *param;              /* option 60, one parameter; NULL */
	const uint8_t *vendor_data;     /* option 16 item, echoed */
	size_t vendor_data_len;
	/* Option 7 (RFC 8415 21.8) with this value when has_preference. */
	bool has_preference;
	uint8_t preference;
};

/* Returns the answer's length, or -ENOBUFS when it does not fit, or
 * -EINVAL when the request lacks what the answer must echo. */
int dhcp6_build_reply(const struct dhcp6_msg *q, const struct dhcp6_reply *r,
		      uint8_t *buf, size_t cap);

const char *dhcp6_type_name(int type);

#endif
