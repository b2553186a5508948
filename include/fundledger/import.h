/*
 * import.h: importing pledges, contributions and rates from CSV (layout in docs/CSV.md).
 *
 * The whole file is one batch: it is written entirely or not at all. Any problem fails the
 * import with "FILE:LINE: message" and nothing is written. Rows whose reference (or, without
 * a ref column, whose content) is already in the ledger with the same content are replayed:
 * skipped and counted, so importing the same file twice changes nothing.
 */
#ifndef FUNDLEDGER_IMPORT_H
#define FUNDLEDGER_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "ledger.h"

typedef struct {
	uint64_t rows;     /* data rows read */
	uint64_t appended; /* new entries */
	uint64_t replayed; /* rows already recorded */
	uint64_t first;    /* seq of the first new entry, 0 if none */
	uint64_t last;     /* seq of the last new entry, 0 if none */
	uint64_t statements; /* statement imports: statements read (rows counts their lines too) */
} fl_import_stats;

/*
 * Imports the CSV file at path into l (opened for writing with a configuration) as one
 * batch stamped with recorded_by and recorded_at. 0, or FL_EINVALID / FL_ENOTFOUND /
 * FL_EEXISTS with "path:line: ..." for bad input, FL_EIO and database errors otherwise.
 */
int fl_import_csv(fl_import_stats *out, fl_ledger *l, const char *path, const char *recorded_by,
		  const char *recorded_at) FL_WARN_UNUSED;

/*
 * The same over an in-memory CSV text; `name` is used in messages. For tests and fuzzing.
 */
int fl_import_csv_mem(fl_import_stats *out, fl_ledger *l, const char *name, const char *data,
		      size_t len, const char *recorded_by, const char *recorded_at) FL_WARN_UNUSED;

/*
 * Imports the bank statements in the file at path (camt.053 or the CSV layout of
 * docs/STATEMENTS.md, see statement.h) as one batch: each statement is a statement entry
 * followed by one bankline entry per booked line. Statements are keyed "stmt:ACCOUNT:ID" and
 * lines "line:ACCOUNT:REF", so importing the same statement again writes nothing (counted in
 * `replayed`), and a line already recorded in another statement is refused. `rows` counts
 * statements and lines read. Errors are "path:line: ..."; nothing is written on any error.
 */
int fl_import_statements(fl_import_stats *out, fl_ledger *l, const char *path,
			 const char *recorded_by, const char *recorded_at) FL_WARN_UNUSED;

/* A parsed CSV record: fields point into the parser's storage until the next call. */
#define FL_CSV_MAX_FIELDS 32
typedef struct {
	const char *field[FL_CSV_MAX_FIELDS];
	size_t len[FL_CSV_MAX_FIELDS];
	size_t n;
	size_t line; /* physical line where the record starts, from 1 */
} fl_csv_record;

typedef struct fl_csv fl_csv;

/* A strict RFC 4180 reader over data[0..len), which must outlive it. */
int fl_csv_new(fl_csv **out, const char *data, size_t len) FL_WARN_UNUSED;
/* 1 with *rec filled, 0 at the end, FL_EINVALID with "line N: ..." on bad CSV. */
int fl_csv_next(fl_csv *c, fl_csv_record *rec) FL_WARN_UNUSED;
void fl_csv_free(fl_csv *c);

#endif
