/*
 * crypto.h: hashing and hex, the only door to OpenSSL.
 *
 * SHA-256 is computed through OpenSSL's EVP interface; digests are compared in constant time.
 */
#ifndef FUNDLEDGER_CRYPTO_H
#define FUNDLEDGER_CRYPTO_H

#include <stddef.h>
#include "error.h"

#define FL_HASH_LEN 32
#define FL_HASH_HEX_LEN 64

/* out = SHA-256(data). 0 or FL_ECRYPTO. */
int fl_sha256(unsigned char out[FL_HASH_LEN], const void *data, size_t len) FL_WARN_UNUSED;

/* out = SHA-256(prefix byte || data): RFC 6962 leaf (0x00) and node (0x01) hashing. */
int fl_sha256_prefixed(unsigned char out[FL_HASH_LEN], unsigned char prefix, const void *a,
		       size_t alen, const void *b, size_t blen) FL_WARN_UNUSED;

/*
 * A reusable hasher for hot loops (verify): avoids a context allocation per digest.
 * fl_hasher_free accepts NULL.
 */
typedef struct fl_hasher fl_hasher;
int fl_hasher_new(fl_hasher **out);
int fl_hasher_sha256(fl_hasher *h, unsigned char out[FL_HASH_LEN], const void *data,
		     size_t len) FL_WARN_UNUSED;
void fl_hasher_free(fl_hasher *h);

/* Lower-case hex of `len` bytes into out, which holds 2*len+1 chars. */
void fl_hex_encode(char *out, const unsigned char *in, size_t len);

/* Decodes exactly outlen bytes from 2*outlen hex digits. 0 or FL_EINVALID. */
int fl_hex_decode(unsigned char *out, size_t outlen, const char *hex, size_t hexlen);

/* 0 when the n bytes are equal, FL_EVERIFY otherwise; constant time. */
int fl_digest_equal(const void *a, const void *b, size_t n) FL_WARN_UNUSED;

#endif
