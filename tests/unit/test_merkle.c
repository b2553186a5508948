/*
 * test_merkle.c: unit tests for merkle.h (RFC 6962 hashing, the append frontier, proof
 * generation over a node callback, RFC 9162 verification).
 *
 * Known answers: tests/vectors/merkle/reference-tree.txt holds the published roots, perfect-
 * subtree hashes, inclusion and consistency proofs of the 8-leaf RFC 6962 reference tree, and
 * node-structure.txt the published proof shapes of some larger trees (sources in the README
 * there). Beyond those, every result is compared with an independent reference written in this
 * file straight from the recursive definitions of RFC 6962 section 2.1 (MTH, PATH, SUBPROOF),
 * hashing with fl_sha256 rather than the module's own hash helpers. Its verifiers rebuild the
 * roots by walking the tree shape top-down, so they share nothing with the bit arithmetic of
 * RFC 9162 that the library implements. The brute force runs every size up to N_MAX leaves.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/crypto.h"
#include "fundledger/error.h"
#include "fundledger/merkle.h"

#define VEC "tests/vectors/merkle/"
#define N_MAX 70
#define MAX_VEC 96
#define MAX_TOK 16

static const char EMPTY_SHA256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* ---- helpers ---- */

static void hex_of(char out[FL_HASH_HEX_LEN + 1], const fl_hash h)
{
	fl_hex_encode(out, h, FL_HASH_LEN);
}

static void from_hex(fl_hash out, const char *hex)
{
	assert_int_equal(strlen(hex), FL_HASH_HEX_LEN);
	assert_int_equal(fl_hex_decode(out, FL_HASH_LEN, hex, FL_HASH_HEX_LEN), 0);
}

static void expect_hash_at(int line, const char *what, const fl_hash got, const fl_hash want)
{
	char g[FL_HASH_HEX_LEN + 1], w[FL_HASH_HEX_LEN + 1];
	if (memcmp(got, want, FL_HASH_LEN) == 0)
		return;
	hex_of(g, got);
	hex_of(w, want);
	fail_msg("line %d: %s: got %s, want %s", line, what, g, w);
}
#define EXPECT_HASH(what, got, want) expect_hash_at(__LINE__, (what), (got), (want))

static void expect_proof_at(int line, const char *what, fl_hash *got, size_t n_got, fl_hash *want,
			    size_t n_want)
{
	if (n_got != n_want)
		fail_msg("line %d: %s: %zu hashes, want %zu", line, what, n_got, n_want);
	for (size_t i = 0; i < n_got; i++)
		if (memcmp(got[i], want[i], FL_HASH_LEN) != 0) {
			char g[FL_HASH_HEX_LEN + 1], w[FL_HASH_HEX_LEN + 1];
			hex_of(g, got[i]);
			hex_of(w, want[i]);
			fail_msg("line %d: %s: hash %zu is %s, want %s", line, what, i, g, w);
		}
}
#define EXPECT_PROOF(what, g, ng, w, nw) expect_proof_at(__LINE__, (what), (g), (ng), (w), (nw))

/*
 * The verifiers, taking the proof as a non-const array: passing an fl_hash array where
 * merkle.h wants "const fl_hash *" is a constraint violation in ISO C before C23 (pointers to
 * arrays with different qualifiers), which -Wpedantic -Werror rejects, so the cast lives here.
 */
static int vinc(const unsigned char *leaf, uint64_t index, uint64_t size, fl_hash *p, size_t n,
		const unsigned char *root)
{
	return fl_merkle_verify_inclusion(leaf, index, size, (const fl_hash *)p, n, root);
}

static int vcons(uint64_t size1, uint64_t size2, const unsigned char *root1,
		 const unsigned char *root2, fl_hash *p, size_t n)
{
	return fl_merkle_verify_consistency(size1, size2, root1, root2, (const fl_hash *)p, n);
}

/* ---- the independent reference (RFC 6962 section 2.1, recursive) ---- */

/* SHA-256(0x00 || data) and SHA-256(0x01 || l || r) through plain fl_sha256. */
static void ref_leaf(fl_hash out, const unsigned char *data, size_t len)
{
	unsigned char buf[1 + 64];
	assert_true(len <= 64);
	buf[0] = 0x00;
	if (len)
		memcpy(buf + 1, data, len);
	assert_int_equal(fl_sha256(out, buf, 1 + len), 0);
}

static void ref_node(fl_hash out, const fl_hash l, const fl_hash r)
{
	unsigned char buf[1 + 2 * FL_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, l, FL_HASH_LEN);
	memcpy(buf + 1 + FL_HASH_LEN, r, FL_HASH_LEN);
	assert_int_equal(fl_sha256(out, buf, sizeof(buf)), 0);
}

/* The largest power of two strictly below n (n >= 2), by the definition. */
static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

typedef struct {
	size_t n;
	fl_hash leaf[N_MAX];
	fl_hash mth[N_MAX + 1][N_MAX + 1];
	unsigned char have[N_MAX + 1][N_MAX + 1];
} ref_tree;

static ref_tree REF8;	/* the published reference tree */
static ref_tree REFBIG; /* N_MAX generated leaves */

/* MTH(D[lo:hi]), memoised. */
static const unsigned char *ref_mth(ref_tree *t, size_t lo, size_t hi)
{
	assert_true(lo <= hi && hi <= t->n);
	if (!t->have[lo][hi]) {
		if (hi == lo) {
			assert_int_equal(fl_sha256(t->mth[lo][hi], "", 0), 0);
		} else if (hi - lo == 1) {
			memcpy(t->mth[lo][hi], t->leaf[lo], FL_HASH_LEN);
		} else {
			size_t k = (size_t)ref_split(hi - lo);
			fl_hash l, r;
			memcpy(l, ref_mth(t, lo, lo + k), FL_HASH_LEN);
			memcpy(r, ref_mth(t, lo + k, hi), FL_HASH_LEN);
			ref_node(t->mth[lo][hi], l, r);
		}
		t->have[lo][hi] = 1;
	}
	return t->mth[lo][hi];
}

/* PATH(m, D[lo:hi]) appended to out. */
static void ref_path(ref_tree *t, size_t m, size_t lo, size_t hi, fl_hash *out, size_t *n)
{
	size_t k;
	if (hi - lo == 1)
		return;
	k = (size_t)ref_split(hi - lo);
	if (m < lo + k) {
		ref_path(t, m, lo, lo + k, out, n);
		memcpy(out[(*n)++], ref_mth(t, lo + k, hi), FL_HASH_LEN);
	} else {
		ref_path(t, m, lo + k, hi, out, n);
		memcpy(out[(*n)++], ref_mth(t, lo, lo + k), FL_HASH_LEN);
	}
}

/* SUBPROOF(m, D[lo:hi], b) appended to out. */
static void ref_subproof(ref_tree *t, size_t m, size_t lo, size_t hi, int b, fl_hash *out,
			 size_t *n)
{
	size_t k;
	if (m == hi - lo) {
		if (!b)
			memcpy(out[(*n)++], ref_mth(t, lo, hi), FL_HASH_LEN);
		return;
	}
	k = (size_t)ref_split(hi - lo);
	if (m <= k) {
		ref_subproof(t, m, lo, lo + k, b, out, n);
		memcpy(out[(*n)++], ref_mth(t, lo + k, hi), FL_HASH_LEN);
	} else {
		ref_subproof(t, m - k, lo + k, hi, 0, out, n);
		memcpy(out[(*n)++], ref_mth(t, lo, lo + k), FL_HASH_LEN);
	}
}

static void ref_consistency(ref_tree *t, size_t m, size_t nn, fl_hash *out, size_t *n)
{
	*n = 0;
	if (m < nn)
		ref_subproof(t, m, 0, nn, 1, out, n);
}

/*
 * The verifiers of the reference: rebuild the root(s) from the proof by following the shape
 * of the tree top-down, consuming hashes in the order PATH and SUBPROOF emit them.
 * Return 1 when the proof holds, 0 otherwise.
 */
static int rebuild_path(uint64_t m, uint64_t lo, uint64_t hi, const fl_hash leaf, fl_hash *p,
			size_t n, size_t *used, fl_hash out)
{
	uint64_t k;
	fl_hash sub;
	if (hi - lo == 1) {
		memcpy(out, leaf, FL_HASH_LEN);
		return 1;
	}
	k = ref_split(hi - lo);
	if (m - lo < k) {
		if (!rebuild_path(m, lo, lo + k, leaf, p, n, used, sub))
			return 0;
	} else if (!rebuild_path(m, lo + k, hi, leaf, p, n, used, sub)) {
		return 0;
	}
	if (*used >= n)
		return 0;
	if (m - lo < k)
		ref_node(out, sub, p[*used]);
	else
		ref_node(out, p[*used], sub);
	(*used)++;
	return 1;
}

static int ref_verify_inclusion(const fl_hash leaf, uint64_t index, uint64_t size, fl_hash *p,
				size_t n, const fl_hash root)
{
	fl_hash got;
	size_t used = 0;
	if (index >= size || !rebuild_path(index, 0, size, leaf, p, n, &used, got))
		return 0;
	return used == n && memcmp(got, root, FL_HASH_LEN) == 0;
}

/* Rebuilds (old part, new part) of D[lo:hi] holding the first m leaves of the old tree. */
static int rebuild_sub(uint64_t m, uint64_t lo, uint64_t hi, int b, const fl_hash root1, fl_hash *p,
		       size_t n, size_t *used, fl_hash old, fl_hash nw)
{
	uint64_t k;
	fl_hash o, w;
	if (m == hi - lo) {
		if (b) {
			memcpy(old, root1, FL_HASH_LEN);
			memcpy(nw, root1, FL_HASH_LEN);
			return 1;
		}
		if (*used >= n)
			return 0;
		memcpy(old, p[*used], FL_HASH_LEN);
		memcpy(nw, p[*used], FL_HASH_LEN);
		(*used)++;
		return 1;
	}
	k = ref_split(hi - lo);
	if (m <= k) {
		if (!rebuild_sub(m, lo, lo + k, b, root1, p, n, used, o, w) || *used >= n)
			return 0;
		memcpy(old, o, FL_HASH_LEN);
		ref_node(nw, w, p[*used]);
	} else {
		if (!rebuild_sub(m - k, lo + k, hi, 0, root1, p, n, used, o, w) || *used >= n)
			return 0;
		ref_node(old, p[*used], o);
		ref_node(nw, p[*used], w);
	}
	(*used)++;
	return 1;
}

static int ref_verify_consistency(uint64_t m, uint64_t nn, const fl_hash root1, const fl_hash root2,
				  fl_hash *p, size_t n)
{
	fl_hash old, nw;
	size_t used = 0;
	if (m == 0 || m > nn)
		return 0;
	if (m == nn)
		return n == 0 && memcmp(root1, root2, FL_HASH_LEN) == 0;
	if (!rebuild_sub(m, 0, nn, 1, root1, p, n, &used, old, nw))
		return 0;
	return used == n && memcmp(old, root1, FL_HASH_LEN) == 0 &&
	       memcmp(nw, root2, FL_HASH_LEN) == 0;
}

/* ---- node callbacks ---- */

/* Serves perfect subtrees of a ref_tree, refusing any beyond `limit` leaves. */
typedef struct {
	ref_tree *t;
	uint64_t limit;
	unsigned calls;
	int beyond;	/* a subtree outside the tree was requested */
	int fail_after; /* > 0: return FL_EIO on that call */
} tree_ctx;

static int tree_node(void *vctx, unsigned level, uint64_t index, fl_hash out)
{
	tree_ctx *c = vctx;
	c->calls++;
	if (c->fail_after > 0 && c->calls >= (unsigned)c->fail_after)
		return fl_error_set(FL_EIO, "node store unavailable");
	if (level >= 63 || index >= (c->limit >> level) || ((index + 1) << level) > c->limit) {
		c->beyond = 1;
		return fl_error_set(FL_EINVALID, "subtree (%u, %llu) is outside the tree", level,
				    (unsigned long long)index);
	}
	memcpy(out, ref_mth(c->t, (size_t)(index << level), (size_t)((index + 1) << level)),
	       FL_HASH_LEN);
	return 0;
}

static tree_ctx tree_at(ref_tree *t, uint64_t limit)
{
	tree_ctx c;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.limit = limit;
	return c;
}

/* ---- the vector files ---- */

typedef struct {
	unsigned level;
	uint64_t index;
	fl_hash h;
} node_vec;

typedef struct {
	int line;
	uint64_t a, b; /* index and size, or size1 and size2 */
	char tok[MAX_TOK][200];
	size_t n;
} proof_vec;

typedef struct {
	unsigned char leaf[8][16];
	size_t leaf_len[8];
	size_t n_leaves;
	fl_hash root[9];
	int have_root[9];
	node_vec node[32];
	size_t n_nodes;
	proof_vec inc[MAX_VEC], cons[MAX_VEC];
	size_t n_inc, n_cons;
} vectors;

static vectors V;     /* reference-tree.txt */
static vectors SHAPE; /* node-structure.txt */

static void load_vectors(vectors *v, const char *file)
{
	char path[256], line[4096];
	int lineno = 0;
	FILE *f;

	memset(v, 0, sizeof(*v));
	snprintf(path, sizeof(path), VEC "%s", file);
	if (!(f = fopen(path, "r")))
		fail_msg("cannot open %s (run from the source root)", path);
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *w;
		size_t len = strlen(line);
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (len == 0 || line[0] == '#')
			continue;
		w = strtok_r(line, " ", &save);
		if (strcmp(w, "leaf") == 0) {
			unsigned i = (unsigned)atoi(strtok_r(NULL, " ", &save));
			char *hex = strtok_r(NULL, " ", &save);
			assert_true(i < 8 && i == v->n_leaves);
			if (strcmp(hex, "-") != 0) {
				v->leaf_len[i] = strlen(hex) / 2;
				assert_int_equal(
				    fl_hex_decode(v->leaf[i], v->leaf_len[i], hex, strlen(hex)), 0);
			}
			v->n_leaves++;
		} else if (strcmp(w, "root") == 0) {
			unsigned s = (unsigned)atoi(strtok_r(NULL, " ", &save));
			assert_true(s <= 8);
			from_hex(v->root[s], strtok_r(NULL, " ", &save));
			v->have_root[s] = 1;
		} else if (strcmp(w, "node") == 0) {
			node_vec *nv = &v->node[v->n_nodes++];
			nv->level = (unsigned)atoi(strtok_r(NULL, " ", &save));
			nv->index = (uint64_t)atoll(strtok_r(NULL, " ", &save));
			from_hex(nv->h, strtok_r(NULL, " ", &save));
		} else if (strcmp(w, "inclusion") == 0 || strcmp(w, "consistency") == 0) {
			int inc = w[0] == 'i';
			proof_vec *p = inc ? &v->inc[v->n_inc++] : &v->cons[v->n_cons++];
			assert_true(v->n_inc <= MAX_VEC && v->n_cons <= MAX_VEC);
			p->line = lineno;
			p->a = (uint64_t)atoll(strtok_r(NULL, " ", &save));
			p->b = (uint64_t)atoll(strtok_r(NULL, " ", &save));
			while ((w = strtok_r(NULL, " ", &save))) {
				assert_true(p->n < MAX_TOK && strlen(w) < sizeof(p->tok[0]));
				strcpy(p->tok[p->n++], w);
			}
		} else {
			fail_msg("%s:%d: unknown directive %s", path, lineno, w);
		}
	}
	fclose(f);
}

/* How a node reference LEVEL.INDEX resolves: the published table, or a symbolic hash. */
typedef void (*resolve_fn)(unsigned level, uint64_t index, fl_hash out);

static void resolve_published(unsigned level, uint64_t index, fl_hash out)
{
	for (size_t i = 0; i < V.n_nodes; i++)
		if (V.node[i].level == level && V.node[i].index == index) {
			memcpy(out, V.node[i].h, FL_HASH_LEN);
			return;
		}
	fail_msg("no published node %u.%llu", level, (unsigned long long)index);
}

/* A stand-in hash per perfect subtree: SHA-256("sym LEVEL.INDEX"). */
static void resolve_symbolic(unsigned level, uint64_t index, fl_hash out)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "sym %u.%llu", level, (unsigned long long)index);
	assert_int_equal(fl_sha256(out, s, (size_t)n), 0);
}

static void token_hash(const char *tok, resolve_fn resolve, fl_hash out)
{
	char copy[200], *parts[16], *save = NULL, *w;
	size_t n = 0;
	if (strlen(tok) == FL_HASH_HEX_LEN && !strchr(tok, '.')) {
		from_hex(out, tok);
		return;
	}
	strcpy(copy, tok);
	for (w = strtok_r(copy, "+", &save); w; w = strtok_r(NULL, "+", &save))
		parts[n++] = w;
	assert_true(n >= 1);
	for (size_t i = n; i-- > 0;) {
		char *dot = strchr(parts[i], '.');
		fl_hash h;
		assert_non_null(dot);
		*dot = 0;
		resolve((unsigned)atoi(parts[i]), (uint64_t)atoll(dot + 1), h);
		if (i == n - 1)
			memcpy(out, h, FL_HASH_LEN);
		else
			ref_node(out, h, out);
	}
}

static size_t proof_hashes(const proof_vec *p, resolve_fn resolve, fl_hash *out)
{
	for (size_t i = 0; i < p->n; i++)
		token_hash(p->tok[i], resolve, out[i]);
	return p->n;
}

static int setup(void **state)
{
	(void)state;
	load_vectors(&V, "reference-tree.txt");
	load_vectors(&SHAPE, "node-structure.txt");
	if (V.n_leaves != 8 || V.n_nodes != 15 || V.n_inc < 4 || V.n_cons < 4)
		return -1;
	memset(&REF8, 0, sizeof(REF8));
	REF8.n = 8;
	for (size_t i = 0; i < 8; i++)
		ref_leaf(REF8.leaf[i], V.leaf[i], V.leaf_len[i]);
	/* Distinct leaves: byte 0 is the index, then 0..3 more bytes. */
	memset(&REFBIG, 0, sizeof(REFBIG));
	REFBIG.n = N_MAX;
	for (size_t i = 0; i < N_MAX; i++) {
		unsigned char d[4];
		size_t len = 1 + i % 4;
		for (size_t j = 0; j < len; j++)
			d[j] = (unsigned char)(j == 0 ? i : i * 31 + j);
		ref_leaf(REFBIG.leaf[i], d, len);
	}
	return 0;
}

/* ---- hashing ---- */

static void test_leaf_and_node_hash(void **state)
{
	fl_hash h, l, r, cat_leaf;
	unsigned char cat[2 * FL_HASH_LEN];
	(void)state;

	/* Leaf hashes of the reference leaves are the published level-0 nodes. */
	for (size_t i = 0; i < 8; i++) {
		fl_hash want;
		resolve_published(0, i, want);
		assert_int_equal(fl_merkle_leaf_hash(h, V.leaf[i], V.leaf_len[i]), 0);
		EXPECT_HASH("leaf hash", h, want);
	}
	/* The empty leaf with a NULL pointer is SHA-256 of the single byte 0x00. */
	assert_int_equal(fl_merkle_leaf_hash(h, NULL, 0), 0);
	resolve_published(0, 0, l);
	EXPECT_HASH("empty leaf", h, l);

	/* Every published interior node is node_hash of its two published children. */
	for (size_t i = 0; i < V.n_nodes; i++) {
		const node_vec *nv = &V.node[i];
		if (nv->level == 0)
			continue;
		resolve_published(nv->level - 1, 2 * nv->index, l);
		resolve_published(nv->level - 1, 2 * nv->index + 1, r);
		assert_int_equal(fl_merkle_node_hash(h, l, r), 0);
		EXPECT_HASH("node hash", h, nv->h);
		/* Order matters. */
		assert_int_equal(fl_merkle_node_hash(h, r, l), 0);
		assert_memory_not_equal(h, nv->h, FL_HASH_LEN);
		/* Domain separation: a leaf holding the 64 bytes of two children is not their node.
		 */
		memcpy(cat, l, FL_HASH_LEN);
		memcpy(cat + FL_HASH_LEN, r, FL_HASH_LEN);
		assert_int_equal(fl_merkle_leaf_hash(cat_leaf, cat, sizeof(cat)), 0);
		assert_memory_not_equal(cat_leaf, nv->h, FL_HASH_LEN);
	}
	/* The output may alias an input (left or right). */
	resolve_published(1, 0, l);
	resolve_published(1, 1, r);
	memcpy(h, l, FL_HASH_LEN);
	assert_int_equal(fl_merkle_node_hash(h, h, r), 0);
	resolve_published(2, 0, l);
	EXPECT_HASH("aliased left", h, l);
	resolve_published(1, 0, l);
	memcpy(h, r, FL_HASH_LEN);
	assert_int_equal(fl_merkle_node_hash(h, l, h), 0);
	resolve_published(2, 0, l);
	EXPECT_HASH("aliased right", h, l);
}

/* ---- roots ---- */

static void test_empty_tree(void **state)
{
	fl_merkle_frontier f;
	fl_hash h, want;
	tree_ctx c = tree_at(&REF8, 0);
	(void)state;

	from_hex(want, EMPTY_SHA256);
	EXPECT_HASH("published empty root", V.root[0], want);
	assert_int_equal(fl_merkle_root(tree_node, &c, 0, h), 0);
	EXPECT_HASH("empty root", h, want);
	assert_int_equal(c.calls, 0);
	fl_merkle_frontier_init(&f);
	assert_int_equal(f.size, 0);
	assert_int_equal(fl_merkle_frontier_root(&f, h), 0);
	EXPECT_HASH("empty frontier", h, want);
}

/* Serves the published node table, for sizes up to 8. */
static int published_node(void *vctx, unsigned level, uint64_t index, fl_hash out)
{
	uint64_t *limit = vctx;
	if (((index + 1) << level) > *limit)
		return fl_error_set(FL_EINVALID, "outside the tree");
	resolve_published(level, index, out);
	return 0;
}

static void test_reference_roots(void **state)
{
	fl_merkle_frontier f;
	fl_hash h;
	(void)state;

	fl_merkle_frontier_init(&f);
	for (uint64_t s = 1; s <= 8; s++) {
		uint64_t limit = s;
		assert_true(V.have_root[s]);
		assert_int_equal(fl_merkle_leaf_hash(h, V.leaf[s - 1], V.leaf_len[s - 1]), 0);
		assert_int_equal(fl_merkle_frontier_append(&f, h, NULL, NULL), 0);
		assert_int_equal(f.size, s);
		assert_int_equal(fl_merkle_frontier_root(&f, h), 0);
		EXPECT_HASH("frontier root", h, V.root[s]);
		/* The root from the published perfect subtrees through the callback. */
		assert_int_equal(fl_merkle_root(published_node, &limit, s, h), 0);
		EXPECT_HASH("callback root", h, V.root[s]);
		/* The frontier holds, for each set bit L of s, the subtree that bit stands for. */
		for (unsigned l = 0; l < 4; l++) {
			fl_hash want;
			if (!(s >> l & 1))
				continue;
			resolve_published(l, (s >> l) - 1, want);
			EXPECT_HASH("frontier level", f.level[l], want);
		}
		/* And the reference agrees. */
		EXPECT_HASH("reference root", ref_mth(&REF8, 0, (size_t)s), V.root[s]);
	}
}

/* ---- the published proofs ---- */

static void test_reference_inclusion_vectors(void **state)
{
	fl_hash got[FL_MERKLE_MAX_PROOF], want[MAX_TOK], leaf;
	size_t n, nw;
	(void)state;

	for (size_t i = 0; i < V.n_inc; i++) {
		const proof_vec *p = &V.inc[i];
		uint64_t limit = p->b;
		char what[64];
		snprintf(what, sizeof(what), "reference-tree.txt:%d", p->line);
		nw = proof_hashes(p, resolve_published, want);
		assert_int_equal(
		    fl_merkle_inclusion_proof(published_node, &limit, p->a, p->b, got, &n), 0);
		EXPECT_PROOF(what, got, n, want, nw);
		resolve_published(0, p->a, leaf);
		if (vinc(leaf, p->a, p->b, want, nw, V.root[p->b]) != 0)
			fail_msg("%s: published proof does not verify: %s", what, fl_error_last());
	}
}

static void test_reference_consistency_vectors(void **state)
{
	fl_hash got[FL_MERKLE_MAX_PROOF], want[MAX_TOK];
	size_t n, nw;
	(void)state;

	for (size_t i = 0; i < V.n_cons; i++) {
		const proof_vec *p = &V.cons[i];
		uint64_t limit = p->b;
		char what[64];
		snprintf(what, sizeof(what), "reference-tree.txt:%d", p->line);
		nw = proof_hashes(p, resolve_published, want);
		assert_int_equal(
		    fl_merkle_consistency_proof(published_node, &limit, p->a, p->b, got, &n), 0);
		EXPECT_PROOF(what, got, n, want, nw);
		if (vcons(p->a, p->b, V.root[p->a], V.root[p->b], want, nw) != 0)
			fail_msg("%s: published proof does not verify: %s", what, fl_error_last());
	}
}

/* Symbolic node store: any perfect subtree within limit, as resolve_symbolic names it. */
static int symbolic_node(void *vctx, unsigned level, uint64_t index, fl_hash out)
{
	uint64_t *limit = vctx;
	if (level >= 63 || index >= (*limit >> level))
		return fl_error_set(FL_EINVALID, "outside the tree");
	resolve_symbolic(level, index, out);
	return 0;
}

/* Proof shapes of trees of 15, 31 and 95 leaves: which subtrees, in which order. */
static void test_published_proof_shapes(void **state)
{
	fl_hash got[FL_MERKLE_MAX_PROOF], want[MAX_TOK];
	size_t n, nw;
	(void)state;

	assert_true(SHAPE.n_inc >= 3 && SHAPE.n_cons >= 3);
	for (size_t i = 0; i < SHAPE.n_inc; i++) {
		const proof_vec *p = &SHAPE.inc[i];
		uint64_t limit = p->b;
		char what[64];
		snprintf(what, sizeof(what), "node-structure.txt:%d", p->line);
		nw = proof_hashes(p, resolve_symbolic, want);
		assert_int_equal(
		    fl_merkle_inclusion_proof(symbolic_node, &limit, p->a, p->b, got, &n), 0);
		EXPECT_PROOF(what, got, n, want, nw);
	}
	for (size_t i = 0; i < SHAPE.n_cons; i++) {
		const proof_vec *p = &SHAPE.cons[i];
		uint64_t limit = p->b;
		char what[64];
		snprintf(what, sizeof(what), "node-structure.txt:%d", p->line);
		nw = proof_hashes(p, resolve_symbolic, want);
		assert_int_equal(
		    fl_merkle_consistency_proof(symbolic_node, &limit, p->a, p->b, got, &n), 0);
		EXPECT_PROOF(what, got, n, want, nw);
	}
}

/* ---- rejection ---- */

static const unsigned char ZERO[FL_HASH_LEN];

/* Inclusion probes that must fail; also compares wrong sizes with the reference verifier. */
static void inclusion_rejects(ref_tree *t, uint64_t index, uint64_t size, fl_hash *p, size_t n,
			      int all_bits)
{
	fl_hash bad[FL_MERKLE_MAX_PROOF + 2], leaf, root, wrong;
	char what[96];
	memcpy(leaf, t->leaf[index], FL_HASH_LEN);
	memcpy(root, ref_mth(t, 0, (size_t)size), FL_HASH_LEN);
	snprintf(what, sizeof(what), "inclusion %llu in %llu", (unsigned long long)index,
		 (unsigned long long)size);

#define MUST_FAIL(call, why)                                                                       \
	do {                                                                                       \
		if ((call) != FL_EVERIFY)                                                          \
			fail_msg("%s: accepted (%s)", what, why);                                  \
	} while (0)

	/* Any flipped bit in any hash. */
	for (size_t i = 0; i < n; i++)
		for (unsigned bit = 0; bit < 8 * FL_HASH_LEN; bit++) {
			if (!all_bits && bit != (unsigned)((i * 37 + index * 11 + size) % 256))
				continue;
			memcpy(bad, p, n * sizeof(fl_hash));
			bad[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
			MUST_FAIL(vinc(leaf, index, size, bad, n, root), "flipped bit");
		}
	/* Every other index of the tree, and indexes at or past the size. */
	for (uint64_t j = 0; j < size + 2; j++)
		if (j != index)
			MUST_FAIL(vinc(leaf, j, size, p, n, root), "wrong index");
	MUST_FAIL(vinc(leaf, UINT64_MAX, size, p, n, root), "index max");
	MUST_FAIL(vinc(leaf, index, index, p, n, root), "index == size");
	MUST_FAIL(vinc(leaf, index, 0, p, n, root), "size 0");
	/* Wrong sizes: the published probes (size * 2, size / 2) must fail; every other size
	 * must be judged as the reference judges it (a size whose tree shape uses the same hashes
	 * the same way does rebuild the same root: a root binds its size only in a checkpoint). */
	MUST_FAIL(vinc(leaf, index, size * 2, p, n, root), "size * 2");
	MUST_FAIL(vinc(leaf, index, size / 2, p, n, root), "size / 2");
	for (uint64_t s = index + 1; s <= 2 * size + 2; s++) {
		int lib = vinc(leaf, index, s, p, n, root);
		int ref = ref_verify_inclusion(leaf, index, s, p, n, root);
		if (lib != (ref ? 0 : FL_EVERIFY))
			fail_msg("%s: size %llu: library %d, reference %s", what,
				 (unsigned long long)s, lib, ref ? "accepts" : "rejects");
	}
	/* An extra hash at either end, a missing one, an inserted one. */
	memcpy(bad, p, n * sizeof(fl_hash));
	memcpy(bad[n], ZERO, FL_HASH_LEN);
	MUST_FAIL(vinc(leaf, index, size, bad, n + 1, root), "trailing zero");
	memcpy(bad[n], root, FL_HASH_LEN);
	MUST_FAIL(vinc(leaf, index, size, bad, n + 1, root), "trailing root");
	memcpy(bad[0], ZERO, FL_HASH_LEN);
	memcpy(bad + 1, p, n * sizeof(fl_hash));
	MUST_FAIL(vinc(leaf, index, size, bad, n + 1, root), "leading zero");
	memcpy(bad[0], root, FL_HASH_LEN);
	MUST_FAIL(vinc(leaf, index, size, bad, n + 1, root), "leading root");
	if (n > 0)
		MUST_FAIL(vinc(leaf, index, size, p, n - 1, root), "missing");
	if (n > 1) {
		memcpy(bad[0], p[0], FL_HASH_LEN);
		memcpy(bad[1], ZERO, FL_HASH_LEN);
		memcpy(bad + 2, p + 1, (n - 1) * sizeof(fl_hash));
		MUST_FAIL(vinc(leaf, index, size, bad, n + 1, root), "inserted");
	}
	/* Wrong leaf, wrong root. */
	memcpy(wrong, leaf, FL_HASH_LEN);
	wrong[FL_HASH_LEN - 1] ^= 1;
	MUST_FAIL(vinc(wrong, index, size, p, n, root), "wrong leaf");
	from_hex(wrong, EMPTY_SHA256);
	MUST_FAIL(vinc(leaf, index, size, p, n, wrong), "empty root");
	if (size > 1)
		MUST_FAIL(vinc(leaf, index, size, p, n, leaf), "leaf as root");
#undef MUST_FAIL
}

static void consistency_rejects(ref_tree *t, uint64_t m, uint64_t nn, fl_hash *p, size_t n,
				int all_bits)
{
	fl_hash bad[FL_MERKLE_MAX_PROOF + 2], r1, r2, wrong;
	char what[96];
	memcpy(r1, ref_mth(t, 0, (size_t)m), FL_HASH_LEN);
	memcpy(r2, ref_mth(t, 0, (size_t)nn), FL_HASH_LEN);
	snprintf(what, sizeof(what), "consistency %llu to %llu", (unsigned long long)m,
		 (unsigned long long)nn);
	assert_true(m < nn && n > 0);

#define MUST_FAIL(call, why)                                                                       \
	do {                                                                                       \
		if ((call) != FL_EVERIFY)                                                          \
			fail_msg("%s: accepted (%s)", what, why);                                  \
	} while (0)

	for (size_t i = 0; i < n; i++)
		for (unsigned bit = 0; bit < 8 * FL_HASH_LEN; bit++) {
			if (!all_bits && bit != (unsigned)((i * 41 + m * 7 + nn) % 256))
				continue;
			memcpy(bad, p, n * sizeof(fl_hash));
			bad[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
			MUST_FAIL(vcons(m, nn, r1, r2, bad, n), "flipped bit");
		}
	/* The published probes of wrong sizes (RFC 6962 reference tests). */
	MUST_FAIL(vcons(m - 1, nn, r1, r2, p, n), "size1 - 1");
	MUST_FAIL(vcons(m + 1, nn, r1, r2, p, n), "size1 + 1");
	MUST_FAIL(vcons(m ^ 2, nn, r1, r2, p, n), "size1 ^ 2");
	MUST_FAIL(vcons(m, nn * 2, r1, r2, p, n), "size2 * 2");
	MUST_FAIL(vcons(m, nn / 2, r1, r2, p, n), "size2 / 2");
	MUST_FAIL(vcons(nn, m, r2, r1, p, n), "size1 > size2");
	MUST_FAIL(vcons(0, nn, r1, r2, p, n), "size1 = 0");
	/* Other sizes as the reference judges them: all of them in small trees, the
	 * neighbourhood of (m, nn) in larger ones. */
	for (uint64_t a = 0; a <= nn + 1; a++)
		for (uint64_t b = a; b <= 2 * nn + 1; b++) {
			int lib, ref;
			if (!all_bits && (a + 2 < m || a > m + 2) && a != (m ^ 2) && a != 2 * m)
				continue;
			if (!all_bits && (b + 2 < nn || b > nn + 2) && b != nn / 2 && b != 2 * nn)
				continue;
			lib = vcons(a, b, r1, r2, p, n);
			ref = ref_verify_consistency(a, b, r1, r2, p, n);
			if ((a != m || b != nn) && lib != (ref ? 0 : FL_EVERIFY))
				fail_msg("%s: sizes %llu, %llu: library %d, reference %s", what,
					 (unsigned long long)a, (unsigned long long)b, lib,
					 ref ? "accepts" : "rejects");
		}
	/* Wrong and swapped roots, an empty proof. */
	memcpy(wrong, r1, FL_HASH_LEN);
	wrong[0] ^= 0x80;
	MUST_FAIL(vcons(m, nn, wrong, r2, p, n), "wrong root1");
	MUST_FAIL(vcons(m, nn, r1, wrong, p, n), "wrong root2");
	MUST_FAIL(vcons(m, nn, r2, r1, p, n), "swapped roots");
	MUST_FAIL(vcons(m, nn, r1, r2, p, 0), "empty proof");
	/* Extra hashes at either end, a missing one. */
	memcpy(bad, p, n * sizeof(fl_hash));
	memcpy(bad[n], ZERO, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "trailing zero");
	memcpy(bad[n], r1, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "trailing root1");
	memcpy(bad[n], r2, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "trailing root2");
	memcpy(bad[n], p[n - 1], FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "repeated last");
	memcpy(bad + 1, p, n * sizeof(fl_hash));
	memcpy(bad[0], ZERO, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "leading zero");
	memcpy(bad[0], r1, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "leading root1");
	memcpy(bad[0], r2, FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "leading root2");
	memcpy(bad[0], p[0], FL_HASH_LEN);
	MUST_FAIL(vcons(m, nn, r1, r2, bad, n + 1), "leading proof[0]");
	MUST_FAIL(vcons(m, nn, r1, r2, p, n - 1), "truncated");
#undef MUST_FAIL
}

/* Every (index, size) and (size1, size2) of the reference tree, every bit of every hash. */
static void test_reference_tree_exhaustive(void **state)
{
	fl_hash got[FL_MERKLE_MAX_PROOF], want[FL_MERKLE_MAX_PROOF];
	size_t n, nw;
	(void)state;

	for (uint64_t size = 1; size <= 8; size++) {
		for (uint64_t i = 0; i < size; i++) {
			tree_ctx c = tree_at(&REF8, size);
			assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, i, size, got, &n),
					 0);
			nw = 0;
			ref_path(&REF8, (size_t)i, 0, (size_t)size, want, &nw);
			EXPECT_PROOF("reference inclusion", got, n, want, nw);
			assert_int_equal(vinc(REF8.leaf[i], i, size, got, n, V.root[size]), 0);
			inclusion_rejects(&REF8, i, size, got, n, 1);
		}
		for (uint64_t m = 1; m <= size; m++) {
			tree_ctx c = tree_at(&REF8, size);
			assert_int_equal(
			    fl_merkle_consistency_proof(tree_node, &c, m, size, got, &n), 0);
			ref_consistency(&REF8, (size_t)m, (size_t)size, want, &nw);
			EXPECT_PROOF("reference consistency", got, n, want, nw);
			assert_int_equal(vcons(m, size, V.root[m], V.root[size], got, n), 0);
			if (m < size)
				consistency_rejects(&REF8, m, size, got, n, 1);
		}
	}
}

static void test_verify_edge_cases(void **state)
{
	fl_hash leaf, other, e, p[2];
	(void)state;

	resolve_published(0, 3, leaf);
	resolve_published(0, 4, other);
	from_hex(e, EMPTY_SHA256);
	/* A one-leaf tree: the root is the leaf hash and the proof is empty. */
	assert_int_equal(vinc(leaf, 0, 1, NULL, 0, leaf), 0);
	assert_int_equal(vinc(leaf, 0, 1, NULL, 0, other), FL_EVERIFY);
	assert_int_equal(vinc(leaf, 0, 0, NULL, 0, e), FL_EVERIFY);
	assert_int_equal(vinc(leaf, 1, 0, NULL, 0, e), FL_EVERIFY);
	assert_int_equal(vinc(leaf, 2, 1, NULL, 0, leaf), FL_EVERIFY);
	assert_int_equal(vinc(leaf, 1, 1, NULL, 0, leaf), FL_EVERIFY);
	/* Equal sizes: only the empty proof with equal roots. */
	assert_int_equal(vcons(5, 5, V.root[5], V.root[5], NULL, 0), 0);
	assert_int_equal(vcons(5, 5, V.root[5], V.root[6], NULL, 0), FL_EVERIFY);
	memcpy(p[0], V.root[5], FL_HASH_LEN);
	assert_int_equal(vcons(5, 5, V.root[5], V.root[5], p, 1), FL_EVERIFY);
	assert_int_equal(vcons(1, 1, e, e, p, 1), FL_EVERIFY);
	/* size1 = 0 is never a consistency proof, not even between empty trees. */
	assert_int_equal(vcons(0, 0, e, e, NULL, 0), FL_EVERIFY);
	assert_int_equal(vcons(0, 1, e, V.root[1], NULL, 0), FL_EVERIFY);
	assert_int_equal(vcons(0, 8, e, V.root[8], NULL, 0), FL_EVERIFY);
	/* size1 > size2. */
	assert_int_equal(vcons(2, 1, V.root[2], V.root[1], NULL, 0), FL_EVERIFY);
	assert_int_equal(vcons(8, 7, V.root[8], V.root[7], p, 1), FL_EVERIFY);
	/* A non-empty path is needed between different sizes, even with a power-of-two size1. */
	assert_int_equal(vcons(1, 2, V.root[1], V.root[2], NULL, 0), FL_EVERIFY);
	assert_int_equal(vcons(4, 8, V.root[4], V.root[8], NULL, 0), FL_EVERIFY);
	/* The root of the larger tree as a one-hash "proof". */
	memcpy(p[0], V.root[8], FL_HASH_LEN);
	assert_int_equal(vcons(4, 8, V.root[4], V.root[8], p, 1), FL_EVERIFY);
	/* The messages say which way a path is wrong (published proof of leaf 0 in 8). */
	{
		fl_hash q[4];
		resolve_published(0, 1, q[0]);
		resolve_published(1, 1, q[1]);
		resolve_published(2, 1, q[2]);
		memset(q[3], 0, FL_HASH_LEN);
		resolve_published(0, 0, leaf);
		assert_int_equal(vinc(leaf, 0, 8, q, 3, V.root[8]), 0);
		assert_int_equal(vinc(leaf, 0, 8, q, 4, V.root[8]), FL_EVERIFY);
		assert_string_equal(fl_error_last(), "inclusion proof: too many hashes");
		assert_int_equal(vinc(leaf, 0, 8, q, 2, V.root[8]), FL_EVERIFY);
		assert_string_equal(fl_error_last(), "inclusion proof: too few hashes");
		assert_int_equal(vinc(leaf, 0, 8, q, 3, V.root[7]), FL_EVERIFY);
		assert_string_equal(fl_error_last(),
				    "inclusion proof: computed root does not match");
		assert_int_equal(vinc(leaf, 8, 8, q, 3, V.root[8]), FL_EVERIFY);
		assert_string_equal(fl_error_last(),
				    "inclusion proof: index is not below the tree size");
		resolve_published(0, 3, leaf);
	}
	/* Huge sizes with a short path fail cleanly. */
	assert_int_equal(vinc(leaf, UINT64_MAX - 1, UINT64_MAX, p, 2, leaf), FL_EVERIFY);
	assert_int_equal(vcons(UINT64_MAX - 1, UINT64_MAX, leaf, leaf, p, 2), FL_EVERIFY);
	assert_non_null(strstr(fl_error_last(), "consistency proof"));
}

/* ---- generation errors ---- */

static void test_generation_arguments(void **state)
{
	fl_hash out[FL_MERKLE_MAX_PROOF];
	size_t n = 99;
	tree_ctx c = tree_at(&REF8, 8);
	(void)state;

	assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, 8, 8, out, &n), FL_EINVALID);
	assert_int_equal(n, 0);
	assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, 0, 0, out, &n), FL_EINVALID);
	assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, UINT64_MAX, 3, out, &n),
			 FL_EINVALID);
	assert_int_equal(fl_merkle_consistency_proof(tree_node, &c, 0, 5, out, &n), FL_EINVALID);
	assert_int_equal(fl_merkle_consistency_proof(tree_node, &c, 0, 0, out, &n), FL_EINVALID);
	assert_int_equal(fl_merkle_consistency_proof(tree_node, &c, 6, 5, out, &n), FL_EINVALID);
	n = 99;
	assert_int_equal(fl_merkle_consistency_proof(tree_node, &c, 5, 5, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(c.calls, 0);
	assert_int_equal(c.beyond, 0);
}

static void test_callback_errors(void **state)
{
	fl_hash out[FL_MERKLE_MAX_PROOF], h;
	size_t n;
	(void)state;

	/* The node store failing on any of the calls a proof needs is passed up as it is. */
	for (int k = 1; k <= 3; k++) {
		tree_ctx c = tree_at(&REFBIG, 70);
		c.fail_after = k;
		assert_int_equal(fl_merkle_root(tree_node, &c, 70, h), FL_EIO);
		c = tree_at(&REFBIG, 70);
		c.fail_after = k;
		assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, 37, 70, out, &n), FL_EIO);
		c = tree_at(&REFBIG, 70);
		c.fail_after = k;
		assert_int_equal(fl_merkle_consistency_proof(tree_node, &c, 37, 70, out, &n),
				 FL_EIO);
		assert_string_equal(fl_error_last(), "node store unavailable");
	}
}

static int fail_complete(void *ctx, unsigned level, uint64_t index, const fl_hash h)
{
	(void)ctx;
	(void)level;
	(void)index;
	(void)h;
	return fl_error_set(FL_EIO, "cannot store node");
}

static void test_frontier_callback_error(void **state)
{
	fl_merkle_frontier f;
	fl_hash root_before, root_after;
	(void)state;

	fl_merkle_frontier_init(&f);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(fl_merkle_frontier_append(&f, REF8.leaf[i], NULL, NULL), 0);
	assert_int_equal(fl_merkle_frontier_root(&f, root_before), 0);
	/* The 8th leaf completes three subtrees; a failing store refuses the append. */
	assert_int_equal(fl_merkle_frontier_append(&f, REF8.leaf[7], fail_complete, NULL), FL_EIO);
	assert_string_equal(fl_error_last(), "cannot store node");
	assert_int_equal(f.size, 7);
	assert_int_equal(fl_merkle_frontier_root(&f, root_after), 0);
	EXPECT_HASH("root after a refused append", root_after, root_before);
	/* Appending again with a working store gives the published root. */
	assert_int_equal(fl_merkle_frontier_append(&f, REF8.leaf[7], NULL, NULL), 0);
	assert_int_equal(fl_merkle_frontier_root(&f, root_after), 0);
	EXPECT_HASH("root of 8", root_after, V.root[8]);
	/* A leaf that completes nothing never calls the store. */
	assert_int_equal(fl_merkle_frontier_append(&f, REF8.leaf[0], fail_complete, NULL), 0);
	assert_int_equal(f.size, 9);
}

/* ---- the complete-subtree callback ---- */

typedef struct {
	unsigned level[8];
	uint64_t index[8];
	fl_hash h[8];
	size_t n;
} completed;

static int record_complete(void *ctx, unsigned level, uint64_t index, const fl_hash h)
{
	completed *c = ctx;
	assert_true(c->n < 8);
	c->level[c->n] = level;
	c->index[c->n] = index;
	memcpy(c->h[c->n], h, FL_HASH_LEN);
	c->n++;
	return 0;
}

/* Appends leaf number t and checks the reported subtrees: exactly those it completes,
 * bottom up, with their hashes. */
static void append_and_check(fl_merkle_frontier *f, ref_tree *t, size_t leaf)
{
	completed got;
	size_t want = 0;
	memset(&got, 0, sizeof(got));
	assert_int_equal(fl_merkle_frontier_append(f, t->leaf[leaf], record_complete, &got), 0);
	for (unsigned l = 1; ((leaf + 1) & ((UINT64_C(1) << l) - 1)) == 0; l++) {
		uint64_t idx = ((leaf + 1) >> l) - 1;
		if (want >= got.n)
			fail_msg("leaf %zu: subtree (%u, %llu) not reported", leaf, l,
				 (unsigned long long)idx);
		if (got.level[want] != l || got.index[want] != idx)
			fail_msg("leaf %zu: reported (%u, %llu), want (%u, %llu)", leaf,
				 got.level[want], (unsigned long long)got.index[want], l,
				 (unsigned long long)idx);
		EXPECT_HASH("completed subtree", got.h[want],
			    ref_mth(t, (size_t)(idx << l), (size_t)((idx + 1) << l)));
		want++;
	}
	if (got.n != want)
		fail_msg("leaf %zu: %zu subtrees reported, want %zu", leaf, got.n, want);
}

static void test_frontier_complete_callback(void **state)
{
	fl_merkle_frontier f;
	(void)state;

	/* The reference tree: (1,0) after leaf 1; (1,1), (2,0) after leaf 3; (1,2) after
	 * leaf 5; (1,3), (2,1), (3,0) after leaf 7, with the published hashes. */
	fl_merkle_frontier_init(&f);
	for (size_t i = 0; i < 8; i++) {
		completed got;
		memset(&got, 0, sizeof(got));
		assert_int_equal(fl_merkle_frontier_append(&f, REF8.leaf[i], record_complete, &got),
				 0);
		for (size_t j = 0; j < got.n; j++) {
			fl_hash want;
			resolve_published(got.level[j], got.index[j], want);
			EXPECT_HASH("published subtree", got.h[j], want);
		}
		assert_int_equal(got.n, i == 1 ? 1 : i == 3 ? 2 : i == 5 ? 1 : i == 7 ? 3 : 0);
	}
	/* And every append of the brute-force tree. */
	fl_merkle_frontier_init(&f);
	for (size_t i = 0; i < N_MAX; i++)
		append_and_check(&f, &REFBIG, i);
}

/* ---- brute force ---- */

static void test_brute_force(void **state)
{
	fl_merkle_frontier f;
	fl_hash got[FL_MERKLE_MAX_PROOF], want[FL_MERKLE_MAX_PROOF], h;
	size_t n, nw;
	(void)state;

	fl_merkle_frontier_init(&f);
	for (uint64_t size = 1; size <= N_MAX; size++) {
		const unsigned char *root = ref_mth(&REFBIG, 0, (size_t)size);
		tree_ctx c = tree_at(&REFBIG, size);

		assert_int_equal(fl_merkle_frontier_append(&f, REFBIG.leaf[size - 1], NULL, NULL),
				 0);
		assert_int_equal(fl_merkle_frontier_root(&f, h), 0);
		EXPECT_HASH("frontier root", h, root);
		assert_int_equal(fl_merkle_root(tree_node, &c, size, h), 0);
		EXPECT_HASH("callback root", h, root);
		assert_true(c.calls <= 7);

		for (uint64_t i = 0; i < size; i++) {
			c = tree_at(&REFBIG, size);
			assert_int_equal(fl_merkle_inclusion_proof(tree_node, &c, i, size, got, &n),
					 0);
			assert_true(c.calls <= 2 * 7);
			nw = 0;
			ref_path(&REFBIG, (size_t)i, 0, (size_t)size, want, &nw);
			EXPECT_PROOF("inclusion proof", got, n, want, nw);
			if (vinc(REFBIG.leaf[i], i, size, got, n, root) != 0)
				fail_msg("inclusion %llu in %llu: %s", (unsigned long long)i,
					 (unsigned long long)size, fl_error_last());
			if (size <= 24 || i % 5 == 0 || i + 1 == size)
				inclusion_rejects(&REFBIG, i, size, got, n, 0);
		}
		for (uint64_t m = 1; m <= size; m++) {
			c = tree_at(&REFBIG, size);
			assert_int_equal(
			    fl_merkle_consistency_proof(tree_node, &c, m, size, got, &n), 0);
			assert_true(c.calls <= 2 * 7);
			ref_consistency(&REFBIG, (size_t)m, (size_t)size, want, &nw);
			EXPECT_PROOF("consistency proof", got, n, want, nw);
			if (vcons(m, size, ref_mth(&REFBIG, 0, (size_t)m), root, got, n) != 0)
				fail_msg("consistency %llu to %llu: %s", (unsigned long long)m,
					 (unsigned long long)size, fl_error_last());
			if (m < size && (size <= 16 || m % 7 == 0 || m + 1 == size))
				consistency_rejects(&REFBIG, m, size, got, n, 0);
		}
		assert_int_equal(c.beyond, 0);
	}
}

/* ---- huge trees ---- */

/*
 * A tree whose leaves alternate between two hashes: every perfect subtree of level >= 1 then
 * has the same hash per level, so any size can be served in O(1) per call and proofs at any
 * size can really be verified.
 */
static fl_hash UNI[64][2];

static void uniform_init(void)
{
	assert_int_equal(fl_sha256(UNI[0][0], "even", 4), 0);
	assert_int_equal(fl_sha256(UNI[0][1], "odd", 3), 0);
	ref_node(UNI[1][0], UNI[0][0], UNI[0][1]);
	memcpy(UNI[1][1], UNI[1][0], FL_HASH_LEN);
	for (unsigned l = 2; l < 64; l++) {
		ref_node(UNI[l][0], UNI[l - 1][0], UNI[l - 1][0]);
		memcpy(UNI[l][1], UNI[l][0], FL_HASH_LEN);
	}
}

typedef struct {
	uint64_t limit;
	unsigned calls;
} uni_ctx;

static int uniform_node(void *vctx, unsigned level, uint64_t index, fl_hash out)
{
	uni_ctx *c = vctx;
	c->calls++;
	if (level > 63 || index >= (c->limit >> level))
		return fl_error_set(FL_EINVALID, "outside the tree");
	memcpy(out, UNI[level][level == 0 ? index & 1 : 0], FL_HASH_LEN);
	return 0;
}

static void test_huge_trees(void **state)
{
	static const uint64_t sizes[] = {(UINT64_C(1) << 63), (UINT64_C(1) << 63) - 1,
					 (UINT64_C(1) << 41) + 5, (UINT64_C(1) << 32) + 1,
					 UINT64_C(0x5555555555555555)};
	fl_hash p[FL_MERKLE_MAX_PROOF], r1, r2;
	size_t n;
	(void)state;

	uniform_init();
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t size = sizes[s];
		uint64_t idx[] = {0, 1, size / 3, size / 2 + 1, size - 2, size - 1};
		uint64_t olds[] = {1, 2, 3, size / 2, size / 2 + 1, size - 1};
		uni_ctx c = {size, 0};
		assert_int_equal(fl_merkle_root(uniform_node, &c, size, r2), 0);
		assert_true(c.calls <= 64);
		if (size == (UINT64_C(1) << 63)) {
			assert_int_equal(c.calls, 1);
			EXPECT_HASH("perfect 2^63 root", r2, UNI[63][0]);
		}
		for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
			c.calls = 0;
			assert_int_equal(
			    fl_merkle_inclusion_proof(uniform_node, &c, idx[i], size, p, &n), 0);
			assert_true(n <= 64 && c.calls <= 2 * 64);
			if (vinc(UNI[0][idx[i] & 1], idx[i], size, p, n, r2) != 0)
				fail_msg("inclusion %llu in %llu: %s", (unsigned long long)idx[i],
					 (unsigned long long)size, fl_error_last());
			/* The other leaf value at the same place does not verify. */
			assert_int_equal(vinc(UNI[0][!(idx[i] & 1)], idx[i], size, p, n, r2),
					 FL_EVERIFY);
		}
		for (size_t i = 0; i < sizeof(olds) / sizeof(olds[0]); i++) {
			uni_ctx c1 = {olds[i], 0};
			assert_int_equal(fl_merkle_root(uniform_node, &c1, olds[i], r1), 0);
			c.calls = 0;
			assert_int_equal(
			    fl_merkle_consistency_proof(uniform_node, &c, olds[i], size, p, &n), 0);
			assert_true(n <= FL_MERKLE_MAX_PROOF && c.calls <= 2 * 64);
			if (vcons(olds[i], size, r1, r2, p, n) != 0)
				fail_msg("consistency %llu to %llu: %s",
					 (unsigned long long)olds[i], (unsigned long long)size,
					 fl_error_last());
		}
	}
}

static void test_frontier_full(void **state)
{
	fl_merkle_frontier f;
	fl_hash h, before;
	(void)state;

	/* The frontier's state is public: a tree of 2^63 - 1 leaves (all levels set). */
	uniform_init();
	fl_merkle_frontier_init(&f);
	f.size = UINT64_MAX >> 1;
	for (unsigned l = 0; l < 63; l++)
		memcpy(f.level[l], UNI[l][0], FL_HASH_LEN);
	assert_int_equal(fl_merkle_frontier_root(&f, before), 0);
	assert_int_equal(fl_merkle_frontier_append(&f, UNI[0][0], NULL, NULL), FL_ERANGE);
	assert_int_equal(f.size, UINT64_MAX >> 1);
	assert_int_equal(fl_merkle_frontier_root(&f, h), 0);
	EXPECT_HASH("unchanged", h, before);
}

/*
 * Sizes beyond the deepest tree the header describes (2^63 leaves) must come back, refused or
 * answered, never loop: each call runs in its own child (all at once) with a two-second alarm.
 */
static int call_beyond(int which)
{
	uni_ctx c = {UINT64_MAX, 0};
	fl_hash out[FL_MERKLE_MAX_PROOF];
	size_t n;
	uint64_t big = (UINT64_C(1) << 63) + 1;
	switch (which) {
	case 0:
		return fl_merkle_root(uniform_node, &c, big, out[0]);
	case 1:
		return fl_merkle_root(uniform_node, &c, UINT64_MAX, out[0]);
	case 2:
		return fl_merkle_inclusion_proof(uniform_node, &c, 0, big, out, &n);
	case 3:
		return fl_merkle_consistency_proof(uniform_node, &c, 1, big, out, &n);
	default:
		return fl_merkle_consistency_proof(uniform_node, &c, big, UINT64_MAX, out, &n);
	}
}

static void test_sizes_beyond_limit(void **state)
{
	static const char *what[] = {"fl_merkle_root(2^63 + 1)", "fl_merkle_root(UINT64_MAX)",
				     "fl_merkle_inclusion_proof(0, 2^63 + 1)",
				     "fl_merkle_consistency_proof(1, 2^63 + 1)",
				     "fl_merkle_consistency_proof(2^63 + 1, UINT64_MAX)"};
	pid_t pid[5];
	int bad = 0;
	(void)state;

	uniform_init();
	for (int i = 0; i < 5; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			alarm(2);
			(void)call_beyond(i);
			_exit(0);
		}
	}
	for (int i = 0; i < 5; i++) {
		int status;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
			print_error("%s does not return (still running after 2 s)\n", what[i]);
			bad = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			print_error("%s crashed\n", what[i]);
			bad = 1;
		}
	}
	if (bad)
		fail_msg("calls with sizes above 2^63 do not return");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_leaf_and_node_hash),
	    cmocka_unit_test(test_empty_tree),
	    cmocka_unit_test(test_reference_roots),
	    cmocka_unit_test(test_reference_inclusion_vectors),
	    cmocka_unit_test(test_reference_consistency_vectors),
	    cmocka_unit_test(test_published_proof_shapes),
	    cmocka_unit_test(test_reference_tree_exhaustive),
	    cmocka_unit_test(test_verify_edge_cases),
	    cmocka_unit_test(test_generation_arguments),
	    cmocka_unit_test(test_callback_errors),
	    cmocka_unit_test(test_frontier_callback_error),
	    cmocka_unit_test(test_frontier_complete_callback),
	    cmocka_unit_test(test_brute_force),
	    cmocka_unit_test(test_huge_trees),
	    cmocka_unit_test(test_frontier_full),
	    cmocka_unit_test(test_sizes_beyond_limit),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
