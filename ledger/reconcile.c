/*
 * reconcile.c: the reconciliation use case (reconcile.h; the rules are in docs/RECONCILE.md).
 *
 * Pledges stream from the store with their write-offs and standing matches summed by SQL; each
 * is reported at once, and only those with something outstanding are kept, for the proposals.
 * Receipts come from the store already narrowed to those not wholly applied. The bank side
 * reads only lines without a standing bank match and contributions without one. So memory
 * grows with the open items, not with the ledger.
 *
 * Every order is fixed (seq, date then seq, due date then seq), so the same ledger gives the
 * same report and the same proposals, byte for byte.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/money.h"
#include "fundledger/reconcile.h"
#include "ledger_int.h"
#include "rates_int.h"


/* How many bytes of s, at most max, end on a character boundary: a cut text stays UTF-8. */
static int cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (s[n])
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return (int)n;
}

static const char *const STATUS_NAMES[] = {"?",	   "open",     "partially paid", "paid",
					   "overpaid", "overdue", "written off",    "reversed"};
static const char *const RULE_NAMES[] = {"?",	   "named", "exact", "several",
					 "only", "ambiguous", "none"};
static const char *const BANK_NAMES[] = {"?",	       "proposed",   "ambiguous", "bank only",
					 "ledger only", "difference", "other"};

const char *fl_pledge_status_name(fl_pledge_status s)
{
	return s >= FL_PLEDGE_OPEN && s <= FL_PLEDGE_REVERSED ? STATUS_NAMES[s] : "?";
}

const char *fl_match_rule_name(fl_match_rule r)
{
	return r >= FL_RULE_NAMED && r <= FL_RULE_NONE ? RULE_NAMES[r] : "?";
}

const char *fl_bank_class_name(fl_bank_class c)
{
	return c >= FL_BANK_PROPOSED && c <= FL_BANK_OTHER ? BANK_NAMES[c] : "?";
}

/* What a pledge's instalments are made of. */
typedef struct {
	uint16_t years[FL_YEARS_MAX];
	size_t n_years;
	char due[FL_DATE_LEN + 1];
	int64_t amount;
} schedule;

/* A pledge with something outstanding, as the proposals see it. */
typedef struct {
	uint64_t seq;
	schedule sched;
	int64_t covered;           /* paid and written off, and what proposals took */
	char fund[FL_CODE_MAX + 1];
	char donor[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];
	char due[FL_DATE_LEN + 1]; /* next instalment not covered */
	int64_t outstanding;       /* pledge currency; lowered as proposals take it */
} open_pledge;

/* A receipt not wholly applied. */
typedef struct {
	uint64_t seq;
	char fund[FL_CODE_MAX + 1];
	char donor[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];
	uint64_t named;    /* the pledge it names, 0 if none */
	uint64_t rate_used;
	int64_t remaining; /* its currency */
} open_receipt;

/* A bank line or contribution on the bank side. */
typedef struct {
	uint64_t seq;
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];
	int64_t amount;
	char ref[FL_TEXT_MAX + 1];           /* line: its reference; contribution: bank_ref */
	char ref2[FL_BANKREF_MAX + 1];       /* line: entry ref */
	char ref3[FL_BANKREF_MAX + 1];       /* line: end-to-end id */
	char who[FL_BANKTEXT_MAX + 1];       /* line: debtor and remittance */
	char donor[FL_CODE_MAX + 1];         /* contribution */
	char fund[FL_CODE_MAX + 1];          /* contribution */
	uint64_t pick;  /* the one counterpart found (seq), or 0 */
	unsigned hits;  /* how many counterparts point here */
	int done;
} bank_item;

/* A growable array of fixed-size items. */
typedef struct {
	unsigned char *data;
	size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *p = realloc(v->data, cap * v->size);
		if (!p)
			return NULL;
		v->data = p;
		v->cap = cap;
	}
	memset(v->data + v->n * v->size, 0, v->size);
	return v->data + v->n++ * v->size;
}

static void *vec_at(const vec *v, size_t i)
{
	return v->data + i * v->size;
}

static void vec_free(vec *v)
{
	free(v->data);
	v->data = NULL;
	v->n = v->cap = 0;
}

/* The days of one currency that bank statements cover. */
typedef struct {
	char currency[FL_CURRENCY_LEN + 1];
	char from[FL_DATE_LEN + 1], to[FL_DATE_LEN + 1];
} coverage;

/* A reversal: the entry it cancels and its own seq. */
typedef struct {
	uint64_t target, by;
} reversal;

typedef struct {
	fl_ledger *l;
	fl_store *s;
	const fl_config *cfg;
	const fl_reconcile_options *opt;
	const fl_reconcile_visitor *v;
	fl_reconcile_totals *out;
	fl_rates rates;
	fl_entry e;      /* scratch decode */
	fl_buf canon;    /* scratch bytes */
	vec reversed;    /* reversal, by target: every reversal (corrections are few) */
	vec covs;        /* coverage */
	vec pledges;     /* open_pledge */
	vec receipts;    /* open_receipt */
	vec bank_contribs; /* bank_item: contributions in covered days without a bank match */
	vec differences;   /* fl_bank_item: confirmed pairs that disagree */
	int future;        /* some contribution is dated after the as-of date */
} rc;

/* The reversal of seq, or 0. */
static uint64_t reversed_by(const rc *r, uint64_t seq)
{
	size_t a = 0, z = r->reversed.n;
	while (a < z) {
		size_t m = a + (z - a) / 2;
		const reversal *x = vec_at(&r->reversed, m);
		if (x->target < seq)
			a = m + 1;
		else
			z = m;
	}
	if (a < r->reversed.n && ((const reversal *)vec_at(&r->reversed, a))->target == seq)
		return ((const reversal *)vec_at(&r->reversed, a))->by;
	return 0;
}

static unsigned mu_of(const rc *r, const char *ccy)
{
	const fl_currency *c = fl_config_currency(r->cfg, ccy);
	return c ? c->minor_units : 2;
}

/* The rate of ccy in force on date (FL_RATE_SCALE for USD); 0 when there is none. */
static uint64_t rate_on(const rc *r, const char *ccy, const char *date)
{
	const fl_rate_item *it;
	if (strcmp(ccy, "USD") == 0)
		return FL_RATE_SCALE;
	it = fl_rates_in_force(&r->rates, ccy, date);
	return it ? it->rate : 0;
}

static fl_currency_totals *ccy_totals(rc *r, const char *ccy)
{
	fl_reconcile_totals *t = r->out;
	size_t i = 0;
	while (i < t->n_ccy && strcmp(t->ccy[i].currency, ccy) < 0)
		i++;
	if (i < t->n_ccy && strcmp(t->ccy[i].currency, ccy) == 0)
		return &t->ccy[i];
	if (t->n_ccy == FL_RECONCILE_CURRENCIES_MAX)
		return NULL;
	memmove(&t->ccy[i + 1], &t->ccy[i], (t->n_ccy - i) * sizeof(t->ccy[0]));
	memset(&t->ccy[i], 0, sizeof(t->ccy[0]));
	strcpy(t->ccy[i].currency, ccy);
	t->n_ccy++;
	return &t->ccy[i];
}

static int add(int64_t *acc, int64_t v)
{
	return fl_money_add(acc, v);
}

static int64_t days_apart(const char *a, const char *b);

/* ---- pledges ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Due date of instalment k (docs/RECONCILE.md): 31 December of its year, or, when the
 * pledge has a due date, that day of the year shifted by the instalment's distance from the
 * first year (29 February falls back to the 28th). */
static void instalment_due(char out[FL_DATE_LEN + 1], const schedule *p, size_t k)
{
	if (!p->due[0]) {
		snprintf(out, FL_DATE_LEN + 1, "%04u-12-31", p->years[k] % 10000u);
		return;
	}
	{
		int y = fl_date_year(p->due) + (p->years[k] - p->years[0]);
		int m = (p->due[5] - '0') * 10 + (p->due[6] - '0');
		int d = (p->due[8] - '0') * 10 + (p->due[9] - '0');
		if (y > FL_YEAR_MAX)
			y = FL_YEAR_MAX;
		if (m == 2 && d == 29 && !is_leap(y))
			d = 28;
		snprintf(out, FL_DATE_LEN + 1, "%04u-%02u-%02u", (unsigned)y % 10000u,
			 (unsigned)m % 100u, (unsigned)d % 100u);
	}
}

/* Instalment k's amount: the pledge split evenly over its years, the first ones taking the
 * minor units left over. */
static int64_t instalment_amount(const schedule *p, size_t k)
{
	int64_t n = (int64_t)p->n_years, base = p->amount / n, rem = p->amount % n;
	return base + ((int64_t)k < rem ? 1 : 0);
}

/* The due date of the first instalment that `covered` (paid and written off) does not cover;
 * "" when nothing is outstanding. */
static void next_due(char out[FL_DATE_LEN + 1], const schedule *p, int64_t covered)
{
	int64_t cum = 0;
	out[0] = 0;
	if (covered >= p->amount)
		return;
	for (size_t k = 0; k < p->n_years; k++) {
		cum += instalment_amount(p, k);
		if (cum > covered) {
			instalment_due(out, p, k);
			return;
		}
	}
}

static void schedule_of(schedule *out, const fl_entry *e)
{
	memcpy(out->years, e->years, sizeof(out->years));
	out->n_years = e->n_years;
	memcpy(out->due, e->due, sizeof(out->due));
	out->amount = e->amount;
}

static int usd_of(int64_t *out, int64_t amount, unsigned mu, uint64_t rate)
{
	if (amount < 0) {
		int err = fl_money_to_usd(out, -amount, mu, rate);
		*out = -*out;
		return err;
	}
	return fl_money_to_usd(out, amount, mu, rate);
}

/* What stands against one pledge, summed from the match and write-off streams. */
typedef struct {
	int64_t written_off, settled, usd;
	uint64_t matches;
} pledge_sums;

/* One pledge (decoded in r->e): its report, its totals, and kept if still open. */
static int pledge_row(rc *r, uint64_t rev_by, const pledge_sums *sums)
{
	fl_pledge_report p;
	const fl_entry *e = &r->e;
	fl_reconcile_totals *t = r->out;
	fl_currency_totals *ct;
	schedule sched;
	int64_t covered, due_sum = 0;
	unsigned mu;
	int err;

	memset(&p, 0, sizeof(p));
	p.seq = e->seq;
	p.pledge = e;
	p.reversed_by = rev_by;
	p.pledged = e->amount;
	/* Nothing stands against a reversed pledge: its matches and write-offs are void. */
	if (!p.reversed_by) {
		p.written_off = sums->written_off;
		p.paid = sums->settled;
		p.usd_received = sums->usd;
		p.matches = sums->matches;
	}
	covered = p.paid;
	p.outstanding = p.pledged;
	/* covered >= 0, so -covered cannot overflow. */
	if ((err = add(&covered, p.written_off)) < 0 || (err = add(&p.outstanding, -covered)) < 0)
		return fl_error_prefix("pledge %" PRIu64 ": ", p.seq);
	schedule_of(&sched, e);
	for (size_t k = 0; k < e->n_years; k++) {
		char due[FL_DATE_LEN + 1];
		int64_t amt = instalment_amount(&sched, k);
		instalment_due(due, &sched, k);
		if (strcmp(due, r->opt->as_of) < 0)
			due_sum += amt;
	}
	if (p.outstanding > 0)
		next_due(p.next_due, &sched, covered);
	if (p.outstanding > 0 && due_sum > covered)
		p.overdue = due_sum - covered < p.outstanding ? due_sum - covered : p.outstanding;

	if (p.reversed_by)
		p.status = FL_PLEDGE_REVERSED;
	else if (p.outstanding < 0)
		p.status = FL_PLEDGE_OVERPAID;
	else if (p.outstanding == 0)
		p.status = p.written_off > 0 ? FL_PLEDGE_WRITTEN_OFF : FL_PLEDGE_PAID;
	else if (p.overdue > 0)
		p.status = FL_PLEDGE_OVERDUE;
	else if (p.paid > 0)
		p.status = FL_PLEDGE_PARTIAL;
	else
		p.status = FL_PLEDGE_OPEN;

	mu = mu_of(r, e->currency);
	p.pledge_rate = rate_on(r, e->currency, e->date);
	if (p.pledge_rate) {
		p.usd_known = 1;
		if ((err = usd_of(&p.usd_pledged, p.pledged, mu, p.pledge_rate)) < 0 ||
		    (err = usd_of(&p.usd_paid, p.paid, mu, p.pledge_rate)) < 0 ||
		    (err = usd_of(&p.usd_written_off, p.written_off, mu, p.pledge_rate)) < 0)
			return fl_error_prefix("pledge %" PRIu64 ": ", p.seq);
		p.usd_outstanding = p.usd_pledged - p.usd_paid - p.usd_written_off;
		p.fx_difference = p.usd_received - p.usd_paid;
	}

	t->by_status[p.status]++;
	if (p.status != FL_PLEDGE_REVERSED) {
		if (!(ct = ccy_totals(r, e->currency)))
			return fl_error_set(FL_ERANGE, "more than %d currencies",
					    FL_RECONCILE_CURRENCIES_MAX);
		ct->pledges++;
		if ((err = add(&ct->pledged, p.pledged)) < 0 || (err = add(&ct->paid, p.paid)) < 0 ||
		    (err = add(&ct->written_off, p.written_off)) < 0 ||
		    (err = add(&ct->outstanding, p.outstanding)) < 0 ||
		    (err = add(&ct->overdue, p.overdue)) < 0)
			return err;
		if (p.usd_known) {
			if ((err = add(&t->usd_pledged, p.usd_pledged)) < 0 ||
			    (err = add(&t->usd_paid, p.usd_paid)) < 0 ||
			    (err = add(&t->usd_written_off, p.usd_written_off)) < 0 ||
			    (err = add(&t->usd_outstanding, p.usd_outstanding)) < 0 ||
			    (err = add(&t->usd_received_applied, p.usd_received)) < 0 ||
			    (err = add(&t->fx_difference, p.fx_difference)) < 0)
				return err;
			if (p.overdue) {
				int64_t u;
				if ((err = usd_of(&u, p.overdue, mu, p.pledge_rate)) < 0 ||
				    (err = add(&t->usd_overdue, u)) < 0)
					return err;
			}
		} else {
			t->pledges_without_rate++;
		}
		if (p.outstanding > 0) {
			open_pledge *o = vec_push(&r->pledges);
			if (!o)
				return fl_error_set(FL_ENOMEM, "out of memory");
			o->seq = p.seq;
			strcpy(o->fund, e->fund);
			strcpy(o->donor, e->donor);
			strcpy(o->currency, e->currency);
			strcpy(o->date, e->date);
			strcpy(o->due, p.next_due);
			o->outstanding = p.outstanding;
			o->sched = sched;
			o->covered = covered;
		}
	}
	if (r->v && r->v->pledge && (err = r->v->pledge(r->v->ctx, &p)) < 0)
		return err;
	return 0;
}

/* ---- receipts and proposals ---- */

static int cmp_pledge(const void *a, const void *b)
{
	const open_pledge *x = a, *y = b;
	int c;
	if ((c = strcmp(x->donor, y->donor)) || (c = strcmp(x->fund, y->fund)) ||
	    (c = strcmp(x->due, y->due)))
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The open pledges of a donor to a fund: [*lo, *hi) of the sorted vector. */
static void pledge_range(const rc *r, const char *donor, const char *fund, size_t *lo, size_t *hi)
{
	size_t a = 0, b = r->pledges.n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		const open_pledge *p = vec_at(&r->pledges, m);
		int c = strcmp(p->donor, donor);
		if (c == 0)
			c = strcmp(p->fund, fund);
		if (c < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = a;
	while (b < r->pledges.n) {
		const open_pledge *p = vec_at(&r->pledges, b);
		if (strcmp(p->donor, donor) || strcmp(p->fund, fund))
			break;
		b++;
	}
	*hi = b;
}

/* What `amount` of receipt c settles of a pledge in `ccy`; 0 in *ok when no rate converts. */
static int settle(const rc *r, const open_receipt *c, int64_t amount, const char *ccy,
		  int64_t *out, int *ok)
{
	uint64_t rp;
	*ok = 1;
	if (strcmp(ccy, c->currency) == 0) {
		*out = amount;
		return 0;
	}
	if (!(rp = rate_on(r, ccy, c->date))) {
		*ok = 0;
		return 0;
	}
	return fl_money_convert(out, amount, mu_of(r, c->currency), c->rate_used, mu_of(r, ccy), rp);
}

__extension__ typedef __int128 i128;

static int within_tolerance(int64_t a, int64_t b)
{
	int64_t d = a > b ? a - b : b - a;
	/* |a - b| / b <= tolerance; amounts < 2^60, so 10^4 * d fits in 128 bits. */
	return (i128)d * 10000 <= (i128)b * FL_RECONCILE_FX_TOLERANCE_BP;
}

/* The open pledge `seq` of a donor to a fund, or NULL. */
static open_pledge *find_open(const rc *r, const char *donor, const char *fund, uint64_t seq)
{
	size_t lo, hi;
	pledge_range(r, donor, fund, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		open_pledge *p = vec_at(&r->pledges, i);
		if (p->seq == seq)
			return p;
	}
	return NULL;
}

/* How a proposal came about, kept instead of its reason text (which is made again from it). */
enum { WHY_NAMED, WHY_EXACT, WHY_EXACT_FX, WHY_SEVERAL, WHY_ONLY_PART, WHY_ONLY_MORE };

static void make_reason(fl_proposal *pr, int why)
{
	switch (why) {
	case WHY_NAMED:
		snprintf(pr->reason, sizeof(pr->reason),
			 "contribution %" PRIu64 " names pledge %" PRIu64, pr->contribution,
			 pr->pledges[0]);
		break;
	case WHY_EXACT:
		snprintf(pr->reason, sizeof(pr->reason),
			 "the amount is what pledge %" PRIu64 " has outstanding", pr->pledges[0]);
		break;
	case WHY_EXACT_FX:
		snprintf(pr->reason, sizeof(pr->reason),
			 "the amount converts to what pledge %" PRIu64 " has outstanding",
			 pr->pledges[0]);
		break;
	case WHY_SEVERAL:
		snprintf(pr->reason, sizeof(pr->reason),
			 "the amount is what the %zu oldest open pledges have outstanding together",
			 pr->n);
		break;
	case WHY_ONLY_PART:
		snprintf(pr->reason, sizeof(pr->reason), "the only open pledge; a part payment");
		break;
	default:
		snprintf(pr->reason, sizeof(pr->reason),
			 "the only open pledge; it pays more than is outstanding");
		break;
	}
}

/* Rule "named": the pledge the contribution names, if it stands, is in range and no match
 * between the two was ever recorded (an undone one is the treasurer's decision). 1 when it
 * applies, 0 when not, or a negative code. */
static int try_named(rc *r, const open_receipt *c, fl_proposal *pr, int *why)
{
	fl_ref_info info;
	uint64_t seqs[1];
	size_t n;
	int64_t s;
	int ok, err;

	if (!c->named)
		return 0;
	err = fl_store_ref_info(r->s, c->named, &info);
	if (err == FL_ENOTFOUND)
		return 0;
	if (err < 0)
		return err;
	if (info.kind != FL_KIND_PLEDGE || info.reversed_by || strcmp(info.date, r->opt->as_of) > 0)
		return 0;
	if ((err = fl_store_pair_matches(r->s, c->seq, c->named, seqs, 1, &n)) < 0 &&
	    err != FL_ERANGE)
		return err;
	if (err == FL_ERANGE || n > 0)
		return 0;
	if ((err = settle(r, c, c->remaining, info.currency, &s, &ok)) < 0)
		return err;
	if (!ok)
		return 0;
	pr->rule = FL_RULE_NAMED;
	pr->n = 1;
	pr->pledges[0] = c->named;
	pr->amounts[0] = c->remaining;
	pr->settles[0] = s;
	*why = WHY_NAMED;
	return 1;
}

static int is_exact(const open_pledge *p, const open_receipt *c, int64_t conv)
{
	return strcmp(p->currency, c->currency) == 0 ? conv == p->outstanding
						      : within_tolerance(conv, p->outstanding);
}

/*
 * The proposal for receipt c against the pledges' outstanding amounts as they stand. Applies
 * nothing: the caller takes what a proposal of rules 1-4 settles off the pledges (take()).
 */
static int propose(rc *r, const open_receipt *c, fl_proposal *pr, int *why)
{
	size_t lo, hi, nc = 0, nlist = 0;
	size_t cand[FL_RECONCILE_SPLIT_MAX];
	int64_t conv[FL_RECONCILE_SPLIT_MAX];
	open_pledge *ex = NULL, *ex2 = NULL;
	int64_t ex_conv = 0;
	int err;

	memset(pr, 0, sizeof(*pr));
	pr->contribution = c->seq;
	pr->fund = c->fund;
	pr->donor = c->donor;
	pr->currency = c->currency;
	pr->date = c->date;
	pr->amount = c->remaining;
	if ((err = try_named(r, c, pr, why)) != 0)
		return err < 0 ? err : 0;

	/* Candidates: open pledges of the donor to the fund, pledged on or before the receipt,
	 * still outstanding, in a currency the rates of its value date convert to; in due-date
	 * order. Every candidate is weighed for "exact"; the first ones are kept for "several"
	 * and for listing. */
	pledge_range(r, c->donor, c->fund, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		open_pledge *p = vec_at(&r->pledges, i);
		int64_t s;
		int ok;
		if (p->outstanding <= 0 || strcmp(p->date, c->date) > 0)
			continue;
		if ((err = settle(r, c, c->remaining, p->currency, &s, &ok)) < 0)
			return err;
		if (!ok)
			continue;
		if (nlist < FL_RECONCILE_SPLIT_MAX) {
			conv[nlist] = s;
			cand[nlist++] = i;
		}
		nc++;
		if (is_exact(p, c, s)) {
			if (!ex) {
				ex = p;
				ex_conv = s;
			} else if (!ex2 && strcmp(p->due, ex->due) == 0) {
				ex2 = p;
			}
		}
	}
	if (nc == 0) {
		pr->rule = FL_RULE_NONE;
		snprintf(pr->reason, sizeof(pr->reason), "no open pledge of %s to %s dated on or "
							 "before %s",
			 c->donor, c->fund, c->date);
		return 0;
	}
	/* Exact: the amount settles what one pledge has outstanding (within the tolerance
	 * across currencies); the one due first wins, unless another falls due the same day. */
	if (ex && ex2) {
		pr->rule = FL_RULE_AMBIGUOUS;
		pr->n = 2;
		pr->pledges[0] = ex->seq;
		pr->pledges[1] = ex2->seq;
		snprintf(pr->reason, sizeof(pr->reason),
			 "pledges %" PRIu64 " and %" PRIu64 " are both due %s for this amount",
			 ex->seq, ex2->seq, ex->due);
		return 0;
	}
	if (ex) {
		pr->rule = FL_RULE_EXACT;
		pr->n = 1;
		pr->pledges[0] = ex->seq;
		pr->amounts[0] = c->remaining;
		pr->settles[0] = ex_conv;
		*why = strcmp(ex->currency, c->currency) == 0 ? WHY_EXACT : WHY_EXACT_FX;
		return 0;
	}
	/* Several: the amount is what the oldest open pledges, in its own currency, have
	 * outstanding together. */
	{
		int64_t sum = 0;
		for (size_t k = 0; k < nlist; k++) {
			open_pledge *p = vec_at(&r->pledges, cand[k]);
			if (strcmp(p->currency, c->currency) || fl_money_add(&sum, p->outstanding) < 0 ||
			    sum > c->remaining)
				break;
			if (sum == c->remaining && k >= 1) {
				pr->rule = FL_RULE_SEVERAL;
				pr->n = k + 1;
				for (size_t j = 0; j <= k; j++) {
					open_pledge *q = vec_at(&r->pledges, cand[j]);
					pr->pledges[j] = q->seq;
					pr->amounts[j] = q->outstanding;
					pr->settles[j] = q->outstanding;
				}
				*why = WHY_SEVERAL;
				return 0;
			}
		}
	}
	/* Only: the donor has one open pledge to the fund; the receipt pays it in part, or
	 * more than in full. */
	if (nc == 1) {
		open_pledge *p = vec_at(&r->pledges, cand[0]);
		pr->rule = FL_RULE_ONLY;
		pr->n = 1;
		pr->pledges[0] = p->seq;
		pr->amounts[0] = c->remaining;
		pr->settles[0] = conv[0];
		*why = conv[0] < p->outstanding ? WHY_ONLY_PART : WHY_ONLY_MORE;
		return 0;
	}
	pr->rule = FL_RULE_AMBIGUOUS;
	pr->n = nlist;
	for (size_t k = 0; k < nlist; k++)
		pr->pledges[k] = ((open_pledge *)vec_at(&r->pledges, cand[k]))->seq;
	snprintf(pr->reason, sizeof(pr->reason),
		 "%zu open pledges could take it and no rule picks one", nc);
	return 0;
}

static int applicable(fl_match_rule rule)
{
	return rule != FL_RULE_AMBIGUOUS && rule != FL_RULE_NONE;
}

/* Takes what a proposal settles off the outstanding amounts of its pledges. */
/*
 * Takes what a proposal settles off its pledges: their outstanding amounts go down and their
 * next due dates move on, as they will once the matches are recorded; the donor's and fund's
 * pledges are put back in due-date order, so that the next receipt sees them as the next run
 * will.
 */
static void take(rc *r, const open_receipt *c, const fl_proposal *pr)
{
	size_t lo, hi;
	for (size_t k = 0; k < pr->n; k++) {
		open_pledge *p = find_open(r, c->donor, c->fund, pr->pledges[k]);
		if (!p)
			continue;
		p->outstanding -= pr->settles[k];
		p->covered += pr->settles[k];
		next_due(p->due, &p->sched, p->covered);
	}
	pledge_range(r, c->donor, c->fund, &lo, &hi);
	if (hi - lo > 1)
		qsort(vec_at(&r->pledges, lo), hi - lo, r->pledges.size, cmp_pledge);
}

/* A proposal of rules 1-4, kept compactly until the report: its parts are in rc.parts. */
typedef struct {
	size_t receipt;   /* index in rc.receipts */
	size_t first, n;  /* its parts */
	fl_match_rule rule;
	int why;
} kept_proposal;

typedef struct {
	uint64_t pledge;
	int64_t amount, settle;
} kept_part;

static int keep(vec *kept, vec *parts, size_t receipt, const fl_proposal *pr, int why)
{
	kept_proposal *k = vec_push(kept);
	if (!k)
		return fl_error_set(FL_ENOMEM, "out of memory");
	k->receipt = receipt;
	k->first = parts->n;
	k->n = pr->n;
	k->rule = pr->rule;
	k->why = why;
	for (size_t j = 0; j < pr->n; j++) {
		kept_part *x = vec_push(parts);
		if (!x)
			return fl_error_set(FL_ENOMEM, "out of memory");
		x->pledge = pr->pledges[j];
		x->amount = pr->amounts[j];
		x->settle = pr->settles[j];
	}
	return 0;
}

static int cmp_kept(const void *a, const void *b)
{
	const kept_proposal *x = a, *y = b;
	return x->receipt < y->receipt ? -1 : x->receipt > y->receipt;
}

/*
 * Proposals for every open receipt. Receipts are taken in value-date order, each proposal
 * lowering what its pledges have outstanding for the receipts after it; then the receipts
 * left ambiguous or unplaced are weighed again against what is left, until nothing changes,
 * so that what --apply records leaves nothing of rules 1-4 behind. Each receipt is reported
 * once, in value-date order: its proposal, or what it is against the final amounts.
 */
static int propose_all(rc *r)
{
	fl_reconcile_totals *t = r->out;
	vec kept = {NULL, 0, 0, sizeof(kept_proposal)};
	vec parts = {NULL, 0, 0, sizeof(kept_part)};
	unsigned char *done = NULL;
	fl_proposal pr;
	size_t nk;
	int err = 0, changed = 1, why = 0;

	if (r->receipts.n && !(done = calloc(r->receipts.n, 1)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < r->receipts.n; i++) {
			open_receipt *c = vec_at(&r->receipts, i);
			if (done[i])
				continue;
			if ((err = propose(r, c, &pr, &why)) < 0)
				goto out;
			if (!applicable(pr.rule))
				continue;
			take(r, c, &pr);
			if ((err = keep(&kept, &parts, i, &pr, why)) < 0)
				goto out;
			done[i] = 1;
			changed = 1;
		}
	}
	if (kept.n)
		qsort(kept.data, kept.n, kept.size, cmp_kept);
	nk = 0;
	for (size_t i = 0; i < r->receipts.n; i++) {
		open_receipt *c = vec_at(&r->receipts, i);
		if (nk < kept.n && ((kept_proposal *)vec_at(&kept, nk))->receipt == i) {
			kept_proposal *k = vec_at(&kept, nk++);
			memset(&pr, 0, sizeof(pr));
			pr.contribution = c->seq;
			pr.fund = c->fund;
			pr.donor = c->donor;
			pr.currency = c->currency;
			pr.date = c->date;
			pr.amount = c->remaining;
			pr.rule = k->rule;
			pr.n = k->n;
			for (size_t j = 0; j < k->n; j++) {
				kept_part *x = vec_at(&parts, k->first + j);
				pr.pledges[j] = x->pledge;
				pr.amounts[j] = x->amount;
				pr.settles[j] = x->settle;
			}
			make_reason(&pr, k->why);
			t->proposals++;
		} else {
			if ((err = propose(r, c, &pr, &why)) < 0)
				goto out;
			if (pr.rule == FL_RULE_AMBIGUOUS)
				t->ambiguous++;
			else
				t->unpledged++;
		}
		if (r->v && r->v->proposal && (err = r->v->proposal(r->v->ctx, &pr)) < 0)
			goto out;
	}
	err = 0;
out:
	free(done);
	vec_free(&kept);
	vec_free(&parts);
	return err;
}

static int cmp_receipt(const void *a, const void *b)
{
	const open_receipt *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int receipts(rc *r)
{
	if (r->pledges.n)
		qsort(r->pledges.data, r->pledges.n, r->pledges.size, cmp_pledge);
	if (r->receipts.n)
		qsort(r->receipts.data, r->receipts.n, r->receipts.size, cmp_receipt);
	return propose_all(r);
}

/* ---- the streams ---- */

/* A cursor over one query that can look at its current row before taking it. */
typedef struct {
	fl_store_iter *it;
	fl_qrow row;
	int has; /* 1: row holds the next row; 0: the end */
} cursor;

static int cursor_open(cursor *c, rc *r, fl_query which, const fl_qparams *qp)
{
	int err;
	memset(c, 0, sizeof(*c));
	if ((err = fl_store_query(&c->it, r->s, which, qp)) < 0)
		return err;
	c->has = fl_store_query_next(c->it, &c->row);
	return c->has < 0 ? c->has : 0;
}

static int cursor_next(cursor *c)
{
	c->has = fl_store_query_next(c->it, &c->row);
	return c->has < 0 ? c->has : 0;
}

static void cursor_close(cursor *c)
{
	fl_store_iter_free(c->it);
	c->it = NULL;
}

static int load_reversed(rc *r, const fl_qparams *qp)
{
	cursor c;
	int err;
	if ((err = cursor_open(&c, r, FL_Q_REVERSED, qp)) < 0)
		goto done;
	while (c.has == 1) {
		reversal *x = vec_push(&r->reversed);
		if (!x) {
			err = fl_error_set(FL_ENOMEM, "out of memory");
			goto done;
		}
		x->target = (uint64_t)c.row.i[0];
		x->by = (uint64_t)c.row.i[1];
		if ((err = cursor_next(&c)) < 0)
			goto done;
	}
done:
	cursor_close(&c);
	return err;
}

/*
 * Pledges in seq order, merged with every match and write-off in pledge order: one pass over
 * each, with nothing held but the open pledges.
 */
static int pledges_pass(rc *r, const fl_qparams *qp)
{
	cursor p, m, w;
	int err;

	memset(&m, 0, sizeof(m));
	memset(&w, 0, sizeof(w));
	/* The contributions' dates matter only if some are after the as-of date. */
	if ((err = cursor_open(&p, r, FL_Q_PLEDGES, qp)) < 0 ||
	    (err = cursor_open(&m, r,
			       r->future ? FL_Q_MATCHES_BY_PLEDGE : FL_Q_MATCHES_BY_PLEDGE_ALL,
			       qp)) < 0 ||
	    (err = cursor_open(&w, r, FL_Q_WRITEOFFS_BY_PLEDGE, qp)) < 0)
		goto done;
	while (p.has == 1) {
		uint64_t seq = (uint64_t)p.row.i[0];
		pledge_sums sums;
		memset(&sums, 0, sizeof(sums));
		while (m.has == 1 && (uint64_t)m.row.i[0] <= seq) {
			/* pledge, seq, contribution, settled, usd; the contribution's date */
			const char *cdate = m.row.t[0] ? m.row.t[0] : "";
			if ((uint64_t)m.row.i[0] == seq && !reversed_by(r, (uint64_t)m.row.i[1]) &&
			    !reversed_by(r, (uint64_t)m.row.i[2]) &&
			    (!r->future || strcmp(cdate, r->opt->as_of) <= 0)) {
				if ((err = add(&sums.settled, m.row.i[3])) < 0 ||
				    (err = add(&sums.usd, m.row.i[4])) < 0)
					goto done;
				sums.matches++;
			}
			if ((err = cursor_next(&m)) < 0)
				goto done;
		}
		while (w.has == 1 && (uint64_t)w.row.i[0] <= seq) {
			/* pledge, seq, amount; date */
			const char *wdate = w.row.t[0] ? w.row.t[0] : "";
			if ((uint64_t)w.row.i[0] == seq && !reversed_by(r, (uint64_t)w.row.i[1]) &&
			    strcmp(wdate, r->opt->as_of) <= 0 &&
			    (err = add(&sums.written_off, w.row.i[2])) < 0)
				goto done;
			if ((err = cursor_next(&w)) < 0)
				goto done;
		}
		/* Settled history the caller does not want (settled_before): skip it whole. */
		if (r->opt->settled_before && p.row.t[0] &&
		    strcmp(p.row.t[0], r->opt->settled_before) < 0) {
			uint64_t rev = reversed_by(r, seq);
			int64_t covered = sums.settled;
			if ((err = add(&covered, sums.written_off)) < 0)
				goto done;
			if (rev || covered >= p.row.i[1]) {
				if ((err = cursor_next(&p)) < 0)
					goto done;
				continue;
			}
		}
		if ((err = fl_entry_decode(&r->e, p.row.blob, p.row.blob_len)) < 0) {
			fl_error_prefix("entry %" PRIu64 ": ", seq);
			goto done;
		}
		if ((err = pledge_row(r, reversed_by(r, seq), &sums)) < 0)
			goto done;
		if ((err = cursor_next(&p)) < 0)
			goto done;
	}
done:
	cursor_close(&p);
	cursor_close(&m);
	cursor_close(&w);
	return err;
}

static const coverage *covered(const rc *r, const char *ccy, const char *date)
{
	for (size_t i = 0; i < r->covs.n; i++) {
		const coverage *c = vec_at(&r->covs, i);
		if (strcmp(c->currency, ccy) == 0)
			return strcmp(date, c->from) >= 0 && strcmp(date, c->to) <= 0 ? c : NULL;
	}
	return NULL;
}

/* Copies a NUL-terminated string into out[cap], cut to fit. */
static void copy_str(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);
	memcpy(out, s, n);
	out[n] = 0;
}

/* Reads entry seq's bytes into r->e. */
static int read_entry(rc *r, uint64_t seq)
{
	int err;
	if ((err = fl_store_get(r->s, seq, &r->canon, NULL)) < 0 ||
	    (err = fl_entry_decode(&r->e, r->canon.data, r->canon.len)) < 0)
		return fl_error_prefix("entry %" PRIu64 ": ", seq);
	return 0;
}

static int wanted(const rc *r, const char *fund, const char *donor)
{
	return (!r->opt->fund || strcmp(r->opt->fund, fund) == 0) &&
	       (!r->opt->donor || strcmp(r->opt->donor, donor) == 0);
}

/*
 * Contributions in seq order, merged with every match and bank match in contribution order:
 * what each has applied, and whether a bank line confirms it. Keeps the open receipts (of the
 * fund and donor asked for), the contributions the bank should show and does not yet, and
 * the confirmed pairs that disagree.
 */
static int contributions_pass(rc *r, const fl_qparams *qp)
{
	cursor c, x;
	fl_reconcile_totals *t = r->out;
	int err;

	memset(&x, 0, sizeof(x));
	if ((err = cursor_open(&c, r, FL_Q_CONTRIBUTIONS, qp)) < 0 ||
	    (err = cursor_open(&x, r, FL_Q_BY_CONTRIBUTION, qp)) < 0)
		goto done;
	while (c.has == 1) {
		/* seq, amount, named pledge; currency, date, fund, donor */
		uint64_t seq = (uint64_t)c.row.i[0];
		int64_t amount = c.row.i[1], applied = 0;
		const char *ccy = c.row.t[0] ? c.row.t[0] : "", *date = c.row.t[1] ? c.row.t[1] : "";
		const char *fund = c.row.t[2] ? c.row.t[2] : "", *donor = c.row.t[3] ? c.row.t[3] : "";
		char cur[FL_CURRENCY_LEN + 1], dt[FL_DATE_LEN + 1], fd[FL_CODE_MAX + 1],
			dn[FL_CODE_MAX + 1];
		uint64_t named = (uint64_t)c.row.i[2], bankmatch = 0, line = 0;
		int64_t line_amount = 0;
		char line_date[FL_DATE_LEN + 1] = "";
		int live = !reversed_by(r, seq), want;

		copy_str(cur, sizeof(cur), ccy);
		copy_str(dt, sizeof(dt), date);
		copy_str(fd, sizeof(fd), fund);
		copy_str(dn, sizeof(dn), donor);
		if (strcmp(dt, r->opt->as_of) > 0) {
			/* After the as-of date: not in the view; only its matches are skipped. */
			r->future = 1;
			while (x.has == 1 && (uint64_t)x.row.i[0] <= seq)
				if ((err = cursor_next(&x)) < 0)
					goto done;
			if ((err = cursor_next(&c)) < 0)
				goto done;
			continue;
		}
		if (r->v && r->v->contribution) {
			/* seq, amount, named pledge, usd, usd is NULL */
			fl_receipt_info ri = {seq, fd, dn, cur, dt, amount, c.row.i[3], !c.row.i[4], live};
			if ((err = r->v->contribution(r->v->ctx, &ri)) < 0)
				goto done;
		}
		want = live && wanted(r, fd, dn);
		while (x.has == 1 && (uint64_t)x.row.i[0] <= seq) {
			/* contribution, seq, kind, ref, amount, line's statement, line's amount;
			 * line's date */
			const fl_qrow *q = &x.row;
			if ((uint64_t)q->i[0] == seq && !reversed_by(r, (uint64_t)q->i[1])) {
				if (q->i[2] == FL_KIND_MATCH && !reversed_by(r, (uint64_t)q->i[3])) {
					if ((err = add(&applied, q->i[4])) < 0)
						goto done;
				} else if (q->i[2] == FL_KIND_BANKMATCH &&
					   !reversed_by(r, (uint64_t)q->i[5]) && q->t[0] &&
					   strcmp(q->t[0], r->opt->as_of) <= 0 && !bankmatch) {
					bankmatch = (uint64_t)q->i[1];
					line = (uint64_t)q->i[3];
					line_amount = q->i[6];
					snprintf(line_date, sizeof(line_date), "%s", q->t[0]);
				}
			}
			if ((err = cursor_next(&x)) < 0)
				goto done;
		}
		if (live && bankmatch) {
			t->bank_matched++;
			if ((line_amount != amount ||
			     days_apart(line_date, dt) > FL_RECONCILE_BANK_WINDOW_DAYS) &&
			    wanted(r, fd, dn)) {
				fl_bank_item *b = vec_push(&r->differences);
				if (!b) {
					err = fl_error_set(FL_ENOMEM, "out of memory");
					goto done;
				}
				b->cls = FL_BANK_DIFFERENCE;
				b->bankmatch = bankmatch;
				b->line = line;
				b->contribution = seq;
				b->line_amount = line_amount;
				b->ledger_amount = amount;
				strcpy(b->line_date, line_date);
				strcpy(b->ledger_date, dt);
				strcpy(b->currency, cur);
				strcpy(b->donor, dn);
				snprintf(b->reason, sizeof(b->reason), "confirmed by entry %" PRIu64 "; %s",
					 bankmatch,
					 line_amount != amount ? "the amounts differ"
							       : "the value dates are far apart");
			}
		}
		if (want) {
			fl_currency_totals *ct = ccy_totals(r, cur);
			if (!ct) {
				err = fl_error_set(FL_ERANGE, "too many currencies");
				goto done;
			}
			if ((err = add(&ct->received, amount)) < 0 ||
			    (err = add(&ct->applied, applied)) < 0 ||
			    (err = add(&ct->unapplied, amount - applied)) < 0)
				goto done;
		}
		if ((want && amount > applied) || (live && !bankmatch && covered(r, cur, dt))) {
			if ((err = read_entry(r, seq)) < 0)
				goto done;
		}
		if (want && amount > applied) {
			open_receipt *o = vec_push(&r->receipts);
			int64_t usd;
			if (!o) {
				err = fl_error_set(FL_ENOMEM, "out of memory");
				goto done;
			}
			o->seq = seq;
			strcpy(o->fund, fd);
			strcpy(o->donor, dn);
			strcpy(o->currency, cur);
			strcpy(o->date, dt);
			o->named = named;
			o->rate_used = r->e.rate_used;
			o->remaining = amount - applied;
			if ((err = fl_money_to_usd(&usd, o->remaining, mu_of(r, cur), o->rate_used)) <
				    0 ||
			    (err = add(&t->usd_unapplied, usd)) < 0)
				goto done;
		}
		if (live && !bankmatch && covered(r, cur, dt)) {
			bank_item *b = vec_push(&r->bank_contribs);
			if (!b) {
				err = fl_error_set(FL_ENOMEM, "out of memory");
				goto done;
			}
			b->seq = seq;
			strcpy(b->currency, cur);
			strcpy(b->date, dt);
			b->amount = amount;
			strcpy(b->ref, r->e.bank_ref);
			strcpy(b->donor, dn);
			strcpy(b->fund, fd);
		}
		if ((err = cursor_next(&c)) < 0)
			goto done;
	}
done:
	cursor_close(&c);
	cursor_close(&x);
	return err;
}

/* Statements: which days of which currency the bank has told us about. */
static int statements_pass(rc *r, const fl_qparams *qp)
{
	cursor c;
	int err;
	if ((err = cursor_open(&c, r, FL_Q_STATEMENTS, qp)) < 0)
		goto done;
	for (; c.has == 1; err = cursor_next(&c)) {
		coverage *cv = NULL;
		if (err < 0)
			goto done;
		if ((err = fl_entry_decode(&r->e, c.row.blob, c.row.blob_len)) < 0)
			goto done;
		if (strcmp(r->e.from, r->opt->as_of) > 0)
			continue;
		r->out->statements++;
		for (size_t i = 0; i < r->covs.n; i++) {
			coverage *x = vec_at(&r->covs, i);
			if (strcmp(x->currency, r->e.currency) == 0)
				cv = x;
		}
		if (!cv) {
			if (!(cv = vec_push(&r->covs))) {
				err = fl_error_set(FL_ENOMEM, "out of memory");
				goto done;
			}
			strcpy(cv->currency, r->e.currency);
			strcpy(cv->from, r->e.from);
			strcpy(cv->to, r->e.date);
		}
		if (strcmp(r->e.from, cv->from) < 0)
			strcpy(cv->from, r->e.from);
		if (strcmp(r->e.date, cv->to) > 0)
			strcpy(cv->to, r->e.date);
	}
	/* Days after the as-of date are not covered yet. */
	for (size_t i = 0; i < r->covs.n; i++) {
		coverage *x = vec_at(&r->covs, i);
		if (strcmp(x->to, r->opt->as_of) > 0)
			strcpy(x->to, r->opt->as_of);
	}
done:
	cursor_close(&c);
	return err;
}

/* ---- the bank ---- */

static int cmp_ref(const void *a, const void *b)
{
	const bank_item *x = *(const bank_item *const *)a, *y = *(const bank_item *const *)b;
	int c = strcmp(x->ref, y->ref);
	if (c == 0)
		c = strcmp(x->currency, y->currency);
	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int cmp_amount(const void *a, const void *b)
{
	const bank_item *x = *(const bank_item *const *)a, *y = *(const bank_item *const *)b;
	int c = strcmp(x->currency, y->currency);
	if (c)
		return c;
	if (x->amount != y->amount)
		return x->amount < y->amount ? -1 : 1;
	c = strcmp(x->date, y->date);
	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Case-insensitive: does hay contain needle? */
static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return 0;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i]) {
			char a = hay[i], b = needle[i];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			i++;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* Does the line's debtor or remittance text name the contribution's donor? */
static int names_donor(const rc *r, const bank_item *line, const bank_item *c)
{
	const fl_donor *d = fl_config_donor(r->cfg, c->donor);
	if (d && contains_ci(line->who, d->name))
		return 1;
	return contains_ci(line->who, c->donor) && strlen(c->donor) >= 3;
}

static int64_t days_apart(const char *a, const char *b)
{
	int64_t d = fl_date_days(a) - fl_date_days(b);
	return d < 0 ? -d : d;
}

/*
 * Reports one bank item. With --fund or --donor, only items about a contribution of that fund
 * and donor are reported: a line alone cannot be told apart by fund or donor. The matching
 * itself always runs over every contribution, so a line is never called "bank only" because
 * its contribution was filtered out.
 */
static int emit_bank(rc *r, fl_bank_item *b, const char *fund)
{
	fl_reconcile_totals *t = r->out;
	if (r->opt->fund || r->opt->donor) {
		if (!b->contribution || (r->opt->fund && strcmp(r->opt->fund, fund)) ||
		    (r->opt->donor && strcmp(r->opt->donor, b->donor)))
			return 0;
	}
	switch (b->cls) {
	case FL_BANK_PROPOSED: t->bank_proposed++; break;
	case FL_BANK_AMBIGUOUS: t->bank_ambiguous++; break;
	case FL_BANK_ONLY: t->bank_only++; break;
	case FL_LEDGER_ONLY: t->ledger_only++; break;
	case FL_BANK_DIFFERENCE: t->bank_differences++; break;
	case FL_BANK_OTHER: t->bank_other++; break;
	}
	if (r->v && r->v->bank)
		return r->v->bank(r->v->ctx, b);
	return 0;
}

static void pair_item(fl_bank_item *b, const bank_item *line, const bank_item *c)
{
	memset(b, 0, sizeof(*b));
	if (line) {
		b->line = line->seq;
		strcpy(b->currency, line->currency);
		b->line_amount = line->amount;
		strcpy(b->line_date, line->date);
		snprintf(b->ref, sizeof(b->ref), "%.*s", cut(line->ref, 35), line->ref);
		snprintf(b->debtor, sizeof(b->debtor), "%s", line->who);
	}
	if (c) {
		b->contribution = c->seq;
		strcpy(b->currency, c->currency);
		b->ledger_amount = c->amount;
		strcpy(b->ledger_date, c->date);
		strcpy(b->donor, c->donor);
		if (!line)
			snprintf(b->ref, sizeof(b->ref), "%.*s", cut(c->ref, 35), c->ref);
	}
}

static int bank(rc *r)
{
	fl_store_iter *it = NULL;
	fl_qrow q;
	fl_qparams qp = {r->opt->as_of, r->opt->fund, r->opt->donor, NULL, NULL, NULL, 0};
	vec lines = {NULL, 0, 0, sizeof(bank_item)};
	vec contribs = r->bank_contribs;
	bank_item **by_ref = NULL, **by_amt = NULL;
	fl_bank_item b;
	int rc_, err = 0;

	/* Confirmed pairs that disagree come first. */
	for (size_t i = 0; i < r->differences.n; i++)
		if ((err = emit_bank(r, vec_at(&r->differences, i),
				     r->opt->fund ? r->opt->fund : "")) < 0)
			goto done;
	/* Lines without a standing bank match: credits wait for a contribution; debits and
	 * reversals are not contributions. */
	if ((err = fl_store_query(&it, r->s, FL_Q_LINES, &qp)) < 0)
		goto done;
	while ((rc_ = fl_store_query_next(it, &q)) == 1) {
		bank_item *x;
		const fl_entry *e = &r->e;
		if ((err = fl_entry_decode(&r->e, q.blob, q.blob_len)) < 0)
			goto done;
		r->out->lines++;
		if (!(x = vec_push(&lines))) {
			err = fl_error_set(FL_ENOMEM, "out of memory");
			goto done;
		}
		x->seq = e->seq;
		strcpy(x->currency, e->currency);
		strcpy(x->date, e->date);
		x->amount = e->direction[0] == 'C' ? e->amount : -e->amount;
		strcpy(x->ref, e->bank_ref);
		strcpy(x->ref2, e->entry_ref);
		strcpy(x->ref3, e->end_to_end);
		snprintf(x->who, sizeof(x->who), "%.*s%s%.*s", cut(e->debtor, 200), e->debtor,
			 e->debtor[0] && e->remittance[0] ? " / " : "", cut(e->remittance, 300),
			 e->remittance);
		if (e->direction[0] != 'C' || e->bank_reversal) {
			x->done = 1;
			pair_item(&b, x, NULL);
			b.cls = FL_BANK_OTHER;
			snprintf(b.reason, sizeof(b.reason), "%s",
				 e->bank_reversal ? "a reversal by the bank" : "a debit");
			if ((err = emit_bank(r, &b, "")) < 0)
				goto done;
		}
	}
	fl_store_iter_free(it);
	it = NULL;
	if (rc_ < 0) {
		err = rc_;
		goto done;
	}

	/* Rule 1, the bank reference: a credit line whose reference, entry reference or
	 * end-to-end id is a contribution's bank reference, in the same currency. */
	if (contribs.n &&
	    (!(by_ref = calloc(contribs.n, sizeof(*by_ref))) ||
	     !(by_amt = calloc(contribs.n, sizeof(*by_amt))))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < contribs.n; i++)
		by_ref[i] = by_amt[i] = vec_at(&contribs, i);
	if (contribs.n) {
		qsort(by_ref, contribs.n, sizeof(*by_ref), cmp_ref);
		qsort(by_amt, contribs.n, sizeof(*by_amt), cmp_amount);
	}
	for (size_t i = 0; i < lines.n; i++) {
		bank_item *x = vec_at(&lines, i);
		const char *refs[3] = {x->ref, x->ref2, x->ref3};
		unsigned found = 0;
		if (x->done)
			continue;
		for (int k = 0; k < 3; k++) {
			bank_item key, *kp = &key;
			size_t a = 0, z = contribs.n;
			/* A reference given twice (NtryRef often equals EndToEndId) counts once. */
			if (!refs[k][0] || (k > 0 && strcmp(refs[k], refs[0]) == 0) ||
			    (k > 1 && strcmp(refs[k], refs[1]) == 0))
				continue;
			memset(&key, 0, sizeof(key));
			snprintf(key.ref, sizeof(key.ref), "%s", refs[k]);
			strcpy(key.currency, x->currency);
			while (a < z) {
				size_t m = a + (z - a) / 2;
				if (cmp_ref(&by_ref[m], &kp) < 0)
					a = m + 1;
				else
					z = m;
			}
			for (; a < contribs.n && strcmp(by_ref[a]->ref, refs[k]) == 0 &&
			       strcmp(by_ref[a]->currency, x->currency) == 0;
			     a++) {
				if (x->pick != by_ref[a]->seq) {
					found++;
					x->pick = by_ref[a]->seq;
				}
				/* Each line counts once for a contribution, whatever it matched on. */
				if (by_ref[a]->pick != x->seq) {
					by_ref[a]->hits++;
					by_ref[a]->pick = x->seq;
				}
			}
		}
		if (found != 1)
			x->pick = 0;
	}
	for (size_t i = 0; i < lines.n; i++) {
		bank_item *x = vec_at(&lines, i), *c = NULL;
		if (x->done || !x->pick)
			continue;
		for (size_t j = 0; j < contribs.n; j++) {
			bank_item *y = vec_at(&contribs, j);
			if (y->seq == x->pick)
				c = y;
		}
		if (!c || c->hits != 1 || c->done)
			continue;
		x->done = c->done = 1;
		pair_item(&b, x, c);
		if (x->amount == c->amount &&
		    days_apart(x->date, c->date) <= FL_RECONCILE_BANK_WINDOW_DAYS) {
			b.cls = FL_BANK_PROPOSED;
			snprintf(b.reason, sizeof(b.reason), "bank reference %.*s", cut(c->ref, 40),
				 c->ref);
		} else {
			b.cls = FL_BANK_DIFFERENCE;
			snprintf(b.reason, sizeof(b.reason), "bank reference %.*s, but %s", cut(c->ref, 40),
				 c->ref,
				 x->amount != c->amount ? "the amounts differ"
							: "the value dates are far apart");
		}
		if ((err = emit_bank(r, &b, c->fund)) < 0)
			goto done;
	}
	/* Rule 2: amount, currency and value dates within the window; several candidates are
	 * narrowed to those whose donor the line's debtor or remittance names. */
	for (size_t i = 0; i < contribs.n; i++)
		((bank_item *)vec_at(&contribs, i))->hits = 0;
	for (size_t i = 0; i < lines.n; i++) {
		bank_item *x = vec_at(&lines, i);
		size_t a = 0, z = contribs.n, n = 0, named = 0;
		uint64_t pick = 0, pick_named = 0;
		if (x->done)
			continue;
		x->pick = 0;
		while (a < z) {
			size_t m = a + (z - a) / 2;
			int c = strcmp(by_amt[m]->currency, x->currency);
			if (c == 0)
				c = by_amt[m]->amount < x->amount ? -1 : by_amt[m]->amount > x->amount;
			if (c < 0)
				a = m + 1;
			else
				z = m;
		}
		for (; a < contribs.n && by_amt[a]->amount == x->amount &&
		       strcmp(by_amt[a]->currency, x->currency) == 0;
		     a++) {
			bank_item *c = by_amt[a];
			if (c->done || days_apart(c->date, x->date) > FL_RECONCILE_BANK_WINDOW_DAYS)
				continue;
			n++;
			pick = c->seq;
			if (names_donor(r, x, c)) {
				named++;
				pick_named = c->seq;
			}
		}
		if (n == 1)
			x->pick = pick;
		else if (named == 1)
			x->pick = pick_named;
		else if (n > 1)
			x->hits = (unsigned)n; /* ambiguous */
		if (x->pick)
			for (size_t j = 0; j < contribs.n; j++) {
				bank_item *c = vec_at(&contribs, j);
				if (c->seq == x->pick)
					c->hits++;
			}
	}
	for (size_t i = 0; i < lines.n; i++) {
		bank_item *x = vec_at(&lines, i), *c = NULL;
		if (x->done)
			continue;
		if (x->pick)
			for (size_t j = 0; j < contribs.n; j++) {
				bank_item *y = vec_at(&contribs, j);
				if (y->seq == x->pick)
					c = y;
			}
		if (c && c->hits == 1) {
			x->done = c->done = 1;
			pair_item(&b, x, c);
			b.cls = FL_BANK_PROPOSED;
			snprintf(b.reason, sizeof(b.reason),
				 "same amount, value dates %" PRId64 " days apart%s",
				 days_apart(x->date, c->date),
				 names_donor(r, x, c) ? ", the line names the donor" : "");
		} else {
			x->done = 1;
			pair_item(&b, x, NULL);
			if (x->hits > 1 || (c && c->hits > 1)) {
				b.cls = FL_BANK_AMBIGUOUS;
				snprintf(b.reason, sizeof(b.reason),
					 "several contributions of this amount and date fit");
			} else {
				b.cls = FL_BANK_ONLY;
				snprintf(b.reason, sizeof(b.reason), "no contribution recorded");
			}
		}
		if ((err = emit_bank(r, &b, c && b.contribution ? c->fund : "")) < 0)
			goto done;
	}
	for (size_t j = 0; j < contribs.n; j++) {
		bank_item *c = vec_at(&contribs, j);
		if (c->done)
			continue;
		pair_item(&b, NULL, c);
		b.cls = FL_LEDGER_ONLY;
		snprintf(b.reason, sizeof(b.reason), "no statement line; statements cover %s",
			 c->currency);
		if ((err = emit_bank(r, &b, c->fund)) < 0)
			goto done;
	}
	err = 0;
done:
	fl_store_iter_free(it);
	free(by_ref);
	free(by_amt);
	vec_free(&lines);
	return err;
}

/* ---- the use case ---- */

int fl_reconcile(fl_reconcile_totals *out, fl_ledger *l, const fl_reconcile_options *opt,
		 const fl_reconcile_visitor *v)
{
	rc r;
	fl_qparams qp;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.s = fl_ledger_store(l);
	r.cfg = fl_ledger_config(l);
	r.opt = opt;
	r.v = v;
	r.out = out;
	r.reversed.size = sizeof(reversal);
	r.covs.size = sizeof(coverage);
	r.pledges.size = sizeof(open_pledge);
	r.receipts.size = sizeof(open_receipt);
	r.bank_contribs.size = sizeof(bank_item);
	r.differences.size = sizeof(fl_bank_item);
	if (!r.cfg)
		return fl_error_set(FL_EINVALID, "reconciliation needs a configuration");
	if (fl_date_check(opt->as_of, strnlen(opt->as_of, FL_DATE_LEN + 1)) < 0)
		return fl_error_set(FL_EINVALID, "as of: '%.20s' is not a date (YYYY-MM-DD)",
				    opt->as_of);
	if (opt->fund && !fl_config_fund(r.cfg, opt->fund))
		return fl_error_set(FL_ENOTFOUND, "unknown fund '%.40s'", opt->fund);
	if (opt->donor && !fl_config_donor(r.cfg, opt->donor))
		return fl_error_set(FL_ENOTFOUND, "unknown donor '%.40s'", opt->donor);
	strcpy(out->as_of, opt->as_of);
	memset(&qp, 0, sizeof(qp));
	qp.as_of = opt->as_of;
	qp.fund = opt->fund;
	qp.donor = opt->donor;
	if ((err = fl_ledger_load_rates(l, &r.rates)) < 0 || (err = load_reversed(&r, &qp)) < 0 ||
	    (err = statements_pass(&r, &qp)) < 0 || (err = contributions_pass(&r, &qp)) < 0 ||
	    (err = pledges_pass(&r, &qp)) < 0 || (err = receipts(&r)) < 0 ||
	    (err = bank(&r)) < 0)
		goto done;
	out->discrepancies = out->proposals + out->ambiguous + out->bank_proposed +
			     out->bank_ambiguous + out->bank_only + out->ledger_only +
			     out->bank_differences;
done:
	fl_rates_free(&r.rates);
	fl_buf_free(&r.canon);
	vec_free(&r.reversed);
	vec_free(&r.covs);
	vec_free(&r.pledges);
	vec_free(&r.receipts);
	vec_free(&r.bank_contribs);
	vec_free(&r.differences);
	return err;
}

/* ---- applying ---- */

typedef struct {
	vec props; /* fl_proposal, the applicable ones */
	vec banks; /* fl_bank_item, the proposed pairs */
} collected;

static int collect_proposal(void *ctx, const fl_proposal *p)
{
	collected *c = ctx;
	fl_proposal *x;
	if (p->rule == FL_RULE_AMBIGUOUS || p->rule == FL_RULE_NONE || p->n == 0)
		return 0;
	if (!(x = vec_push(&c->props)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	*x = *p;
	x->fund = x->donor = x->currency = x->date = NULL; /* borrowed: gone after the call */
	return 0;
}

static int collect_bank(void *ctx, const fl_bank_item *b)
{
	collected *c = ctx;
	fl_bank_item *x;
	if (b->cls != FL_BANK_PROPOSED)
		return 0;
	if (!(x = vec_push(&c->banks)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	*x = *b;
	return 0;
}

int fl_reconcile_apply(fl_apply_result *out, fl_ledger *l, const fl_reconcile_options *opt,
		       const char *recorded_by, const char *recorded_at)
{
	collected c = {{NULL, 0, 0, sizeof(fl_proposal)}, {NULL, 0, 0, sizeof(fl_bank_item)}};
	fl_reconcile_visitor v = {NULL, collect_proposal, collect_bank, &c, NULL};
	fl_reconcile_totals t;
	fl_append_status st;
	fl_entry e;
	int err, begun = 0;

	memset(out, 0, sizeof(*out));
	/* Propose inside the write transaction, so that what is proposed is what is there. */
	if ((err = fl_ledger_begin(l, recorded_by, recorded_at)) < 0)
		goto done;
	begun = 1;
	if ((err = fl_reconcile(&t, l, opt, &v)) < 0)
		goto done;
	if (c.props.n == 0 && c.banks.n == 0)
		goto done;
	for (size_t i = 0; i < c.props.n; i++) {
		fl_proposal *p = vec_at(&c.props, i);
		for (size_t k = 0; k < p->n; k++) {
			fl_entry_init(&e);
			e.kind = FL_KIND_MATCH;
			e.contribution = p->contribution;
			e.pledge = p->pledges[k];
			e.amount = p->amounts[k];
			snprintf(e.reason, sizeof(e.reason), "reconcile, rule %s: %s",
				 fl_match_rule_name(p->rule), p->reason);
			if ((err = fl_ledger_append(l, &e, &st)) < 0) {
				fl_error_prefix("contribution %" PRIu64 " to pledge %" PRIu64 ": ",
						p->contribution, p->pledges[k]);
				goto done;
			}
			if (st == FL_APPENDED) {
				out->matches++;
				if (!out->first)
					out->first = e.seq;
				out->last = e.seq;
			}
		}
	}
	for (size_t i = 0; i < c.banks.n; i++) {
		fl_bank_item *b = vec_at(&c.banks, i);
		fl_entry_init(&e);
		e.kind = FL_KIND_BANKMATCH;
		e.line = b->line;
		e.contribution = b->contribution;
		snprintf(e.reason, sizeof(e.reason), "reconcile: %s", b->reason);
		if ((err = fl_ledger_append(l, &e, &st)) < 0) {
			fl_error_prefix("bank line %" PRIu64 ": ", b->line);
			goto done;
		}
		if (st == FL_APPENDED) {
			out->bankmatches++;
			if (!out->first)
				out->first = e.seq;
			out->last = e.seq;
		}
	}
	err = fl_ledger_commit(l);
	begun = 0;
done:
	if (begun)
		fl_ledger_rollback(l);
	if (err < 0)
		memset(out, 0, sizeof(*out));
	vec_free(&c.props);
	vec_free(&c.banks);
	return err;
}
