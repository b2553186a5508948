/*
 * test_keys.c: unit tests for the Ed25519, key-file and base64 parts of crypto.h.
 *
 * Known answers: RFC 8032 section 7.1 TEST 1-3 (secret key, public key, message, signature),
 * RFC 4648 section 10 (base64), and the signing key of golang.org/x/mod/sumdb/note's tests
 * (tests/vectors/note/go-peter.skey, whose signed note is tests/vectors/note/go-peter.note).
 * Keys made from those secrets by the openssl command line (an independent PKCS#8 writer) must
 * load and reproduce the published signatures byte for byte; key files written by the library
 * must be readable by openssl, with the KDF parameters crypto.h promises. The openssl command
 * is required: these tests fail, not skip, without it.
 *
 * Time budget: a PBKDF2 at 600000 iterations costs a few tenths of a second, so only the key
 * saved in setup() is encrypted at the real count, and it is decrypted three times (a wrong
 * passphrase, the right one, and openssl); keys made by openssl here use 1 iteration.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/buf.h"
#include "fundledger/crypto.h"
#include "fundledger/error.h"
#include "fundledger/note.h"

#define PASS "correct horse battery staple"
#define PASSLEN (sizeof(PASS) - 1)

/* ---- RFC 8032 section 7.1 ---- */

static const struct {
	const char *secret, *pub, *msg, *sig;
} RFC8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
     "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
     "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760"
     "984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

typedef struct {
	unsigned char secret[32], pub[32], msg[8], sig[64];
	size_t msg_len;
} kat;

static void unhex(unsigned char *out, size_t n, const char *hex)
{
	assert_int_equal(strlen(hex), 2 * n);
	assert_int_equal(fl_hex_decode(out, n, hex, 2 * n), 0);
}

static void load_kat(kat *k, size_t i)
{
	memset(k, 0, sizeof(*k));
	unhex(k->secret, 32, RFC8032[i].secret);
	unhex(k->pub, 32, RFC8032[i].pub);
	unhex(k->sig, 64, RFC8032[i].sig);
	k->msg_len = strlen(RFC8032[i].msg) / 2;
	unhex(k->msg, k->msg_len, RFC8032[i].msg);
}

static void test_rfc8032_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		kat k, other;
		unsigned char sig[64], pub[32], msg[9];
		load_kat(&k, i);
		load_kat(&other, (i + 1) % 3);
		if (fl_ed25519_verify(k.pub, k.sig, k.msg, k.msg_len) != 0)
			fail_msg("RFC 8032 TEST %zu does not verify: %s", i + 1, fl_error_last());
		/* Every flipped bit of the signature, of the key. */
		for (unsigned b = 0; b < 512; b++) {
			memcpy(sig, k.sig, 64);
			sig[b / 8] ^= (unsigned char)(1u << (b % 8));
			if (fl_ed25519_verify(k.pub, sig, k.msg, k.msg_len) != FL_EVERIFY)
				fail_msg("TEST %zu: signature bit %u flipped verifies", i + 1, b);
		}
		for (unsigned b = 0; b < 256; b++) {
			memcpy(pub, k.pub, 32);
			pub[b / 8] ^= (unsigned char)(1u << (b % 8));
			if (fl_ed25519_verify(pub, k.sig, k.msg, k.msg_len) != FL_EVERIFY)
				fail_msg("TEST %zu: key bit %u flipped verifies", i + 1, b);
		}
		/* Every flipped bit of the message, a byte more, a byte less. */
		for (unsigned b = 0; b < 8 * k.msg_len; b++) {
			memcpy(msg, k.msg, k.msg_len);
			msg[b / 8] ^= (unsigned char)(1u << (b % 8));
			assert_int_equal(fl_ed25519_verify(k.pub, k.sig, msg, k.msg_len),
					 FL_EVERIFY);
		}
		memcpy(msg, k.msg, k.msg_len);
		msg[k.msg_len] = 0;
		assert_int_equal(fl_ed25519_verify(k.pub, k.sig, msg, k.msg_len + 1), FL_EVERIFY);
		if (k.msg_len)
			assert_int_equal(fl_ed25519_verify(k.pub, k.sig, msg, k.msg_len - 1),
					 FL_EVERIFY);
		/* Another test's key or signature. */
		assert_int_equal(fl_ed25519_verify(other.pub, k.sig, k.msg, k.msg_len), FL_EVERIFY);
		assert_int_equal(fl_ed25519_verify(k.pub, other.sig, k.msg, k.msg_len), FL_EVERIFY);
		assert_string_equal(fl_error_last(), "Ed25519 signature does not verify");
	}
}

/* S + L (RFC 8032 5.1.7: S must be below the group order L) still "solves" the equation. */
static void test_rfc8032_malleability(void **state)
{
	/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
	static const unsigned char L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
					    0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
					    0,	  0,	0,    0,    0,	  0,	0,    0,
					    0,	  0,	0,    0,    0,	  0,	0,    0x10};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		kat k;
		unsigned char sig[64];
		unsigned carry = 0;
		load_kat(&k, i);
		memcpy(sig, k.sig, 64);
		for (int j = 0; j < 32; j++) {
			unsigned v = sig[32 + j] + L[j] + carry;
			sig[32 + j] = (unsigned char)v;
			carry = v >> 8;
		}
		assert_int_equal(carry, 0);
		assert_int_equal(fl_ed25519_verify(k.pub, sig, k.msg, k.msg_len), FL_EVERIFY);
	}
}

/* ---- generated keys ---- */

static void test_signer_generate_sign(void **state)
{
	fl_signer *a = NULL, *b = NULL;
	unsigned char pa[32], pb[32], s1[64], s2[64];
	unsigned char *big;
	size_t big_len = 1 << 20;
	(void)state;

	assert_int_equal(fl_signer_generate(&a), 0);
	assert_int_equal(fl_signer_generate(&b), 0);
	fl_signer_public(a, pa);
	fl_signer_public(b, pb);
	assert_memory_not_equal(pa, pb, 32);

	assert_int_equal(fl_signer_sign(a, s1, "message", 7), 0);
	assert_int_equal(fl_ed25519_verify(pa, s1, "message", 7), 0);
	assert_int_equal(fl_ed25519_verify(pb, s1, "message", 7), FL_EVERIFY);
	assert_int_equal(fl_ed25519_verify(pa, s1, "messagE", 7), FL_EVERIFY);
	/* Ed25519 is deterministic. */
	assert_int_equal(fl_signer_sign(a, s2, "message", 7), 0);
	assert_memory_equal(s1, s2, 64);
	assert_int_equal(fl_signer_sign(b, s2, "message", 7), 0);
	assert_memory_not_equal(s1, s2, 64);
	/* Empty and large messages. */
	assert_int_equal(fl_signer_sign(a, s1, "", 0), 0);
	assert_int_equal(fl_ed25519_verify(pa, s1, "", 0), 0);
	big = malloc(big_len);
	assert_non_null(big);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (unsigned char)(i * 131 + 7);
	assert_int_equal(fl_signer_sign(a, s1, big, big_len), 0);
	assert_int_equal(fl_ed25519_verify(pa, s1, big, big_len), 0);
	big[big_len / 2] ^= 1;
	assert_int_equal(fl_ed25519_verify(pa, s1, big, big_len), FL_EVERIFY);
	free(big);
	fl_signer_free(a);
	fl_signer_free(b);
	fl_signer_free(NULL);
}

/* ---- key files ---- */

static char DIR_[64];
static char SAVED[256];		/* the key file written by fl_signer_save in setup */
static fl_signer *SAVED_SIGNER; /* the key in it */

static void path_in(char *out, size_t cap, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", DIR_, name);
	assert_true(n > 0 && (size_t)n < cap);
}

/* Runs a shell command; on failure shows its output (log.txt in the test directory). */
static void run(const char *fmt, ...) FL_PRINTF(1, 2);
static void run(const char *fmt, ...)
{
	char cmd[2048], log[256];
	va_list ap;
	int n, rc;
	path_in(log, sizeof(log), "log.txt");
	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 300, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd) - 300);
	snprintf(cmd + n, 300, " >%s 2>&1", log);
	rc = system(cmd);
	if (rc != 0) {
		char line[512];
		FILE *f = fopen(log, "r");
		while (f && fgets(line, sizeof(line), f))
			print_error("    %s", line);
		if (f)
			fclose(f);
		fail_msg("command failed (status %d): %s", rc, cmd);
	}
}

static int setup(void **state)
{
	(void)state;
	strcpy(DIR_, "/tmp/fl-test-keys-XXXXXX");
	if (!mkdtemp(DIR_))
		return -1;
	/* The openssl command line is a requirement of these tests, not an option. */
	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_keys: the openssl command is required and was not found\n");
		return -1;
	}
	setenv("FL_TEST_PASS", PASS, 1);
	setenv("FL_IMPORT_PASS", "import", 1);
	/* The one key the library encrypts at the full iteration count. */
	snprintf(SAVED, sizeof(SAVED), "%s/ledger.key", DIR_);
	if (fl_signer_generate(&SAVED_SIGNER) != 0 ||
	    fl_signer_save(SAVED_SIGNER, SAVED, PASS, PASSLEN) != 0) {
		fprintf(stderr, "test_keys: cannot save a key: %s\n", fl_error_last());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	fl_signer_free(SAVED_SIGNER);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", DIR_);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* An Ed25519 secret as a PKCS#8 file encrypted by openssl (PBKDF2 with 1 iteration). */
static void import_secret(const char *name, const unsigned char secret[32])
{
	static const unsigned char prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
						 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
	unsigned char der[48];
	char raw[256], pem[256];
	memcpy(der, prefix, 16);
	memcpy(der + 16, secret, 32);
	path_in(raw, sizeof(raw), "raw.der");
	path_in(pem, sizeof(pem), name);
	unlink(pem);
	write_file(raw, der, sizeof(der), 0600);
	run("openssl pkcs8 -topk8 -inform DER -in %s -v2 aes-256-cbc -v2prf hmacWithSHA256 "
	    "-iter 1 -passout env:FL_IMPORT_PASS -out %s",
	    raw, pem);
	unlink(raw);
	assert_int_equal(chmod(pem, 0600), 0);
}

static void test_import_rfc8032_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		kat k;
		fl_signer *s = NULL;
		unsigned char pub[32], sig[64];
		char pem[256];
		load_kat(&k, i);
		import_secret("rfc8032.pem", k.secret);
		path_in(pem, sizeof(pem), "rfc8032.pem");
		if (fl_signer_load(&s, pem, "import", 6) != 0)
			fail_msg("TEST %zu: %s", i + 1, fl_error_last());
		fl_signer_public(s, pub);
		assert_memory_equal(pub, k.pub, 32);
		assert_int_equal(fl_signer_sign(s, sig, k.msg, k.msg_len), 0);
		assert_memory_equal(sig, k.sig, 64);
		fl_signer_free(s);
	}
}

/* The Go note tests' private key reproduces their signed note byte for byte. */
static void test_import_go_note_key(void **state)
{
	static const char text[] = "If you think cryptography is the answer to your problem,\n"
				   "then you don't know what your problem is.\n";
	fl_signer *s = NULL;
	fl_buf skey = FL_BUF_INIT, line = FL_BUF_INIT;
	fl_vkey k;
	char pem[256], *sk, *note, *b64;
	size_t len, nlen;
	(void)state;

	sk = read_all("tests/vectors/note/go-peter.skey", &len);
	/* PRIVATE+KEY+PeterNeumann+c74f20a3+BASE64(0x01 || 32-byte secret) */
	assert_true(len > 1 && sk[len - 1] == '\n');
	b64 = sk;
	for (int i = 0; i < 4; i++) {
		b64 = strchr(b64, '+');
		assert_non_null(b64);
		b64++;
	}
	assert_int_equal(fl_base64_decode(&skey, b64, (size_t)(sk + len - 1 - b64)), 0);
	assert_int_equal(skey.len, 33);
	assert_int_equal(skey.data[0], 1);
	import_secret("peter.pem", skey.data + 1);
	path_in(pem, sizeof(pem), "peter.pem");
	assert_int_equal(fl_signer_load(&s, pem, "import", 6), 0);

	assert_int_equal(fl_note_sign(&line, text, strlen(text), "PeterNeumann", s), 0);
	note = read_all("tests/vectors/note/go-peter.note", &nlen);
	assert_true(nlen == strlen(text) + 1 + line.len);
	assert_memory_equal(note, text, strlen(text));
	assert_memory_equal(note + strlen(text) + 1, line.data, line.len);
	/* And its public key is the published verifier key's. */
	{
		unsigned char pub[32];
		const char *vk =
		    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
		fl_signer_public(s, pub);
		assert_int_equal(fl_vkey_parse(&k, vk, strlen(vk)), 0);
		assert_memory_equal(pub, k.pub, 32);
	}
	fl_signer_free(s);
	fl_buf_free(&skey);
	fl_buf_free(&line);
	free(sk);
	free(note);
}

/* The value of the INTEGER after the PBKDF2 OID in `openssl asn1parse` output, or -1. */
static long kdf_iterations(const char *asn1, int *has_prf, int *has_cipher)
{
	const char *p = strstr(asn1, ":PBKDF2"), *q, *colon;
	*has_prf = strstr(asn1, ":hmacWithSHA256") != NULL;
	*has_cipher = strstr(asn1, ":aes-256-cbc") != NULL;
	if (!strstr(asn1, ":PBES2") || !p || !(q = strstr(p, "prim: INTEGER")))
		return -1;
	if (!(colon = strchr(q, ':')) || !(colon = strchr(colon + 1, ':')))
		return -1;
	return strtol(colon + 1, NULL, 16);
}

static void test_save_load(void **state)
{
	fl_signer *back = NULL;
	unsigned char pub[32], pub2[32], sig[64], sig2[64];
	char key[256], asn1[256], pubder[256], *text;
	struct stat st;
	size_t len;
	int has_prf, has_cipher;
	long iter;
	(void)state;

	/* setup() saved SAVED_SIGNER to SAVED with PASS. */
	strcpy(key, SAVED);
	fl_signer_public(SAVED_SIGNER, pub);

	/* A new regular file, mode 0600, encrypted PKCS#8 PEM. */
	assert_int_equal(lstat(key, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	text = read_all(key, &len);
	assert_true(len > 37);
	assert_memory_equal(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38);
	assert_non_null(strstr(text, "-----END ENCRYPTED PRIVATE KEY-----\n"));
	free(text);

	/* openssl's view: PBES2, PBKDF2-HMAC-SHA256 at FL_KEY_KDF_ITERATIONS, AES-256-CBC. */
	run("openssl asn1parse -in %s", key);
	path_in(asn1, sizeof(asn1), "log.txt");
	text = read_all(asn1, &len);
	iter = kdf_iterations(text, &has_prf, &has_cipher);
	if (iter != FL_KEY_KDF_ITERATIONS || !has_prf || !has_cipher)
		fail_msg("KDF parameters: iterations %ld, hmacWithSHA256 %d, aes-256-cbc %d:\n%s",
			 iter, has_prf, has_cipher, text);
	assert_int_equal(FL_KEY_KDF_ITERATIONS, 600000);
	free(text);
	/* openssl decrypts it with the passphrase, to the same public key. */
	path_in(pubder, sizeof(pubder), "pub.der");
	run("openssl pkey -in %s -passin env:FL_TEST_PASS -pubout -outform DER -out %s", key,
	    pubder);
	text = read_all(pubder, &len);
	assert_int_equal(len, 44); /* SubjectPublicKeyInfo: 12-byte header + 32-byte key */
	assert_memory_equal(text + 12, pub, 32);
	free(text);

	/* A wrong passphrase. */
	assert_int_equal(fl_signer_load(&back, key, "correct horse battery stapler", PASSLEN + 1),
			 FL_ECRYPTO);
	assert_non_null(strstr(fl_error_last(), "wrong passphrase"));
	assert_null(back);

	/* The right one (read-only for the owner is fine): the same key. */
	assert_int_equal(chmod(key, 0400), 0);
	if (fl_signer_load(&back, key, PASS, PASSLEN) != 0)
		fail_msg("load: %s", fl_error_last());
	fl_signer_public(back, pub2);
	assert_memory_equal(pub, pub2, 32);
	assert_int_equal(fl_signer_sign(SAVED_SIGNER, sig, "m", 1), 0);
	assert_int_equal(fl_signer_sign(back, sig2, "m", 1), 0);
	assert_memory_equal(sig, sig2, 64);
	fl_signer_free(back);
	assert_int_equal(chmod(key, 0600), 0);
}

static void test_save_refuses(void **state)
{
	fl_signer *s = NULL;
	char key[256], link_[256], target[256], missing[256];
	struct stat st;
	size_t len;
	char *text;
	(void)state;

	assert_int_equal(fl_signer_generate(&s), 0);
	/* An existing file is never overwritten. */
	path_in(key, sizeof(key), "exists.key");
	write_file(key, "keep me\n", 8, 0600);
	assert_int_equal(fl_signer_save(s, key, PASS, PASSLEN), FL_EEXISTS);
	text = read_all(key, &len);
	assert_string_equal(text, "keep me\n");
	free(text);
	/* Nor is a symbolic link followed, even a dangling one. */
	path_in(link_, sizeof(link_), "link.key");
	path_in(target, sizeof(target), "target.key");
	assert_int_equal(symlink(target, link_), 0);
	assert_int_equal(fl_signer_save(s, link_, PASS, PASSLEN), FL_EEXISTS);
	assert_int_equal(lstat(target, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* An empty passphrase would leave the key unprotected: refused, nothing written. */
	path_in(key, sizeof(key), "empty-pass.key");
	assert_int_equal(fl_signer_save(s, key, "", 0), FL_EINVALID);
	assert_int_equal(lstat(key, &st), -1);
	/* A directory that does not exist. */
	path_in(missing, sizeof(missing), "no/such/dir.key");
	assert_int_equal(fl_signer_save(s, missing, PASS, PASSLEN), FL_EIO);
	fl_signer_free(s);
}

static void copy_with_mode(const char *from, const char *to, mode_t mode)
{
	size_t len;
	char *text = read_all(from, &len);
	unlink(to);
	write_file(to, text, len, mode);
	free(text);
}

static void expect_load_refused(const char *path, int code, const char *msg_part)
{
	fl_signer *s = NULL;
	int rc = fl_signer_load(&s, path, PASS, PASSLEN);
	if (rc != code)
		fail_msg("%s: load returned %d (%s), want %d", path, rc, fl_error_last(), code);
	if (msg_part && !strstr(fl_error_last(), msg_part))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path, fl_error_last(), msg_part);
	assert_null(s);
}

static void test_load_refuses(void **state)
{
	char valid[256], p[256], target[256];
	(void)state;

	strcpy(valid, SAVED);
	/* Readable or writable by group or others. */
	{
		static const mode_t modes[] = {0640, 0604, 0620, 0602, 0660,
					       0644, 0666, 0610, 0601};
		path_in(p, sizeof(p), "mode.key");
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			copy_with_mode(valid, p, modes[i]);
			expect_load_refused(p, FL_EINVALID, "run chmod 600");
		}
	}
	/* A symbolic link, even to a good key. */
	path_in(target, sizeof(target), "good-copy.key");
	copy_with_mode(valid, target, 0600);
	path_in(p, sizeof(p), "symlink.key");
	assert_int_equal(symlink(target, p), 0);
	expect_load_refused(p, FL_EINVALID, "symbolic link");
	/* Not a regular file. */
	expect_load_refused(DIR_, FL_EINVALID, "regular file");
	/* Missing. */
	path_in(p, sizeof(p), "missing.key");
	expect_load_refused(p, FL_EIO, NULL);
	/* Not an encrypted PKCS#8 key: garbage, an empty file, a plaintext PKCS#8 key. */
	path_in(p, sizeof(p), "garbage.key");
	write_file(p, "not a key\n", 10, 0600);
	expect_load_refused(p, FL_EINVALID, "not an encrypted PKCS#8 key");
	write_file(p, "", 0, 0600);
	expect_load_refused(p, FL_EINVALID, NULL);
	path_in(target, sizeof(target), "plain.key");
	run("openssl genpkey -algorithm ed25519 -out %s", target);
	assert_int_equal(chmod(target, 0600), 0);
	expect_load_refused(target, FL_EINVALID, "not an encrypted PKCS#8 key");
	/* An encrypted key that is not Ed25519. */
	path_in(p, sizeof(p), "ec.key");
	run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s.plain && "
	    "openssl pkcs8 -topk8 -in %s.plain -v2 aes-256-cbc -iter 1 -passout env:FL_TEST_PASS "
	    "-out %s",
	    p, p, p);
	assert_int_equal(chmod(p, 0600), 0);
	expect_load_refused(p, FL_EINVALID, "not an Ed25519 key");
	/* Too large to be a key file. */
	{
		char *big = malloc(9000);
		assert_non_null(big);
		memset(big, 'A', 9000);
		memcpy(big, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38);
		path_in(p, sizeof(p), "big.key");
		write_file(p, big, 9000, 0600);
		expect_load_refused(p, FL_EINVALID, "too large");
		free(big);
	}
	/* Owned by someone else: as root, give a copy away; otherwise use a root-owned file. */
	if (geteuid() == 0) {
		path_in(p, sizeof(p), "foreign.key");
		copy_with_mode(valid, p, 0600);
		assert_int_equal(chown(p, 65534, (gid_t)-1), 0);
		expect_load_refused(p, FL_EINVALID, "owned by another user");
	} else {
		expect_load_refused("/etc/passwd", FL_EINVALID, "owned by another user");
	}
}

/* A FIFO is not a regular file either: refused at once, without waiting for a writer. */
static void test_load_refuses_fifo(void **state)
{
	char p[256];
	pid_t pid;
	int status;
	(void)state;

	path_in(p, sizeof(p), "fifo.key");
	assert_int_equal(mkfifo(p, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fl_signer *s = NULL;
		alarm(2);
		_exit(fl_signer_load(&s, p, PASS, PASSLEN) == FL_EINVALID ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("fl_signer_load on a FIFO blocks (still waiting after 2 s)");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * The passphrase is (pointer, length): bytes after a NUL are part of it. A key encrypted by
 * openssl with "import" must not open with "import\0junk" (6 + 5 bytes), nor with a prefix.
 */
static void test_passphrase_is_length_delimited(void **state)
{
	static const char longer[] = "import\0junk";
	fl_signer *s = NULL;
	char pem[256];
	kat k;
	(void)state;

	load_kat(&k, 0);
	import_secret("nul.pem", k.secret);
	path_in(pem, sizeof(pem), "nul.pem");
	assert_int_equal(fl_signer_load(&s, pem, "impor", 5), FL_ECRYPTO);
	assert_null(s);
	assert_int_equal(fl_signer_load(&s, pem, "import!", 7), FL_ECRYPTO);
	assert_int_equal(fl_signer_load(&s, pem, "", 0), FL_ECRYPTO);
	assert_null(s);
	if (fl_signer_load(&s, pem, longer, sizeof(longer) - 1) != FL_ECRYPTO) {
		fl_signer_free(s);
		fail_msg("the 11-byte passphrase \"import\\0junk\" opened a key encrypted with "
			 "\"import\": the passphrase is cut at its first NUL");
	}
	assert_null(s);
}

/* ---- base64 ---- */

static void test_base64_rfc4648(void **state)
{
	static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	fl_buf b = FL_BUF_INIT;
	(void)state;

	for (size_t i = 0; i < 7; i++) {
		fl_buf_reset(&b);
		assert_int_equal(fl_base64_encode(&b, plain[i], strlen(plain[i])), 0);
		assert_string_equal(fl_buf_cstr(&b), enc[i]);
		fl_buf_reset(&b);
		assert_int_equal(fl_base64_decode(&b, enc[i], strlen(enc[i])), 0);
		assert_int_equal(b.len, strlen(plain[i]));
		if (b.len)
			assert_memory_equal(b.data, plain[i], b.len);
	}
	/* Both append to what the buffer holds. */
	fl_buf_reset(&b);
	assert_int_equal(fl_buf_puts(&b, "x="), 0);
	assert_int_equal(fl_base64_encode(&b, "foo", 3), 0);
	assert_int_equal(fl_base64_decode(&b, "Zm9vYmFy", 8), 0);
	assert_string_equal(fl_buf_cstr(&b), "x=Zm9vfoobar");
	/* The whole alphabet, and every byte value, round trip. */
	{
		unsigned char all[256];
		fl_buf d = FL_BUF_INIT;
		for (int i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		for (size_t n = 0; n <= 256; n += (n < 70 ? 1 : 31)) {
			fl_buf_reset(&b);
			fl_buf_reset(&d);
			assert_int_equal(fl_base64_encode(&b, all + (256 - n) / 2, n), 0);
			assert_int_equal(b.len, 4 * ((n + 2) / 3));
			assert_int_equal(fl_base64_decode(&d, (const char *)b.data, b.len), 0);
			assert_int_equal(d.len, n);
			if (n)
				assert_memory_equal(d.data, all + (256 - n) / 2, n);
		}
		fl_buf_reset(&b);
		assert_int_equal(
		    fl_base64_decode(
			&b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 64),
		    0);
		assert_int_equal(b.len, 48);
		fl_buf_free(&d);
	}
	fl_buf_free(&b);
}

static void test_base64_strict(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    /* characters outside the standard alphabet */
	    {"Zm9-", 4},
	    {"Zm9_", 4},
	    {"Zm9!", 4},
	    {"Zm.v", 4},
	    {"Zm9vYg=\xff", 8},
	    {"Zm\0v", 4},
	    /* whitespace anywhere */
	    {"Zm9 ", 4},
	    {" Zm9", 4},
	    {"Zm\n9", 4},
	    {"Zm9v\n", 5},
	    {"Zm9v\r\n", 6},
	    {"Zm9v Zg==", 9},
	    {"Zm9v\tZm9v", 9},
	    {"Zg==\n", 5},
	    /* lengths and padding */
	    {"Z", 1},
	    {"Zg", 2},
	    {"Zg=", 3},
	    {"Zm9", 3},
	    {"Zm9vY", 5},
	    {"Zm9v=", 5},
	    {"====", 4},
	    {"Z===", 4},
	    {"Zg=A", 4},
	    {"Z=g=", 4},
	    {"Zm=v", 4},
	    {"=Zm9", 4},
	    {"Zg==Zg==", 8},
	    {"Zm8=Zm9v", 8},
	    {"Zg===", 5},
	    {"Zm9vYg=", 7},
	    /* stray bits before the padding (non-canonical) */
	    {"Zh==", 4},
	    {"Zv==", 4},
	    {"Zm9=", 4},
	    {"Zm+=", 4},
	    {"Zm9vYh==", 8},
	    {"Zm9vYmF=", 8},
	};
	fl_buf b = FL_BUF_INIT;
	(void)state;

	assert_int_equal(fl_buf_puts(&b, "kept"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fl_base64_decode(&b, bad[i].s, bad[i].n) != FL_EINVALID)
			fail_msg("decoded bad input %zu", i);
		/* A failed decode leaves the buffer as it was. */
		assert_int_equal(b.len, 4);
		assert_string_equal(fl_buf_cstr(&b), "kept");
	}
	/* The canonical neighbours of the non-canonical ones decode. */
	assert_int_equal(fl_base64_decode(&b, "Zg==", 4), 0);
	assert_int_equal(fl_base64_decode(&b, "Zm8=", 4), 0);
	assert_string_equal(fl_buf_cstr(&b), "keptffo");
	fl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032_verify),
	    cmocka_unit_test(test_rfc8032_malleability),
	    cmocka_unit_test(test_signer_generate_sign),
	    cmocka_unit_test(test_import_rfc8032_keys),
	    cmocka_unit_test(test_import_go_note_key),
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_save_refuses),
	    cmocka_unit_test(test_load_refuses),
	    cmocka_unit_test(test_load_refuses_fifo),
	    cmocka_unit_test(test_passphrase_is_length_delimited),
	    cmocka_unit_test(test_base64_rfc4648),
	    cmocka_unit_test(test_base64_strict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
