/*
 * journal.h: the ledger as a double-entry journal for plain-text accounting tools: Ledger
 * (ledger-cli.org), hledger (hledger.org) or Beancount (beancount.github.io), so that their
 * reports, queries and price conversions run on fundledger's figures.
 *
 * One transaction per entry that moves money, in sequence order, each dated by its entry's
 * date and carrying the entry's seq and hash as metadata; one price directive per standing
 * rate entry. docs/JOURNAL.md defines the accounts, the postings of each kind of entry, the
 * dates, what is left out and why. In short, per fund F, donor D and currency:
 *   pledge        Assets:Receivable:F:D      / Income:Pledged:F:D
 *   contribution  Assets:Bank:F              / Income:Unpledged:F:D
 *   match         Income:Unpledged:F:D       / Assets:Receivable:F:D   (across currencies
 *                 the contribution's amount at a total cost "@@" of what it settles)
 *   writeoff      Expenses:WriteOff:F:D      / Assets:Receivable:F:D
 *   reversal      the mirror of what it reverses, and of the matches that stop standing
 * so that, at the end, Assets:Receivable is what reconcile calls outstanding, Income:Pledged
 * minus the pledged amount, Expenses:WriteOff what was written off, Income:Unpledged minus
 * what is not applied to pledges, and Assets:Bank what was received.
 *
 * The journal is written in one read transaction, streamed: memory grows with the accounts
 * and currencies used, never with the number of entries. Nothing depends on the clock or
 * the locale: the same ledger gives the same bytes.
 */
#ifndef FUNDLEDGER_JOURNAL_H
#define FUNDLEDGER_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ledger.h"

typedef enum {
	FL_JOURNAL_LEDGER = 1, /* Ledger 3 */
	FL_JOURNAL_HLEDGER,    /* hledger 1.25 and later */
	FL_JOURNAL_BEANCOUNT   /* Beancount 2 */
} fl_journal_format;

/* Parses "ledger", "hledger" or "beancount"; 0 or FL_EINVALID (with a message). */
int fl_journal_format_parse(fl_journal_format *out, const char *s) FL_WARN_UNUSED;

/* "ledger", "hledger", "beancount"; "?" for anything else. */
const char *fl_journal_format_name(fl_journal_format fmt);

/* What a journal holds. */
typedef struct {
	uint64_t entries;      /* entries read: 1 .. entries */
	uint64_t transactions; /* one per pledge, contribution, match, write-off, and reversal
				* of one of these that still had an effect */
	uint64_t prices;       /* one per standing rate entry */
	uint64_t comments;     /* the other entries, each named in a comment line */
} fl_journal_stats;

/* Output is handed over in pieces of about FL_JOURNAL_PIECE bytes. */
#define FL_JOURNAL_PIECE 65536

/* Receives the next piece of the journal; returns 0, or a negative code to stop with it. */
typedef int (*fl_journal_sink)(void *ctx, const unsigned char *data, size_t len);

/*
 * Writes the journal of every entry of l in format fmt to sink, in order; the pieces joined
 * are the whole file. The configuration given to fl_ledger_open must be there: it gives each
 * currency's decimals. l must not be inside a batch. out (may be NULL) receives the counts.
 * 0, or FL_ENOTFOUND (a currency not in the configuration), FL_ECORRUPT (an entry that does
 * not decode, or a reference to a missing entry), FL_EIO, FL_EBUSY, FL_ENOMEM, FL_ERANGE, or
 * the sink's code; after a failure part of the journal may have reached the sink.
 */
int fl_journal_write(fl_journal_stats *out, fl_ledger *l, fl_journal_format fmt,
		     fl_journal_sink sink, void *ctx) FL_WARN_UNUSED;

#endif
