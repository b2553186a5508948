/*
 * cmd_totals.c: fundledger totals. Per fund and currency, what was pledged, received and
 * written off (reversed entries left out), with the USD equivalent of receipts at the rates
 * recorded with them, and a USD total per fund. Integer arithmetic, overflow checked.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct {
	char fund[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	int64_t pledged, received, written_off, received_usd;
} total_row;

typedef struct {
	total_row *rows;
	size_t n, cap;
} totals;

static int row_cmp(const void *a, const void *b)
{
	const total_row *x = a, *y = b;
	int c = strcmp(x->fund, y->fund);
	return c ? c : strcmp(x->currency, y->currency);
}

static total_row *find_row(totals *t, const char *fund, const char *ccy)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].fund, fund) && !strcmp(t->rows[i].currency, ccy))
			return &t->rows[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		total_row *p = realloc(t->rows, cap * sizeof(*p));
		if (!p)
			return NULL;
		t->rows = p;
		t->cap = cap;
	}
	memset(&t->rows[t->n], 0, sizeof(total_row));
	strcpy(t->rows[t->n].fund, fund);
	strcpy(t->rows[t->n].currency, ccy);
	return &t->rows[t->n++];
}

static int add_entry(void *p, const fl_entry *e, const unsigned char hash[FL_HASH_LEN])
{
	totals *t = p;
	total_row *r;
	int err = 0;
	(void)hash;
	if (e->kind != FL_KIND_PLEDGE && e->kind != FL_KIND_CONTRIBUTION &&
	    e->kind != FL_KIND_WRITEOFF)
		return 0;
	if (!(r = find_row(t, e->fund, e->currency)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	if (e->kind == FL_KIND_PLEDGE)
		err = fl_money_add(&r->pledged, e->amount);
	else if (e->kind == FL_KIND_WRITEOFF)
		err = fl_money_add(&r->written_off, e->amount);
	else if ((err = fl_money_add(&r->received, e->amount)) == 0)
		err = fl_money_add(&r->received_usd, e->usd);
	return err;
}

int cmd_totals(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"fund", required_argument, NULL, 'f'}, {"from", required_argument, NULL, 'F'},
		{"to", required_argument, NULL, 'T'},   {"format", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}};
	fl_filter filter;
	totals t = {NULL, 0, 0};
	cli_format fmt = FMT_TEXT;
	char from[FL_DATE_LEN + 1], to[FL_DATE_LEN + 1];
	char a[FL_MONEY_STR_MAX], b[FL_MONEY_STR_MAX], c3[FL_MONEY_STR_MAX], d[FL_MONEY_STR_MAX];
	int c, err = 0, grouping;
	int64_t fund_usd = 0;

	memset(&filter, 0, sizeof(filter));
	filter.live = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': filter.fund = optarg; break;
		case 'F': err = cli_date(from, optarg, "--from"); filter.from = from; break;
		case 'T': err = cli_date(to, optarg, "--to"); filter.to = to; break;
		case 'o': err = cli_format_parse(&fmt, optarg, 0); break;
		default: return cli_bad_option(argc, argv);
		}
		if (err < 0)
			return cli_fail(err);
	}
	if (optind != argc)
		return cli_usage_error("totals: unexpected argument '%.40s'", argv[optind]);
	if ((err = fl_ledger_scan(ctx->ledger, &filter, add_entry, &t)) < 0) {
		free(t.rows);
		return cli_fail(err);
	}
	if (t.n)
		qsort(t.rows, t.n, sizeof(*t.rows), row_cmp);
	grouping = fmt == FMT_TEXT;
	if (fmt == FMT_TEXT)
		printf("%-5s %-4s %20s %20s %20s %20s\n", "FUND", "CCY", "PLEDGED", "RECEIVED",
		       "WRITTEN OFF", "RECEIVED (USD)");
	else if (fmt == FMT_CSV)
		printf("fund,currency,pledged,received,written_off,received_usd\n");
	else
		printf("[");
	for (size_t i = 0; i < t.n; i++) {
		total_row *r = &t.rows[i];
		cli_money(ctx, a, sizeof(a), r->pledged, r->currency, grouping);
		cli_money(ctx, b, sizeof(b), r->received, r->currency, grouping);
		cli_money(ctx, c3, sizeof(c3), r->written_off, r->currency, grouping);
		cli_money(ctx, d, sizeof(d), r->received_usd, "USD", grouping);
		if (fmt == FMT_TEXT)
			printf("%-5s %-4s %20s %20s %20s %20s\n", r->fund, r->currency, a, b, c3, d);
		else if (fmt == FMT_CSV)
			printf("%s,%s,%s,%s,%s,%s\n", r->fund, r->currency, a, b, c3, d);
		else
			printf("%s\n  {\"fund\": \"%s\", \"currency\": \"%s\", \"pledged\": \"%s\", "
			       "\"received\": \"%s\", \"written_off\": \"%s\", \"received_usd\": "
			       "\"%s\"}",
			       i ? "," : "", r->fund, r->currency, a, b, c3, d);
		if ((err = fl_money_add(&fund_usd, r->received_usd)) < 0) {
			free(t.rows);
			return cli_fail(err);
		}
		if (fmt == FMT_TEXT && (i + 1 == t.n || strcmp(t.rows[i + 1].fund, r->fund))) {
			cli_money(ctx, d, sizeof(d), fund_usd, "USD", 1);
			printf("%-5s %-4s %20s %20s %20s %20s\n\n", r->fund, "all", "", "", "", d);
			fund_usd = 0;
		}
	}
	if (fmt == FMT_JSON)
		printf(t.n ? "\n]\n" : "]\n");
	free(t.rows);
	return cli_finish_stdout();
}
