/*
 * cmd_export.c: fundledger export [--format bundle|ledger|hledger|beancount] --out DIR|FILE.
 *
 * bundle (the default) writes the directory that 'verify --bundle' checks with no database:
 * entries, checkpoints with cosignatures, keys and a manifest (audit.h). The journal formats
 * write the ledger as a double-entry journal for Ledger, hledger or Beancount (journal.h,
 * docs/JOURNAL.md) to FILE, which must not exist: it is written beside it, synced and linked
 * into place, so a reader never sees half a journal; "-" writes it to standard output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tty.h"

int cmd_export(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'F'},
					     {NULL, 0, NULL, 0}};
	const char *out = NULL, *format = "bundle";
	fl_journal_format fmt = 0;
	fl_journal_stats st;
	struct stat sb;
	cli_out_file f;
	uint64_t n = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'F': format = optarg; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("export: unexpected argument '%.40s'", argv[optind]);
	if (strcmp(format, "bundle") != 0 && fl_journal_format_parse(&fmt, format) < 0)
		return cli_usage_error("--format '%.20s' is not bundle, ledger, hledger or beancount",
				       format);
	if (!fmt) {
		if (!out)
			return cli_usage_error("export needs --out DIR (a directory that does not "
					       "exist)");
		if ((err = fl_audit_export(ctx->ledger, out, &n)) < 0)
			return cli_fail(err);
		printf("exported %" PRIu64 " entries to %s\n", n, out);
		return cli_finish_stdout();
	}

	if (!out)
		return cli_usage_error("export --format %s needs --out FILE (a new file, or - for "
				       "standard output)", format);
	if (strcmp(out, "-") == 0) {
		cli_progress_begin("export", "entries", 1); /* not amid the journal on a terminal */
		if ((err = fl_journal_write(&st, ctx->ledger, fmt, cli_stdout_write, NULL)) < 0)
			return cli_fail(err);
		return cli_finish_stdout();
	}
	/* Checked first, so that nothing is computed for a file that would be refused; the
	 * link at the end refuses one that appears meanwhile. */
	if (lstat(out, &sb) == 0)
		return S_ISDIR(sb.st_mode)
			       ? cli_usage_error("--out %s is a directory: a %s journal is one file",
						 out, format)
			       : cli_usage_error("--out %s already exists", out);
	if (errno != ENOENT)
		return cli_fail(fl_error_set(FL_EIO, "%s: %s", out, strerror(errno)));
	if ((err = cli_out_open(&f, out)) < 0 ||
	    (err = cli_out_close(&f, fl_journal_write(&st, ctx->ledger, fmt, cli_out_write, &f),
				 0)) < 0)
		return cli_fail(err);
	printf("exported %" PRIu64 " entries to %s (%s journal: %" PRIu64 " transactions, %" PRIu64
	       " prices, %" PRIu64 " entries in comments)\n",
	       st.entries, out, format, st.transactions, st.prices, st.comments);
	return cli_finish_stdout();
}
