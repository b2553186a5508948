/*
 * merkle.h: RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.
 *
 *   leaf hash  = SHA-256(0x00 || leaf bytes)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH of n > 1 leaves = node(MTH(first k), MTH(rest)), k the largest power of two < n
 *   MTH of no leaves    = SHA-256("")
 *
 * Proof generation reads the hashes of perfect, aligned subtrees (level L, index i: leaves
 * i*2^L .. (i+1)*2^L - 1) through a callback, so the caller decides how they are stored; a
 * root, an inclusion proof or a consistency proof each needs O(log n) of them.
 */
#ifndef FUNDLEDGER_MERKLE_H
#define FUNDLEDGER_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"

/* The deepest tree: 2^63 leaves; proofs hold at most this many hashes (twice for consistency). */
#define FL_MERKLE_MAX_DEPTH 64
#define FL_MERKLE_MAX_PROOF (2 * FL_MERKLE_MAX_DEPTH)
/* The largest tree size proofs and roots are computed for. */
#define FL_MERKLE_MAX_SIZE (UINT64_C(1) << 63)

typedef unsigned char fl_hash[FL_HASH_LEN];

int fl_merkle_leaf_hash(fl_hash out, const void *data, size_t len) FL_WARN_UNUSED;
int fl_merkle_node_hash(fl_hash out, const fl_hash left, const fl_hash right) FL_WARN_UNUSED;

/*
 * The right edge of a tree ("compact range"): for each set bit L of size, the root of the
 * perfect subtree of 2^L leaves that the bit stands for. Appending is O(log n) amortised O(1).
 */
typedef struct {
	uint64_t size;
	fl_hash level[FL_MERKLE_MAX_DEPTH];
} fl_merkle_frontier;

/* Called for each perfect subtree completed by an append (level >= 1), bottom up. */
typedef int (*fl_merkle_complete_fn)(void *ctx, unsigned level, uint64_t index, const fl_hash h);

void fl_merkle_frontier_init(fl_merkle_frontier *f);
/* Appends a leaf hash; fn (may be NULL) sees the subtrees it completes. */
int fl_merkle_frontier_append(fl_merkle_frontier *f, const fl_hash leaf, fl_merkle_complete_fn fn,
			      void *ctx) FL_WARN_UNUSED;
/* The root of the tree of f->size leaves. */
int fl_merkle_frontier_root(const fl_merkle_frontier *f, fl_hash out) FL_WARN_UNUSED;

/* Supplies the hash of the perfect subtree (level, index); 0 or a negative code. */
typedef int (*fl_merkle_node_fn)(void *ctx, unsigned level, uint64_t index, fl_hash out);

/* The root of the first `size` leaves. */
int fl_merkle_root(fl_merkle_node_fn fn, void *ctx, uint64_t size, fl_hash out) FL_WARN_UNUSED;

/*
 * RFC 6962 PATH(index, D[size]) into out[FL_MERKLE_MAX_PROOF]; *n its length. FL_EINVALID when
 * index >= size.
 */
int fl_merkle_inclusion_proof(fl_merkle_node_fn fn, void *ctx, uint64_t index, uint64_t size,
			      fl_hash *out, size_t *n) FL_WARN_UNUSED;

/* RFC 6962 PROOF(size1, D[size2]); FL_EINVALID unless 0 < size1 <= size2. */
int fl_merkle_consistency_proof(fl_merkle_node_fn fn, void *ctx, uint64_t size1, uint64_t size2,
				fl_hash *out, size_t *n) FL_WARN_UNUSED;

/*
 * RFC 9162 2.1.3.2: 0 when `path` proves that `leaf` (a leaf hash) is at `index` in the tree
 * of `size` leaves with `root`; FL_EVERIFY otherwise.
 */
int fl_merkle_verify_inclusion(const fl_hash leaf, uint64_t index, uint64_t size,
			       const fl_hash *path, size_t n, const fl_hash root) FL_WARN_UNUSED;

/*
 * RFC 9162 2.1.4.2: 0 when `path` proves that the tree of size1 leaves with root1 is a prefix
 * of the tree of size2 leaves with root2; FL_EVERIFY otherwise (including size1 = 0 or
 * size1 > size2, and a non-empty path when size1 = size2).
 */
int fl_merkle_verify_consistency(uint64_t size1, uint64_t size2, const fl_hash root1,
				 const fl_hash root2, const fl_hash *path, size_t n) FL_WARN_UNUSED;

#endif
