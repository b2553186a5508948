/*
 * journal.c: the ledger as a Ledger, hledger or Beancount journal (journal.h; the mapping is
 * docs/JOURNAL.md).
 *
 * One pass over the entries in seq order (FL_Q_JOURNAL, which brings with each match its
 * contribution's value date and its pledge's currency, and with each rate its reverser), in
 * one read transaction. Reversals, which are few, look up what they reverse and the matches
 * that stood until them. Memory holds the accounts and currencies declared so far (funds x
 * donors x 4 names at most), one transaction's postings and one piece of output, which goes
 * to the sink every FL_JOURNAL_PIECE bytes: never the entries.
 *
 * What is written keeps these invariants:
 *   - every transaction balances in each tool: two postings of opposite amounts in one
 *     currency or, across currencies, the contribution's amount at a total cost ("@@") equal
 *     to the amount of the posting that balances it; a reversal posts the exact negation of
 *     each posting it undoes;
 *   - a match "stands" while neither it, its contribution nor its pledge is reversed
 *     (RECONCILE.md): it is undone once, by the first of those reversals in seq order, so
 *     the balances at the end are those of the standing entries;
 *   - every account and commodity is declared once, before its first use (Beancount opens
 *     accounts on 1900-01-01, the earliest date an entry may carry: a match is dated by its
 *     contribution, which may come before the pledge that opened the receivable);
 *   - free text reaches only descriptions and narrations, with what the tool would read as
 *     syntax replaced (Ledger, hledger: ';' starts a comment) or escaped (Beancount: '"', '\');
 *   - amounts are the entries' integers with their currency's decimals; a rate is written as
 *     the price of 1 USD in the currency, the exact decimal the rate entry holds.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/journal.h"
#include "fundledger/money.h"
#include "ledger_int.h"

/* "Expenses:WriteOff:" or "Assets:Receivable:", a fund and a donor code, and colons. */
#define ACCOUNT_MAX (20 + 2 * FL_CODE_MAX + 2)
/* Amounts are right-aligned after the account, for reading. */
#define AMOUNT_COLUMN 46
#define AMOUNT_WIDTH 16
/* The date Beancount opens accounts and declares commodities on. */
#define OPEN_DATE "1900-01-01"

static const char *const FORMAT_NAMES[] = {"?", "ledger", "hledger", "beancount"};

int fl_journal_format_parse(fl_journal_format *out, const char *s)
{
	for (int f = FL_JOURNAL_LEDGER; f <= FL_JOURNAL_BEANCOUNT; f++)
		if (strcmp(s, FORMAT_NAMES[f]) == 0) {
			*out = (fl_journal_format)f;
			return 0;
		}
	return fl_error_set(FL_EINVALID,
			    "unknown journal format '%.20s' (ledger, hledger or "
			    "beancount)",
			    s);
}

const char *fl_journal_format_name(fl_journal_format fmt)
{
	return fmt >= FL_JOURNAL_LEDGER && fmt <= FL_JOURNAL_BEANCOUNT ? FORMAT_NAMES[fmt] : "?";
}

/* ---- a sorted set of names (accounts, commodities) ---- */

typedef struct {
	char **v;
	size_t n, cap;
} nameset;

/* Adds name unless it is there; *added says which. */
static int nameset_add(nameset *s, const char *name, int *added)
{
	size_t lo = 0, hi = s->n;
	char *copy;
	*added = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid], name);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		char **v = cap > SIZE_MAX / sizeof(*v) ? NULL : realloc(s->v, cap * sizeof(*v));
		if (!v)
			return fl_error_set(FL_ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	if (!(copy = strdup(name)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof(*s->v));
	s->v[lo] = copy;
	s->n++;
	*added = 1;
	return 0;
}

static void nameset_free(nameset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* ---- transactions ---- */

typedef struct {
	char account[ACCOUNT_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	int64_t amount;
	char cost_currency[FL_CURRENCY_LEN + 1]; /* "" when there is no cost */
	int64_t cost;				 /* the total cost, >= 0 */
} posting;

typedef struct {
	char date[FL_DATE_LEN + 1];
	char payee[FL_CODE_MAX + 1];
	fl_buf narration;
	uint64_t seq;
	char hash[2 * FL_HASH_LEN + 1];
	uint64_t pledge, contribution, reverses; /* metadata, 0 when absent */
	fl_buf undoes;				 /* "5 7": matches a reversal undoes */
	posting *p;
	size_t n, cap;
} txn;

static void txn_reset(txn *t)
{
	t->date[0] = t->payee[0] = 0;
	fl_buf_reset(&t->narration);
	fl_buf_reset(&t->undoes);
	t->seq = t->pledge = t->contribution = t->reverses = 0;
	t->hash[0] = 0;
	t->n = 0;
}

static int txn_post(txn *t, const char *account, const char *currency, int64_t amount,
		    const char *cost_currency, int64_t cost)
{
	posting *p;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		posting *v = cap > SIZE_MAX / sizeof(*v) ? NULL : realloc(t->p, cap * sizeof(*v));
		if (!v)
			return fl_error_set(FL_ENOMEM, "out of memory");
		t->p = v;
		t->cap = cap;
	}
	p = &t->p[t->n++];
	snprintf(p->account, sizeof(p->account), "%s", account);
	snprintf(p->currency, sizeof(p->currency), "%s", currency);
	p->amount = amount;
	snprintf(p->cost_currency, sizeof(p->cost_currency), "%s",
		 cost_currency ? cost_currency : "");
	p->cost = cost;
	return 0;
}

/* ---- the writer ---- */

typedef struct {
	fl_ledger *l;
	fl_store *s;
	const fl_config *cfg;
	fl_journal_format fmt;
	fl_journal_sink sink;
	void *ctx;
	fl_buf out;
	nameset accounts, commodities;
	int declared; /* declarations were written since the last blank line */
	fl_journal_stats st;
	txn t;
	/* Scratch entries for reversals, on the heap: each is several KiB. */
	fl_entry cur, target, match;
	fl_buf canon;
} jw;

static int flush(jw *w, int all)
{
	int err;
	if (w->out.len == 0 || (!all && w->out.len < FL_JOURNAL_PIECE))
		return 0;
	err = w->sink(w->ctx, w->out.data, w->out.len);
	fl_buf_reset(&w->out);
	return err;
}

/* Starts a transaction, price or comment: a blank line ends the declarations before it. */
static int block(jw *w)
{
	if (!w->declared)
		return 0;
	w->declared = 0;
	return fl_buf_putc(&w->out, '\n');
}

static int minor_units(jw *w, const char *currency, unsigned *mu)
{
	const fl_currency *c = w->cfg ? fl_config_currency(w->cfg, currency) : NULL;
	if (!c)
		return fl_error_set(FL_ENOTFOUND, "currency %s is not in the configuration",
				    currency);
	*mu = c->minor_units;
	return 0;
}

/* A fund or donor code as an account name component: [A-Z0-9][A-Z0-9-]*, which every tool
 * takes as it is (Beancount allows a component to start with a digit and to hold '-'). The
 * decoder checked it; a journal must not depend on that. */
static int check_component(const char *s, uint64_t seq)
{
	size_t n = strlen(s);
	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9')))
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			goto bad;
	return 0;
bad:
	return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 ": '%.40s' is not a code", seq, s);
}

/* A currency as a commodity: three letters A-Z, valid unquoted in every tool (Ledger and
 * hledger quote only names with digits or symbols; Beancount takes 2-24 capitals). */
static int check_currency(const char *s, uint64_t seq)
{
	if (strlen(s) != FL_CURRENCY_LEN || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 ": '%.10s' is not a currency",
				    seq, s);
	return 0;
}

/* Builds "ROOT:FUND[:DONOR]". */
static int account(char out[ACCOUNT_MAX + 1], const char *root, const char *fund, const char *donor,
		   uint64_t seq)
{
	int err;
	if ((err = check_component(fund, seq)) < 0 ||
	    (donor && (err = check_component(donor, seq)) < 0))
		return err;
	if (donor)
		snprintf(out, ACCOUNT_MAX + 1, "%s:%s:%s", root, fund, donor);
	else
		snprintf(out, ACCOUNT_MAX + 1, "%s:%s", root, fund);
	return 0;
}

/* Free text for a description (Ledger, hledger) or a string (Beancount). */
static int put_text(jw *w, fl_buf *b, const char *s)
{
	int err = 0;
	for (; *s && err == 0; s++) {
		if (w->fmt == FL_JOURNAL_BEANCOUNT && (*s == '"' || *s == '\\'))
			err = fl_buf_putc(b, '\\');
		if (err == 0)
			err = fl_buf_putc(b, w->fmt != FL_JOURNAL_BEANCOUNT && *s == ';'
						 ? ','
						 : (unsigned char)*s);
	}
	return err;
}

static int declare_commodity(jw *w, const char *code)
{
	unsigned mu = 0;
	int added, err;
	if ((err = nameset_add(&w->commodities, code, &added)) < 0 || !added)
		return err;
	if ((err = minor_units(w, code, &mu)) < 0)
		return err;
	w->declared = 1;
	switch (w->fmt) {
	case FL_JOURNAL_LEDGER:
		/* The display format: no grouping, the currency's decimals. */
		return fl_buf_printf(&w->out, "commodity %s\n    format 1000%s%.*s %s\n", code,
				     mu ? "." : "", (int)mu, "0000", code);
	case FL_JOURNAL_HLEDGER:
		/* hledger wants the decimal mark even with no decimals ("1000. JPY"). */
		return fl_buf_printf(&w->out, "commodity 1000.%.*s %s\n", (int)mu, "0000", code);
	default:
		return fl_buf_printf(&w->out, OPEN_DATE " commodity %s\n", code);
	}
}

static int declare_account(jw *w, const char *name)
{
	int added, err;
	if ((err = nameset_add(&w->accounts, name, &added)) < 0 || !added)
		return err;
	w->declared = 1;
	if (w->fmt == FL_JOURNAL_BEANCOUNT)
		return fl_buf_printf(&w->out, OPEN_DATE " open %s\n", name);
	return fl_buf_printf(&w->out, "account %s\n", name);
}

static int put_amount(jw *w, fl_buf *b, int64_t amount, const char *currency)
{
	char s[FL_MONEY_STR_MAX];
	unsigned mu = 0;
	int err;
	if ((err = minor_units(w, currency, &mu)) < 0)
		return err;
	if (fl_money_format(s, sizeof(s), amount, mu, 0) < 0)
		return fl_error_set(FL_ERANGE, "amount %" PRId64 " cannot be written", amount);
	return fl_buf_printf(b, "%s %s", s, currency);
}

/* One metadata item: "    ; key: value" (Ledger, hledger) or "  key: value" (Beancount,
 * where a text is a quoted string and a number stands alone). */
static int meta(jw *w, const char *key, const char *value, int quoted)
{
	if (w->fmt == FL_JOURNAL_BEANCOUNT)
		return fl_buf_printf(&w->out, quoted ? "  %s: \"%s\"\n" : "  %s: %s\n", key, value);
	return fl_buf_printf(&w->out, "    ; %s: %s\n", key, value);
}

static int meta_u64(jw *w, const char *key, uint64_t v)
{
	char s[24];
	if (!v)
		return 0;
	snprintf(s, sizeof(s), "%" PRIu64, v);
	return meta(w, key, s, 0);
}

/* Writes the transaction in w->t, declaring what it uses first. */
static int txn_write(jw *w)
{
	txn *t = &w->t;
	fl_buf line = FL_BUF_INIT;
	int err = 0;
	for (size_t i = 0; i < t->n && err == 0; i++)
		if ((err = declare_commodity(w, t->p[i].currency)) == 0 &&
		    (!t->p[i].cost_currency[0] ||
		     (err = declare_commodity(w, t->p[i].cost_currency)) == 0))
			err = declare_account(w, t->p[i].account);
	if (err < 0 || (err = block(w)) < 0)
		goto done;
	switch (w->fmt) {
	case FL_JOURNAL_LEDGER:
		/* Ledger reads the whole description as the payee; the Payee tag names it. */
		err = fl_buf_printf(&w->out, "%s * %s\n    ; Payee: %s\n", t->date,
				    fl_buf_cstr(&t->narration), t->payee);
		break;
	case FL_JOURNAL_HLEDGER:
		/* hledger's "PAYEE | NOTE" description. */
		err = fl_buf_printf(&w->out, "%s * %s | %s\n", t->date, t->payee,
				    fl_buf_cstr(&t->narration));
		break;
	default:
		err = fl_buf_printf(&w->out, "%s * \"%s\" \"%s\"\n", t->date, t->payee,
				    fl_buf_cstr(&t->narration));
		break;
	}
	if (err < 0 || (err = meta_u64(w, "seq", t->seq)) < 0 ||
	    (err = meta(w, "hash", t->hash, 1)) < 0 ||
	    (err = meta_u64(w, "pledge", t->pledge)) < 0 ||
	    (err = meta_u64(w, "contribution", t->contribution)) < 0 ||
	    (err = meta_u64(w, "reverses", t->reverses)) < 0 ||
	    (t->undoes.len && (err = meta(w, "undoes", fl_buf_cstr(&t->undoes), 1)) < 0))
		goto done;
	for (size_t i = 0; i < t->n && err == 0; i++) {
		const posting *p = &t->p[i];
		size_t pad =
		    strlen(p->account) + 2 < AMOUNT_COLUMN ? AMOUNT_COLUMN - strlen(p->account) : 2;
		fl_buf_reset(&line);
		if ((err = put_amount(w, &line, p->amount, p->currency)) < 0)
			break;
		/* Right-align the number: pad by what its currency code does not take. */
		pad += AMOUNT_WIDTH > line.len ? AMOUNT_WIDTH - line.len : 0;
		err = fl_buf_printf(&w->out, "%s%s%*s%s",
				    w->fmt == FL_JOURNAL_BEANCOUNT ? "  " : "    ", p->account,
				    (int)pad, "", fl_buf_cstr(&line));
		if (err == 0 && p->cost_currency[0]) {
			fl_buf_reset(&line);
			if ((err = put_amount(w, &line, p->cost, p->cost_currency)) == 0)
				err = fl_buf_printf(&w->out, " @@ %s", fl_buf_cstr(&line));
		}
		if (err == 0)
			err = fl_buf_putc(&w->out, '\n');
	}
	if (err == 0 && (err = fl_buf_putc(&w->out, '\n')) == 0) {
		w->st.transactions++;
		err = flush(w, 0);
	}
done:
	fl_buf_free(&line);
	return err;
}

/* A comment line naming an entry that has no posting, and why. */
static int comment(jw *w, const fl_entry *e, const char *hash, const char *why_fmt, ...)
    FL_PRINTF(4, 5);
static int comment(jw *w, const fl_entry *e, const char *hash, const char *why_fmt, ...)
{
	char why[512];
	va_list ap;
	int err;
	va_start(ap, why_fmt);
	vsnprintf(why, sizeof(why), why_fmt, ap);
	va_end(ap);
	if ((err = block(w)) < 0 ||
	    (err = fl_buf_printf(&w->out, "; seq %" PRIu64 " %s %s: %s\n\n", e->seq,
				 fl_kind_name(e->kind), hash, why)) < 0)
		return err;
	w->st.comments++;
	return flush(w, 0);
}

/* "2026", "2026-2028" (consecutive years) or "2024, 2026". */
static int put_years(fl_buf *b, const fl_entry *e)
{
	int consecutive = e->n_years > 1;
	int err = 0;
	for (size_t i = 1; i < e->n_years; i++)
		if (e->years[i] != e->years[i - 1] + 1)
			consecutive = 0;
	if (consecutive)
		return fl_buf_printf(b, "%u-%u", e->years[0], e->years[e->n_years - 1]);
	for (size_t i = 0; i < e->n_years && err == 0; i++)
		err = fl_buf_printf(b, "%s%u", i ? ", " : "", e->years[i]);
	return err;
}

/*
 * Appends the postings of a pledge, contribution, match or write-off to w->t, each amount
 * times sign (1, or -1 to undo it), and gives the date the entry is posted on: its own date,
 * or for a match its contribution's value date (cdate). pcur is a match's pledge currency.
 */
static int postings(jw *w, const fl_entry *e, const char *cdate, const char *pcur, int sign,
		    const char **date)
{
	char a[ACCOUNT_MAX + 1], b[ACCOUNT_MAX + 1];
	const char *dr, *cr;
	int err;
	if ((err = check_currency(e->currency, e->seq)) < 0)
		return err;
	switch (e->kind) {
	case FL_KIND_PLEDGE:
		dr = "Assets:Receivable";
		cr = "Income:Pledged";
		break;
	case FL_KIND_CONTRIBUTION:
		dr = "Assets:Bank";
		cr = "Income:Unpledged";
		break;
	case FL_KIND_WRITEOFF:
		dr = "Expenses:WriteOff";
		cr = "Assets:Receivable";
		break;
	case FL_KIND_MATCH:
		dr = "Income:Unpledged";
		cr = "Assets:Receivable";
		break;
	default:
		return fl_error_set(FL_EINVALID, "entry %" PRIu64 ": a %s has no postings", e->seq,
				    fl_kind_name(e->kind));
	}
	if ((err = account(a, dr, e->fund, e->kind == FL_KIND_CONTRIBUTION ? NULL : e->donor,
			   e->seq)) < 0 ||
	    (err = account(b, cr, e->fund, e->donor, e->seq)) < 0)
		return err;
	*date = e->date;
	if (e->kind != FL_KIND_MATCH)
		return (err = txn_post(&w->t, a, e->currency, sign * e->amount, NULL, 0)) < 0
			   ? err
			   : txn_post(&w->t, b, e->currency, -sign * e->amount, NULL, 0);
	/* A match: the contribution's currency leaves Income:Unpledged, the pledge's settles the
	 * receivable; across currencies the first is posted at the total cost of the second. */
	*date = cdate;
	if (fl_date_check(cdate, strlen(cdate)) < 0 || (err = check_currency(pcur, e->seq)) < 0)
		return err < 0
			   ? err
			   : fl_error_set(FL_ECORRUPT,
					  "match %" PRIu64 ": contribution %" PRIu64 " not found",
					  e->seq, e->contribution);
	if (e->settled < 0 || (strcmp(pcur, e->currency) == 0 && e->settled != e->amount))
		return fl_error_set(
		    FL_ECORRUPT, "match %" PRIu64 ": settled %" PRId64 " does not fit its amount",
		    e->seq, e->settled);
	if ((err = txn_post(&w->t, a, e->currency, sign * e->amount,
			    strcmp(pcur, e->currency) ? pcur : NULL, e->settled)) < 0)
		return err;
	return txn_post(&w->t, b, pcur, -sign * e->settled, NULL, 0);
}

/* The narration of an entry that moves money (not of a reversal). */
static int narrate(jw *w, const fl_entry *e)
{
	fl_buf *b = &w->t.narration;
	int err = 0;
	switch (e->kind) {
	case FL_KIND_PLEDGE:
		if ((err = fl_buf_printf(b, "pledge to %s for ", e->fund)) < 0 ||
		    (err = put_years(b, e)) < 0)
			return err;
		if (e->due[0] && (err = fl_buf_printf(b, ", due %s", e->due)) < 0)
			return err;
		if (e->earmark[0] && ((err = fl_buf_puts(b, ", earmarked: ")) < 0 ||
				      (err = put_text(w, b, e->earmark)) < 0))
			return err;
		return 0;
	case FL_KIND_CONTRIBUTION:
		if ((err = fl_buf_printf(b, "contribution to %s, bank reference ", e->fund)) < 0 ||
		    (err = put_text(w, b, e->bank_ref)) < 0)
			return err;
		return e->pledge ? fl_buf_printf(b, ", for pledge %" PRIu64, e->pledge) : 0;
	case FL_KIND_MATCH:
		if ((err = fl_buf_printf(b,
					 "contribution %" PRIu64 " applied to pledge %" PRIu64 ": ",
					 e->contribution, e->pledge)) < 0)
			return err;
		return put_text(w, b, e->reason);
	case FL_KIND_WRITEOFF:
		if ((err = fl_buf_printf(b, "write-off of pledge %" PRIu64 ": ", e->pledge)) < 0)
			return err;
		return put_text(w, b, e->reason);
	default:
		return 0;
	}
}

/* The seq of the reversal of seq, 0 when it stands. */
static int reversed_by(jw *w, uint64_t seq, uint64_t *by)
{
	return fl_store_reversed_by(w->s, seq, by);
}

/* Whether the reversal r1 (0 for none) comes before seq r. */
static int before(uint64_t r1, uint64_t r)
{
	return r1 != 0 && r1 < r;
}

/*
 * Loads match seq into w->match, with its contribution's date and its pledge's currency, and
 * *undone_by: the first reversal before r of the match, its contribution or its pledge, the
 * one that undid it (0 when the match still stood just before r), and *what that reversal
 * reversed ("match", "contribution" or "pledge").
 */
static int load_match(jw *w, uint64_t seq, uint64_t r, char cdate[FL_DATE_LEN + 1],
		      char pcur[FL_CURRENCY_LEN + 1], uint64_t *undone_by, const char **what)
{
	fl_ref_info c, p;
	uint64_t rm;
	int err;
	if ((err = fl_store_get(w->s, seq, &w->canon, NULL)) < 0 ||
	    (err = fl_entry_decode(&w->match, w->canon.data, w->canon.len)) < 0)
		return err == FL_ENOTFOUND
			   ? fl_error_set(FL_ECORRUPT, "match %" PRIu64 " not found", seq)
			   : fl_error_prefix("entry %" PRIu64 ": ", seq);
	if (w->match.kind != FL_KIND_MATCH)
		return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 " is not a match", seq);
	if ((err = fl_store_ref_info(w->s, w->match.contribution, &c)) < 0 ||
	    (err = fl_store_ref_info(w->s, w->match.pledge, &p)) < 0)
		return err == FL_ENOTFOUND
			   ? fl_error_set(FL_ECORRUPT,
					  "match %" PRIu64 ": what it names is missing", seq)
			   : err;
	if ((err = reversed_by(w, seq, &rm)) < 0)
		return err;
	snprintf(cdate, FL_DATE_LEN + 1, "%s", c.date);
	snprintf(pcur, FL_CURRENCY_LEN + 1, "%s", p.currency);
	*undone_by = 0;
	*what = "";
	{
		const uint64_t by[3] = {rm, c.reversed_by, p.reversed_by};
		static const char *const NAMES[3] = {"match", "contribution", "pledge"};
		for (int i = 0; i < 3; i++)
			if (before(by[i], r) && (!*undone_by || by[i] < *undone_by)) {
				*undone_by = by[i];
				*what = NAMES[i];
			}
	}
	return 0;
}

/*
 * Undoes, inside the reversal r's transaction, the matches of the pledge or contribution
 * target that still stood just before r, and moves the date to the latest of theirs.
 */
static int undo_matches(jw *w, uint64_t target, fl_query q, uint64_t r, char *date)
{
	fl_store_iter *it = NULL;
	fl_qparams qp;
	fl_qrow row;
	int rc, err;
	memset(&qp, 0, sizeof(qp));
	qp.seq = target;
	if ((err = fl_store_query(&it, w->s, q, &qp)) < 0)
		return err;
	while ((rc = fl_store_query_next(it, &row)) == 1) {
		char cdate[FL_DATE_LEN + 1], pcur[FL_CURRENCY_LEN + 1];
		const char *d, *what;
		uint64_t undone;
		if (row.i[0] <= 0 || (uint64_t)row.i[0] >= r)
			continue; /* recorded after the reversal: never stood with the target */
		if ((err = load_match(w, (uint64_t)row.i[0], r, cdate, pcur, &undone, &what)) < 0)
			goto done;
		if (undone)
			continue;
		if ((err = postings(w, &w->match, cdate, pcur, -1, &d)) < 0 ||
		    (err = fl_buf_printf(&w->t.undoes, "%s%" PRIu64, w->t.undoes.len ? " " : "",
					 w->match.seq)) < 0)
			goto done;
		if (strcmp(d, date) > 0)
			snprintf(date, FL_DATE_LEN + 1, "%s", d);
	}
	err = rc < 0 ? rc : 0;
done:
	fl_store_iter_free(it);
	return err;
}

/* A reversal: the mirror of what it reverses, if that still had an effect. */
static int reversal(jw *w, const fl_entry *e, const char *hash)
{
	fl_entry *t = &w->target;
	char date[FL_DATE_LEN + 1], cdate[FL_DATE_LEN + 1] = "", pcur[FL_CURRENCY_LEN + 1] = "";
	const char *d, *what = "";
	uint64_t undone = 0;
	int err;
	if ((err = fl_store_get(w->s, e->target, &w->canon, NULL)) < 0 ||
	    (err = fl_entry_decode(t, w->canon.data, w->canon.len)) < 0)
		return err == FL_ENOTFOUND
			   ? fl_error_set(FL_ECORRUPT,
					  "reversal %" PRIu64 ": entry %" PRIu64 " not found",
					  e->seq, e->target)
			   : fl_error_prefix("entry %" PRIu64 ": ", e->target);
	switch (t->kind) {
	case FL_KIND_PLEDGE:
	case FL_KIND_CONTRIBUTION:
	case FL_KIND_WRITEOFF:
		break;
	case FL_KIND_MATCH:
		if ((err = load_match(w, t->seq, e->seq, cdate, pcur, &undone, &what)) < 0)
			return err;
		if (undone)
			return comment(w, e, hash,
				       "no posting: match %" PRIu64 " had stopped standing with "
				       "reversal %" PRIu64 " of its %s",
				       t->seq, undone, what);
		break;
	case FL_KIND_RATE:
		return comment(w, e, hash,
			       "no posting: reverses rate %" PRIu64 ", whose price is left out",
			       t->seq);
	default:
		return comment(w, e, hash,
			       "no posting: reverses %s %" PRIu64 " (bank reconciliation)",
			       fl_kind_name(t->kind), t->seq);
	}
	txn_reset(&w->t);
	w->t.seq = e->seq;
	snprintf(w->t.hash, sizeof(w->t.hash), "%s", hash);
	snprintf(w->t.payee, sizeof(w->t.payee), "%s", t->donor);
	w->t.reverses = t->seq;
	if ((err = postings(w, t, cdate, pcur, -1, &d)) < 0)
		return err;
	snprintf(date, sizeof(date), "%s", d);
	if (t->kind == FL_KIND_PLEDGE || t->kind == FL_KIND_CONTRIBUTION)
		if ((err = undo_matches(w, t->seq,
					t->kind == FL_KIND_PLEDGE ? FL_Q_MATCHES_OF_PLEDGE
								  : FL_Q_MATCHES_OF_CONTRIBUTION,
					e->seq, date)) < 0)
			return err;
	snprintf(w->t.date, sizeof(w->t.date), "%s", date);
	if ((err = fl_buf_printf(&w->t.narration, "reversal of %s %" PRIu64 ": ",
				 fl_kind_name(t->kind), t->seq)) < 0 ||
	    (err = put_text(w, &w->t.narration, e->reason)) < 0)
		return err;
	if (w->t.undoes.len &&
	    (err = fl_buf_printf(&w->t.narration, " (with its standing matches %s)",
				 fl_buf_cstr(&w->t.undoes))) < 0)
		return err;
	return txn_write(w);
}

static int rate(jw *w, const fl_entry *e, const char *hash, uint64_t reverser)
{
	char r[FL_MONEY_STR_MAX];
	int err;
	if ((err = check_currency(e->currency, e->seq)) < 0)
		return err;
	if (fl_rate_format(r, sizeof(r), e->rate) < 0)
		return fl_error_set(FL_ECORRUPT, "rate %" PRIu64 ": bad rate", e->seq);
	if (reverser)
		return comment(w, e, hash,
			       "no price: reversed by seq %" PRIu64 " (%s %s USD %s %s)", reverser,
			       w->fmt == FL_JOURNAL_BEANCOUNT ? e->date : "P",
			       w->fmt == FL_JOURNAL_BEANCOUNT ? "price" : e->date, r, e->currency);
	if ((err = declare_commodity(w, "USD")) < 0 ||
	    (err = declare_commodity(w, e->currency)) < 0 || (err = block(w)) < 0)
		return err;
	if (w->fmt == FL_JOURNAL_BEANCOUNT)
		err = fl_buf_printf(&w->out,
				    "%s price USD %s %s\n  seq: %" PRIu64 "\n  hash: \"%s\"\n\n",
				    e->date, r, e->currency, e->seq, hash);
	else
		err = fl_buf_printf(&w->out, "; seq: %" PRIu64 ", hash: %s\nP %s USD %s %s\n\n",
				    e->seq, hash, e->date, r, e->currency);
	if (err < 0)
		return err;
	w->st.prices++;
	return flush(w, 0);
}

/* An entry that moves money: pledge, contribution, match, write-off. */
static int movement(jw *w, const fl_entry *e, const char *hash, const char *cdate, const char *pcur)
{
	const char *d;
	int err;
	txn_reset(&w->t);
	w->t.seq = e->seq;
	snprintf(w->t.hash, sizeof(w->t.hash), "%s", hash);
	snprintf(w->t.payee, sizeof(w->t.payee), "%s", e->donor);
	w->t.pledge = e->pledge;
	w->t.contribution = e->kind == FL_KIND_MATCH ? e->contribution : 0;
	if ((err = postings(w, e, cdate, pcur, 1, &d)) < 0 || (err = narrate(w, e)) < 0)
		return err;
	snprintf(w->t.date, sizeof(w->t.date), "%s", d);
	return txn_write(w);
}

static int header(jw *w, uint64_t count, const unsigned char head[FL_HASH_LEN])
{
	static const char *const TOOL[] = {"?", "Ledger 3", "hledger", "Beancount 2"};
	static const char *const TAGS[] = {"Payee",	   "seq",      "hash",	"pledge",
					   "contribution", "reverses", "undoes"};
	char hex[2 * FL_HASH_LEN + 1];
	const char *origin = fl_ledger_origin(w->l);
	int err;
	fl_hex_encode(hex, head, FL_HASH_LEN);
	if ((err = fl_buf_printf(&w->out, "; fundledger journal for %s of the ledger %s\n",
				 TOOL[w->fmt], origin)) < 0 ||
	    (err = count ? fl_buf_printf(&w->out, "; entries 1-%" PRIu64 ", head %s\n", count, hex)
			 : fl_buf_puts(&w->out, "; no entries\n")) < 0 ||
	    (err = fl_buf_puts(&w->out, "; accounts, postings and what is left out: "
					"docs/JOURNAL.md\n\n")) < 0)
		return err;
	if (w->fmt == FL_JOURNAL_LEDGER) {
		/* Declared, so that ledger --pedantic accepts the metadata. */
		for (size_t i = 0; i < sizeof(TAGS) / sizeof(TAGS[0]) && err == 0; i++)
			err = fl_buf_printf(&w->out, "tag %s\n", TAGS[i]);
		if (err == 0)
			err = fl_buf_putc(&w->out, '\n');
	} else if (w->fmt == FL_JOURNAL_BEANCOUNT) {
		if ((err = fl_buf_puts(&w->out, "option \"title\" \"fundledger ")) < 0 ||
		    (err = put_text(w, &w->out, origin)) < 0 ||
		    (err = fl_buf_puts(&w->out, "\"\noption \"operating_currency\" \"USD\"\n")) < 0)
			return err;
		/* Beancount keeps a total price "@@" as a unit price, the quotient rounded to 28
		 * digits, so the weight of 3306.83 USD @@ 483865 JPY comes back 10^-22 yen off; and
		 * it allows no tolerance at all on amounts without decimals (JPY, KRW). A millionth
		 * of a unit absorbs the rounding and nothing else: every real difference is at
		 * least one minor unit. Currencies with decimals keep their inferred tolerance. */
		err = fl_buf_puts(&w->out,
				  "option \"inferred_tolerance_default\" \"*:0.000001\"\n\n");
	}
	return err;
}

static int one(jw *w, const fl_qrow *row)
{
	fl_entry *e = &w->cur;
	const char *hash = row->t[0] ? row->t[0] : "";
	int err;
	if ((err = fl_entry_decode(e, row->blob, row->blob_len)) < 0)
		return fl_error_prefix("entry %" PRId64 ": ", row->i[0]);
	if (e->seq != (uint64_t)row->i[0] || strlen(hash) != 2 * FL_HASH_LEN)
		return fl_error_set(FL_ECORRUPT, "entry %" PRId64 ": bad stored seq or hash",
				    row->i[0]);
	w->st.entries++;
	switch (e->kind) {
	case FL_KIND_PLEDGE:
	case FL_KIND_CONTRIBUTION:
	case FL_KIND_WRITEOFF:
		return movement(w, e, hash, "", "");
	case FL_KIND_MATCH:
		return movement(w, e, hash, row->t[1] ? row->t[1] : "", row->t[2] ? row->t[2] : "");
	case FL_KIND_RATE:
		return rate(w, e, hash, (uint64_t)row->i[1]);
	case FL_KIND_REVERSAL:
		return reversal(w, e, hash);
	default:
		return comment(w, e, hash, "no posting (bank reconciliation)");
	}
}

int fl_journal_write(fl_journal_stats *out, fl_ledger *l, fl_journal_format fmt,
		     fl_journal_sink sink, void *ctx)
{
	jw *w;
	fl_store_iter *it = NULL;
	fl_qparams qp;
	fl_qrow row;
	uint64_t count;
	unsigned char head[FL_HASH_LEN];
	int err, rc, reading = 0;

	if (out)
		memset(out, 0, sizeof(*out));
	if (fmt < FL_JOURNAL_LEDGER || fmt > FL_JOURNAL_BEANCOUNT || !sink)
		return fl_error_set(FL_EINVALID, "journal: bad format or no sink");
	if (!(w = calloc(1, sizeof(*w))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	w->l = l;
	w->s = fl_ledger_store(l);
	w->cfg = fl_ledger_config(l);
	w->fmt = fmt;
	w->sink = sink;
	w->ctx = ctx;
	if (!w->cfg) {
		err = fl_error_set(FL_EINVALID, "journal: the ledger was opened without a "
						"configuration");
		goto done;
	}
	/* One read transaction: the head in the header and every look-up see the same ledger,
	 * whatever a writer appends meanwhile. */
	if ((err = fl_store_read_begin(w->s)) < 0)
		goto done;
	reading = 1;
	if ((err = fl_store_head(w->s, &count, head)) < 0 || (err = header(w, count, head)) < 0)
		goto done;
	memset(&qp, 0, sizeof(qp));
	if ((err = fl_store_query(&it, w->s, FL_Q_JOURNAL, &qp)) < 0)
		goto done;
	while ((rc = fl_store_query_next(it, &row)) == 1) {
		if ((err = one(w, &row)) < 0)
			goto done;
		fl_ledger_progress(l, w->st.entries, count);
	}
	if ((err = rc) < 0 || (err = flush(w, 1)) < 0)
		goto done;
	if (w->st.entries != count)
		err = fl_error_set(FL_ECORRUPT, "journal: read %" PRIu64 " entries of %" PRIu64,
				   w->st.entries, count);
	if (out)
		*out = w->st;
done:
	fl_store_iter_free(it);
	if (reading)
		fl_store_read_end(w->s);
	fl_buf_free(&w->out);
	fl_buf_free(&w->canon);
	fl_buf_free(&w->t.narration);
	fl_buf_free(&w->t.undoes);
	free(w->t.p);
	nameset_free(&w->accounts);
	nameset_free(&w->commodities);
	free(w);
	return err;
}
