/*
 * fuzz_bundle.c: fuzz target for the export bundle reader (verify.h: fl_verify_bundle), the
 * directory that `fundledger export` writes and `fundledger verify --bundle DIR` checks.
 *
 * Input: up to eight parts separated by the five bytes "@@@@\n" (SEP below). The first six are
 * the bundle's files, in this order: MANIFEST, currencies, keys, checkpoints, entries,
 * entries.idx. A part that the input does not reach is a file that is missing from the
 * bundle. Two more parts are the auditor's, not the bundle's: part 7 holds pinned keys
 * ("treasurer VKEY" / "auditor VKEY" lines, the keys file's layout) and part 8 a trusted
 * checkpoint note; text after an eighth separator is ignored. Seeds are real exports framed so
 * (README.md says how). The files are written into a private temporary directory ($TMPDIR,
 * else /dev/shm, else /tmp), made on the first call and removed at exit.
 *
 * Each input is verified once trusting the bundle's own keys and, when part 7 holds at least
 * one good key line, once more with those keys pinned; part 8, when not empty, is the trusted
 * checkpoint of both runs. abort() on a violation of:
 *   - a failure is FL_EVERIFY, FL_EINVALID, FL_EIO (only when a file is missing) or FL_ENOMEM,
 *     the error record holds it, and its message is printable ASCII; bad_seq is at most one
 *     past the records the entries file holds;
 *   - an accepted bundle really verifies, checked here without the library's reader: the
 *     MANIFEST is the magic line and origin/entries/head/root lines in canonical spelling
 *     that all agree with the result; entries holds exactly that many length-prefixed
 *     records and nothing else, entries.idx exactly their offsets; each record decodes
 *     (fl_entry_decode) as the entry of its position whose prev is the SHA-256 of the record
 *     before it; head is the hash of the last record and root the RFC 6962 root of them all;
 *     the checkpoints counted are the notes in the checkpoints file, and the last one is
 *     signed by a treasurer key in use (Ed25519 type), names the MANIFEST's origin, the full
 *     size and the root; with a trusted checkpoint, the result says so, and the root of the
 *     first trusted-size records is the trusted root;
 *   - fl_verify_bundle leaves no file open (the set of open descriptors below 64 is the same
 *     before and after) and, under LeakSanitizer or valgrind, no memory behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/crypto.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fundledger/merkle.h"
#include "fundledger/note.h"
#include "fundledger/verify.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "@@@@\n"
#define SEP_LEN 5
#define N_FILES 6
#define N_PARTS 8
#define MAGIC "fundledger-bundle/v1"
#define DASH "\xe2\x80\x94 " /* a signature line starts with an em dash and a space */

enum { P_MANIFEST, P_CURRENCIES, P_KEYS, P_CHECKPOINTS, P_ENTRIES, P_INDEX, P_PINNED, P_TRUSTED };

static const char *const NAMES[N_FILES] = {"MANIFEST", "currencies", "keys",
					   "checkpoints", "entries", "entries.idx"};

typedef struct {
	const uint8_t *p;
	size_t len;
	int present;
} part;

static char g_path[N_FILES][128];
static const uint8_t *g_data;
static size_t g_size;
static const char *g_run = "-";

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_bundle: invariant violated (%s): %s (input %zu bytes: ", g_run, what,
		g_size);
	fuzz_show_input(g_data, g_size, 160);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	fuzz_tmpdir_remove();
	abort();
}

static void setup(void)
{
	if (g_path[0][0])
		return;
	CHECK(fuzz_tmpdir("fuzz_bundle") != NULL, "harness: cannot make a temporary directory");
	for (size_t i = 0; i < N_FILES; i++)
		snprintf(g_path[i], sizeof(g_path[i]), "%s/%s", fuzz_dir, NAMES[i]);
}

/* A part the input does not reach is a file missing from the bundle. */
static void write_part(size_t i, const part *pt)
{
	if (pt->present)
		CHECK(fuzz_write_file(g_path[i], pt->p, pt->len) == 0,
		      "harness: cannot write a file in the temporary directory");
	else
		CHECK(unlink(g_path[i]) == 0 || errno == ENOENT, "harness: cannot remove a file");
}

static const uint8_t *find(const uint8_t *p, size_t n, const char *s, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

static void split(part parts[N_PARTS], const uint8_t *data, size_t size)
{
	const uint8_t *p, *end;

	/* libFuzzer may pass NULL for the empty input: no arithmetic on it. */
	if (!data)
		data = (const uint8_t *)"";
	p = data;
	end = data + size;
	memset(parts, 0, N_PARTS * sizeof(*parts));
	for (size_t i = 0; i < N_PARTS; i++) {
		const uint8_t *s = find(p, (size_t)(end - p), SEP, SEP_LEN);
		parts[i].p = p;
		parts[i].present = 1;
		parts[i].len = s ? (size_t)(s - p) : (size_t)(end - p);
		if (!s)
			break;
		p = s + SEP_LEN;
	}
}

static uint64_t be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Canonical decimal: digits only, no leading zero unless "0", fits in 64 bits. */
static int canon_u64(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 20 || (n > 1 && p[0] == '0'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 1;
}

/* ---- keys in the keys file's layout ---- */

typedef struct {
	fl_vkey keys[64];
	fl_key_role roles[64];
	size_t n;
} keyset;

/* Parses "ROLE VKEY\n" lines; 0 when every line is good and there are 1 to 64 keys. */
static int parse_keys(keyset *ks, const part *pt)
{
	const uint8_t *p, *end;

	ks->n = 0;
	if (!pt->present || pt->len == 0 || pt->p[pt->len - 1] != '\n')
		return -1;
	p = pt->p;
	end = p + pt->len;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p), r;
		if (ks->n == 64)
			return -1;
		if (n > 10 && memcmp(p, "treasurer ", 10) == 0) {
			ks->roles[ks->n] = FL_ROLE_TREASURER;
			r = 10;
		} else if (n > 8 && memcmp(p, "auditor ", 8) == 0) {
			ks->roles[ks->n] = FL_ROLE_AUDITOR;
			r = 8;
		} else {
			return -1;
		}
		if (fl_vkey_parse(&ks->keys[ks->n], (const char *)p + r, n - r) < 0)
			return -1;
		ks->n++;
		p = nl + 1;
	}
	return 0;
}

/* ---- the independent check of an accepted bundle ---- */

/* Walks the MANIFEST: every line must be canonical and agree with r; returns the origin. */
static void check_manifest(const part *pt, const fl_verify_result *r, const uint8_t **origin,
			   size_t *origin_len)
{
	const uint8_t *p, *end;
	int seen_entries = 0, seen_head = 0, seen_root = 0;
	size_t line = 0;

	*origin = NULL;
	CHECK(pt->present && pt->len > 0 && pt->p[pt->len - 1] == '\n',
	      "accepted: MANIFEST not \\n-ended");
	p = pt->p;
	end = p + pt->len;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);
		CHECK(!memchr(p, 0, n), "accepted: a MANIFEST line holds a NUL byte");
		if (line++ == 0) {
			CHECK(n == strlen(MAGIC) && memcmp(p, MAGIC, n) == 0,
			      "accepted: MANIFEST does not start with the magic line");
		} else if (n > 7 && memcmp(p, "origin ", 7) == 0) {
			CHECK(!*origin || (*origin_len == n - 7 && memcmp(*origin, p + 7, n - 7) == 0),
			      "accepted: MANIFEST names two origins");
			*origin = p + 7;
			*origin_len = n - 7;
		} else if (n >= 8 && memcmp(p, "entries ", 8) == 0) {
			uint64_t v = 0;
			CHECK(canon_u64(p + 8, n - 8, &v), "accepted: MANIFEST entries not canonical");
			CHECK(v == r->entries, "accepted: MANIFEST entries is not the count verified");
			seen_entries = 1;
		} else if (n >= 5 && memcmp(p, "head ", 5) == 0) {
			char hex[FL_HASH_HEX_LEN + 1];
			fl_hex_encode(hex, r->head, FL_HASH_LEN);
			CHECK(n == 5 + FL_HASH_HEX_LEN && memcmp(p + 5, hex, FL_HASH_HEX_LEN) == 0,
			      "accepted: MANIFEST head is not the head verified (lower-case hex)");
			seen_head = 1;
		} else if (n >= 5 && memcmp(p, "root ", 5) == 0) {
			fl_buf b = FL_BUF_INIT;
			CHECK(fl_base64_encode(&b, r->root, FL_HASH_LEN) == 0, "harness: base64");
			CHECK(n - 5 == b.len && memcmp(p + 5, b.data, b.len) == 0,
			      "accepted: MANIFEST root is not the root verified (canonical base64)");
			fl_buf_free(&b);
			seen_root = 1;
		} else {
			fail("accepted: MANIFEST has a line that is none of its four kinds");
		}
		p = nl + 1;
	}
	CHECK(*origin && seen_entries && seen_head && seen_root,
	      "accepted: MANIFEST lacks origin, entries, head or root");
}

/* The next note of a checkpoints file from *pos, as the file format defines it. */
static int next_note(const part *pt, size_t *pos, size_t *start, size_t *len, size_t *sigs)
{
	size_t i = *pos;
	int in_sigs = 0;

	if (i >= pt->len)
		return 0;
	*start = i;
	*sigs = 0;
	while (i < pt->len) {
		const uint8_t *nl = memchr(pt->p + i, '\n', pt->len - i);
		size_t n;
		CHECK(nl != NULL, "accepted: checkpoints file does not end in \\n");
		n = (size_t)(nl - (pt->p + i));
		if (in_sigs && (n < 4 || memcmp(pt->p + i, DASH, 4) != 0))
			break;
		if (n == 0) {
			CHECK(!in_sigs && i > *start, "accepted: a note with a misplaced blank line");
			in_sigs = 1;
		} else if (in_sigs) {
			(*sigs)++;
		}
		i += n + 1;
	}
	CHECK(in_sigs && *sigs > 0, "accepted: a checkpoint without signatures");
	*len = i - *start;
	*pos = i;
	return 1;
}

static void check_accepted(const part *parts, const fl_verify_result *r, const keyset *ks,
			   const fl_checkpoint *trusted)
{
	const part *ent = &parts[P_ENTRIES], *idx = &parts[P_INDEX], *cps = &parts[P_CHECKPOINTS];
	const uint8_t *origin;
	size_t origin_len = 0, pos = 0, off = 0, notes = 0, sigs_total = 0, last = 0, last_len = 0;
	unsigned char prev[FL_HASH_LEN] = {0}, root[FL_HASH_LEN];
	fl_merkle_frontier fr;
	fl_note_result nr;
	fl_checkpoint cp;
	fl_vkey treasurers[64];
	size_t n_treasurers = 0;
	static fl_entry e;
	uint64_t seq = 0;

	check_manifest(&parts[P_MANIFEST], r, &origin, &origin_len);

	/* entries and entries.idx */
	fl_merkle_frontier_init(&fr);
	CHECK(ent->present && idx->present, "accepted: entries or entries.idx missing");
	while (off < ent->len) {
		uint64_t len;
		unsigned char leaf[FL_HASH_LEN];
		CHECK(ent->len - off >= 4, "accepted: entries ends inside a length");
		len = be(ent->p + off, 4);
		CHECK(len > 0 && len <= ent->len - off - 4, "accepted: a record runs past the end");
		seq++;
		CHECK(idx->len >= seq * 8 && be(idx->p + (seq - 1) * 8, 8) == off,
		      "accepted: entries.idx does not point at the record");
		CHECK(fl_entry_decode(&e, ent->p + off + 4, (size_t)len) == 0,
		      "accepted: a record does not decode");
		CHECK(e.seq == seq, "accepted: a record names another sequence number");
		CHECK(memcmp(e.prev, prev, FL_HASH_LEN) == 0, "accepted: a broken hash chain");
		CHECK(fl_sha256(prev, ent->p + off + 4, (size_t)len) == 0, "harness: sha256");
		CHECK(fl_merkle_leaf_hash(leaf, ent->p + off + 4, (size_t)len) == 0 &&
			      fl_merkle_frontier_append(&fr, leaf, NULL, NULL) == 0,
		      "harness: merkle");
		if (trusted && trusted->size == seq) {
			CHECK(fl_merkle_frontier_root(&fr, root) == 0, "harness: merkle root");
			CHECK(memcmp(root, trusted->root, FL_HASH_LEN) == 0,
			      "accepted: the tree at the trusted size is not the trusted root");
		}
		off += 4 + (size_t)len;
	}
	if (trusted && trusted->size == 0) {
		unsigned char empty[FL_HASH_LEN];
		CHECK(fl_sha256(empty, "", 0) == 0, "harness: sha256");
		CHECK(memcmp(empty, trusted->root, FL_HASH_LEN) == 0,
		      "accepted: a trusted empty tree whose root is not SHA-256 of nothing");
	}
	CHECK(seq == r->entries, "accepted: entries holds another number of records");
	CHECK(idx->len == seq * 8, "accepted: entries.idx has another number of records");
	CHECK(memcmp(prev, r->head, FL_HASH_LEN) == 0, "accepted: head is not the last record's");
	CHECK(fl_merkle_frontier_root(&fr, root) == 0, "harness: merkle root");
	CHECK(memcmp(root, r->root, FL_HASH_LEN) == 0, "accepted: root is not the records' root");
	if (trusted)
		CHECK(r->trusted && r->trusted_size == trusted->size && trusted->size <= seq,
		      "accepted: the trusted checkpoint is not reported as holding");
	else
		CHECK(!r->trusted, "accepted: trusted without a trusted checkpoint");

	/* checkpoints */
	CHECK(cps->present, "accepted: checkpoints missing");
	for (size_t start, len, sigs; next_note(cps, &pos, &start, &len, &sigs);) {
		notes++;
		sigs_total += sigs;
		last = start;
		last_len = len;
	}
	CHECK(notes == r->checkpoints, "accepted: checkpoints counted are not the notes in the file");
	CHECK(r->checkpoints + r->cosignatures <= sigs_total,
	      "accepted: more signatures counted than the file holds");
	if (seq == 0) {
		CHECK(notes == 0, "accepted: an empty bundle with checkpoints");
		return;
	}
	CHECK(notes > 0, "accepted: entries without a checkpoint");
	for (size_t i = 0; i < ks->n; i++)
		if (ks->roles[i] == FL_ROLE_TREASURER && ks->keys[i].type == FL_SIGTYPE_ED25519)
			treasurers[n_treasurers++] = ks->keys[i];
	CHECK(fl_note_verify(&nr, (const char *)cps->p + last, last_len, treasurers,
			     n_treasurers) == 0,
	      "accepted: the last checkpoint is not signed by a treasurer key in use");
	CHECK(fl_checkpoint_parse(&cp, (const char *)cps->p + last, nr.text_len) == 0,
	      "accepted: the last checkpoint does not parse");
	CHECK(cp.size == seq, "accepted: the last checkpoint does not cover every entry");
	CHECK(memcmp(cp.root, r->root, FL_HASH_LEN) == 0, "accepted: the last checkpoint's root");
	CHECK(strlen(cp.origin) == origin_len && memcmp(cp.origin, origin, origin_len) == 0,
	      "accepted: the last checkpoint's origin is not the MANIFEST's");
}

/* Records a walk of entries can frame: the bound on bad_seq. */
static uint64_t records(const part *ent)
{
	uint64_t n = 0;
	for (size_t off = 0; ent->present && ent->len - off >= 4;) {
		uint64_t len = be(ent->p + off, 4);
		n++;
		if (len > ent->len - off - 4)
			break;
		off += 4 + (size_t)len;
	}
	return n;
}

/* Which of the first 64 descriptors are open: a file left open shows up as a new bit. */
static uint64_t open_fds(void)
{
	uint64_t set = 0;
	for (int fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			set |= UINT64_C(1) << fd;
	return set;
}

/*
 * One verification. opt may be NULL (the bundle's keys, nothing trusted); ks holds the keys in
 * use as this harness parsed them; trusted is what opt's trusted note claims, NULL when it is
 * absent or malformed (then the library must refuse it).
 */
static void run(const part *parts, const fl_verify_options *opt, const keyset *ks,
		const fl_checkpoint *trusted, int all_files)
{
	fl_verify_result r;
	uint64_t fds = open_fds();
	int rc;

	fl_error_clear();
	rc = fl_verify_bundle(&r, fuzz_dir, opt);
	CHECK(open_fds() == fds, "fl_verify_bundle left a file open");
	if (rc == 0) {
		CHECK(ks->n > 0 || r.entries == 0,
		      "accepted: entries verified without well-formed keys");
		CHECK(!opt || !opt->trusted || trusted, "accepted a malformed trusted checkpoint");
		check_accepted(parts, &r, ks, trusted);
		return;
	}
	CHECK(rc == FL_EVERIFY || rc == FL_EINVALID || rc == FL_EIO || rc == FL_ENOMEM,
	      "failed with an undocumented code");
	CHECK(fl_error_code() == rc, "the error record does not hold the returned code");
	CHECK(printable(fl_error_last()), "the message is not printable ASCII");
	CHECK(rc != FL_EIO || !all_files, "FL_EIO although every file is there");
	CHECK(r.bad_seq <= records(&parts[P_ENTRIES]) + 1, "bad_seq beyond the entries");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	part parts[N_PARTS];
	static keyset own, pinned;
	fl_checkpoint trusted;
	const fl_checkpoint *tp = NULL;
	fl_verify_options opt;
	int all_files = 1;

	g_data = data;
	g_size = size;
	setup();
	split(parts, data, size);
	for (size_t i = 0; i < N_FILES; i++) {
		write_part(i, &parts[i]);
		all_files &= parts[i].present;
	}
	memset(&opt, 0, sizeof(opt));
	if (parts[P_TRUSTED].present && parts[P_TRUSTED].len) {
		size_t text_len;
		opt.trusted = (const char *)parts[P_TRUSTED].p;
		opt.trusted_len = parts[P_TRUSTED].len;
		/* What the trusted note claims; checked only once the library accepted it. */
		if (fl_note_split(opt.trusted, opt.trusted_len, &text_len) == 0 &&
		    fl_checkpoint_parse(&trusted, opt.trusted, text_len) == 0)
			tp = &trusted;
	}

	/* The bundle's own keys, as `verify --bundle DIR` without --key. */
	g_run = "the bundle's keys";
	if (parse_keys(&own, &parts[P_KEYS]) < 0)
		own.n = 0;
	run(parts, opt.trusted ? &opt : NULL, &own, tp, all_files);

	/* Pinned keys, as an auditor runs it: `verify --bundle DIR --key VKEY...`. */
	if (parse_keys(&pinned, &parts[P_PINNED]) == 0) {
		g_run = "pinned keys";
		opt.keys = pinned.keys;
		opt.roles = pinned.roles;
		opt.n_keys = pinned.n;
		run(parts, &opt, &pinned, tp, all_files);
	}
	g_run = "-";
	return 0;
}
