/* TLS for the HTTP server (HTTPS boot), through OpenSSL 3: the server's
 * certificate and key, and the calls one connection makes.  http.c calls
 * these the way it calls recv()/send()/sendfile() on a plain connection. */
#ifndef PXE_TLS_H
#define PXE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ssl_st;                  /* OpenSSL's SSL */
struct tls;

/* Certificate chain and key as PEM text, read from their files by root
 * at start and by the monitor on SIGHUP (the chrooted worker cannot reach
 * them), and handed over as bytes. */
struct tls_pair {
	char *cert;
	size_t cert_len;
	char *key;
	size_t key_len;
};

/* A PEM file larger than this is surely not a certificate chain or a key. */
#define TLS_MAX_PEM (256 * 1024)

/* Reads both files.  A key that other users may read is refused.  -1 with
 * "what is wrong with which file, and the fix" in err. */
int tls_pair_read(const char *cert_path, const char *key_path,
		  struct tls_pair *p, char *err, size_t errlen);
/* Wipes the key and frees both. */
void tls_pair_clear(struct tls_pair *p);

/* The server context from a pair (loads OpenSSL's config: call before the
 * chroot).  NULL with the reason in err. */
struct tls *tls_new(const struct tls_pair *p, char *err, size_t errlen);
/* A renewed pair for new connections; those open keep theirs.  On error
 * the old pair stays and -1 is returned with the reason in err. */
int tls_renew(struct tls *t, const struct tls_pair *p, char *err,
	      size_t errlen);
void tls_free(struct tls *t);
/* Whether the kernel has TLS offload (the tls module); logged at start. */
bool tls_kernel_available(void);

/* One connection.  Every call below returns what recv()/send() would
 * (bytes moved, 0 at the peer's end, -errno), with -EAGAIN when the
 * socket must become readable (*want_write false) or writable (true)
 * before the same call is made again with the same arguments; -EPROTO
 * for a TLS error (tls_error() says which). */
struct ssl_st *tls_conn_new(struct tls *t, int fd);
void tls_conn_free(struct ssl_st *s);   /* close_notify if it can */
int tls_accept(struct ssl_st *s, bool *want_write);    /* 1: done */
ssize_t tls_read(struct ssl_st *s, void *buf, size_t len, bool *want_write);
ssize_t tls_write(struct ssl_st *s, const void *buf, size_t len,
		  bool *want_write);
/* The kernel encrypts this connection's output: bodies may go by
 * tls_sendfile(). */
bool tls_kernel_send(struct ssl_st *s);
ssize_t tls_sendfile(struct ssl_st *s, int fd, off_t off, size_t len,
		     bool *want_write);
/* Bytes that wait in OpenSSL, decrypted or read ahead (the socket will
 * not say so). */
bool tls_pending(struct ssl_st *s);
/* Sends close_notify before the end of an answer with Connection: close. */
void tls_shutdown(struct ssl_st *s);
/* The last TLS error of this thread, for a log line; clears it. */
const char *tls_error(char *buf, size_t cap);
/* "TLSv1.3 TLS_AES_128_GCM_SHA256": what a connection negotiated. */
const char *tls_conn_desc(struct ssl_st *s, char *buf, size_t cap);

#endif
