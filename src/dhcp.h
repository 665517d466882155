/* BOOTP/DHCP messages (RFC 2131, 2132): parsing and building, no I/O. */
#ifndef PXE_DHCP_H
#define PXE_DHCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define PXE_BOOT_PORT 4011      /* PXE spec 2.1, boot server discovery */

#define BOOTP_FIXED_LEN 236     /* op .. file, before the magic cookie */
#define BOOTP_MIN_REPLY 300     /* RFC 1542 2.1: some clients want 300 */
#define DHCP_MAX_LEN 1500       /* larger requests are not PXE firmware */
/* RFC 2132 9.10: option 57 counts the IP and UDP headers, and no client
 * may ask for less than 576. */
#define DHCP_MIN_MAX_SIZE 576

#define BOOTREQUEST 1
#define BOOTREPLY 2

enum dhcp_type {
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM,
};

enum dhcp_option {
	OPT_PAD = 0,
	OPT_HOSTNAME = 12,
	OPT_VENDOR = 43,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_OVERLOAD = 52,
	OPT_MAX_SIZE = 57,
	OPT_VENDOR_CLASS = 60,
	OPT_TFTP_SERVER = 66,
	OPT_BOOTFILE = 67,
	OPT_USER_CLASS = 77,
	OPT_RELAY_AGENT = 82,
	OPT_CLIENT_ARCH = 93,
	OPT_CLIENT_NDI = 94,
	OPT_CLIENT_UUID = 97,
	OPT_IPXE = 175,
	OPT_END = 255,
};

/* PXE spec: sub-options inside option 43 */
#define PXE_DISCOVERY_CONTROL 6
#define PXE_BOOT_ITEM 71
/* Discovery control bit 3: "download the boot file in the offer, skip
 * boot server discovery". */
#define PXE_USE_BOOTFILE 8

struct dhcp_optval {
	uint16_t off;   /* into optbuf */
	uint16_t len;
	bool present;
};

/* A parsed request.  Option values are concatenated per code (RFC 3396)
 * into optbuf, whichever of options, file and sname (overload, option 52)
 * they came from. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	struct dhcp_optval opt[256];
	uint8_t optbuf[DHCP_MAX_LEN];
	size_t optbuf_len;
};

/* 0, or a negative errno with *why saying what was wrong (for debug). */
int dhcp_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len,
	       const char **why);

bool dhcp_opt(const struct dhcp_msg *m, uint8_t code, const uint8_t **val,
	      size_t *len);
/* Option 53, or -1 when missing or malformed. */
int dhcp_msg_type(const struct dhcp_msg *m);
/* First architecture in option 93: 0 when found, -1 missing, -2 bad. */
int dhcp_client_arch(const struct dhcp_msg *m, uint16_t *arch);
/* A sub-option of option 43 (PXE encapsulated options). */
bool dhcp_pxe_subopt(const struct dhcp_msg *m, uint8_t code,
		     const uint8_t **val, size_t *len);

/* What a proxy reply carries; everything else is copied from the request
 * or left zero (yiaddr above all: a proxy hands out no address). */
struct dhcp_reply {
	uint8_t type;                   /* DHCPOFFER or DHCPACK */
	struct in_addr server;          /* siaddr and option 54 */
	const char *vendor_class;       /* "PXEClient" or "HTTPClient" */
	const char *bootfile;           /* file field and option 67 */
	bool pxe_options;               /* option 43: use the boot file */
	/* Option 43 given whole instead (a Raspberry Pi's menu, rpi.c). */
	const uint8_t *vendor_opts;
	size_t vendor_opts_len;
	const char *tftp_server;        /* option 66 (text), or NULL */
	const uint8_t *boot_item;       /* 43.71 to echo on 4011 ACK */
	size_t boot_item_len;
};

/* Returns the reply's length, or -ENOBUFS when it does not fit. */
int dhcp_build_reply(const struct dhcp_msg *req, const struct dhcp_reply *r,
		     uint8_t *buf, size_t cap);

const char *dhcp_type_name(int type);

#endif
