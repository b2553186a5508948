/*
 * record.c: the option parser and flow shared by the single-entry write commands (pledge,
 * contribute, rate, reverse, writeoff). Each command names its kind; this file checks that
 * only the options of that kind are given, builds the entry and records it in one batch.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "record.h"

enum {
	O_DONOR = 'D',
	O_FUND = 'F',
	O_CURRENCY = 'C',
	O_AMOUNT = 'A',
	O_DATE = 't',
	O_YEARS = 'y',
	O_DUE = 'u',
	O_EARMARK = 'e',
	O_DONOR_REF = 'o',
	O_ANNOUNCEMENT = 'n',
	O_BANK_REF = 'b',
	O_PLEDGE = 'p',
	O_RATE = 'r',
	O_REASON = 'R',
	O_REF = 'k',
	O_ALL = 'a'
};

static const struct option OPTS[] = {
	{"donor", required_argument, NULL, O_DONOR},
	{"fund", required_argument, NULL, O_FUND},
	{"currency", required_argument, NULL, O_CURRENCY},
	{"amount", required_argument, NULL, O_AMOUNT},
	{"date", required_argument, NULL, O_DATE},
	{"years", required_argument, NULL, O_YEARS},
	{"due", required_argument, NULL, O_DUE},
	{"earmark", required_argument, NULL, O_EARMARK},
	{"donor-ref", required_argument, NULL, O_DONOR_REF},
	{"announcement", required_argument, NULL, O_ANNOUNCEMENT},
	{"bank-ref", required_argument, NULL, O_BANK_REF},
	{"pledge", required_argument, NULL, O_PLEDGE},
	{"rate", required_argument, NULL, O_RATE},
	{"reason", required_argument, NULL, O_REASON},
	{"ref", required_argument, NULL, O_REF},
	{"all", no_argument, NULL, O_ALL},
	{NULL, 0, NULL, 0},
};

/* Options each kind takes (upper case: required), and whether it takes a positional SEQ. */
typedef struct {
	const char *allowed;
	const char *required;
	int positional;
} kind_opts;

static const kind_opts KINDS[] = {
	[FL_KIND_PLEDGE] = {"DFCAtyueonk", "DFCAy", 0},
	[FL_KIND_CONTRIBUTION] = {"DFCAtbpk", "DFCAb", 0},
	[FL_KIND_RATE] = {"Crtk", "Crt", 0},
	[FL_KIND_REVERSAL] = {"Rk", "R", 1},
	[FL_KIND_WRITEOFF] = {"ARtka", "R", 1},
};

static const char *opt_name(int c)
{
	for (const struct option *o = OPTS; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

int cli_record(cli_ctx *ctx, int argc, char **argv, fl_kind kind)
{
	const char *v[128] = {0};
	const kind_opts *k = &KINDS[kind];
	fl_entry e;
	fl_append_status st;
	int c, err, all = 0;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == '?')
			return cli_bad_option(argc, argv);
		if (!strchr(k->allowed, c))
			return cli_usage_error("%s does not take --%s", argv[0], opt_name(c));
		if (c == O_ALL)
			all = 1;
		else
			v[c] = optarg;
	}
	for (const char *r = k->required; *r; r++)
		if (!v[(int)*r])
			return cli_usage_error("%s needs --%s (see 'fundledger help %s')", argv[0],
					       opt_name(*r), argv[0]);
	if (k->positional && argc - optind != 1)
		return cli_usage_error("%s takes one entry: a sequence number or ref", argv[0]);
	if (!k->positional && optind != argc)
		return cli_usage_error("%s: unexpected argument '%.40s'", argv[0], argv[optind]);

	fl_entry_init(&e);
	e.kind = kind;
	err = 0;
	if (v[O_CURRENCY] && fl_config_currency(ctx->cfg, v[O_CURRENCY]) == NULL)
		err = fl_error_set(FL_ENOTFOUND, "unknown currency '%.8s'", v[O_CURRENCY]);
	if (!err && v[O_DONOR] && fl_code_check(v[O_DONOR], strlen(v[O_DONOR])) < 0)
		err = fl_error_set(FL_EINVALID, "'%.40s' is not a donor code", v[O_DONOR]);
	if (!err && v[O_FUND] && fl_code_check(v[O_FUND], strlen(v[O_FUND])) < 0)
		err = fl_error_set(FL_EINVALID, "'%.40s' is not a fund code", v[O_FUND]);
	if (!err && v[O_DONOR])
		strcpy(e.donor, v[O_DONOR]);
	if (!err && v[O_FUND])
		strcpy(e.fund, v[O_FUND]);
	if (!err && v[O_CURRENCY])
		strcpy(e.currency, v[O_CURRENCY]);
	if (!err && v[O_AMOUNT] && kind == FL_KIND_WRITEOFF) {
		/* The write-off's currency is its pledge's; parse once that is known. */
	} else if (!err && v[O_AMOUNT]) {
		err = cli_amount(ctx, &e.amount, v[O_AMOUNT], e.currency);
	}
	if (!err && (kind == FL_KIND_PLEDGE || kind == FL_KIND_CONTRIBUTION ||
		     kind == FL_KIND_WRITEOFF))
		memcpy(e.date, ctx->today, sizeof(e.date));
	if (!err && v[O_DATE])
		err = cli_date(e.date, v[O_DATE], "date");
	if (!err && v[O_DUE])
		err = cli_date(e.due, v[O_DUE], "due date");
	if (!err && v[O_YEARS])
		err = fl_years_parse(&e, v[O_YEARS]);
	if (!err && v[O_EARMARK])
		err = cli_text(e.earmark, sizeof(e.earmark), v[O_EARMARK], "earmark");
	if (!err && v[O_DONOR_REF])
		err = cli_text(e.donor_ref, sizeof(e.donor_ref), v[O_DONOR_REF], "donor ref");
	if (!err && v[O_ANNOUNCEMENT])
		err = cli_text(e.announcement, sizeof(e.announcement), v[O_ANNOUNCEMENT],
			       "announcement");
	if (!err && v[O_BANK_REF])
		err = cli_text(e.bank_ref, sizeof(e.bank_ref), v[O_BANK_REF], "bank ref");
	if (!err && v[O_REASON])
		err = cli_text(e.reason, sizeof(e.reason), v[O_REASON], "reason");
	if (!err && v[O_REF])
		err = cli_text(e.idem, sizeof(e.idem), v[O_REF], "ref");
	if (!err && v[O_RATE] && fl_rate_parse(&e.rate, v[O_RATE], strlen(v[O_RATE])) < 0)
		err = fl_error_prefix("rate: ");
	if (!err && v[O_PLEDGE])
		err = cli_seq(ctx, &e.pledge, v[O_PLEDGE], "pledge");
	if (!err && kind == FL_KIND_REVERSAL)
		err = cli_seq(ctx, &e.target, argv[optind], "entry");
	if (!err && kind == FL_KIND_WRITEOFF)
		err = cli_seq(ctx, &e.pledge, argv[optind], "pledge");
	if (!err && kind == FL_KIND_WRITEOFF) {
		fl_entry p;
		if (all == !!v[O_AMOUNT])
			return cli_usage_error("writeoff needs exactly one of --amount and --all");
		if ((err = fl_ledger_get(ctx->ledger, e.pledge, &p, NULL, NULL)) == 0) {
			if (p.kind != FL_KIND_PLEDGE)
				err = fl_error_set(FL_EINVALID, "entry %llu is a %s, not a pledge",
						   (unsigned long long)e.pledge,
						   fl_kind_name(p.kind));
			else if (all)
				err = fl_ledger_remaining(ctx->ledger, e.pledge, &e.amount);
			else
				err = cli_amount(ctx, &e.amount, v[O_AMOUNT], p.currency);
			if (!err && all && e.amount == 0)
				err = fl_error_set(FL_EINVALID, "nothing is left to write off on "
								"pledge %llu",
						   (unsigned long long)e.pledge);
		}
	}
	if (err < 0 || (err = cli_signing_key(ctx)) < 0)
		return cli_fail(err);
	if (kind == FL_KIND_CONTRIBUTION && e.pledge) {
		/* The contribution and the match applying it to its pledge, in one batch. */
		fl_entry m;
		fl_append_status mst;
		if ((err = fl_ledger_begin(ctx->ledger, ctx->user, ctx->now)) < 0)
			return cli_fail(err);
		/* A replayed contribution is not matched again: its match was recorded with it,
		 * and if it has since been undone, that was a decision. */
		if ((err = fl_ledger_append(ctx->ledger, &e, &st)) < 0 ||
		    (st == FL_APPENDED &&
		     (err = fl_ledger_append_named(ctx->ledger, &e, &m, &mst)) < 0) ||
		    (err = fl_ledger_commit(ctx->ledger)) < 0) {
			fl_ledger_rollback(ctx->ledger);
			return cli_fail(err);
		}
		if ((err = cli_report_append(ctx, &e, st)) != 0)
			return err;
		return st == FL_REPLAYED ? 0 : cli_report_append(ctx, &m, mst);
	}
	if ((err = fl_ledger_record(ctx->ledger, &e, ctx->user, ctx->now, &st)) < 0)
		return cli_fail(err);
	return cli_report_append(ctx, &e, st);
}
