/*
 * cmd_import.c: fundledger import [--format text|csv|json] FILE.csv. One batch: all rows or
 * none. The summary's machine fields are in docs/OUTPUT.md.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "output.h"

static const char *const FIELDS[] = {"file",     "rows",     "new_entries", "first_seq",
				     "last_seq", "replayed", NULL};

int cmd_import(cli_ctx *ctx, int argc, char **argv)
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
	if (argc - optind != 1 || argv[optind][0] == '-')
		return cli_usage_error("import takes one CSV file");
	file = argv[optind];
	if ((err = cli_signing_key(ctx)) < 0 ||
	    (err = fl_import_csv(&st, ctx->ledger, file, ctx->user, ctx->now)) < 0)
		return cli_fail(err);
	if (fmt != FMT_TEXT) {
		cli_table t;
		cli_table_begin(&t, stdout, fmt, FIELDS, 0);
		cli_table_row(&t);
		cli_table_str(&t, file);
		cli_table_u64(&t, st.rows, 0);
		cli_table_u64(&t, st.appended, 0);
		cli_table_u64(&t, st.first, 1);
		cli_table_u64(&t, st.last, 1);
		cli_table_u64(&t, st.replayed, 0);
		cli_table_end_row(&t);
		cli_table_end(&t);
		return cli_finish_stdout();
	}
	printf("%s: %" PRIu64 " row%s, %" PRIu64 " new entr%s", file, st.rows,
	       st.rows == 1 ? "" : "s", st.appended, st.appended == 1 ? "y" : "ies");
	if (st.appended)
		printf(" (%" PRIu64 "-%" PRIu64 ")", st.first, st.last);
	printf(", %" PRIu64 " already recorded\n", st.replayed);
	return cli_finish_stdout();
}
