/*
 * cmd_import.c: fundledger import FILE.csv. One batch: all rows or none.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
	fl_import_stats st;
	int err;
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("import takes one CSV file");
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_csv(&st, ctx->ledger, argv[1], ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	printf("%s: %" PRIu64 " row%s, %" PRIu64 " new entr%s", argv[1], st.rows,
	       st.rows == 1 ? "" : "s", st.appended, st.appended == 1 ? "y" : "ies");
	if (st.appended)
		printf(" (%" PRIu64 "-%" PRIu64 ")", st.first, st.last);
	printf(", %" PRIu64 " already recorded\n", st.replayed);
	return cli_finish_stdout();
}
