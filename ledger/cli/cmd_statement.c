/*
 * cmd_statement.c: fundledger statement import [--format text|csv|json] FILE. A camt.053 or
 * CSV bank statement (docs/STATEMENTS.md), checked and recorded in one batch: all of it or
 * nothing. The summary's machine fields are in docs/OUTPUT.md.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "output.h"

static const char *const FIELDS[] = {"file",      "statements", "lines",    "new_entries",
				     "first_seq", "last_seq",   "replayed", NULL};

int cmd_statement(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	cli_format fmt = FMT_TEXT;
	fl_import_stats st;
	const char *file;
	int c, err;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option(argc, argv);
		if ((err = cli_format_parse(&fmt, optarg, 0)) < 0)
			return cli_fail(err);
	}
	if (argc - optind != 2 || strcmp(argv[optind], "import") != 0 ||
	    argv[optind + 1][0] == '-')
		return cli_usage_error("usage: statement import FILE");
	file = argv[optind + 1];
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_statements(&st, ctx->ledger, file, ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	if (fmt != FMT_TEXT) {
		cli_table t;
		cli_table_begin(&t, stdout, fmt, FIELDS, 0);
		cli_table_row(&t);
		cli_table_str(&t, file);
		cli_table_u64(&t, st.statements, 0);
		cli_table_u64(&t, st.rows - st.statements, 0);
		cli_table_u64(&t, st.appended, 0);
		cli_table_u64(&t, st.first, 1);
		cli_table_u64(&t, st.last, 1);
		cli_table_u64(&t, st.replayed, 0);
		cli_table_end_row(&t);
		cli_table_end(&t);
		return cli_finish_stdout();
	}
	printf("%s: %" PRIu64 " statement%s with %" PRIu64 " line%s, %" PRIu64 " new entr%s",
	       file, st.statements, st.statements == 1 ? "" : "s", st.rows - st.statements,
	       st.rows - st.statements == 1 ? "" : "s", st.appended,
	       st.appended == 1 ? "y" : "ies");
	if (st.appended)
		printf(" (%" PRIu64 "-%" PRIu64 ")", st.first, st.last);
	printf(", %" PRIu64 " already recorded\n", st.replayed);
	return cli_finish_stdout();
}
