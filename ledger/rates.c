/*
 * rates.c: the sorted in-memory rate table of rates_int.h.
 *
 * Invariant: items[0..n) are sorted by (currency, date), and no two share both.
 */
#include <stdlib.h>
#include <string.h>

#include "fundledger/error.h"
#include "rates_int.h"

static int cmp(const char *ccy, const char *date, const fl_rate_item *b)
{
	int c = strcmp(ccy, b->currency);
	return c ? c : strcmp(date, b->date);
}

/* Index of the first item not less than (ccy, date). */
static size_t lower(const fl_rates *r, const char *ccy, const char *date)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp(ccy, date, &r->items[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fl_rates_insert(fl_rates *r, uint64_t seq, uint64_t rate, const char *ccy, const char *date)
{
	size_t at = lower(r, ccy, date);
	if (at < r->n && cmp(ccy, date, &r->items[at]) == 0)
		return fl_error_set(FL_EEXISTS, "a rate for %s effective %s is already recorded",
				    ccy, date);
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		fl_rate_item *p = realloc(r->items, cap * sizeof(*p));
		if (!p)
			return fl_error_set(FL_ENOMEM, "out of memory");
		r->items = p;
		r->cap = cap;
	}
	memmove(&r->items[at + 1], &r->items[at], (r->n - at) * sizeof(*r->items));
	r->items[at].seq = seq;
	r->items[at].rate = rate;
	memcpy(r->items[at].currency, ccy, FL_CURRENCY_LEN + 1);
	memcpy(r->items[at].date, date, FL_DATE_LEN + 1);
	r->n++;
	return 0;
}

int fl_rates_remove(fl_rates *r, uint64_t seq)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].seq == seq) {
			memmove(&r->items[i], &r->items[i + 1], (r->n - i - 1) * sizeof(*r->items));
			r->n--;
			return 1;
		}
	return 0;
}

const fl_rate_item *fl_rates_find(const fl_rates *r, const char *ccy, const char *date)
{
	size_t at = lower(r, ccy, date);
	return at < r->n && cmp(ccy, date, &r->items[at]) == 0 ? &r->items[at] : NULL;
}

const fl_rate_item *fl_rates_in_force(const fl_rates *r, const char *ccy, const char *date)
{
	size_t at = lower(r, ccy, date);
	if (at < r->n && cmp(ccy, date, &r->items[at]) == 0)
		return &r->items[at];
	if (at > 0 && strcmp(r->items[at - 1].currency, ccy) == 0)
		return &r->items[at - 1];
	return NULL;
}

void fl_rates_clear(fl_rates *r)
{
	r->n = 0;
}

void fl_rates_free(fl_rates *r)
{
	free(r->items);
	r->items = NULL;
	r->n = r->cap = 0;
}
