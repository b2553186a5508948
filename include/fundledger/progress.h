/*
 * progress.h: progress reports from long operations, for a caller that wants to show them.
 *
 * A ledger handle carries at most one callback (fl_ledger_set_progress in ledger.h), which
 * the operations that walk the whole ledger or a whole input file call as they go: CSV and
 * statement import, fl_verify_ledger, fl_audit_export and fl_journal_write. fl_verify_bundle,
 * which has no ledger handle, takes it in its options (verify.h). The library never prints.
 */
#ifndef FUNDLEDGER_PROGRESS_H
#define FUNDLEDGER_PROGRESS_H

#include <stdint.h>

/*
 * Called with `done` items (entries, or lines of an input file) of `total`; total is 0 when
 * unknown. Called about every FL_PROGRESS_EVERY items and once more when done reaches total,
 * never per byte, so that reporting costs nothing measurable. An operation may run more than
 * one pass (export verifies, then writes): done then starts again from 0. The callback must
 * not call back into the library on the same ledger.
 */
typedef void (*fl_progress_fn)(void *arg, uint64_t done, uint64_t total);

#define FL_PROGRESS_EVERY 4096u

#endif
