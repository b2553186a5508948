/*
 * money.c: amounts, exchange rates and their conversion to US cents, in integers only.
 *
 * Owns the text form of money. An amount is int64_t minor units; a rate is uint64_t
 * millionths of a currency unit per US dollar. Invariants:
 *  - no floating point anywhere: every value is an exact integer, and every add and multiply
 *    is checked against its limit before it is done, so nothing wraps;
 *  - the parsers accept exactly one spelling family, plain ASCII decimals ("007", "12.5"),
 *    and reject everything strtod/strtoll would quietly accept (signs, spaces, exponents,
 *    hex, NaN, inf, grouping) because ledger input must mean one thing only;
 *  - on failure the output is left untouched and the error record names the problem, quoting
 *    the input with non-printable bytes escaped and long input cut, so a message is always
 *    safe to print on a terminal or write to a log;
 *  - conversion to USD rounds once, at the end, half to even (banker's rounding), so that
 *    ties do not bias totals upwards.
 */
#include <stdint.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/money.h"

/* Exact products up to FL_AMOUNT_MAX * 10^8 (about 10^26) need more than 64 bits. */
__extension__ typedef unsigned __int128 fl_u128;


static const uint64_t pow10_u64[] = {
	UINT64_C(1),
	UINT64_C(10),
	UINT64_C(100),
	UINT64_C(1000),
	UINT64_C(10000),
	UINT64_C(100000),
	UINT64_C(1000000),
	UINT64_C(10000000),
	UINT64_C(100000000),
};


/*
 * Writes the decimal digits of v into d (most significant first), at least `min_digits` of
 * them with leading zeros; returns the count. d must hold 20 bytes (UINT64_MAX has 20).
 */
static size_t digits_u64(char d[20], uint64_t v, size_t min_digits)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < min_digits)
		tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	return n;
}

/* Writes v units of 10^-decimals as plain "123.45" into out (no grouping); for messages. */
static void fixed_point(char out[24], uint64_t v, unsigned decimals)
{
	char d[20];
	size_t nd = digits_u64(d, v, (size_t)decimals + 1), nint = nd - decimals;

	memcpy(out, d, nint);
	if (decimals > 0) {
		out[nint] = '.';
		memcpy(out + nint + 1, d + nint, decimals);
		nint += 1 + decimals;
	}
	out[nint] = '\0';
}

/*
 * The one decimal parser behind amounts and rates: digits, optionally '.' and 1 to
 * `decimals` digits; the value is scaled to units of 10^-decimals and must not exceed `max`.
 * `what` ("amount", "rate") starts every message. The whole input is checked for shape
 * before any arithmetic, so a malformed string is reported as malformed, not as too large.
 */

static int parse_decimal(uint64_t *out, const char *what, const char *s, size_t len,
			 unsigned decimals, uint64_t max)
{
	char q[FL_QUOTE_MAX];
	size_t dot = len; /* index of the '.', or len when there is none */
	size_t frac_digits;
	uint64_t v = 0;

	if (!s && len > 0)
		return fl_error_set(FL_EINVALID, "%s: no input", what);
	if (len == 0)
		return fl_error_set(FL_EINVALID, "%s is empty", what);

	/* Name the common mistakes specifically; strtod would have accepted most of them. */
	if (s[0] == '+' || s[0] == '-')
		return fl_error_set(FL_EINVALID, "%s '%s' has a sign; it is written without one",
				    what, fl_quote(q, s, len));
	if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
		return fl_error_set(FL_EINVALID, "%s '%s' has leading or trailing space", what, fl_quote(q, s, len));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			continue;
		if (c == '.') {
			if (dot != len)
				return fl_error_set(FL_EINVALID, "%s '%s' has more than one '.'",
						    what, fl_quote(q, s, len));
			dot = i;
			continue;
		}
		if (c == 0)
			return fl_error_set(FL_EINVALID, "%s '%s' contains a NUL byte at offset %zu",
					    what, fl_quote(q, s, len), i);
		{
			char qc[FL_QUOTE_MAX];
			fl_quote(qc, s + i, 1);
			return fl_error_set(FL_EINVALID,
					    "%s '%s' has invalid character '%s' at offset %zu "
					    "(only digits 0-9 and one '.' are allowed; "
					    "no signs, exponents, hex or grouping)",
					    what, fl_quote(q, s, len), qc, i);
		}
	}
	if (dot == 0) {
		fl_quote(q, s, len);
		return fl_error_set(FL_EINVALID, "%s '%s' must start with a digit%s%s%s", what, q,
				    len > 1 ? " (write '0" : "", len > 1 ? q : "",
				    len > 1 ? "')" : "");
	}
	if (dot != len) {
		frac_digits = len - dot - 1;
		if (frac_digits == 0)
			return fl_error_set(FL_EINVALID, "%s '%s' has no digits after the '.'",
					    what, fl_quote(q, s, len));
		if (decimals == 0)
			return fl_error_set(FL_EINVALID,
					    "%s '%s' has decimals, but the currency has none",
					    what, fl_quote(q, s, len));
		if (frac_digits > decimals)
			return fl_error_set(FL_EINVALID, "%s '%s' has more than %u decimals", what,
					    fl_quote(q, s, len), decimals);
	} else {
		frac_digits = 0;
	}

	/*
	 * Accumulate every digit, then scale by the missing decimals, checking each step
	 * against max; leading zeros cost nothing, so "007" and "0000.10" are fine.
	 */
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		if (i == dot)
			continue;
		d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			goto too_large;
		v = v * 10 + d;
	}
	for (size_t k = frac_digits; k < decimals; k++) {
		if (v > max / 10)
			goto too_large;
		v *= 10;
	}
	*out = v;
	return 0;

too_large:
	{
		char m[24];
		fixed_point(m, max, decimals);
		return fl_error_set(FL_ERANGE, "%s '%s' is too large (at most %s)", what, fl_quote(q, s, len), m);
	}
}

int fl_money_parse(int64_t *out, const char *s, size_t len, unsigned minor_units)
{
	uint64_t v;
	int err;

	if (!out)
		return fl_error_set(FL_EINVALID, "amount: no output");
	if (minor_units > FL_MINOR_UNITS_MAX)
		return fl_error_set(FL_EINVALID, "amount: %u minor units is out of range 0..%d",
				    minor_units, FL_MINOR_UNITS_MAX);
	if ((err = parse_decimal(&v, "amount", s, len, minor_units,
				 (uint64_t)FL_AMOUNT_MAX)) < 0)
		return err;
	*out = (int64_t)v; /* v <= FL_AMOUNT_MAX < INT64_MAX */
	return 0;
}

int fl_rate_parse(uint64_t *out, const char *s, size_t len)
{
	uint64_t v;
	int err;

	if (!out)
		return fl_error_set(FL_EINVALID, "rate: no output");
	if ((err = parse_decimal(&v, "rate", s, len, FL_RATE_DECIMALS, FL_RATE_MAX)) < 0)
		return err;
	if (v == 0) {
		/* A zero rate would divide by zero in fl_money_to_usd; refuse it at the door. */
		char q[FL_QUOTE_MAX];
		fl_quote(q, s, len);
		return fl_error_set(FL_EINVALID, "rate '%s' must be greater than zero", q);
	}
	*out = v;
	return 0;
}

/* Copies the finished string out, or fails without writing if it does not fit. */
static int emit(char *out, size_t outlen, const char *s, size_t n)
{
	if (!out || outlen <= n)
		return fl_error_set(FL_EINVALID, "output buffer too small (%zu bytes, need %zu)",
				    out ? outlen : 0, n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int fl_money_format(char *out, size_t outlen, int64_t amount, unsigned minor_units, int grouping)
{
	char d[20], s[FL_MONEY_STR_MAX];
	size_t nd, nint, o = 0;
	uint64_t mag;

	if (minor_units > FL_MINOR_UNITS_MAX)
		return fl_error_set(FL_EINVALID, "amount: %u minor units is out of range 0..%d",
				    minor_units, FL_MINOR_UNITS_MAX);
	/* Negate in unsigned arithmetic: well defined for INT64_MIN, whose magnitude is 2^63. */
	mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	/* At least one integer digit, so 5 cents is "0.05", never ".05". */
	nd = digits_u64(d, mag, (size_t)minor_units + 1);
	nint = nd - minor_units;

	/* Worst case: '-', 20 digits, 6 commas, '.', NUL = 29 < FL_MONEY_STR_MAX. */
	if (amount < 0)
		s[o++] = '-';
	for (size_t i = 0; i < nint; i++) {
		if (grouping && i > 0 && (nint - i) % 3 == 0)
			s[o++] = ',';
		s[o++] = d[i];
	}
	if (minor_units > 0) {
		s[o++] = '.';
		memcpy(s + o, d + nint, minor_units);
		o += minor_units;
	}
	return emit(out, outlen, s, o);
}

int fl_rate_format(char *out, size_t outlen, uint64_t rate)
{
	char d[20], s[FL_MONEY_STR_MAX];
	size_t nd, nint, nfrac, o;

	/* Only rates the parser accepts are formatted, so the text always reads back. */
	if (rate == 0 || rate > FL_RATE_MAX)
		return fl_error_set(FL_EINVALID, "rate %llu millionths is out of range 1..%llu",
				    (unsigned long long)rate, (unsigned long long)FL_RATE_MAX);
	nd = digits_u64(d, rate, FL_RATE_DECIMALS + 1);
	nint = nd - FL_RATE_DECIMALS;
	/* Drop trailing zero decimals but keep one, so a rate always reads as a rate: "1.0". */
	nfrac = FL_RATE_DECIMALS;
	while (nfrac > 1 && d[nint + nfrac - 1] == '0')
		nfrac--;
	memcpy(s, d, nint);
	o = nint;
	s[o++] = '.';
	memcpy(s + o, d + nint, nfrac);
	o += nfrac;
	return emit(out, outlen, s, o);
}

int fl_money_to_usd(int64_t *out_cents, int64_t amount, unsigned minor_units, uint64_t rate)
{
	fl_u128 num, q, r, twice_r;

	if (!out_cents)
		return fl_error_set(FL_EINVALID, "conversion: no output");
	if (minor_units > FL_MINOR_UNITS_MAX)
		return fl_error_set(FL_EINVALID, "conversion: %u minor units is out of range 0..%d",
				    minor_units, FL_MINOR_UNITS_MAX);
	if (amount < 0)
		return fl_error_set(FL_EINVALID, "conversion: negative amount %lld",
				    (long long)amount);
	if (rate == 0)
		return fl_error_set(FL_EINVALID, "conversion: rate is zero");

	/*
	 * cents = amount * 10^(2 - m) / (rate / 10^6) = amount * 10^(8 - m) / rate.
	 * Multiplying first keeps it exact: amount < 2^63 and 10^(8-m) <= 10^8 < 2^27, so the
	 * numerator is below 2^90 and cannot overflow 128 bits. One division, one rounding.
	 */
	num = (fl_u128)(uint64_t)amount * pow10_u64[8 - minor_units];
	q = num / rate;
	r = num % rate;
	/* Half to even: up when the remainder is over half, or exactly half and q is odd. */
	twice_r = r * 2; /* r < rate < 2^64, so no overflow */
	if (twice_r > rate || (twice_r == rate && (q & 1)))
		q++;
	if (q > (fl_u128)FL_AMOUNT_MAX)
		return fl_error_set(FL_ERANGE,
				    "conversion: %lld minor units at rate %llu millionths exceeds "
				    "the largest amount in US cents",
				    (long long)amount, (unsigned long long)rate);
	*out_cents = (int64_t)q;
	return 0;
}

int fl_money_convert(int64_t *out, int64_t amount, unsigned mu_from, uint64_t rate_from,
		     unsigned mu_to, uint64_t rate_to)
{
	fl_u128 num, den, q, r;

	if (!out)
		return fl_error_set(FL_EINVALID, "conversion: no output");
	if (mu_from > FL_MINOR_UNITS_MAX || mu_to > FL_MINOR_UNITS_MAX)
		return fl_error_set(FL_EINVALID, "conversion: minor units out of range 0..%d",
				    FL_MINOR_UNITS_MAX);
	if (amount < 0)
		return fl_error_set(FL_EINVALID, "conversion: negative amount %lld",
				    (long long)amount);
	if (rate_from == 0 || rate_to == 0)
		return fl_error_set(FL_EINVALID, "conversion: rate is zero");
	/*
	 * to = amount * 10^mu_to * rate_to / (10^mu_from * rate_from): through US dollars
	 * (amount / rate_from, then * rate_to) with one division and one rounding. amount *
	 * 10^mu_to < 2^74; the product with rate_to is checked against 2^128 before it is made.
	 */
	num = (fl_u128)(uint64_t)amount * pow10_u64[mu_to];
	if (num != 0 && (fl_u128)rate_to > ~(fl_u128)0 / num)
		return fl_error_set(FL_ERANGE, "conversion: %lld minor units at these rates is out "
					       "of range",
				    (long long)amount);
	num *= rate_to;
	den = (fl_u128)rate_from * pow10_u64[mu_from];
	q = num / den;
	r = num % den;
	/* Half to even; r < den < 2^75, so 2r cannot overflow. */
	if (r * 2 > den || (r * 2 == den && (q & 1)))
		q++;
	if (q > (fl_u128)FL_AMOUNT_MAX)
		return fl_error_set(FL_ERANGE, "conversion: the result exceeds the largest amount");
	*out = (int64_t)q;
	return 0;
}

int fl_money_add(int64_t *acc, int64_t v)
{
	/* Test against the limit before adding: signed overflow is undefined behaviour in C. */
	if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
		return fl_error_set(FL_ERANGE, "sum overflows: %lld + %lld", (long long)*acc,
				    (long long)v);
	*acc += v;
	return 0;
}
