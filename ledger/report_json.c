/*
 * report_json.c: the annual report as one JSON document (docs/REPORT.md, "JSON").
 *
 * Every figure of the report is here, as integers in minor units (amounts) or cents (USD).
 * Keys are stable and appear in a fixed order; strings are escaped per RFC 8259 (UTF-8 passes through, controls as \u00XX).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fundledger/config.h"
#include "fundledger/money.h"
#include "report_int.h"

typedef struct {
	fl_buf *out;
	const fl_report_dest *d;
	int err;
	int depth;
	int first; /* nothing written yet at the current level */
} json;

static void raw(json *j, const char *s)
{
	if (j->err == 0)
		j->err = fl_buf_puts(j->out, s);
	if (j->err == 0 && j->out->len >= FL_REPORT_PIECE)
		j->err = fl_report_spill(j->d, 0);
}

static void str(json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	raw(j, "\"");
	while (*p && j->err == 0) {
		const unsigned char *q = p;
		char esc[8];
		/* Copy the run of characters that need no escape in one go. */
		while (*q >= 0x20 && *q != '"' && *q != '\\')
			q++;
		if (q > p)
			j->err = fl_buf_put(j->out, p, (size_t)(q - p));
		if (!*q || j->err)
			break;
		switch (*q) {
		case '"': raw(j, "\\\""); break;
		case '\\': raw(j, "\\\\"); break;
		case '\n': raw(j, "\\n"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", *q);
			raw(j, esc);
		}
		p = q + 1;
	}
	raw(j, "\"");
}

static void sep(json *j)
{
	if (!j->first)
		raw(j, ",");
	raw(j, "\n");
	for (int i = 0; i < j->depth; i++)
		raw(j, "  ");
	j->first = 0;
}

static void key(json *j, const char *k)
{
	sep(j);
	str(j, k);
	raw(j, ": ");
}

static void open_(json *j, const char *k, const char *brace)
{
	if (k)
		key(j, k);
	else
		sep(j);
	raw(j, brace);
	j->depth++;
	j->first = 1;
}

static void close_(json *j, const char *brace)
{
	j->depth--;
	if (!j->first) {
		raw(j, "\n");
		for (int i = 0; i < j->depth; i++)
			raw(j, "  ");
	}
	raw(j, brace);
	j->first = 0;
}

static void kstr(json *j, const char *k, const char *v)
{
	key(j, k);
	str(j, v);
}

/* An optional string: null when empty. */
static void kopt(json *j, const char *k, const char *v)
{
	key(j, k);
	if (v && *v)
		str(j, v);
	else
		raw(j, "null");
}

static void kint(json *j, const char *k, int64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%" PRId64, v);
	key(j, k);
	raw(j, b);
}

static void kuint(json *j, const char *k, uint64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%" PRIu64, v);
	key(j, k);
	raw(j, b);
}

static void kbool(json *j, const char *k, int v)
{
	key(j, k);
	raw(j, v ? "true" : "false");
}

static void kusd(json *j, const char *k, int64_t cents)
{
	kint(j, k, cents);
}

static void donor_ref(json *j, const fl_report *r, size_t d)
{
	kstr(j, "donor", r->donors[d].code);
	kstr(j, "donor_name", fl_report_donor_name(r, d));
}

static void pledge(json *j, const fl_report *r, const fl_report_pledge *p)
{
	open_(j, NULL, "{");
	kuint(j, "seq", p->seq);
	kstr(j, "fund", p->fund);
	donor_ref(j, r, p->donor);
	kstr(j, "currency", p->currency);
	kstr(j, "date", p->date);
	kstr(j, "years", p->years);
	kopt(j, "next_due", p->next_due);
	kint(j, "amount", p->amount);
	kint(j, "paid", p->paid);
	kint(j, "written_off", p->written_off);
	kint(j, "outstanding", p->outstanding);
	kint(j, "overdue", p->overdue);
	kbool(j, "usd_known", p->usd_known);
	kusd(j, "usd", p->usd);
	kusd(j, "usd_outstanding", p->usd_outstanding);
	kstr(j, "status", fl_pledge_status_name(p->status));
	kstr(j, "age", fl_report_age_name(p->age));
	close_(j, "}");
}

static void states(json *j, const char *k, const fl_report *r, const size_t *idx, size_t n)
{
	open_(j, k, "[");
	for (size_t i = 0; i < n; i++) {
		const fl_report_donor *d = &r->donors[idx[i]];
		open_(j, NULL, "{");
		kstr(j, "code", d->code);
		kstr(j, "name", d->name);
		kstr(j, "status", d->kind == FL_DONOR_OBSERVER_STATE ? "observer" : "member");
		kstr(j, "group", fl_report_group_name(d->group));
		close_(j, "}");
	}
	close_(j, "]");
}

static void change(json *j, const char *k, int64_t cur, int64_t prev)
{
	char text[FL_REPORT_STR_MAX];
	int64_t pm;
	int known;
	fl_report_change(text, cur, prev, &pm, &known);
	key(j, k);
	if (known) {
		char b[32];
		snprintf(b, sizeof(b), "%" PRId64, pm);
		raw(j, b);
	} else {
		raw(j, "null");
	}
}

static void section(json *j, const fl_report *r, const fl_report_section *s)
{
	open_(j, NULL, "{");
	kstr(j, "fund", fl_report_section_code(s));
	kstr(j, "name", fl_report_section_title(s));

	open_(j, "summary", "{");
	kusd(j, "received_usd", s->received_usd);
	kuint(j, "receipts", s->receipts);
	kusd(j, "previous_usd", s->previous_usd);
	change(j, "change_permille", s->received_usd, s->previous_usd);
	kuint(j, "donors", s->n_donors);
	kuint(j, "new_donors", s->n_new_donors);
	kuint(j, "pledges_made", s->n_made);
	kusd(j, "pledges_made_usd", s->made_usd);
	kuint(j, "pledges_made_without_rate", s->made_without_rate);
	kuint(j, "pledges_outstanding", s->n_outstanding);
	kusd(j, "pledges_outstanding_usd", s->outstanding_usd);
	kuint(j, "pledges_outstanding_without_rate", s->outstanding_without_rate);
	kuint(j, "pledges_overdue", s->overdue_n);
	kusd(j, "pledges_overdue_usd", s->overdue_usd);
	close_(j, "}");

	open_(j, "contributions", "[");
	for (size_t d = 0; d < s->n_donors; d++) {
		const fl_report_donor_total *t = &s->donors[d];
		open_(j, NULL, "{");
		donor_ref(j, r, t->donor);
		kstr(j, "group", fl_report_group_name(r->donors[t->donor].group));
		kbool(j, "new", t->is_new);
		kusd(j, "usd", t->usd);
		open_(j, "receipts", "[");
		for (size_t i = t->first; i < t->first + t->n; i++) {
			const fl_report_receipt *x = &s->receipts_list[i];
			char rate[FL_REPORT_STR_MAX];
			fl_report_rate(rate, x->rate_used);
			open_(j, NULL, "{");
			kuint(j, "seq", x->seq);
			kstr(j, "fund", x->fund);
			kstr(j, "date", x->date);
			kstr(j, "currency", x->currency);
			kint(j, "amount", x->amount);
			kstr(j, "rate", rate);
			kusd(j, "usd", x->usd);
			kstr(j, "bank_ref", x->bank_ref);
			close_(j, "}");
		}
		close_(j, "]");
		close_(j, "}");
	}
	close_(j, "]");

	open_(j, "trend", "[");
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		open_(j, NULL, "{");
		kint(j, "year", r->year - (FL_REPORT_TREND_YEARS - 1) + k);
		kusd(j, "usd", s->trend_usd[k]);
		close_(j, "}");
	}
	close_(j, "]");

	open_(j, "by_group", "[");
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		open_(j, NULL, "{");
		kstr(j, "group", fl_report_group_name((fl_report_group)g));
		kuint(j, "donors", s->group_donors[g]);
		kusd(j, "usd", s->group_usd[g]);
		close_(j, "}");
	}
	close_(j, "]");

	open_(j, "pledges_made", "[");
	for (size_t i = 0; i < s->n_made; i++)
		pledge(j, r, &s->made[i]);
	close_(j, "]");

	open_(j, "pledges_outstanding", "{");
	open_(j, "ages", "[");
	for (int a = 0; a < FL_AGE_COUNT; a++) {
		open_(j, NULL, "{");
		kstr(j, "age", fl_report_age_name((fl_report_age)a));
		kuint(j, "pledges", s->aged_n[a]);
		kusd(j, "usd", s->aged_usd[a]);
		close_(j, "}");
	}
	close_(j, "]");
	open_(j, "pledges", "[");
	for (size_t i = 0; i < s->n_outstanding; i++)
		pledge(j, r, &s->outstanding[i]);
	close_(j, "]");
	close_(j, "}");

	open_(j, "paragraph_14", "{");
	kuint(j, "states", s->n_states);
	states(j, "not_contributed_in_year", r, s->not_in_year, s->n_not_in_year);
	states(j, "never_contributed", r, s->never, s->n_never);
	close_(j, "}");

	open_(j, "reconciliation", "{");
	kuint(j, "statements", s->statements);
	kuint(j, "lines", s->lines);
	kuint(j, "lines_matched", s->lines_matched);
	open_(j, "unmatched_receipts", "[");
	for (size_t i = 0; i < s->n_unmatched; i++) {
		const fl_report_unmatched *u = &s->unmatched[i];
		open_(j, NULL, "{");
		kuint(j, "seq", u->seq);
		kstr(j, "fund", u->fund);
		donor_ref(j, r, u->donor);
		kstr(j, "date", u->date);
		kstr(j, "currency", u->currency);
		kint(j, "unapplied", u->unapplied);
		kstr(j, "rule", fl_match_rule_name(u->rule));
		kstr(j, "reason", u->reason);
		close_(j, "}");
	}
	close_(j, "]");
	open_(j, "bank_items", "[");
	for (size_t i = 0; i < s->n_bank; i++) {
		const fl_report_bankline *x = &s->bank[i];
		open_(j, NULL, "{");
		kstr(j, "class", fl_bank_class_name(x->cls));
		kuint(j, "line", x->line);
		kuint(j, "contribution", x->contribution);
		kstr(j, "date", x->date);
		kstr(j, "currency", x->currency);
		kint(j, "line_amount", x->line_amount);
		kint(j, "ledger_amount", x->ledger_amount);
		kopt(j, "ref", x->ref);
		kopt(j, "debtor", x->debtor);
		kstr(j, "reason", x->reason);
		close_(j, "}");
	}
	close_(j, "]");
	close_(j, "}");
	close_(j, "}");
}

static void narrative(json *j, const fl_narrative *n)
{
	if (!n) {
		key(j, "narrative");
		raw(j, "null");
		return;
	}
	open_(j, "narrative", "{");
	kopt(j, "introduction", n->introduction);
	open_(j, "members", "[");
	for (size_t i = 0; i < n->n_members; i++) {
		open_(j, NULL, "{");
		kstr(j, "name", n->members[i].name);
		kopt(j, "group", n->members[i].group);
		kopt(j, "role", n->members[i].role);
		close_(j, "}");
	}
	close_(j, "]");
	open_(j, "sessions", "[");
	for (size_t i = 0; i < n->n_sessions; i++) {
		open_(j, NULL, "{");
		kstr(j, "title", n->sessions[i].title);
		kstr(j, "dates", n->sessions[i].dates);
		kopt(j, "place", n->sessions[i].place);
		kopt(j, "summary", n->sessions[i].summary);
		close_(j, "}");
	}
	close_(j, "]");
	open_(j, "findings", "[");
	for (size_t i = 0; i < n->n_findings; i++) {
		sep(j);
		str(j, n->findings[i]);
	}
	close_(j, "]");
	open_(j, "recommendations", "[");
	for (size_t i = 0; i < n->n_recommendations; i++) {
		sep(j);
		str(j, n->recommendations[i]);
	}
	close_(j, "]");
	close_(j, "}");
}

int fl_report_json(const fl_report_dest *d, const fl_report *r)
{
	json j = {d->out, d, 0, 0, 1};
	char root[FL_HASH_HEX_LEN + 1];
	fl_buf cmd = FL_BUF_INIT;

	fl_report_root_hex(root, r);
	raw(&j, "{");
	j.depth = 1;
	kstr(&j, "format", "fundledger-report/1");
	kint(&j, "year", r->year);
	kstr(&j, "scope", r->scope);
	kuint(&j, "session", r->session);
	kstr(&j, "generated", r->generated);
	kstr(&j, "ledger_time", r->ledger_time);
	kstr(&j, "origin", r->origin);
	open_(&j, "checkpoint", "{");
	kuint(&j, "size", r->size);
	kstr(&j, "root", root);
	open_(&j, "signers", "[");
	for (size_t i = 0; i < r->n_signers; i++) {
		open_(&j, NULL, "{");
		kstr(&j, "name", r->signers[i].name);
		kstr(&j, "role", r->signers[i].role);
		kstr(&j, "key_id", r->signers[i].key_hash);
		close_(&j, "}");
	}
	close_(&j, "]");
	kstr(&j, "note", r->checkpoint);
	if (j.err == 0)
		j.err = fl_report_integrity_commands(&cmd, r, FL_REPORT_JSON);
	open_(&j, "commands", "[");
	for (const char *c = j.err == 0 ? fl_buf_cstr(&cmd) : ""; *c;) {
		const char *nl = strchr(c, '\n');
		size_t len = nl ? (size_t)(nl - c) : strlen(c);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)len, c);
		sep(&j);
		str(&j, line);
		c += len + (nl ? 1 : 0);
	}
	close_(&j, "]");
	close_(&j, "}");
	narrative(&j, r->narrative);
	open_(&j, "sections", "[");
	for (size_t s = 0; s < r->n_sections; s++)
		section(&j, r, &r->sections[s]);
	close_(&j, "]");
	close_(&j, "}");
	raw(&j, "\n");
	fl_buf_free(&cmd);
	return j.err;
}
