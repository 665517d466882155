/* tlshs: new HTTPS connections per second, the way UEFI firmware makes
 * them: each one a full TLS handshake (no resumption), the certificate
 * checked against a CA, one GET, the answer read to its end.  N
 * connections at a time for SECONDS, one thread, epoll.  A line of JSON:
 *
 *   tlshs IP PORT PATH CAFILE N SECONDS
 *   {"ok": 12345, "failed": 0, "seconds": 4.00, "per_s": 3086.2}
 *
 * Built by tests/bench/run with -lssl -lcrypto.  Not part of the daemon.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_CONNS 1024

enum step { HANDSHAKE, REQUEST, ANSWER };

struct conn {
	int fd;
	SSL *ssl;
	enum step step;
	size_t got;
	char head[16];
};

static SSL_CTX *ctx;
static struct sockaddr_in srv;
static char request[512];
static int ep;
static unsigned long n_ok, n_failed;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void watch(struct conn *c, int op, int want_write)
{
	struct epoll_event ev = { .events = want_write ? EPOLLOUT : EPOLLIN,
				  .data.ptr = c };

	if (epoll_ctl(ep, op, c->fd, &ev) < 0) {
		perror("epoll_ctl");
		exit(1);
	}
}

static void start(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		perror("socket");
		exit(1);
	}
	if (connect(c->fd, (struct sockaddr *)&srv, sizeof(srv)) < 0 &&
	    errno != EINPROGRESS) {
		perror("connect");
		exit(1);
	}
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_connect_state(c->ssl);
	c->step = HANDSHAKE;
	watch(c, EPOLL_CTL_ADD, 1);
}

static void finish(struct conn *c, int ok)
{
	if (ok)
		n_ok++;
	else
		n_failed++;
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	SSL_free(c->ssl);
	close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* 1: wait (watch set), 0: done with it, ok or not (finish called). */
static int retry(struct conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		watch(c, EPOLL_CTL_MOD, 0);
		return 1;
	case SSL_ERROR_WANT_WRITE:
		watch(c, EPOLL_CTL_MOD, 1);
		return 1;
	case SSL_ERROR_ZERO_RETURN:
	case SSL_ERROR_SYSCALL:
		/* The end of the answer (close_notify, or the bare close). */
		if (c->step == ANSWER) {
			finish(c, !memcmp(c->head, "HTTP/1.1 200", 12) &&
				  c->got > 1024);
			return 0;
		}
		/* fall through */
	default:
		if (n_failed < 5)
			ERR_print_errors_fp(stderr);
		ERR_clear_error();
		finish(c, 0);
		return 0;
	}
}

static void step(struct conn *c)
{
	char buf[16384];
	size_t n;
	int r;

	for (;;) {
		ERR_clear_error();
		if (c->step == HANDSHAKE) {
			if ((r = SSL_do_handshake(c->ssl)) != 1) {
				retry(c, r);
				return;
			}
			c->step = REQUEST;
		} else if (c->step == REQUEST) {
			if ((r = SSL_write_ex(c->ssl, request, strlen(request),
					      &n)) != 1) {
				retry(c, r);
				return;
			}
			c->step = ANSWER;
		} else {
			if ((r = SSL_read_ex(c->ssl, buf, sizeof(buf), &n)) !=
			    1) {
				retry(c, r);
				return;
			}
			if (c->got < sizeof(c->head))
				memcpy(c->head + c->got, buf,
				       n < sizeof(c->head) - c->got
					       ? n : sizeof(c->head) - c->got);
			c->got += n;
		}
	}
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	struct epoll_event evs[64];
	double t0, end;
	int n, secs, live;

	if (argc != 7) {
		fprintf(stderr, "usage: tlshs IP PORT PATH CAFILE N SECONDS\n");
		return 2;
	}
	srv.sin_family = AF_INET;
	srv.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &srv.sin_addr) != 1)
		return 2;
	n = atoi(argv[5]);
	secs = atoi(argv[6]);
	if (n < 1 || n > MAX_CONNS || secs < 1)
		return 2;
	snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s\r\n"
		 "User-Agent: UefiHttpBoot/1.0\r\nConnection: close\r\n\r\n",
		 argv[3], argv[1]);
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_load_verify_locations(ctx, argv[4], NULL) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ep = epoll_create1(0);
	t0 = now();
	end = t0 + secs;
	for (int i = 0; i < n; i++)
		start(&conns[i]);
	live = n;
	while (live > 0) {
		int k = epoll_wait(ep, evs, 64, 1000);
		int stop = now() >= end;

		for (int i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			step(c);
			if (c->fd >= 0)
				continue;
			if (stop)
				live--;
			else
				start(c);
		}
	}
	t0 = now() - t0;
	printf("{\"ok\": %lu, \"failed\": %lu, \"seconds\": %.2f, "
	       "\"per_s\": %.1f}\n", n_ok, n_failed, t0, (double)n_ok / t0);
	return 0;
}
