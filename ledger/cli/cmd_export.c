/*
 * cmd_export.c: fundledger export [--format bundle|ledger|hledger|beancount] --out DIR|FILE.
 *
 * bundle (the default) writes the directory that 'verify --bundle' checks with no database:
 * entries, checkpoints with cosignatures, keys and a manifest (audit.h). The journal formats
 * write the ledger as a double-entry journal for Ledger, hledger or Beancount (journal.h,
 * docs/JOURNAL.md) to FILE, which must not exist: it is written beside it, synced and linked
 * into place, so a reader never sees half a journal; "-" writes it to standard output.
 * iati writes the transactions of one calendar year (--year, required for iati and refused
 * for the others) as an IATI 2.03 activity file (iati.h, docs/IATI.md) the same way, its
 * generated-datetime the command's clock (FUNDLEDGER_NOW when set).
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
					     {"year", required_argument, NULL, 'y'},
					     {NULL, 0, NULL, 0}};
	const char *out = NULL, *format = "bundle", *year_arg = NULL;
	int iati, year = 0;
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
		case 'y': year_arg = optarg; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("export: unexpected argument '%.40s'", argv[optind]);
	iati = strcmp(format, "iati") == 0;
	if (!iati && strcmp(format, "bundle") != 0 && fl_journal_format_parse(&fmt, format) < 0)
		return cli_usage_error("--format '%.20s' is not bundle, ledger, hledger, beancount "
				       "or iati",
				       format);
	if (!iati && year_arg)
		return cli_usage_error("--year is only for --format iati");
	if (iati) {
		if (!year_arg)
			return cli_usage_error("export --format iati needs --year YYYY");
		if (fl_iati_year_parse(&year, year_arg) < 0)
			return cli_usage_error("--year: %s", fl_error_last());
		if (!ctx->cfg->iati)
			return cli_usage_error("%s has no 'iati' block (reporting_org, "
					       "activity_start): see docs/IATI.md",
					       ctx->config_path);
	}
	if (!fmt && !iati) {
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
		cli_progress_begin("export", "entries", 1); /* not amid the output on a terminal */
		err = iati ? fl_iati_write(NULL, ctx->ledger, year, ctx->now, cli_stdout_write, NULL)
			   : fl_journal_write(&st, ctx->ledger, fmt, cli_stdout_write, NULL);
		if (err < 0)
			return cli_fail(err);
		return cli_finish_stdout();
	}
	/* Checked first, so that nothing is computed for a file that would be refused; the
	 * link at the end refuses one that appears meanwhile. */
	if (lstat(out, &sb) == 0)
		return S_ISDIR(sb.st_mode)
			       ? cli_usage_error("--out %s is a directory: a%s %s %s is one file",
						 out, iati ? "n" : "", iati ? "IATI" : format,
						 iati ? "activity file" : "journal")
			       : cli_usage_error("--out %s already exists", out);
	if (errno != ENOENT)
		return cli_fail(fl_error_set(FL_EIO, "%s: %s", out, strerror(errno)));
	if (iati) {
		fl_iati_stats is;
		if ((err = cli_out_open(&f, out)) < 0 ||
		    (err = cli_out_close(&f, fl_iati_write(&is, ctx->ledger, year, ctx->now,
							   cli_out_write, &f),
					 0)) < 0)
			return cli_fail(err);
		printf("exported the year %d to %s (IATI 2.03: %" PRIu64 " activit%s, %" PRIu64
		       " incoming funds, %" PRIu64 " incoming commitment%s, %" PRIu64
		       " incoming pledge%s, %" PRIu64 " of them negative; %" PRIu64
		       " reversed entr%s left out)\n",
		       year, out, is.activities, is.activities == 1 ? "y" : "ies", is.incoming,
		       is.commitments, is.commitments == 1 ? "" : "s", is.pledges,
		       is.pledges == 1 ? "" : "s", is.negative, is.left_out,
		       is.left_out == 1 ? "y" : "ies");
		return cli_finish_stdout();
	}
	if ((err = cli_out_open(&f, out)) < 0 ||
	    (err = cli_out_close(&f, fl_journal_write(&st, ctx->ledger, fmt, cli_out_write, &f),
				 0)) < 0)
		return cli_fail(err);
	printf("exported %" PRIu64 " entries to %s (%s journal: %" PRIu64 " transactions, %" PRIu64
	       " prices, %" PRIu64 " entries in comments)\n",
	       st.entries, out, format, st.transactions, st.prices, st.comments);
	return cli_finish_stdout();
}
