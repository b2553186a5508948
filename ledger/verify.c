/*
 * verify.c: the verify use case for one ledger file.
 *
 * Streams rows in seq order and recomputes, for each: the hash of its canonical bytes, its
 * place in the chain, and the query columns derived from it. Nothing is trusted that the
 * bytes do not say: a stored hash, a column or a row position that disagrees is reported as
 * the first bad entry. Memory is constant: one row and one decoded entry at a time.
 */
#include <stdio.h>
#include <string.h>

#include "fundledger/verify.h"
#include "ledger_int.h"

static int bad(fl_verify_result *out, uint64_t seq, const char *what)
{
	out->bad_seq = seq;
	return fl_error_set(FL_EVERIFY, "entry %llu: %s", (unsigned long long)seq, what);
}

static int text_eq(const char *col, const char *val)
{
	if (!val[0])
		return col == NULL;
	return col && strcmp(col, val) == 0;
}

/* The column that disagrees with the decoded entry, or NULL. */
static const char *column_mismatch(const fl_row *r, const fl_entry *e)
{
	int amount_null = e->kind == FL_KIND_RATE || e->kind == FL_KIND_REVERSAL;
	uint64_t ref = e->kind == FL_KIND_REVERSAL ? e->target : e->pledge;
	if (r->kind != (int)e->kind)
		return "kind";
	if (!r->idem || strcmp(r->idem, e->idem))
		return "idem";
	if (!text_eq(r->fund, e->fund))
		return "fund";
	if (!text_eq(r->donor, e->donor))
		return "donor";
	if (!text_eq(r->currency, e->currency))
		return "currency";
	if (r->amount_null != amount_null || (!amount_null && r->amount != e->amount))
		return "amount";
	if (!text_eq(r->date, e->date))
		return "date";
	if (r->ref != ref)
		return "ref";
	return NULL;
}

int fl_verify_ledger(fl_verify_result *out, fl_ledger *l)
{
	fl_store_iter *it = NULL;
	fl_hasher *h = NULL;
	fl_row row;
	fl_entry e;
	unsigned char prev[FL_HASH_LEN], hash[FL_HASH_LEN];
	uint64_t expect = 1;
	const char *col;
	char msg[160];
	int err, rc;

	memset(out, 0, sizeof(*out));
	memset(prev, 0, sizeof(prev));
	if ((err = fl_hasher_new(&h)) < 0 ||
	    (err = fl_store_iter_new(&it, fl_ledger_store(l), NULL)) < 0)
		goto done;
	while ((rc = fl_store_iter_next(it, &row)) == 1) {
		if (row.seq != expect) {
			snprintf(msg, sizeof(msg), "missing (the next stored entry is %llu)",
				 (unsigned long long)row.seq);
			err = bad(out, expect, msg);
			goto done;
		}
		if (row.hash_len != FL_HASH_LEN || !row.canon || row.canon_len == 0) {
			err = bad(out, expect, "stored hash or bytes are malformed");
			goto done;
		}
		if ((err = fl_hasher_sha256(h, hash, row.canon, row.canon_len)) < 0)
			goto done;
		if (fl_digest_equal(hash, row.hash, FL_HASH_LEN) != 0) {
			err = bad(out, expect, "stored hash does not match the entry's bytes");
			goto done;
		}
		if (fl_entry_decode(&e, row.canon, row.canon_len) < 0) {
			snprintf(msg, sizeof(msg), "bytes do not decode: %.120s", fl_error_last());
			err = bad(out, expect, msg);
			goto done;
		}
		if (e.seq != row.seq) {
			snprintf(msg, sizeof(msg), "its bytes say it is entry %llu (rows moved?)",
				 (unsigned long long)e.seq);
			err = bad(out, expect, msg);
			goto done;
		}
		if (fl_digest_equal(e.prev, prev, FL_HASH_LEN) != 0) {
			err = bad(out, expect,
				  expect == 1 ? "the first entry's previous hash is not zero"
					      : "previous hash does not match the entry before it");
			goto done;
		}
		if ((col = column_mismatch(&row, &e)) != NULL) {
			snprintf(msg, sizeof(msg), "column '%s' disagrees with the entry's bytes",
				 col);
			err = bad(out, expect, msg);
			goto done;
		}
		memcpy(prev, hash, FL_HASH_LEN);
		memcpy(out->head, hash, FL_HASH_LEN);
		out->entries = expect;
		expect++;
	}
	err = rc < 0 ? rc : 0;
done:
	fl_store_iter_free(it);
	fl_hasher_free(h);
	return err;
}
