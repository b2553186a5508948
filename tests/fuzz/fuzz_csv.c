/*
 * fuzz_csv.c: fuzz target for the strict RFC 4180 reader (import.h: fl_csv_new, fl_csv_next).
 *
 * The input is read record by record until the end or an error. Every record must be in
 * bounds: 1..FL_CSV_MAX_FIELDS fields, each NUL-terminated at its length (a field may hold
 * NUL bytes: the reader does not refuse them, so len, not strlen, is its size), fields laid out in
 * order without overlap, no field longer than the input; line numbers start at 1, strictly
 * increase and never pass the input's line count; an error is FL_EINVALID (or FL_ENOMEM) with
 * a printable "line N: ..." message whose N is not before the current record; the end, once
 * reached, stays the end.
 *
 * Round trip: the records read are written back with every field quoted ("" for a quote) and
 * LF line ends; reading that text must succeed and give the same fields and the same line
 * numbers (newlines inside quoted fields count in both), and there each record's line must be
 * 1 + the line feeds before its start. abort() on a violation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/buf.h"
#include "fundledger/error.h"
#include "fundledger/import.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_data;
static size_t g_size;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_csv: invariant violated: %s (input %zu bytes: ", what, g_size);
	fuzz_show_input(g_data, g_size, 128);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	abort();
}

/* Records seen, in order: record i started on line[i], and at start[i] when serialised. */
typedef struct {
	size_t *line, *start;
	size_t n, cap;
} lines;

static void lines_add(lines *l, size_t line, size_t start)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		size_t *p = realloc(l->line, cap * sizeof(*p)), *q;
		CHECK(p != NULL, "out of memory in the harness");
		l->line = p;
		q = realloc(l->start, cap * sizeof(*q));
		CHECK(q != NULL, "out of memory in the harness");
		l->start = q;
		l->cap = cap;
	}
	l->line[l->n] = line;
	l->start[l->n++] = start;
}

/* Appends a record with every field quoted, ending in LF. */
static void serialise(fl_buf *out, const fl_csv_record *rec)
{
	for (size_t i = 0; i < rec->n; i++) {
		CHECK(!i || fl_buf_putc(out, ',') == 0, "fl_buf_putc failed");
		CHECK(fl_buf_putc(out, '"') == 0, "fl_buf_putc failed");
		for (size_t k = 0; k < rec->len[i]; k++) {
			unsigned char c = (unsigned char)rec->field[i][k];
			CHECK(fl_buf_putc(out, c) == 0, "fl_buf_putc failed");
			if (c == '"')
				CHECK(fl_buf_putc(out, '"') == 0, "fl_buf_putc failed");
		}
		CHECK(fl_buf_putc(out, '"') == 0, "fl_buf_putc failed");
	}
	CHECK(fl_buf_putc(out, '\n') == 0, "fl_buf_putc failed");
}

/*
 * Reads text[0..len) to the end or the first error, checking each record, serialising the
 * records read into *out and their lines into *ls. Returns 0 at the end, or the error code.
 */
static int read_all(const char *text, size_t len, fl_buf *out, lines *ls)
{
	fl_csv *c = NULL;
	fl_csv_record rec;
	size_t newlines = 0, last = 0;
	int rc;

	for (size_t i = 0; i < len; i++)
		newlines += text[i] == '\n';
	CHECK(fl_csv_new(&c, text, len) == 0 && c != NULL, "fl_csv_new failed");
	for (;;) {
		memset(&rec, 0xa5, sizeof(rec));
		fl_error_clear();
		rc = fl_csv_next(c, &rec);
		if (rc == 0) {
			CHECK(fl_csv_next(c, &rec) == 0, "fl_csv_next went on after the end");
			break;
		}
		if (rc < 0) {
			const char *msg = fl_error_last();
			unsigned long at = 0;
			CHECK(rc == FL_EINVALID || rc == FL_ENOMEM, "fl_csv_next: unexpected code");
			CHECK(fl_error_code() == rc, "error record does not hold the returned code");
			CHECK(printable(msg), "CSV error message is empty or not printable");
			if (rc == FL_EINVALID) {
				CHECK(sscanf(msg, "line %lu:", &at) == 1,
				      "CSV error message does not start with 'line N:'");
				CHECK(at >= 1 && at >= last && at <= newlines + 1,
				      "CSV error names a line outside the input or before the record");
			}
			break;
		}
		CHECK(rc == 1, "fl_csv_next returned neither 1, 0 nor an error");
		CHECK(rec.n >= 1 && rec.n <= FL_CSV_MAX_FIELDS, "record field count out of range");
		CHECK(rec.line >= 1 && rec.line > last && rec.line <= newlines + 1,
		      "record line number out of order or past the input");
		last = rec.line;
		for (size_t i = 0; i < rec.n; i++) {
			CHECK(rec.field[i] != NULL, "NULL field pointer");
			CHECK(rec.len[i] <= len, "field longer than the input");
			/* serialise() below reads every byte, which lets ASan check the bounds. */
			CHECK(rec.field[i][rec.len[i]] == '\0', "field is not NUL-terminated at its length");
			if (i)
				CHECK((uintptr_t)rec.field[i] >
					      (uintptr_t)(rec.field[i - 1] + rec.len[i - 1]),
				      "fields overlap or are out of order");
		}
		lines_add(ls, rec.line, out->len);
		serialise(out, &rec);
	}
	fl_csv_free(c);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_buf a = FL_BUF_INIT, b = FL_BUF_INIT;
	lines la = {NULL, NULL, 0, 0}, lb = {NULL, NULL, 0, 0};
	size_t nl = 0, at = 0;

	g_data = data;
	g_size = size;
	(void)read_all((const char *)data, size, &a, &la);

	/* The records read, written back canonically, must read back the same. */
	g_data = a.data;
	g_size = a.len;
	CHECK(read_all((const char *)a.data, a.len, &b, &lb) == 0,
	      "the re-serialised records do not read back");
	CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0),
	      "the re-serialised records read back differently");
	CHECK(la.n == lb.n && (la.n == 0 || memcmp(la.line, lb.line, la.n * sizeof(size_t)) == 0),
	      "the re-serialised records start on different lines");
	/* In the serialised text the records' starts are known: each is on 1 + the LFs before. */
	for (size_t i = 0; i < la.n; i++) {
		for (; at < la.start[i]; at++)
			nl += a.data[at] == '\n';
		CHECK(la.line[i] == nl + 1, "a record's line number is not 1 + the line feeds before it");
	}

	fl_buf_free(&a);
	fl_buf_free(&b);
	free(la.line);
	free(la.start);
	free(lb.line);
	free(lb.start);
	return 0;
}
