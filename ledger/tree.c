/*
 * tree.c: the Merkle tree of the ledger, stored as tiles (tree_int.h).
 *
 * Invariants of a WRITE tree of size n: frontier holds the perfect subtree roots of n;
 * for each tile level t with (n >> 8t) > 0, buf[t] holds the (n >> 8t) % 256 complete hashes
 * of the current, partial tile idx[t] = n >> (8t + 8); full tiles are written as soon as they
 * fill. A CHECK tree starts empty and compares instead of writing.
 */
#include <stdlib.h>
#include <string.h>

#include "tree_int.h"

struct fl_tree {
	fl_store *store;
	fl_tree_mode mode;
	fl_merkle_frontier frontier;
	unsigned char buf[FL_TILE_LEVELS][FL_TILE_WIDTH * FL_HASH_LEN];
	size_t width[FL_TILE_LEVELS];
	uint64_t idx[FL_TILE_LEVELS];
	int dirty[FL_TILE_LEVELS];
	fl_buf scratch;
};

void fl_tree_reader_init(fl_tree_reader *r, fl_store *s)
{
	memset(r, 0, sizeof(*r));
	r->store = s;
}

void fl_tree_reader_free(fl_tree_reader *r)
{
	fl_buf_free(&r->tile);
}

static int load_tile(fl_tree_reader *r, unsigned level, uint64_t idx)
{
	int err;
	if (r->have && r->level == level && r->idx == idx)
		return 0;
	r->have = 0;
	err = fl_store_tile_get(r->store, level, idx, &r->tile);
	if (err == FL_ENOTFOUND)
		return fl_error_set(FL_ECORRUPT, "Merkle tile %u/%llu is missing", level,
				    (unsigned long long)idx);
	if (err < 0)
		return err;
	if (r->tile.len == 0 || r->tile.len % FL_HASH_LEN || r->tile.len > FL_TILE_WIDTH * FL_HASH_LEN)
		return fl_error_set(FL_ECORRUPT, "Merkle tile %u/%llu has a bad length", level,
				    (unsigned long long)idx);
	r->have = 1;
	r->level = level;
	r->idx = idx;
	return 0;
}

/* Root of the 2^height hashes at h (consumed as scratch space). */
static int reduce(unsigned char *h, unsigned height, fl_hash out)
{
	size_t n = (size_t)1 << height;
	int err;
	while (n > 1) {
		for (size_t i = 0; i < n / 2; i++)
			if ((err = fl_merkle_node_hash(h + i * FL_HASH_LEN, h + 2 * i * FL_HASH_LEN,
						       h + (2 * i + 1) * FL_HASH_LEN)) < 0)
				return err;
		n /= 2;
	}
	memcpy(out, h, FL_HASH_LEN);
	return 0;
}

int fl_tree_node(void *ctx, unsigned level, uint64_t index, fl_hash out)
{
	fl_tree_reader *r = ctx;
	unsigned t = level / FL_TILE_HEIGHT, rem = level % FL_TILE_HEIGHT;
	uint64_t first = index << rem;
	size_t slot = (size_t)(first % FL_TILE_WIDTH), count = (size_t)1 << rem;
	unsigned char tmp[(FL_TILE_WIDTH / 2) * FL_HASH_LEN];
	int err;

	if (t >= FL_TILE_LEVELS || (rem && index >> (64 - rem)))
		return fl_error_set(FL_EINVALID, "Merkle node %u/%llu out of range", level,
				    (unsigned long long)index);
	if ((err = load_tile(r, t, first / FL_TILE_WIDTH)) < 0)
		return err;
	if ((slot + count) * FL_HASH_LEN > r->tile.len)
		return fl_error_set(FL_ECORRUPT, "Merkle tile %u/%llu is too short for node %u/%llu",
				    t, (unsigned long long)(first / FL_TILE_WIDTH), level,
				    (unsigned long long)index);
	if (rem == 0) {
		memcpy(out, r->tile.data + slot * FL_HASH_LEN, FL_HASH_LEN);
		return 0;
	}
	memcpy(tmp, r->tile.data + slot * FL_HASH_LEN, count * FL_HASH_LEN);
	return reduce(tmp, rem, out);
}

/* Stores (WRITE) or compares (CHECK) tile t as it is now. */
static int emit_tile(fl_tree *t, unsigned level)
{
	size_t len = t->width[level] * FL_HASH_LEN;
	int err;
	if (t->mode == FL_TREE_WRITE)
		return fl_store_tile_put(t->store, level, t->idx[level], t->buf[level], len);
	err = fl_store_tile_get(t->store, level, t->idx[level], &t->scratch);
	if (err == FL_ENOTFOUND || (err == 0 && (t->scratch.len != len ||
						 memcmp(t->scratch.data, t->buf[level], len) != 0)))
		return fl_error_set(FL_EVERIFY, "Merkle tile %u/%llu does not match the entries",
				    level, (unsigned long long)t->idx[level]);
	return err;
}

static int tile_add(fl_tree *t, unsigned level, const fl_hash h)
{
	int err;
	memcpy(t->buf[level] + t->width[level] * FL_HASH_LEN, h, FL_HASH_LEN);
	t->width[level]++;
	t->dirty[level] = 1;
	if (t->width[level] == FL_TILE_WIDTH) {
		if ((err = emit_tile(t, level)) < 0)
			return err;
		t->width[level] = 0;
		t->dirty[level] = 0;
		t->idx[level]++;
	}
	return 0;
}

static int completed(void *ctx, unsigned level, uint64_t index, const fl_hash h)
{
	(void)index;
	if (level % FL_TILE_HEIGHT != 0 || level / FL_TILE_HEIGHT >= FL_TILE_LEVELS)
		return 0;
	return tile_add(ctx, level / FL_TILE_HEIGHT, h);
}

int fl_tree_open(fl_tree **out, fl_store *s, fl_tree_mode mode, uint64_t size)
{
	fl_tree *t = calloc(1, sizeof(*t));
	fl_tree_reader r;
	uint64_t start = 0;
	int err = 0;

	if (!t)
		return fl_error_set(FL_ENOMEM, "out of memory");
	t->store = s;
	t->mode = mode;
	fl_merkle_frontier_init(&t->frontier);
	if (mode == FL_TREE_CHECK && size != 0) {
		free(t);
		return fl_error_set(FL_EINVALID, "a checking tree starts empty");
	}
	fl_tree_reader_init(&r, s);
	/* The right edge: one perfect subtree per set bit, largest first. */
	for (int l = FL_MERKLE_MAX_DEPTH - 1; l >= 0 && err == 0; l--) {
		if (!(size >> l & 1))
			continue;
		err = fl_tree_node(&r, (unsigned)l, start >> l, t->frontier.level[l]);
		start += UINT64_C(1) << l;
	}
	t->frontier.size = size;
	/* The partial tile at each level. */
	for (unsigned lv = 0; lv < FL_TILE_LEVELS && err == 0; lv++) {
		uint64_t nodes = size >> (lv * FL_TILE_HEIGHT);
		if (nodes == 0)
			break;
		t->idx[lv] = nodes / FL_TILE_WIDTH;
		t->width[lv] = (size_t)(nodes % FL_TILE_WIDTH);
		if (t->width[lv] == 0)
			continue;
		if ((err = load_tile(&r, lv, t->idx[lv])) < 0)
			break;
		if (r.tile.len < t->width[lv] * FL_HASH_LEN) {
			err = fl_error_set(FL_ECORRUPT, "Merkle tile %u/%llu is shorter than the ledger",
					   lv, (unsigned long long)t->idx[lv]);
			break;
		}
		memcpy(t->buf[lv], r.tile.data, t->width[lv] * FL_HASH_LEN);
	}
	fl_tree_reader_free(&r);
	if (err < 0) {
		fl_tree_free(t);
		return err;
	}
	*out = t;
	return 0;
}

int fl_tree_append(fl_tree *t, const fl_hash leaf)
{
	int err;
	if ((err = tile_add(t, 0, leaf)) < 0)
		return err;
	return fl_merkle_frontier_append(&t->frontier, leaf, completed, t);
}

int fl_tree_flush(fl_tree *t)
{
	int err;
	for (unsigned lv = 0; lv < FL_TILE_LEVELS; lv++) {
		if (!t->dirty[lv] || t->width[lv] == 0)
			continue;
		if ((err = emit_tile(t, lv)) < 0)
			return err;
		t->dirty[lv] = 0;
	}
	return 0;
}

uint64_t fl_tree_size(const fl_tree *t)
{
	return t->frontier.size;
}

int fl_tree_root(const fl_tree *t, fl_hash out)
{
	return fl_merkle_frontier_root(&t->frontier, out);
}

void fl_tree_free(fl_tree *t)
{
	if (!t)
		return;
	fl_buf_free(&t->scratch);
	free(t);
}
