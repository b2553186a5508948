/*
 * ledger_int.h: what the use-case modules (verify, import) may reach inside a ledger.
 */
#ifndef FUNDLEDGER_LEDGER_INT_H
#define FUNDLEDGER_LEDGER_INT_H

#include "fundledger/ledger.h"
#include "rates_int.h"
#include "store_int.h"

/* The ledger's store; borrowed for the ledger's lifetime. */
fl_store *fl_ledger_store(fl_ledger *l);

/* Adds every standing rate entry to *out (an initialised table). */
int fl_ledger_load_rates(fl_ledger *l, fl_rates *out) FL_WARN_UNUSED;

/* The query columns derived from an entry (docs/FORMAT.md, "Store"); hash and canon are left
 * for the caller. Text pointers borrow from e. */
void fl_entry_columns(fl_row *row, const fl_entry *e);

/*
 * A read-only view of the ledger as it stood at `size` entries (a private temporary copy,
 * fl_store_snapshot), with l's configuration. Free it with fl_ledger_free.
 */
int fl_ledger_snapshot(fl_ledger **out, fl_ledger *l, uint64_t size) FL_WARN_UNUSED;

/*
 * Progress (progress.h): calls fn when done is a multiple of FL_PROGRESS_EVERY or reaches a
 * known total, so that a loop may call this for every item at the cost of one division.
 */
static inline void fl_progress_tick(fl_progress_fn fn, void *arg, uint64_t done, uint64_t total)
{
	if (fn && (done % FL_PROGRESS_EVERY == 0 || done == total))
		fn(arg, done, total);
}
/* The same with l's callback (fl_ledger_set_progress). */
void fl_ledger_progress(const fl_ledger *l, uint64_t done, uint64_t total);

#endif
