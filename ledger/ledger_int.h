/*
 * ledger_int.h: what the use-case modules (verify, import) may reach inside a ledger.
 */
#ifndef FUNDLEDGER_LEDGER_INT_H
#define FUNDLEDGER_LEDGER_INT_H

#include "fundledger/ledger.h"
#include "store_int.h"

/* The ledger's store; borrowed for the ledger's lifetime. */
fl_store *fl_ledger_store(fl_ledger *l);

#endif
