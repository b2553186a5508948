/*
 * entry.c: the canonical byte encoding of ledger entries, format v2 (docs/FORMAT.md).
 *
 *   entry = "FLE" version:u8 kind:u8 field*   field = tag:u8 len:u16be value[len]
 *
 * The version byte is a function of the kind: 1 for the kinds of format v1, whose bytes v2
 * leaves unchanged (so v1 ledgers keep their hashes and derived keys), 2 for the kinds v2 adds.
 *
 * Owns: the field table (which tag each kind requires, allows or forbids, and how each value
 * is written), encoding, strict decoding, the content digest and derived idempotency keys.
 *
 * Invariants: tags strictly increase; a required field is always written; an optional field
 * is written only when set (non-empty text, non-zero number), so decode rejects an optional
 * field holding an empty or zero value; decode runs the same checks as encode. Together these
 * make the encoding canonical: one entry has exactly one byte string, and vice versa.
 */
#include <stddef.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/entry.h"
#include "fundledger/money.h"

static const unsigned char MAGIC[3] = {'F', 'L', 'E'};

/*
 * T_SI64: a signed amount (balances). T_COUNT: a u64 that may be 0 (not a reference).
 * T_REF: a bank identifier, printable ASCII without space or ':'. T_DC: "C" or "D".
 * T_FLAG: one byte 0x01, present only when true.
 */
typedef enum {
	T_U64, T_I64, T_TIME, T_DATE, T_TEXT, T_CODE, T_CCY, T_HASH, T_YEARS,
	T_SI64, T_COUNT, T_REF, T_DC, T_FLAG
} ftype;

/* Per-kind rules, one character per kind in fl_kind order: R required, O optional, - no. */
typedef struct {
	unsigned char tag;
	ftype type;
	size_t off;
	size_t max; /* text: maximum bytes */
	const char *name;
	/* pledge contribution rate reversal writeoff match statement bankline bankmatch */
	const char *rules;
} field;

#define F(tag, type, member, max, rules) {tag, type, offsetof(fl_entry, member), max, #member, rules}
static const field FIELDS[] = {
	F(FL_TAG_SEQ, T_U64, seq, 0, "RRRRRRRRR"),
	F(FL_TAG_RECORDED_AT, T_TIME, recorded_at, 0, "RRRRRRRRR"),
	F(FL_TAG_RECORDED_BY, T_TEXT, recorded_by, FL_NAME_MAX, "RRRRRRRRR"),
	F(FL_TAG_IDEM, T_TEXT, idem, FL_IDEM_MAX, "RRRRRRRRR"),
	F(FL_TAG_PREV, T_HASH, prev, 0, "RRRRRRRRR"),
	F(FL_TAG_FUND, T_CODE, fund, 0, "RR--RR---"),
	F(FL_TAG_DONOR, T_CODE, donor, 0, "RR--RR---"),
	F(FL_TAG_CURRENCY, T_CCY, currency, 0, "RRR-RRRR-"),
	F(FL_TAG_AMOUNT, T_I64, amount, 0, "RR--RR-R-"),
	F(FL_TAG_DATE, T_DATE, date, 0, "RRR-R-RR-"),
	F(FL_TAG_DUE, T_DATE, due, 0, "O--------"),
	F(FL_TAG_YEARS, T_YEARS, years, 0, "R--------"),
	F(FL_TAG_EARMARK, T_TEXT, earmark, FL_TEXT_MAX, "O--------"),
	F(FL_TAG_DONOR_REF, T_TEXT, donor_ref, FL_TEXT_MAX, "O--------"),
	F(FL_TAG_ANNOUNCEMENT, T_TEXT, announcement, FL_TEXT_MAX, "O--------"),
	F(FL_TAG_BANK_REF, T_TEXT, bank_ref, FL_TEXT_MAX, "-R-----R-"),
	F(FL_TAG_PLEDGE, T_U64, pledge, 0, "-O--RR---"),
	F(FL_TAG_RATE, T_U64, rate, 0, "--R------"),
	F(FL_TAG_TARGET, T_U64, target, 0, "---R-----"),
	F(FL_TAG_REASON, T_TEXT, reason, FL_TEXT_MAX, "---RRR--R"),
	F(FL_TAG_CONTRIBUTION, T_U64, contribution, 0, "-----R--R"),
	F(FL_TAG_ACCOUNT, T_REF, account, FL_ACCOUNT_MAX, "------R--"),
	F(FL_TAG_STATEMENT_ID, T_REF, statement_id, FL_BANKREF_MAX, "------R--"),
	F(FL_TAG_FROM, T_DATE, from, 0, "------R--"),
	F(FL_TAG_OPENING, T_SI64, opening, 0, "------R--"),
	F(FL_TAG_CLOSING, T_SI64, closing, 0, "------R--"),
	F(FL_TAG_LINES, T_COUNT, lines, 0, "------R--"),
	F(FL_TAG_STATEMENT, T_U64, statement, 0, "-------R-"),
	F(FL_TAG_DIRECTION, T_DC, direction, 1, "-------R-"),
	F(FL_TAG_BOOKED, T_DATE, booked, 0, "-------R-"),
	F(FL_TAG_ENTRY_REF, T_REF, entry_ref, FL_BANKREF_MAX, "-------O-"),
	F(FL_TAG_END_TO_END, T_TEXT, end_to_end, FL_BANKREF_MAX, "-------O-"),
	F(FL_TAG_DEBTOR, T_TEXT, debtor, FL_BANKTEXT_MAX, "-------O-"),
	F(FL_TAG_REMITTANCE, T_TEXT, remittance, FL_BANKTEXT_MAX, "-------O-"),
	F(FL_TAG_BANK_REVERSAL, T_FLAG, bank_reversal, 0, "-------O-"),
	F(FL_TAG_LINE, T_U64, line, 0, "--------R"),
	F(FL_TAG_USD, T_I64, usd, 0, "-R---R---"),
	F(FL_TAG_RATE_USED, T_U64, rate_used, 0, "-R---R---"),
	F(FL_TAG_RATE_SEQ, T_U64, rate_seq, 0, "-O-------"),
	F(FL_TAG_SETTLED, T_I64, settled, 0, "-----R---"),
	F(FL_TAG_SETTLE_RATE, T_U64, settle_rate, 0, "-----O---"),
	F(FL_TAG_SETTLE_RATE_SEQ, T_U64, settle_rate_seq, 0, "-----O---"),
};
#undef F
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

static const char *const KIND_NAMES[] = {NULL,	    "pledge",	 "contribution",
					 "rate",    "reversal",	 "writeoff",
					 "match",   "statement", "bankline",
					 "bankmatch"};

unsigned fl_kind_version(fl_kind kind)
{
	return kind <= FL_KIND_MAX_V1 ? 1 : 2;
}

const char *fl_kind_name(fl_kind kind)
{
	return kind >= FL_KIND_MIN && kind <= FL_KIND_MAX ? KIND_NAMES[kind] : "?";
}

int fl_kind_parse(fl_kind *out, const char *s)
{
	for (int k = FL_KIND_MIN; k <= FL_KIND_MAX; k++)
		if (strcmp(s, KIND_NAMES[k]) == 0) {
			*out = (fl_kind)k;
			return 0;
		}
	char q[FL_QUOTE_MAX];
	return fl_error_set(FL_EINVALID, "unknown entry kind '%s'", fl_quote(q, s, strlen(s)));
}

void fl_entry_init(fl_entry *e)
{
	memset(e, 0, sizeof(*e));
}

static char rule(const field *f, fl_kind kind)
{
	return f->rules[kind - 1];
}

int fl_utf8_check(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		int n;
		/* Printable ASCII, nearly every byte of an entry's text, without the call. */
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		n = fl_utf8_next(s + i, len - i);
		if (n == FL_UTF8_CONTROL)
			return fl_error_set(FL_EINVALID, "control character in text");
		if (n <= 0)
			return fl_error_set(FL_EINVALID, "invalid UTF-8");
		i += (size_t)n;
	}
	return 0;
}

int fl_utf8_char(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	int n = fl_utf8_next(s, len);
	if (n > 0)
		return n;
	if (n == FL_UTF8_CONTROL) /* C0 and DEL are one byte; C1 is two (U+0080 to U+009F) */
		return c < 0x80 ? 1 : 2;
	return 0;
}

int fl_text_check(const char *s, size_t len, size_t max)
{
	if (len == 0)
		return fl_error_set(FL_EINVALID, "empty text");
	if (len > max)
		return fl_error_set(FL_EINVALID, "text longer than %zu bytes", max);
	if (s[0] == ' ' || s[len - 1] == ' ')
		return fl_error_set(FL_EINVALID, "text starts or ends with a space");
	return fl_utf8_check(s, len);
}

static int parse_year(const char *s, size_t len, uint16_t *out)
{
	unsigned v = 0;
	if (len != 4)
		return FL_EINVALID;
	for (size_t i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return FL_EINVALID;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < FL_YEAR_MIN || v > FL_YEAR_MAX)
		return FL_EINVALID;
	*out = (uint16_t)v;
	return 0;
}

int fl_years_parse(fl_entry *e, const char *s)
{
	size_t len = strlen(s);
	uint16_t a, b;
	e->n_years = 0;
	if (len == 9 && s[4] == '-') {
		if (parse_year(s, 4, &a) < 0 || parse_year(s + 5, 4, &b) < 0 || b < a)
			goto bad;
		if ((size_t)(b - a) + 1 > FL_YEARS_MAX)
			return fl_error_set(FL_EINVALID, "years '%s': more than %d years", s,
					    FL_YEARS_MAX);
		for (unsigned y = a; y <= b; y++)
			e->years[e->n_years++] = (uint16_t)y;
		return 0;
	}
	for (size_t i = 0; i <= len; i += 5) {
		if (e->n_years == FL_YEARS_MAX) {
			e->n_years = 0;
			return fl_error_set(FL_EINVALID, "years '%.80s': more than %d years", s,
					    FL_YEARS_MAX);
		}
		if (len - i < 4 || parse_year(s + i, 4, &a) < 0)
			goto bad;
		if (i + 4 < len && s[i + 4] != ';')
			goto bad;
		if (e->n_years && a <= e->years[e->n_years - 1])
			goto bad;
		e->years[e->n_years++] = a;
		if (i + 4 == len)
			return 0;
	}
bad:
	e->n_years = 0;
	return fl_error_set(FL_EINVALID,
			    "years '%.80s': expected YYYY, YYYY-YYYY or YYYY;YYYY;... in order", s);
}

int fl_idem_check(const char *s)
{
	size_t len = strlen(s), digits = 0;
	int err;
	if ((err = fl_text_check(s, len, FL_IDEM_MAX)) < 0)
		return fl_error_prefix("reference: ");
	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits == len)
		return fl_error_set(FL_EINVALID,
				    "reference '%s' is all digits, which would read as a sequence "
				    "number",
				    s);
	if (strncmp(s, "auto-", 5) == 0)
		return fl_error_set(FL_EINVALID, "reference '%.40s': the prefix 'auto-' is reserved "
						 "for derived keys", s);
	return 0;
}

static int is_set(const field *f, const fl_entry *e)
{
	const unsigned char *p = (const unsigned char *)e + f->off;
	switch (f->type) {
	case T_U64:
	case T_COUNT:
	case T_FLAG: return *(const uint64_t *)(const void *)p != 0;
	case T_I64:
	case T_SI64: return *(const int64_t *)(const void *)p != 0;
	case T_YEARS: return e->n_years != 0;
	case T_HASH: return 1;
	default: return p[0] != 0;
	}
}

static int check_ccy(const char *s, size_t len)
{
	if (len != FL_CURRENCY_LEN)
		return FL_EINVALID;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return FL_EINVALID;
	return 0;
}

/* Checks one field's value in the struct. */
static int check_value(const field *f, const fl_entry *e)
{
	const unsigned char *p = (const unsigned char *)e + f->off;
	const char *s = (const char *)p;
	char q[FL_QUOTE_MAX];
	int err = 0;

	switch (f->type) {
	case T_U64: {
		uint64_t v = *(const uint64_t *)(const void *)p;
		if (f->tag == FL_TAG_RATE || f->tag == FL_TAG_RATE_USED ||
		    f->tag == FL_TAG_SETTLE_RATE) {
			if (v == 0 || v > FL_RATE_MAX)
				err = fl_error_set(FL_EINVALID, "%s out of range", f->name);
		} else if (v == 0) {
			err = fl_error_set(FL_EINVALID, "%s must be at least 1", f->name);
		} else if (f->tag != FL_TAG_SEQ && v >= e->seq && e->seq != 0) {
			err = fl_error_set(FL_EINVALID, "%s %llu does not precede entry %llu", f->name,
					   (unsigned long long)v, (unsigned long long)e->seq);
		}
		break;
	}
	case T_I64: {
		int64_t v = *(const int64_t *)(const void *)p;
		int64_t lo = f->tag == FL_TAG_USD || f->tag == FL_TAG_SETTLED ? 0 : 1;
		if (v < lo || v > FL_AMOUNT_MAX)
			err = fl_error_set(FL_EINVALID, "%s out of range", f->name);
		break;
	}
	case T_SI64: {
		int64_t v = *(const int64_t *)(const void *)p;
		if (v < -FL_AMOUNT_MAX || v > FL_AMOUNT_MAX)
			err = fl_error_set(FL_EINVALID, "%s out of range", f->name);
		break;
	}
	case T_COUNT:
		if (*(const uint64_t *)(const void *)p > FL_LINES_MAX)
			err = fl_error_set(FL_EINVALID, "%s out of range", f->name);
		break;
	case T_FLAG:
		if (*(const uint64_t *)(const void *)p > 1)
			err = fl_error_set(FL_EINVALID, "%s is not a flag", f->name);
		break;
	case T_DC:
		if (strcmp(s, "C") != 0 && strcmp(s, "D") != 0)
			err = fl_error_set(FL_EINVALID, "%s must be C or D", f->name);
		break;
	case T_REF: {
		size_t len = strnlen(s, f->max + 1);
		if (len == 0 || len > f->max)
			return fl_error_set(FL_EINVALID, "%s must be 1 to %zu characters", f->name,
					    f->max);
		for (size_t i = 0; i < len; i++)
			if (s[i] <= ' ' || s[i] > '~' || s[i] == ':')
				return fl_error_set(FL_EINVALID,
						    "%s '%s': only printable ASCII without spaces "
						    "or ':'",
						    f->name, fl_quote(q, s, len));
		break;
	}
	case T_TIME:
		if (fl_time_check(s, strnlen(s, FL_TIME_LEN + 1)) < 0)
			err = fl_error_set(FL_EINVALID, "%s is not a UTC time", f->name);
		break;
	case T_DATE:
		if (fl_date_check(s, strnlen(s, FL_DATE_LEN + 1)) < 0)
			err = fl_error_set(FL_EINVALID, "%s is not a valid date", f->name);
		break;
	case T_TEXT:
		if (fl_text_check(s, strnlen(s, f->max + 1), f->max) < 0)
			err = fl_error_prefix("%s: ", f->name);
		break;
	case T_CODE:
		/* Quoted with escapes: decode reads untrusted bytes. */
		if (fl_code_check(s, strnlen(s, FL_CODE_MAX + 1)) < 0)
			err = fl_error_set(FL_EINVALID, "%s '%s' is not a valid code", f->name,
					   fl_quote(q, s, strnlen(s, FL_CODE_MAX + 1)));
		break;
	case T_CCY:
		if (check_ccy(s, strnlen(s, FL_CURRENCY_LEN + 1)) < 0)
			err = fl_error_set(FL_EINVALID, "currency '%s' is not an ISO 4217 code",
					   fl_quote(q, s, strnlen(s, FL_CURRENCY_LEN + 1)));
		break;
	case T_YEARS:
		if (e->n_years > FL_YEARS_MAX)
			return fl_error_set(FL_EINVALID, "more than %d years", FL_YEARS_MAX);
		for (size_t i = 0; i < e->n_years; i++) {
			if (e->years[i] < FL_YEAR_MIN || e->years[i] > FL_YEAR_MAX)
				return fl_error_set(FL_EINVALID, "year %u out of range", e->years[i]);
			if (i && e->years[i] <= e->years[i - 1])
				return fl_error_set(FL_EINVALID, "years must increase");
		}
		break;
	case T_HASH:
		break;
	}
	return err;
}

/* Rules that tie fields together; run by both encode and decode. */
static int check_cross(const fl_entry *e)
{
	if (e->due[0] && strcmp(e->due, e->date) < 0)
		return fl_error_set(FL_EINVALID, "due date %s is before the pledge date %s", e->due,
				    e->date);
	if (e->kind == FL_KIND_CONTRIBUTION) {
		int is_usd = strcmp(e->currency, "USD") == 0;
		if (is_usd && (e->rate_used != FL_RATE_SCALE || e->rate_seq != 0 || e->usd != e->amount))
			return fl_error_set(FL_EINVALID, "a USD contribution converts at 1 with no rate entry");
		if (!is_usd && e->rate_seq == 0)
			return fl_error_set(FL_EINVALID, "a %s contribution must name its rate entry",
					    e->currency);
	}
	if (e->kind == FL_KIND_RATE && strcmp(e->currency, "USD") == 0)
		return fl_error_set(FL_EINVALID, "there is no rate for USD against itself");
	if (e->kind == FL_KIND_STATEMENT && strcmp(e->from, e->date) > 0)
		return fl_error_set(FL_EINVALID, "statement period starts %s, after it ends %s",
				    e->from, e->date);
	if (e->kind == FL_KIND_MATCH && e->settle_rate_seq && !e->settle_rate)
		return fl_error_set(FL_EINVALID, "a match names a settlement rate entry without "
						 "its rate");
	return 0;
}

static int check_kind(fl_kind kind)
{
	if (kind < FL_KIND_MIN || kind > FL_KIND_MAX)
		return fl_error_set(FL_EINVALID, "unknown entry kind %d", (int)kind);
	return 0;
}

static int put_field(fl_buf *out, const field *f, const fl_entry *e)
{
	const unsigned char *p = (const unsigned char *)e + f->off;
	size_t len;
	int err;

	switch (f->type) {
	case T_U64:
	case T_I64:
	case T_SI64:
	case T_COUNT: len = 8; break;
	case T_FLAG: len = 1; break;
	case T_HASH: len = FL_HASH_LEN; break;
	case T_YEARS: len = 2 * e->n_years; break;
	default: len = strlen((const char *)p); break;
	}
	if ((err = fl_buf_putc(out, f->tag)) < 0 || (err = fl_buf_put_u16be(out, (uint16_t)len)) < 0)
		return err;
	switch (f->type) {
	case T_U64:
	case T_COUNT: return fl_buf_put_u64be(out, *(const uint64_t *)(const void *)p);
	case T_I64:
	case T_SI64: return fl_buf_put_u64be(out, (uint64_t) * (const int64_t *)(const void *)p);
	case T_FLAG: return fl_buf_putc(out, 1);
	case T_YEARS:
		for (size_t i = 0; i < e->n_years; i++)
			if ((err = fl_buf_put_u16be(out, e->years[i])) < 0)
				return err;
		return 0;
	default: return fl_buf_put(out, p, len);
	}
}

/* Writes magic, kind and the fields whose tags are in [lo, hi]. */
static int encode_range(fl_buf *out, const fl_entry *e, unsigned lo, unsigned hi)
{
	int err;
	if ((err = check_kind(e->kind)) < 0)
		return err;
	if ((err = fl_buf_put(out, MAGIC, sizeof(MAGIC))) < 0 ||
	    (err = fl_buf_putc(out, (unsigned char)fl_kind_version(e->kind))) < 0 ||
	    (err = fl_buf_putc(out, (unsigned char)e->kind)) < 0)
		return err;
	for (size_t i = 0; i < N_FIELDS; i++) {
		const field *f = &FIELDS[i];
		char r = rule(f, e->kind);
		int set = is_set(f, e);
		if (f->tag < lo || f->tag > hi)
			continue;
		if (r == '-') {
			if (set)
				return fl_error_set(FL_EINVALID, "a %s has no %s",
						    fl_kind_name(e->kind), f->name);
			continue;
		}
		if (r == 'O' && !set)
			continue;
		/* Numbers are range-checked below; text, dates and years must not be empty. */
		if (r == 'R' && !set && f->type != T_U64 && f->type != T_I64 &&
		    f->type != T_SI64 && f->type != T_COUNT && f->type != T_HASH)
			return fl_error_set(FL_EINVALID, "a %s needs %s", fl_kind_name(e->kind),
					    f->name);
		if ((err = check_value(f, e)) < 0)
			return err;
		if ((err = put_field(out, f, e)) < 0)
			return err;
	}
	return 0;
}

int fl_entry_encode(fl_buf *out, const fl_entry *e)
{
	size_t start = out->len;
	int err;
	if ((err = check_kind(e->kind)) < 0 || (err = check_cross(e)) < 0 ||
	    (err = encode_range(out, e, 0x00, 0xff)) < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
		return err;
	}
	return 0;
}

static uint64_t get_be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* FIELDS index + 1 by tag (0: no such tag), so decoding finds a field in one step. Kept in
 * the order of FIELDS; test_entry checks the two agree. */
static const unsigned char TAG_INDEX[256] = {
	[FL_TAG_SEQ] = 1,
	[FL_TAG_RECORDED_AT] = 2,
	[FL_TAG_RECORDED_BY] = 3,
	[FL_TAG_IDEM] = 4,
	[FL_TAG_PREV] = 5,
	[FL_TAG_FUND] = 6,
	[FL_TAG_DONOR] = 7,
	[FL_TAG_CURRENCY] = 8,
	[FL_TAG_AMOUNT] = 9,
	[FL_TAG_DATE] = 10,
	[FL_TAG_DUE] = 11,
	[FL_TAG_YEARS] = 12,
	[FL_TAG_EARMARK] = 13,
	[FL_TAG_DONOR_REF] = 14,
	[FL_TAG_ANNOUNCEMENT] = 15,
	[FL_TAG_BANK_REF] = 16,
	[FL_TAG_PLEDGE] = 17,
	[FL_TAG_RATE] = 18,
	[FL_TAG_TARGET] = 19,
	[FL_TAG_REASON] = 20,
	[FL_TAG_CONTRIBUTION] = 21,
	[FL_TAG_ACCOUNT] = 22,
	[FL_TAG_STATEMENT_ID] = 23,
	[FL_TAG_FROM] = 24,
	[FL_TAG_OPENING] = 25,
	[FL_TAG_CLOSING] = 26,
	[FL_TAG_LINES] = 27,
	[FL_TAG_STATEMENT] = 28,
	[FL_TAG_DIRECTION] = 29,
	[FL_TAG_BOOKED] = 30,
	[FL_TAG_ENTRY_REF] = 31,
	[FL_TAG_END_TO_END] = 32,
	[FL_TAG_DEBTOR] = 33,
	[FL_TAG_REMITTANCE] = 34,
	[FL_TAG_BANK_REVERSAL] = 35,
	[FL_TAG_LINE] = 36,
	[FL_TAG_USD] = 37,
	[FL_TAG_RATE_USED] = 38,
	[FL_TAG_RATE_SEQ] = 39,
	[FL_TAG_SETTLED] = 40,
	[FL_TAG_SETTLE_RATE] = 41,
	[FL_TAG_SETTLE_RATE_SEQ] = 42,
};

static const field *find_field(unsigned tag)
{
	unsigned i = tag < 256 ? TAG_INDEX[tag] : 0;
	return i ? &FIELDS[i - 1] : NULL;
}

static int corrupt(const char *what, size_t at)
{
	return fl_error_set(FL_ECORRUPT, "entry encoding: %s at byte %zu", what, at);
}

/* Reads one value into the struct; the caller has checked the tag is allowed. */
static int read_value(fl_entry *e, const field *f, const unsigned char *v, size_t len, size_t at)
{
	unsigned char *p = (unsigned char *)e + f->off;
	switch (f->type) {
	case T_U64:
	case T_COUNT:
		if (len != 8)
			return corrupt("bad integer length", at);
		*(uint64_t *)(void *)p = get_be(v, 8);
		return 0;
	case T_FLAG:
		if (len != 1 || v[0] != 1)
			return corrupt("bad flag", at);
		*(uint64_t *)(void *)p = 1;
		return 0;
	case T_I64:
	case T_SI64:
		if (len != 8)
			return corrupt("bad integer length", at);
		*(int64_t *)(void *)p = (int64_t)get_be(v, 8);
		return 0;
	case T_HASH:
		if (len != FL_HASH_LEN)
			return corrupt("bad hash length", at);
		memcpy(p, v, FL_HASH_LEN);
		return 0;
	case T_YEARS:
		if (len == 0 || len % 2 || len / 2 > FL_YEARS_MAX)
			return corrupt("bad years length", at);
		e->n_years = len / 2;
		for (size_t i = 0; i < e->n_years; i++)
			e->years[i] = (uint16_t)get_be(v + 2 * i, 2);
		return 0;
	default: {
		size_t max = f->type == T_TIME ? FL_TIME_LEN
			   : f->type == T_DATE ? FL_DATE_LEN
			   : f->type == T_CODE ? FL_CODE_MAX
			   : f->type == T_CCY  ? FL_CURRENCY_LEN
					       : f->max;
		if (len == 0 || len > max || memchr(v, 0, len))
			return corrupt("bad text length", at);
		memcpy(p, v, len);
		p[len] = 0;
		return 0;
	}
	}
}

/* Resets every field of e to absent, without touching the text bytes past each NUL. */
static void clear_fields(fl_entry *e)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		unsigned char *p = (unsigned char *)e + FIELDS[i].off;
		switch (FIELDS[i].type) {
		case T_U64:
		case T_I64:
		case T_SI64:
		case T_COUNT:
		case T_FLAG: memset(p, 0, 8); break;
		case T_HASH: memset(p, 0, FL_HASH_LEN); break;
		case T_YEARS: e->n_years = 0; break;
		default: p[0] = 0; break;
		}
	}
	e->kind = 0;
}

int fl_entry_decode(fl_entry *out, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t pos;
	unsigned last_tag = 0;
	unsigned char seen[N_FIELDS];
	int err;
	fl_entry *e = out;

	/* Clearing each field (rather than the whole ~3 KiB struct) keeps verify's hot loop
	 * cheap; every member of fl_entry is one of the fields, or kind and n_years. */
	clear_fields(e);
	memset(seen, 0, sizeof(seen));
	if (n < sizeof(MAGIC) + 2 || memcmp(p, MAGIC, 3) != 0)
		return corrupt("bad magic", 0);
	if (p[3] < 1 || p[3] > FL_FORMAT_VERSION)
		return corrupt("unsupported format version", 3);
	e->kind = (fl_kind)p[4];
	if (e->kind < FL_KIND_MIN || e->kind > FL_KIND_MAX)
		return corrupt("unknown kind", 4);
	if (p[3] != fl_kind_version(e->kind))
		return corrupt("kind not of this format version", 3);
	pos = 5;
	while (pos < n) {
		size_t at = pos, len;
		const field *f;
		unsigned tag;
		if (n - pos < 3)
			return corrupt("truncated field header", at);
		tag = p[pos];
		len = (size_t)get_be(p + pos + 1, 2);
		pos += 3;
		if (n - pos < len)
			return corrupt("truncated field", at);
		if (tag <= last_tag)
			return corrupt("fields out of order or repeated", at);
		last_tag = tag;
		if (!(f = find_field(tag)))
			return corrupt("unknown field tag", at);
		if (rule(f, e->kind) == '-')
			return corrupt("field not allowed for this kind", at);
		if ((err = read_value(e, f, p + pos, len, at)) < 0)
			return err;
		seen[f - FIELDS] = 1;
		/* An optional field is written only when set; a zero value is not canonical. */
		if (rule(f, e->kind) == 'O' && !is_set(f, e))
			return corrupt("optional field with empty value", at);
		pos += len;
	}
	for (size_t i = 0; i < N_FIELDS; i++)
		if (rule(&FIELDS[i], e->kind) == 'R' && !seen[i])
			return fl_error_set(FL_ECORRUPT, "entry encoding: %s without %s",
					    fl_kind_name(e->kind), FIELDS[i].name);
	for (size_t i = 0; i < N_FIELDS; i++)
		if (seen[i] && check_value(&FIELDS[i], e) < 0)
			return fl_error_set(FL_ECORRUPT, "entry encoding: %s", fl_error_last());
	if (check_cross(e) < 0)
		return fl_error_set(FL_ECORRUPT, "entry encoding: %s", fl_error_last());
	return 0;
}

int fl_entry_content_digest(unsigned char out[FL_HASH_LEN], const fl_entry *e)
{
	fl_buf b = FL_BUF_INIT;
	int err;
	if ((err = encode_range(&b, e, 0x10, 0x2f)) < 0)
		goto done;
	err = fl_sha256(out, b.data, b.len);
done:
	fl_buf_free(&b);
	return err;
}

int fl_entry_auto_idem(char out[FL_IDEM_MAX + 1], const fl_entry *e)
{
	unsigned char d[FL_HASH_LEN];
	int err;
	if ((err = fl_entry_content_digest(d, e)) < 0)
		return err;
	memcpy(out, "auto-", 5);
	fl_hex_encode(out + 5, d, FL_HASH_LEN);
	return 0;
}
