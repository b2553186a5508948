/*
 * test_note.c: unit tests for note.h (C2SP signed notes, verifier keys, checkpoints,
 * tlog-cosignature/v1, c2sp.org/tlog-proof@v1 files and fundledger's consistency proof file).
 *
 * Known answers live in tests/vectors/note/ (sources in the README there): the verifier keys
 * and signed notes of golang.org/x/mod/sumdb/note's tests, the worked example of the C2SP
 * signed-note spec, a sum.golang.org checkpoint, a checkpoint of the arche2025h1 staging CT log
 * with a real Ed25519 cosignature (type 0x04) from the witness remora.n621.de, and the examples
 * of the C2SP tlog-checkpoint, tlog-cosignature and tlog-proof specs (whose keys are not
 * published, so those are checked for form only). Everything else is signed here with
 * generated keys and checked both ways, including against messages built by hand from the
 * specs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/buf.h"
#include "fundledger/crypto.h"
#include "fundledger/error.h"
#include "fundledger/merkle.h"
#include "fundledger/note.h"

#define VEC "tests/vectors/note/"
#define DASH "\xe2\x80\x94 " /* U+2014 EM DASH and a space */

/* ---- helpers ---- */

static char *slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), VEC "%s", name);
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot open %s (run from the source root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The vkey string labelled `label` in vkeys.txt. */
static void vkey_string(char *out, size_t cap, const char *label)
{
	size_t len;
	char *all = slurp("vkeys.txt", &len), *save = NULL;
	size_t ll = strlen(label);
	for (char *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || strncmp(line, label, ll) != 0 || line[ll] != ' ')
			continue;
		assert_true(strlen(line + ll + 1) < cap);
		strcpy(out, line + ll + 1);
		free(all);
		return;
	}
	free(all);
	fail_msg("no vkey labelled %s", label);
}

static void load_vkey(fl_vkey *k, const char *label)
{
	char s[256];
	vkey_string(s, sizeof(s), label);
	if (fl_vkey_parse(k, s, strlen(s)) != 0)
		fail_msg("vkey %s: %s", label, fl_error_last());
}

static int verify_str(fl_note_result *r, const char *note, const fl_vkey *keys, size_t n)
{
	return fl_note_verify(r, note, strlen(note), keys, n);
}

static void b64(fl_buf *out, const void *p, size_t n)
{
	assert_int_equal(fl_base64_encode(out, p, n), 0);
}

static void unb64(fl_buf *out, const char *s, size_t n)
{
	fl_buf_reset(out);
	assert_int_equal(fl_base64_decode(out, s, n), 0);
}

static const char GO_TEXT[] = "If you think cryptography is the answer to your problem,\n"
			      "then you don't know what your problem is.\n";
static const char PETER_SIG[] =
    DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
	 "otpRZb6KE6RyyBwJnAM=\n";
static const char ENOCH_SIG[] =
    DASH "EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWL"
	 "ox33WWd1RvMc+QQ=\n";

/* text + "\n" + sigs, into a fresh heap string. */
static char *note_of(const char *text, const char *sigs)
{
	size_t a = strlen(text), b = strlen(sigs);
	char *s = malloc(a + b + 2);
	assert_non_null(s);
	memcpy(s, text, a);
	s[a] = '\n';
	memcpy(s + a + 1, sigs, b + 1);
	return s;
}

/* Replaces the first occurrence of `from` in s (same length) with `to`. */
static char *replaced(const char *s, const char *from, const char *to)
{
	char *c = strdup(s), *p;
	assert_non_null(c);
	assert_int_equal(strlen(from), strlen(to));
	p = strstr(c, from);
	assert_non_null(p);
	memcpy(p, to, strlen(to));
	return c;
}

/* ---- verifier keys ---- */

static void test_vkey_known_answers(void **state)
{
	static const struct {
		const char *label, *name;
		unsigned char type;
		uint32_t id;
		const char *pub_hex; /* empty: not checked */
	} keys[] = {
	    {"peter", "PeterNeumann", 1, 0xc74f20a3u, ""},
	    {"enoch", "EnochRoot", 1, 0xaf0cfe78u, ""},
	    {"foo", "example.com/foo", 1, 0x530d903au,
	     "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"},
	    {"sumdb", "sum.golang.org", 1, 0x033de0aeu, ""},
	    {"arche", "arche2025h1.staging.ct.transparency.dev", 1, 0xba2f06c0u, ""},
	    {"remora", "remora.n621.de", FL_SIGTYPE_COSIGNATURE, 0xda77ade7u, ""},
	    {"plus", "TEST", 1, 0x7997405cu, ""},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char s[256];
		fl_vkey k, made;
		fl_buf b = FL_BUF_INIT;
		vkey_string(s, sizeof(s), keys[i].label);
		assert_int_equal(fl_vkey_parse(&k, s, strlen(s)), 0);
		assert_string_equal(k.name, keys[i].name);
		assert_int_equal(k.type, keys[i].type);
		assert_int_equal(k.id, keys[i].id);
		if (keys[i].pub_hex[0]) {
			unsigned char pub[FL_ED25519_PUB_LEN];
			assert_int_equal(fl_hex_decode(pub, sizeof(pub), keys[i].pub_hex, 64), 0);
			assert_memory_equal(k.pub, pub, sizeof(pub));
		}
		/* Formatting writes the same string back. */
		assert_int_equal(fl_vkey_format(&b, &k), 0);
		assert_string_equal(fl_buf_cstr(&b), s);
		/* Making the key from its parts computes the same ID. */
		assert_int_equal(fl_vkey_make(&made, k.name, k.type, k.pub), 0);
		assert_int_equal(made.id, keys[i].id);
		fl_buf_free(&b);
	}
}

/* The key ID is SHA-256(name || "\n" || type || key)[:4], big-endian (signed-note). */
static void test_key_id_definition(void **state)
{
	fl_vkey k, k4;
	unsigned char buf[64], h[FL_HASH_LEN];
	size_t n;
	(void)state;

	load_vkey(&k, "peter");
	for (int type = 1; type <= 4; type += 3) {
		n = 0;
		memcpy(buf, "PeterNeumann\n", 13);
		n = 13;
		buf[n++] = (unsigned char)type;
		memcpy(buf + n, k.pub, FL_ED25519_PUB_LEN);
		n += FL_ED25519_PUB_LEN;
		assert_int_equal(fl_sha256(h, buf, n), 0);
		assert_int_equal(fl_vkey_make(&k4, "PeterNeumann", (unsigned char)type, k.pub), 0);
		assert_int_equal(k4.id, (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
					    (uint32_t)h[2] << 8 | h[3]);
	}
	assert_int_equal(k4.type, FL_SIGTYPE_COSIGNATURE);
	assert_int_not_equal(k4.id, k.id);
	/* Only types 0x01 and 0x04 are supported. */
	assert_int_equal(fl_vkey_make(&k4, "PeterNeumann", 0x02, k.pub), FL_EINVALID);
	assert_int_equal(fl_vkey_make(&k4, "PeterNeumann", 0x05, k.pub), FL_EINVALID);
	assert_int_equal(fl_vkey_make(&k4, "PeterNeumann", 0xff, k.pub), FL_EINVALID);
	assert_int_equal(fl_vkey_make(&k4, "PeterNeumann", 0x00, k.pub), FL_EINVALID);
}

static int vkey_fails(const char *s, size_t n)
{
	fl_vkey k;
	return fl_vkey_parse(&k, s, n) == FL_EINVALID;
}

static void test_vkey_rejects(void **state)
{
	char s[256], b[256];
	size_t n;
	(void)state;

	vkey_string(s, sizeof(s), "peter");
	n = strlen(s);
	/* As golang.org/x/mod/sumdb/note TestNewVerifier: every proper substring, and every
	 * single byte incremented, is refused. */
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i + 1; j <= n; j++) {
			if (i == 0 && j == n)
				continue;
			memcpy(b, s + i, j - i);
			if (!vkey_fails(b, j - i))
				fail_msg("accepted substring [%zu, %zu) of %s", i, j, s);
		}
	for (size_t i = 0; i < n; i++) {
		strcpy(b, s);
		b[i]++;
		if (!vkey_fails(b, n))
			fail_msg("accepted %s", b);
	}
	/* Wrong key length and unknown algorithm, each with a matching key hash (Go tests). */
#define REJECT(str) assert_true(vkey_fails((str), strlen(str)))
	REJECT("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
	REJECT("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	/* transparency-dev/formats note tests: wrong number of parts, bad base64, bad
	 * algorithm, a key hash that is not hex, a key hash that does not match. */
	REJECT("bananas.sigstore.dev+12344556");
	REJECT("rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!");
	REJECT("rekor.sigstore.dev+12345678+AwEB");
	REJECT("rekor.sigstore.dev+NOT_A_NUMBER+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	REJECT("PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	/* Names the spec forbids, a short ID, a missing key, stray whitespace. */
	REJECT("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	REJECT("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	REJECT("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	REJECT("PeterNeumann+c74f20a3+");
	REJECT("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n");
	REJECT("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ");
	REJECT("");
#undef REJECT
}

static void test_key_names(void **state)
{
	static const char *good[] = {"PeterNeumann",
				     "example.com/log",
				     "a",
				     "oid/1.3.6.1.4.1",
				     "\u00fcn\u00efc\u00f6d\u00e9",
				     "transparency.dev/DEV:w-1"};
	static const char *bad[] = {
	    /* empty; ASCII space and '+' */
	    "",
	    "a b",
	    "a+b",
	    "+",
	    " a",
	    "a ",
	    /* Unicode spaces: U+00A0, U+3000, U+2009, U+2028, U+1680, U+205F, U+202F, U+0085 */
	    "a\u00a0b",
	    "a\u3000b",
	    "a\u2009b",
	    "a\u2028b",
	    "a\u1680b",
	    "a\u205fb",
	    "a\u202fb",
	    "a\xc2\x85"
	    "b",
	    /* control characters */
	    "a\tb",
	    "a\nb",
	    "a\rb",
	    "a\x01"
	    "b",
	    /* invalid UTF-8: a stray byte, a truncated sequence, an overlong '/' */
	    "\xff",
	    "a\xc3",
	    "\xc0\xaf",
	};
	char longname[FL_KEY_NAME_MAX + 2];
	fl_signer *s = NULL;
	fl_buf out = FL_BUF_INIT;
	fl_vkey k;
	unsigned char pub[FL_ED25519_PUB_LEN];
	(void)state;

	assert_int_equal(fl_signer_generate(&s), 0);
	fl_signer_public(s, pub);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (fl_key_name_check(good[i]) != 0)
			fail_msg("refused key name \"%s\": %s", good[i], fl_error_last());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fl_key_name_check(bad[i]) != FL_EINVALID)
			fail_msg("accepted key name %zu", i);
		/* Nor can such a name make a key or sign. */
		assert_int_equal(fl_vkey_make(&k, bad[i], 1, pub), FL_EINVALID);
		assert_int_equal(fl_note_sign(&out, "t\n", 2, bad[i], s), FL_EINVALID);
		assert_int_equal(fl_note_cosign(&out, "t\n", 2, bad[i], s, 1), FL_EINVALID);
		assert_int_equal(out.len, 0);
	}
	memset(longname, 'n', sizeof(longname));
	longname[FL_KEY_NAME_MAX] = 0;
	assert_int_equal(fl_key_name_check(longname), 0);
	assert_int_equal(fl_vkey_make(&k, longname, 1, pub), 0);
	assert_string_equal(k.name, longname);
	longname[FL_KEY_NAME_MAX] = 'n';
	longname[FL_KEY_NAME_MAX + 1] = 0;
	assert_int_equal(fl_key_name_check(longname), FL_EINVALID);
	fl_signer_free(s);
	fl_buf_free(&out);
}

/* ---- verifying known notes ---- */

static void test_go_notes(void **state)
{
	fl_vkey keys[2], only_enoch;
	fl_note_result r;
	size_t len;
	char *peter = slurp("go-peter.note", &len), *both;
	(void)state;

	load_vkey(&keys[0], "peter");
	load_vkey(&keys[1], "enoch");
	only_enoch = keys[1];

	assert_int_equal(fl_note_verify(&r, peter, len, keys, 1), 0);
	assert_int_equal(r.text_len, strlen(GO_TEXT));
	assert_memory_equal(peter, GO_TEXT, r.text_len);
	assert_int_equal(r.n_sigs, 1);
	assert_int_equal(r.n_verified, 1);
	assert_ptr_equal(r.verified[0], &keys[0]);
	assert_int_equal(r.timestamp[0], 0);
	/* The same, spelled out here. */
	both = note_of(GO_TEXT, PETER_SIG);
	assert_string_equal(both, peter);
	free(both);

	/* Signed by Enoch as well: with both keys both verify, in line order. */
	both = slurp("go-peter-enoch.note", &len);
	assert_int_equal(fl_note_verify(&r, both, len, keys, 2), 0);
	assert_int_equal(r.n_sigs, 2);
	assert_int_equal(r.n_verified, 2);
	assert_ptr_equal(r.verified[0], &keys[0]);
	assert_ptr_equal(r.verified[1], &keys[1]);
	/* Knowing only one key is enough; the other signature is ignored. */
	assert_int_equal(fl_note_verify(&r, both, len, keys, 1), 0);
	assert_int_equal(r.n_sigs, 2);
	assert_int_equal(r.n_verified, 1);
	assert_int_equal(fl_note_verify(&r, both, len, &only_enoch, 1), 0);
	assert_int_equal(r.n_verified, 1);
	assert_ptr_equal(r.verified[0], &only_enoch);

	/* No known key at all. */
	assert_int_equal(fl_note_verify(&r, both, len, NULL, 0), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	assert_int_equal(fl_note_verify(&r, peter, strlen(peter), &only_enoch, 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	free(peter);
	free(both);
}

static void test_go_tampering(void **state)
{
	fl_vkey keys[2];
	fl_note_result r;
	char *note, *bad, sig[256];
	(void)state;

	load_vkey(&keys[0], "peter");
	load_vkey(&keys[1], "enoch");
	note = note_of(GO_TEXT, PETER_SIG);

	/* Any changed character of the text fails Peter's signature. */
	for (size_t i = 0; i < strlen(GO_TEXT) - 1; i++) {
		bad = strdup(note);
		assert_non_null(bad);
		bad[i] = bad[i] == 'x' ? 'y' : 'x';
		if (verify_str(&r, bad, keys, 1) != FL_EVERIFY)
			fail_msg("accepted text changed at %zu", i);
		assert_string_equal(fl_error_last(),
				    "note: signature by PeterNeumann does not verify");
		free(bad);
	}
	/* A different signature under Peter's name and key ID. */
	bad = replaced(note, "ZJkuBS9UG", "ZJkuBS9UH");
	assert_int_equal(verify_str(&r, bad, keys, 1), FL_EVERIFY);
	free(bad);
	/* Go's "invalid signature": four characters inserted (a 71-byte signature). */
	strcpy(sig, PETER_SIG);
	memmove(sig + 64, sig + 60, strlen(sig + 60) + 1);
	memcpy(sig + 60, "ABCD", 4);
	bad = note_of(GO_TEXT, sig);
	assert_int_equal(verify_str(&r, bad, keys, 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: signature by PeterNeumann does not verify");
	free(bad);
	/* A failing known signature rejects the note even beside a good one, either order. */
	bad = replaced(note, "ZJkuBS9UG", "ZJkuBS9UH");
	{
		char *two = malloc(strlen(note) + strlen(PETER_SIG) + 1);
		char *bsig = strstr(bad, DASH);
		assert_non_null(two);
		sprintf(two, "%s%s", note, bsig);
		assert_int_equal(verify_str(&r, two, keys, 1), FL_EVERIFY);
		free(two);
		two = malloc(strlen(bad) + strlen(PETER_SIG) + 1);
		assert_non_null(two);
		sprintf(two, "%s%s", bad, PETER_SIG);
		assert_int_equal(verify_str(&r, two, keys, 1), FL_EVERIFY);
		free(two);
	}
	free(bad);
	/* Same key ID under another name, same name with another key ID: unknown, ignored. */
	bad = replaced(note, "PeterNeumann", "CarmenSandie");
	assert_int_equal(verify_str(&r, bad, keys, 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	free(bad);
	bad = replaced(note, "x08g", "xxxx");
	assert_int_equal(verify_str(&r, bad, keys, 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	/* ... and beside a good known signature they change nothing. */
	{
		char *two = malloc(strlen(note) + strlen(bad) + 1);
		assert_non_null(two);
		sprintf(two, "%s%s", note, strstr(bad, DASH));
		assert_int_equal(verify_str(&r, two, keys, 1), 0);
		assert_int_equal(r.n_sigs, 2);
		assert_int_equal(r.n_verified, 1);
		free(two);
	}
	free(bad);
	/* Go: duplicated known and unknown signatures, one of them malformed, with Peter known. */
	{
		char enoch_abcd[256], sigs[1024];
		strcpy(enoch_abcd, ENOCH_SIG);
		memmove(enoch_abcd + 64, enoch_abcd + 60, strlen(enoch_abcd + 60) + 1);
		memcpy(enoch_abcd + 60, "ABCD", 4);
		snprintf(sigs, sizeof(sigs), "%s%s%s%s%s", PETER_SIG, PETER_SIG, ENOCH_SIG,
			 ENOCH_SIG, enoch_abcd);
		bad = note_of(GO_TEXT, sigs);
		assert_int_equal(verify_str(&r, bad, keys, 1), 0);
		assert_int_equal(r.n_sigs, 5);
		assert_int_equal(r.n_verified, 1); /* Peter's line twice: one key */
		/* With Enoch known too, his malformed signature rejects the note. */
		assert_int_equal(verify_str(&r, bad, keys, 2), FL_EVERIFY);
		free(bad);
	}
	free(note);
}

static void test_malformed_notes(void **state)
{
	fl_vkey k;
	fl_note_result r;
	char *bad;
	(void)state;

	load_vkey(&k, "peter");
#define BAD_NOTE(s)                                                                                \
	do {                                                                                       \
		const char *s_ = (s);                                                              \
		if (fl_note_verify(&r, s_, strlen(s_), &k, 1) != FL_EINVALID)                      \
			fail_msg("line %d: accepted a malformed note", __LINE__);                  \
	} while (0)

	/* golang.org/x/mod/sumdb/note TestOpen "invalid encoded message syntax". */
	BAD_NOTE(GO_TEXT);
	bad = note_of(GO_TEXT, "");
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT, PETER_SIG);
	bad[strlen(bad) - 1] = 0; /* no final newline */
	BAD_NOTE(bad);
	free(bad);
	{
		char *n2 = note_of(GO_TEXT, PETER_SIG), *b2 = malloc(strlen(n2) + 2);
		assert_non_null(b2);
		sprintf(b2, "\x01%s", n2);
		BAD_NOTE(b2);
		b2[0] = '\xff';
		BAD_NOTE(b2);
		free(b2);
		free(n2);
	}
	bad =
	    note_of(GO_TEXT, DASH "Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
				  "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
	BAD_NOTE(bad);
	free(bad);
	{
		char sigs[512];
		snprintf(sigs, sizeof(sigs), "%sUnexpected line.\n", PETER_SIG);
		bad = note_of(GO_TEXT, sigs);
		BAD_NOTE(bad);
		free(bad);
	}
	/* Control characters anywhere (tab, CR, NUL, ESC), in the text or the signatures. */
	bad = note_of("If you\tthink\n", PETER_SIG);
	BAD_NOTE(bad);
	free(bad);
	bad = note_of("line\r\n", PETER_SIG);
	BAD_NOTE(bad);
	free(bad);
	bad = note_of("esc\x1b[0m\n", PETER_SIG);
	BAD_NOTE(bad);
	free(bad);
	{
		char *n2 = note_of(GO_TEXT, PETER_SIG);
		size_t l2 = strlen(n2);
		n2[3] = 0; /* a NUL in the text */
		assert_int_equal(fl_note_verify(&r, n2, l2, &k, 1), FL_EINVALID);
		free(n2);
	}
	/* Empty, no blank line, empty text, an empty signature block. */
	BAD_NOTE("");
	BAD_NOTE("\n");
	BAD_NOTE("\n\n");
	BAD_NOTE("text\n" DASH "PeterNeumann x08g\n");
	/* Signature lines not of the form "— NAME BASE64". */
	bad = note_of(GO_TEXT,
		      "-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFY"
		      "C2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
	BAD_NOTE(bad);
	free(bad);
	bad =
	    note_of(GO_TEXT, "\xe2\x80\x93 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
			     "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"); /* en dash */
	BAD_NOTE(bad);
	free(bad);
	bad =
	    note_of(GO_TEXT, "\xe2\x80\x94PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
			     "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"); /* no space */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT,
		      DASH " x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
			   "KvqfqdngotpRZb6KE6RyyBwJnAM=\n"); /* empty name */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT, DASH "PeterNeumann\n");
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT, DASH "PeterNeumann \n");
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT,
		      DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
			   "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n"); /* trailing space */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT,
		      DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
			   "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n"); /* unpadded */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT,
		      DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
			   "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n"); /* non-canonical */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT, DASH "PeterNeumann x08g\n"); /* 3 bytes: shorter than a key ID */
	BAD_NOTE(bad);
	free(bad);
	bad = note_of(GO_TEXT,
		      DASH "Peter\xc2\xa0Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZIn"
			   "NIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"); /* U+00A0 */
	BAD_NOTE(bad);
	free(bad);
	/* Larger than FL_NOTE_MAX_LEN. */
	{
		size_t n = FL_NOTE_MAX_LEN + 1;
		char *big = malloc(n + 1);
		assert_non_null(big);
		memset(big, 'a', n);
		memcpy(big + n - strlen(PETER_SIG) - 2, "\n\n", 2);
		memcpy(big + n - strlen(PETER_SIG), PETER_SIG, strlen(PETER_SIG));
		big[n] = 0;
		BAD_NOTE(big);
		free(big);
	}
#undef BAD_NOTE
}

/* A well-formed signature line for `name` that no key in these tests knows. */
static void stranger_line(fl_buf *out, const char *name, unsigned char seed)
{
	unsigned char raw[68];
	memset(raw, seed, sizeof(raw));
	assert_int_equal(fl_buf_puts(out, DASH), 0);
	assert_int_equal(fl_buf_puts(out, name), 0);
	assert_int_equal(fl_buf_putc(out, ' '), 0);
	b64(out, raw, sizeof(raw));
	assert_int_equal(fl_buf_putc(out, '\n'), 0);
}

static void test_signature_counts(void **state)
{
	fl_signer *s[16];
	fl_vkey keys[16];
	fl_note_result r;
	fl_buf note = FL_BUF_INIT;
	const char *text = "example.com/count\n16\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	fl_vkey peter;
	(void)state;

	/* Sixteen signatures (the spec's minimum to accept), all by known keys. */
	assert_int_equal(fl_buf_puts(&note, text), 0);
	assert_int_equal(fl_buf_putc(&note, '\n'), 0);
	for (int i = 0; i < 16; i++) {
		char name[32];
		unsigned char pub[FL_ED25519_PUB_LEN];
		snprintf(name, sizeof(name), "witness-%02d.example", i);
		assert_int_equal(fl_signer_generate(&s[i]), 0);
		fl_signer_public(s[i], pub);
		assert_int_equal(fl_vkey_make(&keys[i], name, FL_SIGTYPE_ED25519, pub), 0);
		assert_int_equal(fl_note_sign(&note, text, strlen(text), name, s[i]), 0);
	}
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, keys, 16), 0);
	assert_int_equal(r.n_sigs, 16);
	assert_int_equal(r.n_verified, 16);
	for (int i = 0; i < 16; i++)
		assert_ptr_equal(r.verified[i], &keys[i]);
	/* Knowing just the last one is enough. */
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &keys[15], 1), 0);
	assert_int_equal(r.n_sigs, 16);
	assert_int_equal(r.n_verified, 1);
	/* With one unknown stranger added (17 lines) nothing changes. */
	stranger_line(&note, "stranger.example", 7);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, keys, 16), 0);
	assert_int_equal(r.n_sigs, 17);
	assert_int_equal(r.n_verified, 16);
	/* Only strangers: rejected as having no known signature. */
	fl_buf_reset(&note);
	assert_int_equal(fl_buf_puts(&note, text), 0);
	assert_int_equal(fl_buf_putc(&note, '\n'), 0);
	stranger_line(&note, "stranger.example", 1);
	stranger_line(&note, "other.example", 2);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, keys, 16),
			 FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	assert_int_equal(r.n_sigs, 2);
	assert_int_equal(r.n_verified, 0);

	/* FL_NOTE_MAX_SIGS lines are accepted, one more is malformed (known or not). */
	load_vkey(&peter, "peter");
	fl_buf_reset(&note);
	assert_int_equal(fl_buf_puts(&note, GO_TEXT), 0);
	assert_int_equal(fl_buf_putc(&note, '\n'), 0);
	for (int i = 0; i < FL_NOTE_MAX_SIGS; i++)
		assert_int_equal(fl_buf_puts(&note, PETER_SIG), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &peter, 1), 0);
	assert_int_equal(r.n_sigs, FL_NOTE_MAX_SIGS);
	/* Every line is verified; a key counts once however often it repeats. */
	assert_int_equal(r.n_verified, 1);
	assert_int_equal(fl_buf_puts(&note, PETER_SIG), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &peter, 1),
			 FL_EINVALID);
	{
		char want[64];
		snprintf(want, sizeof(want), "note: more than %d signatures", FL_NOTE_MAX_SIGS);
		assert_string_equal(fl_error_last(), want);
	}
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, NULL, 0),
			 FL_EINVALID);
	for (int i = 0; i < 16; i++)
		fl_signer_free(s[i]);
	fl_buf_free(&note);
}

/* ---- signing ---- */

static void test_sign_round_trip(void **state)
{
	fl_signer *s = NULL, *other = NULL;
	fl_vkey k, wrong;
	fl_note_result r;
	fl_buf line = FL_BUF_INIT, again = FL_BUF_INIT, note = FL_BUF_INIT, raw = FL_BUF_INIT;
	unsigned char pub[FL_ED25519_PUB_LEN];
	const char *text =
	    "fundledger.example/ledger\n3\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n";
	const char *name = "fundledger.example/ledger";
	const char *sp;
	(void)state;

	assert_int_equal(fl_signer_generate(&s), 0);
	assert_int_equal(fl_signer_generate(&other), 0);
	fl_signer_public(s, pub);
	assert_int_equal(fl_vkey_make(&k, name, FL_SIGTYPE_ED25519, pub), 0);

	assert_int_equal(fl_note_sign(&line, text, strlen(text), name, s), 0);
	/* "— NAME BASE64(id || 64-byte signature)\n" */
	assert_memory_equal(line.data, DASH, 4);
	assert_memory_equal(line.data + 4, name, strlen(name));
	assert_int_equal(line.data[4 + strlen(name)], ' ');
	assert_int_equal(line.data[line.len - 1], '\n');
	sp = (const char *)line.data + 4 + strlen(name) + 1;
	unb64(&raw, sp, line.len - 4 - strlen(name) - 2);
	assert_int_equal(raw.len, 4 + FL_ED25519_SIG_LEN);
	assert_int_equal((uint32_t)raw.data[0] << 24 | (uint32_t)raw.data[1] << 16 |
			     (uint32_t)raw.data[2] << 8 | raw.data[3],
			 k.id);
	/* The signature is plain Ed25519 over the text, final newline included. */
	assert_int_equal(fl_ed25519_verify(pub, raw.data + 4, text, strlen(text)), 0);
	/* Deterministic. */
	assert_int_equal(fl_note_sign(&again, text, strlen(text), name, s), 0);
	assert_int_equal(again.len, line.len);
	assert_memory_equal(again.data, line.data, line.len);

	assert_int_equal(fl_buf_puts(&note, text), 0);
	assert_int_equal(fl_buf_putc(&note, '\n'), 0);
	assert_int_equal(fl_buf_put(&note, line.data, line.len), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &k, 1), 0);
	assert_int_equal(r.text_len, strlen(text));
	assert_int_equal(r.n_verified, 1);
	/* Another key under the same name has another key ID: the line is not its. */
	fl_signer_public(other, pub);
	assert_int_equal(fl_vkey_make(&wrong, name, FL_SIGTYPE_ED25519, pub), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &wrong, 1),
			 FL_EVERIFY);
	/* The same public key as a cosigner key (type 0x04) does not match a plain signature. */
	fl_signer_public(s, pub);
	assert_int_equal(fl_vkey_make(&wrong, name, FL_SIGTYPE_COSIGNATURE, pub), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &wrong, 1),
			 FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");

	/* Signing refuses text without its final newline, and appends nothing then. */
	fl_buf_reset(&line);
	assert_int_equal(fl_note_sign(&line, "abc", 3, name, s), FL_EINVALID);
	assert_int_equal(fl_note_sign(&line, "", 0, name, s), FL_EINVALID);
	assert_int_equal(fl_note_cosign(&line, "abc", 3, name, s, 5), FL_EINVALID);
	assert_int_equal(line.len, 0);

	fl_signer_free(s);
	fl_signer_free(other);
	fl_buf_free(&line);
	fl_buf_free(&again);
	fl_buf_free(&note);
	fl_buf_free(&raw);
}

/* ---- cosignatures ---- */

static void cosig_message(fl_buf *m, const char *text, const char *t)
{
	fl_buf_reset(m);
	assert_int_equal(fl_buf_puts(m, "cosignature/v1\ntime "), 0);
	assert_int_equal(fl_buf_puts(m, t), 0);
	assert_int_equal(fl_buf_putc(m, '\n'), 0);
	assert_int_equal(fl_buf_puts(m, text), 0);
}

static void test_cosignature(void **state)
{
	static const uint64_t T = 1679315147; /* the time in the tlog-cosignature example */
	fl_signer *log = NULL, *w = NULL;
	fl_vkey keys[2], plain;
	fl_note_result r;
	fl_buf line = FL_BUF_INIT, note = FL_BUF_INIT, raw = FL_BUF_INIT, m = FL_BUF_INIT;
	unsigned char pub[FL_ED25519_PUB_LEN], sig[FL_ED25519_SIG_LEN];
	const char *text = "example.com/behind-the-sofa\n20852163\n"
			   "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension line\n";
	size_t b64_at;
	(void)state;

	assert_int_equal(fl_signer_generate(&log), 0);
	assert_int_equal(fl_signer_generate(&w), 0);
	fl_signer_public(log, pub);
	assert_int_equal(fl_vkey_make(&keys[0], "example.com/behind-the-sofa", 1, pub), 0);
	fl_signer_public(w, pub);
	assert_int_equal(
	    fl_vkey_make(&keys[1], "witness.example.com/w1", FL_SIGTYPE_COSIGNATURE, pub), 0);

	assert_int_equal(fl_note_cosign(&line, text, strlen(text), "witness.example.com/w1", w, T),
			 0);
	b64_at = 4 + strlen("witness.example.com/w1") + 1;
	unb64(&raw, (const char *)line.data + b64_at, line.len - b64_at - 1);
	/* key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64) */
	assert_int_equal(raw.len, 4 + 8 + 64);
	assert_int_equal((uint32_t)raw.data[0] << 24 | (uint32_t)raw.data[1] << 16 |
			     (uint32_t)raw.data[2] << 8 | raw.data[3],
			 keys[1].id);
	{
		static const unsigned char t_be[8] = {0, 0, 0, 0, 0x64, 0x18, 0x50, 0xcb};
		assert_memory_equal(raw.data + 4, t_be, 8);
	}
	/* The signed message, built here from the spec: header line, time line, whole text. */
	cosig_message(&m, text, "1679315147");
	assert_int_equal(fl_ed25519_verify(pub, raw.data + 12, m.data, m.len), 0);

	/* Log signature + cosignature: both verify, the time is reported for the cosignature. */
	assert_int_equal(fl_buf_puts(&note, text), 0);
	assert_int_equal(fl_buf_putc(&note, '\n'), 0);
	assert_int_equal(
	    fl_note_sign(&note, text, strlen(text), "example.com/behind-the-sofa", log), 0);
	assert_int_equal(fl_buf_put(&note, line.data, line.len), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, keys, 2), 0);
	assert_int_equal(r.n_sigs, 2);
	assert_int_equal(r.n_verified, 2);
	assert_ptr_equal(r.verified[1], &keys[1]);
	assert_int_equal(r.timestamp[0], 0);
	assert_int_equal(r.timestamp[1], T);
	/* The cosigner alone suffices. */
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &keys[1], 1), 0);
	assert_int_equal(r.timestamp[0], T);
	/* The witness's key as a plain (0x01) key does not open a cosignature. */
	assert_int_equal(fl_vkey_make(&plain, "witness.example.com/w1", 1, pub), 0);
	assert_int_equal(fl_note_verify(&r, (const char *)note.data, note.len, &plain, 1),
			 FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");

	/* Tampering: another time in the same signature, the extension line, the signature. */
	{
		fl_buf t2 = FL_BUF_INIT;
		unsigned char mod[76];
		memcpy(mod, raw.data, 76);
		mod[11] ^= 1; /* time + 1 */
		assert_int_equal(fl_buf_puts(&t2, text), 0);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_buf_puts(&t2, DASH "witness.example.com/w1 "), 0);
		b64(&t2, mod, 76);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1),
				 FL_EVERIFY);
		assert_string_equal(fl_error_last(),
				    "note: cosignature by witness.example.com/w1 does not verify");
		mod[11] ^= 1;
		mod[40] ^= 0x20;
		fl_buf_reset(&t2);
		assert_int_equal(fl_buf_puts(&t2, text), 0);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_buf_puts(&t2, DASH "witness.example.com/w1 "), 0);
		b64(&t2, mod, 76);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1),
				 FL_EVERIFY);
		/* The cosignature covers extension lines. */
		fl_buf_reset(&t2);
		assert_int_equal(fl_buf_put(&t2, note.data, note.len), 0);
		t2.data[strlen(text) - 2] = '@';
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1),
				 FL_EVERIFY);
		/* A plain-length signature under the cosigner's name and ID. */
		fl_buf_reset(&t2);
		assert_int_equal(fl_buf_puts(&t2, text), 0);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_buf_puts(&t2, DASH "witness.example.com/w1 "), 0);
		memcpy(mod, raw.data, 4);
		memcpy(mod + 4, raw.data + 12, 64);
		b64(&t2, mod, 68);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1),
				 FL_EVERIFY);
		fl_buf_free(&t2);
	}

	/* Times: 0 and 2^63 - 1 can be signed; above 2^63 - 1 cannot, nor is it accepted. */
	fl_buf_reset(&line);
	assert_int_equal(fl_note_cosign(&line, text, strlen(text), "w", w, 0), 0);
	assert_int_equal(fl_note_cosign(&line, text, strlen(text), "w", w, INT64_MAX), 0);
	fl_buf_reset(&line);
	assert_int_equal(fl_note_cosign(&line, text, strlen(text), "w", w, (uint64_t)INT64_MAX + 1),
			 FL_EINVALID);
	assert_int_equal(line.len, 0);
	{
		/* A correctly signed cosignature claiming time 2^63, built by hand. */
		unsigned char body[76];
		fl_buf t2 = FL_BUF_INIT;
		cosig_message(&m, text, "9223372036854775808");
		assert_int_equal(fl_signer_sign(w, sig, m.data, m.len), 0);
		memcpy(body, raw.data, 4);
		memset(body + 4, 0, 8);
		body[4] = 0x80;
		memcpy(body + 12, sig, 64);
		assert_int_equal(fl_buf_puts(&t2, text), 0);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_buf_puts(&t2, DASH "witness.example.com/w1 "), 0);
		b64(&t2, body, 76);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1),
				 FL_EVERIFY);
		/* The same construction at 2^63 - 1 verifies, which shows it is built right. */
		cosig_message(&m, text, "9223372036854775807");
		assert_int_equal(fl_signer_sign(w, sig, m.data, m.len), 0);
		memset(body + 4, 0xff, 8);
		body[4] = 0x7f;
		memcpy(body + 12, sig, 64);
		fl_buf_reset(&t2);
		assert_int_equal(fl_buf_puts(&t2, text), 0);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_buf_puts(&t2, DASH "witness.example.com/w1 "), 0);
		b64(&t2, body, 76);
		assert_int_equal(fl_buf_putc(&t2, '\n'), 0);
		assert_int_equal(fl_note_verify(&r, (const char *)t2.data, t2.len, &keys[1], 1), 0);
		assert_int_equal(r.timestamp[0], (uint64_t)INT64_MAX);
		fl_buf_free(&t2);
	}

	fl_signer_free(log);
	fl_signer_free(w);
	fl_buf_free(&line);
	fl_buf_free(&note);
	fl_buf_free(&raw);
	fl_buf_free(&m);
}

/* ---- known checkpoints of other logs ---- */

static void test_known_checkpoints(void **state)
{
	fl_vkey sumdb, arche[2], foo, peter;
	fl_note_result r;
	fl_checkpoint cp;
	fl_buf root = FL_BUF_INIT;
	size_t len;
	char *note;
	(void)state;

	load_vkey(&sumdb, "sumdb");
	load_vkey(&arche[0], "arche");
	load_vkey(&arche[1], "remora");
	load_vkey(&foo, "foo");
	load_vkey(&peter, "peter");

	/* sum.golang.org, signed by the key built into the go command. */
	note = slurp("sumdb-31700353.note", &len);
	assert_int_equal(fl_note_verify(&r, note, len, &sumdb, 1), 0);
	assert_int_equal(r.n_verified, 1);
	assert_int_equal(fl_checkpoint_parse(&cp, note, r.text_len), 0);
	assert_string_equal(cp.origin, "go.sum database tree");
	assert_int_equal(cp.size, 31700353);
	unb64(&root, "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=", 44);
	assert_memory_equal(cp.root, root.data, FL_HASH_LEN);
	/* Another size under the same signature. */
	note[strlen("go.sum database tree\n3170035")] = '4';
	assert_int_equal(fl_note_verify(&r, note, len, &sumdb, 1), FL_EVERIFY);
	free(note);

	/* A CT staging log's checkpoint: six signature lines (an RFC 6962 type 0x05 one by the
	 * log's name, the log's Ed25519 one, four witnesses' cosignatures). */
	note = slurp("arche2025h1-1432088532.note", &len);
	assert_int_equal(fl_note_verify(&r, note, len, arche, 2), 0);
	assert_int_equal(r.n_sigs, 6);
	assert_int_equal(r.n_verified, 2);
	assert_ptr_equal(r.verified[0], &arche[0]);
	assert_int_equal(r.timestamp[0], 0);
	assert_ptr_equal(r.verified[1], &arche[1]);
	assert_int_equal(r.timestamp[1], UINT64_C(1779573024)); /* 0x6a122120 in the line */
	assert_int_equal(fl_note_verify(&r, note, len, &arche[1], 1), 0);
	assert_int_equal(fl_note_verify(&r, note, len, &arche[0], 1), 0);
	assert_int_equal(fl_checkpoint_parse(&cp, note, r.text_len), 0);
	assert_string_equal(cp.origin, "arche2025h1.staging.ct.transparency.dev");
	assert_int_equal(cp.size, UINT64_C(1432088532));
	/* The size changed: both the log's signature and the witness's fail. */
	note[strlen("arche2025h1.staging.ct.transparency.dev\n143208853")] = '3';
	assert_int_equal(fl_note_verify(&r, note, len, &arche[0], 1), FL_EVERIFY);
	assert_int_equal(fl_note_verify(&r, note, len, &arche[1], 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: cosignature by remora.n621.de does not verify");
	free(note);

	/* The worked example of the C2SP signed-note spec. */
	note = slurp("c2sp-signed-note-example.note", &len);
	assert_int_equal(fl_note_verify(&r, note, len, &foo, 1), 0);
	assert_int_equal(r.text_len, strlen("This is an example message.\n"));
	free(note);

	/* The tlog-cosignature example: its keys are not published, so only its form can be
	 * checked; as a checkpoint it parses, and with no known key it is rejected as such. */
	note = slurp("c2sp-tlog-cosignature-example.note", &len);
	assert_int_equal(fl_note_split(note, len, &r.text_len), 0);
	assert_int_equal(fl_checkpoint_parse(&cp, note, r.text_len), 0);
	assert_string_equal(cp.origin, "example.com/behind-the-sofa");
	assert_int_equal(cp.size, 20852163);
	assert_int_equal(fl_note_verify(&r, note, len, &peter, 1), FL_EVERIFY);
	assert_string_equal(fl_error_last(), "note: no signature from a known key");
	assert_int_equal(r.n_sigs, 2);
	/* Formatting the parsed checkpoint gives its text back byte for byte. */
	{
		fl_buf t = FL_BUF_INIT;
		assert_int_equal(fl_checkpoint_format(&t, &cp), 0);
		assert_int_equal(t.len, r.text_len);
		assert_memory_equal(t.data, note, t.len);
		fl_buf_free(&t);
	}
	free(note);

	/* The older signed-note example: its text has a blank line of its own; the signatures
	 * start after the last one. */
	note = slurp("c2sp-signed-note-quasimodo.note", &len);
	assert_int_equal(fl_note_split(note, len, &r.text_len), 0);
	assert_int_equal(r.text_len, strlen("Ognuno sta solo sul cuor della terra\n"
					    "trafitto da un raggio di sole:\n\n"
					    "ed \xc3\xa8 subito sera.\n"));
	assert_int_equal(fl_note_verify(&r, note, len, &peter, 1), FL_EVERIFY);
	free(note);
	fl_buf_free(&root);
}

/* ---- checkpoints ---- */

static int cp_parse(const char *s)
{
	fl_checkpoint cp;
	return fl_checkpoint_parse(&cp, s, strlen(s));
}

static void test_checkpoint_format_parse(void **state)
{
	fl_checkpoint cp, back;
	fl_buf t = FL_BUF_INIT;
	char origin[FL_ORIGIN_LEN_MAX + 2], text[512];
	static const char R[] = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
	(void)state;

	/* The tlog-checkpoint example, from its parts. */
	memset(&cp, 0, sizeof(cp));
	strcpy(cp.origin, "example.com/behind-the-sofa");
	cp.size = 20852163;
	{
		fl_buf r = FL_BUF_INIT;
		unb64(&r, R, strlen(R));
		memcpy(cp.root, r.data, FL_HASH_LEN);
		fl_buf_free(&r);
	}
	assert_int_equal(fl_checkpoint_format(&t, &cp), 0);
	assert_string_equal(fl_buf_cstr(&t), "example.com/behind-the-sofa\n20852163\n"
					     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	assert_int_equal(fl_checkpoint_parse(&back, (const char *)t.data, t.len), 0);
	assert_string_equal(back.origin, cp.origin);
	assert_int_equal(back.size, cp.size);
	assert_memory_equal(back.root, cp.root, FL_HASH_LEN);

	/* Extension lines are allowed (and not ours to interpret). */
	snprintf(text, sizeof(text), "o\n5\n%s\next one\n\xe2\x80\x94 not a signature\n", R);
	assert_int_equal(fl_checkpoint_parse(&back, text, strlen(text)), 0);
	assert_string_equal(back.origin, "o");
	assert_int_equal(back.size, 5);
	/* Sizes: 0 and 2^64 - 1 are fine; leading zeros, signs, spaces, overflow are not. */
	snprintf(text, sizeof(text), "o\n0\n%s\n", R);
	assert_int_equal(cp_parse(text), 0);
	snprintf(text, sizeof(text), "o\n18446744073709551615\n%s\n", R);
	assert_int_equal(fl_checkpoint_parse(&back, text, strlen(text)), 0);
	assert_int_equal(back.size, UINT64_MAX);
	{
		static const char *sizes[] = {"020852163",
					      "00",
					      "01",
					      "-1",
					      "+1",
					      " 1",
					      "1 ",
					      "",
					      "1e3",
					      "0x10",
					      "18446744073709551616",
					      "99999999999999999999",
					      "123456789012345678901"};
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			snprintf(text, sizeof(text), "o\n%s\n%s\n", sizes[i], R);
			if (cp_parse(text) != FL_EINVALID)
				fail_msg("accepted size \"%s\"", sizes[i]);
		}
	}
	/* Roots: exactly 32 bytes of canonical standard base64. */
	{
		static const char *roots[] = {
		    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==",  /* 31 bytes */
		    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA",  /* 33 bytes */
		    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=",  /* non-canonical */
		    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I",   /* unpadded */
		    "CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=",  /* URL alphabet */
		    " CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", /* space */
		    "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62", /* hex */
		    "",
		};
		for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
			snprintf(text, sizeof(text), "o\n5\n%s\n", roots[i]);
			if (cp_parse(text) != FL_EINVALID)
				fail_msg("accepted root \"%s\"", roots[i]);
		}
	}
	/* Lines: missing, unterminated, empty extension line, bad origin. */
	assert_int_equal(cp_parse("o\n5\n"), FL_EINVALID);
	snprintf(text, sizeof(text), "o\n5\n%s", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	snprintf(text, sizeof(text), "o\n5\n%s\n\n", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	snprintf(text, sizeof(text), "o\n5\n%s\next\n\nmore\n", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	snprintf(text, sizeof(text), "o\n5\n%s\next", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	snprintf(text, sizeof(text), "\n5\n%s\n", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	snprintf(text, sizeof(text), "o\tx\n5\n%s\n", R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	assert_int_equal(cp_parse(""), FL_EINVALID);
	/* The origin may be FL_ORIGIN_LEN_MAX bytes, not one more. */
	memset(origin, 'o', sizeof(origin));
	origin[FL_ORIGIN_LEN_MAX] = 0;
	snprintf(text, sizeof(text), "%s\n5\n%s\n", origin, R);
	assert_int_equal(fl_checkpoint_parse(&back, text, strlen(text)), 0);
	assert_int_equal(strlen(back.origin), FL_ORIGIN_LEN_MAX);
	origin[FL_ORIGIN_LEN_MAX] = 'o';
	origin[FL_ORIGIN_LEN_MAX + 1] = 0;
	snprintf(text, sizeof(text), "%s\n5\n%s\n", origin, R);
	assert_int_equal(cp_parse(text), FL_EINVALID);
	fl_buf_free(&t);
}

/* ---- tlog-proof files ---- */

static int proof_fails(const char *s)
{
	fl_tlog_proof p;
	int rc = fl_tlog_proof_parse(&p, s, strlen(s));
	fl_tlog_proof_free(&p); /* safe after a failed parse too */
	return rc == FL_EINVALID;
}

static void test_tlog_proof(void **state)
{
	fl_tlog_proof p;
	fl_buf out = FL_BUF_INIT, h = FL_BUF_INIT;
	fl_hash path[FL_MERKLE_MAX_PROOF + 1];
	static const unsigned char extra[] = {0, 1, 2, 0xff, 'x', '\n', 0};
	const char *note =
	    "example.com/log\n3\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n" DASH
	    "example.com/log AAAAAAAA\n";
	size_t len;
	char *file;
	(void)state;

	/* The example of the tlog-proof spec: parsed, then formatted back byte for byte. */
	file = slurp("c2sp-tlog-proof-example.tlog-proof", &len);
	assert_int_equal(fl_tlog_proof_parse(&p, file, len), 0);
	assert_int_equal(p.index, 73894);
	assert_int_equal(p.n, 5);
	unb64(&h, "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=", 44);
	assert_memory_equal(p.path[0], h.data, FL_HASH_LEN);
	unb64(&h, "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=", 44);
	assert_memory_equal(p.path[4], h.data, FL_HASH_LEN);
	assert_int_equal(p.extra.len, 39);
	assert_memory_equal(p.extra.data, "age-v1.2.1-darwin-arm64.tar.gz", 30);
	assert_ptr_equal(p.note, strstr(file, "example.com/fancylog\n"));
	assert_int_equal(p.note_len, len - (size_t)(p.note - file));
	assert_int_equal(fl_tlog_proof_format(&out, p.index, (const fl_hash *)p.path, p.n,
					      p.extra.data, p.extra.len, p.note, p.note_len),
			 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, file, len);
	/* Its signatures are elided ("[...]") in the spec: not a valid note. */
	{
		fl_note_result r;
		fl_vkey k;
		load_vkey(&k, "peter");
		assert_int_equal(fl_note_verify(&r, p.note, p.note_len, &k, 1), FL_EINVALID);
	}
	fl_tlog_proof_free(&p);
	fl_tlog_proof_free(&p); /* idempotent */
	free(file);

	/* Round trips: with and without extra data, with no hashes, with the most hashes. */
	for (size_t i = 0; i <= FL_MERKLE_MAX_PROOF; i++)
		assert_int_equal(fl_sha256(path[i], &i, sizeof(i)), 0);
	{
		static const size_t counts[] = {0, 1, 5, FL_MERKLE_MAX_PROOF};
		for (size_t c = 0; c < 4; c++)
			for (int with_extra = 0; with_extra < 2; with_extra++) {
				uint64_t index = c == 3 ? UINT64_MAX : 7 * c;
				fl_buf_reset(&out);
				assert_int_equal(fl_tlog_proof_format(
						     &out, index, (const fl_hash *)path, counts[c],
						     extra, with_extra ? sizeof(extra) : 0, note,
						     strlen(note)),
						 0);
				assert_memory_equal(out.data, "c2sp.org/tlog-proof@v1\n", 23);
				assert_int_equal(strstr((const char *)out.data, "\nextra ") != NULL,
						 with_extra);
				assert_int_equal(
				    fl_tlog_proof_parse(&p, (const char *)out.data, out.len), 0);
				assert_int_equal(p.index, index);
				assert_int_equal(p.n, counts[c]);
				assert_memory_equal(p.path, path, counts[c] * sizeof(fl_hash));
				assert_int_equal(p.extra.len, with_extra ? sizeof(extra) : 0);
				if (with_extra)
					assert_memory_equal(p.extra.data, extra, sizeof(extra));
				assert_int_equal(p.note_len, strlen(note));
				assert_memory_equal(p.note, note, p.note_len);
				fl_tlog_proof_free(&p);
			}
	}
	/* The exact text of a small one. */
	fl_buf_reset(&out);
	assert_int_equal(fl_tlog_proof_format(&out, 10, (const fl_hash *)path, 1,
					      "extra information", 17, "cp\n", 3),
			 0);
	fl_buf_reset(&h);
	assert_int_equal(fl_buf_puts(&h, "c2sp.org/tlog-proof@v1\nextra ZXh0cmEgaW5mb3JtYXRpb24=\n"
					 "index 10\n"),
			 0);
	b64(&h, path[0], FL_HASH_LEN);
	assert_int_equal(fl_buf_puts(&h, "\n\ncp\n"), 0);
	assert_string_equal(fl_buf_cstr(&out), fl_buf_cstr(&h));

	/* One hash more than FL_MERKLE_MAX_PROOF is refused. */
	fl_buf_reset(&out);
	assert_int_equal(fl_tlog_proof_format(&out, 1, (const fl_hash *)path,
					      FL_MERKLE_MAX_PROOF + 1, NULL, 0, note, strlen(note)),
			 0);
	assert_int_equal(fl_tlog_proof_parse(&p, (const char *)out.data, out.len), FL_EINVALID);
	fl_tlog_proof_free(&p);

	/* Malformed files: transparency-dev/merkle TestVerifyTLogProofErrors, and more. */
	assert_true(proof_fails("wrong-header\nindex 0\n\ncheckpoint\n"));
	assert_true(
	    proof_fails("c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n"));
	assert_true(
	    proof_fails("c2sp.org/tlog-proof@v1\nindex 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n\ncheckpoint\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v2\nindex 0\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 01\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex  1\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 1 \n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nextra AAAA\nextra AAAA\nindex 1\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 1\nextra AAAA\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nextra AAAA\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 1\n"));
	assert_true(proof_fails(
	    "c2sp.org/tlog-proof@v1\nindex 1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"));
	assert_true(proof_fails(
	    "c2sp.org/tlog-proof@v1\nindex 1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"
	    "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVc=\n\ncp\n"));
	assert_true(proof_fails("c2sp.org/tlog-proof@v1\nindex 1\n "
				"qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\ncp\n"));
	assert_true(proof_fails("\nc2sp.org/tlog-proof@v1\nindex 1\n\ncp\n"));
	fl_buf_free(&out);
	fl_buf_free(&h);
}

/* A whole offline proof: leaves, tree, signed checkpoint, proof file, and back. */
static void test_tlog_proof_end_to_end(void **state)
{
	fl_merkle_frontier f;
	fl_hash leaves[11], root;
	fl_signer *s = NULL;
	fl_vkey k;
	fl_checkpoint cp;
	fl_buf text = FL_BUF_INIT, signed_cp = FL_BUF_INIT, file = FL_BUF_INIT;
	fl_hash proof[FL_MERKLE_MAX_PROOF];
	fl_tlog_proof p;
	fl_note_result r;
	unsigned char pub[FL_ED25519_PUB_LEN];
	size_t n;
	(void)state;

	fl_merkle_frontier_init(&f);
	for (unsigned i = 0; i < 11; i++) {
		char leaf[32];
		int l = snprintf(leaf, sizeof(leaf), "entry %u", i);
		assert_int_equal(fl_merkle_leaf_hash(leaves[i], leaf, (size_t)l), 0);
		assert_int_equal(fl_merkle_frontier_append(&f, leaves[i], NULL, NULL), 0);
	}
	assert_int_equal(fl_merkle_frontier_root(&f, root), 0);
	/* The inclusion path of leaf 6 in 11, spelled out from RFC 6962 PATH. */
	{
		fl_hash l01, l23, l03, l45, l89, l810;
		assert_int_equal(fl_merkle_node_hash(l01, leaves[0], leaves[1]), 0);
		assert_int_equal(fl_merkle_node_hash(l23, leaves[2], leaves[3]), 0);
		assert_int_equal(fl_merkle_node_hash(l03, l01, l23), 0);
		assert_int_equal(fl_merkle_node_hash(l45, leaves[4], leaves[5]), 0);
		assert_int_equal(fl_merkle_node_hash(l89, leaves[8], leaves[9]), 0);
		assert_int_equal(fl_merkle_node_hash(l810, l89, leaves[10]), 0);
		memcpy(proof[0], leaves[7], FL_HASH_LEN);
		memcpy(proof[1], l45, FL_HASH_LEN);
		memcpy(proof[2], l03, FL_HASH_LEN);
		memcpy(proof[3], l810, FL_HASH_LEN);
		n = 4;
	}
	assert_int_equal(fl_signer_generate(&s), 0);
	fl_signer_public(s, pub);
	assert_int_equal(fl_vkey_make(&k, "fundledger.example/log", 1, pub), 0);
	memset(&cp, 0, sizeof(cp));
	strcpy(cp.origin, "fundledger.example/log");
	cp.size = 11;
	memcpy(cp.root, root, FL_HASH_LEN);
	assert_int_equal(fl_checkpoint_format(&text, &cp), 0);
	assert_int_equal(fl_buf_put(&signed_cp, text.data, text.len), 0);
	assert_int_equal(fl_buf_putc(&signed_cp, '\n'), 0);
	assert_int_equal(fl_note_sign(&signed_cp, (const char *)text.data, text.len,
				      "fundledger.example/log", s),
			 0);
	assert_int_equal(fl_tlog_proof_format(&file, 6, (const fl_hash *)proof, n, NULL, 0,
					      (const char *)signed_cp.data, signed_cp.len),
			 0);

	/* An offline verifier: parse, verify the note, read the checkpoint, check inclusion. */
	assert_int_equal(fl_tlog_proof_parse(&p, (const char *)file.data, file.len), 0);
	assert_int_equal(fl_note_verify(&r, p.note, p.note_len, &k, 1), 0);
	assert_int_equal(fl_checkpoint_parse(&cp, p.note, r.text_len), 0);
	assert_int_equal(cp.size, 11);
	assert_int_equal(fl_merkle_verify_inclusion(leaves[6], p.index, cp.size,
						    (const fl_hash *)p.path, p.n, cp.root),
			 0);
	assert_int_equal(fl_merkle_verify_inclusion(leaves[5], p.index, cp.size,
						    (const fl_hash *)p.path, p.n, cp.root),
			 FL_EVERIFY);
	fl_tlog_proof_free(&p);
	fl_signer_free(s);
	fl_buf_free(&text);
	fl_buf_free(&signed_cp);
	fl_buf_free(&file);
}

/* ---- fundledger's consistency proof file ---- */

static int cons_fails(const char *s)
{
	fl_consistency_proof p;
	return fl_consistency_proof_parse(&p, s, strlen(s)) == FL_EINVALID;
}

static void test_consistency_proof_file(void **state)
{
	fl_consistency_proof p;
	fl_buf out = FL_BUF_INIT, h = FL_BUF_INIT;
	fl_hash path[3];
	const char *n1 = "example.com/log\n5\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n" DASH
			 "example.com/log AAAAAAAA\n" DASH "witness.example BBBBBBBB\n";
	const char *n2 =
	    "example.com/log\n8\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n\n" DASH
	    "example.com/log CCCCCCCC\n";
	(void)state;

	for (int i = 0; i < 3; i++)
		assert_int_equal(fl_sha256(path[i], &i, sizeof(i)), 0);
	assert_int_equal(fl_consistency_proof_format(&out, 5, 8, (const fl_hash *)path, 3, n1,
						     strlen(n1), n2, strlen(n2)),
			 0);
	/* The exact text. */
	assert_int_equal(fl_buf_puts(&h, "fundledger/consistency-proof@v1\nsizes 5 8\n"), 0);
	for (int i = 0; i < 3; i++) {
		b64(&h, path[i], FL_HASH_LEN);
		assert_int_equal(fl_buf_putc(&h, '\n'), 0);
	}
	assert_int_equal(fl_buf_putc(&h, '\n'), 0);
	assert_int_equal(fl_buf_puts(&h, n1), 0);
	assert_int_equal(fl_buf_puts(&h, n2), 0);
	assert_string_equal(fl_buf_cstr(&out), fl_buf_cstr(&h));
	/* And back: the notes are exactly the two given, the first with both its signatures. */
	assert_int_equal(fl_consistency_proof_parse(&p, (const char *)out.data, out.len), 0);
	assert_int_equal(p.size1, 5);
	assert_int_equal(p.size2, 8);
	assert_int_equal(p.n, 3);
	assert_memory_equal(p.path, path, sizeof(path));
	assert_int_equal(p.note1_len, strlen(n1));
	assert_memory_equal(p.note1, n1, p.note1_len);
	assert_int_equal(p.note2_len, strlen(n2));
	assert_memory_equal(p.note2, n2, p.note2_len);
	/* Equal sizes, no hashes. */
	fl_buf_reset(&out);
	assert_int_equal(
	    fl_consistency_proof_format(&out, 8, 8, NULL, 0, n2, strlen(n2), n2, strlen(n2)), 0);
	assert_int_equal(fl_consistency_proof_parse(&p, (const char *)out.data, out.len), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.size1, 8);
	assert_int_equal(p.note1_len, strlen(n2));
	assert_int_equal(p.note2_len, strlen(n2));

	/* Malformed. */
	assert_true(cons_fails(""));
	assert_true(cons_fails("fundledger/consistency-proof@v2\nsizes 5 8\n\nA\n\nB\n"));
	assert_true(cons_fails("c2sp.org/tlog-proof@v1\nindex 1\n\ncp\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 05 8\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5 08\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5  8\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5 8 9\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes a b\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsize 5 8\n\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5 8\n"));
	assert_true(cons_fails("fundledger/consistency-proof@v1\nsizes 5 8\nnot a hash\n\n"));
	{
		/* Only the first note; nothing or only the first note after the hashes. */
		char buf[1024];
		snprintf(buf, sizeof(buf), "fundledger/consistency-proof@v1\nsizes 5 8\n\n%s", n1);
		assert_true(cons_fails(buf));
		snprintf(buf, sizeof(buf), "fundledger/consistency-proof@v1\nsizes 5 8\n\n");
		assert_true(cons_fails(buf));
		/* A first note without signatures runs into the second. */
		snprintf(buf, sizeof(buf),
			 "fundledger/consistency-proof@v1\nsizes 5 8\n\n"
			 "example.com/log\n5\n");
		assert_true(cons_fails(buf));
	}
	fl_buf_free(&out);
	fl_buf_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vkey_known_answers),
	    cmocka_unit_test(test_key_id_definition),
	    cmocka_unit_test(test_vkey_rejects),
	    cmocka_unit_test(test_key_names),
	    cmocka_unit_test(test_go_notes),
	    cmocka_unit_test(test_go_tampering),
	    cmocka_unit_test(test_malformed_notes),
	    cmocka_unit_test(test_signature_counts),
	    cmocka_unit_test(test_sign_round_trip),
	    cmocka_unit_test(test_cosignature),
	    cmocka_unit_test(test_known_checkpoints),
	    cmocka_unit_test(test_checkpoint_format_parse),
	    cmocka_unit_test(test_tlog_proof),
	    cmocka_unit_test(test_tlog_proof_end_to_end),
	    cmocka_unit_test(test_consistency_proof_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
