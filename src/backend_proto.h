/* The inventory backend's pure half: the URL asked for one machine and
 * the JSON answer read back.  No I/O, so the unit tests and the fuzzer
 * call it directly; backend.c does the HTTP around it. */
#ifndef PXE_BACKEND_PROTO_H
#define PXE_BACKEND_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* A template longer than this is surely a mistake; an expanded URL
 * longer than the other is not sent (the machine gets the fallback). */
#define BACKEND_TEMPLATE_MAX 1024
#define BACKEND_URL_MAX 4096
/* An answer is a few hundred bytes; anything this large is not one. */
#define BACKEND_BODY_MAX (64 * 1024)
#define BACKEND_HOST_MAX 256

/* What the template is filled from (values are percent-encoded). */
struct backend_client {
	const uint8_t *mac;
	size_t mac_len;
	uint16_t arch;
	const uint8_t *uuid;            /* option 97: type 0 + 16 octets */
	size_t uuid_len;
	const uint8_t *vendor;          /* option 60 */
	size_t vendor_len;
	const uint8_t *user_class;      /* option 77 (RFC 3004, or bare) */
	size_t user_class_len;
	const char *ifname;
};

/* The answer: the fields a [rule] decides with.  RULE_NONE: the
 * inventory has no entry (404), the local rules decide. */
struct backend_answer {
	enum rule_action action;        /* NONE, BOOT, SCRIPT, IGNORE, REFUSE */
	char boot[BOOT_NAME_MAX + 1];   /* a template, as a rule's boot */
	bool has_delay;
	unsigned reply_delay_ms;        /* else [dhcp] reply-delay */
};

/* At config load: http:// or https://, a literal host part (no
 * variables, no user:password@), a sane length.  0, or -1 and err. */
int backend_url_check(const char *tmpl, char *err, size_t errlen);

/* The URL for one machine; -ENOBUFS when it exceeds cap. */
int backend_url_expand(const char *tmpl, const struct backend_client *c,
		       char *out, size_t cap);

/* [events] url: goes to the inventory of url (scheme, host and port):
 * that host is the one resolved and trusted before the chroot.  0, or
 * -1 and err. */
int backend_same_service(const char *events_url, const char *url,
			 char *err, size_t errlen);

/* The host (brackets removed from an IPv6 literal) and port of a URL
 * that passed backend_url_check(). */
int backend_url_host(const char *url, char *host, size_t hcap,
		     unsigned *port);

/* The JSON body of a 200 answer; 0, or -1 with the reason in err. */
int backend_answer_parse(const char *body, size_t len,
			 struct backend_answer *a, char *err, size_t errlen);

#endif
