/*
 * cmd_statement.c: fundledger statement import FILE. A camt.053 or CSV bank statement
 * (docs/STATEMENTS.md), checked and recorded in one batch: all of it or nothing.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

int cmd_statement(cli_ctx *ctx, int argc, char **argv)
{
	fl_import_stats st;
	int err;
	if (argc != 3 || strcmp(argv[1], "import") != 0 || argv[2][0] == '-')
		return cli_usage_error("usage: statement import FILE");
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_statements(&st, ctx->ledger, argv[2], ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	printf("%s: %" PRIu64 " statement%s with %" PRIu64 " line%s, %" PRIu64 " new entr%s",
	       argv[2], st.statements, st.statements == 1 ? "" : "s", st.rows - st.statements,
	       st.rows - st.statements == 1 ? "" : "s", st.appended,
	       st.appended == 1 ? "y" : "ies");
	if (st.appended)
		printf(" (%" PRIu64 "-%" PRIu64 ")", st.first, st.last);
	printf(", %" PRIu64 " already recorded\n", st.replayed);
	return cli_finish_stdout();
}
