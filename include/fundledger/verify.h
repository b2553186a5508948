/*
 * verify.h: recomputing the ledger's integrity from its stored bytes.
 *
 * fl_verify_ledger streams every entry in sequence order (memory does not grow with the
 * ledger) and checks: the sequence is dense from 1; each stored hash is SHA-256 of the entry's
 * canonical bytes; the bytes decode under format v1 and name their own sequence number; each
 * entry's prev is the hash of the entry before it (zeros for the first); and every query
 * column agrees with the bytes. It does not yet detect truncation of the newest entries or a
 * chain recomputed from scratch: that needs signed checkpoints (SECURITY.md).
 */
#ifndef FUNDLEDGER_VERIFY_H
#define FUNDLEDGER_VERIFY_H

#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "ledger.h"

typedef struct {
	uint64_t entries;                 /* entries checked */
	unsigned char head[FL_HASH_LEN];  /* hash of the last good entry */
	uint64_t bad_seq;                 /* first bad sequence number, 0 when all is well */
} fl_verify_result;

/*
 * Verifies l. Returns 0 when every check passes; FL_EVERIFY when one fails, with
 * out->bad_seq and an error message naming the entry and what is wrong; or another negative
 * code when the ledger cannot be read at all.
 */
int fl_verify_ledger(fl_verify_result *out, fl_ledger *l) FL_WARN_UNUSED;

#endif
