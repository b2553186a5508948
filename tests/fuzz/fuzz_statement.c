/*
 * fuzz_statement.c: fuzz target for the bank statement readers (statement.h:
 * fl_statements_read_camt and fl_statements_read_csv).
 *
 * Each input goes to both readers, under a small built-in configuration whose currencies have
 * 0, 2, 3 and 4 decimals. A failure must be FL_EINVALID, FL_ENOTFOUND or FL_ENOMEM, leave the
 * output empty, and have a printable message "NAME:LINE: ..." whose LINE is within the input.
 * A success must hold what statement.h promises: ids, accounts and references in their
 * character sets and lengths, a configured currency, real dates with from <= to, line amounts
 * in 1..FL_AMOUNT_MAX, free text that passes fl_text_check, references unique in the file, no
 * (id, account) twice, lines in file order after their statement's start, and opening +
 * credits - debits = closing, recomputed here with checked adds.
 *
 * Round trip: what was read is written out in the CSV layout (every field quoted) and read
 * back with the CSV reader; that must succeed and give the same statements (the CSV layout
 * has no NtryRef and no skipped entries, so entry_ref and skipped are left out of the
 * comparison, and so are line numbers). abort() on a violation.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/buf.h"
#include "fundledger/config.h"
#include "fundledger/date.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fundledger/money.h"
#include "fundledger/statement.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sorted by code, as fl_config_currency's binary search needs. */
static fl_currency g_currencies[] = {
	{"BHD", "Bahraini Dinar", 3}, {"CLF", "Unidad de Fomento", 4}, {"EUR", "Euro", 2},
	{"JPY", "Yen", 0},            {"KWD", "Kuwaiti Dinar", 3},     {"USD", "US Dollar", 2},
};

static const fl_config g_cfg = {
	.currencies = g_currencies,
	.n_currencies = sizeof(g_currencies) / sizeof(g_currencies[0]),
};

static const uint8_t *g_data;
static size_t g_size;
static const char *g_reader;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_statement: invariant violated (%s reader): %s (input %zu bytes: ",
		g_reader, what, g_size);
	fuzz_show_input(g_data, g_size, 128);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	abort();
}

/* An id, reference or account: 1..max bytes of printable ASCII without space or ':'. */
static int good_ref(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == ':')
			return 0;
	return 1;
}

/* An end-to-end id: the payer's free text (camt Max35Text), white space collapsed to single
 * spaces and trimmed, UTF-8 without controls, 1 to FL_BANKREF_MAX bytes. */
static int good_e2e(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FL_BANKREF_MAX || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  "))
		return 0;
	return fl_utf8_check(s, n) == 0;
}

static int good_date(const char *s)
{
	return strlen(s) == FL_DATE_LEN && fl_date_check(s, FL_DATE_LEN) == 0;
}

static int good_text(const char *s)
{
	return !*s || fl_text_check(s, strlen(s), FL_BANKTEXT_MAX) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_statements(const fl_statements *s, size_t max_line)
{
	size_t total = 0, k = 0, last_line = 0;
	const char **refs;

	CHECK(s->n >= 1 && s->items != NULL, "success without a statement");
	for (size_t i = 0; i < s->n; i++) {
		const fl_statement *st = &s->items[i];
		int64_t bal = st->opening;
		CHECK(good_ref(st->id, FL_BANKREF_MAX), "bad statement id");
		CHECK(good_ref(st->account, FL_ACCOUNT_MAX), "bad account");
		CHECK(fl_config_currency(&g_cfg, st->currency) != NULL, "currency not configured");
		CHECK(good_date(st->from) && good_date(st->to), "bad period date");
		CHECK(strcmp(st->from, st->to) <= 0, "period ends before it starts");
		CHECK(st->line >= 1 && st->line <= max_line && st->line >= last_line,
		      "statement line out of range or out of order");
		last_line = st->line;
		CHECK(st->n_lines == 0 || st->lines != NULL, "lines counted but not there");
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(s->items[j].id, st->id) != 0 ||
				      strcmp(s->items[j].account, st->account) != 0,
			      "the same statement id twice for one account");
		for (size_t j = 0; j < st->n_lines; j++) {
			const fl_stmt_line *l = &st->lines[j];
			CHECK(l->amount > 0 && l->amount <= FL_AMOUNT_MAX,
			      "line amount out of range");
			CHECK(l->credit == 0 || l->credit == 1, "credit is not 0 or 1");
			CHECK(l->reversal == 0 || l->reversal == 1, "reversal is not 0 or 1");
			CHECK(good_date(l->booking_date) && good_date(l->value_date),
			      "bad line date");
			CHECK(good_ref(l->ref, FL_BANKREF_MAX), "bad line ref");
			CHECK(!l->entry_ref[0] || (good_ref(l->entry_ref, FL_BANKREF_MAX) &&
						   strcmp(l->entry_ref, l->ref) != 0),
			      "bad entry_ref");
			CHECK(!l->end_to_end[0] || (good_e2e(l->end_to_end) &&
						    strcmp(l->end_to_end, "NOTPROVIDED") != 0),
			      "bad end_to_end");
			CHECK(good_text(l->debtor) && good_text(l->remittance), "bad free text");
			CHECK(l->line >= last_line && l->line <= max_line,
			      "line number out of range or out of order");
			last_line = l->line;
			CHECK(fl_money_add(&bal, l->credit ? l->amount : -l->amount) == 0,
			      "balance overflow not caught");
		}
		CHECK(bal == st->closing, "opening + credits - debits != closing");
		total += st->n_lines;
	}
	/* References unique in the file. */
	refs = malloc((total ? total : 1) * sizeof(*refs));
	CHECK(refs != NULL, "out of memory in the harness");
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->items[i].n_lines; j++)
			refs[k++] = s->items[i].lines[j].ref;
	qsort(refs, total, sizeof(*refs), cmp_str);
	for (size_t i = 1; i < total; i++)
		CHECK(strcmp(refs[i - 1], refs[i]) != 0, "a reference twice in one file");
	free(refs);
}

static void check_failure(int rc, const fl_statements *s, const char *name, size_t max_line)
{
	const char *msg = fl_error_last();
	size_t nlen = strlen(name);
	unsigned long long line = 0;
	char *end;

	CHECK(rc == FL_EINVALID || rc == FL_ENOTFOUND || rc == FL_ENOMEM, "unexpected error code");
	CHECK(fl_error_code() == rc, "error record does not hold the returned code");
	CHECK(s->n == 0 && s->items == NULL, "a failed read left statements behind");
	CHECK(printable(msg), "error message is empty or not printable");
	if (rc == FL_ENOMEM)
		return;
	CHECK(strncmp(msg, name, nlen) == 0 && msg[nlen] == ':', "message does not start NAME:");
	line = strtoull(msg + nlen + 1, &end, 10);
	CHECK(end != msg + nlen + 1 && end[0] == ':' && end[1] == ' ',
	      "message does not start NAME:LINE: ");
	CHECK(line >= 1 && line <= max_line, "message names a line outside the input");
}

/* Appends one CSV field, quoted, and a separator or the line end. */
static void field(fl_buf *b, const char *s, int last)
{
	CHECK(fl_buf_putc(b, '"') == 0, "fl_buf_putc failed");
	for (; *s; s++) {
		CHECK(fl_buf_putc(b, (unsigned char)*s) == 0, "fl_buf_putc failed");
		if (*s == '"')
			CHECK(fl_buf_putc(b, '"') == 0, "fl_buf_putc failed");
	}
	CHECK(fl_buf_puts(b, last ? "\"\n" : "\",") == 0, "fl_buf_puts failed");
}

static void row(fl_buf *b, const fl_statement *st, const char *date, const char *value_date,
		const char *type, const char *amount, const fl_stmt_line *l)
{
	field(b, st->id, 0);
	field(b, st->account, 0);
	field(b, st->currency, 0);
	field(b, date, 0);
	field(b, value_date, 0);
	field(b, type, 0);
	field(b, amount, 0);
	field(b, l ? l->ref : "", 0);
	field(b, l ? l->end_to_end : "", 0);
	field(b, l ? l->debtor : "", 0);
	field(b, l ? l->remittance : "", 1);
}

/* The statements in the CSV layout of docs/STATEMENTS.md. */
static void to_csv(fl_buf *b, const fl_statements *s)
{
	static const char *const types[2][2] = {{"debit", "debit-reversal"},
						{"credit", "credit-reversal"}};
	char amount[FL_MONEY_STR_MAX];

	CHECK(fl_buf_puts(b, "statement,account,currency,date,value_date,type,amount,ref,"
			     "end_to_end,debtor,remittance\n") == 0,
	      "fl_buf_puts failed");
	for (size_t i = 0; i < s->n; i++) {
		const fl_statement *st = &s->items[i];
		unsigned mu = fl_config_currency(&g_cfg, st->currency)->minor_units;
		CHECK(fl_money_format(amount, sizeof(amount), st->opening, mu, 0) == 0,
		      "fl_money_format failed");
		row(b, st, st->from, "", "opening", amount, NULL);
		for (size_t j = 0; j < st->n_lines; j++) {
			const fl_stmt_line *l = &st->lines[j];
			CHECK(fl_money_format(amount, sizeof(amount), l->amount, mu, 0) == 0,
			      "fl_money_format failed");
			row(b, st, l->booking_date, l->value_date, types[l->credit][l->reversal],
			    amount, l);
		}
		CHECK(fl_money_format(amount, sizeof(amount), st->closing, mu, 0) == 0,
		      "fl_money_format failed");
		row(b, st, st->to, "", "closing", amount, NULL);
	}
}

static void same_statements(const fl_statements *a, const fl_statements *b)
{
	CHECK(a->n == b->n, "round trip: statement count differs");
	for (size_t i = 0; i < a->n; i++) {
		const fl_statement *x = &a->items[i], *y = &b->items[i];
		CHECK(strcmp(x->id, y->id) == 0 && strcmp(x->account, y->account) == 0 &&
			      strcmp(x->currency, y->currency) == 0 &&
			      strcmp(x->from, y->from) == 0 && strcmp(x->to, y->to) == 0 &&
			      x->opening == y->opening && x->closing == y->closing &&
			      x->n_lines == y->n_lines,
		      "round trip: a statement differs");
		for (size_t j = 0; j < x->n_lines; j++) {
			const fl_stmt_line *p = &x->lines[j], *q = &y->lines[j];
			CHECK(strcmp(p->ref, q->ref) == 0 &&
				      strcmp(p->end_to_end, q->end_to_end) == 0 &&
				      strcmp(p->debtor, q->debtor) == 0 &&
				      strcmp(p->remittance, q->remittance) == 0 &&
				      p->credit == q->credit && p->reversal == q->reversal &&
				      p->amount == q->amount &&
				      strcmp(p->booking_date, q->booking_date) == 0 &&
				      strcmp(p->value_date, q->value_date) == 0,
			      "round trip: a line differs");
			CHECK(q->entry_ref[0] == '\0', "CSV line with an entry_ref");
		}
	}
}

static void round_trip(const fl_statements *s)
{
	fl_buf csv = FL_BUF_INIT;
	fl_statements back;
	int rc;

	to_csv(&csv, s);
	rc = fl_statements_read_csv(&back, "roundtrip.csv", fl_buf_cstr(&csv), csv.len, &g_cfg);
	if (rc == FL_ENOMEM) {
		fl_buf_free(&csv);
		return;
	}
	CHECK(rc == 0, "round trip: the CSV written does not read back");
	same_statements(s, &back);
	fl_statements_free(&back);
	fl_buf_free(&csv);
}

static void run(int csv, size_t max_line)
{
	fl_statements s;
	const char *name = csv ? "fuzz.csv" : "fuzz.xml";
	int rc;

	g_reader = csv ? "CSV" : "camt";
	memset(&s, 0xa5, sizeof(s));
	fl_error_clear();
	rc = csv ? fl_statements_read_csv(&s, name, (const char *)g_data, g_size, &g_cfg)
		 : fl_statements_read_camt(&s, name, (const char *)g_data, g_size, &g_cfg);
	if (rc != 0) {
		check_failure(rc, &s, name, max_line);
		return;
	}
	check_statements(&s, max_line);
	round_trip(&s);
	fl_statements_free(&s);
	CHECK(s.n == 0 && s.items == NULL, "fl_statements_free did not empty the value");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines = 1;

	/* libxml2 and the CSV reader count LF; a lone CR is counted too, to be safe. */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	g_data = data;
	g_size = size;
	run(0, lines);
	run(1, lines);
	return 0;
}
