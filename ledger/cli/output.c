/*
 * output.c: the CSV and JSON writer behind --format csv|json of the commands that print a
 * summary or a table (help, verify, import, statement import). See output.h.
 *
 * Invariant: a record writes exactly n_fields values, in the order of the name list, so the
 * CSV header, every CSV row and every JSON object have the same fields in the same order.
 */
#include <assert.h>
#include <inttypes.h>

#include "output.h"

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
