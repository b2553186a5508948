/*
 * test_journal.c: unit tests for journal.h, the ledger as a Ledger, hledger or Beancount
 * journal.
 *
 * A small ledger is built through the library with a fixed clock and recorder, so its entries
 * and hashes are the same on every run, and its journal in each format is compared byte for
 * byte with a golden file in tests/vectors/journal/ (small.ledger, small.journal for hledger,
 * small.beancount). The ledger has: rates (one reversed); a pledge whose earmark holds the
 * characters each tool reads as syntax; a EUR contribution settling a USD pledge (named, so
 * followed by its match); a USD receipt applied by hand to a JPY pledge, the match later undone;
 * a write-off; a pledge reversed with a match standing (the reversal undoes the match too); the
 * contribution of that match reversed after it (nothing left to undo) and the match unmatched
 * (no posting at all); a statement. Then: the pieces a sink receives join to the whole file;
 * an empty ledger gives its header; a sink's error stops the writing and is returned; a
 * currency missing from the configuration and a ledger opened without one are refused; the
 * format names parse. Run from the repository root (config/ is loaded).
 *
 * After a deliberate change to the journal, regenerate the golden files with
 *   FL_UPDATE_GOLDEN=1 build/tests/test_journal
 * and read the diff before committing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/fundledger.h"
#include "testkit.h"

#define CONFIG "config/fundledger.yaml"
#define GOLDEN "tests/vectors/journal/"
#define ORIGIN "unit.example.org/journal"
#define BY "treasurer"
#define AT "2026-03-01T12:00:00Z"

typedef struct {
	char dir[64];
	char path[128];
	fl_config *cfg;
	fl_ledger *l;
} fx;

static int fx_open(fx *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/fl-unit-journal-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (fl_config_load(&f->cfg, CONFIG) != 0) {
		fprintf(stderr, "config: %s\n", fl_error_last());
		return -1;
	}
	if (fl_ledger_init(f->path, ORIGIN, "2026-01-01T00:00:00Z") != 0 ||
	    fl_ledger_open(&f->l, f->path, f->cfg, 0) != 0 || testkit_sign(f->cfg, f->l) != 0) {
		fprintf(stderr, "ledger: %s\n", fl_error_last());
		return -1;
	}
	return 0;
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
	fl_ledger_free(f->l);
	fl_config_free(f->cfg);
	testkit_remove_ledger(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- building the ledger ---- */

static uint64_t add_at(int line, fx *f, fl_entry *e)
{
	fl_append_status st = 0;
	if (fl_ledger_record(f->l, e, BY, AT, &st) != 0 || st != FL_APPENDED)
		fail_msg("line %d: record %s: %s", line, fl_kind_name(e->kind), fl_error_last());
	return e->seq;
}
#define ADD(f, e) add_at(__LINE__, (f), (e))

static void money(fl_entry *e, fl_kind kind, const char *fund, const char *donor, const char *ccy,
		  int64_t amount, const char *date)
{
	fl_entry_init(e);
	e->kind = kind;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
}

static uint64_t rate_at(int line, fx *f, const char *ccy, uint64_t r, const char *date)
{
	fl_entry e;
	fl_entry_init(&e);
	e.kind = FL_KIND_RATE;
	strcpy(e.currency, ccy);
	e.rate = r;
	strcpy(e.date, date);
	return add_at(line, f, &e);
}

static uint64_t pledge_at(int line, fx *f, const char *fund, const char *donor, const char *ccy,
			  int64_t amount, const char *date, uint16_t year, size_t years,
			  const char *earmark)
{
	fl_entry e;
	money(&e, FL_KIND_PLEDGE, fund, donor, ccy, amount, date);
	for (size_t i = 0; i < years; i++)
		e.years[i] = (uint16_t)(year + i);
	e.n_years = years;
	if (earmark)
		snprintf(e.earmark, sizeof(e.earmark), "%s", earmark);
	return add_at(line, f, &e);
}

static uint64_t contribution_at(int line, fx *f, const char *fund, const char *donor,
				const char *ccy, int64_t amount, const char *date,
				const char *bank_ref, uint64_t pledge)
{
	fl_entry e, m;
	fl_append_status st = 0;
	money(&e, FL_KIND_CONTRIBUTION, fund, donor, ccy, amount, date);
	snprintf(e.bank_ref, sizeof(e.bank_ref), "%s", bank_ref);
	e.pledge = pledge;
	if (!pledge)
		return add_at(line, f, &e);
	/* Named: the contribution and the match that applies it, in one batch. */
	if (fl_ledger_begin(f->l, BY, AT) != 0 || fl_ledger_append(f->l, &e, &st) != 0 ||
	    fl_ledger_append_named(f->l, &e, &m, &st) != 0 || fl_ledger_commit(f->l) != 0)
		fail_msg("line %d: named contribution: %s", line, fl_error_last());
	return e.seq;
}

static uint64_t match_at(int line, fx *f, uint64_t contribution, uint64_t pledge, int64_t amount,
			 const char *reason)
{
	fl_entry e;
	fl_entry_init(&e);
	e.kind = FL_KIND_MATCH;
	e.contribution = contribution;
	e.pledge = pledge;
	e.amount = amount;
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	return add_at(line, f, &e);
}

static uint64_t reverse_at(int line, fx *f, uint64_t target, const char *reason)
{
	fl_entry e;
	fl_entry_init(&e);
	e.kind = FL_KIND_REVERSAL;
	e.target = target;
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	return add_at(line, f, &e);
}

#define RATE(...) rate_at(__LINE__, __VA_ARGS__)
#define PLEDGE(...) pledge_at(__LINE__, __VA_ARGS__)
#define CONTRIBUTION(...) contribution_at(__LINE__, __VA_ARGS__)
#define MATCH(...) match_at(__LINE__, __VA_ARGS__)
#define REVERSE(...) reverse_at(__LINE__, __VA_ARGS__)

/* The small ledger of the golden files; the seqs are asserted as it grows. */
static void build_small(fx *f)
{
	fl_entry e;
	assert_int_equal(RATE(f, "EUR", 921000, "2026-01-01"), 1);
	assert_int_equal(RATE(f, "JPY", 149350000, "2026-01-01"), 2);
	assert_int_equal(RATE(f, "GBP", 790000, "2026-01-01"), 3);
	assert_int_equal(PLEDGE(f, "UPRI", "FDN-FORD", "USD", 10000000, "2026-01-12", 2026, 1,
				"UPR follow-up; \"Pacific\" \\ 50% | café"),
			 4);
	assert_int_equal(PLEDGE(f, "UPRP", "JPN", "JPY", 2000000, "2026-01-10", 2026, 2, NULL), 5);
	/* EUR 50,000 settles USD 54,288.82 of pledge 4: 6, and its match 7. */
	assert_int_equal(
	    CONTRIBUTION(f, "UPRI", "FDN-FORD", "EUR", 5000000, "2026-01-21", "FF;\"x\"\\y", 4), 6);
	assert_int_equal(CONTRIBUTION(f, "UPRP", "JPN", "USD", 500000, "2026-01-22", "JP-1", 0), 8);
	/* USD 3,333.33 settles JPY 497,834 of pledge 5: a price Beancount cannot hold exactly. */
	assert_int_equal(MATCH(f, 8, 5, 333333, "by hand; part"), 9);
	money(&e, FL_KIND_WRITEOFF, "UPRP", "JPN", "JPY", 100000, "2026-02-01");
	e.pledge = 5;
	strcpy(e.reason, "Board \"decision\"");
	assert_int_equal(ADD(f, &e), 10);
	assert_int_equal(REVERSE(f, 9, "applied in error"), 11);
	assert_int_equal(REVERSE(f, 3, "wrong month"), 12);
	assert_int_equal(PLEDGE(f, "VFTC", "DEU", "EUR", 100000, "2026-01-15", 2026, 1, NULL), 13);
	assert_int_equal(CONTRIBUTION(f, "VFTC", "DEU", "EUR", 40000, "2026-01-25", "DE-1", 0), 14);
	assert_int_equal(MATCH(f, 14, 13, 40000, "by hand"), 15);
	/* The pledge's reversal undoes match 15; the contribution's has nothing left to undo, and
	 * undoing the match itself then posts nothing. */
	assert_int_equal(REVERSE(f, 13, "recorded twice"), 16);
	assert_int_equal(REVERSE(f, 14, "returned"), 17);
	assert_int_equal(REVERSE(f, 15, "tidy up"), 18);
	fl_entry_init(&e);
	e.kind = FL_KIND_STATEMENT;
	strcpy(e.currency, "USD");
	strcpy(e.date, "2026-01-31");
	strcpy(e.from, "2026-01-01");
	strcpy(e.account, "CH5604835012345678009");
	strcpy(e.statement_id, "S-2026-01");
	e.opening = e.closing = 100;
	assert_int_equal(ADD(f, &e), 19);
}

/* ---- sinks ---- */

typedef struct {
	fl_buf all;
	size_t pieces, biggest;
	int fail_after; /* fail on this piece (1-based), 0 never */
} collect;

static int collect_sink(void *ctx, const unsigned char *data, size_t len)
{
	collect *c = ctx;
	c->pieces++;
	if (len > c->biggest)
		c->biggest = len;
	if (c->fail_after && (int)c->pieces >= c->fail_after)
		return fl_error_set(FL_EIO, "the sink is full");
	return fl_buf_put(&c->all, data, len);
}

/* Compares data with the golden file name, or writes it with FL_UPDATE_GOLDEN=1. */
static void golden(const char *name, const fl_buf *data)
{
	char path[256];
	FILE *fp;
	fl_buf want = FL_BUF_INIT;
	char chunk[4096];
	size_t n;
	const char *update = getenv("FL_UPDATE_GOLDEN");
	snprintf(path, sizeof(path), GOLDEN "%s", name);
	if (update && strcmp(update, "1") == 0) {
		assert_non_null(fp = fopen(path, "wb"));
		assert_int_equal(fwrite(data->data, 1, data->len, fp), data->len);
		assert_int_equal(fclose(fp), 0);
	}
	if (!(fp = fopen(path, "rb")))
		fail_msg("%s: cannot open (FL_UPDATE_GOLDEN=1 writes it)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(fl_buf_put(&want, chunk, n), 0);
	fclose(fp);
	if (want.len != data->len || memcmp(want.data, data->data, want.len) != 0) {
		size_t i = 0;
		while (i < want.len && i < data->len && want.data[i] == data->data[i])
			i++;
		fail_msg("%s: differs from byte %zu on: got \"%.60s\"", path, i,
			 (const char *)data->data + (i < data->len ? i : data->len));
	}
	fl_buf_free(&want);
}

/* ---- tests ---- */

static void test_golden(void **state)
{
	fx *f = *state;
	static const struct {
		fl_journal_format fmt;
		const char *file;
	} G[] = {{FL_JOURNAL_LEDGER, "small.ledger"},
		 {FL_JOURNAL_HLEDGER, "small.journal"},
		 {FL_JOURNAL_BEANCOUNT, "small.beancount"}};
	build_small(f);
	for (size_t i = 0; i < sizeof(G) / sizeof(G[0]); i++) {
		collect c;
		fl_journal_stats st;
		memset(&c, 0, sizeof(c));
		if (fl_journal_write(&st, f->l, G[i].fmt, collect_sink, &c) != 0)
			fail_msg("%s: %s", G[i].file, fl_error_last());
		golden(G[i].file, &c.all);
		/* 19 entries: 13 transactions (pledges 4, 5, 13; contributions 6, 8, 14; matches
		 * 7, 9, 15; write-off 10; reversals 11, 16, 17), 2 prices (rates 1, 2) and 4
		 * comments (rate 3, reversed; 12, its reversal; 18, the reversal of a match
		 * already undone; the statement 19). */
		assert_int_equal(st.entries, 19);
		assert_int_equal(st.transactions, 13);
		assert_int_equal(st.prices, 2);
		assert_int_equal(st.comments, 4);
		assert_int_equal(c.pieces, 1); /* a small journal is one piece */
		fl_buf_free(&c.all);
	}
}

/* A journal bigger than a piece reaches the sink in pieces of about FL_JOURNAL_PIECE bytes,
 * which join to what one piece would have been. */
static void test_pieces(void **state)
{
	fx *f = *state;
	collect c;
	fl_journal_stats st;
	fl_entry e;
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	for (int i = 0; i < 1500; i++) {
		fl_append_status as;
		money(&e, FL_KIND_PLEDGE, "VFTC", "NOR", "USD", 100 + i, "2026-01-05");
		e.years[0] = 2026;
		e.n_years = 1;
		assert_int_equal(fl_ledger_append(f->l, &e, &as), 0);
	}
	assert_int_equal(fl_ledger_commit(f->l), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(fl_journal_write(&st, f->l, FL_JOURNAL_HLEDGER, collect_sink, &c), 0);
	assert_int_equal(st.transactions, 1500);
	assert_true(c.pieces > 2);
	assert_true(c.biggest < FL_JOURNAL_PIECE + 4096);
	assert_true(c.all.len > 2 * FL_JOURNAL_PIECE);
	assert_non_null(strstr(fl_buf_cstr(&c.all), "\n2026-01-05 * NOR | pledge to VFTC for 2026\n"
						    "    ; seq: 1500\n"));
	fl_buf_free(&c.all);
	/* The sink's error stops the writing and comes back. */
	memset(&c, 0, sizeof(c));
	c.fail_after = 2;
	assert_int_equal(fl_journal_write(&st, f->l, FL_JOURNAL_BEANCOUNT, collect_sink, &c),
			 FL_EIO);
	assert_string_equal(fl_error_last(), "the sink is full");
	assert_int_equal(c.pieces, 2);
	assert_int_equal(st.entries, 0); /* nothing counted for a failed journal */
	fl_buf_free(&c.all);
}

static void test_empty(void **state)
{
	fx *f = *state;
	collect c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(fl_journal_write(NULL, f->l, FL_JOURNAL_BEANCOUNT, collect_sink, &c), 0);
	assert_string_equal(fl_buf_cstr(&c.all),
			    "; fundledger journal for Beancount 2 of the ledger " ORIGIN "\n"
			    "; no entries\n"
			    "; accounts, postings and what is left out: docs/JOURNAL.md\n\n"
			    "option \"title\" \"fundledger " ORIGIN "\"\n"
			    "option \"operating_currency\" \"USD\"\n"
			    "option \"inferred_tolerance_default\" \"*:0.000001\"\n\n");
	fl_buf_free(&c.all);
}

/* Without a currency's decimals there is no amount to write: refused, not guessed. */
static void test_refusals(void **state)
{
	fx *f = *state;
	fl_config *cfg = NULL;
	fl_ledger *l = NULL;
	collect c;
	size_t i;
	assert_int_equal(PLEDGE(f, "UPRP", "JPN", "JPY", 2000000, "2026-01-10", 2026, 1, NULL), 1);
	assert_int_equal(fl_config_load(&cfg, CONFIG), 0);
	for (i = 0; i < cfg->n_currencies && strcmp(cfg->currencies[i].code, "JPY"); i++)
		;
	assert_true(i < cfg->n_currencies);
	free(cfg->currencies[i].name);
	memmove(&cfg->currencies[i], &cfg->currencies[i + 1],
		(cfg->n_currencies - i - 1) * sizeof(cfg->currencies[0]));
	cfg->n_currencies--;
	assert_int_equal(fl_ledger_open(&l, f->path, cfg, FL_OPEN_READONLY), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(fl_journal_write(NULL, l, FL_JOURNAL_LEDGER, collect_sink, &c),
			 FL_ENOTFOUND);
	assert_string_equal(fl_error_last(), "currency JPY is not in the configuration");
	fl_ledger_free(l);
	fl_buf_free(&c.all);
	/* A ledger opened without a configuration. */
	assert_int_equal(fl_ledger_open(&l, f->path, NULL, FL_OPEN_READONLY), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(fl_journal_write(NULL, l, FL_JOURNAL_LEDGER, collect_sink, &c),
			 FL_EINVALID);
	assert_int_equal(c.all.len, 0);
	fl_ledger_free(l);
	fl_config_free(cfg);
	/* No sink, or a format that does not exist. */
	assert_int_equal(fl_journal_write(NULL, f->l, FL_JOURNAL_LEDGER, NULL, NULL), FL_EINVALID);
	assert_int_equal(fl_journal_write(NULL, f->l, (fl_journal_format)9, collect_sink, &c),
			 FL_EINVALID);
	/* Inside a batch the journal would not see one consistent ledger: refused. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	assert_true(fl_journal_write(NULL, f->l, FL_JOURNAL_LEDGER, collect_sink, &c) < 0);
	fl_ledger_rollback(f->l);
	fl_buf_free(&c.all);
}

static void test_format_names(void **state)
{
	fl_journal_format fmt;
	(void)state;
	assert_int_equal(fl_journal_format_parse(&fmt, "ledger"), 0);
	assert_int_equal(fmt, FL_JOURNAL_LEDGER);
	assert_int_equal(fl_journal_format_parse(&fmt, "hledger"), 0);
	assert_int_equal(fmt, FL_JOURNAL_HLEDGER);
	assert_int_equal(fl_journal_format_parse(&fmt, "beancount"), 0);
	assert_int_equal(fmt, FL_JOURNAL_BEANCOUNT);
	assert_int_equal(fl_journal_format_parse(&fmt, "bundle"), FL_EINVALID);
	assert_int_equal(fl_journal_format_parse(&fmt, "Ledger"), FL_EINVALID);
	assert_int_equal(fl_journal_format_parse(&fmt, ""), FL_EINVALID);
	assert_string_equal(fl_journal_format_name(FL_JOURNAL_HLEDGER), "hledger");
	assert_string_equal(fl_journal_format_name((fl_journal_format)0), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_golden, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test(test_format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
