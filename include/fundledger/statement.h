/*
 * statement.h: bank statements read from ISO 20022 camt.053 (versions 001.02 to 001.08) or
 * from the CSV layout of docs/STATEMENTS.md, into plain values the ledger records.
 *
 * Reading checks everything that can be checked without a ledger: the XML namespace, the
 * currency (known to the configuration, the same on every amount of a statement), amounts
 * (no more significant decimals than the currency has), dates, references (present, unique
 * within the file) and the statement arithmetic, opening + credits - debits = closing. Every
 * failure is FL_EINVALID (or FL_ENOTFOUND for an unknown currency) with "FILE:LINE: message".
 * Only booked entries (status BOOK) become lines; pending and information-only entries are
 * counted in `skipped` and not recorded.
 */
#ifndef FUNDLEDGER_STATEMENT_H
#define FUNDLEDGER_STATEMENT_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "date.h"
#include "error.h"

/* Bank account identifiers (IBAN, or another id): printable ASCII, no space or ':'. */
#define FL_ACCOUNT_MAX 34
/* Statement ids and line references (camt Max35Text): printable ASCII, no space or ':'. */
#define FL_BANKREF_MAX 35
/* Names and remittance information, after whitespace is collapsed. */
#define FL_BANKTEXT_MAX 512

typedef struct {
	char ref[FL_BANKREF_MAX + 1];        /* AcctSvcrRef, else NtryRef: unique in the file */
	char entry_ref[FL_BANKREF_MAX + 1];  /* NtryRef when it differs from ref; "" otherwise */
	char end_to_end[FL_BANKREF_MAX + 1]; /* EndToEndId, free text; "" if absent or NOTPROVIDED */
	char debtor[FL_BANKTEXT_MAX + 1];    /* RltdPties/Dbtr name; "" when absent */
	char remittance[FL_BANKTEXT_MAX + 1]; /* RmtInf: Ustrd lines joined by " ", or Strd refs */
	int credit;                          /* 1 CRDT, 0 DBIT */
	int reversal;                        /* RvslInd true */
	int64_t amount;                      /* minor units of the statement currency, > 0 */
	char booking_date[FL_DATE_LEN + 1];
	char value_date[FL_DATE_LEN + 1];    /* the booking date when the bank gives none */
	size_t line;                         /* where the line starts in the file, from 1 */
} fl_stmt_line;

typedef struct {
	char account[FL_ACCOUNT_MAX + 1];
	char id[FL_BANKREF_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	char from[FL_DATE_LEN + 1]; /* first day covered */
	char to[FL_DATE_LEN + 1];   /* last day covered, >= from */
	int64_t opening;            /* signed minor units; negative is a debit balance */
	int64_t closing;
	fl_stmt_line *lines;        /* owned; in file order */
	size_t n_lines;
	size_t skipped;             /* entries not booked, left out */
	size_t line;                /* where the statement starts in the file */
} fl_statement;

typedef struct {
	fl_statement *items; /* owned */
	size_t n;
} fl_statements;

/*
 * Reads the statements of a file: camt.053 when its first non-blank byte is '<', the CSV
 * layout otherwise. `cfg` gives the currencies and their minor units. On success *out holds
 * at least one statement and the caller frees it with fl_statements_free; on failure *out is
 * empty. 0, FL_EINVALID, FL_ENOTFOUND, FL_EIO or FL_ENOMEM.
 */
int fl_statements_read(fl_statements *out, const char *path, const fl_config *cfg) FL_WARN_UNUSED;

/* The same over memory; `name` stands for the file in messages. For tests and fuzzing. */
int fl_statements_read_camt(fl_statements *out, const char *name, const char *data, size_t len,
			    const fl_config *cfg) FL_WARN_UNUSED;
int fl_statements_read_csv(fl_statements *out, const char *name, const char *data, size_t len,
			   const fl_config *cfg) FL_WARN_UNUSED;

/* Frees what a read produced and empties *s; accepts an empty or zeroed value. */
void fl_statements_free(fl_statements *s);

#endif
