/*
 * test_ledger.c: unit tests for ledger.h and verify.h against a real SQLite ledger.
 *
 * Each test gets a fresh temporary directory (mkdtemp) with a new ledger, opened with the
 * repository's config/fundledger.yaml (tests run from the repository root). The tests check
 * the ledger's state afterwards through the public API: counts, entries read back from their
 * canonical bytes, hashes, chain links and fl_verify_ledger. USD figures were worked out
 * independently with exact fractions, rounded half to even.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/fundledger.h"
#include "ledger_int.h" /* fl_ledger_store, and the store's test-only fl_store_exec_sql */
#include "testkit.h"

#define CONFIG "config/fundledger.yaml"
#define ORIGIN "unit.example.org/ledger"
#define BY "treasurer"
#define AT "2026-03-01T12:00:00Z"

typedef struct {
	char dir[64];
	char path[128];
	fl_config *cfg;
	fl_ledger *l;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/fl-unit-ledger-XXXXXX");
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

/* ---- entry builders: content only; the ledger fills in the rest ---- */

static void pledge(fl_entry *e, const char *fund, const char *donor, const char *ccy,
		   int64_t amount, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_PLEDGE;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	e->years[0] = (uint16_t)fl_date_year(date);
	e->n_years = 1;
}

static void contribution(fl_entry *e, const char *fund, const char *donor, const char *ccy,
			 int64_t amount, const char *date, uint64_t pledge_seq)
{
	fl_entry_init(e);
	e->kind = FL_KIND_CONTRIBUTION;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	snprintf(e->bank_ref, sizeof(e->bank_ref), "BANK %s %lld", date, (long long)amount);
	e->pledge = pledge_seq;
}

static void rate(fl_entry *e, const char *ccy, uint64_t r, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_RATE;
	strcpy(e->currency, ccy);
	e->rate = r;
	strcpy(e->date, date);
}

static void reversal(fl_entry *e, uint64_t target, const char *reason)
{
	fl_entry_init(e);
	e->kind = FL_KIND_REVERSAL;
	e->target = target;
	strcpy(e->reason, reason);
}

static void match(fl_entry *e, uint64_t contribution_seq, uint64_t pledge_seq, int64_t amount)
{
	fl_entry_init(e);
	e->kind = FL_KIND_MATCH;
	e->contribution = contribution_seq;
	e->pledge = pledge_seq;
	e->amount = amount;
	strcpy(e->reason, "test");
}

static void writeoff(fl_entry *e, uint64_t pledge_seq, int64_t amount, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_WRITEOFF;
	e->pledge = pledge_seq;
	e->amount = amount;
	strcpy(e->date, date);
	strcpy(e->reason, "uncollectable");
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

/* Records e and expects failure with `code` and a message containing `sub`; nothing added. */
static void refuse_at(int line, fx *f, fl_entry *e, int code, const char *sub)
{
	uint64_t before, after;
	unsigned char h1[FL_HASH_LEN], h2[FL_HASH_LEN];
	fl_append_status st = 0;
	int rc;
	if (fl_ledger_head(f->l, &before, h1) != 0)
		fail_msg("line %d: head: %s", line, fl_error_last());
	fl_error_clear();
	rc = fl_ledger_record(f->l, e, BY, AT, &st);
	if (rc != code)
		fail_msg("line %d: record %s returned %d (\"%s\"), want %d", line,
			 fl_kind_name(e->kind), rc, fl_error_last(), code);
	if (sub && !strstr(fl_error_last(), sub))
		fail_msg("line %d: message \"%s\" should contain \"%s\"", line, fl_error_last(), sub);
	if (fl_ledger_head(f->l, &after, h2) != 0)
		fail_msg("line %d: head: %s", line, fl_error_last());
	if (after != before || memcmp(h1, h2, FL_HASH_LEN) != 0)
		fail_msg("line %d: a refused entry changed the ledger (%llu -> %llu entries)", line,
			 (unsigned long long)before, (unsigned long long)after);
}
#define REFUSE(f, e, code, sub) refuse_at(__LINE__, (f), (e), (code), (sub))

static uint64_t count_of(fx *f)
{
	uint64_t n = 0;
	unsigned char h[FL_HASH_LEN];
	assert_int_equal(fl_ledger_head(f->l, &n, h), 0);
	return n;
}

/* Records e in its own batch through handle l, expects it appended; returns its seq. */
static uint64_t add_via_at(int line, fl_ledger *l, fl_entry *e)
{
	fl_append_status st = 0;
	int rc = fl_ledger_record(l, e, BY, AT, &st);
	if (rc != 0 || st != FL_APPENDED)
		fail_msg("line %d: record %s: %d (status %d) %s", line, fl_kind_name(e->kind), rc,
			 (int)st, fl_error_last());
	return e->seq;
}
#define ADD_VIA(l, e) add_via_at(__LINE__, (l), (e))

static int64_t remaining(fx *f, uint64_t p)
{
	int64_t left = -1;
	if (fl_ledger_remaining(f->l, p, &left) != 0)
		fail_msg("remaining on %llu: %s", (unsigned long long)p, fl_error_last());
	return left;
}

static void verify_ok(fx *f)
{
	fl_verify_result vr;
	uint64_t n;
	unsigned char head[FL_HASH_LEN];
	int rc = fl_verify_ledger(&vr, f->l, NULL);
	if (rc != 0)
		fail_msg("verify: %d %s", rc, fl_error_last());
	assert_int_equal(fl_ledger_head(f->l, &n, head), 0);
	assert_int_equal(vr.entries, n);
	assert_int_equal(vr.bad_seq, 0);
	assert_memory_equal(vr.head, head, FL_HASH_LEN);
}

/* ---- init and open ---- */

static void test_init_and_open(void **state)
{
	fx *f = *state;
	uint64_t n = 99;
	unsigned char h[FL_HASH_LEN], zero[FL_HASH_LEN] = {0};
	char other[160];
	struct stat st;
	fl_ledger *ro = NULL;

	assert_string_equal(fl_ledger_origin(f->l), ORIGIN);
	assert_ptr_equal(fl_ledger_config(f->l), f->cfg);
	memset(h, 0xee, sizeof(h));
	assert_int_equal(fl_ledger_head(f->l, &n, h), 0);
	assert_int_equal(n, 0);
	assert_memory_equal(h, zero, FL_HASH_LEN);
	verify_ok(f);

	/* A ledger is never re-created over an existing file. */
	fl_error_clear();
	assert_int_equal(fl_ledger_init(f->path, ORIGIN, AT), FL_EEXISTS);
	assert_non_null(strstr(fl_error_last(), "already exists"));
	/* Bad origins and times create nothing. */
	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	assert_int_equal(fl_ledger_init(other, "has space", AT), FL_EINVALID);
	assert_int_equal(fl_ledger_init(other, "", AT), FL_EINVALID);
	assert_int_equal(fl_ledger_init(other, "ok.example", "2026-03-01"), FL_EINVALID);
	assert_int_equal(stat(other, &st), -1);

	/* A second, read-only handle sees the same (empty) ledger. */
	assert_int_equal(fl_ledger_open(&ro, f->path, NULL, FL_OPEN_READONLY), 0);
	assert_string_equal(fl_ledger_origin(ro), ORIGIN);
	assert_null(fl_ledger_config(ro));
	assert_int_equal(fl_ledger_head(ro, &n, h), 0);
	assert_int_equal(n, 0);
	fl_ledger_free(ro);
	fl_ledger_free(NULL);
}

static void test_open_missing_file(void **state)
{
	fx *f = *state;
	fl_ledger *l = NULL;
	char missing[160];
	struct stat st;

	snprintf(missing, sizeof(missing), "%s/missing.db", f->dir);
	/* ledger.h: "0, FL_EIO (no such file, or unreadable), FL_ECORRUPT": a runtime error. */
	assert_int_equal(fl_ledger_open(&l, missing, f->cfg, 0), FL_EIO);
	assert_null(l);
	/* Opening does not create the file. */
	assert_int_equal(stat(missing, &st), -1);
	assert_int_equal(fl_ledger_open(&l, missing, NULL, FL_OPEN_READONLY), FL_EIO);
	assert_int_equal(stat(missing, &st), -1);
}

static void test_open_not_a_ledger(void **state)
{
	fx *f = *state;
	fl_ledger *l = NULL;
	char junk[160];
	FILE *fp;
	int rc;

	snprintf(junk, sizeof(junk), "%s/junk.db", f->dir);
	fp = fopen(junk, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite database, just some text that is long enough......\n", fp);
	for (int i = 0; i < 100; i++)
		fputs("padding padding padding padding padding padding padding padding\n", fp);
	fclose(fp);
	rc = fl_ledger_open(&l, junk, f->cfg, 0);
	assert_int_equal(rc, FL_ECORRUPT);
	assert_null(l);
	unlink(junk);
}

/* ---- appending ---- */

static void test_seq_dense_and_prev_chain(void **state)
{
	fx *f = *state;
	fl_entry e, got;
	unsigned char hashes[8][FL_HASH_LEN], calc[FL_HASH_LEN], head[FL_HASH_LEN];
	fl_buf canon = FL_BUF_INIT;
	fl_append_status st;
	uint64_t n;

	/* Two single-entry batches, then one batch of three. */
	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	assert_int_equal(ADD(f, &e), 1);
	/* What append returns is the entry as recorded. */
	assert_int_equal(e.seq, 1);
	assert_string_equal(e.recorded_by, BY);
	assert_string_equal(e.recorded_at, AT);
	assert_memory_equal(e.idem, "auto-", 5);
	assert_int_equal(strlen(e.idem), 69);
	{
		unsigned char zero[FL_HASH_LEN] = {0};
		assert_memory_equal(e.prev, zero, FL_HASH_LEN);
	}
	pledge(&e, "UPRP", "DEU", "EUR", 200000, "2026-01-16");
	strcpy(e.idem, "PLG-DEU-1");
	assert_int_equal(ADD(f, &e), 2);
	assert_string_equal(e.idem, "PLG-DEU-1");

	assert_int_equal(fl_ledger_begin(f->l, "Ana Mar\xc3\xad" "a", "2026-03-02T09:00:00Z"), 0);
	for (int i = 0; i < 3; i++) {
		contribution(&e, "VFTC", "NOR", "USD", 1000 + i, "2026-02-01", 1);
		assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
		assert_int_equal(st, FL_APPENDED);
		assert_int_equal(e.seq, 3 + (uint64_t)i);
		assert_string_equal(e.recorded_by, "Ana Mar\xc3\xad" "a");
		assert_string_equal(e.recorded_at, "2026-03-02T09:00:00Z");
	}
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_int_equal(count_of(f), 5);

	for (uint64_t s = 1; s <= 5; s++) {
		memset(&got, 0, sizeof(got));
		if (fl_ledger_get(f->l, s, &got, hashes[s], &canon) != 0)
			fail_msg("get %llu: %s", (unsigned long long)s, fl_error_last());
		assert_int_equal(got.seq, s);
		/* The hash is SHA-256 of the canonical bytes returned. */
		assert_int_equal(fl_sha256(calc, canon.data, canon.len), 0);
		assert_memory_equal(calc, hashes[s], FL_HASH_LEN);
		/* prev is the hash of the entry before (zeros for the first). */
		if (s == 1) {
			unsigned char zero[FL_HASH_LEN] = {0};
			assert_memory_equal(got.prev, zero, FL_HASH_LEN);
		} else {
			assert_memory_equal(got.prev, hashes[s - 1], FL_HASH_LEN);
		}
		/* The bytes decode to the same entry. */
		{
			fl_entry again;
			assert_int_equal(fl_entry_decode(&again, canon.data, canon.len), 0);
			assert_int_equal(again.seq, s);
			assert_string_equal(again.idem, got.idem);
		}
	}
	/* The get without out-parameters works too. */
	assert_int_equal(fl_ledger_get(f->l, 3, NULL, NULL, NULL), 0);
	assert_int_equal(fl_ledger_get(f->l, 6, &got, NULL, NULL), FL_ENOTFOUND);
	assert_int_equal(fl_ledger_get(f->l, 0, &got, NULL, NULL), FL_ENOTFOUND);
	assert_int_equal(fl_ledger_head(f->l, &n, head), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(head, hashes[5], FL_HASH_LEN);
	/* Stamps of the first batch. */
	assert_int_equal(fl_ledger_get(f->l, 2, &got, NULL, NULL), 0);
	assert_string_equal(got.recorded_by, BY);
	assert_string_equal(got.fund, "UPRP");
	assert_int_equal(got.amount, 200000);
	verify_ok(f);
	fl_buf_free(&canon);
}

static void test_replay_and_conflict(void **state)
{
	fx *f = *state;
	fl_entry e, first;
	fl_append_status st = 0;
	uint64_t seq;

	pledge(&first, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &first);
	pledge(&e, "UPRP", "DEU", "USD", 5000, "2026-01-20");
	ADD(f, &e);

	/* Same content, no key: the derived key matches, nothing is added. */
	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	assert_int_equal(fl_ledger_record(f->l, &e, "someone else", "2026-04-01T00:00:00Z", &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, 1);
	/* e is the entry as it was recorded, with the old stamps. */
	assert_string_equal(e.recorded_at, AT);
	assert_string_equal(e.recorded_by, BY);
	assert_string_equal(e.idem, first.idem);
	assert_int_equal(count_of(f), 2);

	/* With a client key: first use appends, same content replays, other content conflicts. */
	contribution(&e, "VFTC", "NOR", "USD", 2500, "2026-02-01", 1);
	strcpy(e.idem, "CTB-1");
	assert_int_equal(ADD(f, &e), 3);
	contribution(&e, "VFTC", "NOR", "USD", 2500, "2026-02-01", 1);
	strcpy(e.idem, "CTB-1");
	st = 0;
	assert_int_equal(fl_ledger_record(f->l, &e, BY, AT, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, 3);
	assert_int_equal(e.usd, 2500);
	assert_int_equal(count_of(f), 3);

	contribution(&e, "VFTC", "NOR", "USD", 2501, "2026-02-01", 1);
	strcpy(e.idem, "CTB-1");
	REFUSE(f, &e, FL_EEXISTS, "reference 'CTB-1' is already recorded as entry 3 with other content");
	/* Another kind under the same key is a conflict too. */
	rate(&e, "EUR", 921000, "2026-02-01");
	strcpy(e.idem, "CTB-1");
	REFUSE(f, &e, FL_EEXISTS, "entry 3");
	/* The key of an automatic entry, given explicitly, is refused (reserved prefix). */
	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	strcpy(e.idem, first.idem);
	REFUSE(f, &e, FL_EINVALID, "reserved");
	/* Keys that read as sequence numbers are refused. */
	pledge(&e, "VFTC", "NOR", "USD", 1, "2026-01-15");
	strcpy(e.idem, "42");
	REFUSE(f, &e, FL_EINVALID, "all digits");

	assert_int_equal(fl_ledger_find(f->l, "CTB-1", &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(fl_ledger_find(f->l, first.idem, &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(fl_ledger_find(f->l, "nope", &seq), FL_ENOTFOUND);

	/* A replay inside a batch, of an entry appended earlier in the same batch. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	pledge(&e, "UPRI", "CHE", "CHF", 7000, "2026-02-02");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(st, FL_APPENDED);
	assert_int_equal(e.seq, 4);
	pledge(&e, "UPRI", "CHE", "CHF", 7000, "2026-02-02");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, 4);
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_int_equal(count_of(f), 4);
	verify_ok(f);
}

static void test_replay_ignores_derived_figures(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_append_status st = 0;

	rate(&e, "EUR", 921000, "2026-02-01");
	ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-10", 0);
	ADD(f, &e);
	assert_int_equal(e.usd, 1085776);
	/* A newer rate now covers the value date; the replay still returns the old figures. */
	rate(&e, "EUR", 950000, "2026-02-05");
	ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-10", 0);
	assert_int_equal(fl_ledger_record(f->l, &e, BY, AT, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, 2);
	assert_int_equal(e.usd, 1085776);
	assert_int_equal(e.rate_used, 921000);
	assert_int_equal(e.rate_seq, 1);
	/* A new contribution on that date uses the newer rate: 1000000 / 0.95 = 1052631.58. */
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-11", 0);
	ADD(f, &e);
	assert_int_equal(e.usd, 1052632);
	assert_int_equal(e.rate_seq, 3);
	assert_int_equal(count_of(f), 4);
}

static void test_rollback(void **state)
{
	fx *f = *state;
	fl_entry e, got;
	fl_append_status st;
	unsigned char h1[FL_HASH_LEN], h2[FL_HASH_LEN];
	uint64_t n;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);
	assert_int_equal(fl_ledger_head(f->l, &n, h1), 0);

	/* A batch abandoned: nothing of it remains. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	pledge(&e, "UPRP", "DEU", "USD", 1, "2026-01-15");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 2);
	rate(&e, "EUR", 921000, "2026-01-01");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 3);
	fl_ledger_rollback(f->l);
	assert_int_equal(fl_ledger_head(f->l, &n, h2), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(h1, h2, FL_HASH_LEN);
	assert_int_equal(fl_ledger_get(f->l, 2, &got, NULL, NULL), FL_ENOTFOUND);
	/* The rolled-back rate is not in force either. */
	contribution(&e, "VFTC", "NOR", "EUR", 100, "2026-02-01", 0);
	REFUSE(f, &e, FL_ENOTFOUND, "no UN operational rate for EUR");
	/* Rollback with no batch open is harmless. */
	fl_ledger_rollback(f->l);
	/* The same content can be appended afterwards and gets the next seq. */
	pledge(&e, "UPRP", "DEU", "USD", 1, "2026-01-15");
	assert_int_equal(ADD(f, &e), 2);
	verify_ok(f);
}

static void test_failed_append_mid_batch(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_append_status st;
	unsigned char h1[FL_HASH_LEN], h2[FL_HASH_LEN];
	uint64_t n;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);
	assert_int_equal(fl_ledger_head(f->l, &n, h1), 0);

	/* good, bad, rollback: as before. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	contribution(&e, "VFTC", "NOR", "USD", 500, "2026-02-01", 1);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 2);
	contribution(&e, "VFTC", "XXX", "USD", 500, "2026-02-01", 0);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "unknown donor 'XXX'"));
	fl_ledger_rollback(f->l);
	assert_int_equal(fl_ledger_head(f->l, &n, h2), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(h1, h2, FL_HASH_LEN);
	assert_int_equal(remaining(f, 1), 100000);
	verify_ok(f);

	/* good, bad, good, commit: the failure added nothing and left no gap. */
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	contribution(&e, "VFTC", "NOR", "USD", 500, "2026-02-01", 1);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 2);
	contribution(&e, "VFTC", "NOR", "EUR", 500, "2026-02-01", 0); /* no EUR rate */
	assert_int_equal(fl_ledger_append(f->l, &e, &st), FL_ENOTFOUND);
	/* More than the 100000 left: a payment counts once a match applies it. */
	writeoff(&e, 1, 100001, "2026-02-02");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), FL_EINVALID);
	contribution(&e, "VFTC", "NOR", "USD", 700, "2026-02-03", 1);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 3);
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_int_equal(count_of(f), 3);
	assert_int_equal(remaining(f, 1), 100000); /* named, not yet matched */
	verify_ok(f);
}

static void test_batch_misuse(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_append_status st;
	fl_ledger *nocfg = NULL;

	pledge(&e, "VFTC", "NOR", "USD", 100, "2026-01-15");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), FL_EINVALID); /* no batch */
	assert_int_equal(fl_ledger_commit(f->l), FL_EINVALID);
	assert_int_equal(fl_ledger_begin(f->l, "", AT), FL_EINVALID);
	assert_int_equal(fl_ledger_begin(f->l, " padded", AT), FL_EINVALID);
	assert_int_equal(fl_ledger_begin(f->l, BY, "2026-03-01"), FL_EINVALID);
	assert_int_equal(fl_ledger_begin(f->l, BY, "2026-02-30T00:00:00Z"), FL_EINVALID);
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), FL_EINVALID); /* already open */
	fl_ledger_rollback(f->l);
	assert_int_equal(count_of(f), 0);

	/* Without a configuration a ledger cannot append. */
	assert_int_equal(fl_ledger_open(&nocfg, f->path, NULL, 0), 0);
	assert_int_equal(fl_ledger_begin(nocfg, BY, AT), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "configuration"));
	fl_ledger_free(nocfg);
}

static void test_append_rejects_bad_entries(void **state)
{
	fx *f = *state;
	fl_entry e;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);

	pledge(&e, "NOPE", "NOR", "USD", 1, "2026-01-15");
	REFUSE(f, &e, FL_ENOTFOUND, "unknown fund 'NOPE'");
	pledge(&e, "VFTC", "ZZZ", "USD", 1, "2026-01-15");
	REFUSE(f, &e, FL_ENOTFOUND, "unknown donor 'ZZZ'");
	pledge(&e, "VFTC", "NOR", "XTS", 1, "2026-01-15");
	REFUSE(f, &e, FL_ENOTFOUND, "unknown currency 'XTS'");
	pledge(&e, "VFTC", "NOR", "USD", 0, "2026-01-15");
	REFUSE(f, &e, FL_EINVALID, "amount");
	pledge(&e, "VFTC", "NOR", "USD", -5, "2026-01-15");
	REFUSE(f, &e, FL_EINVALID, "amount");
	pledge(&e, "VFTC", "NOR", "USD", 1, "2026-02-30");
	REFUSE(f, &e, FL_EINVALID, "date");
	e.kind = (fl_kind)0;
	REFUSE(f, &e, FL_EINVALID, NULL);
	/* References. */
	contribution(&e, "VFTC", "NOR", "USD", 100, "2026-02-01", 9);
	REFUSE(f, &e, FL_ENOTFOUND, "pledge 9 does not exist");
	contribution(&e, "UPRP", "NOR", "USD", 100, "2026-02-01", 1);
	REFUSE(f, &e, FL_EINVALID, "pledge 1 is from NOR to VFTC, not from NOR to UPRP");
	contribution(&e, "VFTC", "DEU", "USD", 100, "2026-02-01", 1);
	REFUSE(f, &e, FL_EINVALID, "not from DEU to VFTC");
	reversal(&e, 2, "not yet there");
	REFUSE(f, &e, FL_ENOTFOUND, "entry 2 does not exist");
	assert_int_equal(count_of(f), 1);
	verify_ok(f);
}

/* ledger.h: a missing pledge is FL_ENOTFOUND, for write-offs as for contributions. */
static void test_writeoff_unknown_pledge(void **state)
{
	fx *f = *state;
	fl_entry e;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);
	writeoff(&e, 5, 1, "2026-02-01");
	REFUSE(f, &e, FL_ENOTFOUND, "pledge 5 does not exist");
	/* With the pledge's fund, donor and currency given, the same. */
	writeoff(&e, 5, 1, "2026-02-01");
	strcpy(e.fund, "VFTC");
	strcpy(e.donor, "NOR");
	strcpy(e.currency, "USD");
	REFUSE(f, &e, FL_ENOTFOUND, "pledge 5 does not exist");
	assert_int_equal(count_of(f), 1);
}

/* A pledge must name the years it covers: bytes without them would not decode. */
static void test_pledge_without_years_refused(void **state)
{
	fx *f = *state;
	fl_entry e;

	pledge(&e, "VFTC", "NOR", "USD", 1, "2026-01-15");
	e.n_years = 0;
	REFUSE(f, &e, FL_EINVALID, "years");
	assert_int_equal(count_of(f), 0);
	verify_ok(f);
}

/* ---- rates and USD figures ---- */

static void test_rate_in_force(void **state)
{
	fx *f = *state;
	fl_entry e;
	uint64_t r1, r2, r3;

	rate(&e, "EUR", 921000, "2026-02-01");
	r1 = ADD(f, &e);
	rate(&e, "EUR", 950000, "2026-03-01");
	r2 = ADD(f, &e);

	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-01-31", 0);
	REFUSE(f, &e, FL_ENOTFOUND, "no UN operational rate for EUR in force on 2026-01-31");
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-01", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r1);
	assert_int_equal(e.rate_used, 921000);
	assert_int_equal(e.usd, 1085776); /* 1085776.33 */
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-28", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r1);
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-03-01", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r2);
	assert_int_equal(e.usd, 1052632); /* 1052631.58 */
	contribution(&e, "VFTC", "NOR", "EUR", 100000, "2026-12-31", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r2);
	assert_int_equal(e.usd, 105263); /* 105263.16 */
	/* Other currencies are unaffected. */
	contribution(&e, "VFTC", "NOR", "CHF", 100, "2026-03-01", 0);
	REFUSE(f, &e, FL_ENOTFOUND, "no UN operational rate for CHF");
	/* A rate inserted between the two, in a later batch (the cache is rebuilt per batch). */
	rate(&e, "EUR", 930000, "2026-02-15");
	r3 = ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 500, "2026-02-20", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r3);
	contribution(&e, "VFTC", "NOR", "EUR", 500, "2026-02-14", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r1);
	/* And in the same batch as the contribution that uses it. */
	{
		fl_append_status st;
		uint64_t r4;
		assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
		rate(&e, "CHF", 880000, "2026-03-01");
		assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
		r4 = e.seq;
		contribution(&e, "VFTC", "NOR", "CHF", 880, "2026-03-02", 0);
		assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
		assert_int_equal(e.rate_seq, r4);
		assert_int_equal(e.usd, 1000);
		assert_int_equal(fl_ledger_commit(f->l), 0);
	}
	/* The stored contribution carries the same figures. */
	{
		fl_entry got;
		assert_int_equal(fl_ledger_get(f->l, 3, &got, NULL, NULL), 0);
		assert_int_equal(got.kind, FL_KIND_CONTRIBUTION);
		assert_int_equal(got.usd, 1085776);
		assert_int_equal(got.rate_used, 921000);
		assert_int_equal(got.rate_seq, r1);
	}
	/* There is no rate for USD. */
	rate(&e, "USD", 1000000, "2026-01-01");
	REFUSE(f, &e, FL_EINVALID, "no rate for USD");
	verify_ok(f);
}

static void test_usd_figures(void **state)
{
	fx *f = *state;
	fl_entry e;

	/* USD converts at 1, with no rate entry. */
	contribution(&e, "VFTC", "NOR", "USD", 123457, "2026-02-01", 0);
	ADD(f, &e);
	assert_int_equal(e.usd, 123457);
	assert_int_equal(e.rate_used, FL_RATE_SCALE);
	assert_int_equal(e.rate_seq, 0);

	/* Half to even at GBP 2.0: 1 -> 0.5 -> 0, 3 -> 1.5 -> 2, 5 -> 2.5 -> 2, 7 -> 3.5 -> 4. */
	rate(&e, "GBP", 2000000, "2026-01-01");
	ADD(f, &e);
	{
		static const int64_t amounts[] = {1, 3, 5, 7, 8};
		static const int64_t want[] = {0, 2, 2, 4, 4};
		for (size_t i = 0; i < 5; i++) {
			contribution(&e, "VFTC", "NOR", "GBP", amounts[i], "2026-02-01", 0);
			ADD(f, &e);
			if (e.usd != want[i])
				fail_msg("GBP %lld at 2.0: %lld cents, want %lld",
					 (long long)amounts[i], (long long)e.usd, (long long)want[i]);
		}
	}
	/* No minor units: JPY 1000 at 149.35 = 669.57 cents -> 670. */
	rate(&e, "JPY", 149350000, "2026-01-01");
	ADD(f, &e);
	contribution(&e, "VFTC", "JPN", "JPY", 1000, "2026-02-01", 0);
	ADD(f, &e);
	assert_int_equal(e.usd, 670);
	/* Three minor units: KWD 1.000 at 0.307 = 325.73 cents -> 326. */
	rate(&e, "KWD", 307000, "2026-01-01");
	ADD(f, &e);
	contribution(&e, "VFTC", "KWT", "KWD", 1000, "2026-02-01", 0);
	ADD(f, &e);
	assert_int_equal(e.usd, 326);
	verify_ok(f);
}

static void test_second_rate_same_date(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_append_status st = 0;
	uint64_t r1, rev, r2;

	rate(&e, "EUR", 921000, "2026-02-01");
	r1 = ADD(f, &e);
	/* Another value for the same currency and date. */
	rate(&e, "EUR", 925000, "2026-02-01");
	REFUSE(f, &e, FL_EEXISTS, "a rate for EUR effective 2026-02-01 is already recorded (entry 1)");
	rate(&e, "EUR", 925000, "2026-02-01");
	strcpy(e.idem, "RATE-FIX");
	REFUSE(f, &e, FL_EEXISTS, "reverse it first");
	/* The same rate again is a replay, not a conflict. */
	rate(&e, "EUR", 921000, "2026-02-01");
	assert_int_equal(fl_ledger_record(f->l, &e, BY, AT, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, r1);
	/* Other dates and currencies are fine. */
	rate(&e, "EUR", 925000, "2026-02-02");
	ADD(f, &e);
	rate(&e, "CHF", 921000, "2026-02-01");
	ADD(f, &e);

	/* Reversed, the date is free again, and the new rate is the one in force. */
	reversal(&e, r1, "wrong rate keyed");
	rev = ADD(f, &e);
	{
		uint64_t by = 0;
		assert_int_equal(fl_ledger_reversed_by(f->l, r1, &by), 0);
		assert_int_equal(by, rev);
		assert_int_equal(fl_ledger_reversed_by(f->l, rev, &by), 0);
		assert_int_equal(by, 0);
	}
	contribution(&e, "VFTC", "NOR", "EUR", 1000, "2026-02-01", 0);
	REFUSE(f, &e, FL_ENOTFOUND, "no UN operational rate for EUR in force on 2026-02-01");
	rate(&e, "EUR", 925000, "2026-02-01");
	r2 = ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 1000000, "2026-02-01", 0);
	ADD(f, &e);
	assert_int_equal(e.rate_seq, r2);
	assert_int_equal(e.rate_used, 925000);
	assert_int_equal(e.usd, 1081081); /* 1081081.08 */
	/* Still one live rate per date: a third one is refused again. */
	rate(&e, "EUR", 930000, "2026-02-01");
	REFUSE(f, &e, FL_EEXISTS, NULL);
	verify_ok(f);
}

/* ---- reversals and write-offs ---- */

static void test_reversal_rules(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_append_status st = 0;
	uint64_t p, c, w, r1, r2, by;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	p = ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "USD", 30000, "2026-02-01", p);
	c = ADD(f, &e);

	/* A pledge with a live contribution cannot be reversed. */
	reversal(&e, p, "pledge withdrawn");
	REFUSE(f, &e, FL_EINVALID, "pledge 1 still has entry 2 against it");
	reversal(&e, c, "bank line booked twice");
	r1 = ADD(f, &e);
	assert_int_equal(fl_ledger_reversed_by(f->l, c, &by), 0);
	assert_int_equal(by, r1);
	/* No reversing a reversal. */
	reversal(&e, r1, "undo");
	REFUSE(f, &e, FL_EINVALID, "is a reversal");
	/* No reversing twice: the same request replays, another one is refused. */
	reversal(&e, c, "bank line booked twice");
	assert_int_equal(fl_ledger_record(f->l, &e, BY, AT, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(e.seq, r1);
	reversal(&e, c, "another reason");
	REFUSE(f, &e, FL_EINVALID, "entry 2 was reversed by entry 3");
	/* A live write-off blocks the pledge's reversal as well. */
	writeoff(&e, p, 1000, "2026-03-01");
	w = ADD(f, &e);
	reversal(&e, p, "pledge withdrawn");
	REFUSE(f, &e, FL_EINVALID, "still has entry 4 against it");
	reversal(&e, w, "write-off in error");
	ADD(f, &e);
	/* Now the pledge can go, and then nothing can be booked against it. */
	reversal(&e, p, "pledge withdrawn");
	r2 = ADD(f, &e);
	assert_int_equal(fl_ledger_reversed_by(f->l, p, &by), 0);
	assert_int_equal(by, r2);
	contribution(&e, "VFTC", "NOR", "USD", 100, "2026-04-01", p);
	REFUSE(f, &e, FL_EINVALID, "pledge 1 was reversed by entry 6");
	writeoff(&e, p, 100, "2026-04-01");
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	assert_int_equal(fl_ledger_remaining(f->l, p, &(int64_t){0}), FL_EINVALID);
	/* Targets that do not exist (yet). */
	reversal(&e, 99, "nothing");
	REFUSE(f, &e, FL_ENOTFOUND, "entry 99 does not exist");
	assert_int_equal(count_of(f), 6);
	verify_ok(f);
}

/*
 * Within one batch the ledger answers for the pledges it appended and for the keys of matches
 * on its own contributions without asking the store; a reversal in the batch sends it back to
 * the store, so that a reversed pledge or match is seen as such.
 */
static void test_batch_pledges_and_match_keys(void **state)
{
	fx *f = *state;
	fl_entry e, c, m;
	fl_append_status st;
	uint64_t seq = 0, by;
	char base[FL_IDEM_MAX + 1];

	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	strcpy(e.idem, "p-nor-1");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 1);
	pledge(&e, "VFTC", "NOR", "USD", 5000, "2026-01-16");
	strcpy(e.idem, "p-nor-2");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(fl_ledger_find(f->l, "p-nor-1", &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(fl_ledger_find(f->l, "p-nor-2", &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(fl_ledger_find(f->l, "p-nor-3", &seq), FL_ENOTFOUND);
	/* The pledge of the batch is checked as the store would: another donor is refused. */
	contribution(&c, "VFTC", "DEU", "USD", 100, "2026-02-01", 1);
	assert_int_equal(fl_ledger_append(f->l, &c, &st), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "pledge 1 is from NOR to VFTC"));
	contribution(&c, "VFTC", "NOR", "USD", 30000, "2026-02-01", 1);
	assert_int_equal(fl_ledger_append(f->l, &c, &st), 0);
	assert_int_equal(c.seq, 3);
	assert_int_equal(fl_ledger_append_named(f->l, &c, &m, &st), 0);
	assert_int_equal(st, FL_APPENDED);
	assert_int_equal(m.seq, 4);
	assert_int_equal(fl_entry_auto_idem(base, &m), 0);
	assert_string_equal(m.idem, base);
	/* The same match again is a replay of entry 4, found by the insert. */
	assert_int_equal(fl_ledger_append_named(f->l, &c, &m, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(m.seq, 4);
	/* Undone and made again: the key of the reversed match is taken, the next is free. */
	reversal(&e, 4, "applied in error");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 5);
	assert_int_equal(fl_ledger_append_named(f->l, &c, &m, &st), 0);
	assert_int_equal(st, FL_APPENDED);
	assert_int_equal(m.seq, 6);
	assert_true(strlen(m.idem) == strlen(base) + 2 && strncmp(m.idem, base, strlen(base)) == 0 &&
		    strcmp(m.idem + strlen(base), ".2") == 0);
	/* A pledge of the batch reversed in the batch: nothing more is booked against it. */
	reversal(&e, 2, "pledge withdrawn");
	assert_int_equal(fl_ledger_append(f->l, &e, &st), 0);
	assert_int_equal(e.seq, 7);
	contribution(&e, "VFTC", "NOR", "USD", 100, "2026-02-02", 2);
	assert_int_equal(fl_ledger_append(f->l, &e, &st), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "pledge 2 was reversed by entry 7"));
	assert_int_equal(fl_ledger_find(f->l, "p-nor-2", &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(fl_ledger_commit(f->l), 0);
	assert_int_equal(count_of(f), 7);
	assert_int_equal(fl_ledger_reversed_by(f->l, 4, &by), 0);
	assert_int_equal(by, 5);
	assert_int_equal(remaining(f, 1), 70000);
	/* The next batch reads the same from the store. */
	assert_int_equal(fl_ledger_find(f->l, "p-nor-1", &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(fl_ledger_begin(f->l, BY, AT), 0);
	assert_int_equal(fl_ledger_append_named(f->l, &c, &m, &st), 0);
	assert_int_equal(st, FL_REPLAYED);
	assert_int_equal(m.seq, 6);
	fl_ledger_rollback(f->l);
	verify_ok(f);
}

static void test_writeoff_limits(void **state)
{
	fx *f = *state;
	fl_entry e, got;
	uint64_t p, c_usd, c_eur, m_eur, w1, p2, c2, r_eur, p3, c_chf;

	r_eur = ADD(f, (rate(&e, "EUR", 800000, "2026-01-01"), &e));
	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	p = ADD(f, &e);
	assert_int_equal(remaining(f, p), 100000);
	/* Naming the pledge is a claim; a match applies the money. */
	contribution(&e, "VFTC", "NOR", "USD", 30000, "2026-02-01", p);
	c_usd = ADD(f, &e);
	assert_int_equal(remaining(f, p), 100000);
	match(&e, c_usd, p, 30000);
	ADD(f, &e);
	assert_int_equal(e.settled, 30000);
	assert_int_equal(e.settle_rate, 0);
	assert_int_equal(remaining(f, p), 70000);
	/* EUR 100.00 at 0.8 settles USD 125.00 of a USD pledge. */
	contribution(&e, "VFTC", "NOR", "EUR", 10000, "2026-02-01", 0);
	c_eur = ADD(f, &e);
	match(&e, c_eur, p, 10000);
	m_eur = ADD(f, &e);
	assert_int_equal(e.usd, 12500);
	assert_int_equal(e.settled, 12500);
	assert_int_equal(e.settle_rate, 1000000);
	assert_int_equal(e.settle_rate_seq, 0);
	assert_int_equal(e.rate_used, 800000);
	assert_string_equal(e.currency, "EUR");
	assert_string_equal(e.donor, "NOR");
	assert_int_equal(remaining(f, p), 57500);
	match(&e, c_eur, p, 1);
	REFUSE(f, &e, FL_EINVALID, "match of EUR 0.01 exceeds the EUR 0.00 of contribution 5 not "
				   "yet applied");

	writeoff(&e, p, 57501, "2026-03-01");
	REFUSE(f, &e, FL_EINVALID,
	       "write-off of USD 575.01 exceeds the USD 575.00 left on pledge 2");
	writeoff(&e, p, 37500, "2026-03-01");
	w1 = ADD(f, &e);
	/* Fund, donor and currency are taken from the pledge. */
	assert_string_equal(e.fund, "VFTC");
	assert_string_equal(e.donor, "NOR");
	assert_string_equal(e.currency, "USD");
	assert_int_equal(fl_ledger_get(f->l, w1, &got, NULL, NULL), 0);
	assert_string_equal(got.fund, "VFTC");
	assert_int_equal(got.pledge, p);
	assert_int_equal(remaining(f, p), 20000);
	writeoff(&e, p, 20000, "2026-03-02");
	ADD(f, &e);
	assert_int_equal(remaining(f, p), 0);
	writeoff(&e, p, 1, "2026-03-03");
	REFUSE(f, &e, FL_EINVALID, "exceeds the USD 0.00 left");
	/* Reversals give the room back: of a write-off, of a contribution (its match no longer
	 * stands), of a match. */
	reversal(&e, w1, "written off in error");
	ADD(f, &e);
	assert_int_equal(remaining(f, p), 37500);
	reversal(&e, c_usd, "returned to donor");
	ADD(f, &e);
	assert_int_equal(remaining(f, p), 67500);
	reversal(&e, m_eur, "unmatched");
	ADD(f, &e);
	assert_int_equal(remaining(f, p), 80000);
	assert_int_equal(fl_ledger_unapplied(f->l, c_eur, &(int64_t){0}), 0);
	{
		int64_t left = -1;
		assert_int_equal(fl_ledger_unapplied(f->l, c_eur, &left), 0);
		assert_int_equal(left, 10000);
	}
	/* A match of a reversed contribution, or across donors, is refused. */
	match(&e, c_usd, p, 100);
	REFUSE(f, &e, FL_EINVALID, "contribution 3 was reversed");
	/* A write-off must agree with its pledge. */
	writeoff(&e, p, 100, "2026-03-04");
	strcpy(e.fund, "UPRP");
	REFUSE(f, &e, FL_EINVALID, "takes the fund, donor and currency of pledge 2");
	writeoff(&e, p, 100, "2026-03-04");
	strcpy(e.currency, "EUR");
	REFUSE(f, &e, FL_EINVALID, "takes the fund, donor and currency");
	/* Only pledges have something to write off. */
	writeoff(&e, c_usd, 100, "2026-03-04");
	REFUSE(f, &e, FL_EINVALID, NULL);
	assert_int_equal(fl_ledger_remaining(f->l, 1, &(int64_t){0}), FL_EINVALID);
	assert_int_equal(fl_ledger_remaining(f->l, 999, &(int64_t){0}), FL_ENOTFOUND);

	/* Overpaid: never below zero. */
	pledge(&e, "UPRP", "DEU", "USD", 1000, "2026-01-15");
	p2 = ADD(f, &e);
	contribution(&e, "UPRP", "DEU", "USD", 1500, "2026-02-01", p2);
	c2 = ADD(f, &e);
	match(&e, c2, p2, 1500);
	ADD(f, &e);
	assert_int_equal(remaining(f, p2), 0);
	writeoff(&e, p2, 1, "2026-03-01");
	REFUSE(f, &e, FL_EINVALID, "exceeds");
	match(&e, c_eur, p2, 100);
	REFUSE(f, &e, FL_EINVALID, "contribution 5 is from NOR to VFTC; pledge");

	/* A EUR pledge paid in CHF: CHF 90.00 at 0.9 is USD 100.00, which is EUR 80.00 at the
	 * EUR rate in force on the value date. */
	ADD(f, (rate(&e, "CHF", 900000, "2026-01-01"), &e));
	pledge(&e, "VFTC", "CHE", "EUR", 50000, "2026-01-15");
	p3 = ADD(f, &e);
	contribution(&e, "VFTC", "CHE", "CHF", 9000, "2026-02-01", 0);
	c_chf = ADD(f, &e);
	match(&e, c_chf, p3, 9000);
	ADD(f, &e);
	assert_int_equal(e.usd, 10000);
	assert_int_equal(e.settled, 8000);
	assert_int_equal(e.settle_rate, 800000);
	assert_int_equal(e.settle_rate_seq, r_eur);
	assert_int_equal(remaining(f, p3), 42000);
	verify_ok(f);
}

/* ---- read-only, verify, scan ---- */

static void test_read_only(void **state)
{
	fx *f = *state;
	fl_entry e, got;
	fl_ledger *ro = NULL;
	uint64_t n;
	unsigned char h[FL_HASH_LEN], h_rw[FL_HASH_LEN];
	fl_verify_result vr;

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);
	assert_int_equal(fl_ledger_head(f->l, &n, h_rw), 0);

	assert_int_equal(fl_ledger_open(&ro, f->path, f->cfg, FL_OPEN_READONLY), 0);
	fl_error_clear();
	assert_int_equal(fl_ledger_begin(ro, BY, AT), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "read-only"));
	pledge(&e, "VFTC", "NOR", "USD", 5, "2026-01-15");
	{
		fl_append_status st;
		assert_int_equal(fl_ledger_record(ro, &e, BY, AT, &st), FL_EINVALID);
		assert_int_equal(fl_ledger_append(ro, &e, &st), FL_EINVALID);
	}
	/* Reading works. */
	assert_int_equal(fl_ledger_head(ro, &n, h), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(h, h_rw, FL_HASH_LEN);
	assert_int_equal(fl_ledger_get(ro, 1, &got, NULL, NULL), 0);
	assert_int_equal(got.amount, 100000);
	assert_int_equal(fl_verify_ledger(&vr, ro, NULL), 0);
	assert_int_equal(vr.entries, 1);
	fl_ledger_free(ro);
	/* Nothing was written through it. */
	assert_int_equal(count_of(f), 1);
}

static void test_verify(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_verify_result vr;
	unsigned char last[FL_HASH_LEN];

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15");
	ADD(f, &e);
	rate(&e, "EUR", 921000, "2026-01-01");
	ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 5000, "2026-02-01", 1);
	ADD(f, &e);
	reversal(&e, 3, "duplicate");
	ADD(f, &e);
	writeoff(&e, 1, 100, "2026-03-01");
	ADD(f, &e);
	assert_int_equal(fl_ledger_get(f->l, 5, NULL, last, NULL), 0);

	memset(&vr, 0xff, sizeof(vr));
	assert_int_equal(fl_verify_ledger(&vr, f->l, NULL), 0);
	assert_int_equal(vr.entries, 5);
	assert_int_equal(vr.bad_seq, 0);
	assert_memory_equal(vr.head, last, FL_HASH_LEN);
	verify_ok(f);
}

typedef struct {
	uint64_t seqs[64];
	size_t n;
	int stop_after; /* return FL_EEXISTS after this many, 0 for never */
	fx *f;
} scan_ctx;

static int collect(void *p, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	scan_ctx *c = p;
	unsigned char want[FL_HASH_LEN];
	if (c->n >= 64)
		return FL_ERANGE;
	/* The hash given is the entry's stored hash. */
	if (fl_ledger_get(c->f->l, e->seq, NULL, want, NULL) != 0 ||
	    memcmp(want, hash, FL_HASH_LEN) != 0)
		return FL_EVERIFY;
	c->seqs[c->n++] = e->seq;
	if (c->stop_after && (int)c->n == c->stop_after)
		return FL_EEXISTS;
	return 0;
}

static void expect_scan_at(int line, fx *f, const fl_filter *flt, const uint64_t *want, size_t n)
{
	scan_ctx c;
	int rc;
	memset(&c, 0, sizeof(c));
	c.f = f;
	rc = fl_ledger_scan(f->l, flt, collect, &c);
	if (rc != 0)
		fail_msg("line %d: scan returned %d (%s)", line, rc, fl_error_last());
	if (c.n != n || (n && memcmp(c.seqs, want, n * sizeof(*want)) != 0)) {
		print_error("line %d: scan visited", line);
		for (size_t i = 0; i < c.n; i++)
			print_error(" %llu", (unsigned long long)c.seqs[i]);
		print_error("; want");
		for (size_t i = 0; i < n; i++)
			print_error(" %llu", (unsigned long long)want[i]);
		print_error("\n");
		fail();
	}
}
#define SCAN(flt, ...)                                                                             \
	do {                                                                                       \
		static const uint64_t w_[] = {__VA_ARGS__};                                        \
		expect_scan_at(__LINE__, f, (flt), w_, sizeof(w_) / sizeof(w_[0]));                \
	} while (0)

static void test_scan_filters(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_filter flt;
	scan_ctx c;

	/* An empty ledger visits nothing. */
	memset(&c, 0, sizeof(c));
	c.f = f;
	assert_int_equal(fl_ledger_scan(f->l, NULL, collect, &c), 0);
	assert_int_equal(c.n, 0);

	pledge(&e, "VFTC", "NOR", "USD", 100000, "2026-01-15"); /* 1 */
	ADD(f, &e);
	pledge(&e, "UPRP", "DEU", "USD", 50000, "2026-02-01"); /* 2 */
	ADD(f, &e);
	rate(&e, "EUR", 921000, "2026-01-01"); /* 3 */
	ADD(f, &e);
	contribution(&e, "VFTC", "NOR", "EUR", 10000, "2026-02-10", 1); /* 4 */
	ADD(f, &e);
	contribution(&e, "UPRP", "DEU", "USD", 20000, "2026-03-05", 2); /* 5 */
	ADD(f, &e);
	reversal(&e, 5, "wrong fund"); /* 6 */
	ADD(f, &e);
	writeoff(&e, 1, 1000, "2026-04-01"); /* 7 */
	ADD(f, &e);

	SCAN(NULL, 1, 2, 3, 4, 5, 6, 7);
	memset(&flt, 0, sizeof(flt));
	SCAN(&flt, 1, 2, 3, 4, 5, 6, 7);
	flt.fund = "VFTC";
	SCAN(&flt, 1, 4, 7);
	flt.fund = "UPRI";
	expect_scan_at(__LINE__, f, &flt, NULL, 0);
	memset(&flt, 0, sizeof(flt));
	flt.donor = "DEU";
	SCAN(&flt, 2, 5);
	memset(&flt, 0, sizeof(flt));
	flt.kind = FL_KIND_CONTRIBUTION;
	SCAN(&flt, 4, 5);
	flt.kind = FL_KIND_REVERSAL;
	SCAN(&flt, 6);
	flt.kind = FL_KIND_RATE;
	SCAN(&flt, 3);
	/* Dates: inclusive bounds; entries without a date (reversals) are left out. */
	memset(&flt, 0, sizeof(flt));
	flt.from = "2026-02-01";
	SCAN(&flt, 2, 4, 5, 7);
	memset(&flt, 0, sizeof(flt));
	flt.to = "2026-02-01";
	SCAN(&flt, 1, 2, 3);
	flt.from = "2026-02-01";
	flt.to = "2026-03-05";
	SCAN(&flt, 2, 4, 5);
	flt.from = "2026-02-02";
	flt.to = "2026-02-09";
	expect_scan_at(__LINE__, f, &flt, NULL, 0);
	/* Live: no reversals and nothing they reverse. */
	memset(&flt, 0, sizeof(flt));
	flt.live = 1;
	SCAN(&flt, 1, 2, 3, 4, 7);
	flt.donor = "DEU";
	SCAN(&flt, 2);
	/* Everything at once. */
	memset(&flt, 0, sizeof(flt));
	flt.fund = "VFTC";
	flt.donor = "NOR";
	flt.kind = FL_KIND_CONTRIBUTION;
	flt.from = "2026-02-10";
	flt.to = "2026-02-10";
	flt.live = 1;
	SCAN(&flt, 4);

	/* The callback stops the scan with its own code. */
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.stop_after = 2;
	assert_int_equal(fl_ledger_scan(f->l, NULL, collect, &c), FL_EEXISTS);
	assert_int_equal(c.n, 2);
	/* Entries arrive decoded. */
	{
		fl_entry got;
		assert_int_equal(fl_ledger_get(f->l, 4, &got, NULL, NULL), 0);
		assert_int_equal(got.usd, 10858); /* 10000 / 0.921 = 10857.76 */
	}
}

/* ---- two handles on one file, as two processes would be ---- */

/*
 * Each batch must read the head, the rates and the tree inside its write transaction: a
 * handle that kept any of them from its previous batch would chain to a stale head (a fork
 * that verify refuses), reuse a sequence number, or convert at a rate another handle has
 * since superseded.
 */
static void test_two_handles_interleave(void **state)
{
	fx *f = *state;
	fl_ledger *l2 = NULL;
	fl_entry e, got;
	uint64_t n1, n2, seq;
	unsigned char h1[FL_HASH_LEN], h2[FL_HASH_LEN], prev[FL_HASH_LEN];
	fl_verify_result vr;

	assert_int_equal(fl_ledger_open(&l2, f->path, f->cfg, 0), 0);
	assert_int_equal(testkit_sign(f->cfg, l2), 0);

	rate(&e, "EUR", 900000, "2026-01-01");
	assert_int_equal(ADD_VIA(f->l, &e), 1);
	pledge(&e, "VFTC", "NOR", "EUR", 100000, "2026-01-10");
	assert_int_equal(ADD_VIA(l2, &e), 2);
	/* The first handle sees what the second wrote, and chains after it. */
	assert_int_equal(fl_ledger_head(f->l, &n1, h1), 0);
	assert_int_equal(n1, 2);
	contribution(&e, "VFTC", "NOR", "EUR", 80000, "2026-01-20", 2);
	assert_int_equal(ADD_VIA(f->l, &e), 3);
	assert_int_equal(e.usd, 88889); /* 800.00 EUR at 0.9 */
	/* A rate the second handle records is the one the first converts at next. */
	rate(&e, "EUR", 800000, "2026-02-01");
	assert_int_equal(ADD_VIA(l2, &e), 4);
	contribution(&e, "VFTC", "NOR", "EUR", 80000, "2026-02-15", 0);
	assert_int_equal(ADD_VIA(f->l, &e), 5);
	assert_int_equal(e.usd, 100000); /* at 0.8, not the 0.9 of its last batch */
	assert_int_equal(e.rate_seq, 4);

	/* Alternating batches: dense seqs, each chained to the other handle's last entry. */
	for (int i = 0; i < 20; i++) {
		fl_ledger *l = i % 2 ? l2 : f->l;
		assert_int_equal(fl_ledger_head(i % 2 ? f->l : l2, &n2, prev), 0);
		pledge(&e, "VFTC", i % 2 ? "JPN" : "NOR", "EUR", 1000 + i, "2026-03-01");
		seq = ADD_VIA(l, &e);
		assert_int_equal(seq, n2 + 1);
		assert_memory_equal(e.prev, prev, FL_HASH_LEN);
	}
	assert_int_equal(fl_ledger_head(f->l, &n1, h1), 0);
	assert_int_equal(fl_ledger_head(l2, &n2, h2), 0);
	assert_int_equal(n1, 25);
	assert_int_equal(n2, 25);
	assert_memory_equal(h1, h2, FL_HASH_LEN);
	assert_int_equal(fl_ledger_get(f->l, 25, &got, NULL, NULL), 0);
	assert_int_equal(got.amount, 1019);
	/* Both see one linear chain with a checkpoint per batch, and it verifies. */
	verify_ok(f);
	assert_int_equal(fl_verify_ledger(&vr, l2, NULL), 0);
	assert_int_equal(vr.entries, 25);
	assert_int_equal(vr.checkpoints, 25);
	fl_ledger_free(l2);
}

/* ---- the store's authorizer ---- */

/*
 * Runs sql on l's store and expects the authorizer to refuse it; nothing may change. A refusal
 * is a runtime error (FL_EIO, exit 3), not bad input: no user input reaches SQL text.
 */
static void refused_at(int line, fl_ledger *l, const char *sql)
{
	int rc;
	fl_error_clear();
	rc = fl_store_exec_sql(fl_ledger_store(l), sql);
	if (rc != FL_EIO || !strstr(fl_error_last(), "not authorized"))
		fail_msg("line %d: \"%s\" returned %d (\"%s\"), want the authorizer's refusal", line,
			 sql, rc, fl_error_last());
}
#define REFUSED(l, sql) refused_at(__LINE__, (l), (sql))

static void test_authorizer(void **state)
{
	fx *f = *state;
	static const char *const DDL[] = {
		"CREATE TABLE x(a)",
		"CREATE TEMP TABLE x(a)",
		"CREATE INDEX x ON entries(kind)",
		"CREATE UNIQUE INDEX x ON tiles(hashes)",
		"CREATE VIEW v AS SELECT seq FROM entries",
		"CREATE TEMP VIEW v AS SELECT seq FROM entries",
		"CREATE TRIGGER t AFTER INSERT ON tiles BEGIN SELECT 1; END",
		"CREATE TEMP TRIGGER t AFTER INSERT ON tiles BEGIN SELECT 1; END",
		"DROP TRIGGER entries_no_update",
		"DROP TRIGGER meta_no_delete",
		"DROP INDEX entries_rate",
		"DROP TABLE tiles",
		"DROP TABLE entries",
		"ALTER TABLE entries ADD COLUMN z INTEGER",
		"ALTER TABLE tiles RENAME TO t2",
		"ALTER TABLE meta RENAME COLUMN value TO v",
		"ATTACH DATABASE ':memory:' AS x",
		"DETACH DATABASE temp",
		"ANALYZE",
		"REINDEX",
		"PRAGMA foreign_keys = OFF",
		"PRAGMA journal_mode = DELETE",
		"PRAGMA synchronous = OFF",
		"PRAGMA writable_schema = ON",
		"PRAGMA trusted_schema = ON",
		"PRAGMA user_version = 9",
		"PRAGMA application_id = 0",
		"PRAGMA cell_size_check = OFF",
		"PRAGMA mmap_size = 1000000",
		"PRAGMA wal_checkpoint",
		"PRAGMA optimize",
		/* VACUUM rewrites every page; both attach a database to write the copy to. */
		"VACUUM",
		/* Append-only tables: refused before their triggers are even reached. */
		"UPDATE entries SET kind = kind",
		"DELETE FROM entries WHERE seq = 2",
		"UPDATE meta SET value = 'x' WHERE key = 'origin'",
		"DELETE FROM meta",
		"UPDATE checkpoints SET signer = 'x'",
		"DELETE FROM checkpoints",
		"UPDATE cosignatures SET line = 'x'",
		"DELETE FROM cosignatures",
		"INSERT INTO entries SELECT * FROM entries WHERE 0; DELETE FROM entries",
	};
	fl_entry e;
	uint64_t n;
	unsigned char h[FL_HASH_LEN], h2[FL_HASH_LEN];

	pledge(&e, "VFTC", "NOR", "EUR", 100000, "2026-01-10");
	ADD(f, &e);
	pledge(&e, "VFTC", "JPN", "EUR", 200000, "2026-01-11");
	ADD(f, &e);
	assert_int_equal(fl_ledger_head(f->l, &n, h), 0);
	for (size_t i = 0; i < sizeof(DDL) / sizeof(DDL[0]); i++)
		REFUSED(f->l, DDL[i]);
	/* A copy of the whole ledger written anywhere: refused, and no file appears. */
	{
		char into[192], sql[256];
		snprintf(into, sizeof(into), "%s/vacuum-into.db", f->dir);
		snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", into);
		REFUSED(f->l, sql);
		assert_int_equal(access(into, F_OK), -1);
	}
	/* The read-only handle has the same authorizer. */
	{
		fl_ledger *ro = NULL;
		assert_int_equal(fl_ledger_open(&ro, f->path, f->cfg, FL_OPEN_READONLY), 0);
		REFUSED(ro, "CREATE TEMP TABLE x(a)");
		REFUSED(ro, "PRAGMA query_only = OFF");
		fl_ledger_free(ro);
	}
	/* What the store does is allowed: reads, checks, inserts into its tables. */
	assert_int_equal(fl_store_exec_sql(fl_ledger_store(f->l), "SELECT count(*) FROM entries;"
				       "PRAGMA quick_check; PRAGMA foreign_key_check;"
				       "PRAGMA user_version"), 0);
	assert_int_equal(fl_store_exec_sql(fl_ledger_store(f->l),
					   "INSERT OR REPLACE INTO tiles SELECT * FROM tiles"), 0);
	/* Nothing changed, and the ledger goes on. */
	assert_int_equal(fl_ledger_head(f->l, &n, h2), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(h, h2, FL_HASH_LEN);
	pledge(&e, "VFTC", "NOR", "EUR", 300000, "2026-01-12");
	assert_int_equal(ADD(f, &e), 3);
	verify_ok(f);
	assert_int_equal(fl_verify_database(f->l), 0);
}

/* Runs a shell command; fails the test unless it exits 0. */
static void sh_at(int line, const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fail_msg("line %d: `%s` exited with %d", line, cmd, rc);
}
#define SH(cmd) sh_at(__LINE__, (cmd))

/* A migration lifts the authorizer for its own DDL only: afterwards DDL is refused again. */
static void test_migration_then_authorizer(void **state)
{
	fx *f = *state;
	fl_entry e;
	char cmd[512];

	pledge(&e, "VFTC", "NOR", "EUR", 100000, "2026-01-10");
	ADD(f, &e);
	fl_ledger_free(f->l);
	f->l = NULL;
	/* Back to store schema 2 (what test_upgrade.sh does with the sqlite3 shell). */
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s' 'DROP INDEX entries_contrib; DROP INDEX entries_pledge;"
		 " PRAGMA user_version = 2'",
		 f->path);
	SH(cmd);
	assert_int_equal(fl_ledger_open(&f->l, f->path, f->cfg, FL_OPEN_READONLY), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "store schema 2"));
	assert_int_equal(fl_ledger_open(&f->l, f->path, f->cfg, 0), 0);
	assert_int_equal(testkit_sign(f->cfg, f->l), 0);
	REFUSED(f->l, "CREATE INDEX x ON entries(date)");
	REFUSED(f->l, "DROP INDEX entries_contrib");
	REFUSED(f->l, "PRAGMA user_version = 2");
	pledge(&e, "VFTC", "NOR", "EUR", 200000, "2026-01-11");
	assert_int_equal(ADD(f, &e), 2);
	verify_ok(f);
	{
		/* Upgraded: a read-only handle accepts it now. */
		fl_ledger *ro = NULL;
		assert_int_equal(fl_ledger_open(&ro, f->path, f->cfg, FL_OPEN_READONLY), 0);
		fl_ledger_free(ro);
	}
}

/* ---- the database file's own checks ---- */

/*
 * An index whose content no longer matches its table, its pages otherwise sound: what only
 * SQLite's integrity_check (fl_verify_database) finds. verify's quick_check passes, as the
 * entries themselves are intact, but a look-up through the index goes wrong.
 */
static void test_verify_database(void **state)
{
	fx *f = *state;
	const char *keys[] = {"key-a", "key-c", "key-e"};
	fl_entry e;
	fl_verify_result vr;
	fl_verify_options full;
	char cmd[512];
	unsigned char page[65536];
	long pageno = 0, pagesize = 0;
	uint64_t seq;
	FILE *p;
	int fd, hits = 0;

	for (int i = 0; i < 3; i++) {
		pledge(&e, "VFTC", "NOR", "EUR", 1000 * (i + 1), "2026-01-10");
		strcpy(e.idem, keys[i]);
		ADD(f, &e);
	}
	assert_int_equal(fl_verify_database(f->l), 0);
	memset(&full, 0, sizeof(full));
	full.full = 1;
	assert_int_equal(fl_verify_ledger(&vr, f->l, &full), 0);
	assert_int_equal(vr.entries, 3);
	/* Closing the last connection moves everything from the log into the file. */
	fl_ledger_free(f->l);
	f->l = NULL;
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s' \"SELECT pageno, (SELECT page_size FROM pragma_page_size) FROM dbstat"
		 " WHERE name = 'sqlite_autoindex_entries_1'\"",
		 f->path);
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%ld|%ld", &pageno, &pagesize), 2);
	assert_int_equal(pclose(p), 0);
	assert_true(pageno > 1 && pagesize > 0 && pagesize <= (long)sizeof(page));
	/* "key-c" becomes "key-d" in the index only: still in order, but not the table's. */
	assert_true((fd = open(f->path, O_RDWR)) >= 0);
	assert_int_equal(pread(fd, page, (size_t)pagesize, (off_t)((pageno - 1) * pagesize)),
			 pagesize);
	for (long i = 0; i + 5 <= pagesize; i++) {
		if (memcmp(page + i, "key-c", 5) == 0) {
			page[i + 4] = 'd';
			hits++;
		}
	}
	assert_int_equal(hits, 1);
	assert_int_equal(pwrite(fd, page, (size_t)pagesize, (off_t)((pageno - 1) * pagesize)),
			 pagesize);
	assert_int_equal(close(fd), 0);

	assert_int_equal(fl_ledger_open(&f->l, f->path, f->cfg, 0), 0);
	/* The damage: the entry is there, but its key no longer finds it. */
	assert_int_equal(fl_ledger_get(f->l, 2, &e, NULL, NULL), 0);
	assert_string_equal(e.idem, "key-c");
	assert_int_equal(fl_ledger_find(f->l, "key-c", &seq), FL_ENOTFOUND);
	/* verify's quick_check does not see it (its price is stated in verify.h)... */
	assert_int_equal(fl_verify_ledger(&vr, f->l, NULL), 0);
	/* ...integrity_check does. */
	fl_error_clear();
	assert_int_equal(fl_verify_database(f->l), FL_EVERIFY);
	assert_non_null(strstr(fl_error_last(), "integrity_check"));
	assert_non_null(strstr(fl_error_last(), "sqlite_autoindex_entries_1"));
	/* So does verify with opt->full, as `verify --full` runs it. */
	fl_error_clear();
	assert_int_equal(fl_verify_ledger(&vr, f->l, &full), FL_EVERIFY);
	assert_non_null(strstr(fl_error_last(), "integrity_check"));
	assert_non_null(strstr(fl_error_last(), "sqlite_autoindex_entries_1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_and_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_not_a_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_dense_and_prev_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_ignores_derived_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_append_mid_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_rejects_bad_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writeoff_unknown_pledge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pledge_without_years_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_in_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usd_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_rate_same_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reversal_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writeoff_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_pledges_and_match_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_handles_interleave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_authorizer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_then_authorizer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_database, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
