/*
 * merkle.c: RFC 6962 Merkle trees. Hashing, the append frontier, proof generation over a
 * callback that supplies perfect-subtree hashes, and the RFC 9162 verification algorithms.
 *
 * Invariants: a frontier of size n holds, for each set bit L of n, the root of the perfect
 * subtree of the 2^L leaves that bit covers, the highest bit being the leftmost subtree.
 * Proof generation follows the RFC's recursive definitions over leaf ranges [lo, hi); the left
 * part of every split is a perfect aligned subtree, so it is one callback, and only the right
 * edge recurses.
 */
#include <string.h>

#include "fundledger/merkle.h"

int fl_merkle_leaf_hash(fl_hash out, const void *data, size_t len)
{
	return fl_sha256_prefixed(out, 0x00, data, len, NULL, 0);
}

int fl_merkle_node_hash(fl_hash out, const fl_hash left, const fl_hash right)
{
	return fl_sha256_prefixed(out, 0x01, left, FL_HASH_LEN, right, FL_HASH_LEN);
}

void fl_merkle_frontier_init(fl_merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

int fl_merkle_frontier_append(fl_merkle_frontier *f, const fl_hash leaf, fl_merkle_complete_fn fn,
			      void *ctx)
{
	fl_hash carry;
	unsigned level = 0;
	uint64_t index = f->size;
	int err;

	if (f->size == UINT64_MAX >> 1)
		return fl_error_set(FL_ERANGE, "Merkle tree is full");
	memcpy(carry, leaf, FL_HASH_LEN);
	while (f->size >> level & 1) {
		if ((err = fl_merkle_node_hash(carry, f->level[level], carry)) < 0)
			return err;
		level++;
		index >>= 1;
		if (fn && (err = fn(ctx, level, index, carry)) < 0)
			return err;
	}
	memcpy(f->level[level], carry, FL_HASH_LEN);
	f->size++;
	return 0;
}

int fl_merkle_frontier_root(const fl_merkle_frontier *f, fl_hash out)
{
	fl_hash acc;
	int have = 0, err;
	if (f->size == 0)
		return fl_sha256(out, "", 0);
	for (unsigned l = 0; l < FL_MERKLE_MAX_DEPTH; l++) {
		if (!(f->size >> l & 1))
			continue;
		if (!have) {
			memcpy(acc, f->level[l], FL_HASH_LEN);
			have = 1;
		} else if ((err = fl_merkle_node_hash(acc, f->level[l], acc)) < 0) {
			return err;
		}
	}
	memcpy(out, acc, FL_HASH_LEN);
	return 0;
}

/* The largest power of two strictly less than n (2 <= n <= FL_MERKLE_MAX_SIZE). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k)
		k <<= 1;
	return k;
}

static int size_check(uint64_t size)
{
	if (size > FL_MERKLE_MAX_SIZE)
		return fl_error_set(FL_EINVALID, "tree size %llu is beyond 2^63",
				    (unsigned long long)size);
	return 0;
}

static unsigned log2_exact(uint64_t n)
{
	unsigned l = 0;
	while ((UINT64_C(1) << l) < n)
		l++;
	return l;
}

/* MTH of leaves [lo, hi); lo is aligned to the largest power of two not above hi - lo. */
static int range_hash(fl_merkle_node_fn fn, void *ctx, uint64_t lo, uint64_t hi, fl_hash out)
{
	uint64_t n = hi - lo, k;
	fl_hash left, right;
	int err;
	if ((n & (n - 1)) == 0 && lo % n == 0)
		return fn(ctx, log2_exact(n), lo / n, out);
	k = split_point(n);
	if ((err = range_hash(fn, ctx, lo, lo + k, left)) < 0 ||
	    (err = range_hash(fn, ctx, lo + k, hi, right)) < 0)
		return err;
	return fl_merkle_node_hash(out, left, right);
}

int fl_merkle_root(fl_merkle_node_fn fn, void *ctx, uint64_t size, fl_hash out)
{
	if (size_check(size) < 0)
		return FL_EINVALID;
	if (size == 0)
		return fl_sha256(out, "", 0);
	return range_hash(fn, ctx, 0, size, out);
}

/* PATH(m, D[lo:hi]), appended to out from the leaf up (RFC 6962 2.1.1). */
static int path(fl_merkle_node_fn fn, void *ctx, uint64_t m, uint64_t lo, uint64_t hi,
		fl_hash *out, size_t *n)
{
	uint64_t k;
	int err;
	if (hi - lo == 1)
		return 0;
	k = split_point(hi - lo);
	if (m - lo < k) {
		if ((err = path(fn, ctx, m, lo, lo + k, out, n)) < 0)
			return err;
		err = range_hash(fn, ctx, lo + k, hi, out[*n]);
	} else {
		if ((err = path(fn, ctx, m, lo + k, hi, out, n)) < 0)
			return err;
		err = range_hash(fn, ctx, lo, lo + k, out[*n]);
	}
	if (err == 0)
		(*n)++;
	return err;
}

int fl_merkle_inclusion_proof(fl_merkle_node_fn fn, void *ctx, uint64_t index, uint64_t size,
			      fl_hash *out, size_t *n)
{
	*n = 0;
	if (size_check(size) < 0)
		return FL_EINVALID;
	if (index >= size)
		return fl_error_set(FL_EINVALID, "index %llu is not below tree size %llu",
				    (unsigned long long)index, (unsigned long long)size);
	return path(fn, ctx, index, 0, size, out, n);
}

/* SUBPROOF(m, D[lo:hi], b), RFC 6962 2.1.2. */
static int subproof(fl_merkle_node_fn fn, void *ctx, uint64_t m, uint64_t lo, uint64_t hi, int b,
		    fl_hash *out, size_t *n)
{
	uint64_t k, len = hi - lo;
	int err;
	if (m == len) {
		if (b)
			return 0;
		if ((err = range_hash(fn, ctx, lo, hi, out[*n])) < 0)
			return err;
		(*n)++;
		return 0;
	}
	k = split_point(len);
	if (m <= k) {
		if ((err = subproof(fn, ctx, m, lo, lo + k, b, out, n)) < 0)
			return err;
		err = range_hash(fn, ctx, lo + k, hi, out[*n]);
	} else {
		if ((err = subproof(fn, ctx, m - k, lo + k, hi, 0, out, n)) < 0)
			return err;
		err = range_hash(fn, ctx, lo, lo + k, out[*n]);
	}
	if (err == 0)
		(*n)++;
	return err;
}

int fl_merkle_consistency_proof(fl_merkle_node_fn fn, void *ctx, uint64_t size1, uint64_t size2,
				fl_hash *out, size_t *n)
{
	*n = 0;
	if (size_check(size2) < 0)
		return FL_EINVALID;
	if (size1 == 0 || size1 > size2)
		return fl_error_set(FL_EINVALID, "no consistency proof from size %llu to %llu",
				    (unsigned long long)size1, (unsigned long long)size2);
	if (size1 == size2)
		return 0;
	return subproof(fn, ctx, size1, 0, size2, 1, out, n);
}

static int fail(const char *what)
{
	return fl_error_set(FL_EVERIFY, "%s", what);
}

int fl_merkle_verify_inclusion(const fl_hash leaf, uint64_t index, uint64_t size,
			       const fl_hash *proof, size_t n, const fl_hash root)
{
	uint64_t fn = index, sn = size - 1;
	fl_hash r;
	int err;

	if (index >= size)
		return fail("inclusion proof: index is not below the tree size");
	memcpy(r, leaf, FL_HASH_LEN);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return fail("inclusion proof: too many hashes");
		if ((fn & 1) || fn == sn) {
			if ((err = fl_merkle_node_hash(r, proof[i], r)) < 0)
				return err;
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if ((err = fl_merkle_node_hash(r, r, proof[i])) < 0) {
			return err;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return fail("inclusion proof: too few hashes");
	if (fl_digest_equal(r, root, FL_HASH_LEN) != 0)
		return fail("inclusion proof: computed root does not match");
	return 0;
}

int fl_merkle_verify_consistency(uint64_t size1, uint64_t size2, const fl_hash root1,
				 const fl_hash root2, const fl_hash *proof, size_t n)
{
	uint64_t fn, sn;
	fl_hash fr, sr;
	size_t i = 0;
	int err;

	if (size1 == 0 || size1 > size2)
		return fail("consistency proof: sizes are not 0 < first <= second");
	if (size1 == size2) {
		if (n != 0)
			return fail("consistency proof: must be empty for equal sizes");
		if (fl_digest_equal(root1, root2, FL_HASH_LEN) != 0)
			return fail("consistency proof: equal sizes with different roots");
		return 0;
	}
	/* If size1 is a power of two, the first tree's root is the proof's implicit start. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, FL_HASH_LEN);
		memcpy(sr, root1, FL_HASH_LEN);
	} else {
		if (n == 0)
			return fail("consistency proof: empty");
		memcpy(fr, proof[0], FL_HASH_LEN);
		memcpy(sr, proof[0], FL_HASH_LEN);
		i = 1;
	}
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return fail("consistency proof: too many hashes");
		if ((fn & 1) || fn == sn) {
			if ((err = fl_merkle_node_hash(fr, proof[i], fr)) < 0 ||
			    (err = fl_merkle_node_hash(sr, proof[i], sr)) < 0)
				return err;
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if ((err = fl_merkle_node_hash(sr, sr, proof[i])) < 0) {
			return err;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return fail("consistency proof: too few hashes");
	if (fl_digest_equal(fr, root1, FL_HASH_LEN) != 0)
		return fail("consistency proof: does not lead to the first root");
	if (fl_digest_equal(sr, root2, FL_HASH_LEN) != 0)
		return fail("consistency proof: does not lead to the second root");
	return 0;
}
