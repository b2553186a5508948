/*
 * cmd_match.c: fundledger match and unmatch, the treasurer's own matching decisions.
 *
 *   match CONTRIBUTION PLEDGE [--amount A] [--reason TEXT]   (either order)
 *   match LINE CONTRIBUTION [--reason TEXT]                   (either order)
 *   unmatch MATCH | unmatch A B [--reason TEXT]
 *
 * A match is a `match` or `bankmatch` entry; unmatching reverses it. Both are signed and
 * chained like every entry.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"

static const struct option OPTS[] = {
	{"amount", required_argument, NULL, 'a'},
	{"reason", required_argument, NULL, 'r'},
	{NULL, 0, NULL, 0},
};

/* Parses the options shared by both commands; the operands start at optind. */
static int parse(int argc, char **argv, const char **amount, const char **reason, int allow_amount)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'a' && allow_amount)
			*amount = optarg;
		else if (c == 'r')
			*reason = optarg;
		else
			return cli_bad_option(argc, argv);
	}
	return 0;
}

static int kind_of(cli_ctx *ctx, uint64_t seq, fl_entry *out)
{
	return fl_ledger_get(ctx->ledger, seq, out, NULL, NULL);
}

int cmd_match(cli_ctx *ctx, int argc, char **argv)
{
	const char *amount = NULL, *reason = NULL;
	uint64_t a, b;
	fl_entry x, y, e;
	fl_append_status st;
	int err, rc;

	if ((rc = parse(argc, argv, &amount, &reason, 1)) != 0)
		return rc;
	if (argc - optind != 2)
		return cli_usage_error("match takes two entries: CONTRIBUTION PLEDGE, or LINE "
				       "CONTRIBUTION");
	if ((err = cli_seq(ctx, &a, argv[optind], "entry")) < 0 ||
	    (err = cli_seq(ctx, &b, argv[optind + 1], "entry")) < 0 ||
	    (err = kind_of(ctx, a, &x)) < 0 || (err = kind_of(ctx, b, &y)) < 0)
		return cli_fail(err);
	fl_entry_init(&e);
	if ((x.kind == FL_KIND_PLEDGE && y.kind == FL_KIND_CONTRIBUTION) ||
	    (x.kind == FL_KIND_CONTRIBUTION && y.kind == FL_KIND_BANKLINE)) {
		fl_entry t = x;
		x = y;
		y = t;
	}
	if (x.kind == FL_KIND_CONTRIBUTION && y.kind == FL_KIND_PLEDGE) {
		e.kind = FL_KIND_MATCH;
		e.contribution = x.seq;
		e.pledge = y.seq;
		if (amount)
			err = cli_amount(ctx, &e.amount, amount, x.currency);
		else if ((err = fl_ledger_unapplied(ctx->ledger, x.seq, &e.amount)) == 0 &&
			 e.amount <= 0)
			err = fl_error_set(FL_EINVALID, "contribution %" PRIu64 " is already applied "
							"in full",
					   x.seq);
	} else if (x.kind == FL_KIND_BANKLINE && y.kind == FL_KIND_CONTRIBUTION) {
		if (amount)
			return cli_usage_error("--amount is for matching a contribution to a pledge");
		e.kind = FL_KIND_BANKMATCH;
		e.line = x.seq;
		e.contribution = y.seq;
	} else {
		return cli_usage_error("entries %" PRIu64 " (%s) and %" PRIu64 " (%s) are not a "
				       "contribution and a pledge, nor a bank line and a contribution",
				       a, fl_kind_name(x.kind), b, fl_kind_name(y.kind));
	}
	if (err == 0)
		err = cli_text(e.reason, sizeof(e.reason), reason ? reason : "matched by hand",
			       "reason");
	if (err < 0 || (err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_ledger_record(ctx->ledger, &e, ctx->user, ctx->now, &st)) < 0)
		return cli_fail(err);
	return cli_report_append(ctx, &e, st);
}

int cmd_unmatch(cli_ctx *ctx, int argc, char **argv)
{
	const char *amount = NULL, *reason = NULL;
	uint64_t a, b, found[64];
	fl_append_status sts[64];
	size_t n = 0;
	fl_entry x, e;
	fl_append_status st;
	int err, rc;

	if ((rc = parse(argc, argv, &amount, &reason, 0)) != 0)
		return rc;
	if (argc - optind != 1 && argc - optind != 2)
		return cli_usage_error("unmatch takes a match entry, or the two entries it matched");
	if ((err = cli_seq(ctx, &a, argv[optind], "entry")) < 0)
		return cli_fail(err);
	if (argc - optind == 1) {
		if ((err = kind_of(ctx, a, &x)) < 0)
			return cli_fail(err);
		if (x.kind != FL_KIND_MATCH && x.kind != FL_KIND_BANKMATCH)
			return cli_usage_error("entry %" PRIu64 " is a %s, not a match", a,
					       fl_kind_name(x.kind));
		found[n++] = a;
	} else {
		if ((err = cli_seq(ctx, &b, argv[optind + 1], "entry")) < 0 ||
		    (err = fl_ledger_standing_matches(ctx->ledger, a, b, found, 64, &n)) < 0)
			return cli_fail(err);
		if (n == 0)
			return cli_fail(fl_error_set(FL_ENOTFOUND, "no standing match between "
								  "entries %" PRIu64 " and %" PRIu64,
						     a, b));
	}
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_ledger_begin(ctx->ledger, ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	for (size_t i = 0; i < n; i++) {
		fl_entry_init(&e);
		e.kind = FL_KIND_REVERSAL;
		e.target = found[i];
		if ((err = cli_text(e.reason, sizeof(e.reason), reason ? reason : "unmatched by hand",
				    "reason")) < 0 ||
		    (err = fl_ledger_append(ctx->ledger, &e, &st)) < 0) {
			fl_ledger_rollback(ctx->ledger);
			return cli_fail(err);
		}
		found[i] = e.seq;
		sts[i] = st;
	}
	if ((err = fl_ledger_commit(ctx->ledger)) < 0)
		return cli_fail(err);
	for (size_t i = 0; i < n; i++) {
		if ((err = fl_ledger_get(ctx->ledger, found[i], &e, NULL, NULL)) < 0)
			return cli_fail(err);
		if ((rc = cli_report_append(ctx, &e, sts[i])) != 0)
			return rc;
	}
	return 0;
}
