/*
 * crypto.c: the only module that includes OpenSSL. SHA-256 through EVP, constant-time
 * comparison, hex, base64, and Ed25519 keys: generation, signing, verification, and storage
 * as encrypted PKCS#8 PEM files that are checked for safe ownership and mode before use.
 * A signer may instead delegate to a key held elsewhere (crypto_int.h; the signing agent).
 *
 * The SHA-256 implementation is fetched once per process (EVP_MD_fetch) so that hot loops
 * do not pay for an implicit fetch per digest. OpenSSL errors are translated into FL_ECRYPTO
 * with the first queued reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto_int.h"

struct fl_hasher {
	EVP_MD_CTX *ctx;
	EVP_MD *md;
};

static int crypto_error(const char *what)
{
	char reason[256];
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		strcpy(reason, "unknown error");
	ERR_clear_error();
	return fl_error_set(FL_ECRYPTO, "%s: %s", what, reason);
}

int fl_hasher_new(fl_hasher **out)
{
	fl_hasher *h = calloc(1, sizeof(*h));
	if (!h)
		return fl_error_set(FL_ENOMEM, "out of memory");
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx) {
		fl_hasher_free(h);
		return crypto_error("SHA-256 unavailable");
	}
	*out = h;
	return 0;
}

void fl_hasher_free(fl_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	free(h);
}

static int hash_parts(fl_hasher *h, unsigned char out[FL_HASH_LEN], const void *p0, size_t n0,
		      const void *p1, size_t n1, const void *p2, size_t n2)
{
	unsigned int olen = 0;
	if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1 ||
	    (n0 && EVP_DigestUpdate(h->ctx, p0, n0) != 1) ||
	    (n1 && EVP_DigestUpdate(h->ctx, p1, n1) != 1) ||
	    (n2 && EVP_DigestUpdate(h->ctx, p2, n2) != 1) ||
	    EVP_DigestFinal_ex(h->ctx, out, &olen) != 1 || olen != FL_HASH_LEN)
		return crypto_error("SHA-256");
	return 0;
}

int fl_hasher_sha256(fl_hasher *h, unsigned char out[FL_HASH_LEN], const void *data, size_t len)
{
	return hash_parts(h, out, data, len, NULL, 0, NULL, 0);
}

int fl_hasher_leaf(fl_hasher *h, unsigned char out[FL_HASH_LEN], const void *data, size_t len)
{
	static const unsigned char zero = 0x00;
	return hash_parts(h, out, &zero, 1, data, len, NULL, 0);
}

/* One process-wide hasher for the one-shot calls; created on first use. */
static _Thread_local fl_hasher *shared;

static int shared_hasher(fl_hasher **out)
{
	int err;
	if (!shared && (err = fl_hasher_new(&shared)) < 0)
		return err;
	*out = shared;
	return 0;
}

int fl_sha256(unsigned char out[FL_HASH_LEN], const void *data, size_t len)
{
	fl_hasher *h;
	int err;
	if ((err = shared_hasher(&h)) < 0)
		return err;
	return hash_parts(h, out, data, len, NULL, 0, NULL, 0);
}

int fl_sha256_prefixed(unsigned char out[FL_HASH_LEN], unsigned char prefix, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	fl_hasher *h;
	int err;
	if ((err = shared_hasher(&h)) < 0)
		return err;
	return hash_parts(h, out, &prefix, 1, a, alen, b, blen);
}

void fl_hex_encode(char *out, const unsigned char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fl_hex_decode(unsigned char *out, size_t outlen, const char *hex, size_t hexlen)
{
	if (hexlen != 2 * outlen)
		return fl_error_set(FL_EINVALID, "expected %zu hex digits, got %zu", 2 * outlen,
				    hexlen);
	for (size_t i = 0; i < outlen; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return fl_error_set(FL_EINVALID, "not a hex digit at position %zu", 2 * i);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int fl_digest_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0 ? 0 : FL_EVERIFY;
}

/* ---- base64 ---- */

int fl_base64_encode(fl_buf *out, const void *data, size_t len)
{
	size_t need;
	int n, err;
	if (len > (SIZE_MAX / 4) * 3 - 3 || len > INT32_MAX / 2)
		return fl_error_set(FL_ERANGE, "base64 input too large");
	need = 4 * ((len + 2) / 3);
	if ((err = fl_buf_grow(out, need)) < 0)
		return err;
	n = EVP_EncodeBlock(out->data + out->len, data, (int)len);
	if (n < 0 || (size_t)n != need)
		return fl_error_set(FL_ECRYPTO, "base64 encoding failed");
	out->len += need;
	out->data[out->len] = 0;
	return 0;
}

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int fl_base64_decode(fl_buf *out, const char *s, size_t len)
{
	size_t pad = 0, start = out->len, bytes;
	fl_buf check = FL_BUF_INIT;
	int n, err;

	if (len == 0)
		return 0;
	if (len % 4 != 0 || len > INT32_MAX)
		return fl_error_set(FL_EINVALID, "base64: length is not a multiple of 4");
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len - pad; i++)
		if (!b64_char(s[i]))
			return fl_error_set(FL_EINVALID, "base64: bad character at %zu", i);
	bytes = len / 4 * 3 - pad;
	if ((err = fl_buf_grow(out, len / 4 * 3)) < 0)
		return err;
	n = EVP_DecodeBlock(out->data + start, (const unsigned char *)s, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3)
		return fl_error_set(FL_EINVALID, "base64: not decodable");
	out->len = start + bytes;
	out->data[out->len] = 0;
	/* Reject non-canonical encodings (stray bits before the padding). */
	if ((err = fl_base64_encode(&check, out->data + start, bytes)) < 0)
		goto done;
	if (check.len != len || memcmp(check.data, s, len) != 0)
		err = fl_error_set(FL_EINVALID, "base64: not in canonical form");
done:
	fl_buf_free(&check);
	if (err < 0) {
		out->len = start;
		out->data[start] = 0;
	}
	return err;
}

void fl_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

/* ---- Ed25519 keys ---- */

/* Either a key of our own (pkey) or a delegate (sign, release, ctx; pkey NULL). */
struct fl_signer {
	EVP_PKEY *pkey;
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_signer_sign_fn sign;
	fl_signer_release_fn release;
	void *ctx;
};

int fl_signer_delegate(fl_signer **out, const unsigned char pub[FL_ED25519_PUB_LEN],
		       fl_signer_sign_fn sign, fl_signer_release_fn release, void *ctx)
{
	fl_signer *s = calloc(1, sizeof(*s));
	if (!s)
		return fl_error_set(FL_ENOMEM, "out of memory");
	memcpy(s->pub, pub, FL_ED25519_PUB_LEN);
	s->sign = sign;
	s->release = release;
	s->ctx = ctx;
	*out = s;
	return 0;
}

static int signer_wrap(fl_signer **out, EVP_PKEY *pkey)
{
	fl_signer *s;
	size_t n = FL_ED25519_PUB_LEN;
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return fl_error_set(FL_EINVALID, "not an Ed25519 key");
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		EVP_PKEY_free(pkey);
		return fl_error_set(FL_ENOMEM, "out of memory");
	}
	s->pkey = pkey;
	if (EVP_PKEY_get_raw_public_key(pkey, s->pub, &n) != 1 || n != FL_ED25519_PUB_LEN) {
		fl_signer_free(s);
		return crypto_error("Ed25519 public key");
	}
	*out = s;
	return 0;
}

int fl_signer_generate(fl_signer **out)
{
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return crypto_error("Ed25519 key generation");
	}
	EVP_PKEY_CTX_free(ctx);
	return signer_wrap(out, pkey);
}

void fl_signer_public(const fl_signer *s, unsigned char out[FL_ED25519_PUB_LEN])
{
	memcpy(out, s->pub, FL_ED25519_PUB_LEN);
}

void fl_signer_free(fl_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->pkey);
	if (s->release)
		s->release(s->ctx);
	free(s);
}

int fl_signer_sign(const fl_signer *s, unsigned char sig[FL_ED25519_SIG_LEN], const void *msg,
		   size_t len)
{
	EVP_MD_CTX *ctx;
	size_t n = FL_ED25519_SIG_LEN;
	int err = 0;
	if (s->sign)
		return s->sign(s->ctx, sig, msg, len);
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &n, msg, len) != 1 || n != FL_ED25519_SIG_LEN)
		err = crypto_error("Ed25519 signing");
	EVP_MD_CTX_free(ctx);
	return err;
}

int fl_ed25519_verify(const unsigned char pub[FL_ED25519_PUB_LEN],
		      const unsigned char sig[FL_ED25519_SIG_LEN], const void *msg, size_t len)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
						     FL_ED25519_PUB_LEN);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;
	if (pkey && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1)
		rc = EVP_DigestVerify(ctx, sig, FL_ED25519_SIG_LEN, msg, len);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return rc == 1 ? 0 : fl_error_set(FL_EVERIFY, "Ed25519 signature does not verify");
}

int fl_signer_save(const fl_signer *s, const char *path, const char *pass, size_t passlen)
{
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *p8 = NULL;
	BIO *mem = NULL;
	BUF_MEM *pem = NULL;
	int fd = -1, err = 0;

	if (!s->pkey)
		return fl_error_set(FL_EINVALID, "a key held by a signing agent cannot be saved");
	if (passlen == 0)
		return fl_error_set(FL_EINVALID, "an empty passphrase would leave the key unprotected");
	if (passlen > INT32_MAX)
		return fl_error_set(FL_EINVALID, "passphrase too long");
	if (!(p8inf = EVP_PKEY2PKCS8(s->pkey)) ||
	    !(pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), FL_KEY_KDF_ITERATIONS, NULL,
				      FL_KEY_SALT_LEN, NULL, NID_hmacWithSHA256))) {
		err = crypto_error("key encryption");
		goto done;
	}
	if (!(p8 = PKCS8_set0_pbe(pass, (int)passlen, p8inf, pbe))) {
		err = crypto_error("key encryption");
		goto done;
	}
	pbe = NULL; /* owned by p8 now */
	if (!(mem = BIO_new(BIO_s_mem())) || PEM_write_bio_PKCS8(mem, p8) != 1 ||
	    BIO_get_mem_ptr(mem, &pem) != 1) {
		err = crypto_error("key encoding");
		goto done;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = fl_error_set(errno == EEXIST ? FL_EEXISTS : FL_EIO, "%s: %s", path,
				   strerror(errno));
		goto done;
	}
	for (size_t off = 0; off < pem->length;) {
		ssize_t w = write(fd, pem->data + off, pem->length - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = fl_error_set(FL_EIO, "%s: write: %s", path, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (err == 0 && fsync(fd) != 0)
		err = fl_error_set(FL_EIO, "%s: fsync: %s", path, strerror(errno));
	if (close(fd) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: close: %s", path, strerror(errno));
	if (err < 0)
		unlink(path);
done:
	BIO_free(mem);
	X509_SIG_free(p8);
	X509_ALGOR_free(pbe);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	return err;
}

/* Hands OpenSSL exactly the caller's passphrase bytes (which may include NUL). */
typedef struct {
	const char *pass;
	size_t len;
} pass_arg;

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const pass_arg *p = u;
	(void)rwflag;
	if (size < 0 || p->len > (size_t)size)
		return -1;
	memcpy(buf, p->pass, p->len);
	return (int)p->len;
}

int fl_signer_load(fl_signer **out, const char *path, const char *pass, size_t passlen)
{
	struct stat st;
	char buf[8192];
	ssize_t n;
	size_t len = 0;
	BIO *mem = NULL;
	EVP_PKEY *pkey = NULL;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO must not block us before the regular-file check below. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return fl_error_set(FL_EINVALID, "%s: refusing a private key reached through a "
							 "symbolic link", path);
		return fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = fl_error_set(FL_EINVALID, "%s: a private key must be a regular file", path);
		goto done;
	}
	if (st.st_uid != geteuid()) {
		err = fl_error_set(FL_EINVALID, "%s: private key is owned by another user", path);
		goto done;
	}
	if (st.st_mode & 077) {
		err = fl_error_set(FL_EINVALID, "%s: private key is accessible by group or others "
						"(mode %04o); run chmod 600",
				   path, (unsigned)(st.st_mode & 07777));
		goto done;
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = fl_error_set(FL_EIO, "%s: read: %s", path, strerror(errno));
			goto done;
		}
		len += (size_t)n;
	}
	if (len == sizeof(buf)) {
		err = fl_error_set(FL_EINVALID, "%s: too large for a key file", path);
		goto done;
	}
	if (passlen > INT32_MAX) {
		err = fl_error_set(FL_EINVALID, "passphrase too long");
		goto done;
	}
	if (!(mem = BIO_new_mem_buf(buf, (int)len))) {
		err = crypto_error("key file");
		goto done;
	}
	if (len < 37 || memcmp(buf, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37) != 0) {
		err = fl_error_set(FL_EINVALID, "%s: not an encrypted PKCS#8 key", path);
		goto done;
	}
	{
		pass_arg arg = {pass, passlen};
		pkey = PEM_read_bio_PrivateKey(mem, NULL, pass_cb, &arg);
	}
	if (!pkey) {
		ERR_clear_error();
		err = fl_error_set(FL_ECRYPTO, "%s: wrong passphrase, or a damaged key file", path);
		goto done;
	}
	err = signer_wrap(out, pkey);
done:
	fl_wipe(buf, sizeof(buf));
	BIO_free(mem);
	close(fd);
	return err;
}
