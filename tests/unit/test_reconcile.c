/*
 * test_reconcile.c: unit and property tests for reconcile.h against real SQLite ledgers.
 *
 * The unit tests build small ledgers by hand and check each matching rule, the instalment
 * schedule, the US dollar figures and applying, with values worked out by hand.
 *
 * The property tests build ledgers at random from fixed seeds (splitmix64, so a failure names
 * its seed and replays exactly): monthly rates, pledges over one to three years with and
 * without due dates, contributions in the pledge currency or another, naming a pledge or not,
 * write-offs, manual matches and reversals, in batches of random size. At random as-of dates
 * the report is checked against the documented identities and against an independent
 * recomputation from the entries read back with fl_ledger_get (sums of standing matches and
 * write-offs, the instalment schedule, the rates in force, the rules of the proposals taken
 * to their fixpoint), and fl_reconcile_apply, at random dates and deliberately at dates before
 * a matched pledge, is checked to record exactly the proposals, to leave no proposal of rules
 * 1-4 behind, and to record nothing when applied a second time. Every violation fails.
 *
 * Environment: FL_RECONCILE_SEEDS=N runs seeds 1..N (default 40); FL_RECONCILE_SEED=S runs
 * seed S alone; FL_RECONCILE_VERBOSE=1 (a debugging aid, never set by make test; it changes no
 * verdict) prints the proposals, open pledges and matches behind a failing apply property.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/fundledger.h"
#include "testkit.h"

#define CONFIG "config/fundledger.yaml"
#define ORIGIN "unit.example.org/reconcile"
#define BY "treasurer"
#define AT "2026-03-01T12:00:00Z"
#define APPLY_BY "reconciler"
#define APPLY_AT "2026-03-02T12:00:00Z"

/* ---- fixture: a fresh ledger in its own temporary directory ---- */

typedef struct {
	char dir[64];
	char path[128];
	fl_config *cfg;
	fl_ledger *l;
} fx;

/* Ledgers go to /dev/shm when there is one: the property tests commit hundreds of batches,
 * each durably, and a RAM disk makes that cheap. */
static int fx_open(fx *f)
{
	memset(f, 0, sizeof(*f));
	if (access("/dev/shm", W_OK) == 0)
		strcpy(f->dir, "/dev/shm/fl-unit-reconcile-XXXXXX");
	else
		strcpy(f->dir, "/tmp/fl-unit-reconcile-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (fl_config_load(&f->cfg, CONFIG) != 0) {
		fprintf(stderr, "config: %s\n", fl_error_last());
		return -1;
	}
	if (fl_ledger_init(f->path, ORIGIN, "2025-01-01T00:00:00Z") != 0 ||
	    fl_ledger_open(&f->l, f->path, f->cfg, 0) != 0 || testkit_sign(f->cfg, f->l) != 0) {
		fprintf(stderr, "ledger: %s\n", fl_error_last());
		return -1;
	}
	return 0;
}

static void fx_close(fx *f)
{
	fl_ledger_free(f->l);
	f->l = NULL;
	fl_config_free(f->cfg);
	f->cfg = NULL;
	testkit_remove_ledger(f->path);
	rmdir(f->dir);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f || fx_open(f) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	if (!f)
		return 0;
	fx_close(f);
	free(f);
	return 0;
}

/* ---- entry builders: content only; the ledger fills in the rest ---- */

static void pledge_e(fl_entry *e, const char *fund, const char *donor, const char *ccy,
		     int64_t amount, const char *date, unsigned first_year, size_t years,
		     const char *due)
{
	fl_entry_init(e);
	e->kind = FL_KIND_PLEDGE;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	for (size_t i = 0; i < years; i++)
		e->years[i] = (uint16_t)(first_year + i);
	e->n_years = years;
	if (due)
		strcpy(e->due, due);
}

static void contribution_e(fl_entry *e, const char *fund, const char *donor, const char *ccy,
			   int64_t amount, const char *date, uint64_t pledge_seq)
{
	fl_entry_init(e);
	e->kind = FL_KIND_CONTRIBUTION;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	snprintf(e->bank_ref, sizeof(e->bank_ref), "BANK %s %s %lld", donor, date,
		 (long long)amount);
	e->pledge = pledge_seq;
}

static void rate_e(fl_entry *e, const char *ccy, uint64_t r, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_RATE;
	strcpy(e->currency, ccy);
	e->rate = r;
	strcpy(e->date, date);
}

static void reversal_e(fl_entry *e, uint64_t target, const char *reason)
{
	fl_entry_init(e);
	e->kind = FL_KIND_REVERSAL;
	e->target = target;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

static void match_e(fl_entry *e, uint64_t contribution_seq, uint64_t pledge_seq, int64_t amount,
		    const char *reason)
{
	fl_entry_init(e);
	e->kind = FL_KIND_MATCH;
	e->contribution = contribution_seq;
	e->pledge = pledge_seq;
	e->amount = amount;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

static void writeoff_e(fl_entry *e, uint64_t pledge_seq, int64_t amount, const char *date,
		       const char *reason)
{
	fl_entry_init(e);
	e->kind = FL_KIND_WRITEOFF;
	e->pledge = pledge_seq;
	e->amount = amount;
	strcpy(e->date, date);
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

/* Records e in its own batch and expects it appended; returns its seq. */
static uint64_t add_at(int line, fx *f, fl_entry *e)
{
	fl_append_status st = 0;
	int rc = fl_ledger_record(f->l, e, BY, AT, &st);
	if (rc != 0)
		fail_msg("line %d: record %s failed: %d %s", line, fl_kind_name(e->kind), rc,
			 fl_error_last());
	if (st != FL_APPENDED)
		fail_msg("line %d: status %d, want FL_APPENDED", line, (int)st);
	return e->seq;
}
#define ADD(f, e) add_at(__LINE__, (f), (e))

static uint64_t head_of(fx *f, unsigned char hash[FL_HASH_LEN])
{
	uint64_t n = 0;
	unsigned char h[FL_HASH_LEN];
	if (fl_ledger_head(f->l, &n, hash ? hash : h) != 0)
		fail_msg("head: %s", fl_error_last());
	return n;
}

static void verify_ok(fx *f)
{
	fl_verify_result vr;
	int rc = fl_verify_ledger(&vr, f->l, NULL);
	if (rc != 0)
		fail_msg("verify: %d %s (bad entry %" PRIu64 ")", rc, fl_error_last(), vr.bad_seq);
	assert_int_equal(vr.entries, head_of(f, NULL));
	assert_int_equal(vr.bad_seq, 0);
}

/* ---- collecting what fl_reconcile reports ---- */

/* A proposal with copies of its borrowed strings. */
typedef struct {
	fl_proposal p;
	char fund[FL_CODE_MAX + 1], donor[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1], date[FL_DATE_LEN + 1];
} prop_copy;

typedef struct {
	fl_pledge_report *pl;
	size_t npl, capl;
	prop_copy *pr;
	size_t npr, capr;
	size_t nbank;
	char bad[256]; /* what a callback found wrong, "" when nothing */
} coll;

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 32;
	p = realloc(p, *cap * size);
	if (!p)
		fail_msg("out of memory");
	return p;
}

static void coll_reset(coll *c)
{
	c->npl = c->npr = c->nbank = 0;
	c->bad[0] = 0;
}

static void coll_free(coll *c)
{
	free(c->pl);
	free(c->pr);
	memset(c, 0, sizeof(*c));
}

static int on_pledge(void *ctx, const fl_pledge_report *p)
{
	coll *c = ctx;
	if (!c->bad[0] && (!p->pledge || p->pledge->seq != p->seq ||
			   p->pledge->kind != FL_KIND_PLEDGE || p->pledge->amount != p->pledged))
		snprintf(c->bad, sizeof(c->bad),
			 "pledge report %" PRIu64 ": the borrowed entry is "
			 "not the pledge",
			 p->seq);
	c->pl = grow(c->pl, &c->capl, c->npl, sizeof(*c->pl));
	c->pl[c->npl] = *p;
	c->pl[c->npl].pledge = NULL;
	c->npl++;
	return 0;
}

static int on_proposal(void *ctx, const fl_proposal *p)
{
	coll *c = ctx;
	prop_copy *x;
	c->pr = grow(c->pr, &c->capr, c->npr, sizeof(*c->pr));
	x = &c->pr[c->npr++];
	memset(x, 0, sizeof(*x));
	x->p = *p;
	snprintf(x->fund, sizeof(x->fund), "%s", p->fund ? p->fund : "");
	snprintf(x->donor, sizeof(x->donor), "%s", p->donor ? p->donor : "");
	snprintf(x->currency, sizeof(x->currency), "%s", p->currency ? p->currency : "");
	snprintf(x->date, sizeof(x->date), "%s", p->date ? p->date : "");
	x->p.fund = x->p.donor = x->p.currency = x->p.date = NULL;
	return 0;
}

static int on_bank(void *ctx, const fl_bank_item *b)
{
	coll *c = ctx;
	(void)b;
	c->nbank++;
	return 0;
}

/* Runs fl_reconcile as of a date over every fund and donor, collecting into c. */
static void reconcile_at(fx *f, const char *as_of, coll *c, fl_reconcile_totals *t)
{
	fl_reconcile_options opt;
	fl_reconcile_visitor v = {on_pledge, on_proposal, on_bank, c, NULL};
	int rc;
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.as_of, sizeof(opt.as_of), "%s", as_of);
	coll_reset(c);
	rc = fl_reconcile(t, f->l, &opt, &v);
	if (rc != 0)
		fail_msg("reconcile as of %s: %d %s", as_of, rc, fl_error_last());
	if (c->bad[0])
		fail_msg("reconcile as of %s: %s", as_of, c->bad);
}

static const fl_pledge_report *report_of(const coll *c, uint64_t seq)
{
	for (size_t i = 0; i < c->npl; i++)
		if (c->pl[i].seq == seq)
			return &c->pl[i];
	fail_msg("no report for pledge %" PRIu64, seq);
	return NULL;
}

static const fl_proposal *proposal_of(const coll *c, uint64_t contribution)
{
	for (size_t i = 0; i < c->npr; i++)
		if (c->pr[i].p.contribution == contribution)
			return &c->pr[i].p;
	fail_msg("no proposal for contribution %" PRIu64, contribution);
	return NULL;
}

static const fl_currency_totals *ccy_of(const fl_reconcile_totals *t, const char *ccy)
{
	for (size_t i = 0; i < t->n_ccy; i++)
		if (strcmp(t->ccy[i].currency, ccy) == 0)
			return &t->ccy[i];
	fail_msg("no totals for %s", ccy);
	return NULL;
}

/* ================================================================================= */
/* Unit tests: the names, each rule, the schedule and the dollar figures, applying.  */
/* ================================================================================= */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_OPEN), "open");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_PARTIAL), "partially paid");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_PAID), "paid");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_OVERPAID), "overpaid");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_OVERDUE), "overdue");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_WRITTEN_OFF), "written off");
	assert_string_equal(fl_pledge_status_name(FL_PLEDGE_REVERSED), "reversed");
	assert_string_equal(fl_pledge_status_name((fl_pledge_status)0), "?");
	assert_string_equal(fl_pledge_status_name((fl_pledge_status)(FL_PLEDGE_REVERSED + 1)), "?");
	assert_string_equal(fl_pledge_status_name((fl_pledge_status)-1), "?");

	assert_string_equal(fl_match_rule_name(FL_RULE_NAMED), "named");
	assert_string_equal(fl_match_rule_name(FL_RULE_EXACT), "exact");
	assert_string_equal(fl_match_rule_name(FL_RULE_SEVERAL), "several");
	assert_string_equal(fl_match_rule_name(FL_RULE_ONLY), "only");
	assert_string_equal(fl_match_rule_name(FL_RULE_AMBIGUOUS), "ambiguous");
	assert_string_equal(fl_match_rule_name(FL_RULE_NONE), "none");
	assert_string_equal(fl_match_rule_name((fl_match_rule)0), "?");
	assert_string_equal(fl_match_rule_name((fl_match_rule)(FL_RULE_NONE + 1)), "?");

	assert_string_equal(fl_bank_class_name(FL_BANK_PROPOSED), "proposed");
	assert_string_equal(fl_bank_class_name(FL_BANK_AMBIGUOUS), "ambiguous");
	assert_string_equal(fl_bank_class_name(FL_BANK_ONLY), "bank only");
	assert_string_equal(fl_bank_class_name(FL_LEDGER_ONLY), "ledger only");
	assert_string_equal(fl_bank_class_name(FL_BANK_DIFFERENCE), "difference");
	assert_string_equal(fl_bank_class_name(FL_BANK_OTHER), "other");
	assert_string_equal(fl_bank_class_name((fl_bank_class)0), "?");
	assert_string_equal(fl_bank_class_name((fl_bank_class)(FL_BANK_OTHER + 1)), "?");
}

/* Rule exact: the one open pledge whose outstanding amount the receipt equals, even when an
 * older pledge is open too. */
static void test_rule_exact(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, p2, c1;
	const fl_proposal *pr;

	pledge_e(&e, "VFTC", "NOR", "USD", 10000000, "2025-01-10", 2025, 1, NULL);
	p1 = ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "USD", 5000000, "2025-02-01", 2025, 1, NULL);
	p2 = ADD(f, &e);
	/* Another donor's pledge of the same amount is no candidate. */
	pledge_e(&e, "VFTC", "DEU", "USD", 5000000, "2025-02-01", 2025, 1, NULL);
	ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 5000000, "2025-03-01", 0);
	c1 = ADD(f, &e);

	reconcile_at(f, "2025-06-30", &c, &t);
	assert_int_equal(c.npl, 3);
	assert_int_equal(c.npr, 1);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->amount, 5000000);
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->pledges[0], p2);
	assert_int_equal(pr->amounts[0], 5000000);
	assert_int_equal(pr->settles[0], 5000000);
	assert_string_equal(c.pr[0].fund, "VFTC");
	assert_string_equal(c.pr[0].donor, "NOR");
	assert_string_equal(c.pr[0].currency, "USD");
	assert_string_equal(c.pr[0].date, "2025-03-01");
	assert_int_equal(t.proposals, 1);
	assert_int_equal(t.ambiguous, 0);
	assert_int_equal(t.unpledged, 0);
	assert_int_equal(t.discrepancies, 1);
	assert_int_equal(ccy_of(&t, "USD")->received, 5000000);
	assert_int_equal(ccy_of(&t, "USD")->unapplied, 5000000);
	assert_int_equal(ccy_of(&t, "USD")->applied, 0);
	assert_int_equal(report_of(&c, p1)->status, FL_PLEDGE_OPEN);

	/* As of a day before the receipt there is nothing to propose. */
	reconcile_at(f, "2025-02-28", &c, &t);
	assert_int_equal(c.npr, 0);
	/* As of a day before the second pledge, the receipt is not yet in view either. */
	reconcile_at(f, "2025-01-31", &c, &t);
	assert_int_equal(c.npl, 1);
	coll_free(&c);
}

/* Two pledges due the same day, each with the receipt's amount outstanding: ambiguous. */
static void test_rule_ambiguous_same_due(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, p2, c1;
	const fl_proposal *pr;
	fl_apply_result ar;
	fl_reconcile_options opt;

	pledge_e(&e, "UPRP", "CHE", "USD", 3000000, "2025-01-10", 2025, 1, NULL);
	p1 = ADD(f, &e);
	pledge_e(&e, "UPRP", "CHE", "USD", 3000000, "2025-02-10", 2025, 1, NULL);
	p2 = ADD(f, &e);
	contribution_e(&e, "UPRP", "CHE", "USD", 3000000, "2025-03-01", 0);
	c1 = ADD(f, &e);

	reconcile_at(f, "2025-12-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_AMBIGUOUS);
	assert_int_equal(pr->n, 2);
	assert_int_equal(pr->pledges[0], p1);
	assert_int_equal(pr->pledges[1], p2);
	assert_int_equal(t.proposals, 0);
	assert_int_equal(t.ambiguous, 1);
	assert_int_equal(t.discrepancies, 1);

	/* Nothing ambiguous is applied. */
	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-12-01");
	{
		uint64_t before = head_of(f, NULL);
		assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
		assert_int_equal(ar.matches, 0);
		assert_int_equal(ar.first, 0);
		assert_int_equal(head_of(f, NULL), before);
	}

	/* With different due dates the earlier one is the exact match. */
	pledge_e(&e, "UPRI", "CHE", "USD", 3000000, "2025-01-10", 2025, 1, "2025-06-30");
	p1 = ADD(f, &e);
	pledge_e(&e, "UPRI", "CHE", "USD", 3000000, "2025-01-11", 2025, 1, NULL);
	ADD(f, &e);
	contribution_e(&e, "UPRI", "CHE", "USD", 3000000, "2025-03-02", 0);
	c1 = ADD(f, &e);
	reconcile_at(f, "2025-12-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->pledges[0], p1);
	coll_free(&c);
}

/* A payment of what the two oldest pledges have outstanding together: rule several. */
static void test_rule_several(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, p2, p3, c1, first;
	const fl_proposal *pr;
	fl_apply_result ar;
	fl_reconcile_options opt;

	pledge_e(&e, "VFTC", "SWE", "USD", 1000000, "2025-01-10", 2025, 1, "2025-06-30");
	p1 = ADD(f, &e);
	pledge_e(&e, "VFTC", "SWE", "USD", 2000000, "2025-01-05", 2025, 1, "2025-09-30");
	p2 = ADD(f, &e);
	pledge_e(&e, "VFTC", "SWE", "USD", 4000000, "2025-01-01", 2025, 1, NULL);
	p3 = ADD(f, &e);
	contribution_e(&e, "VFTC", "SWE", "USD", 3000000, "2025-02-01", 0);
	c1 = ADD(f, &e);

	reconcile_at(f, "2025-03-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_SEVERAL);
	assert_int_equal(pr->n, 2);
	assert_int_equal(pr->pledges[0], p1);
	assert_int_equal(pr->pledges[1], p2);
	assert_int_equal(pr->amounts[0], 1000000);
	assert_int_equal(pr->amounts[1], 2000000);
	assert_int_equal(pr->settles[0], 1000000);
	assert_int_equal(pr->settles[1], 2000000);
	assert_int_equal(t.proposals, 1);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-03-01");
	first = head_of(f, NULL) + 1;
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 2);
	assert_int_equal(ar.bankmatches, 0);
	assert_int_equal(ar.first, first);
	assert_int_equal(ar.last, first + 1);
	assert_int_equal(fl_ledger_get(f->l, first, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_MATCH);
	assert_int_equal(e.contribution, c1);
	assert_int_equal(e.pledge, p1);
	assert_int_equal(e.amount, 1000000);
	assert_string_equal(e.recorded_by, APPLY_BY);
	assert_string_equal(e.recorded_at, APPLY_AT);
	assert_non_null(strstr(e.reason, "several"));

	reconcile_at(f, "2025-03-01", &c, &t);
	assert_int_equal(c.npr, 0);
	assert_int_equal(report_of(&c, p1)->status, FL_PLEDGE_PAID);
	assert_int_equal(report_of(&c, p2)->status, FL_PLEDGE_PAID);
	assert_int_equal(report_of(&c, p2)->matches, 1);
	assert_int_equal(report_of(&c, p3)->status, FL_PLEDGE_OPEN);
	assert_int_equal(ccy_of(&t, "USD")->applied, 3000000);
	assert_int_equal(ccy_of(&t, "USD")->unapplied, 0);
	assert_int_equal(ccy_of(&t, "USD")->received, 3000000);
	assert_int_equal(ccy_of(&t, "USD")->paid, 3000000);
	assert_int_equal(ccy_of(&t, "USD")->outstanding, 4000000);
	verify_ok(f);
	coll_free(&c);
}

/* Rule named: the contribution names the pledge; it wins over an exact match elsewhere. */
static void test_rule_named(void **state)
{
	fx *f = *state;
	fl_entry e, m;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, c1, c2, first;
	const fl_proposal *pr;
	fl_apply_result ar;
	fl_reconcile_options opt;
	fl_append_status st;

	pledge_e(&e, "UPRP", "GBR", "USD", 5000000, "2025-01-10", 2025, 1, NULL);
	p1 = ADD(f, &e);
	pledge_e(&e, "UPRP", "GBR", "USD", 3000000, "2025-01-11", 2025, 1, NULL);
	ADD(f, &e);
	/* Recorded without its match (fl_ledger_append_named not called). */
	contribution_e(&e, "UPRP", "GBR", "USD", 3000000, "2025-02-01", p1);
	c1 = ADD(f, &e);

	reconcile_at(f, "2025-02-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_NAMED);
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->pledges[0], p1);
	assert_int_equal(pr->amounts[0], 3000000);
	assert_int_equal(pr->settles[0], 3000000);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-02-01");
	first = head_of(f, NULL) + 1;
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 1);
	assert_int_equal(ar.first, first);
	reconcile_at(f, "2025-02-01", &c, &t);
	assert_int_equal(c.npr, 0);
	assert_int_equal(report_of(&c, p1)->paid, 3000000);
	assert_int_equal(report_of(&c, p1)->outstanding, 2000000);
	assert_int_equal(report_of(&c, p1)->status, FL_PLEDGE_PARTIAL);

	/* Undoing the match: the named rule does not propose the same pair again (that was the
	 * treasurer's decision); the receipt falls to the other rules (here: exact). */
	reversal_e(&e, first, "applied to the wrong pledge");
	ADD(f, &e);
	reconcile_at(f, "2025-02-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->pledges[0], p1 + 1);

	/* A contribution recorded with its named match is wholly applied: no proposal. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	contribution_e(&e, "UPRP", "GBR", "USD", 1000000, "2025-02-02", p1);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	c2 = e.seq;
	assert_int_equal(fl_ledger_append_named(f->l, &e, &m, &st), 0);
	assert_int_equal(st, FL_APPENDED);
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_string_equal(m.reason, FL_REASON_NAMED);
	assert_int_equal(m.contribution, c2);
	reconcile_at(f, "2025-02-02", &c, &t);
	for (size_t i = 0; i < c.npr; i++)
		assert_true(c.pr[i].p.contribution != c2);
	assert_int_equal(report_of(&c, p1)->paid, 1000000);
	verify_ok(f);
	coll_free(&c);
}

/* No open pledge fits: an unpledged receipt. */
static void test_rule_none(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t c1, c2;
	const fl_proposal *pr;

	contribution_e(&e, "VFTC", "JPN", "USD", 250000, "2025-02-01", 0);
	c1 = ADD(f, &e);
	/* A pledge dated after the receipt is no candidate either. */
	pledge_e(&e, "UPRI", "JPN", "USD", 250000, "2025-03-01", 2025, 1, NULL);
	ADD(f, &e);
	contribution_e(&e, "UPRI", "JPN", "USD", 250000, "2025-02-15", 0);
	c2 = ADD(f, &e);

	reconcile_at(f, "2025-04-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_NONE);
	assert_int_equal(pr->n, 0);
	pr = proposal_of(&c, c2);
	assert_int_equal(pr->rule, FL_RULE_NONE);
	assert_int_equal(pr->n, 0);
	assert_int_equal(t.unpledged, 2);
	assert_int_equal(t.proposals, 0);
	/* Unpledged receipts need no decision: they are not discrepancies. */
	assert_int_equal(t.discrepancies, 0);
	assert_int_equal(ccy_of(&t, "USD")->received, 500000);
	assert_int_equal(ccy_of(&t, "USD")->unapplied, 500000);
	assert_int_equal(t.usd_unapplied, 500000);
	coll_free(&c);
}

/* Across currencies a receipt within 2% of the outstanding amount is exact; beyond, the
 * only open pledge takes it as a part payment or an overpayment. */
static void test_rule_cross_currency(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, p2, c1, c2;
	const fl_proposal *pr;

	rate_e(&e, "EUR", 920000, "2025-01-01");
	ADD(f, &e);
	/* EUR 100,000.00 */
	pledge_e(&e, "VFTC", "DEU", "EUR", 10000000, "2025-01-15", 2025, 1, NULL);
	p1 = ADD(f, &e);
	/* USD 109,000.00 at 0.92 is EUR 100,280.00: 0.28% more than outstanding. */
	contribution_e(&e, "VFTC", "DEU", "USD", 10900000, "2025-02-01", 0);
	c1 = ADD(f, &e);
	reconcile_at(f, "2025-02-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->pledges[0], p1);
	assert_int_equal(pr->amounts[0], 10900000);
	assert_int_equal(pr->settles[0], 10028000);

	/* USD 112,000.00 is EUR 103,040.00: 3.04% over; with a second pledge open nothing
	 * decides between them. */
	pledge_e(&e, "UPRP", "DEU", "EUR", 10000000, "2025-01-15", 2025, 1, NULL);
	p2 = ADD(f, &e);
	contribution_e(&e, "UPRP", "DEU", "USD", 11200000, "2025-02-01", 0);
	c2 = ADD(f, &e);
	reconcile_at(f, "2025-02-01", &c, &t);
	pr = proposal_of(&c, c2);
	assert_int_equal(pr->rule, FL_RULE_ONLY);
	assert_int_equal(pr->pledges[0], p2);
	assert_int_equal(pr->amounts[0], 11200000);
	assert_int_equal(pr->settles[0], 10304000);
	/* EUR 98,000 would be 2.0% under: still exact (the bound is inclusive). */
	{
		fl_entry p;
		uint64_t p3, c3;
		pledge_e(&p, "UPRI", "DEU", "EUR", 10000000, "2025-01-15", 2025, 1, NULL);
		p3 = ADD(f, &p);
		/* USD 106,521.74 at 0.92 = EUR 98,000.0008 -> 98,000.00 */
		contribution_e(&e, "UPRI", "DEU", "USD", 10652174, "2025-02-01", 0);
		c3 = ADD(f, &e);
		reconcile_at(f, "2025-02-01", &c, &t);
		pr = proposal_of(&c, c3);
		assert_int_equal(pr->settles[0], 9800000);
		assert_int_equal(pr->rule, FL_RULE_EXACT);
		assert_int_equal(pr->pledges[0], p3);
	}
	coll_free(&c);
}

/*
 * The instalment schedule and the dollar figures. EUR 90,000.00 over 2025-2027, due each
 * 30 September, pledged at 0.9 (USD 100,000.00); EUR 30,000.00 received when the rate is 0.8
 * (USD 37,500.00), later EUR 30,000.00 written off.
 */
static void test_schedule_and_usd(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p1, c1, p2;
	const fl_pledge_report *r;
	fl_append_status st;
	fl_entry m;

	rate_e(&e, "EUR", 900000, "2025-01-01");
	ADD(f, &e);
	rate_e(&e, "EUR", 800000, "2025-07-01");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "FRA", "EUR", 9000000, "2025-02-01", 2025, 3, "2025-09-30");
	p1 = ADD(f, &e);
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	contribution_e(&e, "VFTC", "FRA", "EUR", 3000000, "2025-07-01", p1);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	c1 = e.seq;
	assert_int_equal(e.usd, 3750000);
	assert_int_equal(fl_ledger_append_named(f->l, &e, &m, &st), 0);
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_int_equal(m.settled, 3000000);
	assert_int_equal(m.usd, 3750000);

	reconcile_at(f, "2025-06-30", &c, &t);
	r = report_of(&c, p1);
	assert_int_equal(r->status, FL_PLEDGE_OPEN);
	assert_int_equal(r->paid, 0);
	assert_int_equal(r->outstanding, 9000000);
	assert_string_equal(r->next_due, "2025-09-30");
	assert_int_equal(r->usd_known, 1);
	assert_int_equal(r->pledge_rate, 900000);
	assert_int_equal(r->usd_pledged, 10000000);
	assert_int_equal(r->usd_outstanding, 10000000);

	/* On the due date the first instalment has not yet passed. */
	reconcile_at(f, "2025-09-30", &c, &t);
	r = report_of(&c, p1);
	assert_int_equal(r->status, FL_PLEDGE_PARTIAL);
	assert_int_equal(r->paid, 3000000);
	assert_int_equal(r->overdue, 0);
	assert_string_equal(r->next_due, "2026-09-30");
	assert_int_equal(r->matches, 1);
	assert_int_equal(r->usd_paid, 3333333); /* 30,000 / 0.9, to even */
	assert_int_equal(r->usd_received, 3750000);
	assert_int_equal(r->fx_difference, 416667);
	assert_int_equal(r->usd_outstanding, 6666667);
	assert_int_equal(t.usd_pledged, 10000000);
	assert_int_equal(t.usd_paid, 3333333);
	assert_int_equal(t.usd_received_applied, 3750000);
	assert_int_equal(t.fx_difference, 416667);
	assert_int_equal(ccy_of(&t, "EUR")->applied, 3000000);

	/* The second instalment has fallen due and is not covered. */
	reconcile_at(f, "2026-10-01", &c, &t);
	r = report_of(&c, p1);
	assert_int_equal(r->status, FL_PLEDGE_OVERDUE);
	assert_int_equal(r->overdue, 3000000);
	assert_string_equal(r->next_due, "2026-09-30");
	assert_int_equal(t.usd_overdue, 3333333);
	assert_int_equal(ccy_of(&t, "EUR")->overdue, 3000000);
	assert_int_equal(t.by_status[FL_PLEDGE_OVERDUE], 1);

	writeoff_e(&e, p1, 3000000, "2026-12-01", "not collectable");
	ADD(f, &e);
	reconcile_at(f, "2026-11-30", &c, &t);
	assert_int_equal(report_of(&c, p1)->written_off, 0);
	reconcile_at(f, "2026-12-31", &c, &t);
	r = report_of(&c, p1);
	assert_int_equal(r->written_off, 3000000);
	assert_int_equal(r->usd_written_off, 3333333);
	assert_int_equal(r->overdue, 0);
	assert_int_equal(r->status, FL_PLEDGE_PARTIAL);
	assert_string_equal(r->next_due, "2027-09-30");
	assert_int_equal(r->usd_outstanding, 10000000 - 3333333 - 3333333);
	reconcile_at(f, "2028-01-01", &c, &t);
	r = report_of(&c, p1);
	assert_int_equal(r->overdue, 3000000);
	assert_int_equal(r->outstanding, 3000000);
	assert_int_equal(r->status, FL_PLEDGE_OVERDUE);

	/* 29 February falls back to the 28th in a common year; the first instalments take the
	 * minor units left over (501 + 500). */
	pledge_e(&e, "UPRP", "FRA", "USD", 1001, "2028-01-15", 2028, 2, "2028-02-29");
	p2 = ADD(f, &e);
	reconcile_at(f, "2028-03-01", &c, &t);
	r = report_of(&c, p2);
	assert_int_equal(r->overdue, 1001 - 500);
	assert_string_equal(r->next_due, "2028-02-29");
	reconcile_at(f, "2029-02-28", &c, &t);
	assert_int_equal(report_of(&c, p2)->overdue, 501);
	reconcile_at(f, "2029-03-01", &c, &t);
	assert_int_equal(report_of(&c, p2)->overdue, 1001);
	contribution_e(&e, "UPRP", "FRA", "USD", 501, "2028-03-01", 0);
	c1 = ADD(f, &e);
	match_e(&e, c1, p2, 501, "first instalment");
	ADD(f, &e);
	reconcile_at(f, "2028-03-01", &c, &t);
	r = report_of(&c, p2);
	assert_int_equal(r->overdue, 0);
	assert_string_equal(r->next_due, "2029-02-28");
	assert_int_equal(r->status, FL_PLEDGE_PARTIAL);
	/* A pledge in a currency with no rate on its date has no dollar figures. */
	pledge_e(&e, "UPRI", "FRA", "CHF", 500000, "2028-01-15", 2028, 1, NULL);
	p2 = ADD(f, &e);
	reconcile_at(f, "2028-03-01", &c, &t);
	r = report_of(&c, p2);
	assert_int_equal(r->usd_known, 0);
	assert_int_equal(r->usd_pledged, 0);
	assert_int_equal(t.pledges_without_rate, 1);
	verify_ok(f);
	coll_free(&c);
}

/*
 * The fixpoint: R1 (100) is ambiguous between A (300) and B (200) until R2, a later receipt,
 * takes all of A by rule exact; weighed again, R1 is B's alone. Applying records both, after
 * which nothing is proposed and a second apply records nothing.
 */
static void test_fixpoint(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t pa, pb, r1, r2, first;
	const fl_proposal *pr;
	fl_apply_result ar;
	fl_reconcile_options opt;

	pledge_e(&e, "VFTC", "NOR", "USD", 30000, "2025-01-10", 2025, 1, "2025-06-30");
	pa = ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "USD", 20000, "2025-01-11", 2025, 1, "2025-09-30");
	pb = ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 10000, "2025-02-01", 0);
	r1 = ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 30000, "2025-03-01", 0);
	r2 = ADD(f, &e);

	reconcile_at(f, "2025-03-31", &c, &t);
	assert_int_equal(c.npr, 2);
	/* Reported in value-date order, R1 first, though it was placed in the second pass. */
	assert_int_equal(c.pr[0].p.contribution, r1);
	assert_int_equal(c.pr[1].p.contribution, r2);
	pr = proposal_of(&c, r1);
	assert_int_equal(pr->rule, FL_RULE_ONLY);
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->pledges[0], pb);
	assert_int_equal(pr->amounts[0], 10000);
	assert_int_equal(pr->settles[0], 10000);
	pr = proposal_of(&c, r2);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->pledges[0], pa);
	assert_int_equal(t.proposals, 2);
	assert_int_equal(t.ambiguous, 0);
	assert_int_equal(t.discrepancies, 2);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-03-31");
	first = head_of(f, NULL) + 1;
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 2);
	assert_int_equal(ar.first, first);
	assert_int_equal(fl_ledger_get(f->l, first, &e, NULL, NULL), 0);
	assert_int_equal(e.contribution, r1);
	assert_int_equal(e.pledge, pb);
	assert_int_equal(fl_ledger_get(f->l, first + 1, &e, NULL, NULL), 0);
	assert_int_equal(e.contribution, r2);
	assert_int_equal(e.pledge, pa);

	reconcile_at(f, "2025-03-31", &c, &t);
	assert_int_equal(c.npr, 0);
	assert_int_equal(t.discrepancies, 0);
	assert_int_equal(report_of(&c, pa)->status, FL_PLEDGE_PAID);
	assert_int_equal(report_of(&c, pb)->outstanding, 10000);
	first = head_of(f, NULL);
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 0);
	assert_int_equal(head_of(f, NULL), first);
	verify_ok(f);
	coll_free(&c);
}

/*
 * Rule exact weighs every candidate, not only the first FL_RECONCILE_SPLIT_MAX: the 17th
 * wins; two exact ones beyond the 16th, due the same day, make a tie listing those two.
 * Rules several and ambiguous keep to the first 16, and the reason counts them all.
 */
static void test_exact_all_candidates(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t vftc[FL_RECONCILE_SPLIT_MAX + 1], upri[FL_RECONCILE_SPLIT_MAX + 2];
	uint64_t upr0 = 0, c1, c2, c3;
	const fl_proposal *pr;
	char due[FL_DATE_LEN + 1];

	for (int k = 0; k <= FL_RECONCILE_SPLIT_MAX; k++) {
		snprintf(due, sizeof(due), "2025-03-%02u", (unsigned)(k + 1) % 100u);
		pledge_e(&e, "VFTC", "NOR", "USD", 1000 + k, "2025-01-05", 2025, 1, due);
		vftc[k] = ADD(f, &e);
	}
	for (int k = 0; k < FL_RECONCILE_SPLIT_MAX + 2; k++) {
		snprintf(due, sizeof(due), "2025-03-%02u", (unsigned)(k + 1) % 100u);
		pledge_e(&e, "UPRP", "NOR", "USD", 1000, "2025-01-05", 2025, 1, due);
		if (k == 0)
			upr0 = ADD(f, &e);
		else
			ADD(f, &e);
	}
	for (int k = 0; k < FL_RECONCILE_SPLIT_MAX + 2; k++) {
		if (k < FL_RECONCILE_SPLIT_MAX)
			snprintf(due, sizeof(due), "2025-03-%02u", (unsigned)(k + 1) % 100u);
		else
			strcpy(due, "2025-04-01");
		/* The two of 500 differ in their date, or the second would be a duplicate. */
		pledge_e(&e, "UPRI", "NOR", "USD", k < FL_RECONCILE_SPLIT_MAX ? 2000 + k : 500,
			 k == FL_RECONCILE_SPLIT_MAX + 1 ? "2025-01-06" : "2025-01-05", 2025, 1,
			 due);
		upri[k] = ADD(f, &e);
	}
	contribution_e(&e, "VFTC", "NOR", "USD", 1000 + FL_RECONCILE_SPLIT_MAX, "2025-02-01", 0);
	c1 = ADD(f, &e);
	contribution_e(&e, "UPRP", "NOR", "USD", 7, "2025-02-01", 0);
	c2 = ADD(f, &e);
	contribution_e(&e, "UPRI", "NOR", "USD", 500, "2025-02-01", 0);
	c3 = ADD(f, &e);

	reconcile_at(f, "2025-02-01", &c, &t);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->pledges[0], vftc[FL_RECONCILE_SPLIT_MAX]);
	pr = proposal_of(&c, c2);
	assert_int_equal(pr->rule, FL_RULE_AMBIGUOUS);
	assert_int_equal(pr->n, FL_RECONCILE_SPLIT_MAX);
	assert_int_equal(pr->pledges[0], upr0);
	assert_int_equal(strtoul(pr->reason, NULL, 10), FL_RECONCILE_SPLIT_MAX + 2);
	pr = proposal_of(&c, c3);
	assert_int_equal(pr->rule, FL_RULE_AMBIGUOUS);
	assert_int_equal(pr->n, 2);
	assert_int_equal(pr->pledges[0], upri[FL_RECONCILE_SPLIT_MAX]);
	assert_int_equal(pr->pledges[1], upri[FL_RECONCILE_SPLIT_MAX + 1]);
	assert_int_equal(t.proposals, 1);
	assert_int_equal(t.ambiguous, 2);
	coll_free(&c);
}

/*
 * As of a date before a matched pledge: C (1000, 1 February) has 600 applied by hand to P,
 * pledged on 1 March. As of 15 February P is out of view, but the 600 still count as applied
 * (USD applied 600, unapplied 400), so C's 400 go to Q by rule exact, and applying records
 * just that.
 */
static void test_apply_past_as_of(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t q, c1, p, first;
	const fl_proposal *pr;
	fl_apply_result ar;
	fl_reconcile_options opt;

	pledge_e(&e, "VFTC", "NOR", "USD", 40000, "2025-01-10", 2025, 1, NULL);
	q = ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 100000, "2025-02-01", 0);
	c1 = ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "USD", 100000, "2025-03-01", 2025, 1, NULL);
	p = ADD(f, &e);
	match_e(&e, c1, p, 60000, "by hand, before the pledge was dated");
	ADD(f, &e);

	reconcile_at(f, "2025-02-15", &c, &t);
	assert_int_equal(c.npl, 1);
	assert_int_equal(ccy_of(&t, "USD")->received, 100000);
	assert_int_equal(ccy_of(&t, "USD")->applied, 60000);
	assert_int_equal(ccy_of(&t, "USD")->unapplied, 40000);
	assert_int_equal(t.usd_unapplied, 40000);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->amount, 40000);
	assert_int_equal(pr->rule, FL_RULE_EXACT);
	assert_int_equal(pr->pledges[0], q);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-02-15");
	first = head_of(f, NULL) + 1;
	if (fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT) != 0)
		fail_msg("apply as of 2025-02-15: %s", fl_error_last());
	assert_int_equal(ar.matches, 1);
	assert_int_equal(fl_ledger_get(f->l, first, &e, NULL, NULL), 0);
	assert_int_equal(e.contribution, c1);
	assert_int_equal(e.pledge, q);
	assert_int_equal(e.amount, 40000);

	reconcile_at(f, "2025-02-15", &c, &t);
	assert_int_equal(c.npr, 0);
	assert_int_equal(ccy_of(&t, "USD")->applied, 100000);
	assert_int_equal(ccy_of(&t, "USD")->unapplied, 0);
	assert_int_equal(report_of(&c, q)->status, FL_PLEDGE_PAID);
	reconcile_at(f, "2025-03-01", &c, &t);
	assert_int_equal(c.npr, 0);
	assert_int_equal(report_of(&c, p)->paid, 60000);
	assert_int_equal(report_of(&c, p)->status, FL_PLEDGE_PARTIAL);
	first = head_of(f, NULL);
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 0);
	assert_int_equal(head_of(f, NULL), first);
	verify_ok(f);
	coll_free(&c);
}

/* Nothing stands against a reversed pledge: it reports nothing paid, no match, and its
 * receipt is unapplied again. */
static void test_reversed_pledge(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t p, c1, rv;
	const fl_pledge_report *r;
	const fl_proposal *pr;

	rate_e(&e, "EUR", 900000, "2025-01-01");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "EUR", 90000, "2025-01-10", 2025, 1, NULL);
	p = ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "EUR", 60000, "2025-02-01", 0);
	c1 = ADD(f, &e);
	match_e(&e, c1, p, 60000, "by hand");
	ADD(f, &e);
	reconcile_at(f, "2025-06-30", &c, &t);
	assert_int_equal(report_of(&c, p)->paid, 60000);
	assert_int_equal(report_of(&c, p)->matches, 1);

	reversal_e(&e, p, "pledge recorded in error");
	rv = ADD(f, &e);
	reconcile_at(f, "2025-06-30", &c, &t);
	r = report_of(&c, p);
	assert_int_equal(r->status, FL_PLEDGE_REVERSED);
	assert_int_equal(r->reversed_by, rv);
	assert_int_equal(r->paid, 0);
	assert_int_equal(r->written_off, 0);
	assert_int_equal(r->matches, 0);
	assert_int_equal(r->usd_received, 0);
	assert_int_equal(r->outstanding, 90000);
	assert_int_equal(r->usd_paid, 0);
	assert_int_equal(r->usd_pledged, 10000000 / 100);
	assert_int_equal(r->fx_difference, 0);
	assert_int_equal(t.by_status[FL_PLEDGE_REVERSED], 1);
	assert_int_equal(t.usd_pledged, 0);
	assert_int_equal(t.usd_received_applied, 0);
	assert_int_equal(ccy_of(&t, "EUR")->pledges, 0);
	assert_int_equal(ccy_of(&t, "EUR")->pledged, 0);
	assert_int_equal(ccy_of(&t, "EUR")->applied, 0);
	assert_int_equal(ccy_of(&t, "EUR")->unapplied, 60000);
	assert_int_equal(ccy_of(&t, "EUR")->received, 60000);
	pr = proposal_of(&c, c1);
	assert_int_equal(pr->rule, FL_RULE_NONE);
	assert_int_equal(pr->amount, 60000);
	verify_ok(f);
	coll_free(&c);
}

/* ---- what the annual report asks of the engine: the contributions, settled_before ---- */

typedef struct {
	coll c;
	fl_receipt_info info[16];
	char strs[16][4][FL_CODE_MAX + 1]; /* fund, donor, currency, date */
	size_t n;
	size_t pledges_before; /* pledge callbacks made before the last contribution's */
	size_t stop_at;        /* when not 0: fail the stop_at-th contribution callback */
} both;

static int both_pledge(void *ctx, const fl_pledge_report *p)
{
	return on_pledge(&((both *)ctx)->c, p);
}

static int both_contribution(void *ctx, const fl_receipt_info *ri)
{
	both *b = ctx;
	if (b->n == 16)
		return fl_error_set(FL_ERANGE, "too many contributions");
	if (b->stop_at && b->n + 1 == b->stop_at)
		return fl_error_set(FL_EINVALID, "stopped by the visitor");
	b->info[b->n] = *ri;
	snprintf(b->strs[b->n][0], FL_CODE_MAX + 1, "%s", ri->fund);
	snprintf(b->strs[b->n][1], FL_CODE_MAX + 1, "%s", ri->donor);
	snprintf(b->strs[b->n][2], FL_CODE_MAX + 1, "%s", ri->currency);
	snprintf(b->strs[b->n][3], FL_CODE_MAX + 1, "%s", ri->date);
	b->pledges_before = b->c.npl;
	b->n++;
	return 0;
}

static void both_run(fx *f, both *b, const char *settled_before, fl_reconcile_totals *t)
{
	fl_reconcile_options opt;
	fl_reconcile_visitor v = {both_pledge, NULL, NULL, b, both_contribution};
	int rc;
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.as_of, sizeof(opt.as_of), "2025-12-31");
	opt.settled_before = settled_before;
	coll_reset(&b->c);
	b->n = b->pledges_before = 0;
	rc = fl_reconcile(t, f->l, &opt, &v);
	if (rc != 0)
		fail_msg("reconcile: %d %s", rc, fl_error_last());
	if (b->c.bad[0])
		fail_msg("reconcile: %s", b->c.bad);
}

/*
 * settled_before leaves out exactly the pledges dated before it that are reversed, or covered
 * by what was paid and written off; the contribution callback sees every contribution up to
 * the as-of date (reversed ones too, marked), in seq order, before any pledge, with the US
 * dollars recorded with it; and a callback's error stops the run with that error.
 */
static void test_report_stream(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	both b;
	uint64_t p1, p2, p3, p4, p5, p6, cs[6];
	int64_t usd[6];
	struct {
		const char *fund, *donor, *date;
		int64_t amount;
		int standing;
	} want[5] = {{"VFTC", "NOR", "2024-04-01", 10000, 1},
		     {"UPRP", "DEU", "2024-05-02", 4000, 1},
		     {"UPRI", "JPN", "2024-09-01", 5000, 1},
		     {"VFTC", "GBR", "2025-03-01", 3000, 1},
		     {"VFTC", "NOR", "2025-04-01", 900, 0}};

	memset(&b, 0, sizeof(b));
	rate_e(&e, "EUR", 900000, "2024-01-01");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "EUR", 10000, "2024-03-01", 2024, 1, NULL);
	p1 = ADD(f, &e); /* paid in full: settled */
	contribution_e(&e, "VFTC", "NOR", "EUR", 10000, "2024-04-01", 0);
	cs[0] = ADD(f, &e);
	usd[0] = e.usd;
	match_e(&e, cs[0], p1, 10000, "by hand");
	ADD(f, &e);
	pledge_e(&e, "UPRP", "DEU", "EUR", 10000, "2024-05-01", 2024, 1, NULL);
	p2 = ADD(f, &e); /* 4000 paid: still open */
	contribution_e(&e, "UPRP", "DEU", "EUR", 4000, "2024-05-02", 0);
	cs[1] = ADD(f, &e);
	usd[1] = e.usd;
	match_e(&e, cs[1], p2, 4000, "by hand");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "CHE", "EUR", 5000, "2024-06-01", 2024, 1, NULL);
	p3 = ADD(f, &e); /* written off whole: settled */
	writeoff_e(&e, p3, 5000, "2024-12-01", "uncollectable");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "SWE", "EUR", 7000, "2024-07-01", 2024, 1, NULL);
	p4 = ADD(f, &e); /* reversed: settled */
	reversal_e(&e, p4, "recorded twice");
	ADD(f, &e);
	pledge_e(&e, "UPRI", "JPN", "EUR", 8000, "2024-08-01", 2024, 1, NULL);
	p6 = ADD(f, &e); /* 5000 paid and 3000 written off: settled */
	contribution_e(&e, "UPRI", "JPN", "EUR", 5000, "2024-09-01", 0);
	cs[2] = ADD(f, &e);
	usd[2] = e.usd;
	match_e(&e, cs[2], p6, 5000, "by hand");
	ADD(f, &e);
	writeoff_e(&e, p6, 3000, "2024-12-02", "the rest will not come");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "GBR", "EUR", 3000, "2025-02-01", 2025, 1, NULL);
	p5 = ADD(f, &e); /* paid in full, but not dated before the date: kept */
	contribution_e(&e, "VFTC", "GBR", "EUR", 3000, "2025-03-01", 0);
	cs[3] = ADD(f, &e);
	usd[3] = e.usd;
	match_e(&e, cs[3], p5, 3000, "by hand");
	ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "EUR", 900, "2025-04-01", 0);
	cs[4] = ADD(f, &e); /* reversed below: streamed, not standing */
	usd[4] = e.usd;
	reversal_e(&e, cs[4], "bank error");
	ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "EUR", 700, "2026-01-05", 0);
	cs[5] = ADD(f, &e); /* after the as-of date: not streamed */
	usd[5] = e.usd;

	/* Without the option, every pledge is reported. */
	both_run(f, &b, NULL, &t);
	assert_int_equal(b.c.npl, 6);
	assert_int_equal(report_of(&b.c, p4)->status, FL_PLEDGE_REVERSED);
	assert_int_equal(report_of(&b.c, p3)->status, FL_PLEDGE_WRITTEN_OFF);
	assert_int_equal(report_of(&b.c, p6)->status, FL_PLEDGE_WRITTEN_OFF);
	assert_int_equal(report_of(&b.c, p1)->status, FL_PLEDGE_PAID);

	/* With it, only the open pledge and the one dated on the date. */
	both_run(f, &b, "2025-01-01", &t);
	assert_int_equal(b.c.npl, 2);
	assert_int_equal(report_of(&b.c, p2)->paid, 4000);
	assert_int_equal(report_of(&b.c, p2)->outstanding, 6000);
	assert_int_equal(report_of(&b.c, p5)->status, FL_PLEDGE_PAID);
	assert_int_equal(t.by_status[FL_PLEDGE_REVERSED], 0);
	assert_int_equal(t.by_status[FL_PLEDGE_WRITTEN_OFF], 0);
	/* A date before every pledge leaves them all in. */
	both_run(f, &b, "2024-03-01", &t);
	assert_int_equal(b.c.npl, 6);

	/* The contributions, with or without the option: all five, in order, first. */
	for (int run = 0; run < 2; run++) {
		both_run(f, &b, run ? "2025-01-01" : NULL, &t);
		assert_int_equal(b.n, 5);
		assert_int_equal(b.pledges_before, 0);
		for (size_t i = 0; i < 5; i++) {
			assert_int_equal(b.info[i].seq, cs[i]);
			assert_string_equal(b.strs[i][0], want[i].fund);
			assert_string_equal(b.strs[i][1], want[i].donor);
			assert_string_equal(b.strs[i][2], "EUR");
			assert_string_equal(b.strs[i][3], want[i].date);
			assert_int_equal(b.info[i].amount, want[i].amount);
			assert_int_equal(b.info[i].standing, want[i].standing);
			assert_int_equal(b.info[i].usd_known, 1);
			assert_int_equal(b.info[i].usd, usd[i]);
			assert_true(usd[i] > 0);
		}
	}
	assert_true(usd[5] > 0);

	/* A callback's error stops the run with that error. */
	b.stop_at = 2;
	{
		fl_reconcile_options opt;
		fl_reconcile_visitor v = {both_pledge, NULL, NULL, &b, both_contribution};
		memset(&opt, 0, sizeof(opt));
		snprintf(opt.as_of, sizeof(opt.as_of), "2025-12-31");
		b.n = 0;
		coll_reset(&b.c);
		assert_int_equal(fl_reconcile(&t, f->l, &opt, &v), FL_EINVALID);
		assert_int_equal(b.n, 1);
		assert_int_equal(b.c.npl, 0);
	}
	verify_ok(f);
	coll_free(&b.c);
}

/*
 * Applying twice changes nothing, also when a proposal moves a pledge's next due date. A (200
 * over 2025-2026: 100 due 31 December 2025, 100 due 31 December 2026) is named by R1 (120),
 * recorded without its match; B (30, due 30 June 2026) and C (40, due 31 July 2026) are open;
 * R2 (70) comes later. Once R1's 120 are recorded, A's next due date is 31 December 2026, so
 * the candidates of R2 are B, C, A, and the two oldest have 70 outstanding together. Whatever
 * R2 is proposed before, after the first apply no proposal of rules 1-4 may be left.
 */
static void test_apply_twice_due_moves(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_reconcile_totals t;
	coll c = {0};
	uint64_t pa, r1, r2, head;
	fl_apply_result ar;
	fl_reconcile_options opt;

	pledge_e(&e, "VFTC", "NOR", "USD", 20000, "2025-01-10", 2025, 2, NULL);
	pa = ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "USD", 3000, "2025-01-11", 2026, 1, "2026-06-30");
	ADD(f, &e);
	pledge_e(&e, "VFTC", "NOR", "USD", 4000, "2025-01-12", 2026, 1, "2026-07-31");
	ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 12000, "2025-02-01", pa);
	r1 = ADD(f, &e);
	contribution_e(&e, "VFTC", "NOR", "USD", 7000, "2025-03-01", 0);
	r2 = ADD(f, &e);

	reconcile_at(f, "2025-03-31", &c, &t);
	assert_int_equal(proposal_of(&c, r1)->rule, FL_RULE_NAMED);
	assert_string_equal(report_of(&c, pa)->next_due, "2025-12-31");
	(void)proposal_of(&c, r2);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-03-31");
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	reconcile_at(f, "2025-03-31", &c, &t);
	assert_string_equal(report_of(&c, pa)->next_due, "2026-12-31");
	if (t.proposals != 0)
		fail_msg("after apply, %" PRIu64 " proposals remain: contribution %" PRIu64
			 " is now %s (%s)",
			 t.proposals, r2, fl_match_rule_name(proposal_of(&c, r2)->rule),
			 proposal_of(&c, r2)->reason);
	head = head_of(f, NULL);
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), 0);
	assert_int_equal(ar.matches, 0);
	assert_int_equal(head_of(f, NULL), head);
	coll_free(&c);
}

static void test_bad_options(void **state)
{
	fx *f = *state;
	fl_reconcile_options opt;
	fl_reconcile_totals t;
	fl_apply_result ar;
	memset(&opt, 0, sizeof(opt));
	strcpy(opt.as_of, "2025-02-30");
	assert_int_equal(fl_reconcile(&t, f->l, &opt, NULL), FL_EINVALID);
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), FL_EINVALID);
	strcpy(opt.as_of, "2025-02-28");
	/* An unknown fund or donor is not found, for reconciling and for applying alike. */
	opt.fund = "NOSUCHFUND";
	assert_int_equal(fl_reconcile(&t, f->l, &opt, NULL), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "NOSUCHFUND"));
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), FL_ENOTFOUND);
	opt.fund = NULL;
	opt.donor = "NOSUCHDONOR";
	assert_int_equal(fl_reconcile(&t, f->l, &opt, NULL), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "NOSUCHDONOR"));
	assert_int_equal(fl_reconcile_apply(&ar, f->l, &opt, APPLY_BY, APPLY_AT), FL_ENOTFOUND);
	opt.donor = NULL;
	assert_int_equal(fl_reconcile(&t, f->l, &opt, NULL), 0);
	assert_int_equal(t.n_ccy, 0);
	assert_string_equal(t.as_of, "2025-02-28");
	assert_int_equal(head_of(f, NULL), 0);
}

/* ================================================================================= */
/* Property tests over random ledgers.                                               */
/* ================================================================================= */

typedef struct {
	uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t rbelow(rng *r, uint64_t n)
{
	return n ? rnext(r) % n : 0;
}

static int64_t rrange(rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)rbelow(r, (uint64_t)(hi - lo) + 1);
}

static int rchance(rng *r, unsigned pct)
{
	return rbelow(r, 100) < pct;
}

static void day_str(char out[FL_DATE_LEN + 1], int64_t days)
{
	if (fl_date_from_days(out, days) != 0)
		fail_msg("date of day %lld", (long long)days);
}

/* What the properties exercised, for the summary line. */
static struct {
	uint64_t seeds, entries, batches, checks, applies, applied_matches, pledges_reported;
	uint64_t rules[FL_RULE_NONE + 1], status[FL_PLEDGE_REVERSED + 1];
	uint64_t refused_reversals, cross_ccy_receipts, no_rate_pledges, reversed_with_matches;
	uint64_t filtered, several_made;
	uint64_t placed_late;  /* receipts placed only in a later pass of the fixpoint */
	uint64_t past_applies; /* applies as of a date before a matched pledge */
	uint64_t exact_beyond; /* exact or tied candidates beyond the first SPLIT_MAX */
} stats;

/* Where a failing property was checked: seed and as-of date. */
static char where[96];

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
prop_fail(int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s (test line %d): %s", where, line, msg);
}
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			prop_fail(__LINE__, __VA_ARGS__);                                          \
	} while (0)
#define EQ64(a, b, what, id)                                                                       \
	CHECK((int64_t)(a) == (int64_t)(b),                                                        \
	      "%s of %" PRIu64 ": engine %" PRId64 ", expected %" PRId64, what, (uint64_t)(id),    \
	      (int64_t)(a), (int64_t)(b))

/* ---- the model: every entry as read back from the ledger ---- */

typedef struct {
	fl_entry *e;   /* e[seq - 1] */
	uint64_t *rev; /* rev[seq - 1]: the reversal of entry seq, 0 when it stands */
	size_t n, cap;
} model;

static void model_put(model *m, const fl_entry *e)
{
	size_t i = (size_t)e->seq - 1;
	if (e->seq == 0 || i > m->n)
		fail_msg("model: entry %" PRIu64 " out of order (have %zu)", e->seq, m->n);
	if (i == m->n) {
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 256;
			m->e = realloc(m->e, m->cap * sizeof(*m->e));
			m->rev = realloc(m->rev, m->cap * sizeof(*m->rev));
			if (!m->e || !m->rev)
				fail_msg("out of memory");
		}
		m->rev[i] = 0;
		m->n++;
	}
	m->e[i] = *e;
	if (e->kind == FL_KIND_REVERSAL) {
		if (e->target == 0 || e->target > m->n)
			fail_msg("model: reversal %" PRIu64 " of unknown %" PRIu64, e->seq,
				 e->target);
		m->rev[e->target - 1] = e->seq;
	}
}

static void model_free(model *m)
{
	free(m->e);
	free(m->rev);
	memset(m, 0, sizeof(*m));
}

static const fl_entry *ent(const model *m, uint64_t seq)
{
	if (seq == 0 || seq > m->n)
		fail_msg("model: no entry %" PRIu64, seq);
	return &m->e[seq - 1];
}

static int standing(const model *m, uint64_t seq)
{
	return seq && seq <= m->n && m->rev[seq - 1] == 0;
}

/* Reads entries from..head back from the ledger into the model (overwriting what the batch
 * returned, so everything checked comes from the stored canonical bytes). */
static void model_sync(fx *f, model *m, uint64_t from)
{
	uint64_t head = head_of(f, NULL);
	fl_entry e;
	for (uint64_t s = from; s <= head; s++) {
		int rc = fl_ledger_get(f->l, s, &e, NULL, NULL);
		if (rc != 0)
			fail_msg("get %" PRIu64 ": %d %s", s, rc, fl_error_last());
		if (s <= m->n && (m->e[s - 1].kind != e.kind || strcmp(m->e[s - 1].idem, e.idem)))
			fail_msg("entry %" PRIu64 " read back differs from what append returned",
				 s);
		model_put(m, &e);
	}
	if (m->n != head)
		fail_msg("model has %zu entries, the ledger %" PRIu64, m->n, head);
}

/* The rate of ccy in force on date (latest effective date on or before it) among the
 * standing rate entries; FL_RATE_SCALE for USD, 0 when none. */
static uint64_t model_rate(const model *m, const char *ccy, const char *date)
{
	const char *best = NULL;
	uint64_t rate = 0;
	if (strcmp(ccy, "USD") == 0)
		return FL_RATE_SCALE;
	for (size_t i = 0; i < m->n; i++) {
		const fl_entry *e = &m->e[i];
		if (e->kind != FL_KIND_RATE || m->rev[i] || strcmp(e->currency, ccy) ||
		    strcmp(e->date, date) > 0)
			continue;
		if (!best || strcmp(e->date, best) > 0) {
			best = e->date;
			rate = e->rate;
		}
	}
	return rate;
}

/* ---- the generator ---- */

static const char *const CCYS[] = {"USD", "EUR", "CHF", "JPY", "GBP"};
#define N_CCY 5
static const char *const DONORS[] = {"NOR", "DEU", "CHE", "JPN", "GBR", "SWE"};
static const char *const FUNDS[] = {"VFTC", "UPRP", "UPRI"};

typedef struct {
	fx *f;
	model m;
	rng r;
	unsigned seed;
	const char *donors[3];
	size_t nd;
	const char *funds[3];
	size_t nf;
	int64_t d0, d1;		   /* the days entries are dated in */
	int64_t first_rate[N_CCY]; /* first day each currency has a rate (d0 for USD) */
	unsigned op;		   /* counter for unique references */
	uint64_t batch_added;	   /* entries the open batch should add */
} gen;

static unsigned mu_of(const gen *g, const char *ccy)
{
	const fl_currency *c = fl_config_currency(g->f->cfg, ccy);
	if (!c)
		fail_msg("no currency %s", ccy);
	return c->minor_units;
}

static size_t ccy_index(const char *ccy)
{
	for (size_t i = 0; i < N_CCY; i++)
		if (strcmp(CCYS[i], ccy) == 0)
			return i;
	fail_msg("currency %s", ccy);
	return 0;
}

/* Appends e inside the open batch, expecting it added; puts it in the model. */
static void gen_append(gen *g, fl_entry *e)
{
	fl_append_status st = 0;
	int rc = fl_ledger_append(g->f->l, e, &st);
	if (rc != 0 || st != FL_APPENDED)
		fail_msg("seed %u: append %s: %d %s (status %d)", g->seed, fl_kind_name(e->kind),
			 rc, rc ? fl_error_last() : "", (int)st);
	model_put(&g->m, e);
	g->batch_added++;
}

/* Appends e inside the open batch, expecting refusal with code. */
static void gen_refused(gen *g, fl_entry *e, int code)
{
	fl_append_status st = 0;
	int rc = fl_ledger_append(g->f->l, e, &st);
	if (rc != code)
		fail_msg("seed %u: %s should be refused with %d, got %d (%s)", g->seed,
			 fl_kind_name(e->kind), code, rc, rc ? fl_error_last() : "appended");
}

/* A random standing entry of `kind` (satisfying fit when given), or 0. */
static uint64_t pick(gen *g, fl_kind kind, int (*fit)(const gen *, const fl_entry *, const void *),
		     const void *arg)
{
	uint64_t n = 0, chosen = 0;
	for (size_t i = 0; i < g->m.n; i++) {
		const fl_entry *e = &g->m.e[i];
		if (e->kind != kind || g->m.rev[i] || (fit && !fit(g, e, arg)))
			continue;
		/* Reservoir sampling: each fitting entry equally likely. */
		if (rbelow(&g->r, ++n) == 0)
			chosen = e->seq;
	}
	return chosen;
}

static int same_party(const gen *g, const fl_entry *e, const void *arg)
{
	const fl_entry *o = arg;
	(void)g;
	return e->seq != o->seq && strcmp(e->donor, o->donor) == 0 && strcmp(e->fund, o->fund) == 0;
}

static int64_t random_amount(gen *g, const char *ccy)
{
	int64_t a;
	if (strcmp(ccy, "JPY") == 0) {
		a = rrange(&g->r, 100000, 60000000);
		if (rchance(&g->r, 50))
			a -= a % 10000;
	} else {
		a = rrange(&g->r, 100000, 50000000);
		if (rchance(&g->r, 50))
			a -= a % 100000;
	}
	return a > 0 ? a : 1;
}

static int64_t remaining_of(gen *g, uint64_t pledge)
{
	int64_t left = -1;
	int rc = fl_ledger_remaining(g->f->l, pledge, &left);
	if (rc != 0)
		fail_msg("seed %u: remaining of %" PRIu64 ": %s", g->seed, pledge, fl_error_last());
	if (left < 0)
		fail_msg("seed %u: remaining of %" PRIu64 " is %" PRId64, g->seed, pledge, left);
	return left;
}

static void op_pledge(gen *g)
{
	fl_entry e;
	char date[FL_DATE_LEN + 1], due[FL_DATE_LEN + 1];
	const char *ccy = rchance(&g->r, 40) ? "USD" : CCYS[1 + rbelow(&g->r, N_CCY - 1)];
	int64_t d = rrange(&g->r, g->d0, g->d1);
	int first;
	size_t years = (size_t)rrange(&g->r, 1, 3);

	day_str(date, d);
	first = fl_date_year(date) + (rchance(&g->r, 25) ? 1 : 0);
	due[0] = 0;
	if (rchance(&g->r, 40))
		day_str(due, d + rrange(&g->r, 0, 420));
	pledge_e(&e, g->funds[rbelow(&g->r, g->nf)], g->donors[rbelow(&g->r, g->nd)], ccy,
		 random_amount(g, ccy), date, (unsigned)first, years, due[0] ? due : NULL);
	snprintf(e.idem, sizeof(e.idem), "PLG-%u-%u", g->seed, ++g->op);
	gen_append(g, &e);
}

/* Converts an amount between currencies at the rates of `date` (both must have one). */
static int64_t convert_on(gen *g, int64_t amount, const char *from, const char *to,
			  const char *date)
{
	int64_t out = 0;
	uint64_t rf = model_rate(&g->m, from, date), rt = model_rate(&g->m, to, date);
	if (!rf || !rt)
		fail_msg("seed %u: no rate %s/%s on %s", g->seed, from, to, date);
	if (fl_money_convert(&out, amount, mu_of(g, from), rf, mu_of(g, to), rt) != 0)
		fail_msg("convert: %s", fl_error_last());
	return out;
}

static void schedule(const fl_entry *p, int64_t covered, int64_t outstanding, const char *as_of,
		     int64_t *overdue, char next_due[FL_DATE_LEN + 1]);

/*
 * What the oldest open pledges of pe's donor and fund dated on or before `date` (the first
 * two or three by next due date, then seq, in the first one's currency, set in *ccy) have
 * left together; 0 when there are not two such. A receipt of that amount is a case for rule
 * several. *ccy points into the model: use it before appending.
 */
static int64_t oldest_sum(gen *g, const fl_entry *pe, const char *date, const char **ccy)
{
	enum { MAX = 64 };
	uint64_t seqs[MAX];
	char dues[MAX][FL_DATE_LEN + 1];
	int64_t left[MAX], sum = 0, od;
	size_t n = 0, k = (size_t)rrange(&g->r, 2, 3);
	for (size_t i = 0; i < g->m.n && n < MAX; i++) {
		const fl_entry *q = &g->m.e[i];
		int64_t rem;
		if (q->kind != FL_KIND_PLEDGE || g->m.rev[i] || strcmp(q->donor, pe->donor) ||
		    strcmp(q->fund, pe->fund) || strcmp(q->date, date) > 0 ||
		    (rem = remaining_of(g, q->seq)) <= 0)
			continue;
		schedule(q, q->amount - rem, rem, date, &od, dues[n]);
		seqs[n] = q->seq;
		left[n] = rem;
		/* insertion into (due, seq) order */
		for (size_t j = n; j > 0 && strcmp(dues[j - 1], dues[j]) > 0; j--) {
			char t[FL_DATE_LEN + 1];
			uint64_t ts = seqs[j - 1];
			int64_t tl = left[j - 1];
			strcpy(t, dues[j - 1]);
			strcpy(dues[j - 1], dues[j]);
			strcpy(dues[j], t);
			seqs[j - 1] = seqs[j];
			seqs[j] = ts;
			left[j - 1] = left[j];
			left[j] = tl;
		}
		n++;
	}
	if (n < 2)
		return 0;
	*ccy = ent(&g->m, seqs[0])->currency;
	for (size_t j = 0; j < k && j < n; j++) {
		if (strcmp(ent(&g->m, seqs[j])->currency, *ccy)) {
			if (j < 2)
				return 0;
			break;
		}
		sum += left[j];
	}
	return sum;
}

static void op_contribution(gen *g)
{
	fl_entry e, m;
	char date[FL_DATE_LEN + 1];
	uint64_t p = rchance(&g->r, 80) ? pick(g, FL_KIND_PLEDGE, NULL, NULL) : 0;
	const char *ccy, *fund, *donor;
	int64_t lo, hi, amount;
	int named = 0, several = 0;
	fl_append_status st;

	if (p) {
		const fl_entry *pe = ent(&g->m, p);
		int64_t target, left = remaining_of(g, p);
		unsigned how = (unsigned)rbelow(&g->r, 100);
		fund = pe->fund;
		donor = pe->donor;
		ccy = rchance(&g->r, 70) ? pe->currency : CCYS[rbelow(&g->r, N_CCY)];
		/* Mostly on or after the pledge date, sometimes before it. */
		lo = fl_date_days(pe->date) - (rchance(&g->r, 10) ? 40 : 0);
		if (lo < g->d0)
			lo = g->d0;
		if (lo < g->first_rate[ccy_index(ccy)])
			lo = g->first_rate[ccy_index(ccy)];
		if (lo < g->first_rate[ccy_index(pe->currency)])
			lo = g->first_rate[ccy_index(pe->currency)];
		hi = g->d1 + 60;
		if (lo > hi)
			return;
		day_str(date, rrange(&g->r, lo, hi));
		if (how < 40) {
			target = left > 0 ? left : pe->amount;
		} else if (how < 55) {
			target = pe->amount / (int64_t)pe->n_years;
		} else if (how < 80) {
			const char *sccy = NULL;
			target = oldest_sum(g, pe, date, &sccy);
			if (target > 0 && sccy) {
				ccy = sccy;
				several = 1;
				stats.several_made++;
			} else
				target = left > 0 ? left : pe->amount;
		} else {
			target = rrange(&g->r, 1, pe->amount);
		}
		if (target <= 0)
			target = 1;
		amount = target;
		if (!several && strcmp(ccy, pe->currency)) {
			amount = convert_on(g, target, pe->currency, ccy, date);
			/* Within the tolerance, or somewhat beyond it. */
			if (rchance(&g->r, 50))
				amount += amount * rrange(&g->r, -300, 300) / 10000;
			if (amount <= 0)
				amount = 1;
			stats.cross_ccy_receipts++;
		}
		named = !several && rchance(&g->r, 40);
	} else {
		fund = g->funds[rbelow(&g->r, g->nf)];
		donor = g->donors[rbelow(&g->r, g->nd)];
		ccy = CCYS[rbelow(&g->r, N_CCY)];
		lo = g->first_rate[ccy_index(ccy)];
		hi = g->d1 + 60;
		day_str(date, rrange(&g->r, lo, hi));
		amount = random_amount(g, ccy);
	}
	contribution_e(&e, fund, donor, ccy, amount, date, named ? p : 0);
	snprintf(e.bank_ref, sizeof(e.bank_ref), "BR-%u-%u", g->seed, ++g->op);
	snprintf(e.idem, sizeof(e.idem), "CTB-%u-%u", g->seed, g->op);
	gen_append(g, &e);
	/* Most named contributions are recorded with their match, as the CLI does; the others
	 * (as format v1 recorded them) leave it to rule named. */
	if (named && rchance(&g->r, 75)) {
		int rc = fl_ledger_append_named(g->f->l, &e, &m, &st);
		if (rc != 0 || st != FL_APPENDED)
			fail_msg("seed %u: named match of %" PRIu64 ": %d %s", g->seed, e.seq, rc,
				 rc ? fl_error_last() : "");
		model_put(&g->m, &m);
		g->batch_added++;
	}
}

static void op_writeoff(gen *g)
{
	fl_entry e;
	char date[FL_DATE_LEN + 1], reason[64];
	uint64_t p = pick(g, FL_KIND_PLEDGE, NULL, NULL);
	int64_t left;
	if (!p)
		return;
	left = remaining_of(g, p);
	snprintf(reason, sizeof(reason), "uncollectable %u-%u", g->seed, ++g->op);
	day_str(date, fl_date_days(ent(&g->m, p)->date) + rrange(&g->r, 0, 500));
	if (left == 0 || rchance(&g->r, 5)) {
		/* More than is left is refused. */
		writeoff_e(&e, p, left + 1, date, reason);
		gen_refused(g, &e, FL_EINVALID);
		return;
	}
	writeoff_e(&e, p, rchance(&g->r, 35) ? left : rrange(&g->r, 1, left), date, reason);
	gen_append(g, &e);
}

static int has_dependents(const gen *g, uint64_t pledge)
{
	for (size_t i = 0; i < g->m.n; i++) {
		const fl_entry *e = &g->m.e[i];
		if ((e->kind == FL_KIND_CONTRIBUTION || e->kind == FL_KIND_WRITEOFF) &&
		    e->pledge == pledge && !g->m.rev[i])
			return 1;
	}
	return 0;
}

static int has_standing_match(const gen *g, uint64_t pledge)
{
	for (size_t i = 0; i < g->m.n; i++) {
		const fl_entry *e = &g->m.e[i];
		if (e->kind == FL_KIND_MATCH && e->pledge == pledge && !g->m.rev[i] &&
		    standing(&g->m, e->contribution))
			return 1;
	}
	return 0;
}

static void op_reverse(gen *g)
{
	static const fl_kind KINDS[] = {FL_KIND_CONTRIBUTION, FL_KIND_MATCH, FL_KIND_WRITEOFF,
					FL_KIND_PLEDGE};
	fl_entry e;
	char reason[64];
	fl_kind k = KINDS[rbelow(&g->r, 4)];
	uint64_t t = pick(g, k, NULL, NULL);
	if (!t)
		return;
	snprintf(reason, sizeof(reason), "recorded in error %u-%u", g->seed, ++g->op);
	reversal_e(&e, t, reason);
	if (k == FL_KIND_PLEDGE && has_dependents(g, t)) {
		/* Refused while a contribution or write-off names the pledge. */
		gen_refused(g, &e, FL_EINVALID);
		stats.refused_reversals++;
		return;
	}
	if (k == FL_KIND_PLEDGE && has_standing_match(g, t))
		stats.reversed_with_matches++;
	gen_append(g, &e);
}

static void op_match(gen *g)
{
	fl_entry e;
	char reason[64];
	uint64_t c = pick(g, FL_KIND_CONTRIBUTION, NULL, NULL), p;
	fl_entry ce_copy, pe_copy; /* copies: appending may move the model */
	const fl_entry *ce = &ce_copy, *pe = &pe_copy;
	int64_t room = -1, amount;
	int rc;
	if (!c)
		return;
	ce_copy = *ent(&g->m, c);
	if ((rc = fl_ledger_unapplied(g->f->l, c, &room)) != 0)
		fail_msg("seed %u: unapplied of %" PRIu64 ": %s", g->seed, c, fl_error_last());
	if (room < 0 || room > ce->amount)
		fail_msg("seed %u: unapplied of %" PRIu64 " is %" PRId64 " of %" PRId64, g->seed, c,
			 room, ce->amount);
	if (room == 0 || !(p = pick(g, FL_KIND_PLEDGE, same_party, ce)))
		return;
	pe_copy = *ent(&g->m, p);
	amount = rchance(&g->r, 40) ? room : rrange(&g->r, 1, room);
	snprintf(reason, sizeof(reason), "manual %u-%u", g->seed, ++g->op);
	match_e(&e, c, p, amount, reason);
	if (strcmp(pe->currency, ce->currency) && !model_rate(&g->m, pe->currency, ce->date)) {
		gen_refused(g, &e, FL_ENOTFOUND);
		return;
	}
	if (rchance(&g->r, 5)) {
		fl_entry over = e;
		over.amount = room + 1;
		gen_refused(g, &over, FL_EINVALID);
	}
	gen_append(g, &e);
	/* The ledger settles across currencies at the rates of the contribution's date. */
	if (strcmp(pe->currency, ce->currency) == 0)
		CHECK(e.settled == amount, "match %" PRIu64 " settled %" PRId64, e.seq, e.settled);
	else
		CHECK(e.settled == convert_on(g, amount, ce->currency, pe->currency, ce->date),
		      "match %" PRIu64 " settled %" PRId64, e.seq, e.settled);
}

/* Records monthly rates for EUR, CHF, JPY and GBP over [d0, d1], each starting in one of
 * the first months (so some early pledges have no rate), as a random walk. */
static void gen_rates(gen *g)
{
	static const uint64_t BASE[N_CCY] = {0, 920000, 880000, 150000000, 790000};
	char date[32];
	fl_entry e;
	g->first_rate[0] = g->d0;
	if (fl_ledger_begin(g->f->l, BY, AT) != 0)
		fail_msg("begin: %s", fl_error_last());
	for (size_t c = 1; c < N_CCY; c++) {
		uint64_t rate = BASE[c];
		int y = 2025;
		unsigned start = (unsigned)rbelow(&g->r, 3), mon;
		g->first_rate[c] = -1;
		for (mon = start;; mon++) {
			int64_t d;
			snprintf(date, sizeof(date), "%04d-%02u-01", y + (int)(mon / 12),
				 (mon % 12) + 1);
			d = fl_date_days(date);
			if (d > g->d1)
				break;
			if (g->first_rate[c] < 0)
				g->first_rate[c] = d;
			/* +-2% a month */
			rate = rate + rate * (uint64_t)rbelow(&g->r, 401) / 10000 - rate * 2 / 100;
			rate_e(&e, CCYS[c], rate, date);
			gen_append(g, &e);
		}
		if (g->first_rate[c] < 0)
			g->first_rate[c] = g->d1;
	}
	if (fl_ledger_commit(g->f->l) != 0)
		fail_msg("commit: %s", fl_error_last());
	model_sync(g->f, &g->m, 1);
	g->batch_added = 0;
}

/* ---- the properties ---- */

/* One instalment's due date (reconcile.c): 31 December of its year, or the pledge's due day
 * shifted by the instalment's distance from the first year, 29 February becoming the 28th. */
static void instalment_due(char out[FL_DATE_LEN + 1], const fl_entry *p, size_t k)
{
	char buf[32];
	if (!p->due[0]) {
		snprintf(buf, sizeof(buf), "%04u-12-31", (unsigned)p->years[k]);
	} else {
		int y = atoi(p->due) + (int)p->years[k] - (int)p->years[0];
		int mo = atoi(p->due + 5), d = atoi(p->due + 8);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (mo == 2 && d == 29 && !leap)
			d = 28;
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, mo, d);
	}
	memcpy(out, buf, FL_DATE_LEN);
	out[FL_DATE_LEN] = 0;
}

/* What has fallen due (due date strictly before as_of) and is not covered, and the due date
 * of the first instalment not covered. */
static void schedule(const fl_entry *p, int64_t covered, int64_t outstanding, const char *as_of,
		     int64_t *overdue, char next_due[FL_DATE_LEN + 1])
{
	int64_t n = (int64_t)p->n_years, cum = 0, fallen = 0;
	*overdue = 0;
	next_due[0] = 0;
	for (size_t k = 0; k < p->n_years; k++) {
		char due[FL_DATE_LEN + 1];
		int64_t amt = p->amount / n + ((int64_t)k < p->amount % n ? 1 : 0);
		instalment_due(due, p, k);
		cum += amt;
		if (strcmp(due, as_of) < 0)
			fallen += amt;
		if (!next_due[0] && outstanding > 0 && cum > covered)
			strcpy(next_due, due);
	}
	if (outstanding > 0 && fallen > covered)
		*overdue = fallen - covered < outstanding ? fallen - covered : outstanding;
}

static int64_t to_usd(const gen *g, int64_t amount, const char *ccy, uint64_t rate)
{
	int64_t out = 0;
	int neg = amount < 0;
	if (fl_money_to_usd(&out, neg ? -amount : amount, mu_of(g, ccy), rate) != 0)
		fail_msg("to usd: %s", fl_error_last());
	return neg ? -out : out;
}

/* What one pledge should report, recomputed from the entries. */
typedef struct {
	int in_view, reversed;
	/* Matches count when they, their contribution and the pledge stand and the
	 * contribution is in view; write-offs when they and the pledge stand and are in view.
	 * Nothing stands against a reversed pledge: all four stay 0. */
	int64_t paid, written_off, usd_received;
	uint64_t matches;
	/* for the proposals */
	int open;
	int64_t out; /* running outstanding, lowered as proposals take it */
	char due[FL_DATE_LEN + 1];
} pexp;

typedef struct {
	char currency[FL_CURRENCY_LEN + 1];
	int64_t pledged, paid, written_off, outstanding, overdue, received, applied, unapplied;
	uint64_t pledges;
} ctot;

static ctot *ctot_of(ctot *t, size_t *n, const char *ccy)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(t[i].currency, ccy) == 0)
			return &t[i];
	if (*n == N_CCY)
		fail_msg("unexpected currency %s", ccy);
	memset(&t[*n], 0, sizeof(t[*n]));
	strcpy(t[*n].currency, ccy);
	return &t[(*n)++];
}

/* A leg of an applicable proposal: what fl_reconcile_apply should record. */
typedef struct {
	uint64_t c, p;
	int64_t amount, settle;
	fl_match_rule rule;
} leg;

typedef struct {
	leg *legs;
	size_t n, cap;
	coll c;
	fl_reconcile_totals t;
} check_out;

/* The open pledges in proposal order: donor, fund, next due date, seq. */
static const pexp *sort_x;
static const model *sort_m;
static int cmp_open(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	const fl_entry *px = &sort_m->e[x - 1], *py = &sort_m->e[y - 1];
	int c;
	if ((c = strcmp(px->donor, py->donor)) || (c = strcmp(px->fund, py->fund)) ||
	    (c = strcmp(sort_x[x].due, sort_x[y].due)))
		return c;
	return x < y ? -1 : x > y;
}

static int cmp_receipt(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	int c = strcmp(sort_m->e[x - 1].date, sort_m->e[y - 1].date);
	return c ? c : (x < y ? -1 : x > y);
}

__extension__ typedef __int128 i128;

static int within_tolerance(int64_t a, int64_t b)
{
	int64_t d = a > b ? a - b : b - a;
	return (i128)d * 10000 <= (i128)b * FL_RECONCILE_FX_TOLERANCE_BP;
}

/* What `amount` of receipt c settles of pledge p; 0 in *ok when no rate converts. */
static int64_t settle_of(const gen *g, const fl_entry *c, int64_t amount, const fl_entry *p,
			 int *ok)
{
	int64_t out = 0;
	uint64_t rp;
	*ok = 1;
	if (strcmp(c->currency, p->currency) == 0)
		return amount;
	if (!(rp = model_rate(&g->m, p->currency, c->date))) {
		*ok = 0;
		return 0;
	}
	if (fl_money_convert(&out, amount, mu_of(g, c->currency), c->rate_used,
			     mu_of(g, p->currency), rp) != 0)
		fail_msg("convert: %s", fl_error_last());
	return out;
}

static int applicable(fl_match_rule rule)
{
	return rule >= FL_RULE_NAMED && rule <= FL_RULE_ONLY;
}

/* How the model reached a proposal, for the checks on its reason and for the statistics. */
typedef struct {
	size_t n_cand;	 /* candidates, all of them */
	size_t exact_at; /* 1-based place among them of the exact (or second tied) one; 0 */
	int tie;	 /* ambiguous between two exact candidates due the same day */
} why_t;

/*
 * The rules of docs/RECONCILE.md for receipt c with `rem` unapplied, against the running
 * outstanding amounts in x; changes nothing (model_take does). The candidates are the open
 * pledges of c's donor and fund dated on or before c, with something left, that the rates of
 * c's value date convert to, in (next due, seq) order (open[] is sorted so). Then:
 *   named     the named pledge stands, is in view and was never matched with c;
 *   exact     over ALL candidates: the first whose outstanding c settles exactly (across
 *             currencies within the tolerance), unless another exact one falls due the same
 *             day (ambiguous, the two listed);
 *   several   the first two or more of the first SPLIT_MAX candidates, all in c's currency,
 *             have outstanding together exactly rem;
 *   only      one candidate in all;
 *   none      no candidate; otherwise ambiguous, listing the first SPLIT_MAX.
 */
static void expect_proposal(const gen *g, const pexp *x, const uint64_t *open, size_t n_open,
			    const fl_entry *c, int64_t rem, fl_proposal *out, why_t *why)
{
	const model *m = &g->m;
	uint64_t *cand = calloc(n_open + 1, sizeof(*cand));
	int64_t *conv = calloc(n_open + 1, sizeof(*conv));
	size_t nc = 0, first = 0, second = 0;
	int ok;

	if (!cand || !conv)
		fail_msg("out of memory");
	memset(out, 0, sizeof(*out));
	memset(why, 0, sizeof(*why));
	out->contribution = c->seq;
	out->amount = rem;
	if (c->pledge) {
		const fl_entry *p = ent(m, c->pledge);
		int ever = 0;
		for (size_t i = 0; i < m->n; i++)
			if (m->e[i].kind == FL_KIND_MATCH && m->e[i].contribution == c->seq &&
			    m->e[i].pledge == c->pledge)
				ever = 1;
		if (p->kind == FL_KIND_PLEDGE && standing(m, p->seq) && x[p->seq].in_view &&
		    !ever) {
			int64_t s = settle_of(g, c, rem, p, &ok);
			if (ok) {
				out->rule = FL_RULE_NAMED;
				out->n = 1;
				out->pledges[0] = p->seq;
				out->amounts[0] = rem;
				out->settles[0] = s;
				goto done;
			}
		}
	}
	for (size_t i = 0; i < n_open; i++) {
		const fl_entry *p = ent(m, open[i]);
		int64_t s;
		if (strcmp(p->donor, c->donor) || strcmp(p->fund, c->fund) || x[open[i]].out <= 0 ||
		    strcmp(p->date, c->date) > 0)
			continue;
		s = settle_of(g, c, rem, p, &ok);
		if (!ok)
			continue;
		conv[nc] = s;
		cand[nc++] = open[i];
	}
	why->n_cand = nc;
	if (nc == 0) {
		out->rule = FL_RULE_NONE;
		goto done;
	}
	/* Exact, over every candidate; 1-based places so that 0 is "none". */
	for (size_t k = 0; k < nc; k++) {
		uint64_t ps = cand[k];
		int same = strcmp(ent(m, ps)->currency, c->currency) == 0;
		if (!(same ? conv[k] == x[ps].out : within_tolerance(conv[k], x[ps].out)))
			continue;
		if (!first)
			first = k + 1;
		else if (!second && strcmp(x[ps].due, x[cand[first - 1]].due) == 0)
			second = k + 1;
	}
	if (first && second) {
		out->rule = FL_RULE_AMBIGUOUS;
		out->n = 2;
		out->pledges[0] = cand[first - 1];
		out->pledges[1] = cand[second - 1];
		why->tie = 1;
		why->exact_at = second;
		goto done;
	}
	if (first) {
		out->rule = FL_RULE_EXACT;
		out->n = 1;
		out->pledges[0] = cand[first - 1];
		out->amounts[0] = rem;
		out->settles[0] = conv[first - 1];
		why->exact_at = first;
		goto done;
	}
	/* Several: a prefix of at least two of the first SPLIT_MAX, in c's currency. */
	{
		int64_t sum = 0;
		for (size_t k = 0; k < nc && k < FL_RECONCILE_SPLIT_MAX; k++) {
			uint64_t ps = cand[k];
			if (strcmp(ent(m, ps)->currency, c->currency))
				break;
			sum += x[ps].out;
			if (sum > rem)
				break;
			if (sum == rem && k >= 1) {
				out->rule = FL_RULE_SEVERAL;
				out->n = k + 1;
				for (size_t j = 0; j <= k; j++) {
					out->pledges[j] = cand[j];
					out->amounts[j] = out->settles[j] = x[cand[j]].out;
				}
				goto done;
			}
		}
	}
	if (nc == 1) {
		out->rule = FL_RULE_ONLY;
		out->n = 1;
		out->pledges[0] = cand[0];
		out->amounts[0] = rem;
		out->settles[0] = conv[0];
		goto done;
	}
	out->rule = FL_RULE_AMBIGUOUS;
	out->n = nc < FL_RECONCILE_SPLIT_MAX ? nc : FL_RECONCILE_SPLIT_MAX;
	for (size_t k = 0; k < out->n; k++)
		out->pledges[k] = cand[k];
done:
	free(cand);
	free(conv);
}

/* A proposal of rules 1-4 takes what it settles off the open pledges it uses. */
/*
 * Takes a proposal's settled amounts off its pledges' running outstanding amounts; their next
 * due dates move on as they will once the matches are recorded, and open[] is put back in
 * (next due, seq) order.
 */
static void model_take(const model *m, pexp *x, uint64_t *open, size_t n_open,
		       const fl_proposal *p, const char *as_of)
{
	for (size_t j = 0; j < p->n; j++) {
		pexp *y = &x[p->pledges[j]];
		const fl_entry *pe = ent(m, p->pledges[j]);
		int64_t overdue;
		if (!y->open)
			continue;
		y->out -= p->settles[j];
		schedule(pe, pe->amount - y->out, y->out, as_of, &overdue, y->due);
	}
	qsort(open, n_open, sizeof(*open), cmp_open);
}

/* Checks everything fl_reconcile reports as of a date; the applicable proposals go to co. */
static void check_at(gen *g, const char *as_of, check_out *co)
{
	const model *m = &g->m;
	size_t n = m->n, n_ccy = 0, n_open = 0, n_rc = 0, k;
	pexp *x = calloc(n + 1, sizeof(*x));
	int64_t *applied = calloc(n + 1, sizeof(*applied));
	uint64_t *open = calloc(n + 1, sizeof(*open)), *rcpt = calloc(n + 1, sizeof(*rcpt));
	ctot ct[N_CCY];
	uint64_t by_status[FL_PLEDGE_REVERSED + 1] = {0}, without_rate = 0;
	int64_t usd_pledged = 0, usd_paid = 0, usd_wo = 0, usd_out = 0, usd_overdue = 0;
	int64_t usd_recv = 0, fxd = 0, usd_unapplied = 0;
	uint64_t rules[FL_RULE_NONE + 1] = {0};
	const fl_reconcile_totals *t = &co->t;
	fl_proposal *props = NULL;
	why_t *whys = NULL;
	unsigned *placed = NULL;

	if (!x || !applied || !open || !rcpt)
		fail_msg("out of memory");
	snprintf(where, sizeof(where), "seed %u, as of %s, %zu entries", g->seed, as_of, n);
	co->n = 0;
	stats.checks++;

	/* The independent recomputation. */
	for (size_t s = 1; s <= n; s++) {
		const fl_entry *e = &m->e[s - 1];
		if (e->kind == FL_KIND_PLEDGE && strcmp(e->date, as_of) <= 0) {
			x[s].in_view = 1;
			x[s].reversed = m->rev[s - 1] != 0;
		}
	}
	for (size_t s = 1; s <= n; s++) {
		const fl_entry *e = &m->e[s - 1];
		if (m->rev[s - 1])
			continue;
		if (e->kind == FL_KIND_MATCH) {
			const fl_entry *c = ent(m, e->contribution), *p = ent(m, e->pledge);
			/* A match stands while neither it, its contribution nor its pledge is
			 * reversed. */
			if (!standing(m, c->seq) || !standing(m, p->seq))
				continue;
			/* What a receipt has applied: every standing match of it, whatever the
			 * pledge's date (the pledge may be out of view). */
			applied[c->seq] += e->amount;
			/* What a pledge was paid: the standing matches of receipts in view. */
			if (strcmp(c->date, as_of) > 0)
				continue;
			x[p->seq].paid += e->settled;
			x[p->seq].usd_received += e->usd;
			x[p->seq].matches++;
		} else if (e->kind == FL_KIND_WRITEOFF && strcmp(e->date, as_of) <= 0 &&
			   standing(m, e->pledge)) {
			x[e->pledge].written_off += e->amount;
		}
	}

	reconcile_at(g->f, as_of, &co->c, &co->t);

	/* Every pledge dated on or before as_of is reported once, in seq order. */
	k = 0;
	for (size_t s = 1; s <= n; s++) {
		const fl_entry *p = &m->e[s - 1];
		const fl_pledge_report *r;
		int64_t outstanding, overdue;
		char next_due[FL_DATE_LEN + 1];
		uint64_t rate;
		fl_pledge_status want;
		if (!x[s].in_view)
			continue;
		CHECK(k < co->c.npl, "pledge %zu not reported (%zu reports)", s, co->c.npl);
		r = &co->c.pl[k++];
		CHECK(r->seq == s, "report %zu is of pledge %" PRIu64 ", expected %zu", k, r->seq,
		      s);
		stats.pledges_reported++;
		stats.status[r->status <= FL_PLEDGE_REVERSED ? r->status : 0]++;
		EQ64(r->reversed_by, m->rev[s - 1], "reversed_by", s);
		EQ64(r->pledged, p->amount, "pledged", s);
		/* For a standing pledge: the sums of its standing matches and write-offs. Nothing
		 * stands against a reversed pledge (out of every total): matches recorded against
		 * it do not stop its reversal, and it reports none of them, nor any write-off; its
		 * receipts count them as unapplied again (see applied above). */
		EQ64(r->paid, x[s].paid, x[s].reversed ? "paid (reversed pledge)" : "paid", s);
		EQ64(r->usd_received, x[s].usd_received, "usd_received", s);
		EQ64(r->matches, x[s].matches, "matches", s);
		EQ64(r->written_off, x[s].written_off, "written_off", s);
		CHECK(!x[s].reversed || (r->paid == 0 && r->written_off == 0 &&
					 r->usd_received == 0 && r->matches == 0),
		      "reversed pledge %zu reports something standing against it", s);
		/* pledged == paid + written_off + outstanding */
		outstanding = p->amount - x[s].paid - x[s].written_off;
		EQ64(r->outstanding, outstanding, "outstanding", s);
		EQ64(r->pledged, r->paid + r->written_off + r->outstanding, "pledged identity", s);
		schedule(p, x[s].paid + x[s].written_off, outstanding, as_of, &overdue, next_due);
		EQ64(r->overdue, overdue, "overdue", s);
		CHECK(strcmp(r->next_due, next_due) == 0,
		      "next_due of %zu: engine '%s', expected '%s'", s, r->next_due, next_due);
		CHECK(r->overdue >= 0 && r->overdue <= (r->outstanding > 0 ? r->outstanding : 0),
		      "overdue of %zu is %" PRId64 " with %" PRId64 " outstanding", s, r->overdue,
		      r->outstanding);
		/* The status follows from the numbers. */
		if (r->reversed_by)
			want = FL_PLEDGE_REVERSED;
		else if (r->outstanding < 0)
			want = FL_PLEDGE_OVERPAID;
		else if (r->outstanding == 0)
			want = r->written_off > 0 ? FL_PLEDGE_WRITTEN_OFF : FL_PLEDGE_PAID;
		else if (r->overdue > 0)
			want = FL_PLEDGE_OVERDUE;
		else if (r->paid > 0)
			want = FL_PLEDGE_PARTIAL;
		else
			want = FL_PLEDGE_OPEN;
		CHECK(r->status == want,
		      "status of %zu: engine %s, expected %s (paid %" PRId64
		      ", written off %" PRId64 ", outstanding %" PRId64 ", overdue %" PRId64 ")",
		      s, fl_pledge_status_name(r->status), fl_pledge_status_name(want), r->paid,
		      r->written_off, r->outstanding, r->overdue);
		CHECK(r->status != FL_PLEDGE_PAID || (r->outstanding == 0 && r->written_off == 0),
		      "pledge %zu paid with something outstanding or written off", s);
		CHECK(r->status != FL_PLEDGE_OVERPAID || r->outstanding < 0,
		      "pledge %zu overpaid without an overpayment", s);
		CHECK(r->status != FL_PLEDGE_REVERSED || r->reversed_by != 0,
		      "pledge %zu reversed by nothing", s);
		/* US dollars at the rate in force on the pledge date. */
		rate = model_rate(m, p->currency, p->date);
		CHECK(r->usd_known == (rate != 0), "usd_known of %zu: %d, rate %" PRIu64, s,
		      r->usd_known, rate);
		if (rate) {
			EQ64(r->pledge_rate, rate, "pledge_rate", s);
			EQ64(r->usd_pledged, to_usd(g, r->pledged, p->currency, rate),
			     "usd_pledged", s);
			EQ64(r->usd_paid, to_usd(g, r->paid, p->currency, rate), "usd_paid", s);
			EQ64(r->usd_written_off, to_usd(g, r->written_off, p->currency, rate),
			     "usd_written_off", s);
			EQ64(r->usd_pledged, r->usd_paid + r->usd_written_off + r->usd_outstanding,
			     "usd identity", s);
			EQ64(r->fx_difference, r->usd_received - r->usd_paid, "fx_difference", s);
		} else {
			stats.no_rate_pledges++;
			CHECK(r->usd_pledged == 0 && r->usd_paid == 0 && r->usd_outstanding == 0 &&
				  r->fx_difference == 0,
			      "pledge %zu has dollar figures without a rate", s);
		}

		by_status[r->status <= FL_PLEDGE_REVERSED ? r->status : 0]++;
		if (r->reversed_by)
			continue;
		{
			ctot *c = ctot_of(ct, &n_ccy, p->currency);
			c->pledges++;
			c->pledged += r->pledged;
			c->paid += r->paid;
			c->written_off += r->written_off;
			c->outstanding += r->outstanding;
			c->overdue += r->overdue;
		}
		if (rate) {
			usd_pledged += r->usd_pledged;
			usd_paid += r->usd_paid;
			usd_wo += r->usd_written_off;
			usd_out += r->usd_outstanding;
			usd_recv += r->usd_received;
			fxd += r->fx_difference;
			if (r->overdue)
				usd_overdue += to_usd(g, r->overdue, p->currency, rate);
		} else {
			without_rate++;
		}
		/* Open for the proposals: standing, in view, something outstanding; ordered by
		 * the next due date as of now, which the proposals do not move. */
		if (outstanding > 0) {
			x[s].open = 1;
			x[s].out = outstanding;
			strcpy(x[s].due, next_due);
			open[n_open++] = s;
		}
	}
	CHECK(k == co->c.npl, "%zu pledge reports, expected %zu", co->c.npl, k);

	/* Receipts: what standing contributions in view brought in, applied or not. */
	for (size_t s = 1; s <= n; s++) {
		const fl_entry *c = &m->e[s - 1];
		ctot *tc;
		if (c->kind != FL_KIND_CONTRIBUTION || m->rev[s - 1] || strcmp(c->date, as_of) > 0)
			continue;
		tc = ctot_of(ct, &n_ccy, c->currency);
		CHECK(applied[s] <= c->amount, "contribution %zu: %" PRId64 " applied of %" PRId64,
		      s, applied[s], c->amount);
		tc->received += c->amount;
		tc->applied += applied[s];
		tc->unapplied += c->amount - applied[s];
		if (applied[s] < c->amount) {
			rcpt[n_rc++] = s;
			usd_unapplied +=
			    to_usd(g, c->amount - applied[s], c->currency, c->rate_used);
		}
	}

	/* Totals. */
	CHECK(strcmp(t->as_of, as_of) == 0, "totals as of %s", t->as_of);
	CHECK(t->n_ccy == n_ccy, "%zu currencies in the totals, expected %zu", t->n_ccy, n_ccy);
	for (size_t i = 0; i < t->n_ccy; i++) {
		const fl_currency_totals *e = &t->ccy[i];
		const ctot *w = NULL;
		if (i > 0)
			CHECK(strcmp(t->ccy[i - 1].currency, e->currency) < 0,
			      "currencies unsorted");
		for (size_t j = 0; j < n_ccy; j++)
			if (strcmp(ct[j].currency, e->currency) == 0)
				w = &ct[j];
		CHECK(w != NULL, "totals for unexpected currency %s", e->currency);
		EQ64(e->pledged, w->pledged, e->currency, 0);
		EQ64(e->paid, w->paid, "paid total", i);
		EQ64(e->written_off, w->written_off, "written_off total", i);
		EQ64(e->outstanding, w->outstanding, "outstanding total", i);
		EQ64(e->overdue, w->overdue, "overdue total", i);
		EQ64(e->pledges, w->pledges, "pledges total", i);
		EQ64(e->pledged, e->paid + e->written_off + e->outstanding, "total identity", i);
		EQ64(e->received, e->applied + e->unapplied, "received = applied + unapplied", i);
		EQ64(e->received, w->received, "received total", i);
		EQ64(e->applied, w->applied, "applied total", i);
		EQ64(e->unapplied, w->unapplied, "unapplied total", i);
	}
	EQ64(t->usd_pledged, usd_pledged, "usd_pledged total", 0);
	EQ64(t->usd_paid, usd_paid, "usd_paid total", 0);
	EQ64(t->usd_written_off, usd_wo, "usd_written_off total", 0);
	EQ64(t->usd_outstanding, usd_out, "usd_outstanding total", 0);
	EQ64(t->usd_overdue, usd_overdue, "usd_overdue total", 0);
	EQ64(t->usd_received_applied, usd_recv, "usd_received_applied total", 0);
	EQ64(t->fx_difference, fxd, "fx_difference total", 0);
	EQ64(t->usd_unapplied, usd_unapplied, "usd_unapplied total", 0);
	EQ64(t->pledges_without_rate, without_rate, "pledges_without_rate", 0);
	for (size_t s = 0; s <= FL_PLEDGE_REVERSED; s++)
		EQ64(t->by_status[s], by_status[s], "by_status", s);

	/* Proposals, recomputed to their fixpoint: receipts in value-date then seq order, each
	 * proposal of rules 1-4 taking what it settles off its pledges for the receipts weighed
	 * after it; the receipts left ambiguous or unplaced are weighed again, in the same
	 * order, against what is left, pass after pass, until a whole pass places none. Each
	 * receipt is reported once: its proposal, or, never placed, what the rules say against
	 * the final amounts. */
	sort_x = x;
	sort_m = m;
	qsort(open, n_open, sizeof(*open), cmp_open);
	qsort(rcpt, n_rc, sizeof(*rcpt), cmp_receipt);
	props = calloc(n_rc + 1, sizeof(*props));
	whys = calloc(n_rc + 1, sizeof(*whys));
	placed = calloc(n_rc + 1, sizeof(*placed));
	if (!props || !whys || !placed)
		fail_msg("out of memory");
	for (unsigned pass = 1, changed = 1; changed; pass++) {
		changed = 0;
		for (size_t i = 0; i < n_rc; i++) {
			const fl_entry *c = ent(m, rcpt[i]);
			if (placed[i])
				continue;
			expect_proposal(g, x, open, n_open, c, c->amount - applied[c->seq],
					&props[i], &whys[i]);
			if (!applicable(props[i].rule))
				continue;
			model_take(m, x, open, n_open, &props[i], as_of);
			placed[i] = pass;
			changed = 1;
		}
	}
	for (size_t i = 0; i < n_rc; i++)
		if (!placed[i]) {
			const fl_entry *c = ent(m, rcpt[i]);
			expect_proposal(g, x, open, n_open, c, c->amount - applied[c->seq],
					&props[i], &whys[i]);
		}
	CHECK(co->c.npr == n_rc, "%zu proposals, expected one for each of %zu receipts", co->c.npr,
	      n_rc);
	for (size_t i = 0; i < n_rc; i++) {
		const prop_copy *pc = &co->c.pr[i];
		const fl_proposal *pr = &pc->p;
		const fl_entry *c = &m->e[rcpt[i] - 1];
		const fl_proposal *want = &props[i];
		int64_t sum = 0;
		CHECK(pr->contribution == c->seq,
		      "proposal %zu is for %" PRIu64 ", expected %" PRIu64, i, pr->contribution,
		      c->seq);
		EQ64(pr->amount, c->amount - applied[c->seq], "proposal amount", c->seq);
		CHECK(pr->amount > 0, "proposal for %" PRIu64 " of nothing", c->seq);
		CHECK(strcmp(pc->fund, c->fund) == 0 && strcmp(pc->donor, c->donor) == 0 &&
			  strcmp(pc->currency, c->currency) == 0 && strcmp(pc->date, c->date) == 0,
		      "proposal for %" PRIu64 " describes another receipt", c->seq);
		CHECK(pr->rule >= FL_RULE_NAMED && pr->rule <= FL_RULE_NONE, "rule %d",
		      (int)pr->rule);
		rules[pr->rule]++;
		stats.rules[pr->rule]++;
		CHECK(pr->n <= FL_RECONCILE_SPLIT_MAX, "proposal with %zu pledges", pr->n);
		/* The brief's properties, stated directly. */
		for (size_t j = 0; j < pr->n; j++) {
			uint64_t ps = pr->pledges[j];
			const fl_entry *p = ent(m, ps);
			CHECK(p->kind == FL_KIND_PLEDGE && standing(m, ps) && x[ps].in_view,
			      "proposal for %" PRIu64 " names %" PRIu64
			      ", not a standing pledge in view",
			      c->seq, ps);
			CHECK(strcmp(p->donor, c->donor) == 0 && strcmp(p->fund, c->fund) == 0,
			      "proposal for %" PRIu64 ": pledge %" PRIu64
			      " is another donor's or fund's",
			      c->seq, ps);
			CHECK(pr->rule == FL_RULE_NAMED || x[ps].open,
			      "proposal for %" PRIu64 " (%s): pledge %" PRIu64 " is not open",
			      c->seq, fl_match_rule_name(pr->rule), ps);
			if (pr->rule == FL_RULE_AMBIGUOUS)
				continue;
			CHECK(pr->amounts[j] > 0 && pr->settles[j] > 0,
			      "proposal for %" PRIu64 ": leg %zu of %" PRId64 " settling %" PRId64,
			      c->seq, j, pr->amounts[j], pr->settles[j]);
			sum += pr->amounts[j];
		}
		CHECK(sum <= pr->amount, "proposal for %" PRIu64 " applies %" PRId64 " of %" PRId64,
		      c->seq, sum, pr->amount);
		CHECK(pr->rule != FL_RULE_NONE || pr->n == 0, "rule none with pledges");
		CHECK(pr->rule != FL_RULE_AMBIGUOUS || pr->n >= 2, "ambiguous with %zu", pr->n);
		/* The rules recomputed. */
		CHECK(pr->rule == want->rule && pr->n == want->n,
		      "proposal for %" PRIu64 ": rule %s with %zu pledges (%" PRIu64
		      "...), expected "
		      "%s with %zu (%" PRIu64 "...%s); reason: %s",
		      c->seq, fl_match_rule_name(pr->rule), pr->n, pr->n ? pr->pledges[0] : 0,
		      fl_match_rule_name(want->rule), want->n, want->n ? want->pledges[0] : 0,
		      placed[i] ? (placed[i] > 1 ? ", placed in a later pass" : ", placed")
				: ", never placed",
		      pr->reason);
		for (size_t j = 0; j < pr->n; j++) {
			CHECK(pr->pledges[j] == want->pledges[j],
			      "proposal for %" PRIu64 ": pledge %zu is "
			      "%" PRIu64 ", expected %" PRIu64,
			      c->seq, j, pr->pledges[j], want->pledges[j]);
			if (pr->rule == FL_RULE_AMBIGUOUS)
				continue;
			EQ64(pr->amounts[j], want->amounts[j], "proposal amount leg", c->seq);
			EQ64(pr->settles[j], want->settles[j], "proposal settle leg", c->seq);
		}
		CHECK(pr->reason[0] != 0, "proposal for %" PRIu64 " without a reason", c->seq);
		/* An ambiguous receipt that is not a tie of two exact candidates says how many
		 * candidates there are, all of them, though it lists only the first SPLIT_MAX. */
		if (pr->rule == FL_RULE_AMBIGUOUS && !whys[i].tie) {
			char *end = NULL;
			unsigned long long said = strtoull(pr->reason, &end, 10);
			CHECK(end != pr->reason && said == whys[i].n_cand,
			      "proposal for %" PRIu64
			      ": ambiguous among %zu candidates, reason: %s",
			      c->seq, whys[i].n_cand, pr->reason);
		}
		if (placed[i] > 1)
			stats.placed_late++;
		if (whys[i].exact_at > FL_RECONCILE_SPLIT_MAX)
			stats.exact_beyond++;
		if (pr->rule <= FL_RULE_ONLY)
			for (size_t j = 0; j < pr->n; j++) {
				co->legs = grow(co->legs, &co->cap, co->n, sizeof(*co->legs));
				co->legs[co->n].c = c->seq;
				co->legs[co->n].p = pr->pledges[j];
				co->legs[co->n].amount = pr->amounts[j];
				co->legs[co->n].settle = pr->settles[j];
				co->legs[co->n].rule = pr->rule;
				co->n++;
			}
	}
	EQ64(t->proposals,
	     rules[FL_RULE_NAMED] + rules[FL_RULE_EXACT] + rules[FL_RULE_SEVERAL] +
		 rules[FL_RULE_ONLY],
	     "proposals total", 0);
	EQ64(t->ambiguous, rules[FL_RULE_AMBIGUOUS], "ambiguous total", 0);
	EQ64(t->unpledged, rules[FL_RULE_NONE], "unpledged total", 0);
	/* No statements: the bank side is empty. */
	CHECK(co->c.nbank == 0 && t->statements == 0 && t->lines == 0, "bank items without "
								       "statements");
	EQ64(t->discrepancies, t->proposals + t->ambiguous, "discrepancies", 0);

	free(x);
	free(applied);
	free(open);
	free(rcpt);
	free(props);
	free(whys);
	free(placed);
}

static int same_report(const fl_pledge_report *a, const fl_pledge_report *b)
{
	return a->seq == b->seq && a->status == b->status && a->reversed_by == b->reversed_by &&
	       strcmp(a->next_due, b->next_due) == 0 && a->pledged == b->pledged &&
	       a->paid == b->paid && a->written_off == b->written_off &&
	       a->outstanding == b->outstanding && a->overdue == b->overdue &&
	       a->usd_known == b->usd_known && a->pledge_rate == b->pledge_rate &&
	       a->usd_pledged == b->usd_pledged && a->usd_paid == b->usd_paid &&
	       a->usd_written_off == b->usd_written_off &&
	       a->usd_outstanding == b->usd_outstanding && a->usd_received == b->usd_received &&
	       a->fx_difference == b->fx_difference && a->matches == b->matches;
}

static int same_proposal(const fl_proposal *a, const fl_proposal *b)
{
	if (a->contribution != b->contribution || a->amount != b->amount || a->rule != b->rule ||
	    a->n != b->n || strcmp(a->reason, b->reason))
		return 0;
	for (size_t j = 0; j < a->n && j < FL_RECONCILE_SPLIT_MAX; j++)
		if (a->pledges[j] != b->pledges[j] || a->amounts[j] != b->amounts[j] ||
		    a->settles[j] != b->settles[j])
			return 0;
	return 1;
}

/* Filtered by fund or donor, the report is the unfiltered one restricted: the pledges, and
 * the proposals (a receipt's candidates are of its own donor and fund, so what the other
 * donors' and funds' receipts take changes nothing of them, pass after pass). */
static void check_filtered(gen *g, const char *as_of, const check_out *all)
{
	fl_reconcile_options opt;
	coll c = {0};
	fl_reconcile_visitor v = {on_pledge, on_proposal, on_bank, &c, NULL};
	fl_reconcile_totals t;
	int by_fund = rchance(&g->r, 50);
	const char *code =
	    by_fund ? g->funds[rbelow(&g->r, g->nf)] : g->donors[rbelow(&g->r, g->nd)];
	size_t k = 0;
	int rc;

	memset(&opt, 0, sizeof(opt));
	snprintf(opt.as_of, sizeof(opt.as_of), "%s", as_of);
	if (by_fund)
		opt.fund = code;
	else
		opt.donor = code;
	rc = fl_reconcile(&t, g->f->l, &opt, &v);
	CHECK(rc == 0, "filtered reconcile: %d %s", rc, fl_error_last());
	stats.filtered++;
	for (size_t i = 0; i < all->c.npl; i++) {
		const fl_pledge_report *r = &all->c.pl[i];
		const fl_entry *p = ent(&g->m, r->seq);
		if (strcmp(by_fund ? p->fund : p->donor, code))
			continue;
		CHECK(k < c.npl && c.pl[k].seq == r->seq, "filter %s: pledge %" PRIu64 " missing",
		      code, r->seq);
		CHECK(same_report(&c.pl[k], r),
		      "filter %s: pledge %" PRIu64 " reported differently", code, r->seq);
		k++;
	}
	CHECK(k == c.npl, "filter %s: %zu pledges, expected %zu", code, c.npl, k);
	k = 0;
	for (size_t i = 0; i < all->c.npr; i++) {
		const prop_copy *pc = &all->c.pr[i];
		if (strcmp(by_fund ? pc->fund : pc->donor, code))
			continue;
		CHECK(k < c.npr && c.pr[k].p.contribution == pc->p.contribution,
		      "filter %s: proposal for %" PRIu64 " missing", code, pc->p.contribution);
		CHECK(same_proposal(&c.pr[k].p, &pc->p),
		      "filter %s: proposal for %" PRIu64 " differs: %s, filtered %s (%s)", code,
		      pc->p.contribution, fl_match_rule_name(pc->p.rule),
		      fl_match_rule_name(c.pr[k].p.rule), c.pr[k].p.reason);
		k++;
	}
	CHECK(k == c.npr, "filter %s: %zu proposals, expected %zu", code, c.npr, k);
	coll_free(&c);
}

static void copy_coll(coll *to, const coll *from)
{
	for (size_t i = 0; i < from->npr; i++) {
		to->pr = grow(to->pr, &to->capr, to->npr, sizeof(*to->pr));
		to->pr[to->npr++] = from->pr[i];
	}
	for (size_t i = 0; i < from->npl; i++) {
		to->pl = grow(to->pl, &to->capl, to->npl, sizeof(*to->pl));
		to->pl[to->npl++] = from->pl[i];
	}
}

/* For a failure report: the proposals and the open pledges before and after applying. */
static void dump(const gen *g, const coll *before, const coll *after)
{
	const coll *cs[2] = {before, after};
	for (int k = 0; k < 2; k++) {
		fprintf(stderr, "# %s applying:\n", k ? "after" : "before");
		for (size_t i = 0; i < cs[k]->npr; i++) {
			const fl_proposal *p = &cs[k]->pr[i].p;
			const fl_entry *c = ent(&g->m, p->contribution);
			fprintf(stderr,
				"#   contribution %" PRIu64 " (%s %s %s %" PRId64
				" %s, names %" PRIu64 "): %s, %" PRId64 " unapplied ->",
				p->contribution, c->donor, c->fund, c->currency, c->amount, c->date,
				c->pledge, fl_match_rule_name(p->rule), p->amount);
			for (size_t j = 0; j < p->n; j++)
				fprintf(stderr, " %" PRIu64 ":%" PRId64 "/%" PRId64, p->pledges[j],
					p->amounts[j], p->settles[j]);
			fprintf(stderr, " (%s)\n", p->reason);
		}
		for (size_t i = 0; i < cs[k]->npl; i++) {
			const fl_pledge_report *r = &cs[k]->pl[i];
			const fl_entry *p = ent(&g->m, r->seq);
			if (r->outstanding <= 0 || r->reversed_by)
				continue;
			fprintf(stderr,
				"#   pledge %" PRIu64 " %s %s %s %s: %" PRId64 " of %" PRId64
				" outstanding, next due %s\n",
				r->seq, p->donor, p->fund, p->currency, p->date, r->outstanding,
				r->pledged, r->next_due);
		}
	}
}

/* For a failure report: the matches recorded, standing or not. */
static void dump_matches(const gen *g)
{
	for (size_t i = 0; i < g->m.n; i++) {
		const fl_entry *e = &g->m.e[i];
		const fl_entry *c, *p;
		if (e->kind != FL_KIND_MATCH)
			continue;
		c = ent(&g->m, e->contribution);
		p = ent(&g->m, e->pledge);
		fprintf(stderr,
			"#   match %" PRIu64 "%s: contribution %" PRIu64
			"%s (%s) -> pledge %" PRIu64 "%s (%s): %" PRId64 " settling %" PRId64
			" (%s)\n",
			e->seq, g->m.rev[i] ? " reversed" : "", c->seq,
			standing(&g->m, c->seq) ? "" : " reversed", c->date, p->seq,
			standing(&g->m, p->seq) ? "" : " reversed", p->date, e->amount, e->settled,
			e->reason);
	}
}

/* Does some receipt in view as of `as_of` have a standing match with a pledge out of view
 * (dated later)? Applying as of such a date must count that match as applied. */
static int before_a_matched_pledge(const gen *g, const char *as_of)
{
	const model *m = &g->m;
	for (size_t i = 0; i < m->n; i++) {
		const fl_entry *e = &m->e[i], *c, *p;
		if (e->kind != FL_KIND_MATCH || m->rev[i])
			continue;
		c = ent(m, e->contribution);
		p = ent(m, e->pledge);
		if (standing(m, c->seq) && standing(m, p->seq) && strcmp(c->date, as_of) <= 0 &&
		    strcmp(p->date, as_of) > 0)
			return 1;
	}
	return 0;
}

/*
 * Applies as of a date: exactly the applicable proposals are recorded (whatever the date,
 * including dates before a matched pledge), after which no proposal of rules 1-4 is left,
 * and applying again records nothing.
 */
static void apply_at(gen *g, const char *as_of)
{
	check_out co;
	coll before;
	fl_reconcile_options opt;
	fl_apply_result ar;
	unsigned char h0[FL_HASH_LEN], h1[FL_HASH_LEN];
	uint64_t n0, n1;
	int rc, past = before_a_matched_pledge(g, as_of);

	memset(&co, 0, sizeof(co));
	memset(&before, 0, sizeof(before));
	check_at(g, as_of, &co);
	copy_coll(&before, &co.c);
	stats.applies++;
	if (past)
		stats.past_applies++;
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.as_of, sizeof(opt.as_of), "%s", as_of);
	n0 = head_of(g->f, h0);
	rc = fl_reconcile_apply(&ar, g->f->l, &opt, APPLY_BY, APPLY_AT);
	if (rc != 0) {
		int unchanged = head_of(g->f, h1) == n0 && memcmp(h0, h1, FL_HASH_LEN) == 0;
		if (getenv("FL_RECONCILE_VERBOSE")) {
			dump(g, &before, &before);
			dump_matches(g);
		}
		CHECK(0,
		      "fl_reconcile_apply failed%s: %d %s (%zu legs proposed, first contribution "
		      "%" PRIu64 " -> pledge %" PRIu64 "); the head is %s",
		      past ? " (as of a date before a matched pledge)" : "", rc, fl_error_last(),
		      co.n, co.n ? co.legs[0].c : 0, co.n ? co.legs[0].p : 0,
		      unchanged ? "unchanged" : "CHANGED");
	}
	n1 = head_of(g->f, NULL);
	EQ64(ar.matches, co.n, "matches applied", 0);
	EQ64(ar.bankmatches, 0, "bank matches applied", 0);
	EQ64(n1, n0 + co.n, "head after apply", 0);
	if (co.n) {
		EQ64(ar.first, n0 + 1, "first applied", 0);
		EQ64(ar.last, n1, "last applied", 0);
	} else {
		CHECK(ar.first == 0 && ar.last == 0, "nothing applied, but first %" PRIu64,
		      ar.first);
		CHECK(head_of(g->f, h1) == n0 && memcmp(h0, h1, FL_HASH_LEN) == 0,
		      "an empty apply changed the head");
	}
	model_sync(g->f, &g->m, n0 + 1);
	stats.applied_matches += co.n;
	for (size_t i = 0; i < co.n; i++) {
		const fl_entry *e = ent(&g->m, n0 + 1 + i);
		const leg *lg = &co.legs[i];
		CHECK(e->kind == FL_KIND_MATCH && e->contribution == lg->c && e->pledge == lg->p,
		      "applied entry %" PRIu64 " is not the match %" PRIu64 " -> %" PRIu64, e->seq,
		      lg->c, lg->p);
		EQ64(e->amount, lg->amount, "applied amount", e->seq);
		EQ64(e->settled, lg->settle, "applied settled (the proposal's settle)", e->seq);
		CHECK(strncmp(e->reason, "reconcile, rule ", 16) == 0 &&
			  strstr(e->reason, fl_match_rule_name(lg->rule)),
		      "applied entry %" PRIu64 " reason '%s'", e->seq, e->reason);
		CHECK(strcmp(e->recorded_by, APPLY_BY) == 0 &&
			  strcmp(e->recorded_at, APPLY_AT) == 0,
		      "applied entry %" PRIu64 " stamped %s %s", e->seq, e->recorded_by,
		      e->recorded_at);
	}

	/* Afterwards no proposal of rules 1-4 is left (the report is checked in full again),
	 * and a second apply records nothing. */
	check_at(g, as_of, &co);
	if (co.n || co.t.proposals) {
		const fl_proposal *was = NULL;
		for (size_t i = 0; co.n && i < before.npr; i++)
			if (before.pr[i].p.contribution == co.legs[0].c)
				was = &before.pr[i].p;
		if (getenv("FL_RECONCILE_VERBOSE")) {
			dump(g, &before, &co.c);
			dump_matches(g);
		}
		CHECK(0,
		      "not a fixpoint: after apply, %" PRIu64 " proposals remain; contribution "
		      "%" PRIu64 " -> pledge %" PRIu64 " (rule %s), which before applying was %s "
		      "(%s)",
		      co.t.proposals, co.n ? co.legs[0].c : 0, co.n ? co.legs[0].p : 0,
		      co.n ? fl_match_rule_name(co.legs[0].rule) : "-",
		      was ? fl_match_rule_name(was->rule) : "-", was ? was->reason : "-");
	}
	n0 = head_of(g->f, h0);
	rc = fl_reconcile_apply(&ar, g->f->l, &opt, APPLY_BY, APPLY_AT);
	CHECK(rc == 0, "second apply: %d %s", rc, fl_error_last());
	CHECK(ar.matches == 0 && ar.bankmatches == 0 && ar.first == 0 && ar.last == 0,
	      "second apply recorded %" PRIu64 " matches", ar.matches);
	CHECK(head_of(g->f, h1) == n0 && memcmp(h0, h1, FL_HASH_LEN) == 0,
	      "second apply changed the head");
	free(co.legs);
	coll_free(&co.c);
	coll_free(&before);
}

/* For applying as of a past date: in out, a day on or after a receipt and before the pledge
 * it has a standing match with. 0, or 1 (out not set) when no standing match has a receipt
 * dated before its pledge. */
static int past_as_of(gen *g, char out[FL_DATE_LEN + 1])
{
	const model *m = &g->m;
	uint64_t n = 0, chosen = 0;
	for (size_t i = 0; i < m->n; i++) {
		const fl_entry *e = &m->e[i], *c, *p;
		if (e->kind != FL_KIND_MATCH || m->rev[i])
			continue;
		c = ent(m, e->contribution);
		p = ent(m, e->pledge);
		if (!standing(m, c->seq) || !standing(m, p->seq) || strcmp(c->date, p->date) >= 0)
			continue;
		if (rbelow(&g->r, ++n) == 0)
			chosen = e->seq;
	}
	if (!chosen)
		return 1;
	{
		const fl_entry *e = ent(m, chosen);
		int64_t lo = fl_date_days(ent(m, e->contribution)->date);
		int64_t hi = fl_date_days(ent(m, e->pledge)->date) - 1;
		day_str(out, rrange(&g->r, lo, hi));
	}
	return 0;
}

static void random_as_of(gen *g, char out[FL_DATE_LEN + 1])
{
	/* Before anything, inside the period, and years later when everything has fallen due. */
	day_str(out, rrange(&g->r, g->d0 - 30, g->d1 + 1200));
}

/* The model read entry by entry equals a scan of the ledger. */
typedef struct {
	const model *m;
	uint64_t next;
	int bad;
} scan_ctx;

/* Compared by canonical bytes: decoded structs may differ in bytes past a string's end. */
static int scan_one(void *ctx, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	scan_ctx *s = ctx;
	fl_buf a = FL_BUF_INIT, b = FL_BUF_INIT;
	(void)hash;
	if (e->seq != s->next || e->seq > s->m->n || fl_entry_encode(&a, e) != 0 ||
	    fl_entry_encode(&b, &s->m->e[e->seq - 1]) != 0 || a.len != b.len ||
	    memcmp(a.data, b.data, a.len) != 0)
		s->bad = 1;
	fl_buf_free(&a);
	fl_buf_free(&b);
	s->next++;
	return 0;
}

/* The ledger of the seed being run, so that a failure's teardown removes it. */
static fx *seed_fx;
static model *seed_model;

static int teardown_seed(void **state)
{
	(void)state;
	if (seed_fx) {
		fx_close(seed_fx);
		seed_fx = NULL;
	}
	if (seed_model) {
		model_free(seed_model);
		seed_model = NULL;
	}
	return 0;
}

static void run_seed(unsigned seed)
{
	fx f;
	gen g;
	uint64_t target;
	int64_t months;
	char as_of[FL_DATE_LEN + 1];

	memset(&g, 0, sizeof(g));
	if (fx_open(&f) != 0)
		fail_msg("seed %u: cannot make a ledger", seed);
	seed_fx = &f;
	seed_model = &g.m;
	g.f = &f;
	g.seed = seed;
	g.r.s = UINT64_C(0x5EED0000) + seed;
	snprintf(where, sizeof(where), "seed %u", seed);

	/* Two or three donors and funds, so that pledges share a donor and fund often. */
	g.nd = (size_t)rrange(&g.r, 2, 3);
	for (size_t i = 0; i < g.nd; i++)
		g.donors[i] = DONORS[(seed + i * 2) % 6];
	g.nf = (size_t)rrange(&g.r, 1, 3);
	for (size_t i = 0; i < g.nf; i++)
		g.funds[i] = FUNDS[(seed + i) % 3];
	target = (uint64_t)rrange(&g.r, 50, 300);
	months = (int64_t)target / 16;
	if (months < 3)
		months = 3;
	if (months > 18)
		months = 18;
	g.d0 = fl_date_days("2025-01-01");
	g.d1 = g.d0 + months * 30;
	gen_rates(&g);

	while (g.m.n < target) {
		uint64_t first = g.m.n + 1;
		unsigned k = (unsigned)rrange(&g.r, 1, 12);
		if (fl_ledger_begin(f.l, BY, AT) != 0)
			fail_msg("begin: %s", fl_error_last());
		g.batch_added = 0;
		for (unsigned i = 0; i < k; i++) {
			unsigned op = (unsigned)rbelow(&g.r, 100);
			if (op < 25)
				op_pledge(&g);
			else if (op < 60)
				op_contribution(&g);
			else if (op < 70)
				op_writeoff(&g);
			else if (op < 85)
				op_reverse(&g);
			else
				op_match(&g);
		}
		if (fl_ledger_commit(f.l) != 0)
			fail_msg("seed %u: commit: %s", seed, fl_error_last());
		stats.batches++;
		/* What the batch returned is what the ledger holds. */
		if (head_of(&f, NULL) != first - 1 + g.batch_added)
			fail_msg("seed %u: batch added %" PRIu64 " entries, expected %" PRIu64,
				 seed, head_of(&f, NULL) - (first - 1), g.batch_added);
		model_sync(&f, &g.m, first);

		if (rchance(&g.r, 30)) {
			check_out co;
			memset(&co, 0, sizeof(co));
			random_as_of(&g, as_of);
			check_at(&g, as_of, &co);
			if (rchance(&g.r, 20))
				check_filtered(&g, as_of, &co);
			free(co.legs);
			coll_free(&co.c);
		}
		if (rchance(&g.r, 8)) {
			random_as_of(&g, as_of);
			apply_at(&g, as_of);
		}
		if (rchance(&g.r, 5) && past_as_of(&g, as_of) == 0)
			apply_at(&g, as_of);
	}

	/* At the end: a few dates, then applying everything as of the last day. */
	for (int i = 0; i < 3; i++) {
		check_out co;
		memset(&co, 0, sizeof(co));
		random_as_of(&g, as_of);
		check_at(&g, as_of, &co);
		check_filtered(&g, as_of, &co);
		free(co.legs);
		coll_free(&co.c);
	}
	if (past_as_of(&g, as_of) == 0)
		apply_at(&g, as_of);
	random_as_of(&g, as_of);
	apply_at(&g, as_of);
	day_str(as_of, g.d1 + 1500);
	apply_at(&g, as_of);

	{
		scan_ctx sc = {&g.m, 1, 0};
		snprintf(where, sizeof(where), "seed %u, final", seed);
		CHECK(fl_ledger_scan(f.l, NULL, scan_one, &sc) == 0, "scan: %s", fl_error_last());
		CHECK(!sc.bad && sc.next == g.m.n + 1,
		      "the scan differs from the entries read back");
	}
	verify_ok(&f);
	stats.seeds++;
	stats.entries += g.m.n;
	teardown_seed(NULL);
}

static void test_random_ledgers(void **state)
{
	const char *one = getenv("FL_RECONCILE_SEED"), *count = getenv("FL_RECONCILE_SEEDS");
	unsigned n = count ? (unsigned)strtoul(count, NULL, 10) : 40;
	struct timespec a, b;
	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	memset(&stats, 0, sizeof(stats));
	if (one)
		run_seed((unsigned)strtoul(one, NULL, 10));
	else
		for (unsigned s = 1; s <= n; s++)
			run_seed(s);
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(stderr,
		"# %" PRIu64 " seeds, %" PRIu64 " entries in %" PRIu64 " batches, %" PRIu64
		" checks (%" PRIu64 " filtered), %" PRIu64 " applies (%" PRIu64
		" matches), %.2f s\n",
		stats.seeds, stats.entries, stats.batches, stats.checks, stats.filtered,
		stats.applies, stats.applied_matches,
		(double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	fprintf(stderr,
		"# proposals (%" PRIu64 " receipts made for several): named %" PRIu64
		", exact %" PRIu64 ", several %" PRIu64 ", only %" PRIu64 ", ambiguous %" PRIu64
		", none %" PRIu64 "\n",
		stats.several_made, stats.rules[FL_RULE_NAMED], stats.rules[FL_RULE_EXACT],
		stats.rules[FL_RULE_SEVERAL], stats.rules[FL_RULE_ONLY],
		stats.rules[FL_RULE_AMBIGUOUS], stats.rules[FL_RULE_NONE]);
	fprintf(stderr,
		"# pledge reports %" PRIu64 ": open %" PRIu64 ", partial %" PRIu64 ", paid %" PRIu64
		", overpaid %" PRIu64 ", overdue %" PRIu64 ", written off %" PRIu64
		", reversed %" PRIu64 "; %" PRIu64 " without rate; %" PRIu64
		" cross-currency receipts; %" PRIu64 " refused pledge reversals, %" PRIu64
		" pledges reversed with matches standing\n",
		stats.pledges_reported, stats.status[FL_PLEDGE_OPEN],
		stats.status[FL_PLEDGE_PARTIAL], stats.status[FL_PLEDGE_PAID],
		stats.status[FL_PLEDGE_OVERPAID], stats.status[FL_PLEDGE_OVERDUE],
		stats.status[FL_PLEDGE_WRITTEN_OFF], stats.status[FL_PLEDGE_REVERSED],
		stats.no_rate_pledges, stats.cross_ccy_receipts, stats.refused_reversals,
		stats.reversed_with_matches);
	fprintf(stderr,
		"# fixpoint: %" PRIu64 " receipts placed only in a later pass; %" PRIu64
		" exact or tied candidates beyond the first %d; %" PRIu64
		" applies as of a date before a matched pledge\n",
		stats.placed_late, stats.exact_beyond, FL_RECONCILE_SPLIT_MAX, stats.past_applies);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test_setup_teardown(test_rule_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_ambiguous_same_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_several, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_cross_currency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_schedule_and_usd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixpoint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exact_all_candidates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply_past_as_of, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reversed_pledge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply_twice_due_moves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_stream, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
	    cmocka_unit_test_teardown(test_random_ledgers, teardown_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
