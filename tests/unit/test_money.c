/*
 * test_money.c: unit tests for money.h (amounts, rates, USD conversion).
 *
 * Uses only the public API, so it links against either the module alone or the whole
 * library. Expected values are worked by hand or, for the conversion table, computed
 * independently with exact rational arithmetic (Python fractions) and rounded half to even;
 * none of them come from running the code under test.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/error.h"
#include "fundledger/money.h"

#define SENTINEL INT64_C(-777)

/* Parses a string literal (its whole length, embedded NULs included) and expects success. */
#define ACCEPT(lit, mu, want) accept_at(__LINE__, (lit), sizeof(lit) - 1, (mu), (want))
/* Expects rejection with `code` and a message containing `sub`; *out stays untouched. */
#define REJECT(lit, mu, code, sub) reject_at(__LINE__, (lit), sizeof(lit) - 1, (mu), (code), (sub))
#define RATE_OK(lit, want) rate_accept_at(__LINE__, (lit), sizeof(lit) - 1, (want))
#define RATE_BAD(lit, code, sub) rate_reject_at(__LINE__, (lit), sizeof(lit) - 1, (code), (sub))
#define FMT(amount, mu, grouping, want) fmt_at(__LINE__, (amount), (mu), (grouping), (want))

static void accept_at(int line, const char *s, size_t len, unsigned mu, int64_t want)
{
	int64_t out = SENTINEL;
	int rc = fl_money_parse(&out, s, len, mu);
	if (rc != 0 || out != want)
		fail_msg("line %d: parse '%s' (%u decimals): rc %d (%s), got %lld, want %lld", line,
			 s, mu, rc, fl_error_last(), (long long)out, (long long)want);
}

static void reject_at(int line, const char *s, size_t len, unsigned mu, int code, const char *sub)
{
	int64_t out = SENTINEL;
	int rc;

	fl_error_clear();
	rc = fl_money_parse(&out, s, len, mu);
	if (rc != code || fl_error_code() != code || out != SENTINEL ||
	    !strstr(fl_error_last(), sub))
		fail_msg("line %d: parse (%zu bytes, %u decimals): rc %d, want %d; out %lld; "
			 "message \"%s\" should contain \"%s\"",
			 line, len, mu, rc, code, (long long)out, fl_error_last(), sub);
}

static void rate_accept_at(int line, const char *s, size_t len, uint64_t want)
{
	uint64_t out = 7;
	int rc = fl_rate_parse(&out, s, len);
	if (rc != 0 || out != want)
		fail_msg("line %d: rate '%s': rc %d (%s), got %llu, want %llu", line, s, rc,
			 fl_error_last(), (unsigned long long)out, (unsigned long long)want);
}

static void rate_reject_at(int line, const char *s, size_t len, int code, const char *sub)
{
	uint64_t out = 7;
	int rc;

	fl_error_clear();
	rc = fl_rate_parse(&out, s, len);
	if (rc != code || fl_error_code() != code || out != 7 || !strstr(fl_error_last(), sub))
		fail_msg("line %d: rate (%zu bytes): rc %d, want %d; out %llu; message \"%s\" "
			 "should contain \"%s\"",
			 line, len, rc, code, (unsigned long long)out, fl_error_last(), sub);
}

static void fmt_at(int line, int64_t amount, unsigned mu, int grouping, const char *want)
{
	char out[FL_MONEY_STR_MAX];
	int rc = fl_money_format(out, sizeof(out), amount, mu, grouping);
	if (rc != 0 || strcmp(out, want) != 0)
		fail_msg("line %d: format %lld (%u decimals, grouping %d): rc %d, got \"%s\", "
			 "want \"%s\"",
			 line, (long long)amount, mu, grouping, rc, rc ? fl_error_last() : out, want);
}

/* ---- fl_money_parse ---- */

static void test_parse_accepts_plain_decimals(void **state)
{
	(void)state;
	ACCEPT("0", 2, 0);
	ACCEPT("12", 2, 1200);
	ACCEPT("12.5", 2, 1250);
	ACCEPT("12.50", 2, 1250);
	ACCEPT("007", 2, 700);
	ACCEPT("0.01", 2, 1);
	ACCEPT("0.10", 2, 10);
	ACCEPT("0.00", 2, 0);
	ACCEPT("1000.00", 2, 100000);
	ACCEPT("1250", 2, 125000);
	/* JPY, KRW, ISK: no minor units. */
	ACCEPT("0", 0, 0);
	ACCEPT("1000000", 0, 1000000);
	ACCEPT("007", 0, 7);
	/* KWD, BHD, OMR: three. */
	ACCEPT("1.234", 3, 1234);
	ACCEPT("1.5", 3, 1500);
	ACCEPT("0.001", 3, 1);
	ACCEPT("12", 3, 12000);
	/* The widest: four. */
	ACCEPT("1.2345", 4, 12345);
	ACCEPT("0.0001", 4, 1);
	/* Leading zeros cost nothing, however many. */
	ACCEPT("00000000000000000000000000000000000000001", 0, 1);
	ACCEPT("0000000000000000000000000.01", 2, 1);
}

static void test_parse_boundaries(void **state)
{
	(void)state;
	ACCEPT("999999999999999999", 0, FL_AMOUNT_MAX);
	ACCEPT("9999999999999999.99", 2, FL_AMOUNT_MAX);
	ACCEPT("999999999999999.999", 3, FL_AMOUNT_MAX);
	ACCEPT("99999999999999.9999", 4, FL_AMOUNT_MAX);
	ACCEPT("9999999999999999.98", 2, FL_AMOUNT_MAX - 1);
	ACCEPT("9999999999999999.9", 2, FL_AMOUNT_MAX - 9);

	/* One minor unit over the maximum, in every scale. */
	REJECT("1000000000000000000", 0, FL_ERANGE, "too large (at most 999999999999999999)");
	REJECT("10000000000000000.00", 2, FL_ERANGE, "too large (at most 9999999999999999.99)");
	REJECT("10000000000000000", 2, FL_ERANGE, "too large");
	REJECT("1000000000000000", 3, FL_ERANGE, "too large (at most 999999999999999.999)");
	REJECT("100000000000000", 4, FL_ERANGE, "too large (at most 99999999999999.9999)");
	/* The brief's example, and values that would wrap 64 bits if unchecked. */
	REJECT("9999999999999999999", 2, FL_ERANGE, "amount '9999999999999999999' is too large");
	REJECT("9999999999999999999", 0, FL_ERANGE, "too large");
	REJECT("18446744073709551616", 0, FL_ERANGE, "too large");
	REJECT("9223372036854775808", 0, FL_ERANGE, "too large");
	REJECT("99999999999999999999999999999999999999999999", 2, FL_ERANGE, "too large");
	REJECT("99999999999999999999.99", 2, FL_ERANGE, "too large");
}

static void test_parse_rejects_what_strtod_accepts(void **state)
{
	(void)state;
	REJECT("1e309", 2, FL_EINVALID, "amount '1e309' has invalid character 'e' at offset 1");
	REJECT("1E5", 2, FL_EINVALID, "invalid character 'E'");
	REJECT("nan", 2, FL_EINVALID, "amount 'nan' has invalid character 'n' at offset 0");
	REJECT("NaN", 2, FL_EINVALID, "invalid character 'N' at offset 0");
	REJECT("inf", 2, FL_EINVALID, "invalid character 'i' at offset 0");
	REJECT("infinity", 2, FL_EINVALID, "invalid character 'i'");
	REJECT("0x1p4", 2, FL_EINVALID, "invalid character 'x' at offset 1");
	REJECT("0x10", 0, FL_EINVALID, "invalid character 'x'");
	REJECT("12.5abc", 2, FL_EINVALID, "invalid character 'a' at offset 4");
	REJECT("1,000.00", 2, FL_EINVALID, "invalid character ',' at offset 1");
	REJECT("1 000", 0, FL_EINVALID, "invalid character ' ' at offset 1");
	REJECT("1_000", 0, FL_EINVALID, "invalid character '_'");
	REJECT("1.000,00", 2, FL_EINVALID, "invalid character ','");
	REJECT("12'000", 0, FL_EINVALID, "invalid character '\\''");
	REJECT("$12", 2, FL_EINVALID, "invalid character '$'");
	REJECT("12EUR", 2, FL_EINVALID, "invalid character 'E'");
}

static void test_parse_rejects_bad_shape(void **state)
{
	(void)state;
	REJECT("", 2, FL_EINVALID, "amount is empty");
	REJECT(" 12", 2, FL_EINVALID, "amount ' 12' has leading or trailing space");
	REJECT("12 ", 2, FL_EINVALID, "amount '12 ' has leading or trailing space");
	REJECT("\t12", 2, FL_EINVALID, "leading or trailing space");
	REJECT("12\n", 2, FL_EINVALID, "invalid character '\\x0a' at offset 2");
	REJECT("+12", 2, FL_EINVALID, "amount '+12' has a sign");
	REJECT("-12", 2, FL_EINVALID, "amount '-12' has a sign");
	REJECT("-0", 2, FL_EINVALID, "has a sign");
	REJECT("12.", 2, FL_EINVALID, "amount '12.' has no digits after the '.'");
	REJECT(".5", 2, FL_EINVALID, "amount '.5' must start with a digit (write '0.5')");
	REJECT(".", 2, FL_EINVALID, "must start with a digit");
	REJECT("1.2.3", 4, FL_EINVALID, "has more than one '.'");
	REJECT("1..2", 4, FL_EINVALID, "has more than one '.'");
}

static void test_parse_rejects_excess_decimals(void **state)
{
	(void)state;
	REJECT("1.234", 2, FL_EINVALID, "amount '1.234' has more than 2 decimals");
	REJECT("0.001", 2, FL_EINVALID, "more than 2 decimals");
	/* Trailing zeros still count: the input claims a precision the currency has not. */
	REJECT("1.000", 2, FL_EINVALID, "more than 2 decimals");
	REJECT("1.2345", 3, FL_EINVALID, "more than 3 decimals");
	REJECT("1.23456", 4, FL_EINVALID, "more than 4 decimals");
	REJECT("1.5", 0, FL_EINVALID, "amount '1.5' has decimals, but the currency has none");
	REJECT("1.0", 0, FL_EINVALID, "has decimals, but the currency has none");
	REJECT("1.", 0, FL_EINVALID, "no digits after the '.'");
	/* More minor units than any currency has is a caller error. */
	REJECT("1", 5, FL_EINVALID, "5 minor units is out of range 0..4");
	REJECT("1", UINT_MAX, FL_EINVALID, "out of range");
}

static void test_parse_rejects_nul_and_non_ascii(void **state)
{
	(void)state;
	/* NUL bytes inside len: a C-string reader would have stopped at "12" and said yes. */
	REJECT("12\0", 2, FL_EINVALID, "amount '12\\x00' contains a NUL byte at offset 2");
	REJECT("1\0" "2", 2, FL_EINVALID, "contains a NUL byte at offset 1");
	REJECT("\0", 2, FL_EINVALID, "NUL byte at offset 0");
	REJECT("12.5\0", 2, FL_EINVALID, "NUL byte");
	/* Digits of other scripts: Arabic-Indic one-two, fullwidth one-two, superscript two. */
	REJECT("\xd9\xa1\xd9\xa2", 2, FL_EINVALID,
	       "amount '\\xd9\\xa1\\xd9\\xa2' has invalid character '\\xd9' at offset 0");
	REJECT("\xef\xbc\x91\xef\xbc\x92", 2, FL_EINVALID, "invalid character '\\xef'");
	REJECT("1\xc2\xb2", 2, FL_EINVALID, "invalid character '\\xc2' at offset 1");
	/* A non-breaking space as a thousands separator. */
	REJECT("1\xc2\xa0" "000", 0, FL_EINVALID, "invalid character '\\xc2'");
	REJECT("\x7f", 0, FL_EINVALID, "'\\x7f'");
}

static void test_parse_messages_are_safe(void **state)
{
	char long_input[200], want[64];
	int64_t out = SENTINEL;
	const char *msg;
	(void)state;

	/* Quote and backslash are escaped, so the quoting cannot be broken out of. */
	REJECT("a'b\\c", 2, FL_EINVALID, "amount 'a\\'b\\\\c'");
	/* Terminal escape sequences never reach the message raw. */
	REJECT("\x1b[2J", 2, FL_EINVALID, "amount '\\x1b[2J'");

	/* Long input is cut after 32 bytes and marked. */
	memset(long_input, 'x', sizeof(long_input));
	assert_int_equal(fl_money_parse(&out, long_input, sizeof(long_input), 2), FL_EINVALID);
	assert_int_equal(out, SENTINEL);
	msg = fl_error_last();
	memset(want, 0, sizeof(want));
	memcpy(want, "amount '", 8);
	memset(want + 8, 'x', 32);
	memcpy(want + 40, "...'", 4);
	assert_non_null(strstr(msg, want));
	assert_true(strlen(msg) < 200);

	/* A long string of digits: too large, and also cut in the message. */
	memset(long_input, '9', sizeof(long_input));
	assert_int_equal(fl_money_parse(&out, long_input, sizeof(long_input), 2), FL_ERANGE);
	assert_non_null(strstr(fl_error_last(), "99999...' is too large"));

	/* No input at all. */
	assert_int_equal(fl_money_parse(&out, NULL, 0, 2), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "empty"));
	assert_int_equal(fl_money_parse(&out, NULL, 3, 2), FL_EINVALID);
	assert_int_equal(fl_money_parse(NULL, "12", 2, 2), FL_EINVALID);
	assert_int_equal(fl_rate_parse(NULL, "1", 1), FL_EINVALID);
	assert_int_equal(out, SENTINEL);
}

static void test_parse_uses_len_not_nul(void **state)
{
	int64_t out = 0;
	(void)state;
	/* Only s[0..len) is read: a field inside a larger line. */
	assert_int_equal(fl_money_parse(&out, "12.50;EUR", 5, 2), 0);
	assert_int_equal(out, 1250);
	assert_int_equal(fl_money_parse(&out, "123", 1, 0), 0);
	assert_int_equal(out, 1);
}

/* ---- fl_money_format ---- */

static void test_format_known_answers(void **state)
{
	(void)state;
	FMT(0, 2, 1, "0.00");
	FMT(5, 2, 1, "0.05");
	FMT(50, 2, 1, "0.50");
	FMT(-5, 2, 1, "-0.05");
	FMT(100, 2, 1, "1.00");
	FMT(99999, 2, 1, "999.99");
	FMT(100000, 2, 1, "1,000.00");
	FMT(100000, 2, 0, "1000.00");
	FMT(123456789, 2, 1, "1,234,567.89");
	FMT(123456789, 2, 0, "1234567.89");
	FMT(-123456789, 2, 1, "-1,234,567.89");
	FMT(12345678, 2, 1, "123,456.78");
	FMT(2326610100, 2, 1, "23,266,101.00"); /* VFTC contributions 2020 */
	/* No decimals: no '.'. */
	FMT(0, 0, 1, "0");
	FMT(100, 0, 1, "100");
	FMT(1000, 0, 1, "1,000");
	FMT(1000000, 0, 1, "1,000,000");
	FMT(1000000, 0, 0, "1000000");
	FMT(-999, 0, 1, "-999");
	FMT(-1000, 0, 1, "-1,000");
	/* Three and four decimals. */
	FMT(1, 3, 1, "0.001");
	FMT(1234567, 3, 1, "1,234.567");
	FMT(-1234567, 3, 0, "-1234.567");
	FMT(1, 4, 1, "0.0001");
	FMT(123456789, 4, 1, "12,345.6789");
}

static void test_format_extremes(void **state)
{
	char out[FL_MONEY_STR_MAX];
	(void)state;
	FMT(FL_AMOUNT_MAX, 2, 1, "9,999,999,999,999,999.99");
	FMT(FL_AMOUNT_MAX, 0, 1, "999,999,999,999,999,999");
	FMT(-FL_AMOUNT_MAX, 4, 1, "-99,999,999,999,999.9999");
	FMT(INT64_MAX, 0, 1, "9,223,372,036,854,775,807");
	FMT(INT64_MAX, 2, 1, "92,233,720,368,547,758.07");
	/* INT64_MIN has no positive counterpart; it must still come out right. */
	FMT(INT64_MIN, 0, 1, "-9,223,372,036,854,775,808");
	FMT(INT64_MIN, 2, 1, "-92,233,720,368,547,758.08");
	FMT(INT64_MIN, 2, 0, "-92233720368547758.08");
	FMT(INT64_MIN, 4, 1, "-922,337,203,685,477.5808");
	FMT(INT64_MIN + 1, 0, 0, "-9223372036854775807");
	/* The widest output fits the documented buffer. */
	assert_int_equal(fl_money_format(out, sizeof(out), INT64_MIN, 4, 1), 0);
	assert_true(strlen(out) < FL_MONEY_STR_MAX);
}

static void test_format_rejects(void **state)
{
	char out[16];
	(void)state;

	memset(out, 'Z', sizeof(out));
	assert_int_equal(fl_money_format(out, sizeof(out), 100, 5, 1), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "5 minor units"));
	/* Too small a buffer: refused, and nothing written. "1,000.00" needs 9 bytes. */
	assert_int_equal(fl_money_format(out, 8, 100000, 2, 1), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "too small"));
	assert_int_equal(out[0], 'Z');
	assert_int_equal(fl_money_format(out, 0, 0, 2, 1), FL_EINVALID);
	assert_int_equal(fl_money_format(NULL, 40, 0, 2, 1), FL_EINVALID);
	assert_int_equal(fl_money_format(out, 9, 100000, 2, 1), 0);
	assert_string_equal(out, "1,000.00");
}

static void test_format_parse_round_trip(void **state)
{
	static const int64_t v[] = {0, 1, 9, 10, 99, 100, 101, 999, 1000, 1001, 99999, 100000,
				    123456789, INT64_C(100000000000000000), FL_AMOUNT_MAX - 1,
				    FL_AMOUNT_MAX};
	char out[FL_MONEY_STR_MAX];
	int64_t back;
	(void)state;

	for (unsigned mu = 0; mu <= FL_MINOR_UNITS_MAX; mu++) {
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			assert_int_equal(fl_money_format(out, sizeof(out), v[i], mu, 0), 0);
			assert_int_equal(fl_money_parse(&back, out, strlen(out), mu), 0);
			assert_int_equal(back, v[i]);
		}
	}
	/* A sweep with a stride that hits every digit pattern and group boundary. */
	for (int64_t a = 0; a < INT64_C(900000000000000000); a = a * 3 + 7) {
		for (unsigned mu = 0; mu <= FL_MINOR_UNITS_MAX; mu++) {
			assert_int_equal(fl_money_format(out, sizeof(out), a, mu, 0), 0);
			assert_int_equal(fl_money_parse(&back, out, strlen(out), mu), 0);
			assert_int_equal(back, a);
		}
	}
}

/* ---- fl_rate_parse and fl_rate_format ---- */

static void test_rate_parse(void **state)
{
	(void)state;
	RATE_OK("0.921", 921000);
	RATE_OK("149.35", 149350000);
	RATE_OK("1", 1000000);
	RATE_OK("1.0", 1000000);
	RATE_OK("0.307", 307000);
	RATE_OK("0.000001", 1);
	RATE_OK("0001.500000", 1500000);
	RATE_OK("999999999999.999999", FL_RATE_MAX - 1);
	RATE_OK("1000000000000", FL_RATE_MAX);
	RATE_OK("1000000000000.000000", FL_RATE_MAX);

	RATE_BAD("1000000000000.000001", FL_ERANGE, "rate '1000000000000.000001' is too large "
						    "(at most 1000000000000.000000)");
	RATE_BAD("1000000000001", FL_ERANGE, "too large");
	RATE_BAD("99999999999999999999", FL_ERANGE, "too large");
	RATE_BAD("0", FL_EINVALID, "rate '0' must be greater than zero");
	RATE_BAD("0.000000", FL_EINVALID, "must be greater than zero");
	RATE_BAD("0.0000001", FL_EINVALID, "rate '0.0000001' has more than 6 decimals");
	RATE_BAD("1.0000000", FL_EINVALID, "more than 6 decimals");
	RATE_BAD("", FL_EINVALID, "rate is empty");
	RATE_BAD("1e3", FL_EINVALID, "rate '1e3' has invalid character 'e'");
	RATE_BAD("1e309", FL_EINVALID, "invalid character 'e'");
	RATE_BAD("nan", FL_EINVALID, "invalid character 'n'");
	RATE_BAD("NaN", FL_EINVALID, "invalid character 'N'");
	RATE_BAD("inf", FL_EINVALID, "invalid character 'i'");
	RATE_BAD("0x1p4", FL_EINVALID, "invalid character 'x'");
	RATE_BAD("0.9x", FL_EINVALID, "invalid character 'x' at offset 3");
	RATE_BAD("1,5", FL_EINVALID, "invalid character ','");
	RATE_BAD("-1", FL_EINVALID, "has a sign");
	RATE_BAD("+1", FL_EINVALID, "has a sign");
	RATE_BAD(" 1", FL_EINVALID, "leading or trailing space");
	RATE_BAD("1 ", FL_EINVALID, "leading or trailing space");
	RATE_BAD("1.", FL_EINVALID, "no digits after the '.'");
	RATE_BAD(".5", FL_EINVALID, "must start with a digit");
	RATE_BAD("1..5", FL_EINVALID, "more than one '.'");
	RATE_BAD("1\0", FL_EINVALID, "NUL byte at offset 1");
	RATE_BAD("\xd9\xa1", FL_EINVALID, "invalid character '\\xd9'");
}

static void rate_fmt(uint64_t rate, const char *want)
{
	char out[FL_MONEY_STR_MAX];
	uint64_t back = 0;
	assert_int_equal(fl_rate_format(out, sizeof(out), rate), 0);
	assert_string_equal(out, want);
	assert_int_equal(fl_rate_parse(&back, out, strlen(out)), 0);
	assert_int_equal(back, rate);
}

static void test_rate_format(void **state)
{
	char out[FL_MONEY_STR_MAX];
	(void)state;
	rate_fmt(921000, "0.921");
	rate_fmt(149350000, "149.35");
	rate_fmt(1000000, "1.0");
	rate_fmt(10000000, "10.0");
	rate_fmt(1, "0.000001");
	rate_fmt(10, "0.00001");
	rate_fmt(100000, "0.1");
	rate_fmt(123456789, "123.456789");
	rate_fmt(1500000, "1.5");
	rate_fmt(FL_RATE_MAX, "1000000000000.0");
	rate_fmt(FL_RATE_MAX - 1, "999999999999.999999");

	memset(out, 'Z', sizeof(out));
	assert_int_equal(fl_rate_format(out, sizeof(out), 0), FL_EINVALID);
	assert_int_equal(fl_rate_format(out, sizeof(out), FL_RATE_MAX + 1), FL_EINVALID);
	assert_int_equal(fl_rate_format(out, sizeof(out), UINT64_MAX), FL_EINVALID);
	assert_int_equal(fl_rate_format(out, 5, 921000), FL_EINVALID); /* "0.921" needs 6 */
	assert_int_equal(out[0], 'Z');
	assert_int_equal(fl_rate_format(out, 6, 921000), 0);
	assert_string_equal(out, "0.921");

	for (uint64_t r = 1; r <= FL_RATE_MAX; r = r * 7 + 3) {
		uint64_t back = 0;
		assert_int_equal(fl_rate_format(out, sizeof(out), r), 0);
		assert_int_equal(fl_rate_parse(&back, out, strlen(out)), 0);
		assert_int_equal(back, r);
	}
}

/* ---- fl_money_to_usd ---- */

static int64_t usd(int64_t amount, unsigned mu, uint64_t rate)
{
	int64_t c = SENTINEL;
	int rc = fl_money_to_usd(&c, amount, mu, rate);
	if (rc != 0)
		fail_msg("to_usd(%lld, %u, %llu): %s", (long long)amount, mu,
			 (unsigned long long)rate, fl_error_last());
	return c;
}

static void test_to_usd_known_answers(void **state)
{
	(void)state;
	/* 1000.00 EUR at 0.921 EUR/USD = 1085.77633... USD. */
	assert_int_equal(usd(100000, 2, 921000), 108578);
	/* 1,000,000 JPY at 149.35 = 6695.6813... USD. */
	assert_int_equal(usd(1000000, 0, 149350000), 669568);
	/* 1000.000 KWD at 0.307 = 3257.3289... USD. */
	assert_int_equal(usd(1000000, 3, 307000), 325733);
	/* USD at 1.0 is the identity. */
	assert_int_equal(usd(0, 2, 1000000), 0);
	assert_int_equal(usd(12345, 2, 1000000), 12345);
	assert_int_equal(usd(FL_AMOUNT_MAX, 2, 1000000), FL_AMOUNT_MAX);
	/* 1 JPY at 1.0 is one dollar; 1 fils at 1.0 is a tenth of a cent. */
	assert_int_equal(usd(1, 0, 1000000), 100);
	assert_int_equal(usd(1, 3, 1000000), 0);
	/* Exact where a double is not: 999...999 / 3 has 18 significant digits. */
	assert_int_equal(usd(FL_AMOUNT_MAX, 2, 3000000), INT64_C(333333333333333333));
	/* The extremes of both ranges together. */
	assert_int_equal(usd(FL_AMOUNT_MAX, 0, FL_RATE_MAX), 100000000);
	assert_int_equal(usd(FL_AMOUNT_MAX, 2, FL_RATE_MAX), 1000000);
	assert_int_equal(usd(FL_AMOUNT_MAX, 4, FL_RATE_MAX), 10000);
	assert_int_equal(usd(1, 0, FL_RATE_MAX), 0);
	assert_int_equal(usd(1, 4, 1), 10000);
	assert_int_equal(usd(1, 2, 1), 1000000);
}

static void test_to_usd_half_to_even(void **state)
{
	(void)state;
	/* At 2.0 a cent becomes half a cent: exact ties, rounded to the even neighbour. */
	assert_int_equal(usd(1, 2, 2000000), 0);  /* 0.5 -> 0 */
	assert_int_equal(usd(3, 2, 2000000), 2);  /* 1.5 -> 2 */
	assert_int_equal(usd(5, 2, 2000000), 2);  /* 2.5 -> 2 */
	assert_int_equal(usd(7, 2, 2000000), 4);  /* 3.5 -> 4 */
	assert_int_equal(usd(4, 2, 2000000), 2);  /* exact */
	/* Either side of a tie goes to the nearer neighbour. */
	assert_int_equal(usd(1, 2, 1999999), 1);  /* 0.50000025 -> 1 */
	assert_int_equal(usd(1, 2, 2000001), 0);  /* 0.49999975 -> 0 */
	assert_int_equal(usd(5, 2, 1999999), 3);  /* 2.5000012 -> 3 */
	/* KWD at 1.0: a fils is a tenth of a cent. */
	assert_int_equal(usd(4, 3, 1000000), 0);  /* 0.4 */
	assert_int_equal(usd(5, 3, 1000000), 0);  /* 0.5 -> 0 */
	assert_int_equal(usd(6, 3, 1000000), 1);  /* 0.6 */
	assert_int_equal(usd(15, 3, 1000000), 2); /* 1.5 -> 2 */
	assert_int_equal(usd(25, 3, 1000000), 2); /* 2.5 -> 2 */
	assert_int_equal(usd(35, 3, 1000000), 4); /* 3.5 -> 4 */
	/* Four decimals at 1.0: hundredths of a cent. */
	assert_int_equal(usd(50, 4, 1000000), 0);   /* 0.50 -> 0 */
	assert_int_equal(usd(51, 4, 1000000), 1);   /* 0.51 */
	assert_int_equal(usd(150, 4, 1000000), 2);  /* 1.50 -> 2 */
	assert_int_equal(usd(249, 4, 1000000), 2);  /* 2.49 */
	assert_int_equal(usd(250, 4, 1000000), 2);  /* 2.50 -> 2 */
	/* JPY at 8.0: 4 yen = 50 cents, 1 yen = 12.5 cents, 3 yen = 37.5 cents. */
	assert_int_equal(usd(1, 0, 8000000), 12);
	assert_int_equal(usd(3, 0, 8000000), 38);
	/* Ties at the top of the range, where the quotient's parity decides. */
	assert_int_equal(usd(FL_AMOUNT_MAX, 2, 2000000), INT64_C(500000000000000000));
	assert_int_equal(usd(FL_AMOUNT_MAX - 2, 2, 2000000), INT64_C(499999999999999998));
}

/* Amount, minor units, rate, expected cents: exact rational arithmetic, half to even. */
static const struct {
	int64_t amount;
	unsigned mu;
	uint64_t rate;
	int64_t cents;
} usd_vectors[] = {
	{INT64_C(999999999999322205), 3, UINT64_C(6477040), INT64_C(15439151217212217)},
	{INT64_C(999999999999690581), 0, UINT64_C(681308027432369044), INT64_C(146776489)},
	{INT64_C(82325291303171063), 4, UINT64_C(536777735204), INT64_C(1533694226)},
	{INT64_C(58), 2, UINT64_C(2616216), INT64_C(22)},
	{INT64_C(999999999999626396), 2, UINT64_C(6835711), INT64_C(146290561435324928)},
	{INT64_C(5716987), 3, UINT64_C(3835), INT64_C(149073977)},
	{INT64_C(999999999999697352), 2, UINT64_C(8292217), INT64_C(120595010960241073)},
	{INT64_C(999999999999762737), 0, UINT64_C(8263392866213), INT64_C(12101566707406)},
	{INT64_C(90780539128827), 3, UINT64_C(484), INT64_C(18756309737360950)},
	{INT64_C(36786820469), 2, UINT64_C(15956946), INT64_C(2305379768)},
	{INT64_C(224), 0, UINT64_C(95), INT64_C(235789474)},
	{INT64_C(999999999999216767), 2, UINT64_C(4124913), INT64_C(242429355479549936)},
	{INT64_C(999999999999808034), 4, UINT64_C(4532779), INT64_C(2206152119924241)},
	{INT64_C(82798413), 0, UINT64_C(5174381), INT64_C(1600160734)},
	{INT64_C(999999999999373323), 0, UINT64_C(540483510906590), INT64_C(185019520452)},
	{INT64_C(467782446), 4, UINT64_C(284624775), INT64_C(16435)},
	{INT64_C(999999999999992755), 4, UINT64_C(8685093), INT64_C(1151398148528741)},
	{INT64_C(999999999999640846), 2, UINT64_C(4706613), INT64_C(212467011840497794)},
	{INT64_C(7207641), 4, UINT64_C(3997743), INT64_C(18029)},
	{INT64_C(999999999999074621), 2, UINT64_C(752123563), INT64_C(1329568769272921)},
	{INT64_C(919206), 4, UINT64_C(6136050), INT64_C(1498)},
	{INT64_C(813944343), 3, UINT64_C(57), INT64_C(1427972531579)},
	{INT64_C(4859), 2, UINT64_C(7), INT64_C(694142857)},
	{INT64_C(999999999999298564), 3, UINT64_C(24323138683), INT64_C(4111311508898)},
};

static void test_to_usd_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(usd_vectors) / sizeof(usd_vectors[0]); i++)
		assert_int_equal(usd(usd_vectors[i].amount, usd_vectors[i].mu, usd_vectors[i].rate),
				 usd_vectors[i].cents);
}

static void test_to_usd_rejects(void **state)
{
	int64_t c = SENTINEL;
	(void)state;

	/* Results above FL_AMOUNT_MAX cents. */
	assert_int_equal(fl_money_to_usd(&c, FL_AMOUNT_MAX, 2, 999999), FL_ERANGE);
	assert_non_null(strstr(fl_error_last(), "exceeds"));
	assert_int_equal(fl_money_to_usd(&c, FL_AMOUNT_MAX, 0, 1000000), FL_ERANGE);
	assert_int_equal(fl_money_to_usd(&c, INT64_C(10000000000000000), 0, 1000000), FL_ERANGE);
	assert_int_equal(fl_money_to_usd(&c, FL_AMOUNT_MAX, 2, 1), FL_ERANGE);
	assert_int_equal(fl_money_to_usd(&c, FL_AMOUNT_MAX, 0, 1), FL_ERANGE);
	assert_int_equal(fl_money_to_usd(&c, INT64_MAX, 0, 1), FL_ERANGE);
	/*
	 * Rounding up past the limit: amounts above FL_AMOUNT_MAX are converted exactly too,
	 * and 999...999.5 cents (an odd quotient and a tie) rounds up to 10^18, one over.
	 */
	assert_int_equal(fl_money_to_usd(&c, INT64_C(1999999999999999999), 2, 2000000), FL_ERANGE);
	assert_int_equal(c, SENTINEL);
	/* Right at the limit is fine, from either side. */
	assert_int_equal(usd(INT64_C(1999999999999999998), 2, 2000000), FL_AMOUNT_MAX);
	assert_int_equal(usd(INT64_C(1999999999999999997), 2, 2000000), FL_AMOUNT_MAX - 1);
	assert_int_equal(usd(INT64_C(9999999999999999), 0, 1000000), INT64_C(999999999999999900));

	assert_int_equal(fl_money_to_usd(&c, 100, 2, 0), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "rate is zero"));
	assert_int_equal(fl_money_to_usd(&c, -1, 2, 1000000), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "negative"));
	assert_int_equal(fl_money_to_usd(&c, INT64_MIN, 2, 1000000), FL_EINVALID);
	assert_int_equal(fl_money_to_usd(&c, 100, 5, 1000000), FL_EINVALID);
	assert_int_equal(fl_money_to_usd(NULL, 100, 2, 1000000), FL_EINVALID);
	assert_int_equal(c, SENTINEL);
}

/* ---- fl_money_add ---- */

static void test_add(void **state)
{
	int64_t acc;
	(void)state;

	acc = 1;
	assert_int_equal(fl_money_add(&acc, 2), 0);
	assert_int_equal(acc, 3);
	acc = -5;
	assert_int_equal(fl_money_add(&acc, 3), 0);
	assert_int_equal(acc, -2);
	assert_int_equal(fl_money_add(&acc, -3), 0);
	assert_int_equal(acc, -5);

	acc = INT64_MAX - 1;
	assert_int_equal(fl_money_add(&acc, 1), 0);
	assert_int_equal(acc, INT64_MAX);
	assert_int_equal(fl_money_add(&acc, 0), 0);
	assert_int_equal(fl_money_add(&acc, 1), FL_ERANGE);
	assert_non_null(strstr(fl_error_last(), "overflow"));
	assert_int_equal(acc, INT64_MAX);
	assert_int_equal(fl_money_add(&acc, INT64_MAX), FL_ERANGE);
	assert_int_equal(acc, INT64_MAX);
	assert_int_equal(fl_money_add(&acc, INT64_MIN), 0);
	assert_int_equal(acc, -1);

	acc = INT64_MIN + 1;
	assert_int_equal(fl_money_add(&acc, -1), 0);
	assert_int_equal(acc, INT64_MIN);
	assert_int_equal(fl_money_add(&acc, 0), 0);
	assert_int_equal(fl_money_add(&acc, -1), FL_ERANGE);
	assert_int_equal(acc, INT64_MIN);
	assert_int_equal(fl_money_add(&acc, INT64_MIN), FL_ERANGE);
	assert_int_equal(acc, INT64_MIN);
	assert_int_equal(fl_money_add(&acc, INT64_MAX), 0);
	assert_int_equal(acc, -1);

	acc = 0;
	assert_int_equal(fl_money_add(&acc, INT64_MIN), 0);
	assert_int_equal(acc, INT64_MIN);
	acc = -1;
	assert_int_equal(fl_money_add(&acc, INT64_MIN), FL_ERANGE);
	assert_int_equal(acc, -1);

	/* Summing maximal amounts overflows after 9 of them, and says so. */
	acc = 0;
	for (int i = 0; i < 9; i++)
		assert_int_equal(fl_money_add(&acc, FL_AMOUNT_MAX), 0);
	assert_int_equal(acc, 9 * FL_AMOUNT_MAX);
	assert_int_equal(fl_money_add(&acc, FL_AMOUNT_MAX), FL_ERANGE);
	assert_int_equal(acc, 9 * FL_AMOUNT_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_plain_decimals),
		cmocka_unit_test(test_parse_boundaries),
		cmocka_unit_test(test_parse_rejects_what_strtod_accepts),
		cmocka_unit_test(test_parse_rejects_bad_shape),
		cmocka_unit_test(test_parse_rejects_excess_decimals),
		cmocka_unit_test(test_parse_rejects_nul_and_non_ascii),
		cmocka_unit_test(test_parse_messages_are_safe),
		cmocka_unit_test(test_parse_uses_len_not_nul),
		cmocka_unit_test(test_format_known_answers),
		cmocka_unit_test(test_format_extremes),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_rate_parse),
		cmocka_unit_test(test_rate_format),
		cmocka_unit_test(test_to_usd_known_answers),
		cmocka_unit_test(test_to_usd_half_to_even),
		cmocka_unit_test(test_to_usd_vectors),
		cmocka_unit_test(test_to_usd_rejects),
		cmocka_unit_test(test_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
