/*
 * crypto.h: hashing and hex, the only door to OpenSSL.
 *
 * SHA-256 is computed through OpenSSL's EVP interface; digests are compared in constant time.
 */
#ifndef FUNDLEDGER_CRYPTO_H
#define FUNDLEDGER_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
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
/* out = SHA-256(0x00 || data), the RFC 6962 leaf hash, with a reusable hasher. */
int fl_hasher_leaf(fl_hasher *h, unsigned char out[FL_HASH_LEN], const void *data,
		   size_t len) FL_WARN_UNUSED;
void fl_hasher_free(fl_hasher *h);

/* Lower-case hex of `len` bytes into out, which holds 2*len+1 chars. */
void fl_hex_encode(char *out, const unsigned char *in, size_t len);

/* Decodes exactly outlen bytes from 2*outlen hex digits. 0 or FL_EINVALID. */
int fl_hex_decode(unsigned char *out, size_t outlen, const char *hex, size_t hexlen);

/* 0 when the n bytes are equal, FL_EVERIFY otherwise; constant time. */
int fl_digest_equal(const void *a, const void *b, size_t n) FL_WARN_UNUSED;

/* Standard base64 (RFC 4648 section 4, with padding). */
int fl_base64_encode(fl_buf *out, const void *data, size_t len) FL_WARN_UNUSED;
/*
 * Strict decode of s[0..len): only the standard alphabet, correct padding, canonical trailing
 * bits; no whitespace. Appends to out. 0 or FL_EINVALID.
 */
int fl_base64_decode(fl_buf *out, const char *s, size_t len) FL_WARN_UNUSED;

/* Overwrites n bytes in a way the compiler does not drop (OPENSSL_cleanse). */
void fl_wipe(void *p, size_t n);

/* ---- Ed25519 ---- */
#define FL_ED25519_PUB_LEN 32
#define FL_ED25519_SIG_LEN 64
/* PBKDF2-HMAC-SHA256 iterations for private keys at rest (OWASP 2023 guidance). */
#define FL_KEY_KDF_ITERATIONS 600000
/* PBKDF2 salt bytes (NIST SP 800-132 asks for at least 16). */
#define FL_KEY_SALT_LEN 16

/*
 * A private signing key. Its secret stays inside OpenSSL and is freed with it. A signer from
 * fl_signer_connect (agent.h) holds no secret: a signing agent signs for it.
 */
typedef struct fl_signer fl_signer;

int fl_signer_generate(fl_signer **out) FL_WARN_UNUSED;

/*
 * Writes the key as encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256 at FL_KEY_KDF_ITERATIONS,
 * AES-256-CBC) to a new file created with O_EXCL|O_NOFOLLOW and mode 0600, and syncs it.
 * FL_EEXISTS when path exists; FL_EINVALID for an empty passphrase.
 */
int fl_signer_save(const fl_signer *s, const char *path, const char *pass,
		   size_t passlen) FL_WARN_UNUSED;

/*
 * Loads an encrypted PKCS#8 PEM Ed25519 key. Refuses a path that is a symbolic link, a file
 * that is not regular, not owned by the caller, or readable or writable by group or others
 * (FL_EINVALID), and a wrong passphrase (FL_ECRYPTO, "wrong passphrase").
 */
int fl_signer_load(fl_signer **out, const char *path, const char *pass,
		   size_t passlen) FL_WARN_UNUSED;

void fl_signer_public(const fl_signer *s, unsigned char out[FL_ED25519_PUB_LEN]);
int fl_signer_sign(const fl_signer *s, unsigned char sig[FL_ED25519_SIG_LEN], const void *msg,
		   size_t len) FL_WARN_UNUSED;
void fl_signer_free(fl_signer *s);

/* 0 when sig is a valid Ed25519 signature of msg by pub, FL_EVERIFY otherwise. */
int fl_ed25519_verify(const unsigned char pub[FL_ED25519_PUB_LEN],
		      const unsigned char sig[FL_ED25519_SIG_LEN], const void *msg,
		      size_t len) FL_WARN_UNUSED;

#endif
