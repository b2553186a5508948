/*
 * output.c: the CSV and JSON writer behind --format csv|json of the commands that print a
 * summary or a table (help, verify, import, statement import), and the records of the
 * import summaries. See output.h.
 *
 * Invariant: a record writes exactly n_fields values, in the order of the name list, so the
 * CSV header, every CSV row and every JSON object have the same fields in the same order.
 */
#include <assert.h>
#include <getopt.h>
#include <inttypes.h>

#include "output.h"

int cli_format_only(int argc, char **argv, cli_format *out, int allow_hex)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	int c, err;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option(argc, argv);
		if ((err = cli_format_parse(out, optarg, allow_hex)) < 0)
			return cli_fail(err);
	}
	return 0;
}

void cli_table_begin(cli_table *t, FILE *f, cli_format fmt, const char *const *names, int array)
{
	t->f = f;
	t->fmt = fmt;
	t->name = names;
	t->array = array;
	t->rows = 0;
	t->col = 0;
	for (t->n_fields = 0; names[t->n_fields]; t->n_fields++)
		if (fmt == FMT_CSV)
			fprintf(f, "%s%s", t->n_fields ? "," : "", names[t->n_fields]);
	if (fmt == FMT_CSV)
		fputc('\n', f);
	else if (array)
		fputc('[', f);
}

void cli_table_row(cli_table *t)
{
	assert(t->array || t->rows == 0);
	if (t->fmt == FMT_JSON)
		fputs(t->array ? (t->rows ? ",\n  {" : "\n  {") : "{", t->f);
	t->rows++;
	t->col = 0;
}

/* The separator and, in JSON, the key of the next field. */
static void next_field(cli_table *t)
{
	assert(t->col < t->n_fields);
	if (t->fmt == FMT_CSV) {
		if (t->col)
			fputc(',', t->f);
	} else {
		fprintf(t->f, "%s\"%s\": ", t->col ? ", " : "", t->name[t->col]);
	}
	t->col++;
}

void cli_table_str(cli_table *t, const char *v)
{
	next_field(t);
	if (t->fmt == FMT_CSV)
		cli_csv_field(t->f, v ? v : "");
	else if (v)
		cli_json_string(t->f, v);
	else
		fputs("null", t->f);
}

void cli_table_u64(cli_table *t, uint64_t v, int zero_is_null)
{
	next_field(t);
	if (zero_is_null && !v)
		fputs(t->fmt == FMT_CSV ? "" : "null", t->f);
	else
		fprintf(t->f, "%" PRIu64, v);
}

void cli_table_bool(cli_table *t, int v)
{
	next_field(t);
	fputs(v ? "true" : "false", t->f);
}

void cli_table_end_row(cli_table *t)
{
	assert(t->col == t->n_fields);
	fputs(t->fmt == FMT_CSV ? "\n" : t->array ? "}" : "}\n", t->f);
}

void cli_table_end(cli_table *t)
{
	if (t->fmt == FMT_JSON && t->array)
		fputs(t->rows ? "\n]\n" : "]\n", t->f);
}

void cli_import_record(cli_format fmt, const char *file, const fl_import_stats *st, int statement)
{
	static const char *const csv_import[] = {"file",     "rows",	 "new_entries", "first_seq",
						 "last_seq", "replayed", NULL};
	static const char *const stmt_import[] = {"file",	 "statements", "lines",
						  "new_entries", "first_seq",  "last_seq",
						  "replayed",	 NULL};
	cli_table t;
	cli_table_begin(&t, stdout, fmt, statement ? stmt_import : csv_import, 0);
	cli_table_row(&t);
	cli_table_str(&t, file);
	if (statement) {
		cli_table_u64(&t, st->statements, 0);
		cli_table_u64(&t, st->rows - st->statements, 0);
	} else {
		cli_table_u64(&t, st->rows, 0);
	}
	cli_table_u64(&t, st->appended, 0);
	cli_table_u64(&t, st->first, 1);
	cli_table_u64(&t, st->last, 1);
	cli_table_u64(&t, st->replayed, 0);
	cli_table_end_row(&t);
	cli_table_end(&t);
}
