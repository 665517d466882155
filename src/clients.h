/* What each booting machine is doing: a bounded table fed by the proxy
 * (offers) and the file servers (transfers), read by the status page.
 * Machines are keyed by MAC; a transfer's MAC comes from the kernel's
 * neighbour table (the client's IP, v4 or v6, is all TFTP and HTTP
 * see). */
#ifndef PXE_CLIENTS_H
#define PXE_CLIENTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netaddr.h"

#define CLIENTS_MAX 512         /* oldest evicted beyond this */
#define CLIENT_FILES 12         /* the last transfers kept per machine */

/* Where a machine is in its boot, as far as we can see it. */
enum client_stage {
	STAGE_DHCP,             /* offered a boot file */
	STAGE_LOADER,           /* fetching the boot loader, its config */
	STAGE_KERNEL,           /* fetching a kernel or initrd */
	STAGE_PAYLOAD,          /* anything after the kernel: the OS itself */
	STAGE_COUNT
};

/* A machine that stopped where a known failure stops machines: nothing
 * more came for [status] stall-after seconds (CLIENT_STALL_SECS by
 * default) after that stage.  A hint, not a
 * verdict (a person at a boot menu looks the same); it clears as soon as
 * the machine moves on. */
enum client_stall {
	STALL_NONE,
	STALL_OFFERED,          /* offered a boot file, never fetched it */
	STALL_LOADER,           /* fetched its boot loader, then nothing */
	STALL_KINDS
};
#define CLIENT_STALL_SECS 60

struct client_file {
	char proto[6];          /* "tftp", "http" or "https" */
	char name[96];
	uint64_t bytes;
	uint32_t ms;
	bool done, ok;
	uint64_t started;       /* ms since the epoch */
};

struct client {
	uint8_t mac[6];
	struct ipaddr ip;               /* the last one seen; family 0: none */
	uint64_t first_seen, last_seen;         /* ms since the epoch */
	uint16_t arch;
	char vendor[48];
	char offered[128];
	char decided_by[10];    /* rule, backend, cache, fallback */
	enum client_stage stage;
	char model[32];         /* a Raspberry Pi's, "" for other machines */
	char serial[9];         /* its serial (TFTP prefix), or "" */
	struct client_file files[CLIENT_FILES];
	unsigned n_files;       /* total seen; files[] is a ring */
};

struct clients;
struct pxe_ctx;

/* A stage reached, for [events] (events.c): an offer, or a transfer
 * over (its machine's stage then). */
struct client_event {
	const struct client *c;
	bool mac_known;                 /* else c->mac means nothing yet */
	const char *stage;              /* "offered", "loader", "kernel"... */
	const struct client_file *file; /* NULL for "offered" */
};
typedef void clients_event_fn(void *arg, const struct client_event *e);
void clients_observe(struct clients *t, clients_event_fn *fn, void *arg);

struct clients *clients_new(void);
void clients_free(struct clients *t);

/* Where c stands at now (ms since the epoch); pure, for the renderings
 * and the tests. */
enum client_stall client_stall_of(const struct client *c, uint64_t now,
				  unsigned stall_s);
const char *client_stall_key(enum client_stall s);     /* "loader" */
const char *client_stall_hint(enum client_stall s);    /* for people */
unsigned clients_stalled(const struct clients *t, enum client_stall s);
/* A file that starts the kernel stage (a kernel or an initrd); pure. */
bool client_file_is_kernel(const char *name);

/* Once a second: one log line per machine that newly stalled, so the log
 * says what the status page says. */
void clients_watch(struct pxe_ctx *ctx);

/* An answer sent: the machine is at the DHCP stage. */
struct client_offer {
	const uint8_t *mac;             /* 6 bytes */
	uint16_t arch;
	const char *vendor;             /* option 60 / 16, not terminated */
	size_t vendor_len;
	const char *offered;            /* the boot file or URL */
	struct ipaddr ip;               /* family 0: not known */
	const char *decided_by;         /* rule, backend, cache, fallback */
};
void clients_offered(struct clients *t, const struct client_offer *o);

/* A Raspberry Pi: its model and, when its request told, its serial
 * (else its first serial-prefixed TFTP read fills it in). */
void clients_describe(struct clients *t, const uint8_t mac[6],
		      const char *model, const uint32_t *serial);

/* Names one transfer's record; stale once its machine is evicted or
 * the ring wrapped, which clients_transfer_end() checks. */
struct client_ref {
	int slot;               /* -1: none */
	uint32_t gen;
	unsigned seq;
};

/* A transfer to ip; mac may be NULL when the neighbour table does not
 * know it (the machine is then keyed by IP alone). */
struct client_ref clients_transfer_start(struct clients *t, const uint8_t *mac,
					 struct ipaddr ip, const char *proto,
					 const char *name);
void clients_transfer_end(struct clients *t, struct client_ref ref,
			  uint64_t bytes, uint32_t ms, bool ok);

/* Renderings for the status server. */
void clients_json(const struct clients *t, FILE *out);
void clients_html_rows(const struct clients *t, FILE *out);

/* For the servers: the same, with the MAC looked up by netlink. */
struct client_ref clients_note_transfer(struct pxe_ctx *ctx, struct ipaddr ip,
					int ifindex, const char *proto,
					const char *name);

#endif
