/*
 * cmd_report.c: fundledger report --year Y [--fund F|all] [--narrative FILE.yaml]
 * [--at-checkpoint SIZE] [--date D] [--format html|md|csv|json] --out PATH
 *
 * Writes the Board of Trustees' annual report (docs/REPORT.md). HTML, Markdown and JSON go to
 * the file PATH ("-" for standard output); CSV tables go into the directory PATH, one file
 * each, created when missing. Every file is written beside its final name and renamed into
 * place, so a reader never sees half a report and a failure leaves the old one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* Writes data to path through a temporary file in the same directory (cli_out_file). */
static int write_replace(const char *path, const fl_buf *data)
{
	cli_out_file f;
	int err = cli_out_open(&f, path);
	if (err < 0)
		return err;
	return cli_out_close(&f, cli_out_write(&f, data->data, data->len), 1);
}

int cmd_report(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"year", required_argument, NULL, 'y'},	     {"fund", required_argument, NULL, 'f'},
		{"narrative", required_argument, NULL, 'n'}, {"at-checkpoint", required_argument, NULL, 'a'},
		{"date", required_argument, NULL, 'D'},	     {"format", required_argument, NULL, 'F'},
		{"out", required_argument, NULL, 'o'},	     {NULL, 0, NULL, 0}};
	fl_report_options opt;
	fl_report_format fmt = FL_REPORT_HTML;
	const char *out = NULL, *narrative_path = NULL, *year = NULL;
	char date[FL_DATE_LEN + 1];
	fl_narrative *narrative = NULL;
	fl_report *r = NULL;
	fl_report_table *tables = NULL;
	size_t n_tables = 0;
	int c, err, rc = EXIT_OK;

	memset(&opt, 0, sizeof(opt));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'y': year = optarg; break;
		case 'f': opt.fund = optarg; break;
		case 'n': narrative_path = optarg; break;
		case 'a': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || errno || v == 0 || optarg[0] == '-' || optarg[0] == '+')
				return cli_usage_error("--at-checkpoint '%.30s' is not a tree size "
						       "(a positive integer)", optarg);
			opt.at_checkpoint = v;
			break;
		}
		case 'D':
			if (cli_date(date, optarg, "--date") < 0)
				return cli_fail(FL_EINVALID);
			opt.generated = date;
			break;
		case 'F':
			if (fl_report_format_parse(&fmt, optarg) < 0)
				return cli_usage_error("--format: %s", fl_error_last());
			break;
		case 'o': out = optarg; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("report: unexpected argument '%.40s'", argv[optind]);
	if (!year)
		return cli_usage_error("report needs --year YEAR");
	{
		char *end;
		long y = strtol(year, &end, 10);
		if (!*year || *end || y < FL_REPORT_YEAR_MIN || y > FL_REPORT_YEAR_MAX ||
		    strlen(year) != 4)
			return cli_usage_error("--year '%.20s' is not a year from %d to %d", year,
					       FL_REPORT_YEAR_MIN, FL_REPORT_YEAR_MAX);
		opt.year = (int)y;
	}
	if (!out)
		return cli_usage_error("report needs --out PATH (a file; a directory for --format csv)");
	if (fmt == FL_REPORT_CSV && strcmp(out, "-") == 0)
		return cli_usage_error("--format csv writes one file per table: --out needs a directory");
	if (opt.fund && strcmp(opt.fund, "all") && !fl_config_fund(ctx->cfg, opt.fund))
		return cli_usage_error("unknown fund '%.40s'", opt.fund);
	if (narrative_path) {
		/* A malformed narrative is bad input (exit 2), like a bad CSV row. */
		if ((err = fl_narrative_load(&narrative, narrative_path)) < 0) {
			rc = cli_fail(err);
			return err == FL_ECONFIG ? EXIT_USAGE : rc;
		}
		opt.narrative = narrative;
	}

	if ((err = fl_report_compute(&r, ctx->ledger, &opt)) < 0) {
		rc = cli_fail(err);
		goto done;
	}
	if (fmt == FL_REPORT_CSV) {
		if ((err = fl_report_csv(&tables, &n_tables, r)) < 0)
			goto fail;
		if (mkdir(out, 0755) != 0 && errno != EEXIST) {
			err = fl_error_set(FL_EIO, "%s: cannot create the directory: %s", out,
					   strerror(errno));
			goto fail;
		}
		for (size_t i = 0; i < n_tables; i++) {
			fl_buf path = FL_BUF_INIT;
			if ((err = fl_buf_printf(&path, "%s/%s", out, tables[i].name)) == 0)
				err = write_replace(fl_buf_cstr(&path), &tables[i].data);
			fl_buf_free(&path);
			if (err < 0)
				goto fail;
		}
		printf("wrote %zu tables of the %d report (%s, checkpoint %" PRIu64 ") to %s\n",
		       n_tables, r->year, r->scope, r->size, out);
	} else {
		/* Streamed: a 1M-entry ledger's year is tens of megabytes. */
		cli_out_file f;
		if (strcmp(out, "-") == 0) {
			if ((err = fl_report_stream(r, fmt, cli_stdout_write, NULL)) < 0)
				goto fail;
			rc = cli_finish_stdout();
			goto done;
		}
		if ((err = cli_out_open(&f, out)) < 0 ||
		    (err = cli_out_close(&f, fl_report_stream(r, fmt, cli_out_write, &f), 1)) < 0)
			goto fail;
		printf("wrote the %d report (%s, checkpoint %" PRIu64 ") to %s\n", r->year, r->scope,
		       r->size, out);
	}
	rc = cli_finish_stdout();
	goto done;
fail:
	rc = cli_fail(err);
done:
	fl_report_tables_free(tables, n_tables);
	fl_report_free(r);
	fl_narrative_free(narrative);
	return rc;
}
