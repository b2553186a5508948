/*
 * fuzz_proof.c: fuzz target for the offline verification of proof files (audit.h:
 * fl_audit_verify_proof), what `fundledger proof verify FILE --key VKEY... [--entry FILE]`
 * runs: c2sp.org/tlog-proof@v1 inclusion proofs and fundledger's consistency proofs, each with
 * its signed checkpoint(s). fuzz_note covers the parsers alone; this covers what is built on
 * them: signatures by the keys given, the entry given or carried, and the Merkle proof.
 *
 * Input: up to three parts separated by the five bytes "@@@@\n": the proof file; the entry
 * file (absent or empty: no entry, as the CLI passes an empty --entry file; else its bytes or
 * their hex, as `show --format hex` writes it); the keys, one verifier key per line (absent or
 * malformed: no keys). Seeds are real proofs of a small
 * ledger with its keys (README.md says how).
 *
 * Invariants, abort() on a violation: a failure is FL_EVERIFY, FL_EINVALID or FL_ENOMEM, the
 * error record holds it, and its message is printable ASCII. A success is re-established here
 * from the parts with the lower layers: the file parses as the kind reported; every checkpoint
 * in it verifies with the keys given, by at least one Ed25519 key (signatures counted are at
 * most those that verify), and parses to the checkpoint reported; for an inclusion proof, the
 * sequence number is the index + 1 and within the tree, the entry reported is the proof's
 * extra data when it carries one, and its leaf hash with the path gives the checkpoint's root;
 * for a consistency proof, the two checkpoints share the origin, their sizes are those of the
 * sizes line, and the path proves the older tree a prefix of the newer. fl_proof_result_free
 * releases everything, failure or not (LeakSanitizer, valgrind).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/audit.h"
#include "fundledger/buf.h"
#include "fundledger/error.h"
#include "fundledger/merkle.h"
#include "fundledger/note.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "@@@@\n"
#define SEP_LEN 5
#define MAX_KEYS 16

static const uint8_t *g_data;
static size_t g_size;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_proof: invariant violated: %s (input %zu bytes: ", what, g_size);
	fuzz_show_input(g_data, g_size, 160);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	abort();
}

static const uint8_t *find(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + SEP_LEN <= n; i++)
		if (memcmp(p + i, SEP, SEP_LEN) == 0)
			return p + i;
	return NULL;
}

/* One verifier key per "\n"-ended line; 0 keys when any line is bad. */
static size_t parse_keys(fl_vkey *keys, const uint8_t *p, size_t n)
{
	size_t k = 0;
	const uint8_t *end = p + n;

	if (n == 0 || end[-1] != '\n')
		return 0;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		if (k == MAX_KEYS || fl_vkey_parse(&keys[k], (const char *)p, (size_t)(nl - p)) < 0)
			return 0;
		k++;
		p = nl + 1;
	}
	return k;
}

/* A checkpoint note of the file: verifies with the keys, by an Ed25519 key, and parses to cp. */
static size_t check_note(const char *note, size_t len, const fl_vkey *keys, size_t n_keys,
			 const fl_checkpoint *cp)
{
	fl_note_result nr;
	fl_checkpoint again;
	size_t plain = 0;

	CHECK(fl_note_verify(&nr, note, len, keys, n_keys) == 0,
	      "accepted: a checkpoint that does not verify with the keys given");
	for (size_t i = 0; i < nr.n_verified; i++)
		plain += nr.verified[i]->type == FL_SIGTYPE_ED25519;
	CHECK(plain > 0, "accepted: a checkpoint with no Ed25519 signature by a key given");
	CHECK(fl_checkpoint_parse(&again, note, nr.text_len) == 0,
	      "accepted: a checkpoint that does not parse");
	CHECK(again.size == cp->size && memcmp(again.root, cp->root, FL_HASH_LEN) == 0 &&
		      strcmp(again.origin, cp->origin) == 0,
	      "accepted: the checkpoint reported is not the one in the file");
	return nr.n_verified;
}

static void check_inclusion(const fl_proof_result *r, const char *s, size_t n,
			    const fl_vkey *keys, size_t n_keys)
{
	fl_tlog_proof p;
	fl_hash leaf;
	size_t sigs;

	CHECK(fl_tlog_proof_parse(&p, s, n) == 0, "accepted: an inclusion proof that does not parse");
	sigs = check_note(p.note, p.note_len, keys, n_keys, &r->cp);
	CHECK(r->signatures >= 1 && r->signatures <= sigs, "accepted: signatures miscounted");
	CHECK(r->seq == p.index + 1 && r->seq >= 1 && r->seq <= r->cp.size,
	      "accepted: the sequence number is not index + 1 within the tree");
	CHECK(!p.extra.len || (r->entry.len == p.extra.len &&
			       memcmp(r->entry.data, p.extra.data, p.extra.len) == 0),
	      "accepted: the entry reported is not the one the proof carries");
	CHECK(fl_merkle_leaf_hash(leaf, r->entry.data ? r->entry.data : (const void *)"",
				  r->entry.len) == 0,
	      "harness: leaf hash");
	CHECK(fl_merkle_verify_inclusion(leaf, p.index, r->cp.size, (const fl_hash *)p.path, p.n,
					 r->cp.root) == 0,
	      "accepted: the entry's leaf and the path do not give the checkpoint's root");
	fl_tlog_proof_free(&p);
}

static void check_consistency(const fl_proof_result *r, const char *s, size_t n,
			      const fl_vkey *keys, size_t n_keys)
{
	fl_consistency_proof p;
	size_t sigs;

	CHECK(fl_consistency_proof_parse(&p, s, n) == 0,
	      "accepted: a consistency proof that does not parse");
	sigs = check_note(p.note1, p.note1_len, keys, n_keys, &r->old);
	sigs += check_note(p.note2, p.note2_len, keys, n_keys, &r->cp);
	CHECK(r->signatures >= 2 && r->signatures <= sigs, "accepted: signatures miscounted");
	CHECK(strcmp(r->old.origin, r->cp.origin) == 0, "accepted: checkpoints of two logs");
	CHECK(r->old.size == p.size1 && r->cp.size == p.size2 && p.size1 >= 1 &&
		      p.size1 <= p.size2,
	      "accepted: the sizes are not the checkpoints' in order");
	CHECK(fl_merkle_verify_consistency(p.size1, p.size2, r->old.root, r->cp.root,
					   (const fl_hash *)p.path, p.n) == 0,
	      "accepted: the path does not prove the older tree a prefix of the newer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fl_vkey keys[MAX_KEYS];
	const uint8_t *proof, *entry = NULL, *keytext = NULL, *s1, *s2 = NULL;
	size_t proof_len, entry_len = 0, key_len = 0, n_keys = 0;
	fl_proof_result r;
	int rc;

	g_data = data;
	g_size = size;
	/* libFuzzer may pass NULL for the empty input: no arithmetic on it. */
	if (!data)
		data = (const uint8_t *)"";
	proof = data;
	proof_len = size;
	if ((s1 = find(data, size))) {
		proof_len = (size_t)(s1 - data);
		entry = s1 + SEP_LEN;
		entry_len = size - proof_len - SEP_LEN;
		if ((s2 = find(entry, entry_len))) {
			keytext = s2 + SEP_LEN;
			key_len = entry_len - (size_t)(s2 - entry) - SEP_LEN;
			entry_len = (size_t)(s2 - entry);
		}
	}
	if (keytext)
		n_keys = parse_keys(keys, keytext, key_len);
	/* As the CLI passes it: an empty entry file is no entry. */
	if (entry_len == 0)
		entry = NULL;

	fl_error_clear();
	rc = fl_audit_verify_proof(&r, (const char *)proof, proof_len, keys, n_keys, entry,
				   entry_len);
	if (rc == 0) {
		if (r.inclusion)
			check_inclusion(&r, (const char *)proof, proof_len, keys, n_keys);
		else
			check_consistency(&r, (const char *)proof, proof_len, keys, n_keys);
	} else {
		CHECK(rc == FL_EVERIFY || rc == FL_EINVALID || rc == FL_ENOMEM,
		      "failed with an undocumented code");
		CHECK(fl_error_code() == rc, "the error record does not hold the returned code");
		CHECK(printable(fl_error_last()), "the message is not printable ASCII");
	}
	fl_proof_result_free(&r);
	return 0;
}
