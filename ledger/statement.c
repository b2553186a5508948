/*
 * statement.c: bank statements from ISO 20022 camt.053 (001.02 to 001.08) and from the CSV
 * layout of docs/STATEMENTS.md, read into fl_statements (statement.h).
 *
 * camt.053 documents are parsed by xml.c (the libxml2 adapter, xml_int.h): network access
 * off and no entity substitution or DTD loading; a document with a DOCTYPE is refused
 * outright, so no entity declared in a file is ever expanded into the values read. The
 * parser's first error comes back as a line and a message, reported as "FILE:LINE: ...".
 *
 * Both readers feed one accumulator (`reader`), which owns the invariants every statement
 * leaves with: a known currency, references and ids in their character sets, text collapsed
 * and valid, every line amount > 0, line references unique in the file, at most one statement
 * per (id, account), from <= to, and opening + credits - debits = closing. Only booked
 * entries become lines. On any failure everything read so far is freed and *out is empty.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/buf.h"
#include "fundledger/entry.h"
#include "fundledger/import.h"
#include "fundledger/money.h"
#include "fundledger/statement.h"
#include "xml_int.h"

/* ---- values shared by both readers ---- */

/* Room for a value quoted in two fl_quote pieces (namespaces are longer than one piece). */
#define QUOTE2_MAX (2 * FL_QUOTE_MAX)

/* Quotes up to 2 * FL_QUOTE_SHOWN bytes of s for a message. */
static const char *quote2(char out[QUOTE2_MAX], const char *s, size_t len)
{
	size_t first = len > FL_QUOTE_SHOWN ? FL_QUOTE_SHOWN : len;
	fl_quote(out, s, first);
	if (len > first)
		fl_quote(out + strlen(out), s + first, len - first);
	return out;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Leading and trailing XML white space removed, in place of (s, len). */
static void trim(const char **s, size_t *len)
{
	while (*len && is_space((*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/*
 * Checks an id, a reference or an account: 1..max bytes of printable ASCII without space or
 * ':', copied into out[max + 1]. `what` names the value in the message.
 */
static int copy_ref(char *out, size_t max, const char *s, size_t len, const char *what)
{
	char q[FL_QUOTE_MAX];
	if (len == 0)
		return fl_error_set(FL_EINVALID, "%s is empty", what);
	if (len > max)
		return fl_error_set(FL_EINVALID, "%s '%s' is longer than %zu bytes", what,
				    fl_quote(q, s, len), max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == ':')
			return fl_error_set(FL_EINVALID,
					    "%s '%s' must be printable ASCII without spaces or ':'",
					    what, fl_quote(q, s, len));
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int copy_text(char out[FL_BANKTEXT_MAX + 1], const char *s, size_t len, const char *what);

/* An end-to-end id: the payer's own reference, free text (spaces allowed, collapsed), at most
 * FL_BANKREF_MAX bytes (camt Max35Text). */
static int copy_e2e(char out[FL_BANKREF_MAX + 1], const char *s, size_t len, const char *what)
{
	char t[FL_BANKTEXT_MAX + 1];
	size_t n;
	if (len > FL_BANKREF_MAX * 4)
		return fl_error_set(FL_EINVALID, "%s is longer than %d bytes", what, FL_BANKREF_MAX);
	if (copy_text(t, s, len, what) < 0)
		return FL_EINVALID;
	n = strlen(t);
	if (n == 0)
		return fl_error_set(FL_EINVALID, "%s is empty", what);
	if (n > FL_BANKREF_MAX)
		return fl_error_set(FL_EINVALID, "%s is longer than %d bytes", what, FL_BANKREF_MAX);
	memcpy(out, t, n + 1);
	return 0;
}

/*
 * Free text (names, remittance information): runs of white space become one space, the ends
 * are trimmed, and what is longer than FL_BANKTEXT_MAX is cut at a UTF-8 character boundary.
 * The whole input must be valid UTF-8 without control characters other than the white space
 * collapsed. out has FL_BANKTEXT_MAX + 1 bytes; "" when the text is empty.
 */
static int copy_text(char out[FL_BANKTEXT_MAX + 1], const char *s, size_t len, const char *what)
{
	size_t o = 0, i = 0;
	int full = 0;

	while (i < len) {
		size_t start, n;
		while (i < len && is_space(s[i]))
			i++;
		start = i;
		while (i < len && !is_space(s[i]))
			i++;
		n = i - start;
		if (n == 0)
			break;
		/* Words split only at ASCII white space, so no UTF-8 sequence is cut here. */
		if (fl_utf8_check(s + start, n) < 0)
			return fl_error_prefix("%s: ", what);
		if (full)
			continue; /* still checked, no longer kept */
		if (o + (o ? 1 : 0) + n <= FL_BANKTEXT_MAX) {
			if (o)
				out[o++] = ' ';
			memcpy(out + o, s + start, n);
			o += n;
			continue;
		}
		/* The first word that does not fit: keep what fits, up to a character start. */
		full = 1;
		if (o) {
			if (o + 1 >= FL_BANKTEXT_MAX)
				continue;
			out[o++] = ' ';
		}
		n = FL_BANKTEXT_MAX - o; /* < the word's length, so s[start + n] is in the word */
		while (n > 0 && ((unsigned char)s[start + n] & 0xc0) == 0x80)
			n--;
		memcpy(out + o, s + start, n);
		o += n;
		if (n == 0 && o > 0)
			o--; /* the space before a word that could not start */
	}
	out[o] = '\0';
	return 0;
}

/*
 * A date, or the date part of a date and time ("2026-01-31T23:59:59+01:00" gives
 * "2026-01-31", as written). out has FL_DATE_LEN + 1 bytes.
 */
static int copy_date(char out[FL_DATE_LEN + 1], const char *s, size_t len, int with_time,
		     const char *what)
{
	char q[FL_QUOTE_MAX];
	size_t dlen = len;
	if (with_time) {
		if (len <= FL_DATE_LEN || s[FL_DATE_LEN] != 'T')
			return fl_error_set(FL_EINVALID, "%s '%s' is not a date and time "
							 "(YYYY-MM-DDThh:mm:ss)",
					    what, fl_quote(q, s, len));
		dlen = FL_DATE_LEN;
	}
	if (fl_date_check(s, dlen) < 0)
		return fl_error_set(FL_EINVALID, "%s '%s' is not a date (YYYY-MM-DD)", what,
				    fl_quote(q, s, len));
	memcpy(out, s, FL_DATE_LEN);
	out[FL_DATE_LEN] = '\0';
	return 0;
}

/*
 * A decimal amount of a currency: digits with at most one '.', and no more decimals than the
 * currency has unless the extra ones are zeros ("1000.500" is EUR 1000.50, "1000.505" is an
 * error). With `sign`, a leading '-' makes it negative. The digits go to fl_money_parse.
 */
static int parse_amount(int64_t *out, const char *s, size_t len, const fl_currency *ccy, int sign)
{
	char q[FL_QUOTE_MAX];
	const char *dot;
	int neg = 0;
	int64_t v;

	if (sign && len > 0 && s[0] == '-') {
		neg = 1;
		s++;
		len--;
	}
	dot = len ? memchr(s, '.', len) : NULL;
	if (dot) {
		size_t frac = len - (size_t)(dot - s) - 1, k;
		for (k = 0; k < frac && dot[1 + k] >= '0' && dot[1 + k] <= '9'; k++)
			;
		/* Only a plain fraction is shortened; anything else gets fl_money_parse's word. */
		if (k == frac && frac > ccy->minor_units) {
			for (k = ccy->minor_units; k < frac; k++)
				if (dot[1 + k] != '0')
					return fl_error_set(FL_EINVALID,
							    "amount '%s' has more decimals than %s "
							    "has (%u)",
							    fl_quote(q, s - neg, len + (size_t)neg),
							    ccy->code, ccy->minor_units);
			len -= frac - ccy->minor_units;
			if (ccy->minor_units == 0)
				len--; /* the '.' too */
		}
	}
	if (fl_money_parse(&v, s, len, ccy->minor_units) < 0)
		return fl_error_set(FL_EINVALID, "%s", fl_error_last()); /* FL_ERANGE too */
	*out = neg ? -v : v;
	return 0;
}

/* ---- references seen in a file: an open-addressing set of ref -> line ---- */

typedef struct {
	char ref[FL_BANKREF_MAX + 1]; /* "" for a free slot */
	size_t line;
} ref_slot;

typedef struct {
	ref_slot *slot;
	size_t cap, n; /* cap is 0 or a power of two, n <= cap / 2 */
} refset;

static uint64_t hash_ref(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static ref_slot *refset_find(const refset *rs, const char *ref)
{
	size_t i = (size_t)hash_ref(ref) & (rs->cap - 1);
	while (rs->slot[i].ref[0] && strcmp(rs->slot[i].ref, ref) != 0)
		i = (i + 1) & (rs->cap - 1);
	return &rs->slot[i];
}

/* Adds ref at line: 0, or 1 with *prev = the line of the same ref added before. */
static int refset_add(refset *rs, const char *ref, size_t line, size_t *prev)
{
	ref_slot *s;
	if (rs->n + 1 > rs->cap / 2) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		refset bigger = {NULL, cap, 0};
		if (cap > SIZE_MAX / sizeof(ref_slot) ||
		    !(bigger.slot = calloc(cap, sizeof(ref_slot))))
			return fl_error_set(FL_ENOMEM, "out of memory");
		for (size_t i = 0; i < rs->cap; i++)
			if (rs->slot[i].ref[0])
				*refset_find(&bigger, rs->slot[i].ref) = rs->slot[i];
		bigger.n = rs->n;
		free(rs->slot);
		*rs = bigger;
	}
	s = refset_find(rs, ref);
	if (s->ref[0]) {
		*prev = s->line;
		return 1;
	}
	memcpy(s->ref, ref, sizeof(s->ref));
	s->line = line;
	rs->n++;
	return 0;
}

/* ---- the accumulator ---- */

typedef struct {
	const char *name;
	const fl_config *cfg;
	fl_statements *out;
	size_t cap;       /* of out->items */
	size_t lines_cap; /* of the last statement's lines */
	refset refs;
	const fl_currency *ccy; /* of the last statement */
	int64_t balance;        /* the last statement's opening + its lines so far */
} reader;

/* Sets "NAME:LINE: " + the formatted message and returns code. */
static int fail(const reader *r, size_t line, int code, const char *fmt, ...) FL_PRINTF(4, 5);
static int fail(const reader *r, size_t line, int code, const char *fmt, ...)
{
	char msg[FL_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fl_error_set(code, "%s:%zu: %s", r->name, line, msg);
}

/* Puts "NAME:LINE: " before the current message; returns the current code. */
static int at(const reader *r, size_t line)
{
	return fl_error_prefix("%s:%zu: ", r->name, line);
}

static fl_statement *current(const reader *r)
{
	return &r->out->items[r->out->n - 1];
}

/* Starts a statement that begins at `line`. */
static int begin_statement(reader *r, size_t line)
{
	fl_statement *st;
	if (r->out->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 4;
		fl_statement *p;
		if (cap > SIZE_MAX / sizeof(*p) ||
		    !(p = realloc(r->out->items, cap * sizeof(*p))))
			return fl_error_set(FL_ENOMEM, "out of memory");
		r->out->items = p;
		r->cap = cap;
	}
	st = &r->out->items[r->out->n++];
	memset(st, 0, sizeof(*st));
	st->line = line;
	r->lines_cap = 0;
	r->ccy = NULL;
	r->balance = 0;
	return 0;
}

/* Sets the current statement's currency, which must be in the configuration. */
static int set_currency(reader *r, size_t line, const char *s, size_t len)
{
	fl_statement *st = current(r);
	char q[FL_QUOTE_MAX];
	if (len != FL_CURRENCY_LEN) {
		return fail(r, line, FL_ENOTFOUND, "unknown currency '%s'", fl_quote(q, s, len));
	}
	memcpy(st->currency, s, len);
	st->currency[len] = '\0';
	if (!(r->ccy = fl_config_currency(r->cfg, st->currency))) {
		st->currency[0] = '\0';
		return fail(r, line, FL_ENOTFOUND, "unknown currency '%s'", fl_quote(q, s, len));
	}
	return 0;
}

/* An amount's currency must be the statement's. */
static int same_currency(const reader *r, size_t line, const char *s, size_t len)
{
	char q[FL_QUOTE_MAX];
	if (len != FL_CURRENCY_LEN || memcmp(s, r->ccy->code, FL_CURRENCY_LEN) != 0)
		return fail(r, line, FL_EINVALID, "amount in '%s', but the statement is in %s",
			    fl_quote(q, s, len), r->ccy->code);
	return 0;
}

/* Sets the opening balance, from which the lines are counted. */
static void set_opening(reader *r, int64_t v)
{
	current(r)->opening = v;
	r->balance = v;
}

/*
 * The current statement's id and account are known: no earlier statement of the file may
 * have both.
 */
static int unique_statement(const reader *r, size_t line)
{
	const fl_statement *st = current(r);
	for (size_t i = 0; i + 1 < r->out->n; i++) {
		const fl_statement *o = &r->out->items[i];
		if (strcmp(o->id, st->id) == 0 && strcmp(o->account, st->account) == 0)
			return fail(r, line, FL_EINVALID,
				    "statement '%s' of account '%s' is already on line %zu", st->id,
				    st->account, o->line);
	}
	return 0;
}

/* Appends a checked line to the current statement: unique ref, balance without overflow. */
static int add_line(reader *r, const fl_stmt_line *ln)
{
	fl_statement *st = current(r);
	size_t prev = 0;
	int rc;

	if ((rc = refset_add(&r->refs, ln->ref, ln->line, &prev)) < 0)
		return rc;
	if (rc == 1)
		return fail(r, ln->line, FL_EINVALID, "reference '%s' is already used on line %zu",
			    ln->ref, prev);
	if (fl_money_add(&r->balance, ln->credit ? ln->amount : -ln->amount) < 0)
		return fail(r, ln->line, FL_EINVALID, "the statement's balance overflows here");
	if (st->n_lines == r->lines_cap) {
		size_t cap = r->lines_cap ? 2 * r->lines_cap : 16;
		fl_stmt_line *p;
		if (cap > SIZE_MAX / sizeof(*p) || !(p = realloc(st->lines, cap * sizeof(*p))))
			return fl_error_set(FL_ENOMEM, "out of memory");
		st->lines = p;
		r->lines_cap = cap;
	}
	st->lines[st->n_lines++] = *ln;
	return 0;
}

/* The end of a statement: dates in order, and the lines add up to the closing balance. */
static int end_statement(const reader *r, size_t closing_line)
{
	const fl_statement *st = current(r);
	char want[FL_MONEY_STR_MAX], got[FL_MONEY_STR_MAX];

	if (strcmp(st->to, st->from) < 0)
		return fail(r, closing_line, FL_EINVALID,
			    "statement '%s' ends on %s, before it starts on %s", st->id, st->to,
			    st->from);
	if (r->balance != st->closing) {
		if (fl_money_format(want, sizeof(want), r->balance, r->ccy->minor_units, 0) < 0 ||
		    fl_money_format(got, sizeof(got), st->closing, r->ccy->minor_units, 0) < 0)
			return at(r, closing_line);
		return fail(r, closing_line, FL_EINVALID,
			    "closing balance %s %s does not add up: opening + credits - debits "
			    "is %s %s",
			    st->currency, got, st->currency, want);
	}
	return 0;
}

void fl_statements_free(fl_statements *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i].lines);
	free(s->items);
	s->items = NULL;
	s->n = 0;
}

/* Ends a read: on failure frees what was read; always frees the reader's own memory. */
static int finish(reader *r, int err)
{
	free(r->refs.slot);
	if (err < 0)
		fl_statements_free(r->out);
	return err;
}

/* ---- camt.053 ---- */

#define CAMT_NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:camt.053.001.0"

typedef struct {
	reader r;
	const char *ns; /* the document's namespace; every element read is in it */
	fl_buf text;    /* scratch for element text */
	fl_buf join;    /* scratch for the joined remittance lines */
	fl_buf attr;    /* scratch for an attribute's value */
} camt;

static size_t line_of(const fl_xml_node *n)
{
	return fl_xml_line(n);
}

static int named(const camt *c, const fl_xml_node *n, const char *local)
{
	const char *ns = n ? fl_xml_ns(n) : NULL;
	return ns && strcmp(ns, c->ns) == 0 && strcmp(fl_xml_name(n), local) == 0;
}

/* The first child element called `local` in the document's namespace, or NULL. */
static const fl_xml_node *child(const camt *c, const fl_xml_node *parent, const char *local)
{
	if (!parent)
		return NULL;
	for (const fl_xml_node *n = fl_xml_first_child(parent); n; n = fl_xml_next(n))
		if (named(c, n, local))
			return n;
	return NULL;
}

/* The next sibling called like n, or NULL. */
static const fl_xml_node *next_named(const camt *c, const fl_xml_node *n)
{
	const char *local = fl_xml_name(n);
	for (n = fl_xml_next(n); n; n = fl_xml_next(n))
		if (named(c, n, local))
			return n;
	return NULL;
}

/* The character data directly in n (text and CDATA), into c->text. */
static int text_of(camt *c, const fl_xml_node *n, const char **s, size_t *len)
{
	int err;
	fl_buf_reset(&c->text);
	if ((err = fl_xml_text(&c->text, n)) < 0)
		return err;
	*s = fl_buf_cstr(&c->text);
	*len = c->text.len;
	return 0;
}

/* The trimmed text of the child `local` of parent, which must be there. */
static int need_text(camt *c, const fl_xml_node *parent, const char *local, const fl_xml_node **node,
		     const char **s, size_t *len)
{
	const fl_xml_node *n = child(c, parent, local);
	int err;
	if (!n)
		return fail(&c->r, line_of(parent), FL_EINVALID, "%s has no %s",
			    fl_xml_name(parent), local);
	if ((err = text_of(c, n, s, len)) < 0)
		return err;
	trim(s, len);
	if (node)
		*node = n;
	return 0;
}

/* A reference-like child (ids, refs) into out[max + 1]; "" when absent and optional. */
static int ref_child(camt *c, const fl_xml_node *parent, const char *local, char *out, size_t max,
		     int required)
{
	const fl_xml_node *n = child(c, parent, local);
	const char *s;
	size_t len;
	int err;
	if (!n && !required) {
		out[0] = '\0';
		return 0;
	}
	if ((err = need_text(c, parent, local, &n, &s, &len)) < 0)
		return err;
	if (copy_ref(out, max, s, len, local) < 0)
		return at(&c->r, line_of(n));
	return 0;
}

/* A DateAndDateTimeChoice (Dt or DtTm inside n) into out. */
static int choice_date(camt *c, const fl_xml_node *n, const char *what, char out[FL_DATE_LEN + 1])
{
	const fl_xml_node *d = child(c, n, "Dt"), *dt = child(c, n, "DtTm");
	const char *s;
	size_t len;
	int err;
	if (!d && !dt)
		return fail(&c->r, line_of(n), FL_EINVALID, "%s has neither Dt nor DtTm", what);
	if ((err = text_of(c, d ? d : dt, &s, &len)) < 0)
		return err;
	trim(&s, &len);
	if (copy_date(out, s, len, !d, what) < 0)
		return at(&c->r, line_of(d ? d : dt));
	return 0;
}

/*
 * An Amt with its Ccy attribute (which must be the statement's) and the CdtDbtInd beside it,
 * under parent (a Bal or an Ntry). *credit is 1 for CRDT, 0 for DBIT.
 */
static int amount_of(camt *c, const fl_xml_node *parent, int64_t *amount, int *credit)
{
	const fl_xml_node *amt, *ind;
	const char *s;
	size_t len;
	int err, found;

	if ((err = need_text(c, parent, "CdtDbtInd", &ind, &s, &len)) < 0)
		return err;
	if (len == 4 && memcmp(s, "CRDT", 4) == 0) {
		*credit = 1;
	} else if (len == 4 && memcmp(s, "DBIT", 4) == 0) {
		*credit = 0;
	} else {
		char q[FL_QUOTE_MAX];
		return fail(&c->r, line_of(ind), FL_EINVALID,
			    "CdtDbtInd '%s' is neither CRDT nor DBIT", fl_quote(q, s, len));
	}
	if ((err = need_text(c, parent, "Amt", &amt, &s, &len)) < 0)
		return err;
	fl_buf_reset(&c->attr);
	if ((err = fl_xml_attr(&c->attr, &found, amt, "Ccy")) < 0)
		return err;
	if (!found)
		return fail(&c->r, line_of(amt), FL_EINVALID, "Amt has no Ccy attribute");
	if ((err = same_currency(&c->r, line_of(amt), fl_buf_cstr(&c->attr), c->attr.len)) < 0)
		return err;
	if (parse_amount(amount, s, len, c->r.ccy, 0) < 0)
		return at(&c->r, line_of(amt));
	return 0;
}

/* A balance's type code (Tp/CdOrPrtry/Cd), or "" for a proprietary one. */
static int balance_code(camt *c, const fl_xml_node *bal, const char **s, size_t *len)
{
	const fl_xml_node *cd = child(c, child(c, child(c, bal, "Tp"), "CdOrPrtry"), "Cd");
	int err;
	*s = "";
	*len = 0;
	if (!cd)
		return 0;
	if ((err = text_of(c, cd, s, len)) < 0)
		return err;
	trim(s, len);
	return 0;
}

static int code_is(const char *s, size_t len, const char *code)
{
	return len == strlen(code) && memcmp(s, code, len) == 0;
}

/* The statement's currency: Acct/Ccy, else the Ccy of the opening balance's amount. */
static int statement_currency(camt *c, const fl_xml_node *acct, const fl_xml_node *opening)
{
	const fl_xml_node *n = child(c, acct, "Ccy");
	const char *s;
	size_t len;
	int err, found;

	if (n) {
		if ((err = text_of(c, n, &s, &len)) < 0)
			return err;
		trim(&s, &len);
		return set_currency(&c->r, line_of(n), s, len);
	}
	if (!(n = child(c, opening, "Amt")))
		return fail(&c->r, line_of(opening), FL_EINVALID, "Bal has no Amt");
	fl_buf_reset(&c->attr);
	if ((err = fl_xml_attr(&c->attr, &found, n, "Ccy")) < 0)
		return err;
	if (!found)
		return fail(&c->r, line_of(n), FL_EINVALID, "Amt has no Ccy attribute");
	return set_currency(&c->r, line_of(n), fl_buf_cstr(&c->attr), c->attr.len);
}

/* One balance into *v (negative for DBIT) and, when it has one, its date into date. */
static int balance(camt *c, const fl_xml_node *bal, int64_t *v, char date[FL_DATE_LEN + 1])
{
	const fl_xml_node *dt = child(c, bal, "Dt");
	int credit, err;
	if ((err = amount_of(c, bal, v, &credit)) < 0)
		return err;
	if (!credit)
		*v = -*v;
	date[0] = '\0';
	if (dt && (err = choice_date(c, dt, "Bal/Dt", date)) < 0)
		return err;
	return 0;
}

/* The status of an entry: 1 booked, 0 anything else (pending, information, proprietary). */
static int booked(camt *c, const fl_xml_node *ntry, int *out)
{
	const fl_xml_node *sts = child(c, ntry, "Sts"), *cd;
	const char *s;
	size_t len;
	int err;

	if (!sts)
		return fail(&c->r, line_of(ntry), FL_EINVALID, "Ntry has no Sts");
	/* 001.02 to 001.06: <Sts>BOOK</Sts>; later versions: <Sts><Cd>BOOK</Cd></Sts>. */
	if ((cd = child(c, sts, "Cd"))) {
		if ((err = text_of(c, cd, &s, &len)) < 0)
			return err;
	} else if (child(c, sts, "Prtry")) {
		*out = 0;
		return 0;
	} else if ((err = text_of(c, sts, &s, &len)) < 0) {
		return err;
	}
	trim(&s, &len);
	if (len == 0)
		return fail(&c->r, line_of(sts), FL_EINVALID, "Sts is empty");
	*out = code_is(s, len, "BOOK");
	return 0;
}

/* Remittance information: the Ustrd lines joined by spaces, else the Strd creditor refs. */
static int remittance(camt *c, const fl_xml_node *rmt, fl_stmt_line *ln)
{
	const fl_xml_node *n, *first = child(c, rmt, "Ustrd");
	const char *s;
	size_t len;
	int err;

	fl_buf_reset(&c->join);
	if (first) {
		for (n = first; n; n = next_named(c, n)) {
			if ((err = text_of(c, n, &s, &len)) < 0 ||
			    (c->join.len && (err = fl_buf_putc(&c->join, ' ')) < 0) ||
			    (err = fl_buf_put(&c->join, s, len)) < 0)
				return err;
		}
	} else {
		for (n = child(c, rmt, "Strd"); n; n = next_named(c, n)) {
			const fl_xml_node *ref = child(c, child(c, n, "CdtrRefInf"), "Ref");
			if (!ref)
				continue;
			if ((err = text_of(c, ref, &s, &len)) < 0 ||
			    (c->join.len && (err = fl_buf_putc(&c->join, ' ')) < 0) ||
			    (err = fl_buf_put(&c->join, s, len)) < 0)
				return err;
		}
		first = child(c, rmt, "Strd");
	}
	if (!first)
		return 0;
	if (copy_text(ln->remittance, fl_buf_cstr(&c->join), c->join.len, "RmtInf") < 0)
		return at(&c->r, line_of(first));
	return 0;
}

/* What the first transaction of an entry adds: end-to-end id, debtor, remittance. */
static int transaction(camt *c, const fl_xml_node *tx, fl_stmt_line *ln)
{
	const fl_xml_node *e2e = child(c, child(c, tx, "Refs"), "EndToEndId");
	const fl_xml_node *dbtr = child(c, child(c, tx, "RltdPties"), "Dbtr"), *nm;
	const fl_xml_node *rmt = child(c, tx, "RmtInf");
	const char *s;
	size_t len;
	int err;

	if (e2e) {
		if ((err = text_of(c, e2e, &s, &len)) < 0)
			return err;
		trim(&s, &len);
		if (!code_is(s, len, "NOTPROVIDED") &&
		    copy_e2e(ln->end_to_end, s, len, "EndToEndId") < 0)
			return at(&c->r, line_of(e2e));
	}
	/* Up to 001.07 Dbtr holds the name; 001.08 wraps the party: Dbtr/Pty/Nm. */
	nm = child(c, dbtr, "Nm");
	if (!nm)
		nm = child(c, child(c, dbtr, "Pty"), "Nm");
	if (nm) {
		if ((err = text_of(c, nm, &s, &len)) < 0)
			return err;
		if (copy_text(ln->debtor, s, len, "Dbtr name") < 0)
			return at(&c->r, line_of(nm));
	}
	if (rmt && (err = remittance(c, rmt, ln)) < 0)
		return err;
	return 0;
}

/* One booked entry into a line. */
static int entry(camt *c, const fl_xml_node *ntry)
{
	fl_stmt_line ln;
	const fl_xml_node *n, *tx;
	const char *s;
	size_t len;
	int err;

	memset(&ln, 0, sizeof(ln));
	ln.line = line_of(ntry);
	if ((err = amount_of(c, ntry, &ln.amount, &ln.credit)) < 0)
		return err;
	if (ln.amount == 0)
		return fail(&c->r, line_of(child(c, ntry, "Amt")), FL_EINVALID,
			    "an entry's amount must be more than zero");
	if ((n = child(c, ntry, "RvslInd"))) {
		if ((err = text_of(c, n, &s, &len)) < 0)
			return err;
		trim(&s, &len);
		if (code_is(s, len, "true") || code_is(s, len, "1")) {
			ln.reversal = 1;
		} else if (!code_is(s, len, "false") && !code_is(s, len, "0")) {
			char q[FL_QUOTE_MAX];
			return fail(&c->r, line_of(n), FL_EINVALID,
				    "RvslInd '%s' is neither true nor false", fl_quote(q, s, len));
		}
	}
	if (!(n = child(c, ntry, "BookgDt")))
		return fail(&c->r, ln.line, FL_EINVALID, "booked Ntry has no BookgDt");
	if ((err = choice_date(c, n, "BookgDt", ln.booking_date)) < 0)
		return err;
	if ((n = child(c, ntry, "ValDt"))) {
		if ((err = choice_date(c, n, "ValDt", ln.value_date)) < 0)
			return err;
	} else {
		memcpy(ln.value_date, ln.booking_date, sizeof(ln.value_date));
	}
	if ((err = ref_child(c, ntry, "AcctSvcrRef", ln.ref, FL_BANKREF_MAX, 0)) < 0 ||
	    (err = ref_child(c, ntry, "NtryRef", ln.entry_ref, FL_BANKREF_MAX, 0)) < 0)
		return err;
	if (!ln.ref[0]) {
		if (!ln.entry_ref[0])
			return fail(&c->r, ln.line, FL_EINVALID,
				    "Ntry has neither AcctSvcrRef nor NtryRef");
		memcpy(ln.ref, ln.entry_ref, sizeof(ln.ref));
	}
	if (strcmp(ln.entry_ref, ln.ref) == 0)
		ln.entry_ref[0] = '\0';
	if ((tx = child(c, child(c, ntry, "NtryDtls"), "TxDtls")) &&
	    (err = transaction(c, tx, &ln)) < 0)
		return err;
	return add_line(&c->r, &ln);
}

static int statement(camt *c, const fl_xml_node *stmt)
{
	reader *r = &c->r;
	fl_statement *st;
	const fl_xml_node *acct, *id, *opening = NULL, *prcd = NULL, *closing = NULL, *n;
	char open_date[FL_DATE_LEN + 1], close_date[FL_DATE_LEN + 1];
	const char *s;
	size_t len;
	int err;

	if ((err = begin_statement(r, line_of(stmt))) < 0)
		return err;
	st = current(r);
	if ((err = ref_child(c, stmt, "Id", st->id, FL_BANKREF_MAX, 1)) < 0)
		return err;
	if (!(acct = child(c, stmt, "Acct")))
		return fail(r, st->line, FL_EINVALID, "Stmt has no Acct");
	if (!(id = child(c, acct, "Id")))
		return fail(r, line_of(acct), FL_EINVALID, "Acct has no Id");
	if (child(c, id, "IBAN")) {
		if ((err = ref_child(c, id, "IBAN", st->account, FL_ACCOUNT_MAX, 1)) < 0)
			return err;
	} else if ((n = child(c, id, "Othr"))) {
		if ((err = ref_child(c, n, "Id", st->account, FL_ACCOUNT_MAX, 1)) < 0)
			return err;
	} else {
		return fail(r, line_of(id), FL_EINVALID, "Acct/Id has neither IBAN nor Othr/Id");
	}
	if ((err = unique_statement(r, st->line)) < 0)
		return err;

	for (n = child(c, stmt, "Bal"); n; n = next_named(c, n)) {
		const fl_xml_node **slot = NULL;
		if ((err = balance_code(c, n, &s, &len)) < 0)
			return err;
		if (code_is(s, len, "OPBD"))
			slot = &opening;
		else if (code_is(s, len, "PRCD"))
			slot = &prcd;
		else if (code_is(s, len, "CLBD"))
			slot = &closing;
		if (!slot)
			continue;
		if (*slot)
			return fail(r, line_of(n), FL_EINVALID,
				    "a second %.4s balance (the first is on line %zu)", s,
				    line_of(*slot));
		*slot = n;
	}
	if (!opening)
		opening = prcd;
	if (!opening)
		return fail(r, st->line, FL_EINVALID,
			    "statement '%s' has no opening balance (OPBD or PRCD)", st->id);
	if (!closing)
		return fail(r, st->line, FL_EINVALID,
			    "statement '%s' has no closing balance (CLBD)", st->id);
	if ((err = statement_currency(c, acct, opening)) < 0)
		return err;
	if ((err = balance(c, opening, &st->opening, open_date)) < 0 ||
	    (err = balance(c, closing, &st->closing, close_date)) < 0)
		return err;
	set_opening(r, st->opening);

	if ((n = child(c, stmt, "FrToDt"))) {
		const fl_xml_node *d;
		if ((err = need_text(c, n, "FrDtTm", &d, &s, &len)) < 0)
			return err;
		if (copy_date(st->from, s, len, 1, "FrDtTm") < 0)
			return at(r, line_of(d));
		if ((err = need_text(c, n, "ToDtTm", &d, &s, &len)) < 0)
			return err;
		if (copy_date(st->to, s, len, 1, "ToDtTm") < 0)
			return at(r, line_of(d));
	} else {
		if (!open_date[0])
			return fail(r, line_of(opening), FL_EINVALID,
				    "the opening balance has no Dt, and the statement no FrToDt");
		if (!close_date[0])
			return fail(r, line_of(closing), FL_EINVALID,
				    "the closing balance has no Dt, and the statement no FrToDt");
		memcpy(st->from, open_date, sizeof(st->from));
		memcpy(st->to, close_date, sizeof(st->to));
		if (opening == prcd) {
			/* The previous statement's closing day: this one starts the day after. */
			if (fl_date_from_days(st->from, fl_date_days(open_date) + 1) < 0)
				return at(r, line_of(opening));
		}
	}

	for (n = child(c, stmt, "Ntry"); n; n = next_named(c, n)) {
		int book = 0;
		if ((err = booked(c, n, &book)) < 0)
			return err;
		if (!book) {
			current(r)->skipped++;
			continue;
		}
		if ((err = entry(c, n)) < 0)
			return err;
	}
	return end_statement(r, line_of(closing));
}

/* The line of the DOCTYPE declaration: where "<!DOCTYPE" first appears before the root. */
static size_t doctype_line(const char *data, size_t len, size_t root_line)
{
	size_t line = 1;
	for (size_t i = 0; i + 9 <= len && line <= root_line; i++) {
		if (memcmp(data + i, "<!DOCTYPE", 9) == 0)
			return line;
		line += data[i] == '\n';
	}
	return root_line;
}

/* The namespace must be camt.053.001.02 to .08; 0 or FL_EINVALID. */
static int check_namespace(const reader *r, const fl_xml_node *root)
{
	const char *ns = fl_xml_ns(root), *name = fl_xml_name(root);
	size_t plen = strlen(CAMT_NS_PREFIX);
	char q[QUOTE2_MAX];

	if (!ns)
		return fail(r, line_of(root), FL_EINVALID,
			    "not a camt.053 statement: element '%s' has no namespace (expected "
			    "%s2 to .08)",
			    quote2(q, name, strlen(name)), CAMT_NS_PREFIX);
	if (strlen(ns) != plen + 1 || memcmp(ns, CAMT_NS_PREFIX, plen) != 0 || ns[plen] < '2' ||
	    ns[plen] > '8')
		return fail(r, line_of(root), FL_EINVALID,
			    "not a camt.053 statement: namespace '%s' (expected %s2 to .08)",
			    quote2(q, ns, strlen(ns)), CAMT_NS_PREFIX);
	if (strcmp(name, "Document") != 0)
		return fail(r, line_of(root), FL_EINVALID,
			    "the root element is '%s', expected Document",
			    quote2(q, name, strlen(name)));
	return 0;
}

int fl_statements_read_camt(fl_statements *out, const char *name, const char *data, size_t len,
			    const fl_config *cfg)
{
	camt c;
	fl_xml_problem problem;
	fl_xml_doc *doc = NULL;
	const fl_xml_node *root, *body, *stmt;
	int err = 0;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.r.name = name;
	c.r.cfg = cfg;
	c.r.out = out;
	if (len > INT_MAX) {
		err = fail(&c.r, 1, FL_EINVALID, "file too large for the XML reader");
		goto done;
	}
	if (len == 0) {
		err = fail(&c.r, 1, FL_EINVALID, "not well-formed XML: empty document");
		goto done;
	}
	if ((err = fl_xml_doc_read(&doc, &problem, data, len)) < 0) {
		if (err == FL_EINVALID)
			err = fail(&c.r, problem.line, FL_EINVALID, "not well-formed XML: %s",
				   problem.msg);
		goto done;
	}
	if (!(root = fl_xml_root(doc))) {
		err = fail(&c.r, 1, FL_EINVALID, "no root element");
		goto done;
	}
	if (fl_xml_has_doctype(doc)) {
		err = fail(&c.r, doctype_line(data, len, line_of(root)), FL_EINVALID,
			   "a DOCTYPE declaration is not allowed in a statement");
		goto done;
	}
	if ((err = check_namespace(&c.r, root)) < 0)
		goto done;
	c.ns = fl_xml_ns(root);
	if (!(body = child(&c, root, "BkToCstmrStmt"))) {
		err = fail(&c.r, line_of(root), FL_EINVALID, "Document has no BkToCstmrStmt");
		goto done;
	}
	if (!(stmt = child(&c, body, "Stmt"))) {
		err = fail(&c.r, line_of(body), FL_EINVALID, "BkToCstmrStmt has no Stmt");
		goto done;
	}
	for (; stmt; stmt = next_named(&c, stmt))
		if ((err = statement(&c, stmt)) < 0)
			goto done;
done:
	fl_xml_doc_free(doc);
	fl_buf_free(&c.text);
	fl_buf_free(&c.join);
	fl_buf_free(&c.attr);
	return finish(&c.r, err);
}

/* ---- the CSV layout ---- */

enum {
	COL_STATEMENT,
	COL_ACCOUNT,
	COL_CURRENCY,
	COL_DATE,
	COL_VALUE_DATE,
	COL_TYPE,
	COL_AMOUNT,
	COL_REF,
	COL_END_TO_END,
	COL_DEBTOR,
	COL_REMITTANCE,
	COL_N
};

static const char *const COLS[COL_N] = {"statement", "account",    "currency", "date",
					"value_date", "type",      "amount",   "ref",
					"end_to_end", "debtor",    "remittance"};

#define HEADER_TEXT                                                                                \
	"statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance"

enum { T_OPENING, T_CLOSING, T_CREDIT, T_DEBIT, T_CREDIT_REVERSAL, T_DEBIT_REVERSAL, T_N };

static const char *const TYPES[T_N] = {"opening", "closing",         "credit",
				       "debit",   "credit-reversal", "debit-reversal"};

typedef struct {
	reader r;
	int open; /* a statement has its opening row and not yet its closing row */
} csv_reader;

static int csv_header(const reader *r, const fl_csv_record *rec)
{
	char q[FL_QUOTE_MAX];
	if (rec->n != COL_N)
		return fail(r, rec->line, FL_EINVALID,
			    "the header has %zu columns; it must be exactly " HEADER_TEXT
			    " (see docs/STATEMENTS.md)",
			    rec->n);
	for (size_t i = 0; i < COL_N; i++)
		if (rec->len[i] != strlen(COLS[i]) || memcmp(rec->field[i], COLS[i], rec->len[i]))
			return fail(r, rec->line, FL_EINVALID,
				    "header column %zu is '%s', expected '%s'; the header must be "
				    "exactly " HEADER_TEXT,
				    i + 1, fl_quote(q, rec->field[i], rec->len[i]), COLS[i]);
	return 0;
}

/* A field of a checked row, trimmed of nothing: CSV spaces are data. */
#define F(rec, col) (rec)->field[(col)], (rec)->len[(col)]

static int csv_row(csv_reader *cr, const fl_csv_record *rec)
{
	reader *r = &cr->r;
	fl_statement *st;
	char id[FL_BANKREF_MAX + 1], account[FL_ACCOUNT_MAX + 1], q[FL_QUOTE_MAX];
	int type = -1;
	int err;

	for (int t = 0; t < T_N; t++)
		if (rec->len[COL_TYPE] == strlen(TYPES[t]) &&
		    memcmp(rec->field[COL_TYPE], TYPES[t], rec->len[COL_TYPE]) == 0)
			type = t;
	if (type < 0)
		return fail(r, rec->line, FL_EINVALID,
			    "type '%s' is not one of opening, closing, credit, debit, "
			    "credit-reversal, debit-reversal",
			    fl_quote(q, F(rec, COL_TYPE)));
	if (copy_ref(id, FL_BANKREF_MAX, F(rec, COL_STATEMENT), "statement") < 0 ||
	    copy_ref(account, FL_ACCOUNT_MAX, F(rec, COL_ACCOUNT), "account") < 0)
		return at(r, rec->line);

	if (type == T_OPENING) {
		if (cr->open)
			return fail(r, rec->line, FL_EINVALID,
				    "statement '%s' (opened on line %zu) has no closing row before "
				    "this opening row",
				    current(r)->id, current(r)->line);
		if ((err = begin_statement(r, rec->line)) < 0)
			return err;
		st = current(r);
		memcpy(st->id, id, sizeof(st->id));
		memcpy(st->account, account, sizeof(st->account));
		if ((err = unique_statement(r, rec->line)) < 0 ||
		    (err = set_currency(r, rec->line, F(rec, COL_CURRENCY))) < 0)
			return err;
		cr->open = 1;
	} else {
		if (!cr->open)
			return fail(r, rec->line, FL_EINVALID,
				    "%s row of statement '%s' outside a statement: each statement "
				    "starts with its opening row",
				    TYPES[type], id);
		st = current(r);
		if (strcmp(st->id, id) != 0 || strcmp(st->account, account) != 0)
			return fail(r, rec->line, FL_EINVALID,
				    "row of statement '%s' of account '%s' inside statement '%s' "
				    "of account '%s' (opened on line %zu): rows of a statement "
				    "must be contiguous, from its opening row to its closing row",
				    id, account, st->id, st->account, st->line);
		if ((err = same_currency(r, rec->line, F(rec, COL_CURRENCY))) < 0)
			return err;
	}

	if (type == T_OPENING || type == T_CLOSING) {
		static const int unused[] = {COL_VALUE_DATE, COL_REF, COL_END_TO_END, COL_DEBTOR,
					     COL_REMITTANCE};
		int64_t v;
		for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++)
			if (rec->len[unused[i]])
				return fail(r, rec->line, FL_EINVALID,
					    "%s must be empty on the %s row", COLS[unused[i]],
					    TYPES[type]);
		if (copy_date(type == T_OPENING ? st->from : st->to, F(rec, COL_DATE), 0, "date") <
			    0 ||
		    parse_amount(&v, F(rec, COL_AMOUNT), r->ccy, 1) < 0)
			return at(r, rec->line);
		if (type == T_OPENING) {
			set_opening(r, v);
			return 0;
		}
		st->closing = v;
		cr->open = 0;
		return end_statement(r, rec->line);
	}

	{
		fl_stmt_line ln;
		memset(&ln, 0, sizeof(ln));
		ln.line = rec->line;
		ln.credit = type == T_CREDIT || type == T_CREDIT_REVERSAL;
		ln.reversal = type == T_CREDIT_REVERSAL || type == T_DEBIT_REVERSAL;
		if (copy_date(ln.booking_date, F(rec, COL_DATE), 0, "date") < 0 ||
		    (rec->len[COL_VALUE_DATE] &&
		     copy_date(ln.value_date, F(rec, COL_VALUE_DATE), 0, "value_date") < 0) ||
		    parse_amount(&ln.amount, F(rec, COL_AMOUNT), r->ccy, 0) < 0 ||
		    copy_ref(ln.ref, FL_BANKREF_MAX, F(rec, COL_REF), "ref") < 0)
			return at(r, rec->line);
		if (!ln.value_date[0])
			memcpy(ln.value_date, ln.booking_date, sizeof(ln.value_date));
		if (ln.amount == 0)
			return fail(r, rec->line, FL_EINVALID, "amount must be more than zero");
		if (rec->len[COL_END_TO_END] && !code_is(F(rec, COL_END_TO_END), "NOTPROVIDED") &&
		    copy_e2e(ln.end_to_end, F(rec, COL_END_TO_END), "end_to_end") < 0)
			return at(r, rec->line);
		if (copy_text(ln.debtor, F(rec, COL_DEBTOR), "debtor") < 0 ||
		    copy_text(ln.remittance, F(rec, COL_REMITTANCE), "remittance") < 0)
			return at(r, rec->line);
		return add_line(r, &ln);
	}
}

/*
 * Turns the CSV reader's "line N: message" into "NAME:N: message" (its N is where the bad
 * record starts); any other message gets `line`.
 */
static int csv_located(const reader *r, size_t line)
{
	const char *msg = fl_error_last();
	char *end;
	unsigned long long n;
	if (strncmp(msg, "line ", 5) == 0) {
		n = strtoull(msg + 5, &end, 10);
		if (end != msg + 5 && end[0] == ':' && end[1] == ' ')
			return fl_error_set(fl_error_code(), "%s:%llu: %s", r->name, n, end + 2);
	}
	return at(r, line);
}

int fl_statements_read_csv(fl_statements *out, const char *name, const char *data, size_t len,
			   const fl_config *cfg)
{
	csv_reader cr;
	fl_csv *csv = NULL;
	fl_csv_record rec;
	size_t line = 1;
	int err, rc;

	memset(out, 0, sizeof(*out));
	memset(&cr, 0, sizeof(cr));
	cr.r.name = name;
	cr.r.cfg = cfg;
	cr.r.out = out;
	if ((err = fl_csv_new(&csv, data, len)) < 0)
		goto done;
	if ((rc = fl_csv_next(csv, &rec)) <= 0) {
		err = rc < 0 ? csv_located(&cr.r, line)
			     : fail(&cr.r, 1, FL_EINVALID, "empty file, expected the header row");
		goto done;
	}
	if ((err = csv_header(&cr.r, &rec)) < 0)
		goto done;
	while ((rc = fl_csv_next(csv, &rec)) == 1) {
		line = rec.line;
		if (rec.n == 1 && rec.len[0] == 0) {
			err = fail(&cr.r, line, FL_EINVALID, "empty line");
			goto done;
		}
		if (rec.n != COL_N) {
			err = fail(&cr.r, line, FL_EINVALID, "%zu fields, the header has %d", rec.n,
				   COL_N);
			goto done;
		}
		if ((err = csv_row(&cr, &rec)) < 0)
			goto done;
	}
	if (rc < 0) {
		err = csv_located(&cr.r, line);
		goto done;
	}
	if (cr.open) {
		err = fail(&cr.r, current(&cr.r)->line, FL_EINVALID,
			   "statement '%s' has no closing row", current(&cr.r)->id);
		goto done;
	}
	if (out->n == 0)
		err = fail(&cr.r, 1, FL_EINVALID, "no statement: the file has only the header");
done:
	fl_csv_free(csv);
	return finish(&cr.r, err);
}

/* ---- files ---- */

int fl_statements_read(fl_statements *out, const char *path, const fl_config *cfg)
{
	fl_buf data = FL_BUF_INIT;
	FILE *f;
	char chunk[65536];
	const char *p;
	size_t n, i = 0;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!(f = fopen(path, "rb")))
		return fl_error_set(FL_EIO, "%s: cannot open: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((err = fl_buf_put(&data, chunk, n)) < 0)
			break;
	if (err == 0 && ferror(f))
		err = fl_error_set(FL_EIO, "%s: read error: %s", path, strerror(errno));
	fclose(f);
	if (err < 0) {
		fl_buf_free(&data);
		return err;
	}
	p = data.data ? (const char *)data.data : "";
	if (data.len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < data.len && is_space(p[i]))
		i++;
	if (i < data.len && p[i] == '<')
		err = fl_statements_read_camt(out, path, p, data.len, cfg);
	else
		err = fl_statements_read_csv(out, path, p, data.len, cfg);
	fl_buf_free(&data);
	return err;
}
