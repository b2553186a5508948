/*
 * cmd_import.c: fundledger import [--format text|csv|json] FILE.csv. One batch: all rows or
 * none. The summary's machine fields are in docs/OUTPUT.md.
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
	cli_format fmt = FMT_TEXT;
	fl_import_stats st;
	const char *file;
	int rc, err;
	if ((rc = cli_format_only(argc, argv, &fmt, 0)) != 0)
		return rc;
	if (argc - optind != 1 || argv[optind][0] == '-')
		return cli_usage_error("import takes one CSV file");
	file = argv[optind];
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_csv(&st, ctx->ledger, file, ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	if (fmt != FMT_TEXT) {
		cli_import_record(fmt, file, &st, 0);
		return cli_finish_stdout();
	}
	printf("%s: %" PRIu64 " row%s, %" PRIu64 " new entr%s", file, st.rows,
	       st.rows == 1 ? "" : "s", st.appended, st.appended == 1 ? "y" : "ies");
	if (st.appended)
		printf(" (%" PRIu64 "-%" PRIu64 ")", st.first, st.last);
	printf(", %" PRIu64 " already recorded\n", st.replayed);
	return cli_finish_stdout();
}
