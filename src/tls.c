/* TLS through OpenSSL 3, for HTTPS boot.
 *
 * Protocols: TLS 1.2 and 1.3.  UEFI firmware (EDK2's HttpBootDxe/TlsDxe,
 * measured with Debian 12's OVMF) speaks TLS 1.2 only, without SNI, and
 * offers DHE-RSA and RSA key exchange but no ECDHE, with an RSA
 * certificate: so after the ECDHE suites every client of today prefers,
 * the server offers DHE-RSA with AES-GCM (forward secrecy still; the DH
 * group sized to the key by SSL_CTX_set_dh_auto, ffdhe2048 for RSA 2048).
 * Plain RSA key exchange is not offered.
 *
 * The server's choice wins (a client's order could pick DHE where ECDHE
 * is possible).  Renegotiation is off (a client could make the server do
 * a handshake's work at will).  There is no session cache, so memory stays
 * bounded; a ticket (one per TLS 1.3 connection) still lets a client
 * resume.  Buffers of idle connections
 * are released.  Kernel TLS is asked for (SSL_OP_ENABLE_KTLS): where the
 * kernel has it, a body goes by SSL_sendfile.
 *
 * The certificate and key come as bytes (struct tls_pair), never read from
 * a path here after start: the worker is chrooted into the boot root.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"
#include "util.h"

/* TLS 1.2 suites: Mozilla's "intermediate" list, ECDHE first, then the
 * DHE-RSA ones UEFI firmware can use.  TLS 1.3 keeps OpenSSL's three. */
#define TLS12_CIPHERS \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" \
	"DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:" \
	"DHE-RSA-CHACHA20-POLY1305"

struct tls {
	SSL_CTX *ctx;           /* for new connections */
};

/* ---- reading the files (root at start, the monitor on SIGHUP) ------- */

static int read_pem(const char *path, bool secret, char **out, size_t *len,
		    char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return fmt(err, errlen, "%s %s: %s", secret ? "key" :
			   "certificate", path, strerror(errno)), -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > TLS_MAX_PEM) {
		fmt(err, errlen, "%s %s: not a regular file of at most %d "
		    "bytes", secret ? "key" : "certificate", path, TLS_MAX_PEM);
		close(fd);
		return -1;
	}
	/* The key must be secret from other users: readable by its owner
	 * and, for the unprivileged monitor that re-reads it on SIGHUP, by
	 * the daemon's group (root:pxeproxyd 0640). */
	if (secret && (st.st_mode & S_IRWXO)) {
		fmt(err, errlen, "key %s can be read by other users (mode "
		    "%04o): refused (fix: chown root:pxeproxyd %s; chmod 640 "
		    "%s)", path, (unsigned)(st.st_mode & 07777), path, path);
		close(fd);
		return -1;
	}
	*out = xcalloc(1, (size_t)st.st_size + 1);
	n = read(fd, *out, (size_t)st.st_size + 1);
	close(fd);
	if (n < 0 || n > st.st_size) {
		fmt(err, errlen, "%s %s: %s", secret ? "key" : "certificate",
		    path, n < 0 ? strerror(errno) : "changed while read");
		OPENSSL_cleanse(*out, (size_t)st.st_size + 1);
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int tls_pair_read(const char *cert_path, const char *key_path,
		  struct tls_pair *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (read_pem(cert_path, false, &p->cert, &p->cert_len, err,
		     errlen) < 0 ||
	    read_pem(key_path, true, &p->key, &p->key_len, err, errlen) < 0) {
		tls_pair_clear(p);
		return -1;
	}
	return 0;
}

void tls_pair_clear(struct tls_pair *p)
{
	if (p->key)
		OPENSSL_cleanse(p->key, p->key_len);
	free(p->key);
	free(p->cert);
	memset(p, 0, sizeof(*p));
}

/* ---- the server context ------------------------------------------- */

const char *tls_error(char *buf, size_t cap)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		fmt(buf, cap, "%s", "no detail from OpenSSL");
	else
		ERR_error_string_n(e, buf, cap);
	ERR_clear_error();
	return buf;
}

/* A daemon has no terminal to ask a passphrase on. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/* The first certificate is the server's; the rest, its chain. */
static int use_chain(SSL_CTX *sc, const struct tls_pair *p, char *err,
		     size_t errlen)
{
	char why[256];
	BIO *b = BIO_new_mem_buf(p->cert, (int)p->cert_len);
	X509 *x = b ? PEM_read_bio_X509_AUX(b, NULL, no_passphrase, NULL)
		    : NULL;
	int rc = -1;

	if (!x || SSL_CTX_use_certificate(sc, x) != 1) {
		fmt(err, errlen, "no certificate in PEM form: %s",
		    tls_error(why, sizeof(why)));
		goto out;
	}
	for (X509 *ca; (ca = PEM_read_bio_X509(b, NULL, no_passphrase,
					       NULL));) {
		if (SSL_CTX_add0_chain_cert(sc, ca) != 1) {
			X509_free(ca);
			fmt(err, errlen, "chain: %s",
			    tls_error(why, sizeof(why)));
			goto out;
		}
	}
	ERR_clear_error();      /* the end of the file */
	rc = 0;
out:
	X509_free(x);
	BIO_free(b);
	return rc;
}

static int use_key(SSL_CTX *sc, const struct tls_pair *p, char *err,
		   size_t errlen)
{
	char why[256];
	BIO *b = BIO_new_mem_buf(p->key, (int)p->key_len);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL)
			: NULL;
	int rc = -1;

	if (!k)
		fmt(err, errlen, "no private key in PEM form, or one with a "
		    "passphrase: %s", tls_error(why, sizeof(why)));
	else if (SSL_CTX_use_PrivateKey(sc, k) != 1 ||
		 SSL_CTX_check_private_key(sc) != 1)
		fmt(err, errlen, "the key does not match the certificate: %s",
		    tls_error(why, sizeof(why)));
	else
		rc = 0;
	EVP_PKEY_free(k);
	BIO_free(b);
	return rc;
}

/* What the operator needs to know about the certificate now in use. */
static void log_certificate(SSL_CTX *sc)
{
	X509 *x = SSL_CTX_get0_certificate(sc);
	EVP_PKEY *k = SSL_CTX_get0_privatekey(sc);
	char subject[256], until[64] = "?";
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
	if (b && ASN1_TIME_print(b, X509_get0_notAfter(x)) &&
	    (n = BIO_read(b, until, sizeof(until) - 1)) > 0)
		until[n] = '\0';
	BIO_free(b);
	log_info("https: certificate %s, valid until %s", subject, until);
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		log_warnx("https: the certificate has expired: clients will "
			  "refuse it");
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA)
		log_warnx("https: the key is not RSA: UEFI firmware (EDK2) "
			  "offers RSA suites only and cannot connect");
}

static SSL_CTX *ctx_from_pair(const struct tls_pair *p, char *err,
			      size_t errlen)
{
	char why[256];
	SSL_CTX *sc = SSL_CTX_new(TLS_server_method());

	if (!sc) {
		fmt(err, errlen, "OpenSSL: %s", tls_error(why, sizeof(why)));
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(sc, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(sc, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(sc, TLS12_CIPHERS) != 1 ||
	    SSL_CTX_set_dh_auto(sc, 1) != 1) {
		fmt(err, errlen, "OpenSSL settings: %s",
		    tls_error(why, sizeof(why)));
		SSL_CTX_free(sc);
		return NULL;
	}
	SSL_CTX_set_options(sc, SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_NO_RENEGOTIATION | SSL_OP_ENABLE_KTLS);
	SSL_CTX_set_mode(sc, SSL_MODE_RELEASE_BUFFERS);
	/* A record's header and body in one read(), not two; what is read
	 * ahead is seen by tls_pending(). */
	SSL_CTX_set_read_ahead(sc, 1);
	SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF);
	/* TLS 1.3: one ticket, not OpenSSL's two (meant for browsers' parallel
	 * connections): firmware never resumes, and each ticket costs every
	 * handshake an encryption and a record. */
	SSL_CTX_set_num_tickets(sc, 1);
	if (use_chain(sc, p, err, errlen) < 0 ||
	    use_key(sc, p, err, errlen) < 0) {
		SSL_CTX_free(sc);
		return NULL;
	}
	log_certificate(sc);
	return sc;
}

struct tls *tls_new(const struct tls_pair *p, char *err, size_t errlen)
{
	struct tls *t;
	SSL_CTX *sc;

	/* openssl.cnf and the providers, while /etc is still in view. */
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1) {
		fmt(err, errlen, "cannot initialise OpenSSL");
		return NULL;
	}
	if (!(sc = ctx_from_pair(p, err, errlen)))
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->ctx = sc;
	return t;
}

int tls_renew(struct tls *t, const struct tls_pair *p, char *err,
	      size_t errlen)
{
	SSL_CTX *sc = ctx_from_pair(p, err, errlen);

	if (!sc)
		return -1;
	/* Connections hold a reference to the context they began with. */
	SSL_CTX_free(t->ctx);
	t->ctx = sc;
	return 0;
}

void tls_free(struct tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

bool tls_kernel_available(void)
{
	char line[256] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "re");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	for (char *save = NULL, *w = strtok_r(line, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save))
		if (!strcmp(w, "tls"))
			return true;
	return false;
}

/* ---- one connection ------------------------------------------------- */

SSL *tls_conn_new(struct tls *t, int fd)
{
	SSL *s = SSL_new(t->ctx);

	if (!s)
		return NULL;
	if (SSL_set_fd(s, fd) != 1) {
		SSL_free(s);
		return NULL;
	}
	SSL_set_accept_state(s);
	return s;
}

void tls_conn_free(SSL *s)
{
	if (!s)
		return;
	/* After a fatal error OpenSSL must not be asked to shut down. */
	if (SSL_is_init_finished(s) &&
	    !(SSL_get_shutdown(s) & SSL_SENT_SHUTDOWN)) {
		ERR_clear_error();
		SSL_shutdown(s);
	}
	ERR_clear_error();
	SSL_free(s);
}

/* OpenSSL's verdict on a call that returned ret <= 0. */
static int io_result(SSL *s, int ret, bool *want_write)
{
	switch (SSL_get_error(s, ret)) {
	case SSL_ERROR_WANT_READ:
		*want_write = false;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		*want_write = true;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;               /* close_notify */
	case SSL_ERROR_SYSCALL:
		/* Fatal: no close_notify from us after this one. */
		SSL_set_shutdown(s, SSL_SENT_SHUTDOWN);
		return errno ? -errno : 0;
	default:
		SSL_set_shutdown(s, SSL_SENT_SHUTDOWN);
		return -EPROTO;
	}
}

int tls_accept(SSL *s, bool *want_write)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(s);
	if (r == 1)
		return 1;
	r = io_result(s, r, want_write);
	return r == 0 ? -ECONNRESET : r;
}

ssize_t tls_read(SSL *s, void *buf, size_t len, bool *want_write)
{
	size_t n;

	ERR_clear_error();
	errno = 0;
	if (SSL_read_ex(s, buf, len, &n) == 1)
		return (ssize_t)n;
	return io_result(s, 0, want_write);
}

ssize_t tls_write(SSL *s, const void *buf, size_t len, bool *want_write)
{
	size_t n;
	int r;

	ERR_clear_error();
	errno = 0;
	if (SSL_write_ex(s, buf, len, &n) == 1)
		return (ssize_t)n;
	r = io_result(s, 0, want_write);
	return r == 0 ? -EPIPE : r;
}

bool tls_kernel_send(SSL *s)
{
	return BIO_get_ktls_send(SSL_get_wbio(s)) > 0;
}

ssize_t tls_sendfile(SSL *s, int fd, off_t off, size_t len, bool *want_write)
{
	ossl_ssize_t n;
	int r;

	ERR_clear_error();
	errno = 0;
	n = SSL_sendfile(s, fd, off, len, 0);
	if (n > 0)
		return (ssize_t)n;
	/* SSL_sendfile sets no SSL_get_error state of its own for EAGAIN. */
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		*want_write = true;
		return -EAGAIN;
	}
	r = io_result(s, (int)n, want_write);
	return r == 0 ? -EIO : r;
}

bool tls_pending(SSL *s)
{
	return SSL_has_pending(s) == 1;
}

void tls_shutdown(SSL *s)
{
	ERR_clear_error();
	if (!(SSL_get_shutdown(s) & SSL_SENT_SHUTDOWN))
		SSL_shutdown(s);
	ERR_clear_error();
}

const char *tls_conn_desc(SSL *s, char *buf, size_t cap)
{
	fmt(buf, cap, "%s %s", SSL_get_version(s), SSL_get_cipher_name(s));
	return buf;
}
