/*
 * money.h: amounts, exchange rates and USD conversion, in integers only.
 *
 * An amount is an int64_t count of minor units of its currency (ISO 4217), never a float.
 * A rate is a UN operational rate of exchange: units of the currency per 1 US dollar, held as
 * an unsigned count of millionths (FL_RATE_SCALE). Every add and multiply is checked.
 */
#ifndef FUNDLEDGER_MONEY_H
#define FUNDLEDGER_MONEY_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* The largest amount a single entry may carry: 18 decimal digits of minor units. */
#define FL_AMOUNT_MAX INT64_C(999999999999999999)
/* The most minor-unit digits any ISO 4217 currency has (e.g. KWD, BHD, OMR have 3). */
#define FL_MINOR_UNITS_MAX 4
/* Rates are stored in millionths: 0.921 is 921000. */
#define FL_RATE_DECIMALS 6
#define FL_RATE_SCALE UINT64_C(1000000)
/* The largest rate: 10^12 units per US dollar. */
#define FL_RATE_MAX (UINT64_C(1000000000000) * FL_RATE_SCALE)
/* Room for any formatted amount or rate, with grouping and a sign. */
#define FL_MONEY_STR_MAX 40

/*
 * Parses a plain decimal amount ("1250", "1250.5", "1250.50") into minor units of a currency
 * with `minor_units` decimals. Accepts only ASCII digits with at most one '.', followed by 1 to
 * minor_units digits. Rejects signs, exponents, hex, separators, spaces, NaN, more decimals than
 * the currency has, and values above FL_AMOUNT_MAX. Zero is accepted here; entries require > 0.
 * Returns 0, FL_EINVALID or FL_ERANGE (with a message naming the problem).
 */
int fl_money_parse(int64_t *out, const char *s, size_t len, unsigned minor_units) FL_WARN_UNUSED;

/*
 * Formats minor units as a decimal with exactly minor_units decimals ("1250.50"); with
 * `grouping`, thousands are separated by ',' ("1,250.50"). Negative amounts get a '-'.
 * out must hold FL_MONEY_STR_MAX bytes. Returns 0 or FL_EINVALID.
 */
int fl_money_format(char *out, size_t outlen, int64_t amount, unsigned minor_units, int grouping);

/* Parses a rate ("0.921", "149.35") into millionths; > 0, at most 6 decimals, <= FL_RATE_MAX. */
int fl_rate_parse(uint64_t *out, const char *s, size_t len) FL_WARN_UNUSED;

/* Formats a rate with its significant decimals (at least one): 921000 -> "0.921". */
int fl_rate_format(char *out, size_t outlen, uint64_t rate);

/*
 * Converts an amount of a currency with `minor_units` decimals into US cents at `rate`
 * (units per USD, millionths): cents = amount * 10^(2 - minor_units) / (rate / 10^6),
 * rounded half to even. Exact integer arithmetic; FL_ERANGE when the result exceeds
 * FL_AMOUNT_MAX, FL_EINVALID for a zero rate or negative amount.
 */
int fl_money_to_usd(int64_t *out_cents, int64_t amount, unsigned minor_units,
		    uint64_t rate) FL_WARN_UNUSED;

/*
 * Converts an amount of one currency into another through US dollars: amount (mu_from
 * decimals, rate_from units per USD) becomes amount * 10^mu_to * rate_to / (10^mu_from *
 * rate_from) minor units of the other (mu_to decimals, rate_to units per USD), rounded half
 * to even once. A USD side has rate FL_RATE_SCALE and 2 decimals. 0, FL_EINVALID, FL_ERANGE.
 */
int fl_money_convert(int64_t *out, int64_t amount, unsigned mu_from, uint64_t rate_from,
		     unsigned mu_to, uint64_t rate_to) FL_WARN_UNUSED;

/* *acc += v, or FL_ERANGE (and *acc unchanged) on overflow. */
int fl_money_add(int64_t *acc, int64_t v) FL_WARN_UNUSED;

#endif
