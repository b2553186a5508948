/*
 * crypto.c: the only module that includes OpenSSL. SHA-256 through EVP, constant-time
 * comparison, and hex.
 *
 * The SHA-256 implementation is fetched once per process (EVP_MD_fetch) so that hot loops
 * do not pay for an implicit fetch per digest. OpenSSL errors are translated into FL_ECRYPTO
 * with the first queued reason.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "fundledger/crypto.h"

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
