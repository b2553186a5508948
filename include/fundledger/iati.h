/*
 * iati.h: one calendar year of the ledger as an IATI 2.03 activity file (docs/IATI.md).
 *
 * One <iati-activity> per fund of the configuration, in funds.yaml order, each holding the
 * incoming transactions whose transaction-date falls in the year:
 *   pledge with the donor's reference (a written agreement)  type 11, Incoming Commitment
 *   pledge without one                                       type 13, Incoming Pledge
 *   contribution                                             type 1, Incoming Funds
 *   write-off of a pledge                                    the pledge's type, negative
 * An entry reversed by the end of the year is left out with its reversal; an entry of an
 * earlier year reversed during the year is taken back by a negative transaction dated on the
 * day of the reversal. Values are the entries' integers written with their currency's
 * decimals. The same ledger, year and generated time give the same bytes.
 */
#ifndef FUNDLEDGER_IATI_H
#define FUNDLEDGER_IATI_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ledger.h"

/* The years an export may cover. */
#define FL_IATI_YEAR_MIN 1900
#define FL_IATI_YEAR_MAX 9999

/* IATI TransactionType codes used. */
#define FL_IATI_INCOMING_FUNDS 1
#define FL_IATI_INCOMING_COMMITMENT 11
#define FL_IATI_INCOMING_PLEDGE 13

/* What an export holds. */
typedef struct {
	uint64_t activities;  /* one per fund */
	uint64_t incoming;    /* type 1 transactions */
	uint64_t commitments; /* type 11 */
	uint64_t pledges;     /* type 13 */
	uint64_t negative;    /* of those, the ones with a negative value (write-offs, and
			       * reversals of entries of earlier years) */
	uint64_t left_out;    /* entries of the year left out: reversed by the end of it */
} fl_iati_stats;

/* Receives the next piece of the document; returns 0, or a negative code to stop with it. */
typedef int (*fl_iati_sink)(void *ctx, const unsigned char *data, size_t len);

/* Parses a year "YYYY", FL_IATI_YEAR_MIN to FL_IATI_YEAR_MAX; 0 or FL_EINVALID. */
int fl_iati_year_parse(int *out, const char *s) FL_WARN_UNUSED;

/*
 * Writes the IATI activity file of `year` to sink; the pieces joined are the whole file.
 * `generated` (a UTC timestamp, FL_TIME_LEN) becomes the generated-datetime. The
 * configuration given to fl_ledger_open must have an iati block (FL_ECONFIG otherwise, with
 * a message naming the file and the key). l must not be inside a batch. out (may be NULL)
 * receives the counts. 0, or FL_ECONFIG, FL_EINVALID (a bad year or time), FL_ENOTFOUND (a
 * fund, donor or currency of an entry not in the configuration), FL_ECORRUPT, FL_EIO,
 * FL_EBUSY, FL_ENOMEM, FL_ERANGE, or the sink's code; after a failure part of the document
 * may have reached the sink.
 */
int fl_iati_write(fl_iati_stats *out, fl_ledger *l, int year, const char *generated,
		  fl_iati_sink sink, void *ctx) FL_WARN_UNUSED;

#endif
