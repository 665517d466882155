/* Counters, kept in the context and shown in logs and /metrics. */
#ifndef PXE_STATS_H
#define PXE_STATS_H

#include <stdint.h>

/* Why a DHCP packet got no answer; names in proxy.c. */
enum drop_reason {
	DROP_MALFORMED,
	DROP_NOT_REQUEST,
	DROP_MSG_TYPE,
	DROP_NOT_PXE,
	DROP_BAD_ARCH,
	DROP_NO_BOOTFILE,
	DROP_IFACE,
	DROP_RULE_IGNORE,
	DROP_IPXE_LOOP,
	DROP_REASONS
};

struct stats {
	uint64_t dhcp_offers;
	uint64_t dhcp_acks;
	uint64_t dhcp_dropped[DROP_REASONS];
	/* DHCPv6, counted apart so that IPv4's numbers mean what they did */
	uint64_t dhcp6_advertises;
	uint64_t dhcp6_replies;
	uint64_t dhcp6_dropped[DROP_REASONS];
	uint64_t tftp_transfers;
	uint64_t tftp_errors;
	uint64_t tftp_bytes;
	uint64_t http_requests;
	uint64_t http_bytes;
	uint64_t http_errors;           /* 4xx and 5xx answers */
	uint64_t tls_handshakes;        /* HTTPS: completed */
	uint64_t tls_failed;            /* HTTPS: failed (not timed out) */
	/* gauges */
	uint32_t tftp_active;
	uint32_t http_active;
};

#endif
