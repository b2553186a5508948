/*
 * fundledger.h: the whole public API of libfundledger.
 */
#ifndef FUNDLEDGER_H
#define FUNDLEDGER_H

#include "agent.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "date.h"
#include "entry.h"
#include "error.h"
#include "file.h"
#include "iati.h"
#include "import.h"
#include "journal.h"
#include "ledger.h"
#include "merkle.h"
#include "money.h"
#include "note.h"
#include "progress.h"
#include "reconcile.h"
#include "statement.h"
#include "audit.h"
#include "verify.h"
#include "report.h"

#endif
