/*
 * cmd_reconcile.c: fundledger reconcile [--fund F] [--donor D] [--as-of DATE]
 *                  [--format text|csv|json] [--apply]
 *
 * Prints both reconciliations (pledges against receipts, the bank against the ledger) as the
 * engine streams them, then the totals. Exits 1 when anything needs a decision, so a script
 * can gate on it. --apply first records the unambiguous proposals (one signed batch), then
 * reports on the result. Field names of the machine formats are in docs/OUTPUT.md; every JSON
 * object has all of its keys, null where a value does not apply.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "tty.h"

typedef struct {
	cli_ctx *ctx;
	cli_format fmt;
	const fl_reconcile_options *opt;
	int section;  /* text: the last heading printed; json: items written in this array */
	int first;
} out_ctx;

enum { SEC_NONE, SEC_PLEDGES, SEC_PROPOSALS, SEC_BANK };

static const char CSV_HEADER[] =
	"section,class,seq,counterpart,fund,donor,currency,date,other_date,amount,other_amount,"
	"pledged,paid,written_off,outstanding,overdue,received,applied,unapplied,usd_pledged,"
	"usd_paid,usd_written_off,usd_outstanding,usd_received,fx_difference,reason";
#define CSV_COLS 26

/* Plain or grouped money of a currency, into one of a few rotating buffers. */
static const char *money(const out_ctx *o, int64_t v, const char *ccy)
{
	/* A CSV row holds up to 16 amounts; each buffer lives until 32 more calls. */
	static char bufs[32][FL_MONEY_STR_MAX];
	static unsigned next;
	char *b = bufs[next++ % 32];
	cli_money(o->ctx, b, FL_MONEY_STR_MAX, v, ccy, o->fmt == FMT_TEXT);
	return b;
}

static const char *u64s(uint64_t v)
{
	static char bufs[4][24];
	static unsigned next;
	char *b = bufs[next++ % 4];
	if (v)
		snprintf(b, 24, "%" PRIu64, v);
	else
		b[0] = 0;
	return b;
}

/* One CSV row from (column index, value) pairs; the rest are empty. */
static void csv_row(const char *const cols[CSV_COLS])
{
	for (int i = 0; i < CSV_COLS; i++) {
		if (i)
			putchar(',');
		cli_csv_field(stdout, cols[i] ? cols[i] : "");
	}
	putchar('\n');
}

enum {
	C_SECTION, C_CLASS, C_SEQ, C_OTHER, C_FUND, C_DONOR, C_CCY, C_DATE, C_ODATE, C_AMOUNT,
	C_OAMOUNT, C_PLEDGED, C_PAID, C_WO, C_OUT, C_OVERDUE, C_RECEIVED, C_APPLIED, C_UNAPPLIED,
	C_UPLEDGED, C_UPAID, C_UWO, C_UOUT, C_URECEIVED, C_FX, C_REASON
};

static void json_key_str(const char *k, const char *v, int comma)
{
	if (comma)
		fputs(", ", stdout);
	putchar('"');
	fputs(k, stdout);
	fputs("\": ", stdout);
	cli_json_string(stdout, v);
}

static void json_key_raw(const char *k, const char *v)
{
	printf(", \"%s\": %s", k, v[0] ? v : "null");
}

static const char *const JSON_ARRAYS[] = {NULL, "pledges", "receipts", "bank"};

/* Moves to array `section`, writing the arrays before it (empty if nothing came), so every
 * document has all three. */
static void json_open_array(out_ctx *o, int section)
{
	while (o->section < section) {
		if (o->section != SEC_NONE)
			printf("%s]", o->first ? "" : "\n  ");
		o->section++;
		printf("%s\n  \"%s\": [", o->section == SEC_PLEDGES ? "" : ",",
		       JSON_ARRAYS[o->section]);
		o->first = 1;
	}
}

static void text_heading(out_ctx *o, int section)
{
	if (o->section == section)
		return;
	o->section = section;
	if (section == SEC_PLEDGES) {
		printf("\nPLEDGES (amounts in the pledge's currency)\n");
		printf("%6s  %-8s %-5s %-3s %18s %18s %15s %18s %18s  %-10s  %s\n", "SEQ", "DONOR",
		       "FUND", "CCY", "PLEDGED", "PAID", "WRITTEN OFF", "OUTSTANDING", "OVERDUE",
		       "NEXT DUE", "STATUS");
	} else if (section == SEC_PROPOSALS) {
		printf("\nRECEIPTS NOT YET APPLIED TO PLEDGES\n");
	} else if (section == SEC_BANK) {
		printf("\nBANK LINES AND CONTRIBUTIONS THAT NEED A DECISION\n");
	}
}

static int on_pledge(void *p, const fl_pledge_report *r)
{
	out_ctx *o = p;
	const fl_entry *e = r->pledge;
	const char *ccy = e->currency;
	if (o->fmt == FMT_TEXT) {
		text_heading(o, SEC_PLEDGES);
		/* Colour, on a terminal, for what calls for a reminder to the donor. */
		int late = r->status == FL_PLEDGE_OVERDUE;
		printf("%6" PRIu64 "  %-8s %-5s %-3s %18s %18s %15s %18s %18s  %-10s  %s%s%s", r->seq,
		       e->donor, e->fund, ccy, money(o, r->pledged, ccy), money(o, r->paid, ccy),
		       money(o, r->written_off, ccy), money(o, r->outstanding, ccy),
		       money(o, r->overdue, ccy), r->next_due[0] ? r->next_due : "-",
		       late ? cli_sgr(stdout, CLI_SGR_RED) : "", fl_pledge_status_name(r->status),
		       late ? cli_sgr(stdout, CLI_SGR_RESET) : "");
		if (r->reversed_by)
			printf(" by %" PRIu64, r->reversed_by);
		putchar('\n');
	} else if (o->fmt == FMT_CSV) {
		const char *c[CSV_COLS] = {0};
		c[C_SECTION] = "pledge";
		c[C_CLASS] = fl_pledge_status_name(r->status);
		c[C_SEQ] = u64s(r->seq);
		c[C_OTHER] = u64s(r->reversed_by);
		c[C_FUND] = e->fund;
		c[C_DONOR] = e->donor;
		c[C_CCY] = ccy;
		c[C_DATE] = e->date;
		c[C_ODATE] = r->next_due;
		c[C_PLEDGED] = money(o, r->pledged, ccy);
		c[C_PAID] = money(o, r->paid, ccy);
		c[C_WO] = money(o, r->written_off, ccy);
		c[C_OUT] = money(o, r->outstanding, ccy);
		c[C_OVERDUE] = money(o, r->overdue, ccy);
		if (r->usd_known) {
			c[C_UPLEDGED] = money(o, r->usd_pledged, "USD");
			c[C_UPAID] = money(o, r->usd_paid, "USD");
			c[C_UWO] = money(o, r->usd_written_off, "USD");
			c[C_UOUT] = money(o, r->usd_outstanding, "USD");
			c[C_URECEIVED] = money(o, r->usd_received, "USD");
			c[C_FX] = money(o, r->fx_difference, "USD");
		}
		csv_row(c);
	} else {
		json_open_array(o, SEC_PLEDGES);
		printf("%s\n    {", o->first ? "" : ",");
		o->first = 0;
		printf("\"seq\": %" PRIu64, r->seq);
		json_key_str("status", fl_pledge_status_name(r->status), 1);
		json_key_raw("reversed_by", u64s(r->reversed_by));
		json_key_str("fund", e->fund, 1);
		json_key_str("donor", e->donor, 1);
		json_key_str("currency", ccy, 1);
		json_key_str("date", e->date, 1);
		if (e->announcement[0])
			json_key_str("announcement", e->announcement, 1);
		else
			json_key_raw("announcement", "");
		printf(", \"years\": [");
		for (size_t i = 0; i < e->n_years; i++)
			printf("%s%u", i ? ", " : "", e->years[i]);
		printf("]");
		if (r->next_due[0])
			json_key_str("next_due", r->next_due, 1);
		else
			json_key_raw("next_due", "");
		json_key_str("pledged", money(o, r->pledged, ccy), 1);
		json_key_str("paid", money(o, r->paid, ccy), 1);
		json_key_str("written_off", money(o, r->written_off, ccy), 1);
		json_key_str("outstanding", money(o, r->outstanding, ccy), 1);
		json_key_str("overdue", money(o, r->overdue, ccy), 1);
		printf(", \"matches\": %" PRIu64, r->matches);
		if (r->usd_known) {
			json_key_str("usd_pledged", money(o, r->usd_pledged, "USD"), 1);
			json_key_str("usd_paid", money(o, r->usd_paid, "USD"), 1);
			json_key_str("usd_written_off", money(o, r->usd_written_off, "USD"), 1);
			json_key_str("usd_outstanding", money(o, r->usd_outstanding, "USD"), 1);
			json_key_str("usd_received", money(o, r->usd_received, "USD"), 1);
			json_key_str("fx_difference", money(o, r->fx_difference, "USD"), 1);
		} else {
			static const char *const usd[] = {"usd_pledged",     "usd_paid",
							  "usd_written_off", "usd_outstanding",
							  "usd_received",    "fx_difference"};
			for (size_t i = 0; i < sizeof(usd) / sizeof(usd[0]); i++)
				json_key_raw(usd[i], "");
		}
		putchar('}');
	}
	return 0;
}

static void pledge_list(char *out, size_t n, const fl_proposal *p, int with_amounts,
			const out_ctx *o)
{
	size_t at = 0;
	out[0] = 0;
	for (size_t i = 0; i < p->n && at + 64 < n; i++) {
		if (with_amounts)
			at += (size_t)snprintf(out + at, n - at, "%s%" PRIu64 ":%s", i ? ";" : "",
					       p->pledges[i], money(o, p->amounts[i], p->currency));
		else
			at += (size_t)snprintf(out + at, n - at, "%s%" PRIu64, i ? ";" : "",
					       p->pledges[i]);
	}
}

static int on_proposal(void *p, const fl_proposal *r)
{
	out_ctx *o = p;
	char list[FL_RECONCILE_SPLIT_MAX * 64];
	int applies = r->rule != FL_RULE_AMBIGUOUS && r->rule != FL_RULE_NONE;
	pledge_list(list, sizeof(list), r, applies, o);
	if (o->fmt == FMT_TEXT) {
		text_heading(o, SEC_PROPOSALS);
		printf("  contribution %" PRIu64 " (%s to %s, %s %s, %s): ", r->contribution,
		       r->donor, r->fund, r->currency, money(o, r->amount, r->currency), r->date);
		/* A proposal or an ambiguity needs a decision: yellow on a colour terminal. */
		const char *on = cli_sgr(stdout, CLI_SGR_YELLOW), *off = cli_sgr(stdout, CLI_SGR_RESET);
		if (r->rule == FL_RULE_NONE)
			printf("matches no pledge: %s\n", r->reason);
		else if (r->rule == FL_RULE_AMBIGUOUS)
			printf("%sambiguous%s, pledges %s: %s; decide with 'fundledger match'\n", on,
			       off, list, r->reason);
		else
			printf("%spropose%s %s -> pledge %s [%s: %s]\n", on, off,
			       r->n == 1 ? money(o, r->amounts[0], r->currency) : "split", list,
			       fl_match_rule_name(r->rule), r->reason);
	} else if (o->fmt == FMT_CSV) {
		const char *c[CSV_COLS] = {0};
		c[C_SECTION] = "receipt";
		c[C_CLASS] = fl_match_rule_name(r->rule);
		c[C_SEQ] = u64s(r->contribution);
		c[C_OTHER] = list;
		c[C_FUND] = r->fund;
		c[C_DONOR] = r->donor;
		c[C_CCY] = r->currency;
		c[C_DATE] = r->date;
		c[C_AMOUNT] = money(o, r->amount, r->currency);
		c[C_REASON] = r->reason;
		csv_row(c);
	} else {
		json_open_array(o, SEC_PROPOSALS);
		printf("%s\n    {", o->first ? "" : ",");
		o->first = 0;
		printf("\"contribution\": %" PRIu64, r->contribution);
		json_key_str("rule", fl_match_rule_name(r->rule), 1);
		json_key_str("fund", r->fund, 1);
		json_key_str("donor", r->donor, 1);
		json_key_str("currency", r->currency, 1);
		json_key_str("date", r->date, 1);
		json_key_str("unapplied", money(o, r->amount, r->currency), 1);
		printf(", \"pledges\": [");
		for (size_t i = 0; i < r->n; i++) {
			printf("%s{\"pledge\": %" PRIu64, i ? ", " : "", r->pledges[i]);
			if (applies)
				json_key_str("amount", money(o, r->amounts[i], r->currency), 1);
			else
				json_key_raw("amount", "");
			putchar('}');
		}
		printf("]");
		json_key_str("reason", r->reason, 1);
		putchar('}');
	}
	return 0;
}

static int on_bank(void *p, const fl_bank_item *b)
{
	out_ctx *o = p;
	const char *ccy = b->currency;
	if (o->fmt == FMT_TEXT) {
		text_heading(o, SEC_BANK);
		/* Every class here but "other" needs a decision: yellow on a colour terminal. */
		int decide = b->cls != FL_BANK_OTHER;
		printf("  %s%-11s%s ", decide ? cli_sgr(stdout, CLI_SGR_YELLOW) : "",
		       fl_bank_class_name(b->cls), decide ? cli_sgr(stdout, CLI_SGR_RESET) : "");
		if (b->line)
			printf("line %" PRIu64 " (%s, %s %s, %s)", b->line, b->ref, ccy,
			       money(o, b->line_amount, ccy), b->line_date);
		if (b->line && b->contribution)
			printf(" ~ ");
		if (b->contribution)
			printf("contribution %" PRIu64 " (%s, %s %s, %s)", b->contribution, b->donor,
			       ccy, money(o, b->ledger_amount, ccy), b->ledger_date);
		printf(": %s\n", b->reason);
	} else if (o->fmt == FMT_CSV) {
		const char *c[CSV_COLS] = {0};
		c[C_SECTION] = "bank";
		c[C_CLASS] = fl_bank_class_name(b->cls);
		c[C_SEQ] = u64s(b->line);
		c[C_OTHER] = u64s(b->contribution);
		c[C_DONOR] = b->donor;
		c[C_CCY] = ccy;
		c[C_DATE] = b->line_date;
		c[C_ODATE] = b->ledger_date;
		c[C_AMOUNT] = b->line ? money(o, b->line_amount, ccy) : "";
		c[C_OAMOUNT] = b->contribution ? money(o, b->ledger_amount, ccy) : "";
		c[C_REASON] = b->reason;
		csv_row(c);
	} else {
		json_open_array(o, SEC_BANK);
		printf("%s\n    {", o->first ? "" : ",");
		o->first = 0;
		json_key_str("class", fl_bank_class_name(b->cls), 0);
		json_key_raw("line", u64s(b->line));
		json_key_raw("contribution", u64s(b->contribution));
		json_key_raw("bankmatch", u64s(b->bankmatch));
		json_key_str("currency", ccy, 1);
		if (b->line) {
			json_key_str("line_amount", money(o, b->line_amount, ccy), 1);
			json_key_str("line_date", b->line_date, 1);
			json_key_str("ref", b->ref, 1);
			json_key_str("debtor", b->debtor, 1);
		} else {
			json_key_raw("line_amount", "");
			json_key_raw("line_date", "");
			json_key_raw("ref", "");
			json_key_raw("debtor", "");
		}
		if (b->contribution) {
			json_key_str("ledger_amount", money(o, b->ledger_amount, ccy), 1);
			json_key_str("ledger_date", b->ledger_date, 1);
			json_key_str("donor", b->donor, 1);
		} else {
			json_key_raw("ledger_amount", "");
			json_key_raw("ledger_date", "");
			json_key_raw("donor", "");
		}
		json_key_str("reason", b->reason, 1);
		putchar('}');
	}
	return 0;
}

static void text_totals(out_ctx *o, const fl_reconcile_totals *t)
{
	printf("\nTOTALS BY CURRENCY (pledged = paid + written off + outstanding)\n");
	printf("  %-3s %18s %18s %15s %18s %18s %18s %18s %18s\n", "CCY", "PLEDGED", "PAID",
	       "WRITTEN OFF", "OUTSTANDING", "OVERDUE", "RECEIVED", "APPLIED", "UNAPPLIED");
	for (size_t i = 0; i < t->n_ccy; i++) {
		const fl_currency_totals *c = &t->ccy[i];
		const char *k = c->currency;
		printf("  %-3s %18s %18s %15s %18s %18s %18s %18s %18s\n", k, money(o, c->pledged, k),
		       money(o, c->paid, k), money(o, c->written_off, k),
		       money(o, c->outstanding, k), money(o, c->overdue, k),
		       money(o, c->received, k), money(o, c->applied, k), money(o, c->unapplied, k));
	}
	printf("  USD at pledge-date rates: pledged %s = paid %s + written off %s + outstanding "
	       "%s; overdue %s\n",
	       money(o, t->usd_pledged, "USD"), money(o, t->usd_paid, "USD"),
	       money(o, t->usd_written_off, "USD"), money(o, t->usd_outstanding, "USD"),
	       money(o, t->usd_overdue, "USD"));
	printf("  USD received and applied: %s at value-date rates; realised exchange "
	       "difference %s\n",
	       money(o, t->usd_received_applied, "USD"), money(o, t->fx_difference, "USD"));
	printf("  USD received, not yet applied: %s\n", money(o, t->usd_unapplied, "USD"));
	if (t->pledges_without_rate)
		printf("  %" PRIu64 " pledge%s had no UN rate in force on its date: left out of "
		       "the USD figures\n",
		       t->pledges_without_rate, t->pledges_without_rate == 1 ? "" : "s");
	printf("  pledges: %" PRIu64 " open, %" PRIu64 " partially paid, %" PRIu64 " paid, %" PRIu64
	       " overpaid, %" PRIu64 " overdue, %" PRIu64 " written off, %" PRIu64 " reversed\n",
	       t->by_status[FL_PLEDGE_OPEN], t->by_status[FL_PLEDGE_PARTIAL],
	       t->by_status[FL_PLEDGE_PAID], t->by_status[FL_PLEDGE_OVERPAID],
	       t->by_status[FL_PLEDGE_OVERDUE], t->by_status[FL_PLEDGE_WRITTEN_OFF],
	       t->by_status[FL_PLEDGE_REVERSED]);
	printf("  receipts: %" PRIu64 " proposed, %" PRIu64 " ambiguous, %" PRIu64
	       " matching no pledge\n",
	       t->proposals, t->ambiguous, t->unpledged);
	printf("  bank: %" PRIu64 " statement%s; %" PRIu64 " line%s matched; %" PRIu64
	       " proposed, %" PRIu64 " ambiguous, %" PRIu64 " only in the bank, %" PRIu64
	       " only in the ledger, %" PRIu64 " with differences, %" PRIu64 " not contributions\n",
	       t->statements, t->statements == 1 ? "" : "s", t->bank_matched,
	       t->bank_matched == 1 ? "" : "s", t->bank_proposed,
	       t->bank_ambiguous, t->bank_only, t->ledger_only, t->bank_differences,
	       t->bank_other);
	if (t->discrepancies)
		printf("\n%s%" PRIu64 " item%s need%s a decision%s\n", cli_sgr(stdout, CLI_SGR_YELLOW),
		       t->discrepancies, t->discrepancies == 1 ? "" : "s",
		       t->discrepancies == 1 ? "s" : "", cli_sgr(stdout, CLI_SGR_RESET));
	else
		printf("\n%sReconciled%s: nothing needs a decision\n", cli_sgr(stdout, CLI_SGR_GREEN),
		       cli_sgr(stdout, CLI_SGR_RESET));
}

static void csv_totals(out_ctx *o, const fl_reconcile_totals *t)
{
	char n[24];
	for (size_t i = 0; i < t->n_ccy; i++) {
		const fl_currency_totals *c = &t->ccy[i];
		const char *k = c->currency;
		const char *col[CSV_COLS] = {0};
		col[C_SECTION] = "total";
		col[C_CCY] = k;
		col[C_PLEDGED] = money(o, c->pledged, k);
		col[C_PAID] = money(o, c->paid, k);
		col[C_WO] = money(o, c->written_off, k);
		col[C_OUT] = money(o, c->outstanding, k);
		col[C_OVERDUE] = money(o, c->overdue, k);
		col[C_RECEIVED] = money(o, c->received, k);
		col[C_APPLIED] = money(o, c->applied, k);
		col[C_UNAPPLIED] = money(o, c->unapplied, k);
		csv_row(col);
	}
	{
		const char *col[CSV_COLS] = {0};
		col[C_SECTION] = "total";
		col[C_CLASS] = "usd";
		col[C_CCY] = "USD";
		col[C_UPLEDGED] = money(o, t->usd_pledged, "USD");
		col[C_UPAID] = money(o, t->usd_paid, "USD");
		col[C_UWO] = money(o, t->usd_written_off, "USD");
		col[C_UOUT] = money(o, t->usd_outstanding, "USD");
		col[C_OVERDUE] = money(o, t->usd_overdue, "USD");
		col[C_URECEIVED] = money(o, t->usd_received_applied, "USD");
		col[C_FX] = money(o, t->fx_difference, "USD");
		col[C_UNAPPLIED] = money(o, t->usd_unapplied, "USD");
		csv_row(col);
	}
	{
		const char *col[CSV_COLS] = {0};
		snprintf(n, sizeof(n), "%" PRIu64, t->discrepancies);
		col[C_SECTION] = "summary";
		col[C_CLASS] = "discrepancies";
		col[C_AMOUNT] = n;
		col[C_DATE] = t->as_of;
		csv_row(col);
	}
}

static void json_totals(out_ctx *o, const fl_reconcile_totals *t)
{
	json_open_array(o, SEC_BANK);
	printf("%s],", o->first ? "" : "\n  ");
	printf("\n  \"totals\": {\"currencies\": [");
	for (size_t i = 0; i < t->n_ccy; i++) {
		const fl_currency_totals *c = &t->ccy[i];
		const char *k = c->currency;
		printf("%s\n    {", i ? "," : "");
		json_key_str("currency", k, 0);
		printf(", \"pledges\": %" PRIu64, c->pledges);
		json_key_str("pledged", money(o, c->pledged, k), 1);
		json_key_str("paid", money(o, c->paid, k), 1);
		json_key_str("written_off", money(o, c->written_off, k), 1);
		json_key_str("outstanding", money(o, c->outstanding, k), 1);
		json_key_str("overdue", money(o, c->overdue, k), 1);
		json_key_str("received", money(o, c->received, k), 1);
		json_key_str("applied", money(o, c->applied, k), 1);
		json_key_str("unapplied", money(o, c->unapplied, k), 1);
		putchar('}');
	}
	printf("],\n    \"usd\": {");
	json_key_str("pledged", money(o, t->usd_pledged, "USD"), 0);
	json_key_str("paid", money(o, t->usd_paid, "USD"), 1);
	json_key_str("written_off", money(o, t->usd_written_off, "USD"), 1);
	json_key_str("outstanding", money(o, t->usd_outstanding, "USD"), 1);
	json_key_str("overdue", money(o, t->usd_overdue, "USD"), 1);
	json_key_str("received_applied", money(o, t->usd_received_applied, "USD"), 1);
	json_key_str("fx_difference", money(o, t->fx_difference, "USD"), 1);
	json_key_str("unapplied", money(o, t->usd_unapplied, "USD"), 1);
	printf(", \"pledges_without_rate\": %" PRIu64 "},", t->pledges_without_rate);
	printf("\n    \"pledges\": {");
	for (int s = FL_PLEDGE_OPEN; s <= FL_PLEDGE_REVERSED; s++) {
		printf("%s\"", s == FL_PLEDGE_OPEN ? "" : ", ");
		for (const char *c = fl_pledge_status_name((fl_pledge_status)s); *c; c++)
			putchar(*c == ' ' ? '_' : *c);
		printf("\": %" PRIu64, t->by_status[s]);
	}
	printf("},\n    \"receipts\": {\"proposed\": %" PRIu64 ", \"ambiguous\": %" PRIu64
	       ", \"unpledged\": %" PRIu64 "},",
	       t->proposals, t->ambiguous, t->unpledged);
	printf("\n    \"bank\": {\"statements\": %" PRIu64 ", \"matched\": %" PRIu64
	       ", \"proposed\": %" PRIu64 ", \"ambiguous\": %" PRIu64 ", \"bank_only\": %" PRIu64
	       ", \"ledger_only\": %" PRIu64 ", \"differences\": %" PRIu64 ", \"other\": %" PRIu64
	       "}},",
	       t->statements, t->bank_matched, t->bank_proposed, t->bank_ambiguous, t->bank_only,
	       t->ledger_only, t->bank_differences, t->bank_other);
	printf("\n  \"discrepancies\": %" PRIu64 "\n}\n", t->discrepancies);
}

int cmd_reconcile(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"fund", required_argument, NULL, 'f'},	  {"donor", required_argument, NULL, 'd'},
		{"as-of", required_argument, NULL, 'a'}, {"format", required_argument, NULL, 'o'},
		{"apply", no_argument, NULL, 'A'},	  {NULL, 0, NULL, 0}};
	fl_reconcile_options opt;
	fl_reconcile_totals t;
	out_ctx o;
	fl_reconcile_visitor v = {on_pledge, on_proposal, on_bank, &o, NULL};
	int c, apply = 0, err, rc;

	memset(&opt, 0, sizeof(opt));
	memset(&o, 0, sizeof(o));
	o.ctx = ctx;
	o.fmt = FMT_TEXT;
	o.opt = &opt;
	strcpy(opt.as_of, ctx->today);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': opt.fund = optarg; break;
		case 'd': opt.donor = optarg; break;
		case 'a':
			if ((err = cli_date(opt.as_of, optarg, "--as-of")) < 0)
				return cli_fail(err);
			break;
		case 'o':
			if ((err = cli_format_parse(&o.fmt, optarg, 0)) < 0)
				return cli_fail(err);
			break;
		case 'A': apply = 1; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("reconcile takes no operands");
	/* Refuse unknown codes before printing anything, so stdout is never half a document. */
	if (opt.fund && !fl_config_fund(ctx->cfg, opt.fund))
		return cli_fail(fl_error_set(FL_ENOTFOUND, "unknown fund '%.40s'", opt.fund));
	if (opt.donor && !fl_config_donor(ctx->cfg, opt.donor))
		return cli_fail(fl_error_set(FL_ENOTFOUND, "unknown donor '%.40s'", opt.donor));
	if ((rc = cli_open_ledger(ctx, !apply)) != 0)
		return rc;
	if (apply) {
		fl_apply_result ar;
		if ((err = cli_signing_key(ctx)) < 0 ||
		    (err = fl_reconcile_apply(&ar, ctx->ledger, &opt, ctx->user, ctx->now)) < 0)
			return cli_fail(err);
		/* In the machine formats, this line goes to stderr to keep stdout one document. */
		fprintf(o.fmt == FMT_TEXT ? stdout : stderr,
			"applied %" PRIu64 " match%s and %" PRIu64 " bank match%s", ar.matches,
			ar.matches == 1 ? "" : "es", ar.bankmatches, ar.bankmatches == 1 ? "" : "es");
		if (ar.first)
			fprintf(o.fmt == FMT_TEXT ? stdout : stderr, " (entries %" PRIu64 "-%" PRIu64 ")",
				ar.first, ar.last);
		fputc('\n', o.fmt == FMT_TEXT ? stdout : stderr);
	}
	if (o.fmt == FMT_TEXT)
		printf("Reconciliation as of %s; fund %s; donor %s\n", opt.as_of,
		       opt.fund ? opt.fund : "all", opt.donor ? opt.donor : "all");
	else if (o.fmt == FMT_CSV)
		printf("%s\n", CSV_HEADER);
	else {
		printf("{\n  \"as_of\": \"%s\", \"fund\": ", opt.as_of);
		if (opt.fund)
			cli_json_string(stdout, opt.fund);
		else
			printf("null");
		printf(", \"donor\": ");
		if (opt.donor)
			cli_json_string(stdout, opt.donor);
		else
			printf("null");
		putchar(',');
	}
	if ((err = fl_reconcile(&t, ctx->ledger, &opt, &v)) < 0) {
		fflush(stdout);
		return cli_fail(err);
	}
	if (o.fmt == FMT_TEXT)
		text_totals(&o, &t);
	else if (o.fmt == FMT_CSV)
		csv_totals(&o, &t);
	else
		json_totals(&o, &t);
	if ((rc = cli_finish_stdout()) != 0)
		return rc;
	return t.discrepancies ? EXIT_CHECK : EXIT_OK;
}
