/*
 * iati.c: a year of the ledger as an IATI 2.03 activity file (iati.h; the mapping is
 * docs/IATI.md).
 *
 * Two scans, never the whole ledger: the entries dated in the year (fl_filter from/to), and
 * the reversal entries, which are few and carry no date of their own. What they give is kept
 * as a list of transactions (tens to hundreds a year), completed once the scans are over
 * (what reversed an entry and when, a write-off's pledge), sorted by fund and seq, and written
 * with xml.c's writer, which escapes every value. Element order follows the 2.03 schema,
 * whose content models are sequences.
 *
 * Invariants of what is written:
 *   - every fund of the configuration has exactly one activity, even without transactions;
 *   - a transaction's value is its entry's integer amount with the currency's decimals,
 *     negated for write-offs and for the reversal of an entry of an earlier year;
 *   - an entry dated in the year and reversed by its end (reversal recorded_at, UTC) is left
 *     out, and so is its reversal; nothing depends on the clock or the locale, only on the
 *     ledger, the configuration, the year and the `generated` time given.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/iati.h"
#include "fundledger/money.h"
#include "xml_int.h"

#define PIECE 65536
/* "Reversal of ledger entry N, ledger entry N" and the like. */
#define DESC_MAX 96

typedef struct {
	size_t fund;   /* index in cfg->funds */
	int type;      /* IATI TransactionType */
	int64_t value; /* signed minor units */
	fl_kind kind;  /* the entry's kind: pledge, contribution, writeoff or reversal */
	uint64_t seq;  /* the entry's seq */
	uint64_t about; /* writeoff: its pledge; reversal: its target */
	int left_out;
	char date[FL_DATE_LEN + 1];
	char currency[FL_CURRENCY_LEN + 1];
	char donor[FL_CODE_MAX + 1];
	char ref[FL_IDEM_MAX + 1]; /* the reference given with --ref; "" for a derived one */
} txn;

typedef struct {
	fl_ledger *l;
	const fl_config *cfg;
	int year;
	txn *t;
	size_t n, cap;
	fl_iati_stats st;
	fl_entry scratch; /* several KiB: on the heap with the rest */
} collector;

int fl_iati_year_parse(int *out, const char *s)
{
	int y = 0;
	if (!s || strlen(s) != 4)
		goto bad;
	for (size_t i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		y = 10 * y + (s[i] - '0');
	}
	if (y < FL_IATI_YEAR_MIN || y > FL_IATI_YEAR_MAX)
		goto bad;
	*out = y;
	return 0;
bad:
	return fl_error_set(FL_EINVALID, "year '%.16s' is not a year from %d to %d (YYYY)",
			    s ? s : "", FL_IATI_YEAR_MIN, FL_IATI_YEAR_MAX);
}

static txn *push(collector *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		txn *v = cap > SIZE_MAX / sizeof(*v) ? NULL : realloc(c->t, cap * sizeof(*v));
		if (!v)
			return NULL;
		c->t = v;
		c->cap = cap;
	}
	memset(&c->t[c->n], 0, sizeof(c->t[0]));
	return &c->t[c->n++];
}

static int fund_index(const collector *c, const char *code, uint64_t seq, size_t *out)
{
	const fl_fund *f = fl_config_fund(c->cfg, code);
	if (!f)
		return fl_error_set(FL_ENOTFOUND, "entry %" PRIu64 ": fund %s is not in the "
						  "configuration",
				    seq, code);
	*out = (size_t)(f - c->cfg->funds);
	return 0;
}

/*
 * The reference the user gave the entry (--ref, its idempotency key); a derived one
 * ("auto-" and a digest) says nothing to a reader and is left for "seq-N".
 */
static void given_ref(txn *t, const fl_entry *e)
{
	if (strncmp(e->idem, "auto-", 5) != 0)
		memcpy(t->ref, e->idem, sizeof(t->ref));
}

/* The entries dated in the year that become transactions. */
static int take_dated(void *ctx, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	collector *c = ctx;
	txn *t;
	(void)hash;
	if (e->kind != FL_KIND_PLEDGE && e->kind != FL_KIND_CONTRIBUTION &&
	    e->kind != FL_KIND_WRITEOFF)
		return 0;
	if (!(t = push(c)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	t->kind = e->kind;
	t->seq = e->seq;
	t->value = e->kind == FL_KIND_WRITEOFF ? -e->amount : e->amount;
	memcpy(t->date, e->date, sizeof(t->date));
	memcpy(t->currency, e->currency, sizeof(t->currency));
	memcpy(t->donor, e->donor, sizeof(t->donor));
	given_ref(t, e);
	if (e->kind == FL_KIND_PLEDGE) {
		t->type = e->donor_ref[0] ? FL_IATI_INCOMING_COMMITMENT : FL_IATI_INCOMING_PLEDGE;
	} else if (e->kind == FL_KIND_CONTRIBUTION) {
		t->type = FL_IATI_INCOMING_FUNDS;
	} else {
		t->about = e->pledge; /* its type is its pledge's, looked up afterwards */
	}
	return fund_index(c, e->fund, e->seq, &t->fund);
}

/* Reversals recorded in the year: their targets are sorted out afterwards. */
static int take_reversal(void *ctx, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	collector *c = ctx;
	txn *t;
	(void)hash;
	if (e->kind != FL_KIND_REVERSAL || fl_date_year(e->recorded_at) != c->year)
		return 0;
	if (!(t = push(c)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	t->kind = FL_KIND_REVERSAL;
	t->seq = e->seq;
	t->about = e->target;
	given_ref(t, e);
	memcpy(t->date, e->recorded_at, FL_DATE_LEN);
	t->date[FL_DATE_LEN] = '\0';
	return 0;
}

/* The type of the pledge seq: 11 with the donor's reference, else 13. */
static int pledge_type(collector *c, uint64_t seq, int *type)
{
	int err;
	if ((err = fl_ledger_get(c->l, seq, &c->scratch, NULL, NULL)) < 0)
		return err;
	if (c->scratch.kind != FL_KIND_PLEDGE)
		return fl_error_set(FL_ECORRUPT, "entry %" PRIu64 " is not a pledge", seq);
	*type = c->scratch.donor_ref[0] ? FL_IATI_INCOMING_COMMITMENT : FL_IATI_INCOMING_PLEDGE;
	return 0;
}

/*
 * Completes the dated entries (first) and turns the reversals (after them) into the negation
 * of an earlier year's entry, or drops them.
 */
static int complete(collector *c, size_t dated)
{
	size_t n = c->n;
	int err;

	for (size_t i = 0; i < dated; i++) {
		txn *t = &c->t[i];
		uint64_t by;
		if ((err = fl_ledger_reversed_by(c->l, t->seq, &by)) < 0)
			return err;
		if (by) {
			if ((err = fl_ledger_get(c->l, by, &c->scratch, NULL, NULL)) < 0)
				return err;
			if (fl_date_year(c->scratch.recorded_at) <= c->year) {
				t->left_out = 1;
				c->st.left_out++;
				continue;
			}
		}
		if (t->kind == FL_KIND_WRITEOFF && (err = pledge_type(c, t->about, &t->type)) < 0)
			return err;
	}
	for (size_t i = dated; i < n; i++) {
		txn *t = &c->t[i];
		const fl_entry *e = &c->scratch;
		int year;
		t->left_out = 1;
		if ((err = fl_ledger_get(c->l, t->about, &c->scratch, NULL, NULL)) < 0)
			return err;
		if (e->kind != FL_KIND_PLEDGE && e->kind != FL_KIND_CONTRIBUTION &&
		    e->kind != FL_KIND_WRITEOFF)
			continue;
		/* Dated in the year: left out with its target above. Later: in no export. */
		if ((year = fl_date_year(e->date)) >= c->year)
			continue;
		t->left_out = 0;
		t->value = e->kind == FL_KIND_WRITEOFF ? e->amount : -e->amount;
		memcpy(t->currency, e->currency, sizeof(t->currency));
		memcpy(t->donor, e->donor, sizeof(t->donor));
		if (e->kind == FL_KIND_CONTRIBUTION) {
			t->type = FL_IATI_INCOMING_FUNDS;
		} else if (e->kind == FL_KIND_PLEDGE) {
			t->type = e->donor_ref[0] ? FL_IATI_INCOMING_COMMITMENT
						  : FL_IATI_INCOMING_PLEDGE;
		}
		if ((err = fund_index(c, e->fund, e->seq, &t->fund)) < 0)
			return err;
		if (e->kind == FL_KIND_WRITEOFF && (err = pledge_type(c, e->pledge, &t->type)) < 0)
			return err;
	}
	return 0;
}

static int txn_cmp(const void *a, const void *b)
{
	const txn *x = a, *y = b;
	if (x->fund != y->fund)
		return x->fund < y->fund ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- writing ---- */

typedef struct {
	fl_xml_writer *w;
	fl_buf out;
	fl_iati_sink sink;
	void *ctx;
} doc;

static int drain(doc *d, int all)
{
	int err;
	if ((err = fl_xml_flush(d->w)) < 0)
		return err;
	if (d->out.len == 0 || (!all && d->out.len < PIECE))
		return 0;
	err = d->sink(d->ctx, d->out.data, d->out.len);
	fl_buf_reset(&d->out);
	return err;
}

/* <name attr=value ...><narrative>text</narrative></name>; attrs are name, value pairs
 * ending with NULL; a NULL value leaves its attribute out. */
static int with_narrative(doc *d, const char *name, const char *text, const char *const *attrs)
{
	int err;
	if ((err = fl_xml_start(d->w, name)) < 0)
		return err;
	for (size_t i = 0; attrs && attrs[i]; i += 2)
		if (attrs[i + 1] && (err = fl_xml_attr_put(d->w, attrs[i], attrs[i + 1])) < 0)
			return err;
	if ((err = fl_xml_start(d->w, "narrative")) < 0 ||
	    (err = fl_xml_text_put(d->w, text)) < 0 || (err = fl_xml_end(d->w)) < 0)
		return err;
	return fl_xml_end(d->w);
}

/* An empty element with one attribute. */
static int code_element(doc *d, const char *name, const char *attr, const char *value)
{
	int err;
	if ((err = fl_xml_start(d->w, name)) < 0 ||
	    (err = fl_xml_attr_put(d->w, attr, value)) < 0)
		return err;
	return fl_xml_end(d->w);
}

/* IATI OrganisationType of a donor, or NULL (individuals: no type fits). */
static const char *org_type(fl_donor_kind kind)
{
	switch (kind) {
	case FL_DONOR_MEMBER_STATE:
	case FL_DONOR_OBSERVER_STATE: return "10"; /* Government */
	case FL_DONOR_INTERGOVERNMENTAL: return "40"; /* Multilateral */
	case FL_DONOR_FOUNDATION: return "60"; /* Foundation */
	case FL_DONOR_PRIVATE: return "70"; /* Private Sector */
	default: return NULL;
	}
}

static void describe(char out[DESC_MAX], const txn *t)
{
	switch (t->kind) {
	case FL_KIND_PLEDGE:
		snprintf(out, DESC_MAX, "%s, ledger entry %" PRIu64,
			 t->type == FL_IATI_INCOMING_COMMITMENT ? "Written pledge" : "Pledge",
			 t->seq);
		break;
	case FL_KIND_CONTRIBUTION:
		snprintf(out, DESC_MAX, "Contribution received, ledger entry %" PRIu64, t->seq);
		break;
	case FL_KIND_WRITEOFF:
		snprintf(out, DESC_MAX, "Write-off of pledge %" PRIu64 ", ledger entry %" PRIu64,
			 t->about, t->seq);
		break;
	default:
		snprintf(out, DESC_MAX, "Reversal of ledger entry %" PRIu64 ", ledger entry %" PRIu64,
			 t->about, t->seq);
		break;
	}
}

static int transaction(doc *d, const fl_config *cfg, const txn *t)
{
	const fl_iati_config *ic = cfg->iati;
	const fl_currency *cur = fl_config_currency(cfg, t->currency);
	const fl_donor *dn = fl_config_donor(cfg, t->donor);
	char ref[32], type[8], value[FL_MONEY_STR_MAX], desc[DESC_MAX];
	int err;

	if (!cur)
		return fl_error_set(FL_ENOTFOUND, "entry %" PRIu64 ": currency %s is not in the "
						  "configuration",
				    t->seq, t->currency);
	if (!dn)
		return fl_error_set(FL_ENOTFOUND, "entry %" PRIu64 ": donor %s is not in the "
						  "configuration",
				    t->seq, t->donor);
	if ((err = fl_money_format(value, sizeof(value), t->value, cur->minor_units, 0)) < 0)
		return err;
	snprintf(ref, sizeof(ref), "seq-%" PRIu64, t->seq);
	snprintf(type, sizeof(type), "%d", t->type);
	describe(desc, t);
	{
		const char *const provider[] = {"ref", dn->iati_ref, "type", org_type(dn->kind),
						NULL};
		const char *const receiver[] = {"ref", ic->ref, "type", ic->type, NULL};
		if ((err = fl_xml_start(d->w, "transaction")) < 0 ||
		    (err = fl_xml_attr_put(d->w, "ref", t->ref[0] ? t->ref : ref)) < 0 ||
		    (err = code_element(d, "transaction-type", "code", type)) < 0 ||
		    (err = code_element(d, "transaction-date", "iso-date", t->date)) < 0 ||
		    (err = fl_xml_start(d->w, "value")) < 0 ||
		    (err = fl_xml_attr_put(d->w, "currency", t->currency)) < 0 ||
		    (err = fl_xml_attr_put(d->w, "value-date", t->date)) < 0 ||
		    (err = fl_xml_text_put(d->w, value)) < 0 || (err = fl_xml_end(d->w)) < 0 ||
		    (err = with_narrative(d, "description", desc, NULL)) < 0 ||
		    (err = with_narrative(d, "provider-org", dn->name, provider)) < 0 ||
		    (err = with_narrative(d, "receiver-org", ic->name, receiver)) < 0)
			return err;
	}
	return fl_xml_end(d->w);
}

/* The fund's activity, up to its transactions (left open). */
static int activity_head(doc *d, const fl_config *cfg, const fl_fund *f)
{
	const fl_iati_config *ic = cfg->iati;
	const char *const reporting[] = {"ref", ic->ref, "type", ic->type, NULL};
	const char *const accountable[] = {"ref", ic->ref, "type", ic->type, "role", "2", NULL};
	const char *const implementing[] = {"ref", ic->ref, "type", ic->type, "role", "4", NULL};
	const char *const general[] = {"type", "1", NULL};
	fl_buf id = FL_BUF_INIT, desc = FL_BUF_INIT;
	int err;

	if ((err = fl_buf_printf(&id, "%s-%s", ic->ref, f->code)) < 0)
		goto done;
	if ((err = fl_buf_puts(&desc, "Established by ")) < 0)
		goto done;
	for (size_t i = 0; i < f->n_established_by; i++)
		if ((err = fl_buf_printf(&desc, "%s%s", i == 0 ? "" :
							i + 1 == f->n_established_by ? " and " : ", ",
					 f->established_by[i])) < 0)
			goto done;
	if ((err = fl_buf_putc(&desc, '.')) < 0)
		goto done;
	if ((err = fl_xml_start(d->w, "iati-activity")) < 0 ||
	    (err = fl_xml_attr_put(d->w, "xml:lang", ic->lang)) < 0 ||
	    (err = fl_xml_attr_put(d->w, "default-currency", f->currency)) < 0 ||
	    (err = fl_xml_start(d->w, "iati-identifier")) < 0 ||
	    (err = fl_xml_text_put(d->w, fl_buf_cstr(&id))) < 0 || (err = fl_xml_end(d->w)) < 0 ||
	    (err = with_narrative(d, "reporting-org", ic->name, reporting)) < 0 ||
	    (err = with_narrative(d, "title", f->name, NULL)) < 0 ||
	    (err = with_narrative(d, "description", fl_buf_cstr(&desc), general)) < 0 ||
	    (err = with_narrative(d, "participating-org", ic->name, accountable)) < 0 ||
	    (err = with_narrative(d, "participating-org", ic->name, implementing)) < 0 ||
	    (err = code_element(d, "activity-status", "code", ic->status)) < 0 ||
	    (err = fl_xml_start(d->w, "activity-date")) < 0 ||
	    (err = fl_xml_attr_put(d->w, "type", "2")) < 0 ||
	    (err = fl_xml_attr_put(d->w, "iso-date", f->iati_start)) < 0 ||
	    (err = fl_xml_end(d->w)) < 0)
		goto done;
done:
	fl_buf_free(&id);
	fl_buf_free(&desc);
	return err;
}

static int write_doc(doc *d, collector *c, const char *generated)
{
	const fl_config *cfg = c->cfg;
	size_t k = 0;
	int err;

	if ((err = fl_xml_start(d->w, "iati-activities")) < 0 ||
	    (err = fl_xml_attr_put(d->w, "version", "2.03")) < 0 ||
	    (err = fl_xml_attr_put(d->w, "generated-datetime", generated)) < 0)
		return err;
	/* Activities in funds.yaml order; cfg->funds is sorted by code. */
	for (size_t listed = 0; listed < cfg->n_funds; listed++) {
		size_t fi = 0;
		while (fi < cfg->n_funds && cfg->funds[fi].listed != listed)
			fi++;
		if (fi == cfg->n_funds)
			return fl_error_set(FL_ECORRUPT, "no fund listed at %zu", listed);
		if ((err = activity_head(d, cfg, &cfg->funds[fi])) < 0)
			return err;
		c->st.activities++;
		for (k = 0; k < c->n; k++) {
			const txn *t = &c->t[k];
			if (t->fund != fi || t->left_out)
				continue;
			if ((err = transaction(d, cfg, t)) < 0 || (err = drain(d, 0)) < 0)
				return err;
			if (t->type == FL_IATI_INCOMING_FUNDS)
				c->st.incoming++;
			else if (t->type == FL_IATI_INCOMING_COMMITMENT)
				c->st.commitments++;
			else
				c->st.pledges++;
			if (t->value < 0)
				c->st.negative++;
		}
		if ((err = fl_xml_end(d->w)) < 0)
			return err;
	}
	if ((err = fl_xml_writer_finish(d->w)) < 0)
		return err;
	return drain(d, 1);
}

int fl_iati_write(fl_iati_stats *out, fl_ledger *l, int year, const char *generated,
		  fl_iati_sink sink, void *ctx)
{
	const fl_config *cfg = fl_ledger_config(l);
	char from[FL_DATE_LEN + 1], to[FL_DATE_LEN + 1];
	fl_filter dated = {0}, reversals = {0};
	collector *c = NULL;
	doc d = {NULL, FL_BUF_INIT, sink, ctx};
	size_t n_dated;
	int err;

	if (!cfg)
		return fl_error_set(FL_ECONFIG, "an IATI export needs the configuration");
	if (!cfg->iati)
		return fl_error_set(FL_ECONFIG,
				    "%s has no 'iati' block: the reporting organisation and the "
				    "activity dates an IATI export needs (docs/IATI.md)",
				    cfg->path);
	if (year < FL_IATI_YEAR_MIN || year > FL_IATI_YEAR_MAX)
		return fl_error_set(FL_EINVALID, "year %d is not from %d to %d", year,
				    FL_IATI_YEAR_MIN, FL_IATI_YEAR_MAX);
	if (!generated || fl_time_check(generated, strlen(generated)) < 0)
		return fl_error_set(FL_EINVALID, "generated-datetime: not a UTC timestamp");
	if (!(c = calloc(1, sizeof(*c))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	c->l = l;
	c->cfg = cfg;
	c->year = year;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	dated.from = from;
	dated.to = to;
	reversals.kind = FL_KIND_REVERSAL;
	if ((err = fl_ledger_scan(l, &dated, take_dated, c)) < 0)
		goto done;
	n_dated = c->n;
	if ((err = fl_ledger_scan(l, &reversals, take_reversal, c)) < 0 ||
	    (err = complete(c, n_dated)) < 0)
		goto done;
	if (c->n)
		qsort(c->t, c->n, sizeof(*c->t), txn_cmp);
	if ((err = fl_xml_writer_new(&d.w, &d.out)) < 0 || (err = write_doc(&d, c, generated)) < 0)
		goto done;
	if (out)
		*out = c->st;
done:
	fl_xml_writer_free(d.w);
	fl_buf_free(&d.out);
	if (c)
		free(c->t);
	free(c);
	return err;
}
