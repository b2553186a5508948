/*
 * rates_int.h: an in-memory table of UN operational rates (private), shared by the writer
 * (to convert contributions) and the verifier (to check the conversions). It holds the rates
 * that stand, sorted by currency then effective date; rates are few (a dozen currencies a
 * month), so it stays small whatever the size of the ledger.
 */
#ifndef FUNDLEDGER_RATES_INT_H
#define FUNDLEDGER_RATES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fundledger/config.h"
#include "fundledger/date.h"

typedef struct {
	uint64_t seq;
	uint64_t rate;
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];
} fl_rate_item;

typedef struct {
	fl_rate_item *items;
	size_t n, cap;
} fl_rates;

#define FL_RATES_INIT {NULL, 0, 0}

int fl_rates_insert(fl_rates *r, uint64_t seq, uint64_t rate, const char *currency,
		    const char *date);
/* Removes the rate recorded as entry seq; 1 if it was there, else 0. */
int fl_rates_remove(fl_rates *r, uint64_t seq);
/* The rate with exactly this currency and effective date, or NULL. */
const fl_rate_item *fl_rates_find(const fl_rates *r, const char *currency, const char *date);
/* The rate in force on date: the latest effective date on or before it; NULL if none. */
const fl_rate_item *fl_rates_in_force(const fl_rates *r, const char *currency, const char *date);
void fl_rates_clear(fl_rates *r);
void fl_rates_free(fl_rates *r);

#endif
