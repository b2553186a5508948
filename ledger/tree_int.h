/*
 * tree_int.h: the ledger's RFC 6962 Merkle tree kept in tiles in the store (private).
 *
 * Tile (t, i) holds the complete subtree hashes at tree level 8t with indices 256i .. 256i+n-1.
 * A writer appends leaf hashes in order and flushes the tiles it changed; a checker recomputes
 * the tiles from the entries and compares them with the stored ones; a reader answers
 * perfect-subtree queries for roots and proofs with O(log n) tile reads.
 */
#ifndef FUNDLEDGER_TREE_INT_H
#define FUNDLEDGER_TREE_INT_H

#include "fundledger/merkle.h"
#include "store_int.h"

#define FL_TILE_WIDTH 256
#define FL_TILE_HEIGHT 8
#define FL_TILE_LEVELS (FL_MERKLE_MAX_DEPTH / FL_TILE_HEIGHT)

typedef enum { FL_TREE_WRITE, FL_TREE_CHECK } fl_tree_mode;

typedef struct fl_tree fl_tree;

/*
 * A tree positioned after `size` leaves. In WRITE mode its right edge and partial tiles are
 * loaded from the store (which must hold the tiles of those leaves); in CHECK mode size must
 * be 0 and tiles are compared as they complete.
 */
int fl_tree_open(fl_tree **out, fl_store *s, fl_tree_mode mode, uint64_t size) FL_WARN_UNUSED;
int fl_tree_append(fl_tree *t, const fl_hash leaf) FL_WARN_UNUSED;
/* WRITE: stores the partial tiles changed since the last flush. CHECK: compares them. */
int fl_tree_flush(fl_tree *t) FL_WARN_UNUSED;
uint64_t fl_tree_size(const fl_tree *t);
int fl_tree_root(const fl_tree *t, fl_hash out) FL_WARN_UNUSED;
void fl_tree_free(fl_tree *t);

/* A reader of stored tiles, usable as an fl_merkle_node_fn context. */
typedef struct {
	fl_store *store;
	unsigned level;     /* cached tile */
	uint64_t idx;
	int have;
	fl_buf tile;
} fl_tree_reader;

void fl_tree_reader_init(fl_tree_reader *r, fl_store *s);
void fl_tree_reader_free(fl_tree_reader *r);
/* fl_merkle_node_fn over a reader: the hash of perfect subtree (level, index). */
int fl_tree_node(void *reader, unsigned level, uint64_t index, fl_hash out);

#endif
