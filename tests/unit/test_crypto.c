/*
 * test_crypto.c: unit tests for crypto.h (SHA-256, RFC 6962 prefixed hashing, hex, digest
 * comparison).
 *
 * Known answers come from FIPS 180-2 appendix B (the one-block, two-block and million-'a'
 * messages), the well-known digest of the empty string, and RFC 6962 (the leaf hash of an
 * empty leaf, SHA-256 of the single byte 0x00). None of them come from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/crypto.h"
#include "fundledger/error.h"

/* Hex of a digest, for readable failure messages. */
static void hex_of(char out[FL_HASH_HEX_LEN + 1], const unsigned char d[FL_HASH_LEN])
{
	fl_hex_encode(out, d, FL_HASH_LEN);
}

static void expect_digest_at(int line, const unsigned char got[FL_HASH_LEN], const char *want)
{
	char hex[FL_HASH_HEX_LEN + 1];
	hex_of(hex, got);
	if (strcmp(hex, want) != 0)
		fail_msg("line %d: digest %s, want %s", line, hex, want);
}
#define EXPECT_DIGEST(got, want) expect_digest_at(__LINE__, (got), (want))

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MSG_448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define SHA_448 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define RFC6962_EMPTY_LEAF "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"

static void test_sha256_known_answers(void **state)
{
	unsigned char d[FL_HASH_LEN];
	(void)state;

	assert_int_equal(fl_sha256(d, "", 0), 0);
	EXPECT_DIGEST(d, SHA_EMPTY);
	/* A NULL pointer with length 0 is the empty message too. */
	assert_int_equal(fl_sha256(d, NULL, 0), 0);
	EXPECT_DIGEST(d, SHA_EMPTY);
	assert_int_equal(fl_sha256(d, "abc", 3), 0);
	EXPECT_DIGEST(d, SHA_ABC);
	assert_int_equal(fl_sha256(d, MSG_448, strlen(MSG_448)), 0);
	assert_int_equal(strlen(MSG_448), 56); /* 448 bits */
	EXPECT_DIGEST(d, SHA_448);
	/* The length is honoured, not the NUL: "abc" out of a longer string. */
	assert_int_equal(fl_sha256(d, "abcdef", 3), 0);
	EXPECT_DIGEST(d, SHA_ABC);
}

static void test_hasher_million_a(void **state)
{
	fl_hasher *h = NULL;
	unsigned char d[FL_HASH_LEN];
	size_t n = 1000000;
	char *msg = malloc(n);
	(void)state;

	assert_non_null(msg);
	memset(msg, 'a', n);
	assert_int_equal(fl_hasher_new(&h), 0);
	assert_non_null(h);
	assert_int_equal(fl_hasher_sha256(h, d, msg, n), 0);
	EXPECT_DIGEST(d, SHA_MILLION_A);
	/* The hasher is reusable: each call starts from a fresh state. */
	assert_int_equal(fl_hasher_sha256(h, d, "abc", 3), 0);
	EXPECT_DIGEST(d, SHA_ABC);
	assert_int_equal(fl_hasher_sha256(h, d, "", 0), 0);
	EXPECT_DIGEST(d, SHA_EMPTY);
	assert_int_equal(fl_hasher_sha256(h, d, MSG_448, strlen(MSG_448)), 0);
	EXPECT_DIGEST(d, SHA_448);
	/* The one-shot function agrees. */
	assert_int_equal(fl_sha256(d, msg, n), 0);
	EXPECT_DIGEST(d, SHA_MILLION_A);
	fl_hasher_free(h);
	fl_hasher_free(NULL);
	free(msg);
}

static void test_sha256_prefixed(void **state)
{
	unsigned char d[FL_HASH_LEN], manual[FL_HASH_LEN], cat[1 + 3 + 56];
	const unsigned char zero = 0;
	(void)state;

	/* RFC 6962: the leaf hash of an empty leaf is SHA-256(0x00). */
	assert_int_equal(fl_sha256_prefixed(d, 0x00, NULL, 0, NULL, 0), 0);
	EXPECT_DIGEST(d, RFC6962_EMPTY_LEAF);
	assert_int_equal(fl_sha256(manual, &zero, 1), 0);
	EXPECT_DIGEST(manual, RFC6962_EMPTY_LEAF);
	/* The same with zero-length non-NULL parts. */
	assert_int_equal(fl_sha256_prefixed(d, 0x00, "x", 0, "y", 0), 0);
	EXPECT_DIGEST(d, RFC6962_EMPTY_LEAF);

	/* A node: 0x01 || a || b equals hashing the concatenation. */
	cat[0] = 0x01;
	memcpy(cat + 1, "abc", 3);
	memcpy(cat + 4, MSG_448, 56);
	assert_int_equal(fl_sha256_prefixed(d, 0x01, "abc", 3, MSG_448, 56), 0);
	assert_int_equal(fl_sha256(manual, cat, sizeof(cat)), 0);
	assert_memory_equal(d, manual, FL_HASH_LEN);
	/* Only a, only b: the split does not matter, only the concatenation. */
	assert_int_equal(fl_sha256_prefixed(d, 0x01, cat + 1, 59, NULL, 0), 0);
	assert_memory_equal(d, manual, FL_HASH_LEN);
	assert_int_equal(fl_sha256_prefixed(d, 0x01, NULL, 0, cat + 1, 59), 0);
	assert_memory_equal(d, manual, FL_HASH_LEN);
	/* The prefix byte matters (domain separation of leaves and nodes). */
	assert_int_equal(fl_sha256_prefixed(d, 0x00, "abc", 3, MSG_448, 56), 0);
	assert_memory_not_equal(d, manual, FL_HASH_LEN);
	cat[0] = 0x00;
	assert_int_equal(fl_sha256(manual, cat, sizeof(cat)), 0);
	assert_memory_equal(d, manual, FL_HASH_LEN);
}

static void test_hex_encode(void **state)
{
	const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
	char out[2 * sizeof(in) + 1];
	char guard[4] = "zzz";
	(void)state;

	memset(out, 'Z', sizeof(out));
	fl_hex_encode(out, in, sizeof(in));
	assert_string_equal(out, "00017f80abcdefff");
	fl_hex_encode(guard, in, 0);
	assert_string_equal(guard, "");
	assert_int_equal(guard[1], 'z');
}

static void test_hex_decode(void **state)
{
	unsigned char out[4];
	(void)state;

	memset(out, 0x55, sizeof(out));
	assert_int_equal(fl_hex_decode(out, 4, "00ff7fA0", 8), 0);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0x7f);
	assert_int_equal(out[3], 0xa0); /* upper case is accepted */
	assert_int_equal(fl_hex_decode(out, 4, "DEADBEEF", 8), 0);
	assert_int_equal(out[0], 0xde);
	assert_int_equal(out[3], 0xef);
	assert_int_equal(fl_hex_decode(out, 0, "", 0), 0);

	/* Wrong lengths: odd, short, long. */
	fl_error_clear();
	assert_int_equal(fl_hex_decode(out, 4, "00ff7fa", 7), FL_EINVALID);
	assert_int_equal(fl_error_code(), FL_EINVALID);
	assert_string_equal(fl_error_last(), "expected 8 hex digits, got 7");
	assert_int_equal(fl_hex_decode(out, 4, "00ff", 4), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "00ff7fa000", 10), FL_EINVALID);
	assert_string_equal(fl_error_last(), "expected 8 hex digits, got 10");

	/* Bad digits anywhere, in either nibble. */
	assert_int_equal(fl_hex_decode(out, 4, "g0ff7fa0", 8), FL_EINVALID);
	assert_string_equal(fl_error_last(), "not a hex digit at position 0");
	assert_int_equal(fl_hex_decode(out, 4, "00ff7fa ", 8), FL_EINVALID);
	assert_string_equal(fl_error_last(), "not a hex digit at position 6");
	assert_int_equal(fl_hex_decode(out, 4, "00f-7fa0", 8), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "0x0f7fa0", 8), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "00ff\0fa0", 8), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "00ffG7a0", 8), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "00ff7f:0", 8), FL_EINVALID);
	assert_int_equal(fl_hex_decode(out, 4, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8), FL_EINVALID);

	/* Round trip of every byte value. */
	{
		unsigned char all[256], back[256];
		char hex[513];
		for (int i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		fl_hex_encode(hex, all, sizeof(all));
		assert_int_equal(strlen(hex), 512);
		assert_int_equal(fl_hex_decode(back, sizeof(back), hex, 512), 0);
		assert_memory_equal(all, back, sizeof(all));
	}
}

static void test_digest_equal(void **state)
{
	unsigned char a[FL_HASH_LEN], b[FL_HASH_LEN];
	(void)state;

	assert_int_equal(fl_sha256(a, "abc", 3), 0);
	memcpy(b, a, sizeof(a));
	assert_int_equal(fl_digest_equal(a, b, FL_HASH_LEN), 0);
	b[FL_HASH_LEN - 1] ^= 0x01;
	assert_int_equal(fl_digest_equal(a, b, FL_HASH_LEN), FL_EVERIFY);
	/* Only the first n bytes count. */
	assert_int_equal(fl_digest_equal(a, b, FL_HASH_LEN - 1), 0);
	b[FL_HASH_LEN - 1] ^= 0x01;
	b[0] ^= 0x80;
	assert_int_equal(fl_digest_equal(a, b, FL_HASH_LEN), FL_EVERIFY);
	assert_int_equal(fl_digest_equal(a, b, 0), 0);
	assert_int_equal(fl_sha256(b, "abd", 3), 0);
	assert_int_equal(fl_digest_equal(a, b, FL_HASH_LEN), FL_EVERIFY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_known_answers),
		cmocka_unit_test(test_hasher_million_a),
		cmocka_unit_test(test_sha256_prefixed),
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_digest_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
