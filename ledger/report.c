/*
 * report.c: the annual report's figures (report.h), and the helpers every format shares.
 *
 * The report reads the ledger as it stood at one signed checkpoint. It first checks that
 * checkpoint: its signatures against the configuration's keys (a treasurer must have signed)
 * and its root against the ledger's Merkle tree at that size, so that a report never names a
 * checkpoint the ledger does not hold. When the ledger has grown since, the figures come from
 * a private copy of entries 1..size (fl_ledger_snapshot), so that the same code computes the
 * same report from the same entries, and --at-checkpoint reproduces an old report exactly.
 *
 * One read makes every figure: the reconciliation as of 31 December (pledges, unapplied
 * receipts, the bank), which also hands over every contribution it streams. From those come
 * which donors gave to which fund before the year (new donors, paragraph 14) and the US dollar
 * value recorded with each contribution of the trend's five years (the usd column of store
 * schema 3, or the canonical bytes), with the bytes of the year's own receipts. Pledges settled
 * before the year are skipped inside the reconciliation (settled_before): the report needs
 * only the year's and those still open.
 * Everything is integers; sorting breaks every tie, so the order of rows is fixed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/audit.h"
#include "fundledger/money.h"
#include "fundledger/report.h"
#include "ledger_int.h"
#include "report_int.h"
#include "tree_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const GROUP_NAMES[FL_RGROUP_COUNT] = {
	"African Group",
	"Asia-Pacific Group",
	"Eastern European Group",
	"Latin American and Caribbean Group",
	"Western European and Others Group",
	"States outside the regional groups",
	"Other donors",
};

const char *fl_report_group_name(fl_report_group g)
{
	return (unsigned)g < FL_RGROUP_COUNT ? GROUP_NAMES[g] : "?";
}

const char *fl_report_age_name(fl_report_age a)
{
	static const char *const names[FL_AGE_COUNT] = {"under 1 year", "1-2 years", "over 2 years"};
	return (unsigned)a < FL_AGE_COUNT ? names[a] : "?";
}

/* ---- shared helpers (report_int.h) ---- */

const char *fl_report_section_title(const fl_report_section *s)
{
	return s->fund ? s->fund->name : "The three voluntary funds";
}

const char *fl_report_section_code(const fl_report_section *s)
{
	return s->fund ? s->fund->code : "all";
}

const char *fl_report_donor_name(const fl_report *r, size_t donor)
{
	return donor < r->n_donors ? r->donors[donor].name : "?";
}

void fl_report_usd(char out[FL_REPORT_STR_MAX], int64_t cents)
{
	if (fl_money_format(out, FL_REPORT_STR_MAX, cents, 2, 1) < 0)
		snprintf(out, FL_REPORT_STR_MAX, "?");
}

void fl_report_amount(char out[FL_REPORT_STR_MAX], const fl_report *r, const char *currency,
		      int64_t amount)
{
	const fl_currency *c = r->cfg ? fl_config_currency(r->cfg, currency) : NULL;
	if (fl_money_format(out, FL_REPORT_STR_MAX, amount, c ? c->minor_units : 2, 1) < 0)
		snprintf(out, FL_REPORT_STR_MAX, "?");
}

void fl_report_rate(char out[FL_REPORT_STR_MAX], uint64_t rate)
{
	if (fl_rate_format(out, FL_REPORT_STR_MAX, rate) < 0)
		snprintf(out, FL_REPORT_STR_MAX, "?");
}

void fl_report_change(char out[FL_REPORT_STR_MAX], int64_t cur, int64_t prev, int64_t *permille,
		      int *known)
{
	/* (cur - prev) * 1000 / prev in 128 bits, rounded half to even. */
	__extension__ typedef __int128 i128;
	i128 num, den, q, rem;
	int neg;
	int64_t pm;

	*permille = 0;
	*known = 0;
	if (prev <= 0) {
		snprintf(out, FL_REPORT_STR_MAX, "n/a");
		return;
	}
	num = ((i128)cur - (i128)prev) * 1000;
	den = prev;
	neg = num < 0;
	if (neg)
		num = -num;
	q = num / den;
	rem = num % den;
	if (rem * 2 > den || (rem * 2 == den && (q & 1)))
		q++;
	if (q > INT64_MAX)
		q = INT64_MAX;
	pm = (int64_t)q;
	if (neg)
		pm = -pm;
	*permille = pm;
	*known = 1;
	snprintf(out, FL_REPORT_STR_MAX, "%s%" PRId64 ".%" PRId64 "%%",
		 pm > 0 ? "+" : (pm < 0 ? "-" : ""), (pm < 0 ? -pm : pm) / 10,
		 (pm < 0 ? -pm : pm) % 10);
}

void fl_report_ordinal(char out[FL_REPORT_STR_MAX], unsigned n)
{
	static const char *const ones[] = {"",	     "one",	"two",	    "three",   "four",
					   "five",   "six",	"seven",    "eight",   "nine",
					   "ten",    "eleven",	"twelve",   "thirteen", "fourteen",
					   "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
	static const char *const ones_th[] = {"",	   "first",	 "second",     "third",
					      "fourth",	   "fifth",	 "sixth",      "seventh",
					      "eighth",	   "ninth",	 "tenth",      "eleventh",
					      "twelfth",   "thirteenth", "fourteenth", "fifteenth",
					      "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
	static const char *const tens[] = {"",	    "",	     "twenty", "thirty", "forty",
					   "fifty", "sixty", "seventy", "eighty", "ninety"};
	static const char *const tens_th[] = {"",	   "",		"twentieth", "thirtieth",
					      "fortieth",  "fiftieth",	"sixtieth",  "seventieth",
					      "eightieth", "ninetieth"};
	char head[32] = "";
	unsigned rest = n % 100;

	if (n == 0 || n > 999) {
		snprintf(out, FL_REPORT_STR_MAX, "%u", n);
		return;
	}
	if (n >= 100)
		snprintf(head, sizeof(head), "%s hundred%s", ones[n / 100], rest ? " and " : "th");
	if (rest == 0)
		snprintf(out, FL_REPORT_STR_MAX, "%s", head);
	else if (rest < 20)
		snprintf(out, FL_REPORT_STR_MAX, "%s%s", head, ones_th[rest]);
	else if (rest % 10 == 0)
		snprintf(out, FL_REPORT_STR_MAX, "%s%s", head, tens_th[rest / 10]);
	else
		snprintf(out, FL_REPORT_STR_MAX, "%s%s-%s", head, tens[rest / 10], ones_th[rest % 10]);
}

void fl_report_date_long(char out[FL_REPORT_STR_MAX], const char *date)
{
	static const char *const months[] = {"January", "February", "March",	 "April",
					     "May",	"June",	    "July",	 "August",
					     "September", "October", "November", "December"};
	int y, m, d;
	if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		snprintf(out, FL_REPORT_STR_MAX, "%s", date ? date : "");
		return;
	}
	snprintf(out, FL_REPORT_STR_MAX, "%d %s %d", d, months[m - 1], y);
}

void fl_report_root_hex(char out[FL_HASH_HEX_LEN + 1], const fl_report *r)
{
	fl_hex_encode(out, r->root, FL_HASH_LEN);
}

const char *fl_report_format_name(fl_report_format fmt)
{
	switch (fmt) {
	case FL_REPORT_HTML: return "html";
	case FL_REPORT_MD: return "md";
	case FL_REPORT_CSV: return "csv";
	case FL_REPORT_JSON: return "json";
	}
	return "?";
}

int fl_report_format_parse(fl_report_format *out, const char *s)
{
	for (int f = FL_REPORT_HTML; f <= FL_REPORT_JSON; f++)
		if (strcmp(s, fl_report_format_name((fl_report_format)f)) == 0) {
			*out = (fl_report_format)f;
			return 0;
		}
	return fl_error_set(FL_EINVALID, "unknown format '%.20s' (expected html, md, csv or json)",
			    s);
}

/* A word for a POSIX shell: as it is when it holds only safe characters, else single-quoted. */
static int shell_word(fl_buf *out, const char *w)
{
	int err;
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+,:@") ==
		      strlen(w))
		return fl_buf_puts(out, w);
	if ((err = fl_buf_putc(out, '\'')) < 0)
		return err;
	for (; *w && err == 0; w++)
		err = *w == '\'' ? fl_buf_puts(out, "'\\''") : fl_buf_putc(out, (unsigned char)*w);
	return err < 0 ? err : fl_buf_putc(out, '\'');
}

int fl_report_command(fl_buf *out, const fl_report *r, fl_report_format fmt)
{
	int err = fl_buf_printf(out, "fundledger report --year %d --fund %s --at-checkpoint %" PRIu64,
				r->year, r->scope, r->size);
	if (err == 0 && r->narrative && (err = fl_buf_puts(out, " --narrative ")) == 0)
		err = shell_word(out, r->narrative_name);
	if (err == 0 && r->date_given)
		err = fl_buf_printf(out, " --date %s", r->generated);
	if (err == 0)
		err = fl_buf_printf(out, " --format %s --out report-%d-%s%s%s", fl_report_format_name(fmt),
				    r->year, r->scope, fmt == FL_REPORT_CSV ? "" : ".",
				    fmt == FL_REPORT_CSV ? "" : fl_report_format_name(fmt));
	return err;
}

int fl_report_integrity_commands(fl_buf *out, const fl_report *r, fl_report_format fmt)
{
	int err = fl_buf_printf(out, "fundledger verify --trusted checkpoint-%" PRIu64 ".txt\n",
				r->size);
	if (err == 0)
		err = fl_report_command(out, r, fmt);
	return err;
}

/* ---- computing ---- */

/* Strings that outlive the entries they come from: chunks that never move, so pointers into
 * them stay valid while the arrays that hold them grow and are sorted. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
} chunk;

#define CHUNK_SIZE 65536

static const char *keep(fl_report *r, const char *s)
{
	size_t n = strlen(s) + 1;
	chunk *c = r->strings;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		chunk *nc = malloc(sizeof(*nc) + cap);
		if (!nc)
			return NULL;
		nc->next = c;
		nc->used = 0;
		nc->cap = cap;
		r->strings = c = nc;
	}
	memcpy(c->data + c->used, s, n);
	c->used += n;
	return c->data + c->used - n;
}

/* Everything compute() needs on the way, freed at the end. */
#define DONOR_SLOTS 1024

typedef struct {
	fl_report *r;
	fl_ledger *l;            /* the ledger at the checkpoint */
	const fl_config *cfg;
	char from[FL_DATE_LEN + 1], to[FL_DATE_LEN + 1], trend_from[FL_DATE_LEN + 1];
	size_t n_cfg_donors;     /* r->donors[0 .. n_cfg_donors) are the configuration's */
	size_t cap_donors;
	/* Per section s and donor d: flags[s * n_donors_cap + d]. Grown with the donors. */
	unsigned char *gave_year, *gave_before;
	size_t flags_cap;        /* donors the flag arrays hold per section */
	/* Per section: growable arrays. */
	size_t *cap_receipts, *cap_made, *cap_out, *cap_unmatched, *cap_bank;
	/* Donor look-ups, direct-mapped by a hash of the code: each contribution looks its
	 * donor up, and a bsearch of codes was 4% of a 1M-entry ledger's report. */
	struct {
		char code[FL_CODE_MAX + 1]; /* "" when the slot is empty */
		size_t donor;
	} seen[DONOR_SLOTS];
	int err;
} build;

static int no_memory(void)
{
	return fl_error_set(FL_ENOMEM, "out of memory");
}

/* Grows *p (of *cap elements of size sz) to hold at least need elements. */
static int grow(void *p, size_t *cap, size_t need, size_t sz)
{
	void **pp = p;
	size_t n = *cap ? *cap : 16;
	void *q;
	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / sz)
			return no_memory();
		n *= 2;
	}
	if (!(q = realloc(*pp, n * sz)))
		return no_memory();
	*pp = q;
	*cap = n;
	return 0;
}

/* qsort, which must not be given a NULL array even when it is empty. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static fl_report_group group_of(const fl_donor *d)
{
	if (!d)
		return FL_RGROUP_OTHER_DONORS;
	if (d->kind != FL_DONOR_MEMBER_STATE && d->kind != FL_DONOR_OBSERVER_STATE)
		return FL_RGROUP_OTHER_DONORS;
	switch (d->group) {
	case FL_GROUP_AFRICAN: return FL_RGROUP_AFRICAN;
	case FL_GROUP_ASIA_PACIFIC: return FL_RGROUP_ASIA_PACIFIC;
	case FL_GROUP_EASTERN_EUROPEAN: return FL_RGROUP_EASTERN_EUROPEAN;
	case FL_GROUP_LATIN_AMERICAN_CARIBBEAN: return FL_RGROUP_LATIN_AMERICAN_CARIBBEAN;
	case FL_GROUP_WEOG: return FL_RGROUP_WEOG;
	case FL_GROUP_NONE: break;
	}
	return FL_RGROUP_NO_GROUP;
}

static int is_state(const fl_report_donor *d)
{
	return d->kind == FL_DONOR_MEMBER_STATE || d->kind == FL_DONOR_OBSERVER_STATE;
}

static int donor_code_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const fl_report_donor *)e)->code);
}

/* The index of a donor code, adding it when the configuration does not list it. */
static int donor_index(build *b, const char *code, size_t *out)
{
	fl_report *r = b->r;
	const fl_report_donor *d = bsearch(code, r->donors, b->n_cfg_donors, sizeof(*r->donors),
					   donor_code_cmp);
	size_t n_sections = r->n_sections;
	int err;
	if (d) {
		*out = (size_t)(d - r->donors);
		return 0;
	}
	for (size_t i = b->n_cfg_donors; i < r->n_donors; i++)
		if (strcmp(r->donors[i].code, code) == 0) {
			*out = i;
			return 0;
		}
	if (strlen(code) > FL_CODE_MAX)
		return fl_error_set(FL_ECORRUPT, "donor code too long");
	if ((err = grow(&r->donors, &b->cap_donors, r->n_donors + 1, sizeof(*r->donors))) < 0)
		return err;
	/* The flag arrays are laid out by section with a stride of flags_cap donors. */
	if (r->n_donors + 1 > b->flags_cap) {
		size_t cap = b->flags_cap * 2;
		unsigned char *y = calloc(n_sections, cap), *p = calloc(n_sections, cap);
		if (!y || !p) {
			free(y);
			free(p);
			return no_memory();
		}
		for (size_t s = 0; s < n_sections; s++) {
			memcpy(y + s * cap, b->gave_year + s * b->flags_cap, b->flags_cap);
			memcpy(p + s * cap, b->gave_before + s * b->flags_cap, b->flags_cap);
		}
		free(b->gave_year);
		free(b->gave_before);
		b->gave_year = y;
		b->gave_before = p;
		b->flags_cap = cap;
	}
	fl_report_donor *nd = &r->donors[r->n_donors];
	memset(nd, 0, sizeof(*nd));
	strcpy(nd->code, code);
	nd->name = NULL; /* set to code once the array stops moving (finish_donors) */
	nd->kind = 0;
	nd->group = FL_RGROUP_OTHER_DONORS;
	*out = r->n_donors++;
	return 0;
}

/* donor_index through b->seen. */
static int donor_of(build *b, const char *code, size_t *out)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	int err;
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 16777619u;
	h &= DONOR_SLOTS - 1;
	if (b->seen[h].code[0] && strcmp(b->seen[h].code, code) == 0) {
		*out = b->seen[h].donor;
		return 0;
	}
	if ((err = donor_index(b, code, out)) < 0)
		return err;
	/* donor_index refused any code longer than a slot holds. */
	snprintf(b->seen[h].code, sizeof(b->seen[h].code), "%s", code);
	b->seen[h].donor = *out;
	return 0;
}

/* Sections a fund's figures go to: the consolidated one (when reporting all) and the fund's
 * own. Returns how many, in idx[]. */
static size_t sections_of(const fl_report *r, const char *fund, size_t idx[2])
{
	size_t n = 0;
	for (size_t s = 0; s < r->n_sections; s++) {
		const fl_report_section *sec = &r->sections[s];
		if (!sec->fund || strcmp(sec->fund->code, fund) == 0)
			idx[n++] = s;
	}
	return n;
}

static int year_of(const char *date)
{
	return fl_date_year(date);
}

/* Adds a contribution of the trend's five years to its sections; x is the receipt when it is
 * of the report's year. */
static int add_receipt(build *b, const char *fund, size_t donor, int y, int64_t usd,
		       const fl_report_receipt *x)
{
	fl_report *r = b->r;
	size_t idx[2], n = sections_of(r, fund, idx);
	int k = y - (r->year - (FL_REPORT_TREND_YEARS - 1)), err;

	for (size_t j = 0; j < n; j++) {
		fl_report_section *s = &r->sections[idx[j]];
		if ((err = fl_money_add(&s->trend_usd[k], usd)) < 0)
			return err;
		if (y == r->year - 1 && (err = fl_money_add(&s->previous_usd, usd)) < 0)
			return err;
		if (y != r->year)
			continue;
		if ((err = fl_money_add(&s->received_usd, usd)) < 0 ||
		    (err = grow(&s->receipts_list, &b->cap_receipts[idx[j]], s->n_receipts + 1,
				sizeof(*s->receipts_list))) < 0)
			return err;
		s->receipts_list[s->n_receipts++] = *x;
		s->receipts++;
		b->gave_year[idx[j] * b->flags_cap + donor] = 1;
	}
	return 0;
}

/* A receipt of the report's year, from its decoded entry. */
static int make_receipt(build *b, fl_report_receipt *x, const fl_entry *e, size_t donor)
{
	memset(x, 0, sizeof(*x));
	x->seq = e->seq;
	strcpy(x->fund, e->fund);
	x->donor = donor;
	strcpy(x->currency, e->currency);
	x->amount = e->amount;
	x->usd = e->usd;
	x->rate_used = e->rate_used;
	strcpy(x->date, e->date);
	if (!(x->bank_ref = keep(b->r, e->bank_ref)))
		return no_memory();
	return 0;
}

/*
 * Every contribution dated up to 31 December, as the reconciliation streams them (one pass
 * over the contributions' index); reversed ones are left out:
 *   - before the year, it tells which donors gave to which fund before (new donors,
 *     paragraph 14);
 *   - in the trend's five years, it adds its US dollar value, from the usd column where the
 *     store has it; the entry's bytes are read, and must agree with the columns, for the
 *     report's year (the statement lists each receipt) and where the column is NULL.
 */
static int on_contribution(void *ctx, const fl_receipt_info *c)
{
	build *b = ctx;
	fl_report *r = b->r;
	fl_report_receipt x;
	fl_entry e;
	int64_t usd = c->usd;
	size_t donor;
	int y, err;

	if (!c->standing)
		return 0;
	if ((err = donor_of(b, c->donor, &donor)) < 0)
		return err;
	y = year_of(c->date);
	if (y < r->year) {
		size_t idx[2], n = sections_of(r, c->fund, idx);
		for (size_t j = 0; j < n; j++)
			b->gave_before[idx[j] * b->flags_cap + donor] = 1;
	}
	if (y < r->year - (FL_REPORT_TREND_YEARS - 1))
		return 0;
	if (y > r->year)
		return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 ": after the as-of date", c->seq);
	if (y == r->year || !c->usd_known) {
		if ((err = fl_ledger_get(b->l, c->seq, &e, NULL, NULL)) < 0)
			return err;
		if (e.kind != FL_KIND_CONTRIBUTION || strcmp(e.fund, c->fund) ||
		    strcmp(e.donor, c->donor) || strcmp(e.date, c->date) ||
		    (c->usd_known && e.usd != c->usd))
			return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 ": columns disagree with its "
							 "bytes; run 'fundledger verify'", c->seq);
		usd = e.usd;
	}
	if (y == r->year && (err = make_receipt(b, &x, &e, donor)) < 0)
		return err;
	return add_receipt(b, c->fund, donor, y, usd, y == r->year ? &x : NULL);
}

static void years_text(char *out, size_t cap, const fl_entry *p)
{
	size_t used = 0;
	int run_start = -1, prev = -1;
	out[0] = 0;
	if (p->n_years == 0)
		return;
	/* Consecutive years as a range: 2025-2027; others listed: 2024, 2026. */
	for (size_t i = 0; i <= p->n_years; i++) {
		int y = i < p->n_years ? p->years[i] : -1;
		if (run_start >= 0 && y == prev + 1) {
			prev = y;
			continue;
		}
		if (run_start >= 0 && used < cap) {
			int w = prev > run_start
					? snprintf(out + used, cap - used, "%s%d-%d", used ? ", " : "",
						   run_start, prev)
					: snprintf(out + used, cap - used, "%s%d", used ? ", " : "",
						   run_start);
			used += w > 0 ? (size_t)w : 0;
		}
		run_start = prev = y;
	}
}

static int on_pledge(void *ctx, const fl_pledge_report *p)
{
	build *b = ctx;
	fl_report *r = b->r;
	const fl_entry *e = p->pledge;
	size_t idx[2], n, donor;
	int made, open, err;
	fl_report_pledge x;

	if (p->status == FL_PLEDGE_REVERSED)
		return 0;
	made = year_of(e->date) == r->year;
	open = p->outstanding > 0; /* a written-off remainder is not outstanding */
	if (!made && !open)
		return 0;
	if ((err = donor_of(b, e->donor, &donor)) < 0)
		return err;
	memset(&x, 0, sizeof(x));
	x.seq = p->seq;
	strcpy(x.fund, e->fund);
	x.donor = donor;
	strcpy(x.currency, e->currency);
	strcpy(x.date, e->date);
	strcpy(x.next_due, p->next_due);
	years_text(x.years, sizeof(x.years), e);
	x.amount = p->pledged;
	x.paid = p->paid;
	x.written_off = p->written_off;
	x.outstanding = p->outstanding;
	x.overdue = p->overdue;
	x.usd_known = p->usd_known;
	x.usd = p->usd_pledged;
	x.usd_outstanding = p->usd_outstanding;
	x.status = p->status;
	{
		int age = r->year - year_of(e->date);
		x.age = age <= 0 ? FL_AGE_UNDER_1 : (age == 1 ? FL_AGE_1_TO_2 : FL_AGE_OVER_2);
	}
	n = sections_of(r, e->fund, idx);
	for (size_t j = 0; j < n; j++) {
		size_t s_i = idx[j];
		fl_report_section *s = &r->sections[s_i];
		if (made) {
			if ((err = grow(&s->made, &b->cap_made[s_i], s->n_made + 1, sizeof(*s->made))) < 0)
				return err;
			s->made[s->n_made++] = x;
			if (!x.usd_known)
				s->made_without_rate++;
			else if ((err = fl_money_add(&s->made_usd, x.usd)) < 0)
				return err;
		}
		if (open) {
			if ((err = grow(&s->outstanding, &b->cap_out[s_i], s->n_outstanding + 1,
					sizeof(*s->outstanding))) < 0)
				return err;
			s->outstanding[s->n_outstanding++] = x;
			s->aged_n[x.age]++;
			if (x.overdue > 0)
				s->overdue_n++;
			if (!x.usd_known) {
				s->outstanding_without_rate++;
				continue;
			}
			if ((err = fl_money_add(&s->outstanding_usd, x.usd_outstanding)) < 0 ||
			    (err = fl_money_add(&s->aged_usd[x.age], x.usd_outstanding)) < 0 ||
			    (x.overdue > 0 && (err = fl_money_add(&s->overdue_usd, x.usd_outstanding)) < 0))
				return err;
		}
	}
	return 0;
}

static int on_proposal(void *ctx, const fl_proposal *p)
{
	build *b = ctx;
	fl_report *r = b->r;
	size_t idx[2], n, donor;
	fl_report_unmatched x;
	int err;

	if ((err = donor_index(b, p->donor, &donor)) < 0)
		return err;
	memset(&x, 0, sizeof(x));
	x.seq = p->contribution;
	snprintf(x.fund, sizeof(x.fund), "%s", p->fund);
	x.donor = donor;
	snprintf(x.currency, sizeof(x.currency), "%s", p->currency);
	snprintf(x.date, sizeof(x.date), "%s", p->date);
	x.unapplied = p->amount;
	x.rule = p->rule;
	snprintf(x.reason, sizeof(x.reason), "%s", p->reason);
	n = sections_of(r, p->fund, idx);
	for (size_t j = 0; j < n; j++) {
		fl_report_section *s = &r->sections[idx[j]];
		if ((err = grow(&s->unmatched, &b->cap_unmatched[idx[j]], s->n_unmatched + 1,
				sizeof(*s->unmatched))) < 0)
			return err;
		s->unmatched[s->n_unmatched++] = x;
	}
	return 0;
}

static int on_bank(void *ctx, const fl_bank_item *bi)
{
	build *b = ctx;
	fl_report *r = b->r;
	size_t idx[2], n = 0;
	fl_report_bankline x;
	int err;

	/* Debits and the bank's reversals are not contributions; confirmed pairs that agree are
	 * reconciled. */
	if (bi->cls == FL_BANK_OTHER)
		return 0;
	memset(&x, 0, sizeof(x));
	x.cls = bi->cls;
	x.line = bi->line;
	x.contribution = bi->contribution;
	snprintf(x.currency, sizeof(x.currency), "%s", bi->currency);
	x.line_amount = bi->line_amount;
	x.ledger_amount = bi->ledger_amount;
	snprintf(x.date, sizeof(x.date), "%s", bi->line ? bi->line_date : bi->ledger_date);
	snprintf(x.ref, sizeof(x.ref), "%s", bi->ref);
	snprintf(x.debtor, sizeof(x.debtor), "%s", bi->debtor);
	snprintf(x.reason, sizeof(x.reason), "%s", bi->reason);
	if (bi->contribution) {
		fl_entry c;
		if ((err = fl_ledger_get(b->l, bi->contribution, &c, NULL, NULL)) < 0)
			return err;
		n = sections_of(r, c.fund, idx);
	} else if (r->n_sections && (!r->sections[0].fund || r->n_sections == 1)) {
		/* A line alone has no fund: the consolidated section, or a one-fund report. */
		idx[n++] = 0;
	}
	for (size_t j = 0; j < n; j++) {
		fl_report_section *s = &r->sections[idx[j]];
		if ((err = grow(&s->bank, &b->cap_bank[idx[j]], s->n_bank + 1, sizeof(*s->bank))) < 0)
			return err;
		s->bank[s->n_bank++] = x;
	}
	return 0;
}

/* ---- ordering ---- */

/* Folds the Latin letters with diacritics that UN short names use (U+00C0..U+00FF) to ASCII,
 * and upper case to lower case, so that "Türkiye" sorts with "Turkmenistan". */
static int fold(const unsigned char **p)
{
	static const char latin1[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyts"  /* U+00C0..U+00DF */
				     "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* U+00E0..U+00FF */
	const unsigned char *s = *p;
	int c = s[0];
	if (c == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
		*p += 2;
		return latin1[(s[1] - 0x80) + 0x00];
	}
	*p += 1;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

static int name_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x && *y) {
		int cx = fold(&x), cy = fold(&y);
		if (cx != cy)
			return cx - cy;
	}
	if (*x || *y)
		return *x ? 1 : -1;
	return strcmp(a, b);
}

/* Sort keys carry what they compare, so that no comparison needs the report. */
typedef struct {
	fl_report_group group;
	const char *name, *code;
	size_t index;
} state_key;

static int state_cmp(const void *a, const void *b)
{
	const state_key *x = a, *y = b;
	int c;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if ((c = name_cmp(x->name, y->name)))
		return c;
	return strcmp(x->code, y->code);
}

/* Receipts are sorted through small keys: the receipts themselves are large. */
typedef struct {
	size_t donor;
	const char *date;
	uint64_t seq;
	size_t index;
} receipt_key;

static int receipt_cmp(const void *a, const void *b)
{
	const receipt_key *x = a, *y = b;
	int c;
	if (x->donor != y->donor)
		return x->donor < y->donor ? -1 : 1;
	if ((c = strcmp(x->date, y->date)))
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct {
	fl_report_donor_total t;
	const char *code;
} total_key;

static int total_cmp(const void *a, const void *b)
{
	const total_key *x = a, *y = b;
	if (x->t.usd != y->t.usd)
		return x->t.usd > y->t.usd ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int unmatched_cmp(const void *a, const void *b)
{
	const fl_report_unmatched *x = a, *y = b;
	int c;
	if ((c = strcmp(x->date, y->date)))
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Bank items by date, then line, then contribution (a ledger-only item has no line). */
static int bank_cmp(const void *a, const void *b)
{
	const fl_report_bankline *x = a, *y = b;
	int c;
	if ((c = strcmp(x->date, y->date)))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->contribution < y->contribution ? -1 : x->contribution > y->contribution;
}

static int pledge_date_cmp(const void *a, const void *b)
{
	const fl_report_pledge *x = a, *y = b;
	int c;
	if ((c = strcmp(x->date, y->date)))
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Orders the receipts by donor and builds the statement of contributions. */
static int finish_statement(build *b, fl_report_section *s, size_t s_i)
{
	fl_report *r = b->r;
	fl_report_receipt *sorted = NULL;
	receipt_key *rk = NULL;
	total_key *keys = NULL;
	size_t k = 0, n = 0;
	int err = 0;

	if (s->n_receipts == 0)
		return 0;
	if (!(rk = malloc(s->n_receipts * sizeof(*rk))) ||
	    !(keys = calloc(s->n_receipts, sizeof(*keys))) ||
	    !(sorted = malloc(s->n_receipts * sizeof(*sorted))) ||
	    !(s->donors = calloc(s->n_receipts, sizeof(*s->donors)))) {
		err = no_memory();
		goto done;
	}
	for (size_t i = 0; i < s->n_receipts; i++) {
		const fl_report_receipt *x = &s->receipts_list[i];
		rk[i] = (receipt_key){x->donor, x->date, x->seq, i};
	}
	sort(rk, s->n_receipts, sizeof(*rk), receipt_cmp);
	/* Donor totals, in donor index order; first and n index rk. */
	for (size_t i = 0; i < s->n_receipts;) {
		size_t j = i;
		fl_report_donor_total *t = &keys[n].t;
		t->donor = rk[i].donor;
		t->first = i;
		while (j < s->n_receipts && rk[j].donor == t->donor) {
			if ((err = fl_money_add(&t->usd, s->receipts_list[rk[j].index].usd)) < 0)
				goto done;
			j++;
		}
		t->n = j - i;
		t->is_new = !b->gave_before[s_i * b->flags_cap + t->donor];
		keys[n].code = r->donors[t->donor].code;
		if (t->is_new)
			s->n_new_donors++;
		{
			fl_report_group g = r->donors[t->donor].group;
			if ((err = fl_money_add(&s->group_usd[g], t->usd)) < 0)
				goto done;
			s->group_donors[g]++;
		}
		n++;
		i = j;
	}
	sort(keys, n, sizeof(*keys), total_cmp);
	/* Lay the receipts out in the donors' order. */
	for (size_t d = 0; d < n; d++) {
		fl_report_donor_total t = keys[d].t;
		for (size_t i = 0; i < t.n; i++)
			sorted[k + i] = s->receipts_list[rk[t.first + i].index];
		t.first = k;
		k += t.n;
		s->donors[d] = t;
	}
	s->n_donors = n;
	free(s->receipts_list);
	s->receipts_list = sorted;
	sorted = NULL;
done:
	free(rk);
	free(keys);
	free(sorted);
	return err;
}

static int sort_states(const fl_report *r, size_t *idx, size_t n)
{
	state_key *keys;
	if (n == 0)
		return 0;
	if (!(keys = malloc(n * sizeof(*keys))))
		return no_memory();
	for (size_t i = 0; i < n; i++) {
		const fl_report_donor *d = &r->donors[idx[i]];
		keys[i] = (state_key){d->group, d->name, d->code, idx[i]};
	}
	sort(keys, n, sizeof(*keys), state_cmp);
	for (size_t i = 0; i < n; i++)
		idx[i] = keys[i].index;
	free(keys);
	return 0;
}

static int finish_states(build *b, fl_report_section *s, size_t s_i)
{
	fl_report *r = b->r;
	size_t n_states = 0;
	int err;
	for (size_t d = 0; d < r->n_donors; d++)
		if (is_state(&r->donors[d]))
			n_states++;
	s->n_states = n_states;
	if (n_states == 0)
		return 0;
	if (!(s->not_in_year = malloc(n_states * sizeof(size_t))) ||
	    !(s->never = malloc(n_states * sizeof(size_t))))
		return no_memory();
	for (size_t d = 0; d < r->n_donors; d++) {
		if (!is_state(&r->donors[d]) || b->gave_year[s_i * b->flags_cap + d])
			continue;
		s->not_in_year[s->n_not_in_year++] = d;
		if (!b->gave_before[s_i * b->flags_cap + d])
			s->never[s->n_never++] = d;
	}
	if ((err = sort_states(r, s->not_in_year, s->n_not_in_year)) < 0)
		return err;
	return sort_states(r, s->never, s->n_never);
}

/* ---- the checkpoint ---- */

static int check_checkpoint(build *b, fl_ledger *l, uint64_t at)
{
	fl_report *r = b->r;
	const fl_config *cfg = b->cfg;
	fl_buf note = FL_BUF_INIT;
	fl_note_result nr;
	fl_checkpoint cp;
	fl_tree_reader reader;
	fl_hash root;
	size_t text_len;
	int err, treasurer = 0;

	fl_tree_reader_init(&reader, fl_ledger_store(l));
	if ((err = fl_audit_checkpoint(l, at, &r->size, &note)) < 0) {
		if (err == FL_ENOTFOUND)
			err = at ? fl_error_set(FL_ENOTFOUND, "no signed checkpoint at size %" PRIu64
							      " (see 'fundledger log' and 'checkpoint')", at)
				 : fl_error_set(FL_ENOTFOUND, "the ledger has no signed checkpoint yet");
		goto done;
	}
	if ((err = fl_note_split((const char *)note.data, note.len, &text_len)) < 0 ||
	    (err = fl_checkpoint_parse(&cp, (const char *)note.data, text_len)) < 0) {
		err = fl_error_prefix("checkpoint at size %" PRIu64 ": ", r->size);
		goto done;
	}
	if (fl_note_verify(&nr, (const char *)note.data, note.len, cfg->keys, cfg->n_keys) < 0) {
		err = fl_error_set(FL_EVERIFY,
				   "checkpoint at size %" PRIu64 ": its signatures do not verify "
				   "against the configuration's keys: %s", r->size, fl_error_last());
		goto done;
	}
	for (size_t i = 0; i < nr.n_verified && r->n_signers < FL_REPORT_SIGNERS_MAX; i++) {
		const fl_vkey *k = nr.verified[i];
		fl_key_role role = 0;
		fl_report_signer *sg = &r->signers[r->n_signers++];
		(void)fl_config_key(cfg, k->type, k->pub, &role);
		snprintf(sg->name, sizeof(sg->name), "%s", k->name);
		snprintf(sg->role, sizeof(sg->role), "%s", role ? fl_role_name(role) : "unknown");
		snprintf(sg->key_hash, sizeof(sg->key_hash), "%08" PRIx32, k->id);
		if (role == FL_ROLE_TREASURER && k->type == FL_SIGTYPE_ED25519)
			treasurer = 1;
	}
	if (!treasurer) {
		err = fl_error_set(FL_EVERIFY, "checkpoint at size %" PRIu64 ": no treasurer key "
					       "of the configuration signed it", r->size);
		goto done;
	}
	if (strcmp(cp.origin, fl_ledger_origin(l)) != 0 || cp.size != r->size) {
		err = fl_error_set(FL_EVERIFY, "checkpoint at size %" PRIu64 ": names another log",
				   r->size);
		goto done;
	}
	if ((err = fl_merkle_root(fl_tree_node, &reader, r->size, root)) < 0)
		goto done;
	if (fl_digest_equal(root, cp.root, FL_HASH_LEN) != 0) {
		err = fl_error_set(FL_EVERIFY, "checkpoint at size %" PRIu64 ": its root is not the "
					       "ledger's; run 'fundledger verify'", r->size);
		goto done;
	}
	memcpy(r->root, cp.root, FL_HASH_LEN);
	snprintf(r->origin, sizeof(r->origin), "%s", cp.origin);
	if (!(r->checkpoint = malloc(note.len + 1))) {
		err = no_memory();
		goto done;
	}
	memcpy(r->checkpoint, note.data, note.len);
	r->checkpoint[note.len] = 0;
done:
	fl_tree_reader_free(&reader);
	fl_buf_free(&note);
	return err;
}

/* ---- the whole ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int fl_report_compute(fl_report **out, fl_ledger *l, const fl_report_options *opt)
{
	const fl_config *cfg = fl_ledger_config(l);
	fl_report *r = NULL;
	fl_ledger *view = NULL;
	build b;
	uint64_t count;
	unsigned char head[FL_HASH_LEN];
	fl_entry last;
	fl_reconcile_totals totals;
	fl_reconcile_options ro;
	fl_reconcile_visitor v;
	int err;

	memset(&b, 0, sizeof(b));
	if (!cfg)
		return fl_error_set(FL_EINVALID, "the report needs the configuration");
	if (opt->year < FL_REPORT_YEAR_MIN || opt->year > FL_REPORT_YEAR_MAX)
		return fl_error_set(FL_EINVALID, "year %d is outside %d to %d", opt->year,
				    FL_REPORT_YEAR_MIN, FL_REPORT_YEAR_MAX);
	if (opt->fund && strcmp(opt->fund, "all") && !fl_config_fund(cfg, opt->fund))
		return fl_error_set(FL_ENOTFOUND, "unknown fund '%.40s'", opt->fund);
	if (opt->generated && fl_date_check(opt->generated, strlen(opt->generated)) < 0)
		return fl_error_set(FL_EINVALID, "--date '%.20s' is not a date (YYYY-MM-DD)",
				    opt->generated);
	if (opt->narrative && opt->narrative->year != opt->year)
		return fl_error_set(FL_EINVALID, "%s: the narrative is for %d, not %d",
				    opt->narrative->path, opt->narrative->year, opt->year);
	if (!(r = calloc(1, sizeof(*r))))
		return no_memory();
	/* One read transaction from the checkpoint to the last figure: a writer appending
	 * meanwhile cannot slip an entry after the checkpoint into the report. */
	if ((err = fl_store_read_begin(fl_ledger_store(l))) < 0) {
		free(r);
		return err;
	}
	b.r = r;
	b.cfg = cfg;
	r->cfg = cfg;
	r->year = opt->year;
	r->narrative = opt->narrative;
	if (opt->narrative)
		snprintf(r->narrative_name, sizeof(r->narrative_name), "%s",
			 base_name(opt->narrative->path));
	snprintf(r->scope, sizeof(r->scope), "%s", opt->fund ? opt->fund : "all");
	r->session = opt->narrative && opt->narrative->session
			     ? opt->narrative->session
			     : (unsigned)(3 * (opt->year + 1 - 2006) + 1);
	/* Years are 1988..9998 (checked above): four digits. */
	snprintf(b.from, sizeof(b.from), "%04u-01-01", (unsigned)opt->year % 10000u);
	snprintf(b.to, sizeof(b.to), "%04u-12-31", (unsigned)opt->year % 10000u);
	snprintf(b.trend_from, sizeof(b.trend_from), "%04u-01-01",
		 (unsigned)(opt->year - (FL_REPORT_TREND_YEARS - 1)) % 10000u);

	/* Sections. */
	r->n_sections = strcmp(r->scope, "all") == 0 ? 1 + cfg->n_funds : 1;
	if (!(r->sections = calloc(r->n_sections, sizeof(*r->sections))) ||
	    !(b.cap_receipts = calloc(r->n_sections, sizeof(size_t))) ||
	    !(b.cap_made = calloc(r->n_sections, sizeof(size_t))) ||
	    !(b.cap_out = calloc(r->n_sections, sizeof(size_t))) ||
	    !(b.cap_unmatched = calloc(r->n_sections, sizeof(size_t))) ||
	    !(b.cap_bank = calloc(r->n_sections, sizeof(size_t)))) {
		err = no_memory();
		goto done;
	}
	if (r->n_sections == 1 && strcmp(r->scope, "all"))
		r->sections[0].fund = fl_config_fund(cfg, r->scope);
	else
		for (size_t i = 0; i < cfg->n_funds; i++)
			r->sections[1 + cfg->funds[i].listed].fund = &cfg->funds[i];

	/* Donors: the configuration's, in its order (by code). */
	b.cap_donors = cfg->n_donors + 16;
	b.flags_cap = b.cap_donors;
	if (!(r->donors = calloc(b.cap_donors, sizeof(*r->donors))) ||
	    !(b.gave_year = calloc(r->n_sections, b.flags_cap)) ||
	    !(b.gave_before = calloc(r->n_sections, b.flags_cap))) {
		err = no_memory();
		goto done;
	}
	for (size_t i = 0; i < cfg->n_donors; i++) {
		fl_report_donor *d = &r->donors[i];
		snprintf(d->code, sizeof(d->code), "%s", cfg->donors[i].code);
		d->name = cfg->donors[i].name;
		d->kind = cfg->donors[i].kind;
		d->group = group_of(&cfg->donors[i]);
	}
	r->n_donors = b.n_cfg_donors = cfg->n_donors;

	/* The checkpoint, and the ledger as it stood then. */
	if ((err = check_checkpoint(&b, l, opt->at_checkpoint)) < 0 ||
	    (err = fl_ledger_head(l, &count, head)) < 0)
		goto done;
	if (count < r->size) {
		err = fl_error_set(FL_ECORRUPT, "the checkpoint at size %" PRIu64 " is ahead of the "
						"ledger's %" PRIu64 " entries", r->size, count);
		goto done;
	}
	b.l = l;
	if (count > r->size) {
		if ((err = fl_ledger_snapshot(&view, l, r->size)) < 0)
			goto done;
		b.l = view;
	}
	if ((err = fl_ledger_get(b.l, r->size, &last, NULL, NULL)) < 0)
		goto done;
	snprintf(r->ledger_time, sizeof(r->ledger_time), "%s", last.recorded_at);
	r->date_given = opt->generated != NULL;
	memcpy(r->generated, opt->generated ? opt->generated : r->ledger_time, FL_DATE_LEN);
	r->generated[FL_DATE_LEN] = 0;

	/* The figures. */
	/* Every fund: the callbacks keep what belongs to the report's sections, and a one-fund
	 * report still sees the bank lines that name no contribution. */
	memset(&ro, 0, sizeof(ro));
	snprintf(ro.as_of, sizeof(ro.as_of), "%s", b.to);
	/* Pledges before the year matter only while something is outstanding on them. */
	ro.settled_before = b.from;
	memset(&v, 0, sizeof(v));
	v.pledge = on_pledge;
	v.proposal = on_proposal;
	v.bank = on_bank;
	v.contribution = on_contribution;
	v.ctx = &b;
	if ((err = fl_reconcile(&totals, b.l, &ro, &v)) < 0)
		goto done;
	for (size_t i = b.n_cfg_donors; i < r->n_donors; i++)
		r->donors[i].name = r->donors[i].code;
	for (size_t s = 0; s < r->n_sections; s++) {
		fl_report_section *sec = &r->sections[s];
		if ((err = finish_statement(&b, sec, s)) < 0 || (err = finish_states(&b, sec, s)) < 0)
			goto done;
		sort(sec->made, sec->n_made, sizeof(*sec->made), pledge_date_cmp);
		sort(sec->outstanding, sec->n_outstanding, sizeof(*sec->outstanding),
		     pledge_date_cmp);
		sort(sec->unmatched, sec->n_unmatched, sizeof(*sec->unmatched), unmatched_cmp);
		sort(sec->bank, sec->n_bank, sizeof(*sec->bank), bank_cmp);
		/* Bank totals are the account's, not a fund's: the consolidated section, or a
		 * one-fund report, carries them. */
		if (!sec->fund || r->n_sections == 1) {
			sec->statements = totals.statements;
			sec->lines = totals.lines;
			sec->lines_matched = totals.bank_matched;
		}
	}
	*out = r;
	r = NULL;
	err = 0;
done:
	fl_ledger_free(view);
	fl_store_read_end(fl_ledger_store(l));
	free(b.gave_year);
	free(b.gave_before);
	free(b.cap_receipts);
	free(b.cap_made);
	free(b.cap_out);
	free(b.cap_unmatched);
	free(b.cap_bank);
	fl_report_free(r);
	return err;
}

void fl_report_free(fl_report *r)
{
	if (!r)
		return;
	for (size_t s = 0; s < r->n_sections; s++) {
		fl_report_section *sec = &r->sections[s];
		free(sec->donors);
		free(sec->receipts_list);
		free(sec->made);
		free(sec->outstanding);
		free(sec->not_in_year);
		free(sec->never);
		free(sec->unmatched);
		free(sec->bank);
	}
	free(r->sections);
	free(r->donors);
	free(r->checkpoint);
	for (chunk *c = r->strings, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(r);
}

int fl_report_spill(const fl_report_dest *d, int all)
{
	int err;
	if (!d->sink || d->out->len == 0 || (!all && d->out->len < FL_REPORT_PIECE))
		return 0;
	err = d->sink(d->ctx, d->out->data, d->out->len);
	fl_buf_reset(d->out);
	return err;
}

static int render(const fl_report_dest *d, const fl_report *r, fl_report_format fmt)
{
	int err;
	switch (fmt) {
	case FL_REPORT_HTML: err = fl_report_html(d, r); break;
	case FL_REPORT_MD: err = fl_report_md(d, r); break;
	case FL_REPORT_JSON: err = fl_report_json(d, r); break;
	default:
		return fl_error_set(FL_EINVALID, "fl_report_render: CSV is written by fl_report_csv");
	}
	return err < 0 ? err : fl_report_spill(d, 1);
}

int fl_report_render(fl_buf *out, const fl_report *r, fl_report_format fmt)
{
	fl_report_dest d = {out, NULL, NULL};
	return render(&d, r, fmt);
}

int fl_report_stream(const fl_report *r, fl_report_format fmt, fl_report_sink sink, void *ctx)
{
	fl_buf piece = FL_BUF_INIT;
	fl_report_dest d = {&piece, sink, ctx};
	int err;
	/* A piece is spilled once it reaches FL_REPORT_PIECE: room for that and a long write. */
	if ((err = fl_buf_grow(&piece, 2 * FL_REPORT_PIECE)) == 0)
		err = render(&d, r, fmt);
	fl_buf_free(&piece);
	return err;
}
