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

/* Why a backend lookup failed; names in backend.c. */
enum backend_failure {
	BACKEND_FAIL_CONNECT,           /* refused, unreachable, resolve */
	BACKEND_FAIL_TIMEOUT,           /* transfer-timeout reached */
	BACKEND_FAIL_STATUS,            /* an HTTP status but 200 and 404 */
	BACKEND_FAIL_JSON,              /* not an answer we can use */
	BACKEND_FAIL_TOO_LARGE,         /* beyond BACKEND_BODY_MAX */
	BACKEND_FAIL_TLS,               /* certificate, handshake */
	BACKEND_FAIL_OTHER,
	BACKEND_FAIL_KINDS
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
	/* [backend] */
	uint64_t backend_lookups;       /* requests sent */
	uint64_t backend_answers;       /* 200 with a usable answer */
	uint64_t backend_not_found;     /* 404 */
	uint64_t backend_failed[BACKEND_FAIL_KINDS];
	uint64_t backend_cache_hits;
	uint64_t backend_joined;        /* a request joined a lookup */
	uint64_t backend_fallbacks;     /* decided without the backend */
	uint64_t backend_overflow;      /* max-pending reached */
	uint64_t events_sent;           /* [events] delivered */
	uint64_t events_dropped;        /* queue full */
	uint64_t events_post_failures;  /* POSTs that failed (retried) */
	uint32_t events_queued;         /* gauge */
	/* gauges */
	uint32_t backend_pending;       /* requests held for an answer */
	uint32_t tftp_active;
	uint32_t http_active;
};

#endif
