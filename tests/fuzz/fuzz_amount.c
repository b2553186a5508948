/*
 * fuzz_amount.c: fuzz target for the amount and rate parsers (money.h).
 *
 * The whole input is one string. It is parsed as an amount with 0 to FL_MINOR_UNITS_MAX
 * decimals and as a rate, and each result is checked against an independent oracle written
 * from the header's contract (digits, at most one '.', 1..decimals digits after it, value at
 * most the limit; a rate > 0): acceptance, the error code and the value must agree. Accepted
 * values must survive format -> parse unchanged, formatting must give the one canonical
 * spelling, and error messages must be printable ASCII (the input is quoted, never echoed).
 * A violated invariant calls abort(), which libFuzzer and tests/fuzz/replay.c both report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/error.h"
#include "fundledger/money.h"

#define FUZZ_OWN_CHECK
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__extension__ typedef unsigned __int128 u128;

#define SENTINEL_I64 INT64_C(-777)
#define SENTINEL_U64 UINT64_C(0xdeadbeefdeadbeef)

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_amount: invariant violated: %s (input %zu bytes: '", what, size);
	for (size_t i = 0; i < size && i < 64; i++)
		fprintf(stderr, data[i] >= 0x20 && data[i] < 0x7f ? "%c" : "\\x%02x", data[i]);
	fprintf(stderr, "'); last error: %s\n", fl_error_last());
	abort();
}

#define CHECK(cond, what)                                  \
	do {                                               \
		if (!(cond))                               \
			fail(what, data, size);            \
	} while (0)

/*
 * The oracle: FL_EINVALID for a bad shape, FL_ERANGE when the value exceeds max, else 0 with
 * the value in units of 10^-decimals. Saturates instead of overflowing: once past max a value
 * only grows as digits are added.
 */
static int oracle(uint64_t *out, const uint8_t *s, size_t len, unsigned decimals, uint64_t max)
{
	size_t dot = len, frac = 0;
	u128 v = 0;

	if (len == 0)
		return FL_EINVALID;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (dot != len)
				return FL_EINVALID;
			dot = i;
		} else if (s[i] < '0' || s[i] > '9') {
			return FL_EINVALID;
		}
	}
	if (dot == 0)
		return FL_EINVALID;
	if (dot != len) {
		frac = len - dot - 1;
		if (frac == 0 || frac > decimals)
			return FL_EINVALID;
	}
	for (size_t i = 0; i < len; i++) {
		if (i == dot)
			continue;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max)
			v = (u128)max + 1;
	}
	for (size_t k = frac; k < decimals; k++) {
		v *= 10;
		if (v > max)
			v = (u128)max + 1;
	}
	if (v > max)
		return FL_ERANGE;
	*out = (uint64_t)v;
	return 0;
}

/* The canonical spelling: no leading zeros except a lone "0", exactly `decimals` decimals. */
static int canonical(const uint8_t *s, size_t len, unsigned decimals)
{
	size_t nint = decimals ? len - decimals - 1 : len;

	if (len < (decimals ? decimals + 2 : 1))
		return 0;
	if (decimals && s[nint] != '.')
		return 0;
	return !(nint > 1 && s[0] == '0');
}

static void amount(const uint8_t *data, size_t size, unsigned m)
{
	const char *s = (const char *)data;
	uint64_t want = 0;
	int64_t v = SENTINEL_I64, back = SENTINEL_I64;
	char plain[FL_MONEY_STR_MAX], grouped[FL_MONEY_STR_MAX], stripped[FL_MONEY_STR_MAX];
	int rc, orc;
	size_t k = 0;

	fl_error_clear();
	rc = fl_money_parse(&v, s, size, m);
	orc = oracle(&want, data, size, m, (uint64_t)FL_AMOUNT_MAX);
	CHECK(rc == orc, "fl_money_parse disagrees with the oracle on acceptance or error code");
	if (rc < 0) {
		CHECK(v == SENTINEL_I64, "fl_money_parse wrote its output on failure");
		CHECK(fl_error_code() == rc, "error record does not hold the returned code");
		CHECK(printable(fl_error_last()), "amount error message is empty or not printable");
		return;
	}
	CHECK(v >= 0 && v <= FL_AMOUNT_MAX, "parsed amount out of range");
	CHECK((uint64_t)v == want, "fl_money_parse value differs from the oracle");

	CHECK(fl_money_format(plain, sizeof(plain), v, m, 0) == 0, "fl_money_format failed");
	CHECK(fl_money_parse(&back, plain, strlen(plain), m) == 0 && back == v,
	      "format -> parse does not give the same amount");
	CHECK(canonical((const uint8_t *)plain, strlen(plain), m),
	      "fl_money_format output is not canonical");
	if (canonical(data, size, m))
		CHECK(strlen(plain) == size && memcmp(plain, s, size) == 0,
		      "a canonical amount does not format back to itself");

	/* Grouping only inserts commas every three integer digits. */
	CHECK(fl_money_format(grouped, sizeof(grouped), v, m, 1) == 0,
	      "fl_money_format (grouped) failed");
	for (size_t i = 0; grouped[i]; i++)
		if (grouped[i] != ',')
			stripped[k++] = grouped[i];
	stripped[k] = '\0';
	CHECK(strcmp(stripped, plain) == 0, "grouped format differs from plain beyond commas");
	if (strchr(grouped, ','))
		CHECK(fl_money_parse(&back, grouped, strlen(grouped), m) == FL_EINVALID,
		      "a grouped amount was accepted by the parser");

	/* The negated amount formats as '-' followed by the same digits. */
	CHECK(fl_money_format(grouped, sizeof(grouped), -v, m, 0) == 0,
	      "fl_money_format of a negative amount failed");
	if (v > 0)
		CHECK(grouped[0] == '-' && strcmp(grouped + 1, plain) == 0,
		      "negative amount is not '-' and the digits");

	/* Too small a buffer fails without overrunning it. */
	CHECK(fl_money_format(grouped, strlen(plain), v, m, 0) == FL_EINVALID,
	      "fl_money_format accepted a buffer without room for the NUL");
}

static void rate(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint64_t r = SENTINEL_U64, back = SENTINEL_U64, want = 0;
	char text[FL_MONEY_STR_MAX];
	size_t len;
	int rc, orc;

	fl_error_clear();
	rc = fl_rate_parse(&r, s, size);
	orc = oracle(&want, data, size, FL_RATE_DECIMALS, FL_RATE_MAX);
	if (orc == 0 && want == 0)
		orc = FL_EINVALID;
	CHECK(rc == orc, "fl_rate_parse disagrees with the oracle on acceptance or error code");
	if (rc < 0) {
		CHECK(r == SENTINEL_U64, "fl_rate_parse wrote its output on failure");
		CHECK(printable(fl_error_last()), "rate error message is empty or not printable");
		return;
	}
	CHECK(r == want && r > 0 && r <= FL_RATE_MAX, "fl_rate_parse value differs from the oracle");
	CHECK(fl_rate_format(text, sizeof(text), r) == 0, "fl_rate_format failed");
	len = strlen(text);
	CHECK(fl_rate_parse(&back, text, len) == 0 && back == r,
	      "rate format -> parse does not give the same rate");
	/* At least one decimal, and no trailing zero unless it is the only one ("1.0"). */
	{
		const char *dot = strchr(text, '.');
		CHECK(dot && dot > text && dot[1] != '\0', "formatted rate has no decimals");
		CHECK(text[len - 1] != '0' || dot == text + len - 2,
		      "formatted rate has a trailing zero decimal");
		CHECK(!(text[0] == '0' && dot != text + 1), "formatted rate has a leading zero");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (unsigned m = 0; m <= FL_MINOR_UNITS_MAX; m++)
		amount(data, size, m);
	rate(data, size);
	return 0;
}
