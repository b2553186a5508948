/*
 * report_text.c: the annual report as GitHub-flavoured Markdown, and as CSV tables
 * (docs/REPORT.md).
 *
 * Both carry the figures of the JSON document (report_json.c), formatted by the helpers of
 * report_int.h, so that a figure reads the same in every format. Text that comes from data
 * (donor names, bank references and debtors, the Board's narrative) is literal in both:
 *   - Markdown: every character that could open inline markup (\ ` * _ [ ] < | ~ $, and &
 *     before a letter, digit or #) is escaped with a backslash, and so is whatever would start
 *     a block at the beginning of a line (# > - + =, and the "." or ")" of "1." or "1)").
 *     Lines are trimmed, so no indentation makes a code block and no trailing spaces a line
 *     break. In a table cell, line breaks become spaces. Fenced blocks use a fence longer than
 *     any run of backticks inside. Charts are HTML only: Markdown has their figures as tables,
 *     numbers right-aligned.
 *   - CSV (RFC 4180): a field is quoted when it holds a comma, a quote, CR or LF, with its
 *     quotes doubled. Every line, the last included, ends with "\n". A text field from data
 *     that a spreadsheet would take for a formula (= + - @, tab, CR first) gets a leading
 *     apostrophe (CSV injection); numbers are never changed.
 * Nothing depends on the clock or the locale: the same report gives the same bytes.
 *
 * The CSV tables, one file each, always all of them, each with a header row (a table with no
 * rows is its header alone). Where rows come from the report's sections, the first column is
 * `section`: "all" for the three funds together, else the fund code; an "all" report has the
 * rows of "all" first, then each fund's in the configuration's order. Amounts are plain
 * decimals with their currency's minor units and no grouping ("1234.56", JPY "1234",
 * KWD "1.250"; a currency the configuration does not list has 2); usd columns are US dollars
 * with 2 decimals; rates are units per US dollar ("0.9627"); dates are YYYY-MM-DD; flags are
 * "yes" or "no"; a figure that does not exist is an empty field.
 *
 *   report.csv                  one row: year, scope, session, generated, ledger_time, origin,
 *                               checkpoint_size, root (hex), signers ("name (role, key id)",
 *                               joined by "; ")
 *   summary.csv                 section, name, received_usd, receipts, previous_usd,
 *                               change_percent ("-4.0"; empty when the year before had
 *                               nothing), donors, new_donors, pledges_made, pledges_made_usd,
 *                               pledges_made_without_rate, pledges_outstanding,
 *                               pledges_outstanding_usd, pledges_outstanding_without_rate,
 *                               pledges_overdue, pledges_overdue_usd, states,
 *                               states_not_contributed, states_never_contributed,
 *                               statements, bank_lines, bank_lines_matched (the bank
 *                               account's: 0 in the fund rows of an "all" report),
 *                               unmatched_receipts, bank_items
 *   contributions.csv           one row per receipt of the year, donors largest first, each
 *                               donor's by date: section, donor, donor_name, new, fund, seq,
 *                               date, currency, amount, rate, usd, bank_ref
 *   donors.csv                  the donors' totals: section, rank, donor, name, group, new,
 *                               receipts, usd
 *   trend.csv                   section, year, usd (the five years to the report's)
 *   groups.csv                  the year's contributions by donor group: section, group,
 *                               donors, usd
 *   pledges_made.csv            pledges dated in the year, by date: section, seq, fund, donor,
 *                               donor_name, date, years, currency, amount, paid, written_off,
 *                               outstanding, overdue_amount, usd, usd_outstanding (these two
 *                               empty without a rate on the pledge date), status, next_due,
 *                               age, overdue (at 31 December)
 *   pledges_outstanding.csv     pledges with something outstanding at 31 December, oldest
 *                               first: the columns of pledges_made.csv
 *   aging.csv                   section, age, pledges, usd_outstanding
 *   states_not_contributed.csv  States that did not contribute in the year (resolution 18/18,
 *                               paragraph 14), by group then name: section, code, name,
 *                               status (member, observer), group, never (no contribution
 *                               up to 31 December)
 *   unmatched_receipts.csv      receipts not wholly applied to pledges at 31 December:
 *                               section, seq, fund, donor, donor_name, date, currency,
 *                               unapplied, rule, reason
 *   bank_items.csv              bank lines and contributions not reconciled: section, class,
 *                               line, contribution, date, currency, line_amount,
 *                               ledger_amount, ref, debtor, reason (no line: line and
 *                               line_amount empty; no contribution: contribution and
 *                               ledger_amount empty)
 * The Board's narrative is prose: it is in the Markdown, HTML and JSON, and has no table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/config.h"
#include "fundledger/money.h"
#include "report_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Output with a sticky error: after the first failure nothing more is written, and the
 * writer's caller returns that failure. */
typedef struct {
	fl_buf *out;
	const fl_report_dest *d; /* Markdown: spilled as it goes; NULL for a CSV table */
	const fl_report *r;
	int err;
	size_t col;    /* CSV: fields written in the current row */
	const char *h; /* Markdown: the heading of a section's parts, "##" or "###" */
} writer;

#define PUTF(w, ...)                                                                               \
	do {                                                                                       \
		if ((w)->err == 0)                                                                 \
			(w)->err = fl_buf_printf((w)->out, __VA_ARGS__);                           \
		spill(w);                                                                          \
	} while (0)

static void spill(writer *w)
{
	if (w->err == 0 && w->d && w->out->len >= FL_REPORT_PIECE)
		w->err = fl_report_spill(w->d, 0);
}

static void put(writer *w, const char *s)
{
	if (w->err == 0)
		w->err = fl_buf_puts(w->out, s);
	spill(w);
}

static void putn(writer *w, const char *s, size_t n)
{
	if (w->err == 0)
		w->err = fl_buf_put(w->out, s, n);
	spill(w);
}

static void putch(writer *w, unsigned char c)
{
	if (w->err == 0)
		w->err = fl_buf_putc(w->out, c);
	spill(w);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- Markdown: literal text ---- */

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether the character at p opens or closes inline markup, a table cell or (on GitHub)
 * math; & only where it could start an entity reference. */
static int md_special(const char *p)
{
	if (*p == '&')
		return is_alnum(p[1]) || p[1] == '#';
	return *p && strchr("\\`*_[]<|~$", *p) != NULL;
}

/* One trimmed line of literal text (n > 0), escaped; control characters become spaces. */
static void md_line(writer *w, const char *s, size_t n)
{
	size_t digits = 0, mark = n; /* the delimiter of an ordered-list marker, if any */

	while (digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits > 0 && digits < n && (s[digits] == '.' || s[digits] == ')'))
		mark = digits;
	if (strchr("#>-+=", s[0]))
		put(w, "\\");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == mark || md_special(s + i))
			put(w, "\\");
		putch(w, c < 0x20 || c == 0x7f ? (unsigned char)' ' : c);
	}
}

/*
 * Appends s (NULL: nothing) as literal text. indent NULL: inline, for a table cell or a name
 * in a sentence; line breaks become spaces. Otherwise a block of paragraphs: each line after
 * the first starts with indent, and a run of blank lines is one paragraph break.
 */
static void md_text(writer *w, const char *s, const char *indent)
{
	const char *p = s ? s : "";
	int lines = 0, blank = 0;

	while (*p && w->err == 0) {
		size_t len = strcspn(p, "\r\n");
		const char *a = p, *z = p + len;
		while (a < z && (*a == ' ' || *a == '\t'))
			a++;
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		if (a == z) {
			blank = lines > 0;
		} else {
			if (lines > 0) {
				put(w, !indent ? " " : (blank ? "\n\n" : "\n"));
				put(w, indent ? indent : "");
			}
			md_line(w, a, (size_t)(z - a));
			lines++;
			blank = 0;
		}
		p += len;
		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p)
			p++;
	}
}

/* A heading after a blank line: marks ("##") and a literal title. */
static void md_heading(writer *w, const char *marks, const char *title)
{
	put(w, "\n");
	put(w, marks);
	put(w, " ");
	md_text(w, title, NULL);
	put(w, "\n");
}

/* A paragraph of literal text, after a blank line. */
static void md_para(writer *w, const char *s)
{
	put(w, "\n");
	md_text(w, s, "");
	put(w, "\n");
}

/* body in a fenced block, with a fence longer than any run of backticks in it. */
static void md_fenced(writer *w, const char *body)
{
	size_t run = 0, longest = 0, n;

	for (const char *p = body; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	n = longest >= 3 ? longest + 1 : 3;
	put(w, "\n");
	for (size_t i = 0; i < n; i++)
		put(w, "`");
	put(w, "\n");
	put(w, body);
	if (*body && body[strlen(body) - 1] != '\n')
		put(w, "\n");
	for (size_t i = 0; i < n; i++)
		put(w, "`");
	put(w, "\n");
}

/* ---- Markdown: tables ---- */

/* A table's header, after a blank line: column names separated by '|' (ours, not escaped),
 * and per column 'l' (text) or 'r' (a number, right-aligned). */
static void md_head(writer *w, const char *names, const char *align)
{
	put(w, "\n| ");
	for (const char *p = names; *p; p++)
		if (*p == '|')
			put(w, " | ");
		else
			putch(w, (unsigned char)*p);
	put(w, " |\n|");
	for (const char *a = align; *a; a++)
		put(w, *a == 'r' ? " ---: |" : " --- |");
	put(w, "\n");
}

/* A cell of literal text. */
static void td(writer *w, const char *s)
{
	put(w, w->col++ ? " " : "| ");
	md_text(w, s, NULL);
	put(w, " |");
}

/* A cell of our own text (a number, a date, emphasis). */
static void tn(writer *w, const char *s)
{
	put(w, w->col++ ? " " : "| ");
	put(w, s);
	put(w, " |");
}

static void td_empty(writer *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tn(w, "");
}

static void tr_end(writer *w)
{
	put(w, "\n");
	w->col = 0;
}

static void tn_u64(writer *w, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%" PRIu64, v);
	tn(w, b);
}

static void tn_usd(writer *w, int64_t cents)
{
	char b[FL_REPORT_STR_MAX];
	fl_report_usd(b, cents);
	tn(w, b);
}

/* A total: bold. */
static void tn_usd_bold(writer *w, int64_t cents)
{
	char b[FL_REPORT_STR_MAX], t[FL_REPORT_STR_MAX + 4];
	fl_report_usd(b, cents);
	snprintf(t, sizeof(t), "**%s**", b);
	tn(w, t);
}

static void tn_amount(writer *w, const char *currency, int64_t amount)
{
	char b[FL_REPORT_STR_MAX];
	fl_report_amount(b, w->r, currency, amount);
	tn(w, b);
}

/* ---- Markdown: the parts ---- */

static void md_title(writer *w)
{
	const fl_report *r = w->r;
	char ordinal[FL_REPORT_STR_MAX], date[FL_REPORT_STR_MAX];

	fl_report_ordinal(ordinal, r->session);
	fl_report_date_long(date, r->generated);
	put(w, "# ");
	md_text(w, r->n_sections ? fl_report_section_title(&r->sections[0]) : r->scope, NULL);
	put(w, "\n");
	if (r->n_sections > 1) {
		put(w, "\n");
		for (size_t i = 1; i < r->n_sections; i++) {
			put(w, "- ");
			md_text(w, fl_report_section_title(&r->sections[i]), NULL);
			PUTF(w, " (%s)\n", fl_report_section_code(&r->sections[i]));
		}
	}
	PUTF(w, "\n**Annual report of the Board of Trustees for %d**\n", r->year);
	PUTF(w, "\nHuman Rights Council, %s session\n", ordinal);
	PUTF(w, "\n- Date of the report: %s\n- Ledger: ", date);
	md_text(w, r->origin, NULL);
	PUTF(w, "\n- Signed checkpoint: size %" PRIu64 ", last entry recorded %s\n", r->size,
	     r->ledger_time);
}

/* Numbered items, each one or more paragraphs. */
static void md_numbered(writer *w, const char *title, char *const *items, size_t n)
{
	if (n == 0)
		return;
	md_heading(w, "##", title);
	put(w, "\n");
	for (size_t i = 0; i < n; i++) {
		char marker[32], indent[32];
		int len = snprintf(marker, sizeof(marker), "%zu. ", i + 1);
		memset(indent, ' ', (size_t)len);
		indent[len] = 0;
		put(w, marker);
		md_text(w, items[i], indent);
		put(w, "\n");
	}
}

static void md_narrative(writer *w, const fl_narrative *n)
{
	if (!n)
		return;
	if (n->introduction && *n->introduction) {
		md_heading(w, "##", "Introduction");
		md_para(w, n->introduction);
	}
	if (n->n_sessions)
		md_heading(w, "##", "Sessions of the Board");
	for (size_t i = 0; i < n->n_sessions; i++) {
		const fl_narrative_session *s = &n->sessions[i];
		md_heading(w, "###", s->title);
		put(w, "\n");
		md_text(w, s->dates, NULL);
		if (s->place && *s->place) {
			put(w, ", ");
			md_text(w, s->place, NULL);
		}
		put(w, "\n");
		if (s->summary && *s->summary)
			md_para(w, s->summary);
	}
	if (n->n_members) {
		md_heading(w, "##", "Members of the Board");
		put(w, "\n");
	}
	for (size_t i = 0; i < n->n_members; i++) {
		const fl_narrative_member *m = &n->members[i];
		put(w, "- ");
		md_text(w, m->name, NULL);
		if (m->role && *m->role) {
			put(w, ", ");
			md_text(w, m->role, NULL);
		}
		if (m->group && *m->group) {
			put(w, " (");
			md_text(w, m->group, NULL);
			put(w, ")");
		}
		put(w, "\n");
	}
	md_numbered(w, "Findings", n->findings, n->n_findings);
	md_numbered(w, "Recommendations", n->recommendations, n->n_recommendations);
}

/* Who "new" and "did not contribute" are measured against. */
static const char *md_scope(const fl_report_section *s)
{
	return s->fund ? "the Fund" : "any of the three funds";
}

static void md_summary(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char a[FL_REPORT_STR_MAX], b[FL_REPORT_STR_MAX], c[FL_REPORT_STR_MAX];
	int64_t permille;
	int known;

	md_heading(w, w->h, "Summary");
	fl_report_usd(a, s->received_usd);
	PUTF(w,
	     "\n- Contributions received in %d: USD %s (%" PRIu64 " receipt%s from %zu donor%s)\n",
	     r->year, a, s->receipts, plural(s->receipts), s->n_donors, plural(s->n_donors));
	fl_report_usd(b, s->previous_usd);
	fl_report_change(c, s->received_usd, s->previous_usd, &permille, &known);
	PUTF(w, "- Contributions received in %d: USD %s; change: %s\n", r->year - 1, b, c);
	PUTF(w, "- New donors (no contribution to %s before %d): %zu", md_scope(s), r->year,
	     s->n_new_donors);
	for (size_t i = 0, k = 0; i < s->n_donors; i++)
		if (s->donors[i].is_new) {
			put(w, k++ ? ", " : " (");
			md_text(w, fl_report_donor_name(r, s->donors[i].donor), NULL);
		}
	put(w, s->n_new_donors ? ")\n" : "\n");
	fl_report_usd(a, s->made_usd);
	PUTF(w, "- Pledges made in %d: %zu, USD %s", r->year, s->n_made, a);
	if (s->made_without_rate)
		PUTF(w, " (and %" PRIu64 " without a rate of exchange)", s->made_without_rate);
	fl_report_usd(a, s->outstanding_usd);
	fl_report_usd(b, s->overdue_usd);
	PUTF(w, "\n- Pledges outstanding at 31 December %d: %zu, USD %s", r->year, s->n_outstanding,
	     a);
	if (s->outstanding_without_rate)
		PUTF(w, " (and %" PRIu64 " without a rate of exchange)",
		     s->outstanding_without_rate);
	PUTF(w, "; %" PRIu64 " overdue, USD %s\n", s->overdue_n, b);
}

/* A donor's receipts in the statement, and the donor's total when there are several. */
static void md_donor_rows(writer *w, const fl_report_section *s, const fl_report_donor_total *t)
{
	const char *name = fl_report_donor_name(w->r, t->donor);

	for (size_t i = t->first; i < t->first + t->n; i++) {
		const fl_report_receipt *x = &s->receipts_list[i];
		char rate[FL_REPORT_STR_MAX];
		if (i == t->first) {
			put(w, "| ");
			md_text(w, name, NULL);
			put(w, t->is_new ? " (new) |" : " |");
			w->col++;
		} else {
			tn(w, "");
		}
		if (!s->fund)
			td(w, x->fund);
		tn(w, x->date);
		td(w, x->currency);
		tn_amount(w, x->currency, x->amount);
		fl_report_rate(rate, x->rate_used);
		tn(w, rate);
		tn_usd(w, x->usd);
		tr_end(w);
	}
	if (t->n > 1) {
		put(w, "| ");
		md_text(w, name, NULL);
		put(w, ", total |");
		w->col++;
		td_empty(w, s->fund ? 4 : 5);
		tn_usd_bold(w, t->usd);
		tr_end(w);
	}
}

static void md_statement(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char title[128];

	snprintf(title, sizeof(title),
		 "Statement of contributions, 1 January to 31 December %d "
		 "(United States dollars)",
		 r->year);
	md_heading(w, w->h, title);
	if (s->n_donors == 0) {
		PUTF(w, "\nNo contributions were received in %d.\n", r->year);
		return;
	}
	if (s->fund)
		md_head(w, "Donor|Date|Currency|Amount|Rate|USD", "lllrrr");
	else
		md_head(w, "Donor|Fund|Date|Currency|Amount|Rate|USD", "llllrrr");
	for (size_t d = 0; d < s->n_donors; d++)
		md_donor_rows(w, s, &s->donors[d]);
	tn(w, "**Total**");
	td_empty(w, s->fund ? 4 : 5);
	tn_usd_bold(w, s->received_usd);
	tr_end(w);
	if (s->n_new_donors)
		PUTF(w, "\n(new): no contribution to %s before %d.\n", md_scope(s), r->year);
}

static void md_trend_groups(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	int first = r->year - (FL_REPORT_TREND_YEARS - 1);
	char title[128], change[FL_REPORT_STR_MAX];
	int64_t permille;
	int known;

	snprintf(title, sizeof(title), "Contributions, %d to %d (United States dollars)", first,
		 r->year);
	md_heading(w, w->h, title);
	md_head(w, "Year|USD|Change", "lrr");
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		PUTF(w, "| %d |", first + k);
		w->col++;
		tn_usd(w, s->trend_usd[k]);
		if (k > 0)
			fl_report_change(change, s->trend_usd[k], s->trend_usd[k - 1], &permille,
					 &known);
		tn(w, k > 0 ? change : "");
		tr_end(w);
	}
	snprintf(title, sizeof(title),
		 "Contributions in %d by group of donors (United States "
		 "dollars)",
		 r->year);
	md_heading(w, w->h, title);
	md_head(w, "Group|Donors|USD", "lrr");
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		td(w, fl_report_group_name((fl_report_group)g));
		tn_u64(w, s->group_donors[g]);
		tn_usd(w, s->group_usd[g]);
		tr_end(w);
	}
	tn(w, "**Total**");
	tn_u64(w, s->n_donors);
	tn_usd_bold(w, s->received_usd);
	tr_end(w);
}

static void md_pledges_made(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char title[64];

	snprintf(title, sizeof(title), "Pledges made in %d", r->year);
	md_heading(w, w->h, title);
	if (s->n_made == 0) {
		PUTF(w, "\nNo pledges were made in %d.\n", r->year);
		return;
	}
	if (s->fund)
		md_head(w, "Date|Donor|Years|Currency|Amount|USD|Status", "llllrrl");
	else
		md_head(w, "Date|Donor|Fund|Years|Currency|Amount|USD|Status", "lllllrrl");
	for (size_t i = 0; i < s->n_made; i++) {
		const fl_report_pledge *p = &s->made[i];
		tn(w, p->date);
		td(w, fl_report_donor_name(r, p->donor));
		if (!s->fund)
			td(w, p->fund);
		td(w, p->years);
		td(w, p->currency);
		tn_amount(w, p->currency, p->amount);
		if (p->usd_known)
			tn_usd(w, p->usd);
		else
			tn(w, "n/a");
		td(w, fl_pledge_status_name(p->status));
		tr_end(w);
	}
	tn(w, "**Total**");
	td_empty(w, s->fund ? 4 : 5);
	tn_usd_bold(w, s->made_usd);
	tn(w, "");
	tr_end(w);
	if (s->made_without_rate)
		PUTF(w,
		     "\nn/a: no UN operational rate of exchange was in force on the pledge date; "
		     "the total leaves out %" PRIu64 " pledge%s.\n",
		     s->made_without_rate, plural(s->made_without_rate));
}

static void md_aging(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char title[64];

	snprintf(title, sizeof(title), "Pledges outstanding at 31 December %d", r->year);
	md_heading(w, w->h, title);
	if (s->n_outstanding == 0) {
		PUTF(w, "\nNo pledges were outstanding at 31 December %d.\n", r->year);
		return;
	}
	md_head(w, "Age|Pledges|USD outstanding", "lrr");
	for (int a = 0; a < FL_AGE_COUNT; a++) {
		td(w, fl_report_age_name((fl_report_age)a));
		tn_u64(w, s->aged_n[a]);
		tn_usd(w, s->aged_usd[a]);
		tr_end(w);
	}
	tn(w, "**Total**");
	tn_u64(w, s->n_outstanding);
	tn_usd_bold(w, s->outstanding_usd);
	tr_end(w);
	tn(w, "Of which overdue");
	tn_u64(w, s->overdue_n);
	tn_usd(w, s->overdue_usd);
	tr_end(w);
	if (s->outstanding_without_rate)
		PUTF(w,
		     "\n%" PRIu64
		     " pledge%s without a UN operational rate of exchange on the pledge "
		     "date %s left out of the US dollar figures.\n",
		     s->outstanding_without_rate, plural(s->outstanding_without_rate),
		     s->outstanding_without_rate == 1 ? "is" : "are");
}

static void md_outstanding(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;

	if (s->n_outstanding == 0)
		return;
	if (s->fund)
		md_head(w,
			"Date|Donor|Years|Currency|Pledged|Paid|Written off|Outstanding|"
			"USD outstanding|Next due|Status|Overdue",
			"llllrrrrrllr");
	else
		md_head(w,
			"Date|Donor|Fund|Years|Currency|Pledged|Paid|Written off|Outstanding|"
			"USD outstanding|Next due|Status|Overdue",
			"lllllrrrrrllr");
	for (size_t i = 0; i < s->n_outstanding; i++) {
		const fl_report_pledge *p = &s->outstanding[i];
		tn(w, p->date);
		td(w, fl_report_donor_name(r, p->donor));
		if (!s->fund)
			td(w, p->fund);
		td(w, p->years);
		td(w, p->currency);
		tn_amount(w, p->currency, p->amount);
		tn_amount(w, p->currency, p->paid);
		tn_amount(w, p->currency, p->written_off);
		tn_amount(w, p->currency, p->outstanding);
		if (p->usd_known)
			tn_usd(w, p->usd_outstanding);
		else
			tn(w, "n/a");
		tn(w, p->next_due);
		td(w, fl_pledge_status_name(p->status));
		if (p->overdue > 0)
			tn_amount(w, p->currency, p->overdue);
		else
			tn(w, "");
		tr_end(w);
	}
	put(w, "\nOverdue: what has fallen due and is not paid, in the pledge's currency.\n");
}

static size_t count_group(const fl_report *r, const size_t *idx, size_t n, int g)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (r->donors[idx[i]].group == (fl_report_group)g)
			k++;
	return k;
}

/* States by group (the list is ordered by group, then name): "**Group (n):** A, B." */
static void md_states(writer *w, const char *title, const size_t *idx, size_t n)
{
	const fl_report *r = w->r;
	char marks[8];

	snprintf(marks, sizeof(marks), "%s#", w->h);
	md_heading(w, marks, title);
	if (n == 0)
		put(w, "\nNone.\n");
	for (size_t i = 0; i < n;) {
		fl_report_group g = r->donors[idx[i]].group;
		size_t j = i;
		while (j < n && r->donors[idx[j]].group == g)
			j++;
		PUTF(w, "\n**%s (%zu):** ", fl_report_group_name(g), j - i);
		for (; i < j; i++) {
			md_text(w, r->donors[idx[i]].name, NULL);
			put(w, i + 1 < j ? ", " : ".\n");
		}
	}
}

static void md_para14(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char title[64];

	md_heading(w, w->h, "States that have not contributed (resolution 18/18, paragraph 14)");
	PUTF(w,
	     "\nOf the %zu States, %zu did not contribute to %s in %d, and %zu of them had not "
	     "contributed by 31 December %d either.\n",
	     s->n_states, s->n_not_in_year, md_scope(s), r->year, s->n_never, r->year);
	snprintf(title, sizeof(title), "Group|Not in %d|Never", r->year);
	md_head(w, title, "lrr");
	for (int g = 0; g <= FL_RGROUP_NO_GROUP; g++) {
		td(w, fl_report_group_name((fl_report_group)g));
		tn_u64(w, count_group(r, s->not_in_year, s->n_not_in_year, g));
		tn_u64(w, count_group(r, s->never, s->n_never, g));
		tr_end(w);
	}
	tn(w, "**Total**");
	tn_u64(w, s->n_not_in_year);
	tn_u64(w, s->n_never);
	tr_end(w);
	snprintf(title, sizeof(title), "Did not contribute in %d", r->year);
	md_states(w, title, s->not_in_year, s->n_not_in_year);
	md_states(w, "Never contributed", s->never, s->n_never);
}

static void md_unmatched(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;

	if (s->n_unmatched == 0)
		return;
	if (s->fund)
		md_head(w, "Entry|Date|Donor|Currency|Unapplied|Rule|Reason", "rlllrll");
	else
		md_head(w, "Entry|Date|Donor|Fund|Currency|Unapplied|Rule|Reason", "rllllrll");
	for (size_t i = 0; i < s->n_unmatched; i++) {
		const fl_report_unmatched *u = &s->unmatched[i];
		tn_u64(w, u->seq);
		tn(w, u->date);
		td(w, fl_report_donor_name(r, u->donor));
		if (!s->fund)
			td(w, u->fund);
		td(w, u->currency);
		tn_amount(w, u->currency, u->unapplied);
		td(w, fl_match_rule_name(u->rule));
		td(w, u->reason);
		tr_end(w);
	}
}

static void md_bank(writer *w, const fl_report_section *s)
{
	if (s->n_bank == 0)
		return;
	md_head(w,
		"Class|Line|Contribution|Date|Currency|Line amount|Ledger amount|Reference|"
		"Debtor|Reason",
		"lrrllrrlll");
	for (size_t i = 0; i < s->n_bank; i++) {
		const fl_report_bankline *x = &s->bank[i];
		td(w, fl_bank_class_name(x->cls));
		if (x->line)
			tn_u64(w, x->line);
		else
			tn(w, "");
		if (x->contribution)
			tn_u64(w, x->contribution);
		else
			tn(w, "");
		tn(w, x->date);
		td(w, x->currency);
		if (x->line)
			tn_amount(w, x->currency, x->line_amount);
		else
			tn(w, "");
		if (x->contribution)
			tn_amount(w, x->currency, x->ledger_amount);
		else
			tn(w, "");
		td(w, x->ref);
		td(w, x->debtor);
		td(w, x->reason);
		tr_end(w);
	}
}

static void md_reconciliation(writer *w, const fl_report_section *s)
{
	const fl_report *r = w->r;
	char title[64];

	snprintf(title, sizeof(title), "Reconciliation at 31 December %d", r->year);
	md_heading(w, w->h, title);
	if (s->fund && r->n_sections > 1)
		put(w, "\nThe bank account is the three funds': its statements are counted in the "
		       "first part.\n\n");
	else
		PUTF(w,
		     "\n- Bank statements: %" PRIu64 "\n- Bank lines: %" PRIu64
		     ", of which %" PRIu64 " matched to contributions\n",
		     s->statements, s->lines, s->lines_matched);
	PUTF(w, "- Receipts not wholly applied to pledges: %zu\n- Bank items not reconciled: %zu\n",
	     s->n_unmatched, s->n_bank);
	md_unmatched(w, s);
	md_bank(w, s);
}

static void md_section(writer *w, const fl_report_section *s)
{
	if (w->r->n_sections > 1) {
		put(w, "\n## ");
		md_text(w, fl_report_section_title(s), NULL);
		if (s->fund)
			PUTF(w, " (%s)", fl_report_section_code(s));
		put(w, "\n");
	}
	md_summary(w, s);
	md_statement(w, s);
	md_trend_groups(w, s);
	md_pledges_made(w, s);
	md_aging(w, s);
	md_outstanding(w, s);
	md_para14(w, s);
	md_reconciliation(w, s);
}

static void md_integrity(writer *w)
{
	const fl_report *r = w->r;
	char root[FL_HASH_HEX_LEN + 1];
	fl_buf cmd = FL_BUF_INIT;

	fl_report_root_hex(root, r);
	md_heading(w, "##", "Integrity of the figures");
	put(w, "\nThe figures come from the ledger ");
	md_text(w, r->origin, NULL);
	PUTF(w,
	     " as it stood at its signed checkpoint of size %" PRIu64 " (last entry recorded "
	     "%s), whose Merkle tree root is `%s`.\n",
	     r->size, r->ledger_time, root);
	put(w, "\nSigned by:\n\n");
	for (size_t i = 0; i < r->n_signers; i++) {
		put(w, "- ");
		md_text(w, r->signers[i].name, NULL);
		PUTF(w, " (%s, key id `%s`)\n", r->signers[i].role, r->signers[i].key_hash);
	}
	put(w, "\nThe signed checkpoint:\n");
	md_fenced(w, r->checkpoint ? r->checkpoint : "");
	PUTF(w,
	     "\nTo check this report, save the signed checkpoint as checkpoint-%" PRIu64 ".txt, "
	     "verify the ledger against it, then reproduce the report byte for byte:\n",
	     r->size);
	if (w->err == 0)
		w->err = fl_report_integrity_commands(&cmd, r, FL_REPORT_MD);
	if (w->err == 0)
		md_fenced(w, fl_buf_cstr(&cmd));
	fl_buf_free(&cmd);
}

int fl_report_md(const fl_report_dest *d, const fl_report *r)
{
	writer w = {d->out, d, r, 0, 0, r->n_sections > 1 ? "###" : "##"};

	md_title(&w);
	md_narrative(&w, r->narrative);
	for (size_t s = 0; s < r->n_sections; s++)
		md_section(&w, &r->sections[s]);
	md_integrity(&w);
	return w.err;
}

/* ---- CSV ---- */

static void csv(writer *w, const char *s)
{
	const char *p = s ? s : "";

	if (w->col++)
		put(w, ",");
	if (p[strcspn(p, ",\"\r\n")] == 0) {
		put(w, p);
		return;
	}
	put(w, "\"");
	while (*p) {
		size_t n = strcspn(p, "\"");
		putn(w, p, n);
		p += n;
		if (*p) {
			put(w, "\"\"");
			p++;
		}
	}
	put(w, "\"");
}

/*
 * A free-text field that comes from outside (a bank's debtor or reference, a reason, a bank
 * reference, a name): one that a spreadsheet would run as a formula (it starts with = + - @,
 * a tab or a carriage return) gets a leading apostrophe, the usual guard against CSV
 * injection. Numbers never go through here, so a negative amount stays a number.
 */
static void csv_text(writer *w, const char *s)
{
	const char *p = s ? s : "";
	if (*p && strchr("=+-@\t\r", *p)) {
		size_t n = strlen(p);
		char *q = malloc(n + 2);
		if (!q) {
			if (w->err == 0)
				w->err = fl_error_set(FL_ENOMEM, "out of memory");
			return;
		}
		q[0] = '\'';
		memcpy(q + 1, p, n + 1);
		csv(w, q);
		free(q);
		return;
	}
	csv(w, p);
}

/* A CSV row ends like a Markdown table row. */
static void csv_end(writer *w)
{
	tr_end(w);
}

static void csv_u64(writer *w, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%" PRIu64, v);
	csv(w, b);
}

/* An unsigned figure that is empty when 0 (no line, no contribution). */
static void csv_u64_opt(writer *w, uint64_t v)
{
	if (v)
		csv_u64(w, v);
	else
		csv(w, "");
}

static void csv_bool(writer *w, int v)
{
	csv(w, v ? "yes" : "no");
}

static void csv_decimal(writer *w, int64_t v, unsigned minor_units)
{
	char b[FL_REPORT_STR_MAX] = "";
	if (w->err == 0)
		w->err = fl_money_format(b, sizeof(b), v, minor_units, 0);
	csv(w, b);
}

static void csv_usd(writer *w, int64_t cents)
{
	csv_decimal(w, cents, 2);
}

static void csv_amount(writer *w, const char *currency, int64_t amount)
{
	const fl_currency *c = w->r->cfg ? fl_config_currency(w->r->cfg, currency) : NULL;
	csv_decimal(w, amount, c ? c->minor_units : 2);
}

static void csv_donor(writer *w, size_t donor)
{
	csv(w, donor < w->r->n_donors ? w->r->donors[donor].code : "?");
	csv_text(w, fl_report_donor_name(w->r, donor));
}

static void t_report(writer *w)
{
	const fl_report *r = w->r;
	char root[FL_HASH_HEX_LEN + 1];
	fl_buf signers = FL_BUF_INIT;

	fl_report_root_hex(root, r);
	for (size_t i = 0; i < r->n_signers && w->err == 0; i++)
		w->err = fl_buf_printf(&signers, "%s%s (%s, %s)", i ? "; " : "", r->signers[i].name,
				       r->signers[i].role, r->signers[i].key_hash);
	PUTF(w, "%d", r->year);
	w->col++;
	csv(w, r->scope);
	csv_u64(w, r->session);
	csv(w, r->generated);
	csv(w, r->ledger_time);
	csv(w, r->origin);
	csv_u64(w, r->size);
	csv(w, root);
	csv(w, fl_buf_cstr(&signers));
	csv_end(w);
	fl_buf_free(&signers);
}

static void t_summary(writer *w, const fl_report_section *s)
{
	char change[FL_REPORT_STR_MAX], pct[32] = "";
	int64_t permille;
	int known;

	fl_report_change(change, s->received_usd, s->previous_usd, &permille, &known);
	if (known) {
		uint64_t m = permille < 0 ? (uint64_t)0 - (uint64_t)permille : (uint64_t)permille;
		snprintf(pct, sizeof(pct), "%s%" PRIu64 ".%" PRIu64, permille < 0 ? "-" : "",
			 m / 10, m % 10);
	}
	csv(w, fl_report_section_code(s));
	csv(w, fl_report_section_title(s));
	csv_usd(w, s->received_usd);
	csv_u64(w, s->receipts);
	csv_usd(w, s->previous_usd);
	csv(w, pct);
	csv_u64(w, s->n_donors);
	csv_u64(w, s->n_new_donors);
	csv_u64(w, s->n_made);
	csv_usd(w, s->made_usd);
	csv_u64(w, s->made_without_rate);
	csv_u64(w, s->n_outstanding);
	csv_usd(w, s->outstanding_usd);
	csv_u64(w, s->outstanding_without_rate);
	csv_u64(w, s->overdue_n);
	csv_usd(w, s->overdue_usd);
	csv_u64(w, s->n_states);
	csv_u64(w, s->n_not_in_year);
	csv_u64(w, s->n_never);
	csv_u64(w, s->statements);
	csv_u64(w, s->lines);
	csv_u64(w, s->lines_matched);
	csv_u64(w, s->n_unmatched);
	csv_u64(w, s->n_bank);
	csv_end(w);
}

static void t_contributions(writer *w, const fl_report_section *s)
{
	for (size_t d = 0; d < s->n_donors; d++) {
		const fl_report_donor_total *t = &s->donors[d];
		for (size_t i = t->first; i < t->first + t->n; i++) {
			const fl_report_receipt *x = &s->receipts_list[i];
			char rate[FL_REPORT_STR_MAX];
			fl_report_rate(rate, x->rate_used);
			csv(w, fl_report_section_code(s));
			csv_donor(w, t->donor);
			csv_bool(w, t->is_new);
			csv(w, x->fund);
			csv_u64(w, x->seq);
			csv(w, x->date);
			csv(w, x->currency);
			csv_amount(w, x->currency, x->amount);
			csv(w, rate);
			csv_usd(w, x->usd);
			csv_text(w, x->bank_ref);
			csv_end(w);
		}
	}
}

static void t_donors(writer *w, const fl_report_section *s)
{
	for (size_t d = 0; d < s->n_donors; d++) {
		const fl_report_donor_total *t = &s->donors[d];
		csv(w, fl_report_section_code(s));
		csv_u64(w, d + 1);
		csv_donor(w, t->donor);
		csv(w, t->donor < w->r->n_donors
			   ? fl_report_group_name(w->r->donors[t->donor].group)
			   : "?");
		csv_bool(w, t->is_new);
		csv_u64(w, t->n);
		csv_usd(w, t->usd);
		csv_end(w);
	}
}

static void t_trend(writer *w, const fl_report_section *s)
{
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		csv(w, fl_report_section_code(s));
		PUTF(w, ",%d", w->r->year - (FL_REPORT_TREND_YEARS - 1) + k);
		w->col++;
		csv_usd(w, s->trend_usd[k]);
		csv_end(w);
	}
}

static void t_groups(writer *w, const fl_report_section *s)
{
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		csv(w, fl_report_section_code(s));
		csv(w, fl_report_group_name((fl_report_group)g));
		csv_u64(w, s->group_donors[g]);
		csv_usd(w, s->group_usd[g]);
		csv_end(w);
	}
}

static void csv_pledge(writer *w, const fl_report_section *s, const fl_report_pledge *p)
{
	csv(w, fl_report_section_code(s));
	csv_u64(w, p->seq);
	csv(w, p->fund);
	csv_donor(w, p->donor);
	csv(w, p->date);
	csv(w, p->years);
	csv(w, p->currency);
	csv_amount(w, p->currency, p->amount);
	csv_amount(w, p->currency, p->paid);
	csv_amount(w, p->currency, p->written_off);
	csv_amount(w, p->currency, p->outstanding);
	csv_amount(w, p->currency, p->overdue);
	if (p->usd_known) {
		csv_usd(w, p->usd);
		csv_usd(w, p->usd_outstanding);
	} else {
		csv(w, "");
		csv(w, "");
	}
	csv(w, fl_pledge_status_name(p->status));
	csv(w, p->next_due);
	csv(w, fl_report_age_name(p->age));
	csv_bool(w, p->overdue > 0);
	csv_end(w);
}

static void t_pledges_made(writer *w, const fl_report_section *s)
{
	for (size_t i = 0; i < s->n_made; i++)
		csv_pledge(w, s, &s->made[i]);
}

static void t_pledges_outstanding(writer *w, const fl_report_section *s)
{
	for (size_t i = 0; i < s->n_outstanding; i++)
		csv_pledge(w, s, &s->outstanding[i]);
}

static void t_aging(writer *w, const fl_report_section *s)
{
	for (int a = 0; a < FL_AGE_COUNT; a++) {
		csv(w, fl_report_section_code(s));
		csv(w, fl_report_age_name((fl_report_age)a));
		csv_u64(w, s->aged_n[a]);
		csv_usd(w, s->aged_usd[a]);
		csv_end(w);
	}
}

static int listed(const size_t *idx, size_t n, size_t donor)
{
	for (size_t i = 0; i < n; i++)
		if (idx[i] == donor)
			return 1;
	return 0;
}

static void t_states(writer *w, const fl_report_section *s)
{
	for (size_t i = 0; i < s->n_not_in_year; i++) {
		const fl_report_donor *d = &w->r->donors[s->not_in_year[i]];
		csv(w, fl_report_section_code(s));
		csv(w, d->code);
		csv_text(w, d->name);
		csv(w, d->kind == FL_DONOR_OBSERVER_STATE ? "observer" : "member");
		csv(w, fl_report_group_name(d->group));
		csv_bool(w, listed(s->never, s->n_never, s->not_in_year[i]));
		csv_end(w);
	}
}

static void t_unmatched(writer *w, const fl_report_section *s)
{
	for (size_t i = 0; i < s->n_unmatched; i++) {
		const fl_report_unmatched *u = &s->unmatched[i];
		csv(w, fl_report_section_code(s));
		csv_u64(w, u->seq);
		csv(w, u->fund);
		csv_donor(w, u->donor);
		csv(w, u->date);
		csv(w, u->currency);
		csv_amount(w, u->currency, u->unapplied);
		csv(w, fl_match_rule_name(u->rule));
		csv_text(w, u->reason);
		csv_end(w);
	}
}

static void t_bank(writer *w, const fl_report_section *s)
{
	for (size_t i = 0; i < s->n_bank; i++) {
		const fl_report_bankline *x = &s->bank[i];
		csv(w, fl_report_section_code(s));
		csv(w, fl_bank_class_name(x->cls));
		csv_u64_opt(w, x->line);
		csv_u64_opt(w, x->contribution);
		csv(w, x->date);
		csv(w, x->currency);
		if (x->line)
			csv_amount(w, x->currency, x->line_amount);
		else
			csv(w, "");
		if (x->contribution)
			csv_amount(w, x->currency, x->ledger_amount);
		else
			csv(w, "");
		csv_text(w, x->ref);
		csv_text(w, x->debtor);
		csv_text(w, x->reason);
		csv_end(w);
	}
}

#define PLEDGE_COLUMNS                                                                             \
	"section,seq,fund,donor,donor_name,date,years,currency,amount,paid,written_off,"           \
	"outstanding,overdue_amount,usd,usd_outstanding,status,next_due,age,overdue"

/* The tables, in the order they are returned: a table has rows from the whole report, or
 * from each section in turn. */
static const struct {
	const char *name;
	const char *header;
	void (*whole)(writer *);
	void (*each)(writer *, const fl_report_section *);
} TABLES[] = {
    {"report.csv", "year,scope,session,generated,ledger_time,origin,checkpoint_size,root,signers",
     t_report, NULL},
    {"summary.csv",
     "section,name,received_usd,receipts,previous_usd,change_percent,donors,new_donors,"
     "pledges_made,pledges_made_usd,pledges_made_without_rate,pledges_outstanding,"
     "pledges_outstanding_usd,pledges_outstanding_without_rate,pledges_overdue,"
     "pledges_overdue_usd,states,states_not_contributed,states_never_contributed,statements,"
     "bank_lines,bank_lines_matched,unmatched_receipts,bank_items",
     NULL, t_summary},
    {"contributions.csv",
     "section,donor,donor_name,new,fund,seq,date,currency,amount,rate,usd,bank_ref", NULL,
     t_contributions},
    {"donors.csv", "section,rank,donor,name,group,new,receipts,usd", NULL, t_donors},
    {"trend.csv", "section,year,usd", NULL, t_trend},
    {"groups.csv", "section,group,donors,usd", NULL, t_groups},
    {"pledges_made.csv", PLEDGE_COLUMNS, NULL, t_pledges_made},
    {"pledges_outstanding.csv", PLEDGE_COLUMNS, NULL, t_pledges_outstanding},
    {"aging.csv", "section,age,pledges,usd_outstanding", NULL, t_aging},
    {"states_not_contributed.csv", "section,code,name,status,group,never", NULL, t_states},
    {"unmatched_receipts.csv",
     "section,seq,fund,donor,donor_name,date,currency,unapplied,rule,reason", NULL, t_unmatched},
    {"bank_items.csv",
     "section,class,line,contribution,date,currency,line_amount,ledger_amount,ref,debtor,"
     "reason",
     NULL, t_bank},
};

int fl_report_csv(fl_report_table **out, size_t *n_out, const fl_report *r)
{
	fl_report_table *t;
	int err = 0;

	*out = NULL;
	*n_out = 0;
	if (!(t = calloc(COUNT(TABLES), sizeof(*t))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < COUNT(TABLES); i++) {
		writer w = {&t[i].data, NULL, r, 0, 0, NULL};
		snprintf(t[i].name, sizeof(t[i].name), "%s", TABLES[i].name);
		put(&w, TABLES[i].header);
		put(&w, "\n");
		if (TABLES[i].whole)
			TABLES[i].whole(&w);
		for (size_t s = 0; TABLES[i].each && s < r->n_sections; s++)
			TABLES[i].each(&w, &r->sections[s]);
		if ((err = w.err) < 0)
			goto done;
	}
	*out = t;
	*n_out = COUNT(TABLES);
	t = NULL;
done:
	fl_report_tables_free(t, COUNT(TABLES));
	return err;
}

void fl_report_tables_free(fl_report_table *t, size_t n)
{
	if (!t)
		return;
	for (size_t i = 0; i < n; i++)
		fl_buf_free(&t[i].data);
	free(t);
}
