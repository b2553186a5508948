/*
 * cmd_log.c: fundledger log. Lists entries in sequence order, filtered, as a text table,
 * CSV or a JSON array. Each entry is decoded from its canonical bytes, not from the columns.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

typedef struct {
	cli_ctx *ctx;
	cli_format fmt;
	size_t n;
} log_state;

static int print_one(void *p, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	log_state *s = p;
	uint64_t by = 0;
	int err;
	if ((err = fl_ledger_reversed_by(s->ctx->ledger, e->seq, &by)) < 0)
		return err;
	switch (s->fmt) {
	case FMT_TEXT: cli_entry_text(s->ctx, stdout, e, by); break;
	case FMT_CSV: cli_entry_csv(s->ctx, stdout, e, hash, by); break;
	default:
		fputs(s->n ? ",\n  " : "\n  ", stdout);
		cli_entry_json(s->ctx, stdout, e, hash, by);
		break;
	}
	s->n++;
	return ferror(stdout) ? fl_error_set(FL_EIO, "error writing output") : 0;
}

int cmd_log(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"fund", required_argument, NULL, 'f'}, {"donor", required_argument, NULL, 'd'},
		{"kind", required_argument, NULL, 'k'}, {"from", required_argument, NULL, 'F'},
		{"to", required_argument, NULL, 'T'},   {"format", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}};
	fl_filter filter;
	log_state s = {ctx, FMT_TEXT, 0};
	char from[FL_DATE_LEN + 1], to[FL_DATE_LEN + 1];
	int c, err = 0;

	memset(&filter, 0, sizeof(filter));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': filter.fund = optarg; break;
		case 'd': filter.donor = optarg; break;
		case 'k': err = fl_kind_parse(&filter.kind, optarg); break;
		case 'F':
			err = cli_date(from, optarg, "--from");
			filter.from = from;
			break;
		case 'T':
			err = cli_date(to, optarg, "--to");
			filter.to = to;
			break;
		case 'o': err = cli_format_parse(&s.fmt, optarg, 0); break;
		default: return cli_bad_option(argc, argv);
		}
		if (err < 0)
			return cli_fail(err);
	}
	if (optind != argc)
		return cli_usage_error("log: unexpected argument '%.40s'", argv[optind]);
	if (s.fmt == FMT_TEXT)
		cli_entry_text_header(stdout);
	else if (s.fmt == FMT_CSV)
		cli_entry_csv_header(stdout);
	else
		fputs("[", stdout);
	if ((err = fl_ledger_scan(ctx->ledger, &filter, print_one, &s)) < 0)
		return cli_fail(err);
	if (s.fmt == FMT_JSON)
		fputs(s.n ? "\n]\n" : "]\n", stdout);
	return cli_finish_stdout();
}
