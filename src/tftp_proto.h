/* TFTP packets (RFC 1350) and option negotiation (RFC 2347 OACK, 2348
 * blksize, 2349 timeout and tsize, 7440 windowsize): pure functions. */
#ifndef PXE_TFTP_PROTO_H
#define PXE_TFTP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_PORT 69
#define TFTP_DEFAULT_BLKSIZE 512        /* RFC 1350 */
#define TFTP_MIN_BLKSIZE 8              /* RFC 2348 */
#define TFTP_MAX_BLKSIZE 65464          /* RFC 2348 */
#define TFTP_MAX_WINDOWSIZE 65535       /* RFC 7440 */
#define TFTP_MAX_TIMEOUT 255            /* RFC 2349, seconds */
#define TFTP_MAX_REQUEST 2048           /* an RRQ larger is not a client */
#define TFTP_MAX_NAME 512
#define TFTP_DATA_HDR 4                 /* opcode + block number */
/* An OACK or ERROR is not bound by blksize (a client may ask for blksize
 * 8 and tsize at once): packets other than DATA get this much room. */
#define TFTP_CTRL_MAX 600

enum tftp_op {
	TFTP_RRQ = 1,
	TFTP_WRQ,
	TFTP_DATA,
	TFTP_ACK,
	TFTP_ERROR,
	TFTP_OACK,
};

enum tftp_error {
	TERR_UNDEF = 0,
	TERR_NOTFOUND,
	TERR_ACCESS,
	TERR_DISKFULL,
	TERR_ILLEGAL,
	TERR_BADTID,
	TERR_EXISTS,
	TERR_NOUSER,
	TERR_OPTION,    /* RFC 2347 */
};

/* A request as the client sent it.  Options that were absent, malformed
 * or out of range are simply not "asked" (RFC 2347: ignored). */
struct tftp_request {
	int op;
	char file[TFTP_MAX_NAME + 1];
	size_t file_len;
	char mode[16];
	bool ask_blksize, ask_tsize, ask_timeout, ask_windowsize;
	unsigned blksize, timeout, windowsize;
};

/* 0, or -EINVAL with *why for the ERROR packet. */
int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *r,
		       const char **why);

struct tftp_limits {
	unsigned max_blksize;           /* config */
	unsigned mtu_blksize;           /* path MTU - IP/UDP headers; 0 ? */
	unsigned max_windowsize;        /* config */
};

/* What the transfer will use, and what the OACK says (if anything). */
struct tftp_params {
	unsigned blksize, windowsize, timeout;
	uint64_t tsize;
	bool oack;                      /* any option acknowledged */
	bool oack_blksize, oack_tsize, oack_timeout, oack_windowsize;
};

void tftp_negotiate(const struct tftp_request *r, uint64_t file_size,
		    const struct tftp_limits *l, struct tftp_params *p);

/* Builders return the length, or -ENOBUFS. */
int tftp_build_oack(const struct tftp_params *p, uint8_t *buf, size_t cap);
/* The DATA header for block; *payload gets the want bytes after it, for
 * the caller to fill (pread).  Length of header + payload, or -ENOBUFS. */
int tftp_build_data_header(uint16_t block, uint8_t *buf, size_t cap,
			   uint8_t **payload, size_t want);
int tftp_build_error(unsigned code, const char *msg, uint8_t *buf, size_t cap);

/* Client packets during a transfer: ACK (block) or ERROR (code). */
int tftp_parse_reply(const uint8_t *pkt, size_t len, uint16_t *op,
		     uint16_t *arg);

const char *tftp_error_text(unsigned code);

#endif
