/*
 * test_statement.c: unit tests for the bank statement reader (statement.h).
 *
 * Every sample in tests/vectors/statements/ is read and checked value by value: account, id,
 * currency, period, balances in minor units, the number of lines and of skipped entries, and
 * the fields of chosen lines. Every malformed sample must fail with its code, nothing
 * returned, and a message that starts with "FILE:LINE: " for the right line. Small documents
 * built in memory cover amounts (fewer, more and zero decimals), text clean-up, references
 * and the structure rules of the CSV layout. Tests run from the repository root.
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
#include "fundledger/statement.h"

#define CONFIG "config/fundledger.yaml"
#define DIR "tests/vectors/statements/"

static fl_config *cfg;

static int group_setup(void **state)
{
	(void)state;
	if (fl_config_load(&cfg, CONFIG) != 0) {
		fprintf(stderr, "setup: %s\n", fl_error_last());
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_config_free(cfg);
	cfg = NULL;
	return 0;
}

/* ---- helpers ---- */

/* Reads a sample that must be good; the caller frees *s. */
static void read_ok_at(int tline, fl_statements *s, const char *path)
{
	int rc = fl_statements_read(s, path, cfg);
	if (rc != 0)
		fail_msg("line %d: %s: %d %s", tline, path, rc, fl_error_last());
	assert_non_null(s->items);
	assert_true(s->n >= 1);
}
#define READ_OK(s, path) read_ok_at(__LINE__, (s), (path))

/*
 * A failed read: the code, nothing returned, and a message "NAME:LINE: ..." holding `part`.
 */
static void check_failed_at(int tline, int rc, const fl_statements *s, const char *name,
			    int code, size_t line, const char *part)
{
	char prefix[512];
	const char *msg = fl_error_last();
	snprintf(prefix, sizeof(prefix), "%s:%zu: ", name, line);
	if (rc != code || fl_error_code() != code)
		fail_msg("line %d: %s: returned %d (error code %d), want %d; message: %s", tline,
			 name, rc, fl_error_code(), code, msg);
	if (s->n != 0 || s->items != NULL)
		fail_msg("line %d: %s: a failed read returned %zu statements", tline, name, s->n);
	if (strncmp(msg, prefix, strlen(prefix)) != 0)
		fail_msg("line %d: message \"%s\" does not start with \"%s\"", tline, msg, prefix);
	if (!strstr(msg, part))
		fail_msg("line %d: message \"%s\" does not say \"%s\"", tline, msg, part);
}

static void file_fails_at(int tline, const char *path, int code, size_t line, const char *part)
{
	fl_statements s;
	int rc;
	memset(&s, 0x5a, sizeof(s));
	fl_error_clear();
	rc = fl_statements_read(&s, path, cfg);
	check_failed_at(tline, rc, &s, path, code, line, part);
}
#define FILE_FAILS(path, code, line, part) file_fails_at(__LINE__, (path), (code), (line), (part))

static int read_mem(fl_statements *s, int csv, const char *text)
{
	if (csv)
		return fl_statements_read_csv(s, "t.csv", text, strlen(text), cfg);
	return fl_statements_read_camt(s, "t.xml", text, strlen(text), cfg);
}

static void mem_fails_at(int tline, int csv, const char *text, int code, size_t line,
			 const char *part)
{
	fl_statements s;
	int rc;
	memset(&s, 0x5a, sizeof(s));
	fl_error_clear();
	rc = read_mem(&s, csv, text);
	check_failed_at(tline, rc, &s, csv ? "t.csv" : "t.xml", code, line, part);
}
#define CAMT_FAILS(text, code, line, part) mem_fails_at(__LINE__, 0, (text), (code), (line), (part))
#define CSV_FAILS(text, code, line, part) mem_fails_at(__LINE__, 1, (text), (code), (line), (part))

static void check_statement(const fl_statement *st, const char *id, const char *account,
			    const char *currency, const char *from, const char *to, int64_t opening,
			    int64_t closing, size_t n_lines, size_t skipped, size_t line)
{
	assert_string_equal(st->id, id);
	assert_string_equal(st->account, account);
	assert_string_equal(st->currency, currency);
	assert_string_equal(st->from, from);
	assert_string_equal(st->to, to);
	assert_int_equal(st->opening, opening);
	assert_int_equal(st->closing, closing);
	assert_int_equal(st->n_lines, n_lines);
	assert_int_equal(st->skipped, skipped);
	assert_int_equal(st->line, line);
}

static void check_line(const fl_stmt_line *l, size_t line, int credit, int reversal,
		       int64_t amount, const char *booking, const char *value, const char *ref,
		       const char *entry_ref, const char *end_to_end, const char *debtor,
		       const char *remittance)
{
	assert_int_equal(l->line, line);
	assert_int_equal(l->credit, credit);
	assert_int_equal(l->reversal, reversal);
	assert_int_equal(l->amount, amount);
	assert_string_equal(l->booking_date, booking);
	assert_string_equal(l->value_date, value);
	assert_string_equal(l->ref, ref);
	assert_string_equal(l->entry_ref, entry_ref);
	assert_string_equal(l->end_to_end, end_to_end);
	assert_string_equal(l->debtor, debtor);
	assert_string_equal(l->remittance, remittance);
}

/* ---- the good samples ---- */

static void test_camt_002_usd(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	READ_OK(&s, DIR "camt053-001.02-usd.xml");
	assert_int_equal(s.n, 1);
	st = &s.items[0];
	/* Period from FrToDt; the pending Mexican payment is left out. */
	check_statement(st, "VFTC-USD-2026-02", "CH4600240240123456780", "USD", "2026-02-01",
			"2026-02-28", 125000000, 207495550, 4, 1, 12);
	check_line(&st->lines[0], 76, 1, 0, 50000000, "2026-02-03", "2026-02-03",
		   "UBS-20260203-000117", "0001", "NO-MFA-2026-0042",
		   "Royal Norwegian Ministry of Foreign Affairs", "Contribution to VFTC 2026");
	/* "250000" has no decimals; two Ustrd lines are joined, white space collapsed. */
	check_line(&st->lines[1], 116, 1, 0, 25000000, "2026-02-10", "2026-02-09",
		   "UBS-20260210-000342", "0002", "IE-DFA-HR-2026-003",
		   "Department of Foreign Affairs, Ireland",
		   "Contribution to VFTC 2026 pledge IRL-2026-01");
	/* NOTPROVIDED is no end-to-end id; no ValDt means the booking date. */
	check_line(&st->lines[2], 167, 1, 0, 7500050, "2026-02-24", "2026-02-24",
		   "UBS-20260224-000805", "0004", "",
		   "Permanent Mission of Chile to the United Nations Office at Geneva",
		   "Contribution to VFTC 2026");
	/* The bank fee: a debit without transaction details. */
	check_line(&st->lines[3], 192, 0, 0, 4500, "2026-02-28", "2026-02-28",
		   "UBS-20260228-FEE0002", "0005", "", "", "");
	fl_statements_free(&s);
	assert_null(s.items);
	assert_int_equal(s.n, 0);
}

static void test_camt_004_eur(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	READ_OK(&s, DIR "camt053-001.04-eur.xml");
	assert_int_equal(s.n, 1);
	st = &s.items[0];
	/* No FrToDt: the period is the OPBD date to the CLBD date (a DtTm). No Acct/Ccy: the
	 * currency is the balances'. "80000" and "279987.5" have fewer decimals than EUR. */
	check_statement(st, "UPRP-EUR-2026-03", "DE94500700100123456789", "EUR", "2026-03-01",
			"2026-03-31", 8000000, 27998750, 4, 1, 9);
	/* BookgDt as a DtTm; no NtryRef. */
	check_line(&st->lines[0], 31, 1, 0, 20000000, "2026-03-05", "2026-03-05",
		   "DB-2026030500001", "", "AA-VN-2026-UPR-17", "Auswärtiges Amt",
		   "Contribution to UPRP 2026");
	/* "1000.5"; the remittance is a structured creditor reference. */
	check_line(&st->lines[1], 52, 1, 0, 100050, "2026-03-10", "2026-03-10",
		   "DB-2026031000007", "N-0310-A", "", "Principauté de Monaco",
		   "RF18539007547034");
	/* The return of that payment: a debit reversal, "1000.500", referenced by NtryRef only. */
	check_line(&st->lines[2], 76, 0, 1, 100050, "2026-03-17", "2026-03-10",
		   "DB-RET-20260317-2", "", "", "Principauté de Monaco",
		   "Return: beneficiary reference mismatch");
	check_line(&st->lines[3], 95, 0, 0, 1250, "2026-03-31", "2026-03-31", "DB-2026033100099",
		   "", "", "", "");
	fl_statements_free(&s);
}

static void test_camt_006_kwd(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	READ_OK(&s, DIR "camt053-001.06-kwd.xml");
	assert_int_equal(s.n, 1);
	st = &s.items[0];
	/* Three decimals: KWD 1,000.000 and 36,000.125 in fils. */
	check_statement(st, "UPRI-KWD-2026-04", "KW02NBOK0000000000002026040001", "KWD",
			"2026-04-01", "2026-04-30", 1000000, 36000125, 4, 0, 8);
	/* ValDt as a DtTm. */
	check_line(&st->lines[0], 33, 1, 0, 30000125, "2026-04-07", "2026-04-07",
		   "NBK26040700123", "1", "MOFA-KW-2026-UPRI",
		   "Ministry of Foreign Affairs, State of Kuwait", "Contribution to UPRI 2026");
	/* "5000" is KWD 5,000.000. */
	check_line(&st->lines[1], 52, 1, 0, 5000000, "2026-04-15", "2026-04-15",
		   "NBK26041500456", "2", "", "Kuwait Fund for Arab Economic Development",
		   "Contribution to UPRI 2026 - Pacific small island States");
	check_line(&st->lines[2], 69, 0, 0, 3750, "2026-04-15", "2026-04-15", "NBK26041500457",
		   "3", "", "", "");
	/* The refund of that charge: a credit reversal, "3.75" = 3750 fils. */
	check_line(&st->lines[3], 78, 1, 1, 3750, "2026-04-20", "2026-04-20", "NBK26042000031",
		   "4", "", "", "Refund of charge NBK26041500457 (UN exemption)");
	fl_statements_free(&s);
}

static void test_camt_008_jpy(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	READ_OK(&s, DIR "camt053-001.08-jpy.xml");
	assert_int_equal(s.n, 2);
	/* JPY has no decimals; the account is an Othr/Id; a zero opening balance. */
	st = &s.items[0];
	check_statement(st, "VFTC-JPY-20260501", "MUFG-001-1234567", "JPY", "2026-05-01",
			"2026-05-01", 0, 9998500, 2, 1, 8);
	/* Dbtr/Pty/Nm and <Sts><Cd>BOOK</Cd></Sts>. */
	check_line(&st->lines[0], 34, 1, 0, 10000000, "2026-05-01", "2026-05-01",
		   "MUFG0501A0000017", "20260501-1", "MOFA-VFTC-2026-001",
		   "Ministry of Foreign Affairs of Japan", "Contribution to VFTC 2026");
	check_line(&st->lines[1], 58, 0, 0, 1500, "2026-05-01", "2026-05-01", "MUFG0501F0000002",
		   "20260501-2", "", "", "");
	/* The next day's statement opens with PRCD (dated the day before) instead of OPBD. */
	st = &s.items[1];
	check_statement(st, "VFTC-JPY-20260502", "MUFG-001-1234567", "JPY", "2026-05-02",
			"2026-05-02", 9998500, 14998500, 1, 0, 82);
	/* "5000000.0": a zero decimal JPY does not have; two Strd references joined. */
	check_line(&st->lines[0], 104, 1, 0, 5000000, "2026-05-02", "2026-05-02",
		   "MUFG0502A0000004", "20260502-1", "", "Japan International Cooperation Agency",
		   "VFTC-2026-JICA-01 PLEDGE-JPN-2026");
	fl_statements_free(&s);
}

static void test_csv_usd(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	READ_OK(&s, DIR "statements-usd.csv");
	assert_int_equal(s.n, 2);
	st = &s.items[0];
	check_statement(st, "UPRP-USD-2026-06", "CH800024024012345679Z", "USD", "2026-06-01",
			"2026-06-30", 50000000, 58000025, 5, 0, 2);
	check_line(&st->lines[0], 3, 1, 0, 12000000, "2026-06-04", "2026-06-03",
		   "UBS-20260604-000211", "", "SE-UD-2026-UPR-7", "Government of Sweden",
		   "Contribution to UPRP 2026, second tranche");
	check_line(&st->lines[1], 4, 0, 0, 3500, "2026-06-04", "2026-06-04",
		   "UBS-20260604-FEE0011", "", "", "", "Incoming payment fee");
	/* debit-reversal: money out, reversing a credit. */
	check_line(&st->lines[2], 5, 0, 1, 12000000, "2026-06-10", "2026-06-04",
		   "UBS-20260610-000034", "", "SE-UD-2026-UPR-7", "Government of Sweden",
		   "Return of duplicate payment");
	/* credit-reversal: money in, reversing a debit; "35" has no decimals. */
	check_line(&st->lines[3], 6, 1, 1, 3500, "2026-06-10", "2026-06-10",
		   "UBS-20260610-FEE0011R", "", "", "", "Refund of fee UBS-20260604-FEE0011");
	/* A quoted debtor over two physical lines is collapsed to one; NOTPROVIDED is dropped. */
	check_line(&st->lines[4], 7, 1, 0, 8000025, "2026-06-22", "2026-06-22",
		   "UBS-20260622-000480", "", "",
		   "Department of Foreign Affairs and Trade, Australia",
		   "Contribution to UPRP 2026");
	/* The closing row comes after a record of two lines: it is on line 9. */
	st = &s.items[1];
	check_statement(st, "UPRP-USD-2026-07", "CH800024024012345679Z", "USD", "2026-07-01",
			"2026-07-31", 58000025, 58100025, 1, 0, 10);
	check_line(&st->lines[0], 11, 1, 0, 100000, "2026-07-15", "2026-07-15",
		   "UBS-20260715-000102", "", "", "Open Society Foundations",
		   "Contribution to UPRP 2026");
	fl_statements_free(&s);
}

static void test_csv_bhd(void **state)
{
	fl_statements s;
	const fl_statement *st;
	(void)state;

	/* CRLF line ends, three decimals, and a debit (negative) opening balance. */
	READ_OK(&s, DIR "statement-bhd.csv");
	assert_int_equal(s.n, 1);
	st = &s.items[0];
	check_statement(st, "VFTC-BHD-2026-Q1", "BH50NBOB00001299123456", "BHD", "2026-01-01",
			"2026-03-31", -12500, 24980125, 2, 0, 2);
	check_line(&st->lines[0], 3, 1, 0, 25000125, "2026-02-16", "2026-02-15", "NBB-0216-77810",
		   "", "BH-MOFA-2026-3", "Ministry of Foreign Affairs Kingdom of Bahrain",
		   "Contribution to VFTC 2026");
	/* "7.5" is BHD 7.500. */
	check_line(&st->lines[1], 4, 0, 0, 7500, "2026-03-31", "2026-03-31", "NBB-0331-FEE-01", "",
		   "", "", "Quarterly account fee");
	fl_statements_free(&s);
}

/* ---- the malformed samples ---- */

static void test_bad_truncated(void **state)
{
	(void)state;
	/* The file stops inside a start tag on its last line, 33: libxml2's line. */
	FILE_FAILS(DIR "bad-truncated.xml", FL_EINVALID, 33, "not well-formed XML");
}

static void test_bad_namespace(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-namespace.xml", FL_EINVALID, 2,
		   "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'");
	FILE_FAILS(DIR "bad-version.xml", FL_EINVALID, 2,
		   "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.09'");
	FILE_FAILS(DIR "bad-no-namespace.xml", FL_EINVALID, 2,
		   "element 'Document' has no namespace");
}

static void test_bad_doctype(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-doctype.xml", FL_EINVALID, 2, "DOCTYPE");
}

static void test_bad_ccy_mismatch(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-ccy-mismatch.xml", FL_EINVALID, 40,
		   "amount in 'USD', but the statement is in EUR");
}

static void test_bad_unknown_currency(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-unknown-currency.xml", FL_ENOTFOUND, 12, "unknown currency 'XTS'");
}

static void test_bad_decimals(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-decimals.xml", FL_EINVALID, 27,
		   "amount '500.005' has more decimals than EUR has (2)");
}

static void test_bad_duplicate_ref(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-duplicate-ref.xml", FL_EINVALID, 39,
		   "reference 'KBC-20260201-0001' is already used on line 26");
}

static void test_bad_arithmetic(void **state)
{
	(void)state;
	/* At the CLBD balance, with both amounts. */
	FILE_FAILS(DIR "bad-arithmetic.xml", FL_EINVALID, 20,
		   "closing balance EUR 1490.01 does not add up: opening + credits - debits is "
		   "EUR 1490.00");
}

static void test_bad_no_closing(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-no-closing.xml", FL_EINVALID, 8,
		   "statement 'VFTC-EUR-20260201' has no closing balance (CLBD)");
}

static void test_bad_csv_header(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-header.csv", FL_EINVALID, 1,
		   "header column 4 is 'booking_date', expected 'date'");
}

static void test_bad_csv_type(void **state)
{
	(void)state;
	FILE_FAILS(DIR "bad-type.csv", FL_EINVALID, 4, "type 'refund' is not one of");
}

static void test_bad_csv_duplicate_ref(void **state)
{
	(void)state;
	/* Unique in the file, not only within a statement. */
	FILE_FAILS(DIR "bad-duplicate-ref.csv", FL_EINVALID, 6,
		   "reference 'UBS-20260914-000051' is already used on line 3");
}

static void test_read_file(void **state)
{
	fl_statements s;
	int rc;
	(void)state;

	memset(&s, 0x5a, sizeof(s));
	rc = fl_statements_read(&s, DIR "no-such-file.xml", cfg);
	assert_int_equal(rc, FL_EIO);
	assert_int_equal(s.n, 0);
	assert_null(s.items);
	assert_non_null(strstr(fl_error_last(), DIR "no-such-file.xml: cannot open"));
	memset(&s, 0, sizeof(s));
	fl_statements_free(&s);
	fl_statements_free(NULL);
}

/* Writes text to a temporary file and reads it as a statement file: which reader answers. */
static void read_temp_fails_at(int tline, const char *text, int code, size_t line,
			       const char *part)
{
	char path[] = "/tmp/fl-unit-stmt-XXXXXX";
	fl_statements s;
	FILE *f;
	int fd = mkstemp(path), rc;
	assert_true(fd >= 0);
	assert_non_null(f = fdopen(fd, "wb"));
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	rc = fl_statements_read(&s, path, cfg);
	unlink(path);
	check_failed_at(tline, rc, &s, path, code, line, part);
}

static void test_read_dispatch(void **state)
{
	(void)state;
	/* The first byte that is not a BOM or white space decides: '<' is camt.053. */
	read_temp_fails_at(__LINE__, "\xef\xbb\xbf \r\n\t<Document/>\n", FL_EINVALID, 2,
			   "element 'Document' has no namespace");
	/* Anything else is the CSV layout, which needs its header. */
	read_temp_fails_at(__LINE__, "", FL_EINVALID, 1, "empty file, expected the header row");
	read_temp_fails_at(__LINE__, "statement;account\n", FL_EINVALID, 1,
			   "the header has 1 columns");
}

/* ---- camt documents built in memory ---- */

/*
 * One statement of one entry: line 6 the opening balance (0), line 7 the closing balance,
 * line 8 the entry, whose Amt, RvslInd and details are filled in.
 */
static char *camt_doc(const char *ccy, const char *closing, const char *amount, const char *more)
{
	static char buf[8192];
	snprintf(buf, sizeof(buf),
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n"
		 "<BkToCstmrStmt><Stmt>\n"
		 "<Id>S-1</Id>\n"
		 "<Acct><Id><IBAN>CH4600240240123456780</IBAN></Id><Ccy>%s</Ccy></Acct>\n"
		 "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"%s\">0</Amt>"
		 "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>\n"
		 "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"%s\">%s</Amt>"
		 "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-31</Dt></Dt></Bal>\n"
		 "<Ntry><Amt Ccy=\"%s\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
		 "<BookgDt><Dt>2026-01-15</Dt></BookgDt>%s</Ntry>\n"
		 "</Stmt></BkToCstmrStmt></Document>\n",
		 ccy, ccy, ccy, closing, ccy, amount, more);
	return buf;
}

#define REF "<AcctSvcrRef>R-1</AcctSvcrRef>"

/* The amount of the one line of a one-entry document that must read. */
static int64_t one_amount(const char *ccy, const char *amount)
{
	fl_statements s;
	int64_t v;
	int rc = read_mem(&s, 0, camt_doc(ccy, amount, amount, REF));
	if (rc != 0)
		fail_msg("%s %s: %s", ccy, amount, fl_error_last());
	assert_int_equal(s.n, 1);
	assert_int_equal(s.items[0].n_lines, 1);
	v = s.items[0].lines[0].amount;
	assert_int_equal(s.items[0].closing, v);
	fl_statements_free(&s);
	return v;
}

static void test_amounts(void **state)
{
	(void)state;
	/* Fewer decimals than the currency, the exact number, and extra zeros. */
	assert_int_equal(one_amount("EUR", "1000"), 100000);
	assert_int_equal(one_amount("EUR", "1000.5"), 100050);
	assert_int_equal(one_amount("EUR", "1000.50"), 100050);
	assert_int_equal(one_amount("EUR", "1000.500"), 100050);
	assert_int_equal(one_amount("EUR", "0.01"), 1);
	/* xs:decimal allows white space around the number. */
	assert_int_equal(one_amount("EUR", " 12.5\n"), 1250);
	/* No decimals: JPY. */
	assert_int_equal(one_amount("JPY", "10000000"), 10000000);
	assert_int_equal(one_amount("JPY", "5000.0"), 5000);
	assert_int_equal(one_amount("JPY", "5000.000"), 5000);
	/* Three: KWD and BHD. */
	assert_int_equal(one_amount("KWD", "1.5"), 1500);
	assert_int_equal(one_amount("KWD", "30000.125"), 30000125);
	assert_int_equal(one_amount("KWD", "1.2500"), 1250);
	assert_int_equal(one_amount("BHD", "0.001"), 1);
	/* The largest amount an entry may carry. */
	assert_int_equal(one_amount("EUR", "9999999999999999.99"), FL_AMOUNT_MAX);
}

static void test_amount_errors(void **state)
{
	(void)state;
	CAMT_FAILS(camt_doc("EUR", "0", "1000.505", REF), FL_EINVALID, 8,
		   "amount '1000.505' has more decimals than EUR has (2)");
	CAMT_FAILS(camt_doc("EUR", "0", "1000.5000001", REF), FL_EINVALID, 8,
		   "more decimals than EUR");
	CAMT_FAILS(camt_doc("JPY", "0", "5000.5", REF), FL_EINVALID, 8,
		   "amount '5000.5' has more decimals than JPY has (0)");
	CAMT_FAILS(camt_doc("KWD", "0", "1.2501", REF), FL_EINVALID, 8, "more decimals than KWD");
	CAMT_FAILS(camt_doc("EUR", "0", "-5.00", REF), FL_EINVALID, 8, "amount '-5.00'");
	CAMT_FAILS(camt_doc("EUR", "0", "+5.00", REF), FL_EINVALID, 8, "amount '+5.00'");
	CAMT_FAILS(camt_doc("EUR", "0", "1e3", REF), FL_EINVALID, 8, "amount '1e3'");
	CAMT_FAILS(camt_doc("EUR", "0", "1,000.00", REF), FL_EINVALID, 8, "amount '1,000.00'");
	CAMT_FAILS(camt_doc("EUR", "0", "5.", REF), FL_EINVALID, 8, "no digits after the '.'");
	CAMT_FAILS(camt_doc("EUR", "0", "", REF), FL_EINVALID, 8, "amount");
	CAMT_FAILS(camt_doc("EUR", "0", "0.00", REF), FL_EINVALID, 8, "more than zero");
	/* Too large is FL_EINVALID like every other bad amount, not FL_ERANGE. */
	CAMT_FAILS(camt_doc("EUR", "0", "10000000000000000.00", REF), FL_EINVALID, 8,
		   "too large");
	/* A bad closing amount is reported on its own line. */
	CAMT_FAILS(camt_doc("EUR", "12.345", "12.34", REF), FL_EINVALID, 7,
		   "more decimals than EUR");
	/* A debit closing balance of 10.00 after a credit of 10.00. */
	{
		char doc[8192];
		snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "10.00", "10.00", REF));
		memcpy(strstr(doc, "CRDT</CdtDbtInd><Dt><Dt>2026-01-31"), "DBIT", 4);
		CAMT_FAILS(doc, FL_EINVALID, 7,
			   "closing balance EUR -10.00 does not add up: opening + credits - debits "
			   "is EUR 10.00");
	}
}

static void test_camt_refs(void **state)
{
	fl_statements s;
	(void)state;

	/* NtryRef alone is the ref; the same in both leaves entry_ref empty. */
	assert_int_equal(read_mem(&s, 0, camt_doc("EUR", "1", "1", "<NtryRef>N-7</NtryRef>")), 0);
	assert_string_equal(s.items[0].lines[0].ref, "N-7");
	assert_string_equal(s.items[0].lines[0].entry_ref, "");
	fl_statements_free(&s);
	assert_int_equal(read_mem(&s, 0,
				  camt_doc("EUR", "1", "1",
					   "<AcctSvcrRef>N-7</AcctSvcrRef><NtryRef>N-7</NtryRef>")),
			 0);
	assert_string_equal(s.items[0].lines[0].ref, "N-7");
	assert_string_equal(s.items[0].lines[0].entry_ref, "");
	fl_statements_free(&s);

	CAMT_FAILS(camt_doc("EUR", "1", "1", ""), FL_EINVALID, 8,
		   "Ntry has neither AcctSvcrRef nor NtryRef");
	CAMT_FAILS(camt_doc("EUR", "1", "1", "<AcctSvcrRef>UBS 0001</AcctSvcrRef>"), FL_EINVALID,
		   8, "AcctSvcrRef 'UBS 0001' must be printable ASCII without spaces or ':'");
	CAMT_FAILS(camt_doc("EUR", "1", "1", "<AcctSvcrRef>UBS:0001</AcctSvcrRef>"), FL_EINVALID,
		   8, "AcctSvcrRef 'UBS:0001'");
	CAMT_FAILS(camt_doc("EUR", "1", "1",
			    "<AcctSvcrRef>123456789012345678901234567890123456</AcctSvcrRef>"),
		   FL_EINVALID, 8, "longer than 35 bytes");
	CAMT_FAILS(camt_doc("EUR", "1", "1", "<AcctSvcrRef></AcctSvcrRef>"), FL_EINVALID, 8,
		   "AcctSvcrRef is empty");
	/* An end-to-end id is the payer's free text: spaces are kept (collapsed), length is
	 * not. */
	{
		fl_statements st;
		assert_int_equal(read_mem(&st, 0,
					  camt_doc("EUR", "1", "1",
						   REF "<NtryDtls><TxDtls><Refs><EndToEndId> MFA  "
						       "2026/1 </EndToEndId></Refs></TxDtls>"
						       "</NtryDtls>")),
				 0);
		assert_string_equal(st.items[0].lines[0].end_to_end, "MFA 2026/1");
		fl_statements_free(&st);
	}
	CAMT_FAILS(camt_doc("EUR", "1", "1",
			    REF "<NtryDtls><TxDtls><Refs><EndToEndId>123456789012345678901234567"
				"890123456</EndToEndId></Refs></TxDtls></NtryDtls>"),
		   FL_EINVALID, 8, "EndToEndId is longer than 35 bytes");
}

static void test_camt_text(void **state)
{
	fl_statements s;
	char more[4096], want[FL_BANKTEXT_MAX + 1];
	const char *r;
	size_t o = 0;
	(void)state;

	/* 'a' then 300 two-byte characters: 601 bytes, cut to 511 so no character is split. */
	o += (size_t)snprintf(more + o, sizeof(more) - o, REF "<NtryDtls><TxDtls><RmtInf><Ustrd>a");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(more + o, sizeof(more) - o, "\xc3\xa9");
	snprintf(more + o, sizeof(more) - o, "</Ustrd></RmtInf></TxDtls></NtryDtls>");
	assert_int_equal(read_mem(&s, 0, camt_doc("EUR", "1", "1", more)), 0);
	r = s.items[0].lines[0].remittance;
	assert_int_equal(strlen(r), 511);
	assert_int_equal(fl_text_check(r, strlen(r), FL_BANKTEXT_MAX), 0);
	want[0] = 'a';
	for (int i = 0; i < 255; i++)
		memcpy(want + 1 + 2 * i, "\xc3\xa9", 2);
	want[511] = '\0';
	assert_string_equal(r, want);
	fl_statements_free(&s);

	/* 101 words "word" (504 bytes joined) then "overflowing": cut inside the last word. */
	o = (size_t)snprintf(more, sizeof(more), REF "<NtryDtls><TxDtls><RmtInf><Ustrd>");
	for (int i = 0; i < 101; i++)
		o += (size_t)snprintf(more + o, sizeof(more) - o, "word\t\n ");
	snprintf(more + o, sizeof(more) - o, "overflowing</Ustrd></RmtInf></TxDtls></NtryDtls>");
	assert_int_equal(read_mem(&s, 0, camt_doc("EUR", "1", "1", more)), 0);
	r = s.items[0].lines[0].remittance;
	assert_int_equal(strlen(r), FL_BANKTEXT_MAX);
	assert_memory_equal(r + 495, "word word overflo", 17);
	fl_statements_free(&s);

	/* Character references and CDATA are text like any other. */
	assert_int_equal(read_mem(&s, 0,
				  camt_doc("EUR", "1", "1",
					   REF "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>"
					       "C&#xF4;te d&apos;Ivoire <![CDATA[& co]]></Nm>"
					       "</Dbtr></RltdPties></TxDtls></NtryDtls>")),
			 0);
	assert_string_equal(s.items[0].lines[0].debtor, "C\xc3\xb4te d'Ivoire & co");
	fl_statements_free(&s);

	/* Control characters other than the white space collapsed: DEL and a C1 control. */
	CAMT_FAILS(camt_doc("EUR", "1", "1",
			    REF "<NtryDtls><TxDtls><RmtInf><Ustrd>bad&#x7f;text</Ustrd></RmtInf>"
				"</TxDtls></NtryDtls>"),
		   FL_EINVALID, 8, "RmtInf: control character in text");
	CAMT_FAILS(camt_doc("EUR", "1", "1",
			    REF "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>x&#x85;y</Nm></Dbtr>"
				"</RltdPties></TxDtls></NtryDtls>"),
		   FL_EINVALID, 8, "Dbtr name: control character in text");
	/* Invalid UTF-8 never gets past libxml2. */
	CAMT_FAILS(camt_doc("EUR", "1", "1",
			    REF "<NtryDtls><TxDtls><RmtInf><Ustrd>\xc3\x28</Ustrd></RmtInf>"
				"</TxDtls></NtryDtls>"),
		   FL_EINVALID, 8, "not well-formed XML");
}

static void test_camt_structure(void **state)
{
	fl_statements s;
	char doc[8192];
	(void)state;

	/* Status, reversal indicator, dates. */
	CAMT_FAILS(camt_doc("EUR", "1", "1", REF "<RvslInd>maybe</RvslInd>"), FL_EINVALID, 8,
		   "RvslInd 'maybe' is neither true nor false");
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "1", "1", REF));
	*strstr(doc, "<Sts>BOOK</Sts>") = '\0';
	strcat(doc, "<Sts></Sts><BookgDt><Dt>2026-01-15</Dt></BookgDt>" REF
		    "</Ntry>\n</Stmt></BkToCstmrStmt></Document>\n");
	CAMT_FAILS(doc, FL_EINVALID, 8, "Sts is empty");
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "1", "1", REF));
	memcpy(strstr(doc, "2026-01-15"), "2026-02-30", 10);
	CAMT_FAILS(doc, FL_EINVALID, 8, "BookgDt '2026-02-30' is not a date");
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "1", "1", REF));
	memcpy(strstr(doc, "2026-01-31"), "2025-12-31", 10);
	CAMT_FAILS(doc, FL_EINVALID, 7, "ends on 2025-12-31, before it starts on 2026-01-01");
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "1", "1", REF));
	memcpy(strstr(doc, "<Cd>OPBD</Cd>"), "<Cd>ITBD</Cd>", 13);
	CAMT_FAILS(doc, FL_EINVALID, 3, "statement 'S-1' has no opening balance (OPBD or PRCD)");
	/* A proprietary status is not booked: the entry is skipped. */
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "0", "1", REF));
	{
		char *sts = strstr(doc, "<Sts>BOOK</Sts>");
		char tail[4096];
		snprintf(tail, sizeof(tail), "%s", sts + strlen("<Sts>BOOK</Sts>"));
		snprintf(sts, sizeof(doc) - (size_t)(sts - doc), "<Sts><Prtry>HELD</Prtry></Sts>%s",
			 tail);
	}
	assert_int_equal(read_mem(&s, 0, doc), 0);
	assert_int_equal(s.items[0].n_lines, 0);
	assert_int_equal(s.items[0].skipped, 1);
	fl_statements_free(&s);

	/* Not camt at all, or not a document. */
	CAMT_FAILS("", FL_EINVALID, 1, "not well-formed XML");
	CAMT_FAILS("<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
		   "camt.053.001.02\">\n<BkToCstmrStmt/>\n</Document>\n",
		   FL_EINVALID, 3, "BkToCstmrStmt has no Stmt");
	CAMT_FAILS("<?xml version=\"1.0\"?>\n<Docu xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
		   "camt.053.001.02\"/>\n",
		   FL_EINVALID, 2, "the root element is 'Docu', expected Document");
	/* An undeclared prefix is a namespace error libxml2 reports. */
	CAMT_FAILS("<?xml version=\"1.0\"?>\n\n<c:Document/>\n", FL_EINVALID, 3,
		   "not well-formed XML");
	/* An external entity is refused with the DOCTYPE that declares it, never fetched. */
	CAMT_FAILS("<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"/etc/passwd\">]>\n"
		   "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">&x;"
		   "</Document>\n",
		   FL_EINVALID, 2, "DOCTYPE");
}

static void test_camt_duplicate_statement(void **state)
{
	char doc[16384], *stmt, *end;
	size_t n;
	(void)state;

	/* The same Stmt twice: same id for the same account. */
	snprintf(doc, sizeof(doc), "%s", camt_doc("EUR", "1", "1", REF));
	stmt = strstr(doc, "<Stmt>");
	end = strstr(doc, "</Stmt>") + strlen("</Stmt>");
	n = (size_t)(end - stmt);
	memmove(end + n, end, strlen(end) + 1);
	memcpy(end, stmt, n);
	CAMT_FAILS(doc, FL_EINVALID, 9, "statement 'S-1' of account 'CH4600240240123456780' is "
					"already on line 3");
}

/* ---- the CSV layout in memory ---- */

#define HEADER                                                                                     \
	"statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance\n"
#define OPEN "S-1,CH4600240240123456780,EUR,2026-01-01,,opening,100.00,,,,\n"
#define CREDIT                                                                                     \
	"S-1,CH4600240240123456780,EUR,2026-01-10,,credit,50,R-1,,Government of Malta,"          \
	"Contribution to VFTC 2026\n"
#define CLOSE "S-1,CH4600240240123456780,EUR,2026-01-31,,closing,150.00,,,,\n"

static void test_csv_structure(void **state)
{
	fl_statements s;
	(void)state;

	assert_int_equal(read_mem(&s, 1, HEADER OPEN CREDIT CLOSE), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.items[0].lines[0].amount, 5000);
	fl_statements_free(&s);
	/* A BOM is fine; so is a statement without lines. */
	assert_int_equal(read_mem(&s, 1,
				  "\xef\xbb\xbf" HEADER OPEN
				  "S-1,CH4600240240123456780,EUR,2026-01-31,,closing,100,,,,\n"),
			 0);
	assert_int_equal(s.items[0].n_lines, 0);
	fl_statements_free(&s);

	CSV_FAILS("", FL_EINVALID, 1, "empty file, expected the header row");
	CSV_FAILS(HEADER, FL_EINVALID, 1, "no statement");
	CSV_FAILS("statement,account\n", FL_EINVALID, 1, "the header has 2 columns");
	CSV_FAILS(HEADER OPEN CREDIT, FL_EINVALID, 2, "statement 'S-1' has no closing row");
	CSV_FAILS(HEADER CREDIT CLOSE, FL_EINVALID, 2, "credit row of statement 'S-1' outside a "
						       "statement");
	CSV_FAILS(HEADER OPEN OPEN, FL_EINVALID, 3, "has no closing row before this opening row");
	CSV_FAILS(HEADER OPEN "S-2,CH4600240240123456780,EUR,2026-01-10,,credit,50,R-1,,,\n",
		  FL_EINVALID, 3, "rows of a statement must be contiguous");
	CSV_FAILS(HEADER OPEN CREDIT CLOSE OPEN CLOSE, FL_EINVALID, 5,
		  "statement 'S-1' of account 'CH4600240240123456780' is already on line 2");
	CSV_FAILS(HEADER "S-1,CH4600240240123456780,EUR,2026-01-01,,opening,100.00,R-0,,,\n",
		  FL_EINVALID, 2, "ref must be empty on the opening row");
	CSV_FAILS(HEADER OPEN "S-1,CH4600240240123456780,EUR,2026-01-10,,credit,-50,R-1,,,\n",
		  FL_EINVALID, 3, "amount '-50'");
	CSV_FAILS(HEADER OPEN "S-1,CH4600240240123456780,EUR,2026-01-10,,credit,50,,,,\n",
		  FL_EINVALID, 3, "ref is empty");
	CSV_FAILS(HEADER OPEN "S-1,CH4600240240123456780,USD,2026-01-10,,credit,50,R-1,,,\n",
		  FL_EINVALID, 3, "amount in 'USD', but the statement is in EUR");
	CSV_FAILS(HEADER "S-1,CH4600240240123456780,XTS,2026-01-01,,opening,1,,,,\n", FL_ENOTFOUND,
		  2, "unknown currency 'XTS'");
	CSV_FAILS(HEADER OPEN CREDIT
		  "S-1,CH4600240240123456780,EUR,2026-01-31,,closing,150.01,,,,\n",
		  FL_EINVALID, 4,
		  "closing balance EUR 150.01 does not add up: opening + credits - debits is "
		  "EUR 150.00");
	CSV_FAILS(HEADER OPEN "S-1,CH4600240240123456780,EUR,2026-01-10,,credit,50,R-1,,\"a\x01"
			      "b\",\n",
		  FL_EINVALID, 3, "debtor: control character in text");
	CSV_FAILS(HEADER OPEN "S-1,CH4600240240123456780,EUR,2026-01-10\n", FL_EINVALID, 3,
		  "4 fields, the header has 11");
	CSV_FAILS(HEADER OPEN "\n", FL_EINVALID, 3, "empty line");
	/* The CSV reader's own errors keep their line. */
	CSV_FAILS(HEADER OPEN "S-1,\"CH46", FL_EINVALID, 3, "unterminated quoted field");
	CSV_FAILS(HEADER "S 1,CH4600240240123456780,EUR,2026-01-01,,opening,1,,,,\n", FL_EINVALID,
		  2, "statement 'S 1' must be printable ASCII");
	CSV_FAILS(HEADER "S-1,CH460024024012345678012345678901234,EUR,2026-01-01,,opening,1,,,,\n",
		  FL_EINVALID, 2,
		  "account 'CH460024024012345678012345678901...' is longer than 34 bytes");
	CSV_FAILS(HEADER OPEN
		  "S-1,CH4600240240123456780,EUR,2026-01-10,10.01.2026,credit,50,R-1,,,\n",
		  FL_EINVALID, 3, "value_date '10.01.2026' is not a date");
}

/* ---- docs/STATEMENTS.md ---- */

/* The example of the CSV layout, the first ```csv block of the document, reads as it says. */
static void test_docs_example(void **state)
{
	static char text[8192];
	char line[1024];
	size_t len = 0;
	int in = 0;
	fl_statements s;
	const fl_statement *st;
	FILE *f = fopen("docs/STATEMENTS.md", "r");
	(void)state;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!in) {
			in = strcmp(line, "```csv\n") == 0;
			continue;
		}
		if (strncmp(line, "```", 3) == 0)
			break;
		assert_true(len + strlen(line) < sizeof(text));
		memcpy(text + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	fclose(f);
	assert_true(len > 0);
	if (fl_statements_read_csv(&s, "STATEMENTS.md", text, len, cfg) != 0)
		fail_msg("%s", fl_error_last());
	assert_int_equal(s.n, 1);
	st = &s.items[0];
	check_statement(st, "VFTC-CHF-2026-01", "CH1900240240123456781", "CHF", "2026-01-01",
			"2026-01-31", 1500000, 26497500, 4, 0, 2);
	check_line(&st->lines[0], 3, 1, 0, 25000000, "2026-01-12", "2026-01-12",
		   "UBS-20260112-000031", "", "CH-EDA-2026-VFTC", "Swiss Confederation (FDFA)",
		   "Contribution to VFTC 2026");
	check_line(&st->lines[1], 4, 1, 0, 120050, "2026-01-20", "2026-01-20",
		   "UBS-20260120-000077", "", "", "Geneva Human Rights Association, Inc.",
		   "Donation");
	check_line(&st->lines[2], 5, 0, 1, 120050, "2026-01-27", "2026-01-20",
		   "UBS-20260127-000012", "", "", "Geneva Human Rights Association, Inc.",
		   "Returned: account closed");
	check_line(&st->lines[3], 6, 0, 0, 2500, "2026-01-31", "2026-01-31",
		   "UBS-20260131-FEE0001", "", "", "", "Account fee January 2026");
	fl_statements_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_camt_002_usd),
		cmocka_unit_test(test_camt_004_eur),
		cmocka_unit_test(test_camt_006_kwd),
		cmocka_unit_test(test_camt_008_jpy),
		cmocka_unit_test(test_csv_usd),
		cmocka_unit_test(test_csv_bhd),
		cmocka_unit_test(test_bad_truncated),
		cmocka_unit_test(test_bad_namespace),
		cmocka_unit_test(test_bad_doctype),
		cmocka_unit_test(test_bad_ccy_mismatch),
		cmocka_unit_test(test_bad_unknown_currency),
		cmocka_unit_test(test_bad_decimals),
		cmocka_unit_test(test_bad_duplicate_ref),
		cmocka_unit_test(test_bad_arithmetic),
		cmocka_unit_test(test_bad_no_closing),
		cmocka_unit_test(test_bad_csv_header),
		cmocka_unit_test(test_bad_csv_type),
		cmocka_unit_test(test_bad_csv_duplicate_ref),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_dispatch),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_amount_errors),
		cmocka_unit_test(test_camt_refs),
		cmocka_unit_test(test_camt_text),
		cmocka_unit_test(test_camt_structure),
		cmocka_unit_test(test_camt_duplicate_statement),
		cmocka_unit_test(test_csv_structure),
		cmocka_unit_test(test_docs_example),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
