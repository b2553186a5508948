/*
 * fuzz_entry.c: fuzz target for the canonical entry encoding (entry.h, docs/FORMAT.md).
 *
 * The input is decoded with fl_entry_decode. A failure must be FL_ECORRUPT with a printable
 * "entry encoding: ..." message that carries that prefix once. A success must describe the one entry those bytes stand for:
 * fl_entry_encode of it must reproduce the input exactly (bytes -> entry -> bytes is the
 * identity, so no two byte strings decode to the same entry), decoding that again must give an
 * identical struct, and the content digest and derived idempotency key must be computable.
 * abort() on a violation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/buf.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"

#define FUZZ_OWN_CHECK
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_entry: invariant violated: %s (input %zu bytes:", what, size);
	for (size_t i = 0; i < size && i < 96; i++)
		fprintf(stderr, " %02x", data[i]);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	abort();
}

#define CHECK(cond, what)                                  \
	do {                                               \
		if (!(cond))                               \
			fail(what, data, size);            \
	} while (0)

/* Field by field: struct assignment need not copy padding, so memcmp would not do. */
static int same(const fl_entry *a, const fl_entry *b)
{
	const char *const sa[] = {a->recorded_at, a->recorded_by, a->idem,	a->fund,
				  a->donor,	  a->currency,	  a->date,	a->due,
				  a->earmark,	  a->donor_ref,	  a->announcement, a->bank_ref,
				  a->reason};
	const char *const sb[] = {b->recorded_at, b->recorded_by, b->idem,	b->fund,
				  b->donor,	  b->currency,	  b->date,	b->due,
				  b->earmark,	  b->donor_ref,	  b->announcement, b->bank_ref,
				  b->reason};

	for (size_t i = 0; i < sizeof(sa) / sizeof(sa[0]); i++)
		if (strcmp(sa[i], sb[i]) != 0)
			return 0;
	return a->kind == b->kind && a->seq == b->seq && memcmp(a->prev, b->prev, FL_HASH_LEN) == 0 &&
	       a->amount == b->amount && a->n_years == b->n_years &&
	       memcmp(a->years, b->years, a->n_years * sizeof(a->years[0])) == 0 &&
	       a->pledge == b->pledge && a->rate == b->rate && a->target == b->target &&
	       a->usd == b->usd && a->rate_used == b->rate_used && a->rate_seq == b->rate_seq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Static: an fl_entry is a few kilobytes. */
	static fl_entry e, again;
	fl_buf out = FL_BUF_INIT;
	unsigned char digest[FL_HASH_LEN];
	char idem[FL_IDEM_MAX + 1];
	int rc;

	fl_error_clear();
	rc = fl_entry_decode(&e, data, size);
	if (rc < 0) {
		CHECK(rc == FL_ECORRUPT, "fl_entry_decode failed with a code other than FL_ECORRUPT");
		CHECK(fl_error_code() == rc, "error record does not hold the returned code");
		CHECK(strncmp(fl_error_last(), "entry encoding: ", 16) == 0 &&
			      printable(fl_error_last()),
		      "decode error message is not a printable 'entry encoding: ...'");
		/* The prefix is added once; twice in a row means the message was built from itself.
		 * (A quoted value may itself hold the words: only the start is checked.) */
		CHECK(strncmp(fl_error_last() + 16, "entry encoding: ", 16) != 0,
		      "decode error message repeats its 'entry encoding:' prefix");
		return 0;
	}
	CHECK(e.kind >= FL_KIND_MIN && e.kind <= FL_KIND_MAX, "decoded an unknown kind");
	CHECK(strcmp(fl_kind_name(e.kind), "?") != 0, "decoded kind has no name");
	CHECK(e.seq >= 1, "decoded entry has no sequence number");

	rc = fl_entry_encode(&out, &e);
	CHECK(rc == 0, "fl_entry_encode refused an entry that fl_entry_decode accepted");
	CHECK(out.len == size && memcmp(out.data, data, size) == 0,
	      "fl_entry_encode(fl_entry_decode(bytes)) != bytes: the encoding is not canonical");

	CHECK(fl_entry_decode(&again, out.data, out.len) == 0,
	      "the re-encoded bytes do not decode");
	CHECK(same(&again, &e), "decoding the same bytes twice differs");

	CHECK(fl_entry_content_digest(digest, &e) == 0, "no content digest for a decoded entry");
	CHECK(fl_entry_auto_idem(idem, &e) == 0, "no derived key for a decoded entry");
	CHECK(strncmp(idem, "auto-", 5) == 0 && strlen(idem) == 5 + FL_HASH_HEX_LEN,
	      "derived key is not 'auto-' and 64 hex digits");

	fl_buf_free(&out);
	return 0;
}
