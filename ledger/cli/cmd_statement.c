/*
 * cmd_statement.c: fundledger statement import [--format text|csv|json] FILE. A camt.053 or
 * CSV bank statement (docs/STATEMENTS.md), checked and recorded in one batch: all of it or
 * nothing. The summary's machine fields are in docs/OUTPUT.md.
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

int cmd_statement(cli_ctx *ctx, int argc, char **argv)
{
	cli_format fmt = FMT_TEXT;
	fl_import_stats st;
	const char *file;
	int rc, err;
	if ((rc = cli_format_only(argc, argv, &fmt, 0)) != 0)
		return rc;
	if (argc - optind != 2 || strcmp(argv[optind], "import") != 0 ||
	    argv[optind + 1][0] == '-')
		return cli_usage_error("usage: statement import FILE");
	file = argv[optind + 1];
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_statements(&st, ctx->ledger, file, ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	if (fmt != FMT_TEXT) {
		cli_import_record(fmt, file, &st, 1);
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
