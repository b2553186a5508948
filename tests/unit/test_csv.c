/*
 * test_csv.c: unit tests for the strict RFC 4180 reader (fl_csv_new / fl_csv_next) and for
 * fl_import_csv_mem on a small ledger.
 *
 * The reader is checked field by field (contents, lengths, NUL termination, the physical line
 * where each record starts) and on every rejection with its exact message. The importer is
 * checked for what it writes (stats, entries read back), for "NAME:LINE: message" errors, and
 * for all-or-nothing: after any failure the ledger has exactly the entries it had before.
 * Tests run from the repository root (config/fundledger.yaml).
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

/* ---- the reader ---- */

/* Reads every record of data; checks against the expected fields, '|'-separated per record. */
typedef struct {
	size_t line;
	const char *fields[FL_CSV_MAX_FIELDS + 1]; /* NULL-terminated */
} want_rec;

static void expect_records_at(int line, const char *data, size_t len, const want_rec *want,
			      size_t n_want)
{
	fl_csv *c = NULL;
	fl_csv_record rec;
	size_t n = 0;
	int rc;

	assert_int_equal(fl_csv_new(&c, data, len), 0);
	while ((rc = fl_csv_next(c, &rec)) == 1) {
		size_t nf = 0;
		if (n >= n_want)
			fail_msg("line %d: more than %zu records", line, n_want);
		while (want[n].fields[nf])
			nf++;
		if (rec.line != want[n].line)
			fail_msg("line %d: record %zu starts on line %zu, want %zu", line, n + 1,
				 rec.line, want[n].line);
		if (rec.n != nf)
			fail_msg("line %d: record %zu has %zu fields, want %zu", line, n + 1, rec.n,
				 nf);
		for (size_t i = 0; i < nf; i++) {
			size_t wl = strlen(want[n].fields[i]);
			if (rec.len[i] != wl || memcmp(rec.field[i], want[n].fields[i], wl) != 0)
				fail_msg("line %d: record %zu field %zu is \"%.*s\", want \"%s\"",
					 line, n + 1, i + 1, (int)rec.len[i], rec.field[i],
					 want[n].fields[i]);
			if (rec.field[i][rec.len[i]] != '\0')
				fail_msg("line %d: record %zu field %zu is not NUL-terminated", line,
					 n + 1, i + 1);
		}
		n++;
	}
	if (rc != 0)
		fail_msg("line %d: reader failed: %s", line, fl_error_last());
	if (n != n_want)
		fail_msg("line %d: %zu records, want %zu", line, n, n_want);
	/* The end stays the end. */
	assert_int_equal(fl_csv_next(c, &rec), 0);
	fl_csv_free(c);
}
#define EXPECT(lit, ...)                                                                           \
	do {                                                                                       \
		static const want_rec w_[] = {__VA_ARGS__};                                        \
		expect_records_at(__LINE__, (lit), sizeof(lit) - 1, w_,                            \
				  sizeof(w_) / sizeof(w_[0]));                                     \
	} while (0)
#define R(ln, ...)                                                                                 \
	{                                                                                          \
		(ln), { __VA_ARGS__, NULL }                                                        \
	}

/* Reads until the reader fails; the failure must be FL_EINVALID with exactly `msg`. */
static void expect_error_at(int line, const char *data, size_t len, size_t good_records,
			    const char *msg)
{
	fl_csv *c = NULL;
	fl_csv_record rec;
	size_t n = 0;
	int rc;

	assert_int_equal(fl_csv_new(&c, data, len), 0);
	fl_error_clear();
	while ((rc = fl_csv_next(c, &rec)) == 1)
		n++;
	if (rc != FL_EINVALID || fl_error_code() != FL_EINVALID)
		fail_msg("line %d: reader returned %d after %zu records, want FL_EINVALID", line,
			 rc, n);
	if (n != good_records)
		fail_msg("line %d: %zu good records before the error, want %zu", line, n,
			 good_records);
	if (strcmp(fl_error_last(), msg) != 0)
		fail_msg("line %d: message \"%s\", want \"%s\"", line, fl_error_last(), msg);
	fl_csv_free(c);
}
#define EXPECT_ERROR(lit, good, msg) expect_error_at(__LINE__, (lit), sizeof(lit) - 1, (good), (msg))

static void test_csv_simple(void **state)
{
	(void)state;
	EXPECT("kind,ref,amount\npledge,P-1,10.00\n", R(1, "kind", "ref", "amount"),
	       R(2, "pledge", "P-1", "10.00"));
	/* No final newline. */
	EXPECT("a,b\nc,d", R(1, "a", "b"), R(2, "c", "d"));
	/* One field, one record. */
	EXPECT("x", R(1, "x"));
	/* Spaces are data, not trimmed. */
	EXPECT(" a , b \n", R(1, " a ", " b "));
	/* Non-ASCII bytes pass through. */
	EXPECT("C\xc3\xb4te,\xe2\x82\xac\n", R(1, "C\xc3\xb4te", "\xe2\x82\xac"));
}

static void test_csv_empty_input(void **state)
{
	fl_csv *c = NULL;
	fl_csv_record rec;
	(void)state;

	assert_int_equal(fl_csv_new(&c, "", 0), 0);
	assert_int_equal(fl_csv_next(c, &rec), 0);
	fl_csv_free(c);
	/* A byte-order mark alone is an empty file too. */
	assert_int_equal(fl_csv_new(&c, "\xef\xbb\xbf", 3), 0);
	assert_int_equal(fl_csv_next(c, &rec), 0);
	fl_csv_free(c);
	fl_csv_free(NULL);
}

static void test_csv_quoted(void **state)
{
	(void)state;
	EXPECT("\"x,y\",\"say \"\"hi\"\"\",z\n", R(1, "x,y", "say \"hi\"", "z"));
	/* An empty quoted field, and a field that is only an escaped quote. */
	EXPECT("\"\",\"\"\"\",a\n", R(1, "", "\"", "a"));
	/* Quoted last field at the end of the data. */
	EXPECT("a,\"b,c\"", R(1, "a", "b,c"));
	/* Quoted field before CRLF. */
	EXPECT("\"a\"\r\n\"b\"\r\n", R(1, "a"), R(2, "b"));
}

static void test_csv_crlf(void **state)
{
	(void)state;
	EXPECT("a,b\r\nc,d\r\n", R(1, "a", "b"), R(2, "c", "d"));
	/* LF and CRLF may be mixed. */
	EXPECT("a\r\nb\nc\r\n", R(1, "a"), R(2, "b"), R(3, "c"));
}

static void test_csv_embedded_newline(void **state)
{
	(void)state;
	/* The record after a two-line field starts on line 3. */
	EXPECT("\"multi\nline\",x\nnext,y\n", R(1, "multi\nline", "x"), R(3, "next", "y"));
	/* CRLF inside quotes is kept as data and counts as one line. */
	EXPECT("\"a\r\nb\"\nc\n", R(1, "a\r\nb"), R(3, "c"));
	/* Several newlines, then an error: the line counts them. */
	EXPECT_ERROR("h\n\"1\n2\n3\",x\nab\"c\n", 2, "line 5: quote inside unquoted field 1");
}

static void test_csv_bom(void **state)
{
	(void)state;
	EXPECT("\xef\xbb\xbfkind,ref\nrate,R-1\n", R(1, "kind", "ref"), R(2, "rate", "R-1"));
	/* Only at the very start: elsewhere the bytes are data. */
	EXPECT("a\n\xef\xbb\xbf" "b\n", R(1, "a"), R(2, "\xef\xbb\xbf" "b"));
	/* A partial mark is data too. */
	EXPECT("\xef\xbb" "a\n", R(1, "\xef\xbb" "a"));
}

static void test_csv_empty_fields(void **state)
{
	(void)state;
	/* A trailing comma gives an empty last field. */
	EXPECT("a,b,\n", R(1, "a", "b", ""));
	EXPECT("a,", R(1, "a", ""));
	EXPECT(",\n", R(1, "", ""));
	EXPECT(",,\r\n", R(1, "", "", ""));
	/* An empty line is one empty field (the importer rejects it; the reader reports it). */
	EXPECT("a\n\nb\n", R(1, "a"), R(2, ""), R(3, "b"));
}

static void test_csv_rejects(void **state)
{
	(void)state;
	EXPECT_ERROR("ab\"c,d\n", 0, "line 1: quote inside unquoted field 1");
	EXPECT_ERROR("x\nab,c\"d\n", 1, "line 2: quote inside unquoted field 2");
	EXPECT_ERROR("\"ab\"c,d\n", 0, "line 1: text after the closing quote of field 1");
	EXPECT_ERROR("a,\"b\" \n", 0, "line 1: text after the closing quote of field 2");
	EXPECT_ERROR("ok\n\"b\"\"\"x\n", 1, "line 2: text after the closing quote of field 1");
	/* Unterminated: the line where the quote opened, not where the data ends. */
	EXPECT_ERROR("a\n\"open\nmore\nstill", 1, "line 2: unterminated quoted field");
	EXPECT_ERROR("\"", 0, "line 1: unterminated quoted field");
	EXPECT_ERROR("a,\"b\"\"", 0, "line 1: unterminated quoted field");
	/* A bare CR, inside a line or at the end of the data. */
	EXPECT_ERROR("a\rb\n", 0, "line 1: carriage return without line feed");
	EXPECT_ERROR("a\nb\r", 1, "line 2: carriage return without line feed");
	EXPECT_ERROR("a\r\r\n", 0, "line 1: carriage return without line feed");
}

static void test_csv_field_limit(void **state)
{
	char line[200];
	size_t n = 0;
	fl_csv *c = NULL;
	fl_csv_record rec;
	(void)state;

	/* Exactly 32 fields are fine. */
	for (int i = 0; i < FL_CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%d", i ? "," : "", i);
	line[n++] = '\n';
	assert_int_equal(fl_csv_new(&c, line, n), 0);
	assert_int_equal(fl_csv_next(c, &rec), 1);
	assert_int_equal(rec.n, FL_CSV_MAX_FIELDS);
	assert_int_equal(rec.len[31], 2);
	assert_memory_equal(rec.field[31], "31", 3);
	fl_csv_free(c);

	/* 33 are not. */
	n--;
	n += (size_t)snprintf(line + n, sizeof(line) - n, ",32\n");
	assert_int_equal(fl_csv_new(&c, line, n), 0);
	fl_error_clear();
	assert_int_equal(fl_csv_next(c, &rec), FL_EINVALID);
	assert_string_equal(fl_error_last(), "line 1: more than 32 fields");
	fl_csv_free(c);
	/* Also when the 33rd is empty. */
	EXPECT_ERROR(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n", 0, "line 1: more than 32 fields");
}

static void test_csv_uses_len(void **state)
{
	fl_csv *c = NULL;
	fl_csv_record rec;
	const char data[] = "a,b\nc,d\n";
	(void)state;

	/* Only the first 5 bytes: "a,b\nc". */
	assert_int_equal(fl_csv_new(&c, data, 5), 0);
	assert_int_equal(fl_csv_next(c, &rec), 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(fl_csv_next(c, &rec), 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.len[0], 1);
	assert_string_equal(rec.field[0], "c");
	assert_int_equal(fl_csv_next(c, &rec), 0);
	fl_csv_free(c);
	/* A NUL byte is data to the reader (the importer's text checks refuse it). */
	assert_int_equal(fl_csv_new(&c, "a\0b,c\n", 6), 0);
	assert_int_equal(fl_csv_next(c, &rec), 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.len[0], 3);
	assert_memory_equal(rec.field[0], "a\0b", 3);
	fl_csv_free(c);
}

/* ---- the importer ---- */

#define CONFIG "config/fundledger.yaml"
#define BY "importer"
#define AT "2026-03-01T12:00:00Z"
#define HEADER "kind,ref,fund,donor,currency,amount,date,years,bank_ref,pledge,rate\n"

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
	strcpy(f->dir, "/tmp/fl-unit-csv-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (fl_config_load(&f->cfg, CONFIG) != 0 ||
	    fl_ledger_init(f->path, "unit.example.org/csv", "2026-01-01T00:00:00Z") != 0 ||
	    fl_ledger_open(&f->l, f->path, f->cfg, 0) != 0 || testkit_sign(f->cfg, f->l) != 0) {
		fprintf(stderr, "setup: %s\n", fl_error_last());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char p[256];
	if (!f)
		return 0;
	fl_ledger_free(f->l);
	fl_config_free(f->cfg);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static uint64_t count_of(fx *f)
{
	uint64_t n = 0;
	unsigned char h[FL_HASH_LEN];
	assert_int_equal(fl_ledger_head(f->l, &n, h), 0);
	return n;
}

static int import(fx *f, fl_import_stats *st, const char *data)
{
	return fl_import_csv_mem(st, f->l, "t.csv", data, strlen(data), BY, AT);
}

static void import_ok_at(int line, fx *f, fl_import_stats *st, const char *data)
{
	int rc = import(f, st, data);
	if (rc != 0)
		fail_msg("line %d: import failed: %d %s", line, rc, fl_error_last());
}
#define IMPORT_OK(f, st, data) import_ok_at(__LINE__, (f), (st), (data))

/*
 * Imports data expecting failure with `code` and exactly `msg`; the ledger must keep the
 * entries and head it had, and verify.
 */
static void import_fails_at(int line, fx *f, const char *data, int code, const char *msg)
{
	fl_import_stats st;
	uint64_t before, after;
	unsigned char h1[FL_HASH_LEN], h2[FL_HASH_LEN];
	fl_verify_result vr;
	int rc;

	assert_int_equal(fl_ledger_head(f->l, &before, h1), 0);
	memset(&st, 0xff, sizeof(st));
	fl_error_clear();
	rc = import(f, &st, data);
	if (rc != code)
		fail_msg("line %d: import returned %d (\"%s\"), want %d", line, rc, fl_error_last(),
			 code);
	if (strcmp(fl_error_last(), msg) != 0)
		fail_msg("line %d: message \"%s\", want \"%s\"", line, fl_error_last(), msg);
	if (st.appended != 0 || st.replayed != 0 || st.first != 0 || st.last != 0)
		fail_msg("line %d: a failed import reports appended %llu, first %llu", line,
			 (unsigned long long)st.appended, (unsigned long long)st.first);
	assert_int_equal(fl_ledger_head(f->l, &after, h2), 0);
	if (after != before || memcmp(h1, h2, FL_HASH_LEN) != 0)
		fail_msg("line %d: a failed import changed the ledger (%llu -> %llu entries)", line,
			 (unsigned long long)before, (unsigned long long)after);
	if (fl_verify_ledger(&vr, f->l, NULL) != 0)
		fail_msg("line %d: verify after failed import: %s", line, fl_error_last());
}
#define IMPORT_FAILS(f, data, code, msg) import_fails_at(__LINE__, (f), (data), (code), (msg))

static const char GOOD[] = HEADER
	"pledge,P-1,VFTC,NOR,USD,1000.00,2026-01-15,2026,,,\n"
	"rate,,,,EUR,,2026-01-01,,,,0.921\n"
	"contribution,C-1,VFTC,NOR,EUR,100.00,2026-02-10,,UBS 1,P-1,\n"
	"contribution,C-2,VFTC,NOR,USD,250.50,2026-02-11,,\"UBS 2, second\",1,\n";

static void test_import_good_file(void **state)
{
	fx *f = *state;
	fl_import_stats st;
	fl_entry e;
	uint64_t seq;
	fl_verify_result vr;

	memset(&st, 0xff, sizeof(st));
	IMPORT_OK(f, &st, GOOD);
	/* Each contribution that names its pledge is followed by the match applying it. */
	assert_int_equal(st.rows, 4);
	assert_int_equal(st.appended, 6);
	assert_int_equal(st.replayed, 0);
	assert_int_equal(st.first, 1);
	assert_int_equal(st.last, 6);
	assert_int_equal(count_of(f), 6);

	/* What was written. */
	assert_int_equal(fl_ledger_get(f->l, 1, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_PLEDGE);
	assert_string_equal(e.idem, "P-1");
	assert_string_equal(e.fund, "VFTC");
	assert_string_equal(e.donor, "NOR");
	assert_int_equal(e.amount, 100000);
	assert_string_equal(e.date, "2026-01-15");
	assert_int_equal(e.n_years, 1);
	assert_int_equal(e.years[0], 2026);
	assert_string_equal(e.recorded_by, BY);
	assert_string_equal(e.recorded_at, AT);
	assert_int_equal(fl_ledger_get(f->l, 2, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_RATE);
	assert_int_equal(e.rate, 921000);
	assert_memory_equal(e.idem, "auto-", 5); /* no ref: a derived key */
	assert_int_equal(fl_ledger_get(f->l, 3, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_CONTRIBUTION);
	assert_int_equal(e.pledge, 1); /* by ref */
	assert_int_equal(e.amount, 10000);
	assert_int_equal(e.usd, 10858); /* 10000 / 0.921 = 10857.76 */
	assert_int_equal(e.rate_seq, 2);
	assert_string_equal(e.bank_ref, "UBS 1");
	assert_int_equal(fl_ledger_get(f->l, 4, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_MATCH);
	assert_int_equal(e.contribution, 3);
	assert_int_equal(e.pledge, 1);
	assert_int_equal(e.amount, 10000);   /* EUR 100.00, all of it */
	assert_int_equal(e.settled, 10858);  /* in the pledge's USD, at 0.921 */
	assert_int_equal(e.settle_rate, 1000000);
	assert_string_equal(e.reason, FL_REASON_NAMED);
	assert_int_equal(fl_ledger_get(f->l, 5, &e, NULL, NULL), 0);
	assert_int_equal(e.pledge, 1); /* by seq */
	assert_int_equal(e.amount, 25050);
	assert_int_equal(e.usd, 25050);
	assert_string_equal(e.bank_ref, "UBS 2, second");
	assert_int_equal(fl_ledger_find(f->l, "C-2", &seq), 0);
	assert_int_equal(seq, 5);
	assert_int_equal(fl_ledger_get(f->l, 6, &e, NULL, NULL), 0);
	assert_int_equal(e.kind, FL_KIND_MATCH);
	assert_int_equal(e.settled, 25050);
	assert_int_equal(fl_verify_ledger(&vr, f->l, NULL), 0);

	/* The same file again changes nothing. */
	memset(&st, 0xff, sizeof(st));
	IMPORT_OK(f, &st, GOOD);
	assert_int_equal(st.rows, 4);
	assert_int_equal(st.appended, 0);
	assert_int_equal(st.replayed, 4);
	assert_int_equal(st.first, 0);
	assert_int_equal(st.last, 0);
	assert_int_equal(count_of(f), 6);

	/* A file with one old and one new row appends only the new one. */
	IMPORT_OK(f, &st, HEADER "pledge,P-1,VFTC,NOR,USD,1000.00,2026-01-15,2026,,,\n"
				 "pledge,P-2,UPRP,DEU,EUR,5000,2026-02-01,2026-2027,,,\n");
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.appended, 1);
	assert_int_equal(st.replayed, 1);
	assert_int_equal(st.first, 7);
	assert_int_equal(st.last, 7);
	assert_int_equal(fl_ledger_get(f->l, 7, &e, NULL, NULL), 0);
	assert_int_equal(e.n_years, 2);
	assert_int_equal(e.amount, 500000);
}

static void test_import_bom_crlf_header_order(void **state)
{
	fx *f = *state;
	fl_import_stats st;
	fl_entry e;

	/* Columns in any order, only those needed, BOM and CRLF. */
	IMPORT_OK(f, &st, "\xef\xbb\xbf" "date,years,amount,currency,donor,fund,kind\r\n"
			  "2026-01-15,2026,12.5,CHF,CHE,UPRI,pledge\r\n");
	assert_int_equal(st.appended, 1);
	assert_int_equal(fl_ledger_get(f->l, 1, &e, NULL, NULL), 0);
	assert_string_equal(e.fund, "UPRI");
	assert_string_equal(e.currency, "CHF");
	assert_int_equal(e.amount, 1250);
	/* A header alone imports nothing and succeeds. */
	IMPORT_OK(f, &st, HEADER);
	assert_int_equal(st.rows, 0);
	assert_int_equal(st.appended, 0);
	assert_int_equal(count_of(f), 1);
}

static void test_import_all_or_nothing(void **state)
{
	fx *f = *state;
	fl_import_stats st;
	uint64_t seq;

	IMPORT_OK(f, &st, GOOD);
	assert_int_equal(count_of(f), 6);

	/* Good rows, then a bad one on line 4: nothing of the file is written. */
	IMPORT_FAILS(f,
		     HEADER "pledge,P-3,VFTC,DEU,USD,10,2026-01-15,2026,,,\n"
			    "pledge,P-4,VFTC,CHE,USD,10,2026-01-15,2026,,,\n"
			    "pledge,P-5,VFTC,XXX,USD,10,2026-01-15,2026,,,\n",
		     FL_ENOTFOUND, "t.csv:4: unknown donor 'XXX'");
	assert_int_equal(fl_ledger_find(f->l, "P-3", &seq), FL_ENOTFOUND);
	assert_int_equal(fl_ledger_find(f->l, "P-4", &seq), FL_ENOTFOUND);
	/* The stats count the rows read up to the failure. */
	{
		const char bad[] = HEADER "pledge,P-3,VFTC,DEU,USD,10,2026-01-15,2026,,,\n"
					  "pledge,P-5,VFTC,XXX,USD,10,2026-01-15,2026,,,\n";
		memset(&st, 0, sizeof(st));
		assert_int_equal(fl_import_csv_mem(&st, f->l, "t.csv", bad, strlen(bad), BY, AT),
				 FL_ENOTFOUND);
		assert_int_equal(st.rows, 2);
		assert_int_equal(st.appended, 0);
	}
	/* A rate and a contribution using it, then a failure: the rate is not in force after. */
	IMPORT_FAILS(f,
		     HEADER "rate,,,,CHF,,2026-01-01,,,,0.88\n"
			    "contribution,C-9,VFTC,NOR,CHF,88.00,2026-02-01,,UBS 9,,\n"
			    "contribution,C-10,VFTC,NOR,CHF,1.00,2026-02-30,,UBS 10,,\n",
		     FL_EINVALID, "t.csv:4: date: '2026-02-30' is not a date (YYYY-MM-DD)");
	IMPORT_FAILS(f,
		     HEADER "contribution,C-9,VFTC,NOR,CHF,88.00,2026-02-01,,UBS 9,,\n",
		     FL_ENOTFOUND,
		     "t.csv:2: no UN operational rate for CHF in force on 2026-02-01; record one "
		     "with 'fundledger rate'");
	assert_int_equal(count_of(f), 6);
}

static void test_import_row_errors(void **state)
{
	fx *f = *state;
	fl_import_stats st;

	IMPORT_OK(f, &st, GOOD);

	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,\n", FL_EINVALID,
		     "t.csv:2: 10 fields, the header has 11");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,,\n", FL_EINVALID,
		     "t.csv:2: 12 fields, the header has 11");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n\n", FL_EINVALID,
		     "t.csv:3: empty line");
	IMPORT_FAILS(f, HEADER "reversal,,,,,,,,,,\n", FL_EINVALID,
		     "t.csv:2: kind 'reversal' cannot be imported (only pledge, contribution and "
		     "rate)");
	IMPORT_FAILS(f, HEADER "gift,,,,,,,,,,\n", FL_EINVALID,
		     "t.csv:2: unknown entry kind 'gift'");
	IMPORT_FAILS(f, HEADER "rate,,VFTC,,EUR,,2026-01-01,,,,0.9\n", FL_EINVALID,
		     "t.csv:2: fund: does not apply to a rate");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,,,,\n", FL_EINVALID,
		     "t.csv:2: years: required for a pledge");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n"
			       "pledge,P-10,VFTC,NOR,USD,10,2026-02-30,2026,,,\n",
		     FL_EINVALID, "t.csv:3: date: '2026-02-30' is not a date (YYYY-MM-DD)");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,0,2026-01-15,2026,,,\n", FL_EINVALID,
		     "t.csv:2: amount: must be more than zero");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2027;2026,,,\n",
		     FL_EINVALID,
		     "t.csv:2: years '2027;2026': expected YYYY, YYYY-YYYY or YYYY;YYYY;... in "
		     "order");
	IMPORT_FAILS(f, HEADER "contribution,C-9,VFTC,NOR,USD,10,2026-02-01,,UBS 9,P-404,\n",
		     FL_ENOTFOUND, "t.csv:2: pledge: no entry has reference 'P-404'");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,XTS,10,2026-01-15,2026,,,\n", FL_ENOTFOUND,
		     "t.csv:2: currency: unknown currency 'XTS'");
	IMPORT_FAILS(f, HEADER "pledge,P-9,vftc,NOR,USD,10,2026-01-15,2026,,,\n", FL_EINVALID,
		     "t.csv:2: fund: 'vftc' is not a fund code");
	IMPORT_FAILS(f, HEADER "pledge,12,VFTC,NOR,USD,10,2026-01-15,2026,,,\n", FL_EINVALID,
		     "t.csv:2: reference '12' is all digits, which would read as a sequence "
		     "number");
	/* Text with a control character, from a quoted field spanning lines 2-3. */
	IMPORT_FAILS(f, HEADER "contribution,C-9,VFTC,NOR,USD,10,2026-02-01,,\"UBS\n9\",,\n",
		     FL_EINVALID, "t.csv:2: bank_ref: control character in text");
	/* A line number after a two-line field counts both lines. */
	IMPORT_FAILS(f,
		     HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n"
			    "pledge,\"P\n10\",VFTC,NOR,USD,10,2026-01-15,2026,,,\n",
		     FL_EINVALID, "t.csv:3: ref: control character in text");
	/* Same row twice in one file. */
	IMPORT_FAILS(f,
		     HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n"
			    "pledge,P-10,VFTC,NOR,USD,11,2026-01-15,2026,,,\n"
			    "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n",
		     FL_EEXISTS,
		     "t.csv:4: same as line 2 (same ref or, without one, same content); give each "
		     "row its own ref");
	/* A ref already in the ledger with other content. */
	IMPORT_FAILS(f, HEADER "pledge,P-1,VFTC,NOR,USD,999,2026-01-15,2026,,,\n", FL_EEXISTS,
		     "t.csv:2: reference 'P-1' is already recorded as entry 1 with other content");
	assert_int_equal(count_of(f), 6);
}

static void test_import_file_errors(void **state)
{
	fx *f = *state;

	IMPORT_FAILS(f, "", FL_EINVALID, "t.csv:1: empty file, expected a header row");
	IMPORT_FAILS(f, "kind,colour\n", FL_EINVALID,
		     "t.csv:1: unknown column 'colour' (see docs/CSV.md)");
	IMPORT_FAILS(f, "kind,ref,kind\n", FL_EINVALID, "t.csv:1: column 'kind' appears twice");
	IMPORT_FAILS(f, "ref,fund\n", FL_EINVALID, "t.csv:1: the header has no 'kind' column");
	/* Reader errors carry the file name and line the same way. */
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\n\"open\n", FL_EINVALID,
		     "t.csv:3: unterminated quoted field");
	IMPORT_FAILS(f, HEADER "pledge,P-9,VFTC,NOR,USD,10,2026-01-15,2026,,,\rx\n", FL_EINVALID,
		     "t.csv:2: carriage return without line feed");
	IMPORT_FAILS(f, "kind,r\"ef\n", FL_EINVALID, "t.csv:1: quote inside unquoted field 2");
	assert_int_equal(count_of(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_simple),
		cmocka_unit_test(test_csv_empty_input),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_crlf),
		cmocka_unit_test(test_csv_embedded_newline),
		cmocka_unit_test(test_csv_bom),
		cmocka_unit_test(test_csv_empty_fields),
		cmocka_unit_test(test_csv_rejects),
		cmocka_unit_test(test_csv_field_limit),
		cmocka_unit_test(test_csv_uses_len),
		cmocka_unit_test_setup_teardown(test_import_good_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_bom_crlf_header_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_row_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_file_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
