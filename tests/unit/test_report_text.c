/*
 * test_report_text.c: unit tests for the Markdown writer and the CSV tables of the annual
 * report (ledger/report_text.c), through the public API (fl_report_render, fl_report_csv),
 * and fl_report_stream against fl_report_render for every format.
 *
 * The report is built by hand, so that every figure is known: a consolidated section and the
 * three funds (two of them empty), a donor whose name holds a comma, quotes, a pipe and
 * asterisks, amounts in JPY (no decimals) and KWD (three), a fall from the year before, a
 * pledge without a rate, a bank line whose texts start with markup. The expected text is
 * written out by hand. Run from the repository root (config/ is loaded for the funds and the
 * currencies' minor units).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/config.h"
#include "fundledger/error.h"
#include "fundledger/report.h"

#define CONFIG "config/fundledger.yaml"
#define ACME "Acme, \"Best\" | *Foundation*"
#define ACME_MD "Acme, \"Best\" \\| \\*Foundation\\*"
#define ACME_CSV "\"Acme, \"\"Best\"\" | *Foundation*\""

enum { AGO, JPN, KWT, NOR, VAT, XFND, N_DONORS };

/* Everything a report points at, in one block the test frees at once. */
typedef struct {
	fl_config *cfg;
	fl_report r;
	fl_report_section sections[4];
	fl_report_donor donors[N_DONORS];
	fl_report_receipt receipts[4];
	fl_report_donor_total totals[3];
	fl_report_pledge made[2], outstanding[3];
	size_t not_in_year[3], never[2], all_states[5];
	fl_report_unmatched unmatched[1];
	fl_report_bankline bank[1];
	fl_narrative narrative;
	char *findings[2], *recommendations[1];
	fl_narrative_member members[1];
	fl_narrative_session sessions[1];
	char checkpoint[160];
} fx;

static void donor(fx *f, size_t i, const char *code, const char *name, fl_donor_kind kind,
		  fl_report_group g)
{
	snprintf(f->donors[i].code, sizeof(f->donors[i].code), "%s", code);
	f->donors[i].name = name;
	f->donors[i].kind = kind;
	f->donors[i].group = g;
}

static fl_report_receipt receipt(uint64_t seq, size_t d, const char *currency, int64_t amount,
				 uint64_t rate, int64_t usd, const char *date, const char *ref)
{
	fl_report_receipt x;
	memset(&x, 0, sizeof(x));
	x.seq = seq;
	strcpy(x.fund, "VFTC");
	x.donor = d;
	strcpy(x.currency, currency);
	x.amount = amount;
	x.rate_used = rate;
	x.usd = usd;
	strcpy(x.date, date);
	x.bank_ref = ref;
	return x;
}

static fl_report_pledge pledge(uint64_t seq, size_t d, const char *currency, const char *date,
			       const char *years, int64_t amount, int64_t paid)
{
	fl_report_pledge p;
	memset(&p, 0, sizeof(p));
	p.seq = seq;
	strcpy(p.fund, "VFTC");
	p.donor = d;
	strcpy(p.currency, currency);
	strcpy(p.date, date);
	strcpy(p.years, years);
	strcpy(p.next_due, "2025-12-31");
	p.amount = amount;
	p.paid = paid;
	p.outstanding = amount - paid;
	p.status = paid ? FL_PLEDGE_PARTIAL : FL_PLEDGE_OPEN;
	p.age = FL_AGE_UNDER_1;
	return p;
}

static void fill_donors(fx *f)
{
	donor(f, AGO, "AGO", "Angola", FL_DONOR_MEMBER_STATE, FL_RGROUP_AFRICAN);
	donor(f, JPN, "JPN", "Japan", FL_DONOR_MEMBER_STATE, FL_RGROUP_ASIA_PACIFIC);
	donor(f, KWT, "KWT", "Kuwait", FL_DONOR_MEMBER_STATE, FL_RGROUP_ASIA_PACIFIC);
	donor(f, NOR, "NOR", "Norway", FL_DONOR_MEMBER_STATE, FL_RGROUP_WEOG);
	donor(f, VAT, "VAT", "Holy See", FL_DONOR_OBSERVER_STATE, FL_RGROUP_NO_GROUP);
	donor(f, XFND, "XFND", ACME, FL_DONOR_FOUNDATION, FL_RGROUP_OTHER_DONORS);
	f->r.donors = f->donors;
	f->r.n_donors = N_DONORS;
}

/* The statement: Japan twice (JPY), the foundation (USD), Kuwait (KWD). */
static void fill_statement(fx *f, fl_report_section *s)
{
	f->receipts[0] = receipt(11, JPN, "JPY", 1500000, 150000000, 1000000, "2025-02-01", "B-11");
	f->receipts[1] = receipt(30, JPN, "JPY", 300000, 150000000, 200000, "2025-06-01", "B-30");
	f->receipts[2] =
	    receipt(20, XFND, "USD", 123456, 1000000, 123456, "2025-03-01", "REF,1 \"x\"");
	f->receipts[3] = receipt(25, KWT, "KWD", 1250, 307000, 407, "2025-04-01", "");
	f->totals[0] = (fl_report_donor_total){JPN, 1200000, 0, 2, 0};
	f->totals[1] = (fl_report_donor_total){XFND, 123456, 2, 1, 1};
	f->totals[2] = (fl_report_donor_total){KWT, 407, 3, 1, 1};
	s->received_usd = 1323863;
	s->previous_usd = 1500000;
	s->receipts = 4;
	s->trend_usd[3] = 1500000;
	s->trend_usd[4] = 1323863;
	s->group_usd[FL_RGROUP_ASIA_PACIFIC] = 1200407;
	s->group_donors[FL_RGROUP_ASIA_PACIFIC] = 2;
	s->group_usd[FL_RGROUP_OTHER_DONORS] = 123456;
	s->group_donors[FL_RGROUP_OTHER_DONORS] = 1;
	s->n_new_donors = 2;
	s->donors = f->totals;
	s->n_donors = 3;
	s->receipts_list = f->receipts;
	s->n_receipts = 4;
}

/* Pledges: Kuwait's of the year (KWD, partly paid), the foundation's without a rate, and
 * Norway's overdue one from 2023. */
static void fill_pledges(fx *f, fl_report_section *s)
{
	fl_report_pledge kwt = pledge(5, KWT, "KWD", "2025-01-15", "2025", 5000, 1250);
	fl_report_pledge acme = pledge(6, XFND, "EUR", "2025-02-01", "2025-2026", 1000000, 0);
	fl_report_pledge nor = pledge(3, NOR, "NOK", "2023-05-01", "2023-2024", 100000000, 0);

	kwt.usd_known = 1;
	kwt.usd = 1628;
	kwt.usd_outstanding = 1221;
	nor.usd_known = 1;
	nor.usd = nor.usd_outstanding = 9500000;
	nor.overdue = 100000000;
	nor.status = FL_PLEDGE_OVERDUE;
	nor.age = FL_AGE_OVER_2;
	strcpy(nor.next_due, "2023-12-31");
	f->made[0] = kwt;
	f->made[1] = acme;
	f->outstanding[0] = nor;
	f->outstanding[1] = kwt;
	f->outstanding[2] = acme;
	s->made = f->made;
	s->n_made = 2;
	s->made_usd = 1628;
	s->made_without_rate = 1;
	s->outstanding = f->outstanding;
	s->n_outstanding = 3;
	s->outstanding_usd = 9501221;
	s->outstanding_without_rate = 1;
	s->aged_n[FL_AGE_UNDER_1] = 2;
	s->aged_usd[FL_AGE_UNDER_1] = 1221;
	s->aged_n[FL_AGE_OVER_2] = 1;
	s->aged_usd[FL_AGE_OVER_2] = 9500000;
	s->overdue_n = 1;
	s->overdue_usd = 9500000;
}

static void fill_reconciliation(fx *f, fl_report_section *s)
{
	fl_report_unmatched *u = &f->unmatched[0];
	fl_report_bankline *b = &f->bank[0];

	u->seq = 20;
	strcpy(u->fund, "VFTC");
	u->donor = XFND;
	strcpy(u->currency, "USD");
	strcpy(u->date, "2025-03-01");
	u->unapplied = 123456;
	u->rule = FL_RULE_NONE;
	strcpy(u->reason, "no open pledge");
	b->cls = FL_BANK_ONLY;
	b->line = 40;
	strcpy(b->currency, "EUR");
	b->line_amount = 50000;
	strcpy(b->date, "2025-12-30");
	strcpy(b->ref, "R|1");
	strcpy(b->debtor, "-Dash, \"Q\"");
	strcpy(b->reason, "no contribution recorded");
	s->unmatched = f->unmatched;
	s->n_unmatched = 1;
	s->bank = f->bank;
	s->n_bank = 1;
	s->statements = 1;
	s->lines = 12;
	s->lines_matched = 10;
}

static void fill_states(fx *f, fl_report_section *s, int all_of_them)
{
	static const size_t not_in_year[] = {AGO, NOR, VAT}, never[] = {AGO, VAT};
	static const size_t all[] = {AGO, JPN, KWT, NOR, VAT};

	memcpy(f->not_in_year, not_in_year, sizeof(not_in_year));
	memcpy(f->never, never, sizeof(never));
	memcpy(f->all_states, all, sizeof(all));
	s->n_states = 5;
	if (all_of_them) {
		s->not_in_year = s->never = f->all_states;
		s->n_not_in_year = s->n_never = 5;
	} else {
		s->not_in_year = f->not_in_year;
		s->n_not_in_year = 3;
		s->never = f->never;
		s->n_never = 2;
	}
}

static void fill_narrative(fx *f)
{
	fl_narrative *n = &f->narrative;

	n->year = 2025;
	n->introduction = "Intro line.\n  continued  \n\n\n# not a heading\n1) no list\n+ plus\n"
			  "= eq\n&amp; & ok `code` <b> ~x~ $5 a\\b";
	f->members[0] = (fl_narrative_member){"Ms. Jane Doe", "African States", "Chair"};
	n->members = f->members;
	n->n_members = 1;
	f->sessions[0] = (fl_narrative_session){"Sixty-first session", "10-14 February 2025",
						"Geneva", "Met.\n\nDecided."};
	n->sessions = f->sessions;
	n->n_sessions = 1;
	f->findings[0] = "First.\n\nSecond paragraph.";
	f->findings[1] = "Other.";
	n->findings = f->findings;
	n->n_findings = 2;
	f->recommendations[0] = "Contribute.";
	n->recommendations = f->recommendations;
	n->n_recommendations = 1;
	f->r.narrative = n;
	snprintf(f->r.narrative_name, sizeof(f->r.narrative_name), "narrative-2025.yaml");
}

static void fill_header(fx *f, const char *scope)
{
	fl_report *r = &f->r;

	r->year = 2025;
	r->session = 61;
	snprintf(r->scope, sizeof(r->scope), "%s", scope);
	strcpy(r->origin, "unit.example.org/report");
	strcpy(r->generated, "2026-01-31");
	r->date_given = 1;
	strcpy(r->ledger_time, "2026-01-15T10:00:00Z");
	r->size = 42;
	for (int i = 0; i < FL_HASH_LEN; i++)
		r->root[i] = (unsigned char)i;
	/* A run of three backticks inside: the fence must be longer. */
	snprintf(f->checkpoint, sizeof(f->checkpoint),
		 "unit.example.org/report\n42\nAAECAw==\n\n\xe2\x80\x94 treasurer ab```cd\n");
	r->checkpoint = f->checkpoint;
	strcpy(r->signers[0].name, "treasurer");
	strcpy(r->signers[0].role, "treasurer");
	strcpy(r->signers[0].key_hash, "0e6dc8ea");
	r->n_signers = 1;
	r->cfg = f->cfg;
	fill_donors(f);
}

/* The "all" report: the three funds together, then UPRI and UPRP (empty), then VFTC, which
 * holds what the consolidated section holds. */
static fx *fx_all(void)
{
	fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	if (fl_config_load(&f->cfg, CONFIG) != 0)
		fail_msg("config: %s", fl_error_last());
	assert_int_equal(f->cfg->n_funds, 3);
	fill_header(f, "all");
	fill_narrative(f);
	fill_statement(f, &f->sections[0]);
	fill_pledges(f, &f->sections[0]);
	fill_reconciliation(f, &f->sections[0]);
	fill_states(f, &f->sections[0], 0);
	for (size_t i = 1; i < 4; i++) {
		f->sections[i].fund = &f->cfg->funds[i - 1];
		fill_states(f, &f->sections[i], 1);
	}
	f->sections[3] = f->sections[0];
	f->sections[3].fund = fl_config_fund(f->cfg, "VFTC");
	f->sections[3].statements = f->sections[3].lines = f->sections[3].lines_matched = 0;
	f->sections[3].n_bank = 0;
	assert_ptr_equal(f->sections[3].fund, &f->cfg->funds[2]);
	f->r.sections = f->sections;
	f->r.n_sections = 4;
	return f;
}

/* A one-fund report of an empty fund, without narrative. */
static fx *fx_empty(void)
{
	fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	if (fl_config_load(&f->cfg, CONFIG) != 0)
		fail_msg("config: %s", fl_error_last());
	fill_header(f, "UPRI");
	f->sections[0].fund = fl_config_fund(f->cfg, "UPRI");
	assert_non_null(f->sections[0].fund);
	fill_states(f, &f->sections[0], 1);
	f->r.date_given = 0;
	f->r.sections = f->sections;
	f->r.n_sections = 1;
	return f;
}

static void fx_free(fx *f)
{
	fl_config_free(f->cfg);
	free(f);
}

/* ---- helpers ---- */

#define HAS(doc, frag) has_at(__LINE__, (doc), (frag))

static void has_at(int line, const char *doc, const char *frag)
{
	if (!strstr(doc, frag))
		fail_msg("line %d: the output lacks:\n%s\n---- output ----\n%s", line, frag, doc);
}

static void render_md(fl_buf *out, const fl_report *r)
{
	if (fl_report_render(out, r, FL_REPORT_MD) != 0)
		fail_msg("render: %s", fl_error_last());
}

static const fl_report_table *table(const fl_report_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	fail_msg("no table %s", name);
	return NULL;
}

/* The pipes of a Markdown table row that are not escaped by a backslash. */
static size_t md_cells(const char *line, size_t len)
{
	size_t n = 0, slashes = 0;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '|' && slashes % 2 == 0)
			n++;
		slashes = line[i] == '\\' ? slashes + 1 : 0;
	}
	return n;
}

/* Every row of every Markdown table has as many cells as its header. */
static void md_tables_regular(const char *doc)
{
	size_t want = 0, tables = 0;
	for (const char *p = doc; *p;) {
		size_t len = strcspn(p, "\n");
		if (*p != '|') {
			want = 0;
		} else if (want == 0) {
			want = md_cells(p, len);
			tables++;
		} else if (md_cells(p, len) != want) {
			fail_msg("table row with %zu cells, header has %zu: %.*s", md_cells(p, len),
				 want, (int)len, p);
		}
		p += len + (p[len] == '\n');
	}
	assert_true(tables > 0);
}

/* Counts the fields of each CSV record (RFC 4180), checking that every record has as many
 * as the header and that quoting is well formed. Returns the records, the header included. */
static size_t csv_regular(const char *name, const char *s)
{
	size_t records = 0, fields = 1, want = 0;
	int quoted = 0;
	for (const char *p = s; *p; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = 0;
			continue;
		}
		if (*p == '"') {
			if (p != s && p[-1] != ',' && p[-1] != '\n')
				fail_msg("%s: a quote inside an unquoted field", name);
			quoted = 1;
		} else if (*p == ',') {
			fields++;
		} else if (*p == '\n') {
			if (records++ == 0)
				want = fields;
			else if (fields != want)
				fail_msg("%s: record %zu has %zu fields, the header %zu", name,
					 records, fields, want);
			fields = 1;
		} else if (*p == '\r') {
			fail_msg("%s: CR outside quotes", name);
		}
	}
	assert_false(quoted);
	assert_true(*s && s[strlen(s) - 1] == '\n');
	return records;
}

/* ---- Markdown ---- */

static void test_md_title_narrative(void **state)
{
	fx *f = fx_all();
	fl_buf md = FL_BUF_INIT;
	char expect[512];
	(void)state;

	render_md(&md, &f->r);
	const char *d = fl_buf_cstr(&md);
	snprintf(expect, sizeof(expect),
		 "# The three voluntary funds\n\n- %s (UPRI)\n- %s (UPRP)\n", f->cfg->funds[0].name,
		 f->cfg->funds[1].name);
	assert_int_equal(strncmp(d, expect, strlen(expect)), 0);
	HAS(d, "\n\n**Annual report of the Board of Trustees for 2025**\n\n"
	       "Human Rights Council, sixty-first session\n\n"
	       "- Date of the report: 31 January 2026\n"
	       "- Ledger: unit.example.org/report\n"
	       "- Signed checkpoint: size 42, last entry recorded 2026-01-15T10:00:00Z\n");
	/* The narrative is literal text: markup escaped, paragraphs kept, lines trimmed. */
	HAS(d, "\n## Introduction\n\nIntro line.\ncontinued\n\n\\# not a heading\n1\\) no list\n"
	       "\\+ plus\n\\= eq\n\\&amp; & ok \\`code\\` \\<b> \\~x\\~ \\$5 a\\\\b\n");
	HAS(d, "\n## Sessions of the Board\n\n### Sixty-first session\n\n10-14 February 2025, "
	       "Geneva\n\nMet.\n\nDecided.\n");
	HAS(d, "\n## Members of the Board\n\n- Ms. Jane Doe, Chair (African States)\n");
	HAS(d, "\n## Findings\n\n1. First.\n\n   Second paragraph.\n2. Other.\n");
	HAS(d, "\n## Recommendations\n\n1. Contribute.\n");
	fl_buf_free(&md);
	fx_free(f);
}

static void test_md_statement(void **state)
{
	fx *f = fx_all();
	fl_buf md = FL_BUF_INIT;
	(void)state;

	render_md(&md, &f->r);
	const char *d = fl_buf_cstr(&md);
	HAS(d, "\n## The three voluntary funds\n\n### Summary\n\n"
	       "- Contributions received in 2025: USD 13,238.63 (4 receipts from 3 donors)\n"
	       "- Contributions received in 2024: USD 15,000.00; change: -11.7%\n"
	       "- New donors (no contribution to any of the three funds before 2025): 2 (" ACME_MD
	       ", Kuwait)\n"
	       "- Pledges made in 2025: 2, USD 16.28 (and 1 without a rate of exchange)\n"
	       "- Pledges outstanding at 31 December 2025: 3, USD 95,012.21 (and 1 without a rate "
	       "of exchange); 1 overdue, USD 95,000.00\n");
	HAS(d, "\n### Statement of contributions, 1 January to 31 December 2025 (United States "
	       "dollars)\n\n"
	       "| Donor | Fund | Date | Currency | Amount | Rate | USD |\n"
	       "| --- | --- | --- | --- | ---: | ---: | ---: |\n"
	       "| Japan | VFTC | 2025-02-01 | JPY | 1,500,000 | 150.0 | 10,000.00 |\n"
	       "|  | VFTC | 2025-06-01 | JPY | 300,000 | 150.0 | 2,000.00 |\n"
	       "| Japan, total |  |  |  |  |  | **12,000.00** |\n"
	       "| " ACME_MD " (new) | VFTC | 2025-03-01 | USD | 1,234.56 | 1.0 | 1,234.56 |\n"
	       "| Kuwait (new) | VFTC | 2025-04-01 | KWD | 1.250 | 0.307 | 4.07 |\n"
	       "| **Total** |  |  |  |  |  | **13,238.63** |\n\n"
	       "(new): no contribution to any of the three funds before 2025.\n");
	/* A fund's own section has no fund column. */
	HAS(d, "\n| Donor | Date | Currency | Amount | Rate | USD |\n"
	       "| --- | --- | --- | ---: | ---: | ---: |\n"
	       "| Japan | 2025-02-01 | JPY | 1,500,000 | 150.0 | 10,000.00 |\n");
	HAS(d, "\n(new): no contribution to the Fund before 2025.\n");
	HAS(d, "| Year | USD | Change |\n| --- | ---: | ---: |\n| 2021 | 0.00 |  |\n"
	       "| 2022 | 0.00 | n/a |\n| 2023 | 0.00 | n/a |\n| 2024 | 15,000.00 | n/a |\n"
	       "| 2025 | 13,238.63 | -11.7% |\n");
	HAS(d, "\n### Contributions in 2025 by group of donors (United States dollars)\n\n"
	       "| Group | Donors | USD |\n| --- | ---: | ---: |\n| African Group | 0 | 0.00 |\n"
	       "| Asia-Pacific Group | 2 | 12,004.07 |\n");
	HAS(d, "| Other donors | 1 | 1,234.56 |\n| **Total** | 3 | **13,238.63** |\n");
	fl_buf_free(&md);
	fx_free(f);
}

static void test_md_pledges_states_bank(void **state)
{
	fx *f = fx_all();
	fl_buf md = FL_BUF_INIT;
	(void)state;

	render_md(&md, &f->r);
	const char *d = fl_buf_cstr(&md);
	HAS(d, "| 2025-01-15 | Kuwait | VFTC | 2025 | KWD | 5.000 | 16.28 | partially paid |\n"
	       "| 2025-02-01 | " ACME_MD " | VFTC | 2025-2026 | EUR | 10,000.00 | n/a | open |\n"
	       "| **Total** |  |  |  |  |  | **16.28** |  |\n\n"
	       "n/a: no UN operational rate of exchange was in force on the pledge date; the total "
	       "leaves out 1 pledge.\n");
	HAS(d, "| under 1 year | 2 | 12.21 |\n| 1-2 years | 0 | 0.00 |\n"
	       "| over 2 years | 1 | 95,000.00 |\n| **Total** | 3 | **95,012.21** |\n"
	       "| Of which overdue | 1 | 95,000.00 |\n");
	HAS(d,
	    "| 2023-05-01 | Norway | VFTC | 2023-2024 | NOK | 1,000,000.00 | 0.00 | 0.00 | "
	    "1,000,000.00 | 95,000.00 | 2023-12-31 | overdue | 1,000,000.00 |\n"
	    "| 2025-01-15 | Kuwait | VFTC | 2025 | KWD | 5.000 | 1.250 | 0.000 | 3.750 | 12.21 | "
	    "2025-12-31 | partially paid |  |\n");
	HAS(d, "\nOf the 5 States, 3 did not contribute to any of the three funds in 2025, and 2 "
	       "of them had not contributed by 31 December 2025 either.\n");
	HAS(d, "| African Group | 1 | 1 |\n| Asia-Pacific Group | 0 | 0 |\n");
	HAS(d, "| States outside the regional groups | 1 | 1 |\n| **Total** | 3 | 2 |\n");
	HAS(d, "\n#### Did not contribute in 2025\n\n**African Group (1):** Angola.\n\n"
	       "**Western European and Others Group (1):** Norway.\n\n"
	       "**States outside the regional groups (1):** Holy See.\n\n"
	       "#### Never contributed\n\n**African Group (1):** Angola.\n\n"
	       "**States outside the regional groups (1):** Holy See.\n");
	HAS(d, "\n- Bank statements: 1\n- Bank lines: 12, of which 10 matched to contributions\n"
	       "- Receipts not wholly applied to pledges: 1\n- Bank items not reconciled: 1\n");
	HAS(d,
	    "| 20 | 2025-03-01 | " ACME_MD " | VFTC | USD | 1,234.56 | none | no open pledge |\n");
	HAS(d, "| bank only | 40 |  | 2025-12-30 | EUR | 500.00 |  | R\\|1 | \\-Dash, \"Q\" | "
	       "no contribution recorded |\n");
	/* The empty funds. */
	HAS(d, "\n## Voluntary Fund for Participation in the Universal Periodic Review (UPRP)\n");
	HAS(d, "\nNo contributions were received in 2025.\n");
	HAS(d, "\nNo pledges were made in 2025.\n");
	HAS(d, "\nNo pledges were outstanding at 31 December 2025.\n");
	HAS(d, "\n**Asia-Pacific Group (2):** Japan, Kuwait.\n");
	HAS(d, "\nThe bank account is the three funds': its statements are counted in the first "
	       "part.\n\n- Receipts not wholly applied to pledges: 0\n");
	md_tables_regular(d);
	fl_buf_free(&md);
	fx_free(f);
}

static void test_md_integrity(void **state)
{
	fx *f = fx_all();
	fl_buf md = FL_BUF_INIT, again = FL_BUF_INIT;
	(void)state;

	render_md(&md, &f->r);
	const char *d = fl_buf_cstr(&md);
	HAS(d, "\n## Integrity of the figures\n\nThe figures come from the ledger "
	       "unit.example.org/report as it stood at its signed checkpoint of size 42 (last "
	       "entry recorded 2026-01-15T10:00:00Z), whose Merkle tree root is "
	       "`000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f`.\n\n"
	       "Signed by:\n\n- treasurer (treasurer, key id `0e6dc8ea`)\n");
	/* The note holds ``` so the fence has four. */
	HAS(d, "\nThe signed checkpoint:\n\n````\nunit.example.org/report\n42\nAAECAw==\n\n"
	       "\xe2\x80\x94 treasurer ab```cd\n````\n");
	const char *tail =
	    "\n```\nfundledger verify --trusted checkpoint-42.txt\n"
	    "fundledger report --year 2025 --fund all --at-checkpoint 42 --narrative "
	    "narrative-2025.yaml --date 2026-01-31 --format md --out "
	    "report-2025-all.md\n```\n";
	assert_true(md.len > strlen(tail));
	assert_string_equal(d + md.len - strlen(tail), tail);
	/* The same report, the same bytes. */
	render_md(&again, &f->r);
	assert_int_equal(again.len, md.len);
	assert_memory_equal(again.data, md.data, md.len);
	fl_buf_free(&md);
	fl_buf_free(&again);
	fx_free(f);
}

static void test_md_one_fund(void **state)
{
	fx *f = fx_empty();
	fl_buf md = FL_BUF_INIT;
	char expect[256];
	(void)state;

	render_md(&md, &f->r);
	const char *d = fl_buf_cstr(&md);
	snprintf(expect, sizeof(expect), "# %s\n\n**Annual report", f->sections[0].fund->name);
	assert_int_equal(strncmp(d, expect, strlen(expect)), 0);
	/* One section: its parts are the document's second level, and no narrative. */
	HAS(d, "\n## Summary\n\n- Contributions received in 2025: USD 0.00 (0 receipts from 0 "
	       "donors)\n- Contributions received in 2024: USD 0.00; change: n/a\n"
	       "- New donors (no contribution to the Fund before 2025): 0\n");
	HAS(d, "\n### Never contributed\n");
	HAS(d, "\n- Bank statements: 0\n");
	assert_null(strstr(d, "\n### Summary"));
	assert_null(strstr(d, "Introduction"));
	HAS(d, "--fund UPRI --at-checkpoint 42 --format md --out report-2025-UPRI.md\n```\n");
	md_tables_regular(d);
	fl_buf_free(&md);
	fx_free(f);
}

/* ---- CSV ---- */

static const char *const NAMES[] = {"report.csv",
				    "summary.csv",
				    "contributions.csv",
				    "donors.csv",
				    "trend.csv",
				    "groups.csv",
				    "pledges_made.csv",
				    "pledges_outstanding.csv",
				    "aging.csv",
				    "states_not_contributed.csv",
				    "unmatched_receipts.csv",
				    "bank_items.csv"};

static void test_csv_tables(void **state)
{
	fx *f = fx_all();
	fl_report_table *t = NULL;
	size_t n = 0;
	char expect[512];
	(void)state;

	if (fl_report_csv(&t, &n, &f->r) != 0)
		fail_msg("csv: %s", fl_error_last());
	assert_int_equal(n, sizeof(NAMES) / sizeof(NAMES[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(t[i].name, NAMES[i]);
		csv_regular(t[i].name, fl_buf_cstr(&t[i].data));
	}
	assert_string_equal(fl_buf_cstr(&table(t, n, "report.csv")->data),
			    "year,scope,session,generated,ledger_time,origin,checkpoint_size,root,"
			    "signers\n2025,all,61,2026-01-31,2026-01-15T10:00:00Z,"
			    "unit.example.org/report,42,"
			    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f,"
			    "\"treasurer (treasurer, 0e6dc8ea)\"\n");
	const char *s = fl_buf_cstr(&table(t, n, "summary.csv")->data);
	HAS(s, "\nall,The three voluntary funds,13238.63,4,15000.00,-11.7,3,2,2,16.28,1,3,95012.21,"
	       "1,1,95000.00,5,3,2,1,12,10,1,1\n");
	snprintf(expect, sizeof(expect),
		 "\nUPRI,%s,0.00,0,0.00,,0,0,0,0.00,0,0,0.00,0,0,0.00,5,5,5,"
		 "0,0,0,0,0\n",
		 f->cfg->funds[0].name);
	HAS(s, expect);
	HAS(s, "\nVFTC,United Nations Voluntary Fund for Technical Cooperation in the Field of "
	       "Human Rights,13238.63,4,15000.00,-11.7,3,2,2,16.28,1,3,95012.21,1,1,95000.00,5,3,"
	       "2,0,0,0,1,0\n");
	const char *c = fl_buf_cstr(&table(t, n, "contributions.csv")->data);
	HAS(c, "section,donor,donor_name,new,fund,seq,date,currency,amount,rate,usd,bank_ref\n"
	       "all,JPN,Japan,no,VFTC,11,2025-02-01,JPY,1500000,150.0,10000.00,B-11\n"
	       "all,JPN,Japan,no,VFTC,30,2025-06-01,JPY,300000,150.0,2000.00,B-30\n"
	       "all,XFND," ACME_CSV ",yes,VFTC,20,2025-03-01,USD,1234.56,1.0,1234.56,"
	       "\"REF,1 \"\"x\"\"\"\n"
	       "all,KWT,Kuwait,yes,VFTC,25,2025-04-01,KWD,1.250,0.307,4.07,\n"
	       "VFTC,JPN,Japan,no,VFTC,11,");
	HAS(fl_buf_cstr(&table(t, n, "donors.csv")->data),
	    "\nall,2,XFND," ACME_CSV ",Other donors,yes,1,1234.56\n"
	    "all,3,KWT,Kuwait,Asia-Pacific Group,yes,1,4.07\n");
	const char *tr = fl_buf_cstr(&table(t, n, "trend.csv")->data);
	HAS(tr, "\nall,2024,15000.00\nall,2025,13238.63\nUPRI,2021,0.00\n");
	HAS(fl_buf_cstr(&table(t, n, "groups.csv")->data), "\nall,Asia-Pacific Group,2,12004.07\n");
	fl_report_tables_free(t, n);
	fx_free(f);
}

static void test_csv_pledges_states_bank(void **state)
{
	fx *f = fx_all();
	fl_report_table *t = NULL;
	size_t n = 0;
	(void)state;

	if (fl_report_csv(&t, &n, &f->r) != 0)
		fail_msg("csv: %s", fl_error_last());
	HAS(fl_buf_cstr(&table(t, n, "pledges_made.csv")->data),
	    "section,seq,fund,donor,donor_name,date,years,currency,amount,paid,written_off,"
	    "outstanding,overdue_amount,usd,usd_outstanding,status,next_due,age,overdue\n"
	    "all,5,VFTC,KWT,Kuwait,2025-01-15,2025,KWD,5.000,1.250,0.000,3.750,0.000,16.28,12.21,"
	    "partially paid,2025-12-31,under 1 year,no\n"
	    "all,6,VFTC,XFND," ACME_CSV ",2025-02-01,2025-2026,EUR,10000.00,0.00,0.00,10000.00,"
	    "0.00,,,open,2025-12-31,under 1 year,no\n");
	HAS(fl_buf_cstr(&table(t, n, "pledges_outstanding.csv")->data),
	    "\nall,3,VFTC,NOR,Norway,2023-05-01,2023-2024,NOK,1000000.00,0.00,0.00,1000000.00,"
	    "1000000.00,95000.00,95000.00,overdue,2023-12-31,over 2 years,yes\n");
	HAS(fl_buf_cstr(&table(t, n, "aging.csv")->data),
	    "section,age,pledges,usd_outstanding\nall,under 1 year,2,12.21\nall,1-2 years,0,0.00\n"
	    "all,over 2 years,1,95000.00\nUPRI,under 1 year,0,0.00\n");
	HAS(fl_buf_cstr(&table(t, n, "states_not_contributed.csv")->data),
	    "section,code,name,status,group,never\n"
	    "all,AGO,Angola,member,African Group,yes\n"
	    "all,NOR,Norway,member,Western European and Others Group,no\n"
	    "all,VAT,Holy See,observer,States outside the regional groups,yes\n"
	    "UPRI,AGO,Angola,member,African Group,yes\n"
	    "UPRI,JPN,Japan,member,Asia-Pacific Group,yes\n");
	assert_string_equal(
	    fl_buf_cstr(&table(t, n, "unmatched_receipts.csv")->data),
	    "section,seq,fund,donor,donor_name,date,currency,unapplied,rule,reason\n"
	    "all,20,VFTC,XFND," ACME_CSV ",2025-03-01,USD,1234.56,none,no open pledge\n"
	    "VFTC,20,VFTC,XFND," ACME_CSV ",2025-03-01,USD,1234.56,none,no open "
	    "pledge\n");
	assert_string_equal(
	    fl_buf_cstr(&table(t, n, "bank_items.csv")->data),
	    "section,class,line,contribution,date,currency,line_amount,ledger_amount,"
	    "ref,debtor,reason\n"
	    /* A debtor a spreadsheet would take for a formula gets an apostrophe. */
	    "all,bank only,40,,2025-12-30,EUR,500.00,,R|1,\"'-Dash, \"\"Q\"\"\","
	    "no contribution recorded\n");
	fl_report_tables_free(t, n);
	fx_free(f);
}

/* An empty fund: every table is there; those with rows per item are their header alone. */
static void test_csv_empty(void **state)
{
	fx *f = fx_empty();
	fl_report_table *t = NULL;
	size_t n = 0;
	(void)state;

	if (fl_report_csv(&t, &n, &f->r) != 0)
		fail_msg("csv: %s", fl_error_last());
	assert_int_equal(n, sizeof(NAMES) / sizeof(NAMES[0]));
	for (size_t i = 0; i < n; i++)
		csv_regular(t[i].name, fl_buf_cstr(&t[i].data));
	assert_string_equal(fl_buf_cstr(&table(t, n, "contributions.csv")->data),
			    "section,donor,donor_name,new,fund,seq,date,currency,amount,rate,usd,"
			    "bank_ref\n");
	assert_int_equal(csv_regular("donors", fl_buf_cstr(&table(t, n, "donors.csv")->data)), 1);
	assert_int_equal(csv_regular("made", fl_buf_cstr(&table(t, n, "pledges_made.csv")->data)),
			 1);
	assert_int_equal(csv_regular("bank", fl_buf_cstr(&table(t, n, "bank_items.csv")->data)), 1);
	assert_int_equal(csv_regular("trend", fl_buf_cstr(&table(t, n, "trend.csv")->data)),
			 1 + FL_REPORT_TREND_YEARS);
	assert_int_equal(
	    csv_regular("states", fl_buf_cstr(&table(t, n, "states_not_contributed.csv")->data)),
	    1 + 5);
	HAS(fl_buf_cstr(&table(t, n, "report.csv")->data), "\n2025,UPRI,61,");
	fl_report_tables_free(t, n);
	fl_report_tables_free(NULL, 0);
	fx_free(f);
}

/* ---- streaming ---- */

/*
 * The longest single write of the writers but a finding's plain text: a line of the style
 * sheet, a table row, a heading. A piece passes FL_REPORT_PIECE by less than this unless the
 * write that reached it was a long run of text.
 */
#define LONGEST_WRITE 1024

typedef struct {
	fl_buf joined;
	size_t pieces, largest, last;
	size_t short_pieces; /* pieces, the last one aside, below FL_REPORT_PIECE */
	size_t long_pieces;  /* pieces past FL_REPORT_PIECE by LONGEST_WRITE or more */
	size_t fail_at;	     /* when not 0: the fail_at-th piece fails */
} sink_rec;

static int sink(void *ctx, const unsigned char *data, size_t len)
{
	sink_rec *s = ctx;
	if (++s->pieces == s->fail_at)
		return fl_error_set(FL_EIO, "disk full (test)");
	assert_true(len > 0);
	/* The piece before this one was not the last: it had to be full. */
	if (s->pieces > 1 && s->last < FL_REPORT_PIECE)
		s->short_pieces++;
	if (len >= FL_REPORT_PIECE + LONGEST_WRITE)
		s->long_pieces++;
	if (len > s->largest)
		s->largest = len;
	s->last = len;
	return fl_buf_put(&s->joined, data, len);
}

/* n bytes of s repeated, NUL-terminated; the caller frees it. */
static char *repeat(const char *s, size_t n)
{
	size_t k = strlen(s);
	char *p = malloc(n + 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = s[i % k];
	p[n] = 0;
	return p;
}

/*
 * fl_report_stream hands over exactly what fl_report_render writes, for every format, cut
 * after the first write that brings the piece to FL_REPORT_PIECE bytes: every piece but the
 * last holds at least FL_REPORT_PIECE, and passes it only by that write. Two long findings make
 * each document several pieces: one of markup characters (escaped in every format, so written
 * a few bytes at a time: its pieces are FL_REPORT_PIECE and a little), and one of plain text
 * (one write in HTML and JSON: at most one piece may be that much longer). A sink's error
 * stops the writing and is returned.
 */
static void test_stream(void **state)
{
	static const fl_report_format fmts[] = {FL_REPORT_HTML, FL_REPORT_MD, FL_REPORT_JSON};
	fx *f = fx_all();
	size_t n = 3 * FL_REPORT_PIECE;
	char *marked = repeat("Fell <5%> & \"rose\" *again*; ", n);
	char *plain = repeat("Contributions fell; ", n);
	(void)state;

	f->findings[0] = marked;
	f->findings[1] = plain;
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		fl_buf whole = FL_BUF_INIT;
		sink_rec s = {FL_BUF_INIT, 0, 0, 0, 0, 0, 0};
		assert_int_equal(fl_report_render(&whole, &f->r, fmts[k]), 0);
		assert_true(whole.len > 2 * n);
		assert_int_equal(fl_report_stream(&f->r, fmts[k], sink, &s), 0);
		assert_int_equal(s.joined.len, whole.len);
		assert_memory_equal(s.joined.data, whole.data, whole.len);
		assert_int_equal(s.short_pieces, 0);
		assert_in_range(s.long_pieces, 0, 1);
		assert_true(s.largest < FL_REPORT_PIECE + n + LONGEST_WRITE);
		assert_true(s.pieces <= whole.len / FL_REPORT_PIECE + 1);
		fl_buf_free(&s.joined);

		/* A failing sink: its code comes back, and nothing is handed over after it. */
		for (size_t at = 1; at <= 2; at++) {
			sink_rec bad = {FL_BUF_INIT, 0, 0, 0, 0, 0, at};
			assert_int_equal(fl_report_stream(&f->r, fmts[k], sink, &bad), FL_EIO);
			assert_int_equal(bad.pieces, at);
			fl_buf_free(&bad.joined);
		}
		fl_buf_free(&whole);
	}
	free(marked);
	free(plain);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_md_title_narrative),
	    cmocka_unit_test(test_md_statement),
	    cmocka_unit_test(test_md_pledges_states_bank),
	    cmocka_unit_test(test_md_integrity),
	    cmocka_unit_test(test_md_one_fund),
	    cmocka_unit_test(test_csv_tables),
	    cmocka_unit_test(test_csv_pledges_states_bank),
	    cmocka_unit_test(test_csv_empty),
	    cmocka_unit_test(test_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
