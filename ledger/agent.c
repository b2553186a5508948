/*
 * agent.c: the signing agent's protocol over Unix stream sockets, both sides (agent.h and
 * docs/AGENT.md). Sockets only: the signing itself is crypto.c's, reached through
 * fl_signer_sign on the agent's side and fl_signer_delegate (crypto_int.h) on the client's.
 *
 * Invariants: one request per connection; every read is bounded by a deadline
 * (FL_AGENT_TIMEOUT_SECONDS for the whole request or reply) and by the declared length, which
 * is checked against FL_AGENT_MSG_MAX before anything is read or allocated; both ends speak
 * only to a peer of their own effective uid (SO_PEERCRED); a client never returns a signature
 * that does not verify with the public key the agent first reported.
 */
#define _GNU_SOURCE /* struct ucred and SO_PEERCRED */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "crypto_int.h"
#include "fundledger/agent.h"

/* ---- bounded I/O ---- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reads exactly n bytes before deadline (CLOCK_MONOTONIC, ms). 0; FL_EIO with "end of
 * stream", "timed out" or the system's reason in the message (prefixed by `what`).
 */
static int read_full(int fd, void *buf, size_t n, int64_t deadline, const char *what)
{
	unsigned char *p = buf;
	size_t got = 0;
	while (got < n) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t r;
		int pr;
		if (left <= 0)
			return fl_error_set(FL_EIO, "%s: timed out", what);
		pr = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (pr < 0 && errno == EINTR)
			continue; /* a signal: the deadline still bounds the wait */
		if (pr < 0)
			return fl_error_set(FL_EIO, "%s: %s", what, strerror(errno));
		if (pr == 0)
			continue; /* the deadline check above ends it */
		r = recv(fd, p + got, n - got, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (r < 0)
			return fl_error_set(FL_EIO, "%s: %s", what, strerror(errno));
		if (r == 0)
			return fl_error_set(FL_EIO, "%s: connection closed after %zu of %zu bytes",
					    what, got, n);
		got += (size_t)r;
	}
	return 0;
}

/* Writes all n bytes; SO_SNDTIMEO bounds it. MSG_NOSIGNAL: a closed peer is EPIPE, not a signal. */
static int write_full(int fd, const void *buf, size_t n, const char *what)
{
	const unsigned char *p = buf;
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fl_error_set(FL_EIO, "%s: %s", what,
					    w < 0 ? strerror(errno) : "nothing written");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* kind: the request type, or the reply status. */
static void put_header(unsigned char h[FL_AGENT_HEADER_LEN], unsigned char kind, size_t len)
{
	h[0] = FL_AGENT_VERSION;
	h[1] = kind;
	h[2] = (unsigned char)(len >> 24);
	h[3] = (unsigned char)(len >> 16);
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)len;
}

static uint32_t header_len(const unsigned char h[FL_AGENT_HEADER_LEN])
{
	return (uint32_t)h[2] << 24 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 8 | (uint32_t)h[5];
}

static int set_send_timeout(int fd)
{
	struct timeval tv = {.tv_sec = FL_AGENT_TIMEOUT_SECONDS, .tv_usec = 0};
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return fl_error_set(FL_EIO, "socket timeout: %s", strerror(errno));
	return 0;
}

/* 0 when the peer of fd runs as this process's effective uid; *uid is the peer's. */
static int peer_is_us(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
		return fl_error_set(FL_EIO, "SO_PEERCRED: %s", strerror(errno));
	*uid = cred.uid;
	return cred.uid == geteuid() ? 0 : FL_EINVALID;
}

static int socket_address(struct sockaddr_un *sa, const char *path)
{
	size_t n = strlen(path);
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sa->sun_path))
		return fl_error_set(FL_EINVALID, "%s: a socket path is 1 to %zu bytes long",
				    n ? path : "''", sizeof(sa->sun_path) - 1);
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

/* ---- the client ---- */

typedef struct {
	char *path;
	unsigned char pub[FL_ED25519_PUB_LEN];
} agent_client;

/* Text from the agent, made printable for a message. */
static void printable(char *out, size_t cap, const unsigned char *in, size_t n)
{
	size_t i;
	for (i = 0; i < n && i + 1 < cap; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[i] = 0;
}

/*
 * One request to the agent at path: sends kind and body, and reads an OK reply of exactly
 * want bytes into out.
 */
static int request(const char *path, unsigned char kind, const void *body, size_t len,
		   unsigned char *out, size_t want)
{
	struct sockaddr_un sa;
	unsigned char h[FL_AGENT_HEADER_LEN], text[FL_AGENT_ERROR_MAX];
	char shown[FL_AGENT_ERROR_MAX + 1];
	int64_t deadline;
	uint32_t rlen;
	uid_t uid;
	int fd = -1, err;

	if ((err = socket_address(&sa, path)) < 0)
		return err;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fl_error_set(FL_EIO, "socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		err = fl_error_set(FL_EIO, "cannot reach the signing agent at %s: %s", path,
				   strerror(errno));
		goto done;
	}
	if ((err = peer_is_us(fd, &uid)) < 0) {
		if (err == FL_EINVALID)
			err = fl_error_set(FL_EINVALID,
					   "the signing agent at %s runs as uid %u, not as uid %u; "
					   "refusing it",
					   path, (unsigned)uid, (unsigned)geteuid());
		goto done;
	}
	put_header(h, kind, len);
	if ((err = set_send_timeout(fd)) < 0 ||
	    (err = write_full(fd, h, sizeof(h), "sending to the signing agent")) < 0 ||
	    (len && (err = write_full(fd, body, len, "sending to the signing agent")) < 0))
		goto done;
	deadline = now_ms() + FL_AGENT_TIMEOUT_SECONDS * 1000;
	if ((err = read_full(fd, h, sizeof(h), deadline, "the signing agent's reply")) < 0)
		goto done;
	rlen = header_len(h);
	if (h[0] != FL_AGENT_VERSION) {
		err = fl_error_set(FL_ECRYPTO, "the signing agent at %s speaks protocol version %u, "
					       "not %u",
				   path, h[0], FL_AGENT_VERSION);
	} else if (h[1] == FL_AGENT_ERROR && rlen <= FL_AGENT_ERROR_MAX) {
		if ((err = read_full(fd, text, rlen, deadline, "the signing agent's reply")) == 0) {
			printable(shown, sizeof(shown), text, rlen);
			err = fl_error_set(FL_ECRYPTO, "the signing agent at %s refused: %s", path,
					   shown);
		}
	} else if (h[1] != FL_AGENT_OK || rlen != want) {
		err = fl_error_set(FL_ECRYPTO, "the signing agent at %s sent a malformed reply "
					       "(status %u, %lu bytes)",
				   path, h[1], (unsigned long)rlen);
	} else {
		err = read_full(fd, out, want, deadline, "the signing agent's reply");
	}
done:
	close(fd);
	return err;
}

static int client_sign(void *ctx, unsigned char sig[FL_ED25519_SIG_LEN], const void *msg,
		       size_t len)
{
	const agent_client *c = ctx;
	int err;
	if (len > FL_AGENT_MSG_MAX)
		return fl_error_set(FL_EINVALID, "a message of %zu bytes is more than the signing "
						 "agent signs (%d)",
				    len, FL_AGENT_MSG_MAX);
	if ((err = request(c->path, FL_AGENT_SIGN, msg, len, sig, FL_ED25519_SIG_LEN)) < 0)
		return err;
	/* The agent is trusted to hold the key, not to sign what it was asked to: a signature
	 * that does not verify is never returned, so it can never be stored. */
	if (fl_ed25519_verify(c->pub, sig, msg, len) < 0) {
		memset(sig, 0, FL_ED25519_SIG_LEN);
		return fl_error_set(FL_ECRYPTO,
				    "the signing agent at %s returned a signature that does not "
				    "verify with its public key; nothing was signed",
				    c->path);
	}
	return 0;
}

static void client_release(void *ctx)
{
	agent_client *c = ctx;
	if (!c)
		return;
	free(c->path);
	free(c);
}

int fl_signer_connect(fl_signer **out, const char *socket_path)
{
	agent_client *c = calloc(1, sizeof(*c));
	int err;
	if (!c || !(c->path = strdup(socket_path))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = request(c->path, FL_AGENT_PUBKEY, NULL, 0, c->pub, FL_ED25519_PUB_LEN)) < 0 ||
	    (err = fl_signer_delegate(out, c->pub, client_sign, client_release, c)) < 0)
		goto fail;
	return 0;
fail:
	client_release(c);
	return err;
}

/* ---- the agent ---- */

int fl_agent_listen(int *out, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	char *dir = NULL, *slash;
	mode_t old;
	int fd = -1, err, rc;

	if ((err = socket_address(&sa, path)) < 0)
		return err;
	if (lstat(path, &st) == 0)
		return fl_error_set(FL_EEXISTS, "%s exists; remove it, or choose another path",
				    path);
	if (!(dir = strdup(path)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (stat(dir, &st) != 0) {
		err = fl_error_set(FL_EIO, "%s: %s", dir, strerror(errno));
		goto done;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		err = fl_error_set(FL_EINVALID,
				   "%s: the agent's socket must be in a directory of its own user "
				   "that group and others cannot write (owner uid %u, mode %04o)",
				   dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		goto done;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		err = fl_error_set(FL_EIO, "socket: %s", strerror(errno));
		goto done;
	}
	/* The socket is created 0600: only its owner may connect (SO_PEERCRED checks again). */
	old = umask(0177);
	rc = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0) {
		err = fl_error_set(errno == EADDRINUSE ? FL_EEXISTS : FL_EIO, "%s: %s", path,
				   strerror(errno));
		goto done;
	}
	if (listen(fd, 16) != 0) {
		err = fl_error_set(FL_EIO, "%s: listen: %s", path, strerror(errno));
		unlink(path);
		goto done;
	}
	*out = fd;
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	free(dir);
	return err;
}

/* Sends an error reply and returns FL_EINVALID with the same text. */
static int refuse(int fd, const char *text)
{
	unsigned char h[FL_AGENT_HEADER_LEN];
	size_t n = strlen(text);
	put_header(h, FL_AGENT_ERROR, n);
	if (write_full(fd, h, sizeof(h), "reply") == 0)
		(void)write_full(fd, text, n, "reply");
	return fl_error_set(FL_EINVALID, "refused a request: %s", text);
}

static int answer(int fd, const fl_signer *s)
{
	unsigned char h[FL_AGENT_HEADER_LEN], out[FL_ED25519_SIG_LEN];
	unsigned char *msg = NULL;
	int64_t deadline = now_ms() + FL_AGENT_TIMEOUT_SECONDS * 1000;
	uint32_t len;
	size_t outlen;
	int err;

	if ((err = read_full(fd, h, sizeof(h), deadline, "request")) < 0)
		return err;
	len = header_len(h);
	if (h[0] != FL_AGENT_VERSION)
		return refuse(fd, "unsupported protocol version (this agent speaks version 1)");
	if (h[1] == FL_AGENT_PUBKEY) {
		if (len != 0)
			return refuse(fd, "a public key request has no body");
		fl_signer_public(s, out);
		outlen = FL_ED25519_PUB_LEN;
	} else if (h[1] == FL_AGENT_SIGN) {
		if (len > FL_AGENT_MSG_MAX)
			return refuse(fd, "message too long (at most 65536 bytes)");
		if (!(msg = malloc(len ? len : 1)))
			return refuse(fd, "out of memory");
		if ((err = read_full(fd, msg, len, deadline, "request")) < 0)
			goto done;
		if ((err = fl_signer_sign(s, out, msg, len)) < 0) {
			char why[FL_ERROR_MAX];
			snprintf(why, sizeof(why), "%s", fl_error_last());
			(void)refuse(fd, "signing failed");
			err = fl_error_set(err, "signing failed: %s", why);
			goto done;
		}
		outlen = FL_ED25519_SIG_LEN;
	} else {
		return refuse(fd, "unknown request type");
	}
	put_header(h, FL_AGENT_OK, outlen);
	if ((err = write_full(fd, h, sizeof(h), "reply")) == 0)
		err = write_full(fd, out, outlen, "reply");
done:
	free(msg);
	return err;
}

int fl_agent_serve(int listen_fd, const fl_signer *s)
{
	uid_t uid;
	int fd, err;

	do
		fd = accept(listen_fd, NULL, NULL);
	while (fd < 0 && errno == ECONNABORTED);
	if (fd < 0)
		return fl_error_set(FL_EIO, "accept: %s", strerror(errno));
	if ((err = peer_is_us(fd, &uid)) < 0) {
		if (err == FL_EINVALID)
			err = fl_error_set(FL_EINVALID, "refused a connection from uid %u (not %u)",
					   (unsigned)uid, (unsigned)geteuid());
	} else if ((err = set_send_timeout(fd)) == 0) {
		err = answer(fd, s);
	}
	close(fd);
	return err;
}
