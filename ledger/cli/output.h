/*
 * output.h: one writer for the commands' machine-readable records (output.c).
 *
 * A table is a fixed, ordered list of field names, documented in docs/OUTPUT.md, and one or
 * more records that give a value for every field in that order. As CSV it is a header row and
 * one row per record (RFC 4180 quoting, a null as an empty field); as JSON it is one document:
 * an array of objects, or a single object for a summary, each object carrying every field in
 * the documented order (null where a value does not apply). Text output is not this module's:
 * each command keeps its own.
 */
#ifndef FUNDLEDGER_CLI_OUTPUT_H
#define FUNDLEDGER_CLI_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"

typedef struct {
	FILE *f;
	cli_format fmt;		 /* FMT_CSV or FMT_JSON */
	const char *const *name; /* the field names, NULL-terminated; borrowed */
	size_t n_fields;
	int array;   /* JSON: an array of records, else exactly one object */
	size_t rows; /* records begun */
	size_t col;  /* the next field of the current record */
} cli_table;

/*
 * Parses a command whose only option is --format (text, csv, json, and hex when allow_hex),
 * leaving optind at the first operand. 0, or the exit code after reporting the error.
 */
int cli_format_only(int argc, char **argv, cli_format *out, int allow_hex);

/*
 * The summary of a CSV import (statement 0) or a statement import (statement 1) as one CSV
 * record or JSON object, with the fields of docs/OUTPUT.md.
 */
void cli_import_record(cli_format fmt, const char *file, const fl_import_stats *st, int statement);

/* Starts a table on f and writes the CSV header or the JSON array's opening bracket. */
void cli_table_begin(cli_table *t, FILE *f, cli_format fmt, const char *const *names, int array);
/* Starts a record. */
void cli_table_row(cli_table *t);
/* The next field: a string (NULL for null), an unsigned integer, or null when v is 0 and
 * zero_is_null is set, a JSON boolean (CSV "true" or "false"). */
void cli_table_str(cli_table *t, const char *v);
void cli_table_u64(cli_table *t, uint64_t v, int zero_is_null);
void cli_table_bool(cli_table *t, int v);
/* Ends the current record (every field must have been given). */
void cli_table_end_row(cli_table *t);
/* Ends the document. */
void cli_table_end(cli_table *t);

#endif
