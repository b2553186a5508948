/*
 * test_entry.c: unit tests for entry.h, the canonical encoding of ledger entries (format v1).
 *
 * Known answers: tests/vectors/entries/<kind>.hex were written by hand from the format
 * definition (see the README there); their SHA-256 and content digests were computed with
 * xxd and sha256sum. The tests build the same entries in C, encode, and compare byte for byte;
 * decode the files back; and then take the hand-written field lists apart to check that
 * decode rejects every non-canonical variation, and that encode refuses the same problems.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/buf.h"
#include "fundledger/crypto.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fundledger/money.h"

#define VEC_DIR "tests/vectors/entries/"
#define MAX_BYTES 4096
#define MAX_FIELDS 40

/* ---- the vector files ---- */

/* One hand-written vector: all bytes, and each data line (magic, kind, one per field). */
typedef struct {
	unsigned char b[MAX_BYTES];
	size_t n;
	size_t line_off[MAX_FIELDS + 2];
	size_t line_len[MAX_FIELDS + 2];
	size_t n_lines;
} vec;

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads VEC_DIR<kind>.hex: '#' lines are comments, whitespace is ignored. */
static void load_vec(vec *v, const char *kind)
{
	char path[256], line[4096];
	FILE *f;

	memset(v, 0, sizeof(*v));
	snprintf(path, sizeof(path), VEC_DIR "%s.hex", kind);
	if (!(f = fopen(path, "r")))
		fail_msg("cannot open %s (tests run from the repository root)", path);
	while (fgets(line, sizeof(line), f)) {
		size_t start = v->n;
		int hi = -1;
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\0')
			continue;
		for (; *s; s++) {
			int d;
			if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
				continue;
			if ((d = hexdigit((unsigned char)*s)) < 0)
				fail_msg("%s: bad character '%c'", path, *s);
			if (hi < 0) {
				hi = d;
				continue;
			}
			assert_true(v->n < MAX_BYTES);
			v->b[v->n++] = (unsigned char)(hi << 4 | d);
			hi = -1;
		}
		if (hi >= 0)
			fail_msg("%s: odd number of hex digits on a line", path);
		assert_true(v->n_lines < MAX_FIELDS + 2);
		v->line_off[v->n_lines] = start;
		v->line_len[v->n_lines] = v->n - start;
		v->n_lines++;
	}
	fclose(f);
	assert_true(v->n_lines >= 2);
}

/* Reads the 64 hex digits at the start of VEC_DIR<name>. */
static void load_digest(unsigned char out[FL_HASH_LEN], const char *name)
{
	char path[256], line[256];
	FILE *f;
	snprintf(path, sizeof(path), VEC_DIR "%s", name);
	if (!(f = fopen(path, "r")))
		fail_msg("cannot open %s", path);
	if (!fgets(line, sizeof(line), f))
		fail_msg("%s is empty", path);
	fclose(f);
	for (size_t i = 0; i < FL_HASH_LEN; i++) {
		int hi = hexdigit((unsigned char)line[2 * i]), lo = hexdigit((unsigned char)line[2 * i + 1]);
		if (hi < 0 || lo < 0)
			fail_msg("%s: not a SHA-256 in hex", path);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

static void dump_diff(const unsigned char *got, size_t gn, const unsigned char *want, size_t wn)
{
	size_t i = 0;
	while (i < gn && i < wn && got[i] == want[i])
		i++;
	print_error("lengths: got %zu, want %zu; first difference at byte %zu\n", gn, wn, i);
	print_error("got : ");
	for (size_t k = i; k < gn && k < i + 24; k++)
		print_error("%02x ", got[k]);
	print_error("\nwant: ");
	for (size_t k = i; k < wn && k < i + 24; k++)
		print_error("%02x ", want[k]);
	print_error("\n");
}

/* ---- the same entries, built in C ---- */

static void fill_prev(fl_entry *e, unsigned start)
{
	for (unsigned i = 0; i < FL_HASH_LEN; i++)
		e->prev[i] = (unsigned char)(start + i);
}

static void make_pledge(fl_entry *e)
{
	fl_entry_init(e);
	e->kind = FL_KIND_PLEDGE;
	e->seq = 7;
	strcpy(e->recorded_at, "2026-03-01T12:00:00Z");
	strcpy(e->recorded_by, "treasurer");
	strcpy(e->idem, "PLG-2026-0001");
	fill_prev(e, 0x00);
	strcpy(e->fund, "VFTC");
	strcpy(e->donor, "NOR");
	strcpy(e->currency, "USD");
	e->amount = INT64_C(2500000000);
	strcpy(e->date, "2026-01-15");
	strcpy(e->due, "2026-06-30");
	e->years[0] = 2026;
	e->years[1] = 2027;
	e->years[2] = 2028;
	e->n_years = 3;
	strcpy(e->earmark, "C\xc3\xb4te d'Ivoire");
	strcpy(e->donor_ref, "NOR/UD-2026/17");
	strcpy(e->announcement, "HRC59 pledging event");
}

static void make_rate(fl_entry *e)
{
	fl_entry_init(e);
	e->kind = FL_KIND_RATE;
	e->seq = 8;
	strcpy(e->recorded_at, "2026-03-02T08:30:00Z");
	strcpy(e->recorded_by, "treasurer");
	strcpy(e->idem, "RATE-EUR-2026-02");
	fill_prev(e, 0x40);
	strcpy(e->currency, "EUR");
	strcpy(e->date, "2026-02-01");
	e->rate = 921000;
}

static void make_contribution(fl_entry *e)
{
	fl_entry_init(e);
	e->kind = FL_KIND_CONTRIBUTION;
	e->seq = 9;
	strcpy(e->recorded_at, "2026-03-01T12:00:00Z");
	strcpy(e->recorded_by, "treasurer");
	strcpy(e->idem, "CTB-2026-0001");
	fill_prev(e, 0xa0);
	strcpy(e->fund, "VFTC");
	strcpy(e->donor, "NOR");
	strcpy(e->currency, "EUR");
	e->amount = 1000000;
	strcpy(e->date, "2026-02-10");
	strcpy(e->bank_ref, "UBS 2026-02-10 #4471");
	e->pledge = 7;
	e->usd = 1085776;
	e->rate_used = 921000;
	e->rate_seq = 8;
}

static void make_reversal(fl_entry *e)
{
	fl_entry_init(e);
	e->kind = FL_KIND_REVERSAL;
	e->seq = 10;
	strcpy(e->recorded_at, "2026-03-01T12:00:00Z");
	strcpy(e->recorded_by, "treasurer");
	strcpy(e->idem, "REV-2026-0001");
	fill_prev(e, 0xc0);
	e->target = 9;
	strcpy(e->reason, "Duplicate of bank line 4471");
}

static void make_writeoff(fl_entry *e)
{
	fl_entry_init(e);
	e->kind = FL_KIND_WRITEOFF;
	e->seq = 11;
	strcpy(e->recorded_at, "2026-03-01T12:00:00Z");
	strcpy(e->recorded_by, "Ana Mar\xc3\xad" "a");
	strcpy(e->idem, "WO-2026-0001");
	fill_prev(e, 0xe0);
	strcpy(e->fund, "VFTC");
	strcpy(e->donor, "NOR");
	strcpy(e->currency, "USD");
	e->amount = 500000000;
	strcpy(e->date, "2026-12-31");
	e->pledge = 7;
	strcpy(e->reason, "Donor reduced the pledge");
}

typedef struct {
	const char *name;
	void (*make)(fl_entry *);
} kind_case;

static const kind_case KINDS[] = {
	{"pledge", make_pledge},     {"contribution", make_contribution}, {"rate", make_rate},
	{"reversal", make_reversal}, {"writeoff", make_writeoff},
};
#define N_KINDS (sizeof(KINDS) / sizeof(KINDS[0]))

/* Field-by-field equality, with the first difference named. */
static const char *entry_diff(const fl_entry *a, const fl_entry *b)
{
#define STR(m)                                                                                     \
	if (strcmp(a->m, b->m))                                                                    \
		return #m;
#define NUM(m)                                                                                     \
	if (a->m != b->m)                                                                          \
		return #m;
	NUM(kind) NUM(seq) STR(recorded_at) STR(recorded_by) STR(idem);
	if (memcmp(a->prev, b->prev, FL_HASH_LEN))
		return "prev";
	STR(fund) STR(donor) STR(currency) NUM(amount) STR(date) STR(due) NUM(n_years);
	for (size_t i = 0; i < a->n_years && i < FL_YEARS_MAX; i++)
		if (a->years[i] != b->years[i])
			return "years";
	STR(earmark) STR(donor_ref) STR(announcement) STR(bank_ref) NUM(pledge) NUM(rate);
	NUM(target) STR(reason) NUM(usd) NUM(rate_used) NUM(rate_seq);
	return NULL;
#undef STR
#undef NUM
}

#define ASSERT_ENTRY_EQ(a, b)                                                                      \
	do {                                                                                       \
		const char *d_ = entry_diff((a), (b));                                             \
		if (d_)                                                                            \
			fail_msg("entries differ in %s", d_);                                      \
	} while (0)

/* ---- known answers ---- */

static void test_vectors_encode_byte_for_byte(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		vec v;
		fl_entry e;
		fl_buf b = FL_BUF_INIT;
		unsigned char want[FL_HASH_LEN], got[FL_HASH_LEN];
		char name[64];
		int rc;

		load_vec(&v, KINDS[k].name);
		KINDS[k].make(&e);
		rc = fl_entry_encode(&b, &e);
		if (rc != 0)
			fail_msg("%s: encode failed: %d %s", KINDS[k].name, rc, fl_error_last());
		if (b.len != v.n || memcmp(b.data, v.b, v.n) != 0) {
			dump_diff(b.data, b.len, v.b, v.n);
			fail_msg("%s: encoding differs from %s.hex", KINDS[k].name, KINDS[k].name);
		}
		/* The hash of the entry is the independently computed SHA-256 of the file. */
		snprintf(name, sizeof(name), "%s.sha256", KINDS[k].name);
		load_digest(want, name);
		assert_int_equal(fl_sha256(got, b.data, b.len), 0);
		if (memcmp(got, want, FL_HASH_LEN) != 0)
			fail_msg("%s: SHA-256 differs from %s", KINDS[k].name, name);
		fl_buf_free(&b);
	}
}

static void test_vectors_decode(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		vec v;
		fl_entry want, got;
		load_vec(&v, KINDS[k].name);
		KINDS[k].make(&want);
		memset(&got, 0xa5, sizeof(got));
		if (fl_entry_decode(&got, v.b, v.n) != 0)
			fail_msg("%s.hex does not decode: %s", KINDS[k].name, fl_error_last());
		/* Absent text is "" and absent numbers are 0, whatever *out held before. */
		ASSERT_ENTRY_EQ(&got, &want);
	}
}

static void test_vectors_content_digest(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		vec v;
		fl_entry e;
		fl_buf content = FL_BUF_INIT;
		unsigned char want[FL_HASH_LEN], got[FL_HASH_LEN], mine[FL_HASH_LEN];
		char name[64], idem[FL_IDEM_MAX + 1], want_idem[FL_IDEM_MAX + 1];

		load_vec(&v, KINDS[k].name);
		KINDS[k].make(&e);
		snprintf(name, sizeof(name), "%s.content.sha256", KINDS[k].name);
		load_digest(want, name);
		assert_int_equal(fl_entry_content_digest(got, &e), 0);
		if (memcmp(got, want, FL_HASH_LEN) != 0)
			fail_msg("%s: content digest differs from %s", KINDS[k].name, name);
		/* Cross-check the file: magic, kind and the lines of tags 0x10..0x2f. */
		for (size_t i = 0; i < v.n_lines; i++) {
			unsigned tag = v.b[v.line_off[i]];
			if (i < 2 || (tag >= 0x10 && tag <= 0x2f))
				assert_int_equal(fl_buf_put(&content, v.b + v.line_off[i], v.line_len[i]), 0);
		}
		assert_int_equal(fl_sha256(mine, content.data, content.len), 0);
		assert_memory_equal(mine, want, FL_HASH_LEN);
		/* The derived key. */
		memset(idem, 'Z', sizeof(idem));
		assert_int_equal(fl_entry_auto_idem(idem, &e), 0);
		memcpy(want_idem, "auto-", 5);
		fl_hex_encode(want_idem + 5, want, FL_HASH_LEN);
		assert_string_equal(idem, want_idem);
		assert_int_equal(strlen(idem), 5 + FL_HASH_HEX_LEN);
		fl_buf_free(&content);
	}
}

/* ---- round trips ---- */

static void round_trip(const fl_entry *e)
{
	fl_buf b = FL_BUF_INIT, again = FL_BUF_INIT;
	fl_entry d;
	if (fl_entry_encode(&b, e) != 0)
		fail_msg("encode: %s", fl_error_last());
	if (fl_entry_decode(&d, b.data, b.len) != 0)
		fail_msg("decode of own encoding: %s", fl_error_last());
	ASSERT_ENTRY_EQ(&d, e);
	/* And bytes -> entry -> bytes gives the same bytes. */
	assert_int_equal(fl_entry_encode(&again, &d), 0);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.data, b.data, b.len);
	fl_buf_free(&b);
	fl_buf_free(&again);
}

static void test_round_trip(void **state)
{
	fl_entry e;
	(void)state;

	for (size_t k = 0; k < N_KINDS; k++) {
		KINDS[k].make(&e);
		round_trip(&e);
	}
	/* A pledge without any optional field, one year, seq 1 with zero prev. */
	make_pledge(&e);
	e.seq = 1;
	memset(e.prev, 0, sizeof(e.prev));
	e.due[0] = e.earmark[0] = e.donor_ref[0] = e.announcement[0] = 0;
	e.n_years = 1;
	e.years[1] = e.years[2] = 0;
	round_trip(&e);
	/* Sixteen years, the most. */
	make_pledge(&e);
	for (size_t i = 0; i < FL_YEARS_MAX; i++)
		e.years[i] = (uint16_t)(2020 + 2 * i);
	e.n_years = FL_YEARS_MAX;
	round_trip(&e);
	/* A USD contribution without a pledge: converts at 1, no rate entry. */
	make_contribution(&e);
	strcpy(e.currency, "USD");
	e.pledge = 0;
	e.usd = e.amount;
	e.rate_used = FL_RATE_SCALE;
	e.rate_seq = 0;
	round_trip(&e);
	/* A contribution so small that its USD figure rounds to 0 cents. */
	make_contribution(&e);
	strcpy(e.currency, "JPY");
	e.amount = 1;
	e.usd = 0;
	e.rate_used = 149350000;
	round_trip(&e);
	/* Extremes: the largest amount, seq and rate; texts at their maximum length. */
	make_writeoff(&e);
	e.amount = FL_AMOUNT_MAX;
	e.seq = UINT64_MAX;
	e.pledge = UINT64_MAX - 1;
	memset(e.reason, 'r', FL_TEXT_MAX);
	e.reason[FL_TEXT_MAX] = 0;
	memset(e.recorded_by, 'b', FL_NAME_MAX);
	e.recorded_by[FL_NAME_MAX] = 0;
	memset(e.idem, 'i', FL_IDEM_MAX);
	e.idem[FL_IDEM_MAX] = 0;
	round_trip(&e);
	make_rate(&e);
	e.rate = FL_RATE_MAX;
	round_trip(&e);
	e.rate = 1;
	round_trip(&e);
	/* A 32-character code, the longest. */
	make_pledge(&e);
	strcpy(e.fund, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234");
	assert_int_equal(strlen(e.fund), FL_CODE_MAX);
	round_trip(&e);
	/* Four-byte UTF-8 and the last code point. */
	make_reversal(&e);
	strcpy(e.reason, "\xf0\x9f\x92\xb6 \xf4\x8f\xbf\xbf \xe2\x82\xac");
	round_trip(&e);
}

static void test_encode_appends(void **state)
{
	fl_buf b = FL_BUF_INIT;
	fl_entry e;
	vec v;
	(void)state;

	load_vec(&v, "rate");
	make_rate(&e);
	assert_int_equal(fl_buf_puts(&b, "prefix"), 0);
	assert_int_equal(fl_entry_encode(&b, &e), 0);
	assert_int_equal(b.len, 6 + v.n);
	assert_memory_equal(b.data, "prefix", 6);
	assert_memory_equal(b.data + 6, v.b, v.n);
	assert_int_equal(b.data[b.len], 0);
	fl_buf_free(&b);
}

/* ---- a hand-made field list, to build non-canonical encodings ---- */

typedef struct {
	unsigned char tag;
	unsigned char val[1024];
	size_t len;
} tfield;

typedef struct {
	unsigned char head[5]; /* magic, version, kind */
	tfield f[MAX_FIELDS];
	size_t n;
} tentry;

static void te_from_vec(tentry *t, const char *kind)
{
	vec v;
	load_vec(&v, kind);
	memset(t, 0, sizeof(*t));
	assert_int_equal(v.line_len[0], 4);
	assert_int_equal(v.line_len[1], 1);
	memcpy(t->head, v.b, 5);
	for (size_t i = 2; i < v.n_lines; i++) {
		const unsigned char *p = v.b + v.line_off[i];
		tfield *f = &t->f[t->n++];
		f->tag = p[0];
		f->len = (size_t)p[1] << 8 | p[2];
		assert_int_equal(f->len + 3, v.line_len[i]);
		memcpy(f->val, p + 3, f->len);
	}
}

static size_t te_find(const tentry *t, unsigned tag)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->f[i].tag == tag)
			return i;
	fail_msg("no tag 0x%02x in the test entry", tag);
	return 0;
}

/*
 * Opens a slot at index i (a copy of f[i] stays there). A loop rather than memmove: valgrind
 * reports glibc's fortified __memmove_chk as an overlapping memcpy.
 */
static void te_open_slot(tentry *t, size_t i)
{
	assert_true(t->n < MAX_FIELDS);
	for (size_t k = t->n; k > i; k--)
		t->f[k] = t->f[k - 1];
	t->n++;
}

static void te_del(tentry *t, unsigned tag)
{
	size_t i = te_find(t, tag);
	for (size_t k = i; k + 1 < t->n; k++)
		t->f[k] = t->f[k + 1];
	t->n--;
}

/* Sets a field's value; inserts it in tag order when absent. */
static void te_set(tentry *t, unsigned tag, const void *val, size_t len)
{
	size_t i = 0;
	assert_true(len <= sizeof(t->f[0].val));
	while (i < t->n && t->f[i].tag < tag)
		i++;
	if (i == t->n || t->f[i].tag != tag) {
		te_open_slot(t, i);
		t->f[i].tag = (unsigned char)tag;
	}
	memcpy(t->f[i].val, val, len);
	t->f[i].len = len;
}

static void te_set_str(tentry *t, unsigned tag, const char *s)
{
	te_set(t, tag, s, strlen(s));
}

static void te_set_u64(tentry *t, unsigned tag, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
	te_set(t, tag, b, 8);
}

/* Appends a field at the end, whatever its tag. */
static void te_push(tentry *t, unsigned tag, const void *val, size_t len)
{
	assert_true(t->n < MAX_FIELDS);
	t->f[t->n].tag = (unsigned char)tag;
	memcpy(t->f[t->n].val, val, len);
	t->f[t->n].len = len;
	t->n++;
}

static size_t te_ser(const tentry *t, unsigned char *out, size_t cap)
{
	size_t n = 5;
	memcpy(out, t->head, 5);
	for (size_t i = 0; i < t->n; i++) {
		assert_true(n + 3 + t->f[i].len <= cap);
		out[n++] = t->f[i].tag;
		out[n++] = (unsigned char)(t->f[i].len >> 8);
		out[n++] = (unsigned char)t->f[i].len;
		memcpy(out + n, t->f[i].val, t->f[i].len);
		n += t->f[i].len;
	}
	return n;
}

/*
 * Decodes bytes that must be rejected with FL_ECORRUPT. When sub is not NULL the message must
 * contain it. (What *out holds after a failure is not specified.)
 */
static int bytes_reject_at(int line, const unsigned char *p, size_t n, const char *sub)
{
	fl_entry out;
	int rc;
	memset(&out, 0x5a, sizeof(out));
	fl_error_clear();
	rc = fl_entry_decode(&out, p, n);
	if (rc != FL_ECORRUPT || fl_error_code() != FL_ECORRUPT) {
		print_error("line %d: decode returned %d (code %d, \"%s\"), want FL_ECORRUPT\n",
			    line, rc, fl_error_code(), fl_error_last());
		return 1;
	}
	if (sub && !strstr(fl_error_last(), sub)) {
		print_error("line %d: message \"%s\" should contain \"%s\"\n", line, fl_error_last(),
			    sub);
		return 1;
	}
	return 0;
}

static int te_reject_at(int line, const tentry *t, const char *sub)
{
	unsigned char buf[MAX_BYTES + 2048];
	size_t n = te_ser(t, buf, sizeof(buf));
	return bytes_reject_at(line, buf, n, sub);
}

#define BYTES_REJECT(p, n, sub) (fails += bytes_reject_at(__LINE__, (p), (n), (sub)))
#define TE_REJECT(t, sub) (fails += te_reject_at(__LINE__, (t), (sub)))

/* A control: the unmodified field lists must decode, or every rejection below is void. */
static void test_field_lists_decode(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		tentry t;
		unsigned char buf[MAX_BYTES];
		fl_entry e, want;
		size_t n;
		te_from_vec(&t, KINDS[k].name);
		n = te_ser(&t, buf, sizeof(buf));
		if (fl_entry_decode(&e, buf, n) != 0)
			fail_msg("%s: %s", KINDS[k].name, fl_error_last());
		KINDS[k].make(&want);
		ASSERT_ENTRY_EQ(&e, &want);
	}
}

static void test_decode_rejects_framing(void **state)
{
	tentry t;
	unsigned char buf[MAX_BYTES + 16];
	size_t n;
	int fails = 0;
	(void)state;

	te_from_vec(&t, "pledge");
	n = te_ser(&t, buf, sizeof(buf));

	/* Magic and version. */
	BYTES_REJECT((const unsigned char *)"", 0, "bad magic");
	BYTES_REJECT((const unsigned char *)"FLE\x01", 4, "bad magic");
	buf[0] = 'f';
	BYTES_REJECT(buf, n, "bad magic");
	buf[0] = 'F';
	buf[2] = 'X';
	BYTES_REJECT(buf, n, "bad magic");
	buf[2] = 'E';
	buf[3] = 0x03;
	BYTES_REJECT(buf, n, "unsupported format version");
	buf[3] = 0x00;
	BYTES_REJECT(buf, n, "unsupported format version");
	/* Format v2 leaves the v1 kinds' bytes as they were: a pledge under version 2 is not
	 * another encoding of it. */
	buf[3] = 0x02;
	BYTES_REJECT(buf, n, "kind not of this format version");
	buf[3] = 0x01;

	/* Kinds. */
	{
		static const unsigned char bad_kinds[] = {0x00, 0x0a, 0x7f, 0xff};
		for (size_t i = 0; i < sizeof(bad_kinds); i++) {
			buf[4] = bad_kinds[i];
			BYTES_REJECT(buf, n, "unknown kind");
		}
		buf[4] = FL_KIND_PLEDGE;
	}
	/* The kind byte is checked against the fields: a pledge's fields under "rate". */
	buf[4] = FL_KIND_RATE;
	BYTES_REJECT(buf, n, "field not allowed for this kind");
	buf[4] = FL_KIND_PLEDGE;
	/* Magic and kind only, no fields: everything required is missing. */
	BYTES_REJECT(buf, 5, "without seq");

	/* Truncation: inside a field header (1 and 2 bytes of it) and inside a value. */
	BYTES_REJECT(buf, 6, "truncated field header");
	BYTES_REJECT(buf, 7, "truncated field header");
	BYTES_REJECT(buf, 8, "truncated field");
	BYTES_REJECT(buf, 15, "truncated field");
	BYTES_REJECT(buf, n - 1, "truncated field");
	/*
	 * Every proper prefix fails for kinds whose last field is required (a pledge's prefix
	 * that stops before its optional tail is a valid pledge, so it is not in this list).
	 */
	{
		static const char *const tail_required[] = {"contribution", "rate", "reversal",
							     "writeoff"};
		for (size_t k = 0; k < 4; k++) {
			tentry w;
			unsigned char wb[MAX_BYTES];
			size_t wn;
			te_from_vec(&w, tail_required[k]);
			wn = te_ser(&w, wb, sizeof(wb));
			for (size_t cut = 0; cut < wn; cut++)
				BYTES_REJECT(wb, cut, NULL);
		}
	}

	/* Trailing bytes after a complete entry. */
	buf[n] = 0x00;
	BYTES_REJECT(buf, n + 1, "truncated field header");
	buf[n + 1] = 0x00;
	BYTES_REJECT(buf, n + 2, "truncated field header");
	buf[n + 2] = 0x00;
	BYTES_REJECT(buf, n + 3, "out of order");
	buf[n] = 0x40; /* a tag after the last one, unknown */
	BYTES_REJECT(buf, n + 3, "unknown field tag");
	assert_int_equal(fails, 0);
}

static void test_decode_rejects_field_structure(void **state)
{
	tentry t, base;
	int fails = 0;
	(void)state;

	te_from_vec(&base, "contribution");

	/* Two fields swapped. */
	t = base;
	{
		tfield tmp = t.f[5];
		t.f[5] = t.f[6];
		t.f[6] = tmp;
	}
	TE_REJECT(&t, "fields out of order or repeated");
	/* The first and last swapped. */
	t = base;
	{
		tfield tmp = t.f[0];
		t.f[0] = t.f[t.n - 1];
		t.f[t.n - 1] = tmp;
	}
	TE_REJECT(&t, "fields out of order or repeated");
	/* A tag repeated with the same value, and with another. */
	t = base;
	te_push(&t, t.f[t.n - 1].tag, t.f[t.n - 1].val, t.f[t.n - 1].len);
	TE_REJECT(&t, "fields out of order or repeated");
	t = base;
	te_open_slot(&t, 0); /* seq twice */
	TE_REJECT(&t, "fields out of order or repeated");

	/* Tags that format v2 does not define, in each gap. */
	{
		static const unsigned unknown[] = {0x06, 0x0f, 0x2f, 0x36, 0xff};
		for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
			t = base;
			te_set(&t, unknown[i], "\x00\x00\x00\x00\x00\x00\x00\x01", 8);
			TE_REJECT(&t, "unknown field tag");
		}
	}
	/* Tag 0x00 cannot come first (tags start above it). */
	t = base;
	te_open_slot(&t, 0);
	t.f[0].tag = 0x00;
	t.f[0].len = 0;
	TE_REJECT(&t, NULL);

	/* Fields the kind does not take. */
	t = base;
	te_set(&t, FL_TAG_YEARS, "\x07\xea", 2);
	TE_REJECT(&t, "field not allowed for this kind");
	t = base;
	te_set_u64(&t, FL_TAG_RATE, 921000);
	TE_REJECT(&t, "field not allowed for this kind");
	t = base;
	te_set_str(&t, FL_TAG_REASON, "why");
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "rate");
	te_set_str(&t, FL_TAG_FUND, "VFTC");
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "reversal");
	te_set_u64(&t, FL_TAG_AMOUNT, 5);
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "pledge");
	te_set_str(&t, FL_TAG_BANK_REF, "UBS 1");
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "pledge");
	te_set_u64(&t, FL_TAG_PLEDGE, 3);
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "writeoff");
	te_set_u64(&t, FL_TAG_USD, 5);
	TE_REJECT(&t, "field not allowed for this kind");
	te_from_vec(&t, "writeoff");
	te_set_str(&t, FL_TAG_DUE, "2027-01-01");
	TE_REJECT(&t, "field not allowed for this kind");

	/* Required fields, one at a time, for every kind. */
	for (size_t k = 0; k < N_KINDS; k++) {
		tentry full;
		te_from_vec(&full, KINDS[k].name);
		for (size_t i = 0; i < full.n; i++) {
			unsigned tag = full.f[i].tag;
			int optional = tag == FL_TAG_DUE || tag == FL_TAG_EARMARK ||
				       tag == FL_TAG_DONOR_REF || tag == FL_TAG_ANNOUNCEMENT ||
				       tag == FL_TAG_RATE_SEQ ||
				       (tag == FL_TAG_PLEDGE && full.head[4] == FL_KIND_CONTRIBUTION);
			if (optional)
				continue;
			t = full;
			te_del(&t, tag);
			TE_REJECT(&t, " without ");
		}
	}
	te_from_vec(&t, "pledge");
	te_del(&t, FL_TAG_YEARS);
	TE_REJECT(&t, "entry encoding: pledge without years");
	te_from_vec(&t, "contribution");
	te_del(&t, FL_TAG_USD);
	TE_REJECT(&t, "entry encoding: contribution without usd");
	te_from_vec(&t, "writeoff");
	te_del(&t, FL_TAG_PLEDGE);
	TE_REJECT(&t, "entry encoding: writeoff without pledge");

	/* Optional fields present with an empty or zero value. */
	t = base;
	te_set_u64(&t, FL_TAG_PLEDGE, 0);
	TE_REJECT(&t, "optional field with empty value");
	t = base;
	te_set_u64(&t, FL_TAG_RATE_SEQ, 0);
	TE_REJECT(&t, "optional field with empty value");
	{
		static const unsigned opt_text[] = {FL_TAG_DUE, FL_TAG_EARMARK, FL_TAG_DONOR_REF,
						    FL_TAG_ANNOUNCEMENT};
		for (size_t i = 0; i < 4; i++) {
			te_from_vec(&t, "pledge");
			te_set(&t, opt_text[i], "", 0);
			TE_REJECT(&t, NULL);
		}
	}
	/* A required text may not be empty either. */
	te_from_vec(&t, "reversal");
	te_set(&t, FL_TAG_REASON, "", 0);
	TE_REJECT(&t, NULL);
	t = base;
	te_set(&t, FL_TAG_BANK_REF, "", 0);
	TE_REJECT(&t, NULL);

	/* Wrong lengths for fixed-size values. */
	t = base;
	te_set(&t, FL_TAG_AMOUNT, "\x00\x0f\x42\x40", 4);
	TE_REJECT(&t, "bad integer length");
	t = base;
	te_set(&t, FL_TAG_AMOUNT, "\x00\x00\x00\x00\x00\x00\x0f\x42\x40", 9);
	TE_REJECT(&t, "bad integer length");
	t = base;
	te_set(&t, FL_TAG_SEQ, "\x09", 1);
	TE_REJECT(&t, "bad integer length");
	t = base;
	te_set(&t, FL_TAG_RATE_USED, "", 0);
	TE_REJECT(&t, "bad integer length");
	t = base;
	t.f[te_find(&t, FL_TAG_PREV)].len = 31;
	TE_REJECT(&t, "bad hash length");
	t = base;
	t.f[te_find(&t, FL_TAG_PREV)].len = 33;
	TE_REJECT(&t, "bad hash length");
	te_from_vec(&t, "pledge");
	te_set(&t, FL_TAG_YEARS, "\x07\xea\x07", 3);
	TE_REJECT(&t, "bad years length");
	te_from_vec(&t, "pledge");
	te_set(&t, FL_TAG_YEARS, "", 0);
	TE_REJECT(&t, "bad years length");
	{
		unsigned char y[2 * (FL_YEARS_MAX + 1)];
		for (size_t i = 0; i <= FL_YEARS_MAX; i++) {
			y[2 * i] = (unsigned char)((2000 + i) >> 8);
			y[2 * i + 1] = (unsigned char)(2000 + i);
		}
		te_from_vec(&t, "pledge");
		te_set(&t, FL_TAG_YEARS, y, sizeof(y));
		TE_REJECT(&t, "bad years length");
		/* Sixteen is fine. */
		te_set(&t, FL_TAG_YEARS, y, sizeof(y) - 2);
		{
			unsigned char buf[MAX_BYTES];
			fl_entry e;
			size_t n = te_ser(&t, buf, sizeof(buf));
			assert_int_equal(fl_entry_decode(&e, buf, n), 0);
			assert_int_equal(e.n_years, FL_YEARS_MAX);
			assert_int_equal(e.years[15], 2015);
		}
	}
	/* Texts longer than their maximum, or holding a NUL. */
	t = base;
	te_set_str(&t, FL_TAG_CURRENCY, "EURO");
	TE_REJECT(&t, "bad text length");
	t = base;
	te_set_str(&t, FL_TAG_DATE, "2026-02-100");
	TE_REJECT(&t, "bad text length");
	t = base;
	te_set_str(&t, FL_TAG_RECORDED_AT, "2026-03-01T12:00:00ZZ");
	TE_REJECT(&t, "bad text length");
	t = base;
	te_set_str(&t, FL_TAG_FUND, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-012345");
	TE_REJECT(&t, "bad text length");
	{
		char big[FL_TEXT_MAX + 2];
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		t = base;
		te_set_str(&t, FL_TAG_BANK_REF, big);
		TE_REJECT(&t, "bad text length");
		big[FL_NAME_MAX + 1] = 0;
		t = base;
		te_set_str(&t, FL_TAG_RECORDED_BY, big);
		TE_REJECT(&t, "bad text length");
		big[FL_IDEM_MAX + 1] = 0;
		memset(big, 'k', FL_IDEM_MAX + 1);
		t = base;
		te_set_str(&t, FL_TAG_IDEM, big);
		TE_REJECT(&t, "bad text length");
	}
	t = base;
	te_set(&t, FL_TAG_BANK_REF, "UBS\0 1", 6);
	TE_REJECT(&t, "bad text length");
	t = base;
	te_set(&t, FL_TAG_DONOR, "NO\0", 3);
	TE_REJECT(&t, "bad text length");
	assert_int_equal(fails, 0);
}

/* Values that are well framed but not valid: rejected by the checks decode shares with encode. */
static void test_decode_rejects_values(void **state)
{
	tentry t, base;
	int fails = 0;
	(void)state;

	te_from_vec(&base, "contribution");

	/* Years out of order, repeated, out of range. */
	te_from_vec(&t, "pledge");
	te_set(&t, FL_TAG_YEARS, "\x07\xeb\x07\xea", 4);
	TE_REJECT(&t, NULL);
	te_set(&t, FL_TAG_YEARS, "\x07\xea\x07\xea", 4);
	TE_REJECT(&t, NULL);
	te_set(&t, FL_TAG_YEARS, "\x07\x6b", 2); /* 1899 */
	TE_REJECT(&t, NULL);
	te_set(&t, FL_TAG_YEARS, "\x27\x10", 2); /* 10000 */
	TE_REJECT(&t, NULL);

	/* Invalid UTF-8 and control characters in text. */
	{
		static const char *const bad_text[] = {
			"C\xc3(te",             /* bad continuation */
			"\xc0\xaf",             /* overlong '/' */
			"\xe0\x80\xaf",         /* overlong, 3 bytes */
			"\xed\xa0\x80",         /* surrogate */
			"ab\xe2\x82",           /* truncated sequence */
			"\xf4\x90\x80\x80",     /* beyond U+10FFFF */
			"\xff",                 /* never valid */
			"\x80 x",               /* lone continuation */
			"tab\there",            /* C0 control */
			"new\nline",            /* C0 control */
			"del\x7f",              /* DEL */
			"nel\xc2\x85",          /* C1 control */
			" leading space",       /* not trimmed */
			"trailing space ",      /* not trimmed */
		};
		for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
			te_from_vec(&t, "pledge");
			te_set_str(&t, FL_TAG_EARMARK, bad_text[i]);
			if (te_reject_at(__LINE__, &t, NULL))
				fails++, print_error("  (earmark case %zu)\n", i);
			t = base;
			te_set_str(&t, FL_TAG_RECORDED_BY, bad_text[i]);
			if (te_reject_at(__LINE__, &t, NULL))
				fails++, print_error("  (recorded_by case %zu)\n", i);
		}
	}

	/* Dates and times that do not exist or are not in the one form. */
	{
		static const char *const bad_dates[] = {"2026-02-30", "2025-02-29", "2026-13-01",
							"2026-00-10", "2026-04-31", "1899-12-31",
							"2026/02/10", "2026-2-10x", "20260210  "};
		for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
			t = base;
			te_set_str(&t, FL_TAG_DATE, bad_dates[i]);
			if (te_reject_at(__LINE__, &t, NULL))
				fails++, print_error("  (date '%s')\n", bad_dates[i]);
		}
	}
	t = base;
	te_set_str(&t, FL_TAG_RECORDED_AT, "2026-03-01T24:00:00Z");
	TE_REJECT(&t, NULL);
	t = base;
	te_set_str(&t, FL_TAG_RECORDED_AT, "2026-03-01 12:00:00Z");
	TE_REJECT(&t, NULL);
	t = base;
	te_set_str(&t, FL_TAG_RECORDED_AT, "2026-03-01T12:00:00");
	TE_REJECT(&t, NULL);
	/* Due before the pledge date. */
	te_from_vec(&t, "pledge");
	te_set_str(&t, FL_TAG_DUE, "2026-01-14");
	TE_REJECT(&t, NULL);

	/* Amounts: zero, negative, above the maximum. */
	t = base;
	te_set_u64(&t, FL_TAG_AMOUNT, 0);
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_AMOUNT, UINT64_MAX); /* -1 */
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_AMOUNT, UINT64_C(1) << 63); /* INT64_MIN */
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_AMOUNT, (uint64_t)FL_AMOUNT_MAX + 1);
	TE_REJECT(&t, NULL);
	te_from_vec(&t, "writeoff");
	te_set_u64(&t, FL_TAG_AMOUNT, 0);
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_USD, UINT64_MAX);
	TE_REJECT(&t, NULL);
	/* Seq 0, rates 0 and above the maximum. */
	t = base;
	te_set_u64(&t, FL_TAG_SEQ, 0);
	TE_REJECT(&t, NULL);
	te_from_vec(&t, "rate");
	te_set_u64(&t, FL_TAG_RATE, 0);
	TE_REJECT(&t, NULL);
	te_from_vec(&t, "rate");
	te_set_u64(&t, FL_TAG_RATE, FL_RATE_MAX + 1);
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_RATE_USED, 0);
	TE_REJECT(&t, NULL);

	/* References must point to earlier entries. */
	t = base; /* seq 9 */
	te_set_u64(&t, FL_TAG_PLEDGE, 9);
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_PLEDGE, 10);
	TE_REJECT(&t, NULL);
	t = base;
	te_set_u64(&t, FL_TAG_RATE_SEQ, 9);
	TE_REJECT(&t, NULL);
	te_from_vec(&t, "reversal"); /* seq 10 */
	te_set_u64(&t, FL_TAG_TARGET, 10);
	TE_REJECT(&t, NULL);
	te_from_vec(&t, "writeoff"); /* seq 11 */
	te_set_u64(&t, FL_TAG_PLEDGE, 12);
	TE_REJECT(&t, NULL);

	/* Codes. */
	t = base;
	te_set_str(&t, FL_TAG_FUND, "vftc");
	TE_REJECT(&t, NULL);
	t = base;
	te_set_str(&t, FL_TAG_DONOR, "N");
	TE_REJECT(&t, NULL);
	t = base;
	te_set_str(&t, FL_TAG_CURRENCY, "eur");
	TE_REJECT(&t, NULL);
	t = base;
	te_set_str(&t, FL_TAG_CURRENCY, "EU");
	TE_REJECT(&t, NULL);

	/* Contribution figures: USD converts at 1 with usd == amount and no rate entry. */
	t = base;
	te_set_str(&t, FL_TAG_CURRENCY, "USD");
	te_del(&t, FL_TAG_RATE_SEQ);
	te_set_u64(&t, FL_TAG_RATE_USED, FL_RATE_SCALE);
	te_set_u64(&t, FL_TAG_USD, 1000000);
	{
		/* The control: this one is valid. */
		unsigned char buf[MAX_BYTES];
		fl_entry e;
		size_t n = te_ser(&t, buf, sizeof(buf));
		if (fl_entry_decode(&e, buf, n) != 0)
			fail_msg("valid USD contribution rejected: %s", fl_error_last());
	}
	te_set_u64(&t, FL_TAG_USD, 1000001);
	TE_REJECT(&t, NULL);
	te_set_u64(&t, FL_TAG_USD, 0);
	TE_REJECT(&t, NULL);
	te_set_u64(&t, FL_TAG_USD, 1000000);
	te_set_u64(&t, FL_TAG_RATE_USED, 921000);
	TE_REJECT(&t, NULL);
	te_set_u64(&t, FL_TAG_RATE_USED, FL_RATE_SCALE);
	te_set_u64(&t, FL_TAG_RATE_SEQ, 8);
	TE_REJECT(&t, NULL);
	/* A non-USD contribution names its rate entry. */
	t = base;
	te_del(&t, FL_TAG_RATE_SEQ);
	TE_REJECT(&t, NULL);
	/* No rate for USD against itself. */
	te_from_vec(&t, "rate");
	te_set_str(&t, FL_TAG_CURRENCY, "USD");
	TE_REJECT(&t, NULL);
	assert_int_equal(fails, 0);
}

/*
 * The message of a value rejection must say what is wrong. (Decode prefixes the shared
 * check's message with "entry encoding: ".)
 */
static void test_decode_messages_keep_the_reason(void **state)
{
	tentry t;
	int fails = 0;
	(void)state;

	te_from_vec(&t, "rate");
	te_set_str(&t, FL_TAG_DATE, "2026-02-30");
	TE_REJECT(&t, "entry encoding: date is not a valid date");
	te_from_vec(&t, "contribution");
	te_set_u64(&t, FL_TAG_AMOUNT, 0);
	TE_REJECT(&t, "entry encoding: amount out of range");
	te_from_vec(&t, "contribution");
	te_set_u64(&t, FL_TAG_PLEDGE, 9);
	TE_REJECT(&t, "entry encoding: pledge 9 does not precede entry 9");
	te_from_vec(&t, "contribution");
	te_del(&t, FL_TAG_RATE_SEQ);
	TE_REJECT(&t, "entry encoding: a EUR contribution must name its rate entry");
	te_from_vec(&t, "pledge");
	te_set_str(&t, FL_TAG_EARMARK, "a\tb");
	TE_REJECT(&t, "entry encoding: earmark: control character in text");
	te_from_vec(&t, "pledge");
	te_set(&t, FL_TAG_YEARS, "\x07\xeb\x07\xea", 4);
	TE_REJECT(&t, "entry encoding: years must increase");
	assert_int_equal(fails, 0);
}

/* ---- encode refuses the same problems ---- */

static int encode_reject_at(int line, const fl_entry *e, const char *sub)
{
	fl_buf b = FL_BUF_INIT;
	int rc, bad = 0;
	if (fl_buf_puts(&b, "kept") != 0)
		return 1;
	fl_error_clear();
	rc = fl_entry_encode(&b, e);
	if (rc != FL_EINVALID || fl_error_code() != FL_EINVALID) {
		print_error("line %d: encode returned %d (\"%s\"), want FL_EINVALID\n", line, rc,
			    fl_error_last());
		bad = 1;
	} else if (b.len != 4 || strcmp(fl_buf_cstr(&b), "kept") != 0) {
		print_error("line %d: a failed encode left %zu bytes in the buffer\n", line, b.len);
		bad = 1;
	} else if (sub && !strstr(fl_error_last(), sub)) {
		print_error("line %d: message \"%s\" should contain \"%s\"\n", line, fl_error_last(),
			    sub);
		bad = 1;
	}
	fl_buf_free(&b);
	return bad;
}
#define ENC_REJECT(e, sub) (fails += encode_reject_at(__LINE__, (e), (sub)))

static void test_encode_rejects(void **state)
{
	fl_entry e;
	int fails = 0;
	(void)state;

	/* Kinds. */
	make_rate(&e);
	e.kind = (fl_kind)0;
	ENC_REJECT(&e, "unknown entry kind");
	e.kind = (fl_kind)10;
	ENC_REJECT(&e, "unknown entry kind");

	/* Missing required fields. */
	make_pledge(&e);
	e.date[0] = 0;
	ENC_REJECT(&e, "date");
	make_pledge(&e);
	e.n_years = 0;
	ENC_REJECT(&e, "years");
	make_pledge(&e);
	e.fund[0] = 0;
	ENC_REJECT(&e, "fund");
	make_pledge(&e);
	e.amount = 0;
	ENC_REJECT(&e, "amount");
	make_pledge(&e);
	e.recorded_at[0] = 0;
	ENC_REJECT(&e, "recorded_at");
	make_pledge(&e);
	e.idem[0] = 0;
	ENC_REJECT(&e, NULL);
	make_pledge(&e);
	e.seq = 0;
	ENC_REJECT(&e, "seq must be at least 1");
	make_contribution(&e);
	e.bank_ref[0] = 0;
	ENC_REJECT(&e, "bank_ref");
	make_contribution(&e);
	e.rate_used = 0;
	ENC_REJECT(&e, "rate_used");
	make_rate(&e);
	e.rate = 0;
	ENC_REJECT(&e, "rate out of range");
	make_reversal(&e);
	e.target = 0;
	ENC_REJECT(&e, "target");
	make_reversal(&e);
	e.reason[0] = 0;
	ENC_REJECT(&e, "reason");
	make_writeoff(&e);
	e.pledge = 0;
	ENC_REJECT(&e, "pledge");

	/* Fields the kind does not take. */
	make_rate(&e);
	strcpy(e.fund, "VFTC");
	ENC_REJECT(&e, "a rate has no fund");
	make_reversal(&e);
	e.amount = 5;
	ENC_REJECT(&e, "a reversal has no amount");
	make_pledge(&e);
	strcpy(e.bank_ref, "UBS 1");
	ENC_REJECT(&e, "a pledge has no bank_ref");
	make_contribution(&e);
	e.years[0] = 2026;
	e.n_years = 1;
	ENC_REJECT(&e, "a contribution has no years");
	make_writeoff(&e);
	e.usd = 5;
	ENC_REJECT(&e, "a writeoff has no usd");
	make_pledge(&e);
	e.rate_seq = 1;
	ENC_REJECT(&e, "a pledge has no rate_seq");

	/* Years. */
	make_pledge(&e);
	e.years[1] = 2026;
	ENC_REJECT(&e, "years must increase");
	make_pledge(&e);
	e.years[0] = 2029;
	ENC_REJECT(&e, "years must increase");
	make_pledge(&e);
	e.years[0] = 1899;
	ENC_REJECT(&e, "year 1899 out of range");
	make_pledge(&e);
	e.n_years = FL_YEARS_MAX + 1;
	ENC_REJECT(&e, "more than 16 years");

	/* Text: UTF-8, controls, spaces, lengths. */
	make_pledge(&e);
	strcpy(e.earmark, "C\xc3(te");
	ENC_REJECT(&e, "earmark: invalid UTF-8");
	make_pledge(&e);
	strcpy(e.earmark, "\xed\xa0\x80");
	ENC_REJECT(&e, "invalid UTF-8");
	make_reversal(&e);
	strcpy(e.reason, "line\nbreak");
	ENC_REJECT(&e, "reason: control character in text");
	make_reversal(&e);
	strcpy(e.reason, "nel\xc2\x85");
	ENC_REJECT(&e, "control character in text");
	make_reversal(&e);
	strcpy(e.reason, " padded");
	ENC_REJECT(&e, "starts or ends with a space");
	make_reversal(&e);
	memset(e.reason, 'r', FL_TEXT_MAX + 1); /* fills the array: no terminator inside it */
	ENC_REJECT(&e, "text longer than 512 bytes");
	make_pledge(&e);
	memset(e.recorded_by, 'b', FL_NAME_MAX + 1);
	ENC_REJECT(&e, "text longer than 64 bytes");

	/* Dates and times. */
	make_contribution(&e);
	strcpy(e.date, "2026-02-30");
	ENC_REJECT(&e, "date is not a valid date");
	make_pledge(&e);
	strcpy(e.due, "2027-02-29");
	ENC_REJECT(&e, "due is not a valid date");
	make_pledge(&e);
	strcpy(e.due, "2026-01-14");
	ENC_REJECT(&e, "due date 2026-01-14 is before the pledge date 2026-01-15");
	make_pledge(&e);
	strcpy(e.recorded_at, "2026-03-01T12:00:60Z");
	ENC_REJECT(&e, "recorded_at is not a UTC time");

	/* Amounts. */
	make_contribution(&e);
	e.amount = -1;
	ENC_REJECT(&e, "amount out of range");
	make_writeoff(&e);
	e.amount = FL_AMOUNT_MAX + 1;
	ENC_REJECT(&e, "amount out of range");
	make_contribution(&e);
	e.usd = -5;
	ENC_REJECT(&e, "usd out of range");
	make_rate(&e);
	e.rate = FL_RATE_MAX + 1;
	ENC_REJECT(&e, "rate out of range");

	/* References must precede the entry. */
	make_contribution(&e);
	e.pledge = 9;
	ENC_REJECT(&e, "pledge 9 does not precede entry 9");
	make_contribution(&e);
	e.rate_seq = 12;
	ENC_REJECT(&e, "rate_seq 12 does not precede entry 9");
	make_reversal(&e);
	e.target = 10;
	ENC_REJECT(&e, "target 10 does not precede entry 10");

	/* Codes. */
	make_pledge(&e);
	strcpy(e.fund, "vftc");
	ENC_REJECT(&e, "fund 'vftc' is not a valid code");
	make_pledge(&e);
	strcpy(e.currency, "us$");
	ENC_REJECT(&e, "is not an ISO 4217 code");

	/* Contribution figures. */
	make_contribution(&e);
	strcpy(e.currency, "USD");
	e.rate_seq = 0;
	e.rate_used = FL_RATE_SCALE;
	e.usd = e.amount + 1;
	ENC_REJECT(&e, "a USD contribution converts at 1 with no rate entry");
	e.usd = e.amount;
	e.rate_seq = 8;
	ENC_REJECT(&e, "a USD contribution converts at 1 with no rate entry");
	e.rate_seq = 0;
	e.rate_used = 921000;
	ENC_REJECT(&e, "a USD contribution converts at 1 with no rate entry");
	make_contribution(&e);
	e.rate_seq = 0;
	ENC_REJECT(&e, "a EUR contribution must name its rate entry");
	make_rate(&e);
	strcpy(e.currency, "USD");
	ENC_REJECT(&e, "there is no rate for USD against itself");
	assert_int_equal(fails, 0);
}

/* ---- content digest and derived keys ---- */

static void digest_of(unsigned char out[FL_HASH_LEN], const fl_entry *e)
{
	if (fl_entry_content_digest(out, e) != 0)
		fail_msg("content digest: %s", fl_error_last());
}

static void test_content_digest_ignores_header_and_derived(void **state)
{
	fl_entry base, e;
	unsigned char d0[FL_HASH_LEN], d[FL_HASH_LEN];
	(void)state;

	make_contribution(&base);
	digest_of(d0, &base);
#define SAME(mutation)                                                                             \
	do {                                                                                       \
		e = base;                                                                          \
		mutation;                                                                          \
		digest_of(d, &e);                                                                  \
		if (memcmp(d, d0, FL_HASH_LEN))                                                    \
			fail_msg("digest changed by: %s", #mutation);                              \
	} while (0)
	SAME(e.seq = 1000);
	SAME(e.seq = 0);
	SAME(strcpy(e.recorded_at, "2030-01-01T00:00:00Z"));
	SAME(strcpy(e.recorded_by, "someone else"));
	SAME(strcpy(e.idem, "OTHER-KEY"));
	SAME(e.idem[0] = 0);
	SAME(memset(e.prev, 0x77, FL_HASH_LEN));
	SAME(e.usd = 1);
	SAME(e.rate_used = 1000000);
	SAME(e.rate_seq = 3);
	SAME(e.rate_seq = 0);
	/* All of the ledger's fields at once, as before and after fl_ledger_append. */
	SAME(e.seq = 0; e.recorded_at[0] = 0; e.recorded_by[0] = 0; e.idem[0] = 0;
	     memset(e.prev, 0, FL_HASH_LEN); e.usd = 0; e.rate_used = 0; e.rate_seq = 0);
#undef SAME
}

static void test_content_digest_covers_content(void **state)
{
	fl_entry base, e;
	unsigned char d0[FL_HASH_LEN], d[FL_HASH_LEN];
	(void)state;

#define DIFF(mutation)                                                                             \
	do {                                                                                       \
		e = base;                                                                          \
		mutation;                                                                          \
		digest_of(d, &e);                                                                  \
		if (!memcmp(d, d0, FL_HASH_LEN))                                                   \
			fail_msg("digest unchanged by: %s", #mutation);                            \
	} while (0)
	make_contribution(&base);
	digest_of(d0, &base);
	DIFF(strcpy(e.fund, "UPRP"));
	DIFF(strcpy(e.donor, "NLD"));
	DIFF(strcpy(e.currency, "CHF"));
	DIFF(e.amount += 1);
	DIFF(strcpy(e.date, "2026-02-11"));
	DIFF(strcpy(e.bank_ref, "UBS 2026-02-10 #4472"));
	DIFF(e.pledge = 6);
	DIFF(e.pledge = 0);
	/* Same fields, other kind: a write-off of the same figures. */
	DIFF(e.kind = FL_KIND_WRITEOFF; e.bank_ref[0] = 0; strcpy(e.reason, "x"); e.usd = 0;
	     e.rate_used = 0; e.rate_seq = 0);

	make_pledge(&base);
	digest_of(d0, &base);
	DIFF(strcpy(e.due, "2026-07-01"));
	DIFF(e.due[0] = 0);
	DIFF(e.n_years = 2);
	DIFF(e.years[2] = 2029);
	DIFF(strcpy(e.earmark, "Cote d'Ivoire"));
	DIFF(e.earmark[0] = 0);
	DIFF(strcpy(e.donor_ref, "NOR/UD-2026/18"));
	DIFF(strcpy(e.announcement, "HRC60 pledging event"));

	make_rate(&base);
	digest_of(d0, &base);
	DIFF(e.rate = 921001);
	DIFF(strcpy(e.date, "2026-02-02"));
	DIFF(strcpy(e.currency, "CHF"));

	make_reversal(&base);
	digest_of(d0, &base);
	DIFF(e.target = 8);
	DIFF(strcpy(e.reason, "Duplicate of bank line 4470"));

	make_writeoff(&base);
	digest_of(d0, &base);
	DIFF(strcpy(e.reason, "Donor reduced the pledge."));
	DIFF(e.pledge = 6);
#undef DIFF
}

static void test_auto_idem(void **state)
{
	fl_entry e;
	char idem[FL_IDEM_MAX + 1], again[FL_IDEM_MAX + 1];
	(void)state;

	make_pledge(&e);
	assert_int_equal(fl_entry_auto_idem(idem, &e), 0);
	assert_int_equal(strlen(idem), 69);
	assert_memory_equal(idem, "auto-", 5);
	for (size_t i = 5; i < 69; i++)
		assert_true((idem[i] >= '0' && idem[i] <= '9') || (idem[i] >= 'a' && idem[i] <= 'f'));
	/* Stable, and independent of the key already in the entry. */
	e.idem[0] = 0;
	e.seq = 0;
	assert_int_equal(fl_entry_auto_idem(again, &e), 0);
	assert_string_equal(idem, again);
	/* A derived key is reserved: a client cannot give it. */
	assert_int_equal(fl_idem_check(idem), FL_EINVALID);
	/* A bad kind has no content digest. */
	e.kind = (fl_kind)9;
	assert_int_equal(fl_entry_auto_idem(again, &e), FL_EINVALID);
}

/* ---- small checks ---- */

static void test_idem_check(void **state)
{
	char k[FL_IDEM_MAX + 2];
	(void)state;

	assert_int_equal(fl_idem_check("PLG-2026-0001"), 0);
	assert_int_equal(fl_idem_check("2026-001"), 0);
	assert_int_equal(fl_idem_check("x"), 0);
	assert_int_equal(fl_idem_check("12a"), 0);
	assert_int_equal(fl_idem_check("AUTO-1"), 0); /* only the exact lower-case prefix */
	assert_int_equal(fl_idem_check("autoX"), 0);
	assert_int_equal(fl_idem_check("R\xc3\xa9" "f 1"), 0);

	fl_error_clear();
	assert_int_equal(fl_idem_check("12345"), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "all digits"));
	assert_int_equal(fl_idem_check("0"), FL_EINVALID);
	assert_int_equal(fl_idem_check("auto-"), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "'auto-' is reserved"));
	assert_int_equal(fl_idem_check("auto-123"), FL_EINVALID);
	assert_int_equal(fl_idem_check(""), FL_EINVALID);
	assert_int_equal(fl_idem_check(" k"), FL_EINVALID);
	assert_int_equal(fl_idem_check("k "), FL_EINVALID);
	assert_int_equal(fl_idem_check("a\tb"), FL_EINVALID);
	assert_int_equal(fl_idem_check("a\x7f"), FL_EINVALID);
	assert_int_equal(fl_idem_check("\xc3("), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "reference: "));

	memset(k, 'k', FL_IDEM_MAX);
	k[FL_IDEM_MAX] = 0;
	assert_int_equal(fl_idem_check(k), 0);
	k[FL_IDEM_MAX] = 'k';
	k[FL_IDEM_MAX + 1] = 0;
	assert_int_equal(fl_idem_check(k), FL_EINVALID);
}

static void expect_years_at(int line, const char *s, const uint16_t *want, size_t n)
{
	fl_entry e;
	fl_entry_init(&e);
	e.n_years = 99;
	if (fl_years_parse(&e, s) != 0)
		fail_msg("line %d: years '%s' rejected: %s", line, s, fl_error_last());
	if (e.n_years != n)
		fail_msg("line %d: years '%s': %zu years, want %zu", line, s, e.n_years, n);
	for (size_t i = 0; i < n; i++)
		if (e.years[i] != want[i])
			fail_msg("line %d: years '%s': [%zu] = %u, want %u", line, s, i, e.years[i],
				 want[i]);
}
#define YEARS_OK(s, ...)                                                                           \
	do {                                                                                       \
		static const uint16_t w_[] = {__VA_ARGS__};                                        \
		expect_years_at(__LINE__, (s), w_, sizeof(w_) / sizeof(w_[0]));                    \
	} while (0)

static void years_bad_at(int line, const char *s)
{
	fl_entry e;
	fl_entry_init(&e);
	fl_error_clear();
	if (fl_years_parse(&e, s) != FL_EINVALID || fl_error_code() != FL_EINVALID)
		fail_msg("line %d: years '%s' accepted (%zu years)", line, s, e.n_years);
}
#define YEARS_BAD(s) years_bad_at(__LINE__, (s))

static void test_years_parse(void **state)
{
	(void)state;

	YEARS_OK("2026", 2026);
	YEARS_OK("2026-2028", 2026, 2027, 2028);
	YEARS_OK("2026-2026", 2026);
	YEARS_OK("2026;2027;2029", 2026, 2027, 2029);
	YEARS_OK("2026;2028", 2026, 2028);
	YEARS_OK("1900", 1900);
	YEARS_OK("9999", 9999);
	YEARS_OK("2026-2041", 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035, 2036,
		 2037, 2038, 2039, 2040, 2041);
	YEARS_OK("2001;2002;2003;2004;2005;2006;2007;2008;2009;2010;2011;2012;2013;2014;2015;2016",
		 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014,
		 2015, 2016);

	YEARS_BAD("");
	YEARS_BAD("26");
	YEARS_BAD("202");
	YEARS_BAD("20266");
	YEARS_BAD("2026;");
	YEARS_BAD(";2026");
	YEARS_BAD("2026;;2027");
	YEARS_BAD("2027;2026");
	YEARS_BAD("2026;2026");
	YEARS_BAD("2026-2025");
	YEARS_BAD("2026-");
	YEARS_BAD("2026-27");
	YEARS_BAD("2026-2027-2028");
	YEARS_BAD("2026,2027");
	YEARS_BAD("2026 2027");
	YEARS_BAD(" 2026");
	YEARS_BAD("2026 ");
	YEARS_BAD("1899");
	YEARS_BAD("+026");
	YEARS_BAD("2026-2042"); /* 17 years */
	YEARS_BAD("2001;2002;2003;2004;2005;2006;2007;2008;2009;2010;2011;2012;2013;2014;2015;"
		  "2016;2017");
	YEARS_BAD("2026;2027-2028");
	fl_error_clear();
	{
		fl_entry e;
		fl_entry_init(&e);
		assert_int_equal(fl_years_parse(&e, "2026-2042"), FL_EINVALID);
		assert_non_null(strstr(fl_error_last(), "more than 16 years"));
	}
}

static void test_kind_names(void **state)
{
	fl_kind k;
	(void)state;

	assert_string_equal(fl_kind_name(FL_KIND_PLEDGE), "pledge");
	assert_string_equal(fl_kind_name(FL_KIND_CONTRIBUTION), "contribution");
	assert_string_equal(fl_kind_name(FL_KIND_RATE), "rate");
	assert_string_equal(fl_kind_name(FL_KIND_REVERSAL), "reversal");
	assert_string_equal(fl_kind_name(FL_KIND_WRITEOFF), "writeoff");
	assert_string_equal(fl_kind_name(FL_KIND_MATCH), "match");
	assert_string_equal(fl_kind_name(FL_KIND_STATEMENT), "statement");
	assert_string_equal(fl_kind_name(FL_KIND_BANKLINE), "bankline");
	assert_string_equal(fl_kind_name(FL_KIND_BANKMATCH), "bankmatch");
	assert_string_equal(fl_kind_name((fl_kind)0), "?");
	assert_string_equal(fl_kind_name((fl_kind)10), "?");
	assert_int_equal(fl_kind_version(FL_KIND_WRITEOFF), 1);
	assert_int_equal(fl_kind_version(FL_KIND_MATCH), 2);
	for (int i = FL_KIND_MIN; i <= FL_KIND_MAX; i++) {
		k = (fl_kind)0;
		assert_int_equal(fl_kind_parse(&k, fl_kind_name((fl_kind)i)), 0);
		assert_int_equal(k, i);
	}
	k = FL_KIND_RATE;
	assert_int_equal(fl_kind_parse(&k, "Pledge"), FL_EINVALID);
	assert_int_equal(fl_kind_parse(&k, "write-off"), FL_EINVALID);
	assert_int_equal(fl_kind_parse(&k, ""), FL_EINVALID);
	assert_int_equal(fl_kind_parse(&k, "?"), FL_EINVALID);
	assert_int_equal(k, FL_KIND_RATE);
}

static void test_text_checks(void **state)
{
	(void)state;

	assert_int_equal(fl_utf8_check("", 0), 0);
	assert_int_equal(fl_utf8_check("plain ASCII ~", 13), 0);
	assert_int_equal(fl_utf8_check("\xc2\xa0\xdf\xbf", 4), 0);         /* U+00A0, U+07FF */
	assert_int_equal(fl_utf8_check("\xe0\xa0\x80\xef\xbf\xbf", 6), 0); /* U+0800, U+FFFF */
	assert_int_equal(fl_utf8_check("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 8), 0);
	assert_int_equal(fl_utf8_check("\xc2\x9f", 2), FL_EINVALID); /* C1 */
	assert_int_equal(fl_utf8_check("\xc1\xbf", 2), FL_EINVALID); /* overlong */
	assert_int_equal(fl_utf8_check("\xf0\x8f\xbf\xbf", 4), FL_EINVALID);
	assert_int_equal(fl_utf8_check("\xf5\x80\x80\x80", 4), FL_EINVALID);
	assert_int_equal(fl_utf8_check("\xed\xbf\xbf", 3), FL_EINVALID);
	/* The length is honoured: a sequence cut by len is invalid; a NUL inside is a control. */
	assert_int_equal(fl_utf8_check("\xc3\xa9", 1), FL_EINVALID);
	assert_int_equal(fl_utf8_check("a\0b", 3), FL_EINVALID);

	assert_int_equal(fl_text_check("ok", 2, 2), 0);
	assert_int_equal(fl_text_check("ok", 2, 1), FL_EINVALID);
	assert_int_equal(fl_text_check("", 0, 10), FL_EINVALID);
	assert_int_equal(fl_text_check(" a", 2, 10), FL_EINVALID);
	assert_int_equal(fl_text_check("a b", 3, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_encode_byte_for_byte),
		cmocka_unit_test(test_vectors_decode),
		cmocka_unit_test(test_vectors_content_digest),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_appends),
		cmocka_unit_test(test_field_lists_decode),
		cmocka_unit_test(test_decode_rejects_framing),
		cmocka_unit_test(test_decode_rejects_field_structure),
		cmocka_unit_test(test_decode_rejects_values),
		cmocka_unit_test(test_decode_messages_keep_the_reason),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_content_digest_ignores_header_and_derived),
		cmocka_unit_test(test_content_digest_covers_content),
		cmocka_unit_test(test_auto_idem),
		cmocka_unit_test(test_idem_check),
		cmocka_unit_test(test_years_parse),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_text_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
