/*
 * import.c: CSV import of pledges, contributions and rates (docs/CSV.md), and the strict
 * RFC 4180 reader it uses.
 *
 * The reader accepts LF or CRLF line ends, quoted fields with "" for a quote, and a UTF-8
 * byte-order mark at the very start; it rejects a quote inside an unquoted field, text after
 * a closing quote, an unterminated quote and a bare CR. Fields are unescaped into one buffer
 * per record. The importer maps columns by the header row, checks every row, and appends
 * the whole file as one ledger batch: any error rolls everything back.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/import.h"
#include "fundledger/money.h"
#include "fundledger/statement.h"
#include "ledger_int.h"

struct fl_csv {
	const char *p;
	size_t len, pos;
	size_t line;
	fl_buf buf;
	size_t off[FL_CSV_MAX_FIELDS];
};

int fl_csv_new(fl_csv **out, const char *data, size_t len)
{
	fl_csv *c = calloc(1, sizeof(*c));
	if (!c)
		return fl_error_set(FL_ENOMEM, "out of memory");
	c->p = data;
	c->len = len;
	c->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	*out = c;
	return 0;
}

void fl_csv_free(fl_csv *c)
{
	if (!c)
		return;
	fl_buf_free(&c->buf);
	free(c);
}

int fl_csv_next(fl_csv *c, fl_csv_record *rec)
{
	size_t n = 0;
	int err;

	if (c->pos >= c->len)
		return 0;
	fl_buf_reset(&c->buf);
	rec->line = c->line;
	for (;;) {
		if (n == FL_CSV_MAX_FIELDS)
			return fl_error_set(FL_EINVALID, "line %zu: more than %d fields", rec->line,
					    FL_CSV_MAX_FIELDS);
		c->off[n] = c->buf.len;
		if (c->pos < c->len && c->p[c->pos] == '"') {
			size_t opened = c->line;
			c->pos++;
			for (;;) {
				char ch;
				if (c->pos >= c->len)
					return fl_error_set(FL_EINVALID,
							    "line %zu: unterminated quoted field",
							    opened);
				ch = c->p[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len && c->p[c->pos + 1] == '"') {
						if ((err = fl_buf_putc(&c->buf, '"')) < 0)
							return err;
						c->pos += 2;
						continue;
					}
					c->pos++;
					break;
				}
				if (ch == '\n')
					c->line++;
				if ((err = fl_buf_putc(&c->buf, (unsigned char)ch)) < 0)
					return err;
				c->pos++;
			}
			if (c->pos < c->len && c->p[c->pos] != ',' && c->p[c->pos] != '\n' &&
			    c->p[c->pos] != '\r')
				return fl_error_set(FL_EINVALID,
						    "line %zu: text after the closing quote of field %zu",
						    c->line, n + 1);
		} else {
			size_t start = c->pos;
			while (c->pos < c->len && c->p[c->pos] != ',' && c->p[c->pos] != '\n' &&
			       c->p[c->pos] != '\r') {
				if (c->p[c->pos] == '"')
					return fl_error_set(FL_EINVALID,
							    "line %zu: quote inside unquoted field %zu",
							    c->line, n + 1);
				c->pos++;
			}
			if ((err = fl_buf_put(&c->buf, c->p + start, c->pos - start)) < 0)
				return err;
		}
		rec->len[n] = c->buf.len - c->off[n];
		if ((err = fl_buf_putc(&c->buf, 0)) < 0)
			return err;
		n++;
		if (c->pos >= c->len)
			break;
		if (c->p[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->p[c->pos] == '\r') {
			if (c->pos + 1 >= c->len || c->p[c->pos + 1] != '\n')
				return fl_error_set(FL_EINVALID, "line %zu: carriage return without "
								 "line feed",
						    c->line);
			c->pos++;
		}
		c->pos++; /* '\n' */
		c->line++;
		break;
	}
	rec->n = n;
	for (size_t i = 0; i < n; i++)
		rec->field[i] = (const char *)c->buf.data + c->off[i];
	return 1;
}

/* ---- the importer ---- */

enum {
	COL_KIND,
	COL_REF,
	COL_FUND,
	COL_DONOR,
	COL_CURRENCY,
	COL_AMOUNT,
	COL_DATE,
	COL_YEARS,
	COL_DUE,
	COL_EARMARK,
	COL_DONOR_REF,
	COL_ANNOUNCEMENT,
	COL_BANK_REF,
	COL_PLEDGE,
	COL_RATE,
	COL_N
};

static const char *const COLS[COL_N] = {"kind",     "ref",     "fund",      "donor",
					"currency", "amount",  "date",      "years",
					"due",      "earmark", "donor_ref", "announcement",
					"bank_ref", "pledge",  "rate"};

/* Which columns each importable kind takes: R required, O optional, - must be empty. */
static const char *const KIND_COLS[] = {
	/* kind ref fund donor currency amount date years due earmark donor_ref announcement
	 * bank_ref pledge rate */
	[FL_KIND_PLEDGE] = "RORRRRRROOOO---",
	[FL_KIND_CONTRIBUTION] = "RORRRRR-----RO-",
	[FL_KIND_RATE] = "RO--R-R-------R",
};

typedef struct {
	fl_ledger *l;
	const fl_config *cfg;
	const char *name;
	int col[COL_N]; /* field index of each column, or -1 */
	size_t n_cols;
	uint64_t batch_start;   /* entries before this import */
	size_t *lines;          /* line of each appended entry, by seq - batch_start - 1 */
	size_t n_lines, cap_lines;
} importer;

static int header(importer *im, const fl_csv_record *rec)
{
	for (int i = 0; i < COL_N; i++)
		im->col[i] = -1;
	for (size_t f = 0; f < rec->n; f++) {
		int found = -1;
		for (int i = 0; i < COL_N; i++)
			if (rec->len[f] == strlen(COLS[i]) && memcmp(rec->field[f], COLS[i], rec->len[f]) == 0)
				found = i;
		if (found < 0) {
			char q[FL_QUOTE_MAX];
			return fl_error_set(FL_EINVALID, "unknown column '%s' (see docs/CSV.md)",
					    fl_quote(q, rec->field[f], rec->len[f]));
		}
		if (im->col[found] >= 0)
			return fl_error_set(FL_EINVALID, "column '%s' appears twice", COLS[found]);
		im->col[found] = (int)f;
	}
	if (im->col[COL_KIND] < 0)
		return fl_error_set(FL_EINVALID, "the header has no 'kind' column");
	im->n_cols = rec->n;
	return 0;
}

/* The value of a column in this row ("" when the column is absent). */
static const char *val(const importer *im, const fl_csv_record *rec, int col, size_t *len)
{
	if (im->col[col] < 0) {
		*len = 0;
		return "";
	}
	*len = rec->len[im->col[col]];
	return rec->field[im->col[col]];
}

static int copy_text(char *dst, size_t cap, const char *s, size_t len, int col)
{
	if (len >= cap)
		return fl_error_set(FL_EINVALID, "%s: longer than %zu bytes", COLS[col], cap - 1);
	memcpy(dst, s, len);
	dst[len] = 0;
	return 0;
}

static int parse_seq_or_ref(importer *im, const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return fl_error_set(FL_EINVALID, "pledge: number too large");
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == len && len > 0) {
		if (v == 0)
			return fl_error_set(FL_EINVALID, "entries are numbered from 1");
		*out = v;
		return 0;
	}
	return fl_ledger_find(im->l, s, out);
}

static int row_entry(importer *im, const fl_csv_record *rec, fl_entry *e)
{
	const char *s, *rules;
	size_t len;
	fl_kind kind;
	const fl_currency *ccy = NULL;
	int err;

	fl_entry_init(e);
	s = val(im, rec, COL_KIND, &len);
	if ((err = fl_kind_parse(&kind, s)) < 0)
		return err;
	if (kind != FL_KIND_PLEDGE && kind != FL_KIND_CONTRIBUTION && kind != FL_KIND_RATE)
		return fl_error_set(FL_EINVALID, "kind '%s' cannot be imported (only pledge, "
						 "contribution and rate)",
				    s);
	e->kind = kind;
	rules = KIND_COLS[kind];
	for (int c = 0; c < COL_N; c++) {
		s = val(im, rec, c, &len);
		if (len && fl_utf8_check(s, len) < 0)
			return fl_error_prefix("%s: ", COLS[c]);
		if (rules[c] == 'R' && len == 0)
			return fl_error_set(FL_EINVALID, "%s: required for a %s", COLS[c],
					    fl_kind_name(kind));
		if (rules[c] == '-' && len != 0)
			return fl_error_set(FL_EINVALID, "%s: does not apply to a %s", COLS[c],
					    fl_kind_name(kind));
	}
	s = val(im, rec, COL_CURRENCY, &len);
	if ((err = copy_text(e->currency, sizeof(e->currency), s, len, COL_CURRENCY)) < 0)
		return err;
	if (!(ccy = fl_config_currency(im->cfg, e->currency)))
		return fl_error_set(FL_ENOTFOUND, "currency: unknown currency '%.8s'", s);
	{
		/* Text columns, copied one at a time (val() sets len). */
		static const struct {
			int col;
			size_t off, cap;
		} texts[] = {
			{COL_FUND, offsetof(fl_entry, fund), sizeof(((fl_entry *)0)->fund)},
			{COL_DONOR, offsetof(fl_entry, donor), sizeof(((fl_entry *)0)->donor)},
			{COL_DATE, offsetof(fl_entry, date), sizeof(((fl_entry *)0)->date)},
			{COL_DUE, offsetof(fl_entry, due), sizeof(((fl_entry *)0)->due)},
			{COL_REF, offsetof(fl_entry, idem), sizeof(((fl_entry *)0)->idem)},
			{COL_EARMARK, offsetof(fl_entry, earmark), sizeof(((fl_entry *)0)->earmark)},
			{COL_DONOR_REF, offsetof(fl_entry, donor_ref), sizeof(((fl_entry *)0)->donor_ref)},
			{COL_ANNOUNCEMENT, offsetof(fl_entry, announcement),
			 sizeof(((fl_entry *)0)->announcement)},
			{COL_BANK_REF, offsetof(fl_entry, bank_ref), sizeof(((fl_entry *)0)->bank_ref)},
		};
		for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			s = val(im, rec, texts[i].col, &len);
			if ((err = copy_text((char *)e + texts[i].off, texts[i].cap, s, len,
					     texts[i].col)) < 0)
				return err;
		}
	}
	if (e->fund[0] && fl_code_check(e->fund, strlen(e->fund)) < 0)
		return fl_error_set(FL_EINVALID, "fund: '%s' is not a fund code", e->fund);
	if (e->donor[0] && fl_code_check(e->donor, strlen(e->donor)) < 0)
		return fl_error_set(FL_EINVALID, "donor: '%s' is not a donor code", e->donor);
	if (fl_date_check(e->date, strlen(e->date)) < 0)
		return fl_error_set(FL_EINVALID, "date: '%s' is not a date (YYYY-MM-DD)", e->date);
	if (e->due[0] && fl_date_check(e->due, strlen(e->due)) < 0)
		return fl_error_set(FL_EINVALID, "due: '%s' is not a date (YYYY-MM-DD)", e->due);
	s = val(im, rec, COL_AMOUNT, &len);
	if (len && (err = fl_money_parse(&e->amount, s, len, ccy->minor_units)) < 0)
		return err; /* the message names the amount */
	if (len && e->amount == 0)
		return fl_error_set(FL_EINVALID, "amount: must be more than zero");
	s = val(im, rec, COL_RATE, &len);
	if (len && (err = fl_rate_parse(&e->rate, s, len)) < 0)
		return fl_error_prefix("rate: ");
	s = val(im, rec, COL_YEARS, &len);
	if (len && (err = fl_years_parse(e, s)) < 0)
		return err;
	s = val(im, rec, COL_PLEDGE, &len);
	if (len && (err = parse_seq_or_ref(im, s, len, &e->pledge)) < 0)
		return fl_error_prefix("pledge: ");
	return 0;
}

static int note_line(importer *im, size_t line)
{
	if (im->n_lines == im->cap_lines) {
		size_t cap = im->cap_lines ? 2 * im->cap_lines : 1024;
		size_t *p = realloc(im->lines, cap * sizeof(*p));
		if (!p)
			return fl_error_set(FL_ENOMEM, "out of memory");
		im->lines = p;
		im->cap_lines = cap;
	}
	im->lines[im->n_lines++] = line;
	return 0;
}

/*
 * Turns the current message into "name:LINE: message". The CSV reader says "line N: ..."
 * itself (its N is where the bad record starts); other messages get `line`.
 */
static void located_error(const char *name, size_t line)
{
	const char *msg = fl_error_last();
	char rest[FL_ERROR_MAX];
	char *end;
	unsigned long long n;
	if (strncmp(msg, "line ", 5) == 0) {
		n = strtoull(msg + 5, &end, 10);
		if (end != msg + 5 && end[0] == ':' && end[1] == ' ') {
			snprintf(rest, sizeof(rest), "%s", end + 2);
			fl_error_set(fl_error_code(), "%s:%llu: %s", name, n, rest);
			return;
		}
	}
	fl_error_prefix("%s:%zu: ", name, line);
}

int fl_import_csv_mem(fl_import_stats *out, fl_ledger *l, const char *name, const char *data,
		      size_t len, const char *recorded_by, const char *recorded_at)
{
	importer im;
	fl_csv *csv = NULL;
	fl_csv_record rec;
	fl_entry e;
	fl_append_status st;
	unsigned char head[FL_HASH_LEN];
	size_t line = 1;
	uint64_t lines = 0; /* physical lines, the total for progress reports */
	int err, rc, begun = 0;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	for (const char *p = data, *end = data + len; p < end; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	im.l = l;
	im.cfg = fl_ledger_config(l);
	im.name = name;
	if (!im.cfg)
		return fl_error_set(FL_EINVALID, "import needs a configuration");
	if ((err = fl_csv_new(&csv, data, len)) < 0)
		goto done;
	if ((rc = fl_csv_next(csv, &rec)) <= 0) {
		err = rc < 0 ? rc : fl_error_set(FL_EINVALID, "empty file, expected a header row");
		goto located;
	}
	line = rec.line;
	if ((err = header(&im, &rec)) < 0)
		goto located;
	if ((err = fl_ledger_begin(l, recorded_by, recorded_at)) < 0)
		goto done;
	begun = 1;
	if ((err = fl_ledger_head(l, &im.batch_start, head)) < 0)
		goto done;
	while ((rc = fl_csv_next(csv, &rec)) == 1) {
		line = rec.line;
		if (rec.n == 1 && rec.len[0] == 0) {
			err = fl_error_set(FL_EINVALID, "empty line");
			goto located;
		}
		if (rec.n != im.n_cols) {
			err = fl_error_set(FL_EINVALID, "%zu fields, the header has %zu", rec.n,
					   im.n_cols);
			goto located;
		}
		out->rows++;
		fl_ledger_progress(l, rec.line, lines);
		if ((err = row_entry(&im, &rec, &e)) < 0 || (err = fl_ledger_append(l, &e, &st)) < 0)
			goto located;
		if (st == FL_REPLAYED) {
			if (e.seq > im.batch_start) {
				err = fl_error_set(FL_EEXISTS,
						   "same as line %zu (same ref or, without one, same "
						   "content); give each row its own ref",
						   im.lines[e.seq - im.batch_start - 1]);
				goto located;
			}
			out->replayed++;
			continue;
		}
		if ((err = note_line(&im, rec.line)) < 0)
			goto done;
		out->appended++;
		if (!out->first)
			out->first = e.seq;
		out->last = e.seq;
		if (e.kind == FL_KIND_CONTRIBUTION && e.pledge) {
			fl_entry m;
			if ((err = fl_ledger_append_named(l, &e, &m, &st)) < 0)
				goto located;
			if (st == FL_APPENDED) {
				if ((err = note_line(&im, rec.line)) < 0)
					goto done;
				out->appended++;
				out->last = m.seq;
			}
		}
	}
	if (rc < 0) {
		err = rc;
		located_error(name, line);
		goto done;
	}
	fl_ledger_progress(l, lines, lines);
	err = fl_ledger_commit(l);
	begun = 0;
	goto done;
located:
	located_error(name, line);
done:
	if (begun)
		fl_ledger_rollback(l);
	if (err < 0) {
		uint64_t rows = out->rows;
		memset(out, 0, sizeof(*out));
		out->rows = rows;
	}
	free(im.lines);
	fl_csv_free(csv);
	return err;
}

int fl_import_csv(fl_import_stats *out, fl_ledger *l, const char *path, const char *recorded_by,
		  const char *recorded_at)
{
	fl_buf data = FL_BUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int err = 0;

	if (!f)
		return fl_error_set(FL_EIO, "%s: cannot open: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((err = fl_buf_put(&data, chunk, n)) < 0)
			break;
	if (err == 0 && ferror(f))
		err = fl_error_set(FL_EIO, "%s: read error: %s", path, strerror(errno));
	fclose(f);
	if (err == 0)
		err = fl_import_csv_mem(out, l, path, (const char *)data.data ? (const char *)data.data : "",
					data.len, recorded_by, recorded_at);
	fl_buf_free(&data);
	return err;
}

/* ---- bank statements ---- */

/* Records one statement and its lines; a failure names the file line it came from. */
/* total: the statements and lines of the whole file, for progress reports. */
static int append_statement(fl_import_stats *out, fl_ledger *l, const char *name,
			    const fl_statement *s, uint64_t total)
{
	fl_entry e;
	fl_append_status st;
	uint64_t header;
	int err, replayed;

	fl_entry_init(&e);
	e.kind = FL_KIND_STATEMENT;
	strcpy(e.currency, s->currency);
	strcpy(e.date, s->to);
	strcpy(e.account, s->account);
	strcpy(e.statement_id, s->id);
	strcpy(e.from, s->from);
	e.opening = s->opening;
	e.closing = s->closing;
	e.lines = s->n_lines;
	/* Keys by the bank's identifiers, so the same statement or line is never recorded
	 * twice, whatever file it comes in. */
	snprintf(e.idem, sizeof(e.idem), "stmt:%s:%s", s->account, s->id);
	out->rows++;
	fl_ledger_progress(l, out->rows, total);
	out->statements++;
	if ((err = fl_ledger_append(l, &e, &st)) < 0) {
		fl_error_prefix("%s:%zu: statement %s: ", name, s->line, s->id);
		return err;
	}
	header = e.seq;
	replayed = st == FL_REPLAYED;
	/* A replay has the same content, line count included (other content is refused). */
	if (replayed) {
		out->replayed++;
	} else {
		out->appended++;
		if (!out->first)
			out->first = e.seq;
		out->last = e.seq;
	}
	for (size_t i = 0; i < s->n_lines; i++) {
		const fl_stmt_line *ln = &s->lines[i];
		fl_entry_init(&e);
		e.kind = FL_KIND_BANKLINE;
		strcpy(e.currency, s->currency);
		e.amount = ln->amount;
		strcpy(e.date, ln->value_date);
		strcpy(e.booked, ln->booking_date);
		strcpy(e.bank_ref, ln->ref);
		e.statement = header;
		strcpy(e.direction, ln->credit ? "C" : "D");
		strcpy(e.entry_ref, ln->entry_ref);
		strcpy(e.end_to_end, ln->end_to_end);
		strcpy(e.debtor, ln->debtor);
		strcpy(e.remittance, ln->remittance);
		e.bank_reversal = ln->reversal ? 1 : 0;
		snprintf(e.idem, sizeof(e.idem), "line:%s:%s", s->account, ln->ref);
		out->rows++;
		fl_ledger_progress(l, out->rows, total);
		if ((err = fl_ledger_append(l, &e, &st)) < 0) {
			fl_error_prefix("%s:%zu: line %s: ", name, ln->line, ln->ref);
			return err;
		}
		if (st == FL_REPLAYED) {
			if (!replayed || e.statement != header)
				return fl_error_set(FL_EEXISTS,
						    "%s:%zu: line %s is already recorded as entry "
						    "%llu, in another statement",
						    name, ln->line, ln->ref,
						    (unsigned long long)e.seq);
			out->replayed++;
			continue;
		}
		if (replayed)
			return fl_error_set(FL_EEXISTS, "%s:%zu: statement %s is already recorded "
							"without line %s",
					    name, ln->line, s->id, ln->ref);
		out->appended++;
		out->last = e.seq;
	}
	return 0;
}

int fl_import_statements(fl_import_stats *out, fl_ledger *l, const char *path,
			 const char *recorded_by, const char *recorded_at)
{
	fl_statements ss = {NULL, 0};
	uint64_t total = 0;
	int err, begun = 0;

	memset(out, 0, sizeof(*out));
	if ((err = fl_statements_read(&ss, path, fl_ledger_config(l))) < 0)
		return err;
	if ((err = fl_ledger_begin(l, recorded_by, recorded_at)) < 0)
		goto done;
	begun = 1;
	for (size_t i = 0; i < ss.n; i++)
		total += 1 + ss.items[i].n_lines;
	for (size_t i = 0; i < ss.n; i++)
		if ((err = append_statement(out, l, path, &ss.items[i], total)) < 0)
			goto done;
	err = fl_ledger_commit(l);
	begun = 0;
done:
	if (begun)
		fl_ledger_rollback(l);
	if (err < 0)
		memset(out, 0, sizeof(*out));
	fl_statements_free(&ss);
	return err;
}
