/*
 * test_verify_v2.c: ledgers forged by an insider who holds an authorised treasurer key, which
 * verify must still refuse (format v2: match, statement, bankline, bankmatch).
 *
 * The insider writes what the honest writer (ledger.c) would refuse, but with every hash, chain
 * link, Merkle root and checkpoint signature right, so only the entry invariants can catch it.
 * Two routes:
 *
 *   - bundles: a good ledger is recorded with the library and exported; a rewriter decodes the
 *     `entries` file, changes a field, re-encodes every entry, re-chains it, writes a new index,
 *     recomputes the Merkle root at each checkpoint size and re-signs each checkpoint note with
 *     the test treasurer key (keeping the "fundledger.previous" line), then writes a new
 *     MANIFEST. The rewriter is proved faithful first: with no change it reproduces the export
 *     byte for byte, and changes that break no rule still verify.
 *   - ledger files: the same key appends rows straight through the store (store_int.h), with
 *     Merkle tiles and a signed checkpoint, to reach the query-column checks and the ledger
 *     driver's look-ups. Again an honest forgery verifies first.
 *
 * Every refusal must be FL_EVERIFY with a message "entry N: ..." naming the entry and the rule.
 * The "gap" tests probe rules the writer enforces (test_writer_refuses_the_gaps shows it does)
 * that verify may not re-check: while verify accepts such a forgery they print "# known gap"
 * and pass, so the suite documents the gap without failing; once verify learns the rule, its
 * refusal must name the forged entry.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/fundledger.h"
#include "ledger_int.h"
#include "testkit.h"
#include "tree_int.h"

#define CONFIG "config/fundledger.yaml"
#define ORIGIN "unit.example.org/verify-v2"
#define BY "treasurer"
#define AT "2026-03-01T12:00:00Z"
#define MAX_CPS 32
#define EM_DASH "\xe2\x80\x94 "

/* ---- small helpers ---- */

#define CHECK(x)                                                                            \
	do {                                                                                \
		if ((x) != 0)                                                               \
			fail_msg("%s:%d: %s failed: %s", __FILE__, __LINE__, #x,            \
				 fl_error_last());                                          \
	} while (0)

static void slurp(fl_buf *out, const char *dir, const char *name)
{
	char path[512];
	unsigned char chunk[4096];
	size_t n;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "rb")))
		fail_msg("%s: %s", path, strerror(errno));
	fl_buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		CHECK(fl_buf_put(out, chunk, n));
	assert_int_equal(ferror(f), 0);
	fclose(f);
}

static void spit(const char *dir, const char *name, const fl_buf *b)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		fail_msg("%s: %s", path, strerror(errno));
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		fail_msg("%s: short write", path);
	assert_int_equal(fclose(f), 0);
}

static const char *const BUNDLE_FILES[] = {"MANIFEST", "entries", "entries.idx", "checkpoints",
					   "keys", "currencies"};
#define N_BUNDLE_FILES (sizeof(BUNDLE_FILES) / sizeof(BUNDLE_FILES[0]))

static void rm_bundle(const char *dir)
{
	char path[512];
	for (size_t i = 0; i < N_BUNDLE_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, BUNDLE_FILES[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The test treasurer key, pinned as the only key the auditor trusts. */
static void pinned_options(fl_verify_options *opt, fl_vkey *key, fl_key_role *role)
{
	unsigned char pub[FL_ED25519_PUB_LEN];
	assert_non_null(testkit_key);
	fl_signer_public(testkit_key, pub);
	CHECK(fl_vkey_make(key, TESTKIT_KEY_NAME, FL_SIGTYPE_ED25519, pub));
	*role = FL_ROLE_TREASURER;
	memset(opt, 0, sizeof(*opt));
	opt->keys = key;
	opt->roles = role;
	opt->n_keys = 1;
}

/* A checkpoint note as ledger.c signs it: text, the previous-size line, a blank line, one
 * signature by the test treasurer key. */
static void sign_checkpoint_note(fl_buf *out, const char *origin, uint64_t size, uint64_t previous,
				 const fl_hash root)
{
	fl_checkpoint cp;
	fl_buf text = FL_BUF_INIT;
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", origin);
	cp.size = size;
	memcpy(cp.root, root, FL_HASH_LEN);
	CHECK(fl_checkpoint_format(&text, &cp));
	CHECK(fl_buf_printf(&text, FL_CHECKPOINT_PREVIOUS " %" PRIu64 "\n", previous));
	CHECK(fl_buf_put(out, text.data, text.len));
	CHECK(fl_buf_putc(out, '\n'));
	CHECK(fl_note_sign(out, (const char *)text.data, text.len, TESTKIT_KEY_NAME, testkit_key));
	fl_buf_free(&text);
}

static void put_be(fl_buf *b, uint64_t v, unsigned n)
{
	for (unsigned i = n; i-- > 0;)
		CHECK(fl_buf_putc(b, (unsigned char)(v >> (8 * i))));
}

/* ---- entry builders: content only; the writer (or the forger) fills in the rest ---- */

static void mk_rate(fl_entry *e, const char *ccy, uint64_t r, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_RATE;
	strcpy(e->currency, ccy);
	e->rate = r;
	strcpy(e->date, date);
}

static void mk_pledge(fl_entry *e, const char *fund, const char *donor, const char *ccy,
		      int64_t amount, const char *date)
{
	fl_entry_init(e);
	e->kind = FL_KIND_PLEDGE;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	e->years[0] = (uint16_t)fl_date_year(date);
	e->n_years = 1;
}

static void mk_contribution(fl_entry *e, const char *fund, const char *donor, const char *ccy,
			    int64_t amount, const char *date, uint64_t pledge)
{
	fl_entry_init(e);
	e->kind = FL_KIND_CONTRIBUTION;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	snprintf(e->bank_ref, sizeof(e->bank_ref), "BANK %s %lld", date, (long long)amount);
	e->pledge = pledge;
}

static void mk_match(fl_entry *e, uint64_t contribution, uint64_t pledge, int64_t amount)
{
	fl_entry_init(e);
	e->kind = FL_KIND_MATCH;
	e->contribution = contribution;
	e->pledge = pledge;
	e->amount = amount;
	strcpy(e->reason, "applied by the treasurer");
}

static void mk_statement(fl_entry *e, const char *ccy, const char *id, int64_t opening,
			 int64_t closing, uint64_t lines)
{
	fl_entry_init(e);
	e->kind = FL_KIND_STATEMENT;
	strcpy(e->currency, ccy);
	strcpy(e->account, "CH9300762011623852957");
	strcpy(e->statement_id, id);
	strcpy(e->from, "2026-02-01");
	strcpy(e->date, "2026-02-28");
	e->opening = opening;
	e->closing = closing;
	e->lines = lines;
}

static void mk_bankline(fl_entry *e, uint64_t stmt, const char *ccy, char dir, int64_t amount,
			const char *date, const char *ref)
{
	fl_entry_init(e);
	e->kind = FL_KIND_BANKLINE;
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, date);
	strcpy(e->booked, date);
	strcpy(e->bank_ref, ref);
	e->statement = stmt;
	e->direction[0] = dir;
}

static void mk_bankmatch(fl_entry *e, uint64_t line, uint64_t contribution)
{
	fl_entry_init(e);
	e->kind = FL_KIND_BANKMATCH;
	e->line = line;
	e->contribution = contribution;
	strcpy(e->reason, "matched by the treasurer");
}

static void mk_reversal(fl_entry *e, uint64_t target)
{
	fl_entry_init(e);
	e->kind = FL_KIND_REVERSAL;
	e->target = target;
	strcpy(e->reason, "entered twice");
}

static void mk_writeoff(fl_entry *e, uint64_t pledge, const char *fund, const char *donor,
			const char *ccy, int64_t amount)
{
	fl_entry_init(e);
	e->kind = FL_KIND_WRITEOFF;
	e->pledge = pledge;
	strcpy(e->fund, fund);
	strcpy(e->donor, donor);
	strcpy(e->currency, ccy);
	e->amount = amount;
	strcpy(e->date, "2026-02-27");
	strcpy(e->reason, "uncollectable");
}

/* ---- the good ledger ---- */

/* The statement's figures (EUR cents). */
#define OPENING INT64_C(500000)
#define LINE_C1 INT64_C(3000000)
#define LINE_D INT64_C(120050)
#define LINE_C2 INT64_C(25000)
#define CLOSING (OPENING + LINE_C1 - LINE_D + LINE_C2)

typedef struct {
	uint64_t rate_eur, rate_chf, rate_eur2, p_eur, p_usd, p_other;
	uint64_t c_chf, m_cross, m_usd, c_eur, m_same, c_usd;
	uint64_t stmt, l_c1, l_d, l_c2;
	uint64_t bm, stmt0, rev;
	uint64_t n, checkpoints;
} seqs;

static uint64_t put_at(int line, fl_ledger *l, fl_entry *e)
{
	fl_append_status st = 0;
	int rc = fl_ledger_append(l, e, &st);
	if (rc != 0 || st != FL_APPENDED)
		fail_msg("line %d: append %s: %d (status %d) %s", line, fl_kind_name(e->kind), rc,
			 (int)st, fl_error_last());
	return e->seq;
}
#define PUT(l, e) put_at(__LINE__, (l), (e))

/*
 * Records, in four batches (checkpoints at 6, 12, 16 and 19):
 *   rates EUR 0.92 and CHF 0.88 from 2026-01-01, EUR 0.93 from 2026-02-15; pledges of Norway
 *   to VFTC in EUR and USD, of Sweden to UPRP in CHF;
 *   a CHF contribution applied across currencies to the EUR pledge and to the USD pledge; a
 *   EUR contribution naming the EUR pledge with its match; a USD contribution;
 *   a EUR statement with three lines (credit, debit, credit);
 *   a bank match of the first credit line with the EUR contribution, a CHF statement without
 *   lines, and a reversal of the Swedish pledge.
 */
static void build_good(fl_ledger *l, seqs *s)
{
	fl_entry e;
	fl_append_status st = 0;

	memset(s, 0, sizeof(*s));
	CHECK(fl_ledger_begin(l, BY, AT));
	mk_rate(&e, "EUR", 920000, "2026-01-01");
	s->rate_eur = PUT(l, &e);
	mk_rate(&e, "CHF", 880000, "2026-01-01");
	s->rate_chf = PUT(l, &e);
	mk_rate(&e, "EUR", 930000, "2026-02-15");
	s->rate_eur2 = PUT(l, &e);
	mk_pledge(&e, "VFTC", "NOR", "EUR", 10000000, "2026-01-15");
	s->p_eur = PUT(l, &e);
	mk_pledge(&e, "VFTC", "NOR", "USD", 5000000, "2026-01-15");
	s->p_usd = PUT(l, &e);
	mk_pledge(&e, "UPRP", "SWE", "CHF", 4000000, "2026-01-20");
	s->p_other = PUT(l, &e);
	CHECK(fl_ledger_commit(l));

	CHECK(fl_ledger_begin(l, BY, AT));
	mk_contribution(&e, "VFTC", "NOR", "CHF", 2000000, "2026-02-01", 0);
	s->c_chf = PUT(l, &e);
	mk_match(&e, s->c_chf, s->p_eur, 1000000);
	s->m_cross = PUT(l, &e);
	mk_match(&e, s->c_chf, s->p_usd, 500000);
	s->m_usd = PUT(l, &e);
	mk_contribution(&e, "VFTC", "NOR", "EUR", LINE_C1, "2026-02-02", s->p_eur);
	s->c_eur = PUT(l, &e);
	{
		fl_entry c = e;
		CHECK(fl_ledger_append_named(l, &c, &e, &st));
		assert_int_equal(st, FL_APPENDED);
		s->m_same = e.seq;
	}
	mk_contribution(&e, "VFTC", "NOR", "USD", 100000, "2026-02-03", 0);
	s->c_usd = PUT(l, &e);
	CHECK(fl_ledger_commit(l));

	CHECK(fl_ledger_begin(l, BY, AT));
	mk_statement(&e, "EUR", "STMT-2026-02", OPENING, CLOSING, 3);
	s->stmt = PUT(l, &e);
	mk_bankline(&e, s->stmt, "EUR", 'C', LINE_C1, "2026-02-02", "NTRY-1");
	s->l_c1 = PUT(l, &e);
	mk_bankline(&e, s->stmt, "EUR", 'D', LINE_D, "2026-02-10", "NTRY-2");
	s->l_d = PUT(l, &e);
	mk_bankline(&e, s->stmt, "EUR", 'C', LINE_C2, "2026-02-20", "NTRY-3");
	s->l_c2 = PUT(l, &e);
	CHECK(fl_ledger_commit(l));

	CHECK(fl_ledger_begin(l, BY, AT));
	mk_bankmatch(&e, s->l_c1, s->c_eur);
	s->bm = PUT(l, &e);
	mk_statement(&e, "CHF", "STMT-CHF-2026-02", 1234500, 1234500, 0);
	s->stmt0 = PUT(l, &e);
	mk_reversal(&e, s->p_other);
	s->rev = PUT(l, &e);
	CHECK(fl_ledger_commit(l));
	s->n = s->rev;
	s->checkpoints = 4;
}

/* A fresh ledger in its own temporary directory. */
typedef struct {
	char dir[64];
	char path[128];
	fl_config *cfg;
	fl_ledger *l;
	seqs s;
	char good[128]; /* the exported bundle (bundle tests) */
	unsigned next;  /* numbers the forged bundles */
} fx;

static int fx_new(fx **out)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/fl-unit-verify2-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (fl_config_load(&f->cfg, CONFIG) != 0 ||
	    fl_ledger_init(f->path, ORIGIN, "2026-01-01T00:00:00Z") != 0 ||
	    fl_ledger_open(&f->l, f->path, f->cfg, 0) != 0 || testkit_sign(f->cfg, f->l) != 0) {
		fprintf(stderr, "setup: %s\n", fl_error_last());
		return -1;
	}
	build_good(f->l, &f->s);
	*out = f;
	return 0;
}

static void fx_free(fx *f)
{
	if (!f)
		return;
	fl_ledger_free(f->l);
	fl_config_free(f->cfg);
	testkit_remove_ledger(f->path);
	if (f->good[0])
		rm_bundle(f->good);
	rmdir(f->dir);
	free(f);
}

/* ---- bundles in memory ---- */

typedef struct {
	char origin[FL_ORIGIN_LEN_MAX + 1];
	fl_entry *e;
	size_t n;
	uint64_t cp_size[MAX_CPS], cp_prev[MAX_CPS];
	size_t n_cps;
	fl_buf keys, currencies;
} bundle;

static void bundle_free(bundle *b)
{
	free(b->e);
	fl_buf_free(&b->keys);
	fl_buf_free(&b->currencies);
	memset(b, 0, sizeof(*b));
}

/* Finds "\n\n" in p[0..n); its offset, or n. */
static size_t blank_line(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '\n' && p[i + 1] == '\n')
			return i;
	return n;
}

static void bundle_load(bundle *b, const char *dir)
{
	fl_buf buf = FL_BUF_INIT;
	size_t at = 0, cap = 0;

	memset(b, 0, sizeof(*b));
	/* entries: u32be length, canonical bytes */
	slurp(&buf, dir, "entries");
	while (at < buf.len) {
		uint32_t len;
		assert_true(buf.len - at >= 4);
		len = (uint32_t)buf.data[at] << 24 | (uint32_t)buf.data[at + 1] << 16 |
		      (uint32_t)buf.data[at + 2] << 8 | buf.data[at + 3];
		at += 4;
		assert_true(len > 0 && buf.len - at >= len);
		if (b->n == cap) {
			void *p = realloc(b->e, (cap = cap ? 2 * cap : 32) * sizeof(*b->e));
			assert_non_null(p);
			b->e = p;
		}
		CHECK(fl_entry_decode(&b->e[b->n], buf.data + at, len));
		assert_int_equal(b->e[b->n].seq, b->n + 1);
		b->n++;
		at += len;
	}
	/* checkpoints: signed notes, each text, a blank line and its signature lines */
	slurp(&buf, dir, "checkpoints");
	at = 0;
	while (at < buf.len) {
		const char *p = (const char *)buf.data + at;
		size_t left = buf.len - at, text_len = blank_line(p, left) + 1, sigs = 0;
		fl_checkpoint cp;
		assert_true(text_len < left);
		CHECK(fl_checkpoint_parse(&cp, p, text_len));
		assert_true(cp.has_previous);
		assert_true(b->n_cps < MAX_CPS);
		b->cp_size[b->n_cps] = cp.size;
		b->cp_prev[b->n_cps++] = cp.previous;
		at += text_len + 1;
		while (buf.len - at >= 4 && memcmp(buf.data + at, EM_DASH, 4) == 0) {
			const unsigned char *nl = memchr(buf.data + at, '\n', buf.len - at);
			assert_non_null(nl);
			at = (size_t)(nl - buf.data) + 1;
			sigs++;
		}
		/* Only the treasurer's own signature: cosignatures could not be redone. */
		assert_int_equal(sigs, 1);
	}
	/* MANIFEST: the origin; the rest is recomputed */
	slurp(&buf, dir, "MANIFEST");
	{
		const char *s = strstr(fl_buf_cstr(&buf), "\norigin ");
		const char *end;
		assert_non_null(s);
		s += 8;
		end = strchr(s, '\n');
		assert_non_null(end);
		assert_true((size_t)(end - s) <= FL_ORIGIN_LEN_MAX);
		memcpy(b->origin, s, (size_t)(end - s));
	}
	slurp(&b->keys, dir, "keys");
	slurp(&b->currencies, dir, "currencies");
	fl_buf_free(&buf);
}

/*
 * Writes b into a new directory as the insider would: every entry re-encoded and re-chained,
 * the index, each checkpoint re-signed over the new root at its size, and the MANIFEST.
 */
static void bundle_write(bundle *b, const char *dir)
{
	fl_buf ent = FL_BUF_INIT, idx = FL_BUF_INIT, cps = FL_BUF_INIT, man = FL_BUF_INIT;
	fl_buf canon = FL_BUF_INIT;
	fl_merkle_frontier fr;
	unsigned char prev[FL_HASH_LEN] = {0};
	fl_hash leaf, root;
	char head[FL_HASH_HEX_LEN + 1];
	size_t k = 0;

	if (mkdir(dir, 0755) != 0)
		fail_msg("%s: %s", dir, strerror(errno));
	fl_merkle_frontier_init(&fr);
	for (size_t i = 0; i < b->n; i++) {
		fl_entry *e = &b->e[i];
		e->seq = i + 1;
		memcpy(e->prev, prev, FL_HASH_LEN);
		fl_buf_reset(&canon);
		if (fl_entry_encode(&canon, e) != 0)
			fail_msg("entry %zu does not encode: %s", i + 1, fl_error_last());
		put_be(&idx, ent.len, 8);
		put_be(&ent, canon.len, 4);
		CHECK(fl_buf_put(&ent, canon.data, canon.len));
		CHECK(fl_sha256(prev, canon.data, canon.len));
		CHECK(fl_merkle_leaf_hash(leaf, canon.data, canon.len));
		CHECK(fl_merkle_frontier_append(&fr, leaf, NULL, NULL));
		while (k < b->n_cps && b->cp_size[k] == i + 1) {
			CHECK(fl_merkle_frontier_root(&fr, root));
			sign_checkpoint_note(&cps, b->origin, b->cp_size[k], b->cp_prev[k], root);
			k++;
		}
	}
	assert_int_equal(k, b->n_cps);
	CHECK(fl_merkle_frontier_root(&fr, root));
	fl_hex_encode(head, prev, FL_HASH_LEN);
	CHECK(fl_buf_printf(&man, "fundledger-bundle/v1\norigin %s\nentries %zu\nhead %s\nroot ",
			    b->origin, b->n, head));
	CHECK(fl_base64_encode(&man, root, FL_HASH_LEN));
	CHECK(fl_buf_putc(&man, '\n'));
	spit(dir, "MANIFEST", &man);
	spit(dir, "entries", &ent);
	spit(dir, "entries.idx", &idx);
	spit(dir, "checkpoints", &cps);
	spit(dir, "keys", &b->keys);
	spit(dir, "currencies", &b->currencies);
	fl_buf_free(&ent);
	fl_buf_free(&idx);
	fl_buf_free(&cps);
	fl_buf_free(&man);
	fl_buf_free(&canon);
}

/* Turns entry seq into another kind, keeping what the ledger stamps on every entry. */
static void become(bundle *b, uint64_t seq, const fl_entry *content)
{
	fl_entry *e = &b->e[seq - 1];
	fl_entry keep = *e;
	*e = *content;
	e->seq = keep.seq;
	memcpy(e->recorded_at, keep.recorded_at, sizeof(e->recorded_at));
	memcpy(e->recorded_by, keep.recorded_by, sizeof(e->recorded_by));
	snprintf(e->idem, sizeof(e->idem), "forged-%" PRIu64, seq);
}

/* Recomputes a match's usd and settled from its amount and rates (all in 2-decimal
 * currencies here), so that only the rule under test is broken. */
static void rederive_match(fl_entry *m, const char *pledge_ccy)
{
	CHECK(fl_money_to_usd(&m->usd, m->amount, 2, m->rate_used));
	if (strcmp(m->currency, pledge_ccy) == 0)
		m->settled = m->amount;
	else
		CHECK(fl_money_convert(&m->settled, m->amount, 2, m->rate_used, 2, m->settle_rate));
}

/* ---- bundle group ---- */

static int group_setup(void **state)
{
	fx *f;
	uint64_t n = 0;
	if (fx_new(&f) != 0)
		return -1;
	snprintf(f->good, sizeof(f->good), "%s/good", f->dir);
	if (fl_audit_export(f->l, f->good, &n) != 0 || n != f->s.n) {
		fprintf(stderr, "export: %s\n", fl_error_last());
		fx_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

typedef void (*mutate_fn)(bundle *b, const seqs *s);

/* Loads the good bundle, applies fn, writes the forgery; returns its verification. */
static int forge_and_verify(fx *f, mutate_fn fn, fl_verify_result *r, char *dir, size_t dirlen)
{
	bundle b;
	fl_verify_options opt;
	fl_vkey key;
	fl_key_role role;
	int rc;

	bundle_load(&b, f->good);
	if (fn)
		fn(&b, &f->s);
	snprintf(dir, dirlen, "%s/forged-%u", f->dir, f->next++);
	bundle_write(&b, dir);
	bundle_free(&b);
	pinned_options(&opt, &key, &role);
	fl_error_clear();
	rc = fl_verify_bundle(r, dir, &opt);
	return rc;
}

/* The forgery must fail with FL_EVERIFY at entry `bad`, for the rule whose words are `rule`. */
static void refused_at(int line, fx *f, mutate_fn fn, uint64_t bad, const char *rule)
{
	fl_verify_result r;
	char dir[256], prefix[64];
	int rc = forge_and_verify(f, fn, &r, dir, sizeof(dir));
	snprintf(prefix, sizeof(prefix), "entry %" PRIu64 ": ", bad);
	if (rc != FL_EVERIFY)
		fail_msg("line %d: verify returned %d (\"%s\"), want FL_EVERIFY", line, rc,
			 fl_error_last());
	if (strncmp(fl_error_last(), prefix, strlen(prefix)) != 0 || !strstr(fl_error_last(), rule))
		fail_msg("line %d: message \"%s\" should start \"%s\" and name \"%s\"", line,
			 fl_error_last(), prefix, rule);
	if (r.bad_seq != bad)
		fail_msg("line %d: bad_seq %" PRIu64 ", want %" PRIu64, line, r.bad_seq, bad);
	rm_bundle(dir);
}
#define REFUSED(f, fn, bad, rule) refused_at(__LINE__, (f), (fn), (bad), (rule))

/* The forgery must verify (a change that breaks no rule, or no change at all). */
static void accepted_at(int line, fx *f, mutate_fn fn)
{
	fl_verify_result r;
	char dir[256];
	int rc = forge_and_verify(f, fn, &r, dir, sizeof(dir));
	if (rc != 0)
		fail_msg("line %d: verify returned %d: %s", line, rc, fl_error_last());
	assert_int_equal(r.entries, f->s.n);
	assert_int_equal(r.checkpoints, f->s.checkpoints);
	assert_int_equal(r.bad_seq, 0);
	rm_bundle(dir);
}
#define ACCEPTED(f, fn) accepted_at(__LINE__, (f), (fn))

/*
 * A writer rule that the offline bundle verify does not re-check (SECURITY.md, "What it does
 * not detect"): either harmless by definition (a match of a reversed contribution does not
 * stand, so it counts for nothing), or checked only on a ledger file, where the store can be
 * queried in bounded memory (the file tests below show those refused). The bundle verify
 * must accept the forgery; if it ever refuses it, this fails, so that the documentation and
 * this test are brought up to date together.
 */
static void gap_at(int line, fx *f, mutate_fn fn, uint64_t bad, const char *what)
{
	fl_verify_result r;
	char dir[256];
	int rc = forge_and_verify(f, fn, &r, dir, sizeof(dir));
	rm_bundle(dir);
	if (rc != 0)
		fail_msg("line %d: %s (entry %" PRIu64 "): the bundle verify now refuses it (%d: "
			 "\"%s\"); update SECURITY.md and this test",
			 line, what, bad, rc, fl_error_last());
	printf("# bundle verify accepts, as documented: %s (entry %" PRIu64 ")\n", what, bad);
}
#define GAP(f, fn, bad, what) gap_at(__LINE__, (f), (fn), (bad), (what))

/* ---- the rewriter is faithful ---- */

static void test_export_verifies(void **state)
{
	fx *f = *state;
	fl_verify_result r;
	fl_verify_options opt;
	fl_vkey key;
	fl_key_role role;
	pinned_options(&opt, &key, &role);
	CHECK(fl_verify_bundle(&r, f->good, &opt));
	assert_int_equal(r.entries, f->s.n);
	assert_int_equal(r.checkpoints, f->s.checkpoints);
	/* The ledger has the shape the cases below assume. */
	assert_int_equal(f->s.stmt + 1, f->s.l_c1);
	assert_int_equal(f->s.l_c2 + 1, f->s.bm);
	assert_int_equal(f->s.n, 19);
}

/* No change: the rewriter reproduces the export byte for byte (Ed25519 is deterministic). */
static void test_rewrite_unchanged_is_identical(void **state)
{
	fx *f = *state;
	fl_verify_result r;
	fl_buf a = FL_BUF_INIT, b = FL_BUF_INIT;
	char dir[256];
	CHECK(forge_and_verify(f, NULL, &r, dir, sizeof(dir)));
	assert_int_equal(r.entries, f->s.n);
	assert_int_equal(r.checkpoints, f->s.checkpoints);
	for (size_t i = 0; i < N_BUNDLE_FILES; i++) {
		slurp(&a, f->good, BUNDLE_FILES[i]);
		slurp(&b, dir, BUNDLE_FILES[i]);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			fail_msg("%s differs after a rewrite without change", BUNDLE_FILES[i]);
	}
	fl_buf_free(&a);
	fl_buf_free(&b);
	rm_bundle(dir);
}

static void mut_benign_texts(bundle *b, const seqs *s)
{
	strcpy(b->e[s->rev - 1].reason, "forged reason");
	strcpy(b->e[s->m_cross - 1].reason, "forged reason");
	strcpy(b->e[s->l_d - 1].remittance, "INVOICE 17");
}

/* Moving money between two lines and the closing balance keeps the statement balanced. */
static void mut_benign_balanced(bundle *b, const seqs *s)
{
	b->e[s->l_d - 1].amount += 100;
	b->e[s->stmt - 1].closing -= 100;
	b->e[s->stmt0 - 1].opening = b->e[s->stmt0 - 1].closing = -777;
}

/* A smaller cross-currency match with its figures derived as the writer would. */
static void mut_benign_rederived(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->amount = 123456;
	rederive_match(m, "EUR");
}

static void test_rewrite_benign_changes_verify(void **state)
{
	fx *f = *state;
	ACCEPTED(f, mut_benign_texts);
	ACCEPTED(f, mut_benign_balanced);
	ACCEPTED(f, mut_benign_rederived);
}

/* The re-signing matters: a changed entry under the old checkpoints is caught by the tree. */
static void test_unsigned_change_is_caught(void **state)
{
	fx *f = *state;
	bundle b;
	fl_verify_result r;
	fl_verify_options opt;
	fl_vkey key;
	fl_key_role role;
	fl_buf cps = FL_BUF_INIT;
	char dir[256];

	bundle_load(&b, f->good);
	strcpy(b.e[f->s.rev - 1].reason, "changed after signing");
	snprintf(dir, sizeof(dir), "%s/forged-%u", f->dir, f->next++);
	bundle_write(&b, dir);
	bundle_free(&b);
	slurp(&cps, f->good, "checkpoints");
	spit(dir, "checkpoints", &cps);
	fl_buf_free(&cps);
	pinned_options(&opt, &key, &role);
	assert_int_equal(fl_verify_bundle(&r, dir, &opt), FL_EVERIFY);
	assert_non_null(strstr(fl_error_last(), "is not the Merkle root"));
	assert_int_equal(r.bad_checkpoint, f->s.n);
	rm_bundle(dir);
}

/* ---- statements and their lines ---- */

static void mut_stmt_closing(bundle *b, const seqs *s) { b->e[s->stmt - 1].closing += 1; }
static void mut_line_amount(bundle *b, const seqs *s) { b->e[s->l_d - 1].amount += 1; }
static void mut_line_direction(bundle *b, const seqs *s) { b->e[s->l_c2 - 1].direction[0] = 'D'; }
static void mut_stmt0_closing(bundle *b, const seqs *s) { b->e[s->stmt0 - 1].closing += 1; }

static void test_statement_must_balance(void **state)
{
	fx *f = *state;
	char rule[128], rule0[128];
	snprintf(rule, sizeof(rule), "statement %" PRIu64 ": opening balance plus lines is",
		 f->s.stmt);
	snprintf(rule0, sizeof(rule0), "statement %" PRIu64 ": opening balance plus lines is",
		 f->s.stmt0);
	REFUSED(f, mut_stmt_closing, f->s.l_c2, rule);
	REFUSED(f, mut_line_amount, f->s.l_c2, rule);
	REFUSED(f, mut_line_direction, f->s.l_c2, rule);
	/* A statement without lines: its balances must agree by themselves. */
	REFUSED(f, mut_stmt0_closing, f->s.stmt0, rule0);
}

static void mut_stmt_more_lines(bundle *b, const seqs *s) { b->e[s->stmt - 1].lines = 4; }

/* Fewer lines, with a closing balance to fit them: the third line is one too many. */
static void mut_stmt_fewer_lines(bundle *b, const seqs *s)
{
	b->e[s->stmt - 1].lines = 2;
	b->e[s->stmt - 1].closing = OPENING + LINE_C1 - LINE_D;
}

/* Something else between a statement and its lines. */
static void mut_entry_inside_statement(bundle *b, const seqs *s)
{
	fl_entry p;
	mk_pledge(&p, "VFTC", "NOR", "EUR", 100, "2026-02-10");
	become(b, s->l_d, &p);
}

/* A line where no statement expects one. */
static void mut_stray_line(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_bankline(&x, s->stmt, "CHF", 'C', 100, "2026-02-20", "NTRY-STRAY");
	become(b, s->stmt0, &x);
}

/* A line naming another entry as its statement. */
static void mut_line_other_statement(bundle *b, const seqs *s)
{
	b->e[s->l_d - 1].statement = s->l_c1;
}

/* The ledger ends in the middle of a statement. */
static void mut_stmt_at_end(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_statement(&x, "EUR", "STMT-2026-03", 0, 0, 2);
	become(b, s->rev, &x);
}

static void test_lines_follow_their_statement(void **state)
{
	fx *f = *state;
	char more[128], inside[128], lacks[128];
	snprintf(more, sizeof(more), "statement %" PRIu64 " still expects 1 lines", f->s.stmt);
	snprintf(inside, sizeof(inside), "statement %" PRIu64 " still expects 2 lines", f->s.stmt);
	snprintf(lacks, sizeof(lacks), "entry %" PRIu64 ": statement lacks 2 lines", f->s.rev);
	REFUSED(f, mut_stmt_more_lines, f->s.bm, more);
	REFUSED(f, mut_entry_inside_statement, f->s.l_d, inside);
	REFUSED(f, mut_stmt_fewer_lines, f->s.l_c2, "a bank line that its statement does not expect");
	REFUSED(f, mut_stray_line, f->s.stmt0, "a bank line that its statement does not expect");
	REFUSED(f, mut_line_other_statement, f->s.l_d,
		"a bank line that its statement does not expect");
	REFUSED(f, mut_stmt_at_end, f->s.rev, lacks);
}

static void mut_line_currency(bundle *b, const seqs *s) { strcpy(b->e[s->l_d - 1].currency, "CHF"); }

/* The whole statement relabelled but one line left behind. */
static void mut_stmt_currency(bundle *b, const seqs *s)
{
	strcpy(b->e[s->stmt - 1].currency, "CHF");
	strcpy(b->e[s->l_c1 - 1].currency, "CHF");
	strcpy(b->e[s->l_d - 1].currency, "CHF");
}

static void test_lines_in_statement_currency(void **state)
{
	fx *f = *state;
	REFUSED(f, mut_line_currency, f->s.l_d, "a bank line in another currency than its statement");
	REFUSED(f, mut_stmt_currency, f->s.l_c2, "a bank line in another currency than its statement");
}

/* ---- matches ---- */

static void mut_match_settled(bundle *b, const seqs *s) { b->e[s->m_cross - 1].settled += 1; }
static void mut_match_usd(bundle *b, const seqs *s) { b->e[s->m_cross - 1].usd += 1; }

/* A made-up settlement rate, the settled amount computed at it. */
static void mut_match_settle_rate(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->settle_rate = 950000;
	rederive_match(m, "EUR");
}

/* A real EUR rate, but one not yet in force on the contribution's value date. */
static void mut_match_later_rate(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->settle_rate = 930000;
	m->settle_rate_seq = s->rate_eur2;
	rederive_match(m, "EUR");
}

/* The rate entry of another currency, with its rate. */
static void mut_match_other_ccy_rate(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->settle_rate = 880000;
	m->settle_rate_seq = s->rate_chf;
	rederive_match(m, "EUR");
}

/* The right rate, but naming another rate entry. */
static void mut_match_rate_seq(bundle *b, const seqs *s)
{
	b->e[s->m_cross - 1].settle_rate_seq = s->rate_chf;
}

/* Its own CHF rate instead of its contribution's, figures derived at it. */
static void mut_match_rate_used(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->rate_used = 900000;
	rederive_match(m, "EUR");
}

static void test_match_figures(void **state)
{
	fx *f = *state;
	uint64_t m = f->s.m_cross;
	REFUSED(f, mut_match_settled, m, "its settled amount is not its amount at its rates");
	REFUSED(f, mut_match_usd, m, "its USD figure is not its amount at its rate");
	REFUSED(f, mut_match_settle_rate, m,
		"its settlement rate is not the pledge currency's rate in force on the value date");
	REFUSED(f, mut_match_later_rate, m,
		"its settlement rate is not the pledge currency's rate in force on the value date");
	REFUSED(f, mut_match_other_ccy_rate, m,
		"its settlement rate is not the pledge currency's rate in force on the value date");
	REFUSED(f, mut_match_rate_seq, m,
		"its settlement rate is not the pledge currency's rate in force on the value date");
	REFUSED(f, mut_match_rate_used, m, "its rate is not its contribution's");
}

static void mut_same_settled(bundle *b, const seqs *s) { b->e[s->m_same - 1].settled -= 1; }

/* Same currency, yet "converted" at the EUR rate (to itself: settled unchanged). */
static void mut_same_settle_rate(bundle *b, const seqs *s)
{
	b->e[s->m_same - 1].settle_rate = 920000;
	b->e[s->m_same - 1].settle_rate_seq = s->rate_eur;
}

static void mut_usd_pledge_rate(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_usd - 1];
	m->settle_rate = 1000001;
	rederive_match(m, "USD");
}

static void mut_usd_pledge_rate_seq(bundle *b, const seqs *s)
{
	b->e[s->m_usd - 1].settle_rate_seq = s->rate_eur;
}

static void test_match_settlement_kinds(void **state)
{
	fx *f = *state;
	REFUSED(f, mut_same_settled, f->s.m_same, "in one currency it settles its own amount");
	REFUSED(f, mut_same_settle_rate, f->s.m_same, "in one currency it settles its own amount");
	REFUSED(f, mut_usd_pledge_rate, f->s.m_usd, "a USD pledge settles at 1");
	REFUSED(f, mut_usd_pledge_rate_seq, f->s.m_usd, "a USD pledge settles at 1");
}

static void mut_match_contribution_is_pledge(bundle *b, const seqs *s)
{
	b->e[s->m_cross - 1].contribution = s->p_eur;
}

/* The EUR match names the CHF contribution of the same donor and fund. */
static void mut_match_contribution_other_ccy(bundle *b, const seqs *s)
{
	b->e[s->m_same - 1].contribution = s->c_chf;
}

static void mut_match_donor(bundle *b, const seqs *s) { strcpy(b->e[s->m_cross - 1].donor, "SWE"); }
static void mut_match_fund(bundle *b, const seqs *s) { strcpy(b->e[s->m_cross - 1].fund, "UPRP"); }

static void mut_match_pledge_other_donor(bundle *b, const seqs *s)
{
	b->e[s->m_cross - 1].pledge = s->p_other;
}

static void mut_match_pledge_is_rate(bundle *b, const seqs *s)
{
	b->e[s->m_cross - 1].pledge = s->rate_eur;
}

/* The contribution and its matches relabelled to Sweden together: Norway's pledge remains. */
static void mut_relabel_donor(bundle *b, const seqs *s)
{
	strcpy(b->e[s->c_chf - 1].donor, "SWE");
	strcpy(b->e[s->m_cross - 1].donor, "SWE");
	strcpy(b->e[s->m_usd - 1].donor, "SWE");
}

static void test_match_references(void **state)
{
	fx *f = *state;
	uint64_t m = f->s.m_cross;
	const char *contr = "its contribution is not a contribution of the same donor, fund and "
			    "currency";
	const char *pl = "its pledge is not a pledge of the same donor and fund";
	REFUSED(f, mut_match_contribution_is_pledge, m, contr);
	REFUSED(f, mut_match_contribution_other_ccy, f->s.m_same, contr);
	REFUSED(f, mut_match_donor, m, contr);
	REFUSED(f, mut_match_fund, m, contr);
	REFUSED(f, mut_match_pledge_other_donor, m, pl);
	REFUSED(f, mut_match_pledge_is_rate, m, pl);
	REFUSED(f, mut_relabel_donor, m, pl);
}

/* ---- bank matches and reversals ---- */

static void mut_bm_debit(bundle *b, const seqs *s) { b->e[s->bm - 1].line = s->l_d; }
static void mut_bm_statement(bundle *b, const seqs *s) { b->e[s->bm - 1].line = s->stmt; }
static void mut_bm_contribution_as_line(bundle *b, const seqs *s) { b->e[s->bm - 1].line = s->c_eur; }
static void mut_bm_other_ccy(bundle *b, const seqs *s) { b->e[s->bm - 1].contribution = s->c_chf; }
static void mut_bm_pledge(bundle *b, const seqs *s) { b->e[s->bm - 1].contribution = s->p_eur; }
static void mut_bm_line_as_contribution(bundle *b, const seqs *s)
{
	b->e[s->bm - 1].contribution = s->l_c2;
}

static void test_bankmatch_references(void **state)
{
	fx *f = *state;
	const char *line = "its line is not a credit line of a statement";
	const char *contr = "its contribution is not a contribution in the line's currency";
	REFUSED(f, mut_bm_debit, f->s.bm, line);
	REFUSED(f, mut_bm_statement, f->s.bm, line);
	REFUSED(f, mut_bm_contribution_as_line, f->s.bm, line);
	REFUSED(f, mut_bm_other_ccy, f->s.bm, contr);
	REFUSED(f, mut_bm_pledge, f->s.bm, contr);
	REFUSED(f, mut_bm_line_as_contribution, f->s.bm, contr);
}

static void mut_reverse_debit_line(bundle *b, const seqs *s) { b->e[s->rev - 1].target = s->l_d; }
static void mut_reverse_matched_line(bundle *b, const seqs *s) { b->e[s->rev - 1].target = s->l_c1; }

static void test_no_reversal_of_one_line(void **state)
{
	fx *f = *state;
	REFUSED(f, mut_reverse_debit_line, f->s.rev, "it reverses one line of a statement");
	REFUSED(f, mut_reverse_matched_line, f->s.rev, "it reverses one line of a statement");
}

/* ---- gaps: writer rules verify may not re-check ---- */

/* The CHF contribution applied beyond its amount (its two matches sum to more than it). */
static void mut_over_applied(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_usd - 1];
	m->amount = 2000000 - 1000000 + 1;
	rederive_match(m, "USD");
}

/* One match alone larger than its contribution. */
static void mut_match_exceeds_contribution(bundle *b, const seqs *s)
{
	fl_entry *m = &b->e[s->m_cross - 1];
	m->amount = 2000001;
	rederive_match(m, "EUR");
}

static void test_gap_match_over_applies(void **state)
{
	fx *f = *state;
	GAP(f, mut_match_exceeds_contribution, f->s.m_cross, "a match larger than its contribution");
	GAP(f, mut_over_applied, f->s.m_usd, "matches that apply more than their contribution");
}

static void mut_line_matched_twice(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_bankmatch(&x, s->l_c1, s->c_eur);
	become(b, s->rev, &x);
}

static void mut_contribution_banked_twice(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_bankmatch(&x, s->l_c2, s->c_eur);
	become(b, s->rev, &x);
}

static void test_gap_bankmatch_twice(void **state)
{
	fx *f = *state;
	GAP(f, mut_line_matched_twice, f->s.rev, "a second bank match of one line");
	GAP(f, mut_contribution_banked_twice, f->s.rev,
	    "a second bank match of one contribution");
}

/* The USD contribution reversed, then matched. */
static void mut_match_reversed_contribution(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_reversal(&x, s->c_usd);
	become(b, s->stmt0, &x);
	mk_match(&x, s->c_usd, s->p_usd, 10000);
	strcpy(x.fund, "VFTC");
	strcpy(x.donor, "NOR");
	strcpy(x.currency, "USD");
	x.rate_used = FL_RATE_SCALE;
	x.usd = x.settled = 10000;
	become(b, s->rev, &x);
}

/* The USD pledge reversed (nothing names it), then matched. */
static void mut_match_reversed_pledge(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_reversal(&x, s->p_usd);
	become(b, s->stmt0, &x);
	mk_match(&x, s->c_usd, s->p_usd, 10000);
	strcpy(x.fund, "VFTC");
	strcpy(x.donor, "NOR");
	strcpy(x.currency, "USD");
	x.rate_used = FL_RATE_SCALE;
	x.usd = x.settled = 10000;
	become(b, s->rev, &x);
}

/* The EUR statement reversed, then one of its lines bank-matched. */
static void mut_bankmatch_reversed_statement(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_reversal(&x, s->stmt);
	become(b, s->stmt0, &x);
	mk_bankmatch(&x, s->l_c2, s->c_eur);
	become(b, s->rev, &x);
}

/* The EUR contribution reversed, then bank-matched to the other credit line. */
static void mut_bankmatch_reversed_contribution(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_reversal(&x, s->c_eur);
	become(b, s->stmt0, &x);
	mk_bankmatch(&x, s->l_c2, s->c_eur);
	become(b, s->rev, &x);
}

/* The same entry reversed twice. */
static void mut_reversed_twice(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_reversal(&x, s->p_other);
	become(b, s->stmt0, &x);
}

static void test_gap_reversed_references(void **state)
{
	fx *f = *state;
	GAP(f, mut_match_reversed_contribution, f->s.rev, "a match of a reversed contribution");
	GAP(f, mut_match_reversed_pledge, f->s.rev, "a match against a reversed pledge");
	GAP(f, mut_bankmatch_reversed_statement, f->s.rev,
	    "a bank match of a line of a reversed statement");
	GAP(f, mut_bankmatch_reversed_contribution, f->s.rev,
	    "a bank match of a reversed contribution");
	GAP(f, mut_reversed_twice, f->s.rev, "a second reversal of one entry");
}

/* A statement in a currency that is not in the bundle's currencies. */
static void mut_stmt_unknown_currency(bundle *b, const seqs *s)
{
	strcpy(b->e[s->stmt0 - 1].currency, "XTS");
}

/* A pledge named by a contribution reversed from under it (format v1 rule). */
static void mut_reverse_named_pledge(bundle *b, const seqs *s) { b->e[s->rev - 1].target = s->p_eur; }

/* A write-off of more than is left on the USD pledge (format v1 rule). */
static void mut_writeoff_too_much(bundle *b, const seqs *s)
{
	fl_entry x;
	mk_writeoff(&x, s->p_usd, "VFTC", "NOR", "USD", 5000000);
	become(b, s->rev, &x);
}

/* Two entries under one idempotency key (the store's UNIQUE key; a bundle has none). */
static void mut_duplicate_idem(bundle *b, const seqs *s)
{
	strcpy(b->e[s->rev - 1].idem, b->e[s->bm - 1].idem);
}

static void test_gap_other_writer_rules(void **state)
{
	fx *f = *state;
	GAP(f, mut_stmt_unknown_currency, f->s.stmt0, "a statement in an unknown currency");
	GAP(f, mut_reverse_named_pledge, f->s.rev,
	    "a reversal of a pledge that a standing contribution names");
	GAP(f, mut_writeoff_too_much, f->s.rev, "a write-off of more than is left on its pledge");
	GAP(f, mut_duplicate_idem, f->s.rev, "two entries under one idempotency key");
}

/* ---- ledger files: the insider appends rows through the store ---- */

static int ledger_setup(void **state)
{
	fx *f;
	if (fx_new(&f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int ledger_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

typedef void (*column_fn)(fl_row *row, const fl_entry *e, const seqs *s);

/*
 * Appends es[0..n) to the ledger file as one batch, as ledger.c would store it (row columns
 * from fl_entry_columns, then `cols` may falsify them), with the Merkle tiles and a checkpoint
 * signed by the test treasurer key. Fills in seq, prev, recorded_at/by and the idempotency key.
 */
static void forge_rows(fx *f, fl_entry *es, size_t n, column_fn cols)
{
	fl_store *s = fl_ledger_store(f->l);
	fl_tree *t = NULL;
	fl_buf canon = FL_BUF_INIT, note = FL_BUF_INIT;
	unsigned char head[FL_HASH_LEN], hash[FL_HASH_LEN];
	fl_hash leaf, root;
	uint64_t count, existing;
	fl_row row;

	CHECK(fl_store_head(s, &count, head));
	CHECK(fl_store_begin(s));
	CHECK(fl_tree_open(&t, s, FL_TREE_WRITE, count));
	for (size_t i = 0; i < n; i++) {
		fl_entry *e = &es[i];
		e->seq = count + 1 + i;
		memcpy(e->prev, head, FL_HASH_LEN);
		strcpy(e->recorded_at, AT);
		strcpy(e->recorded_by, BY);
		snprintf(e->idem, sizeof(e->idem), "forged-%" PRIu64, e->seq);
		fl_buf_reset(&canon);
		if (fl_entry_encode(&canon, e) != 0)
			fail_msg("forged %s does not encode: %s", fl_kind_name(e->kind),
				 fl_error_last());
		CHECK(fl_sha256(hash, canon.data, canon.len));
		fl_entry_columns(&row, e);
		row.hash = hash;
		row.hash_len = FL_HASH_LEN;
		row.canon = canon.data;
		row.canon_len = canon.len;
		if (cols)
			cols(&row, e, &f->s);
		CHECK(fl_store_insert(s, &row, &existing));
		CHECK(fl_merkle_leaf_hash(leaf, canon.data, canon.len));
		CHECK(fl_tree_append(t, leaf));
		memcpy(head, hash, FL_HASH_LEN);
	}
	CHECK(fl_tree_flush(t));
	CHECK(fl_tree_root(t, root));
	sign_checkpoint_note(&note, fl_ledger_origin(f->l), count + n, count, root);
	CHECK(fl_store_checkpoint_put(s, count + n, fl_buf_cstr(&note), TESTKIT_KEY_NAME));
	CHECK(fl_store_commit(s));
	fl_tree_free(t);
	fl_buf_free(&canon);
	fl_buf_free(&note);
}

static int verify_file(fx *f, fl_verify_result *r)
{
	fl_verify_options opt;
	fl_vkey key;
	fl_key_role role;
	pinned_options(&opt, &key, &role);
	fl_error_clear();
	return fl_verify_ledger(r, f->l, &opt);
}

static void file_refused_at(int line, fx *f, uint64_t bad, const char *rule)
{
	fl_verify_result r;
	char prefix[64];
	int rc = verify_file(f, &r);
	snprintf(prefix, sizeof(prefix), "entry %" PRIu64 ": ", bad);
	if (rc != FL_EVERIFY || strncmp(fl_error_last(), prefix, strlen(prefix)) != 0 ||
	    !strstr(fl_error_last(), rule) || r.bad_seq != bad)
		fail_msg("line %d: verify returned %d (\"%s\", bad_seq %" PRIu64 "), want "
			 "FL_EVERIFY \"%s...%s\"",
			 line, rc, fl_error_last(), r.bad_seq, prefix, rule);
}
#define FILE_REFUSED(f, bad, rule) file_refused_at(__LINE__, (f), (bad), (rule))

/* A USD match of the USD contribution to the USD pledge, as the writer would derive it. */
static void honest_usd_match(fl_entry *e, const seqs *s)
{
	mk_match(e, s->c_usd, s->p_usd, 10000);
	strcpy(e->fund, "VFTC");
	strcpy(e->donor, "NOR");
	strcpy(e->currency, "USD");
	e->rate_used = FL_RATE_SCALE;
	e->usd = e->settled = 10000;
}

/* A USD statement with one credit line, and that line bank-matched to the USD contribution. */
static void honest_usd_statement(fl_entry es[3], uint64_t first, const seqs *s)
{
	mk_statement(&es[0], "USD", "STMT-USD-2026-02", 0, 100000, 1);
	mk_bankline(&es[1], first, "USD", 'C', 100000, "2026-02-03", "NTRY-USD-1");
	mk_bankmatch(&es[2], first + 1, s->c_usd);
}

/* The forging tool is faithful: honest rows, tiles and checkpoint verify. */
static void test_file_forger_faithful(void **state)
{
	fx *f = *state;
	fl_entry es[4];
	fl_verify_result r;
	uint64_t n = f->s.n;
	honest_usd_match(&es[0], &f->s);
	honest_usd_statement(&es[1], n + 2, &f->s);
	forge_rows(f, es, 4, NULL);
	CHECK(verify_file(f, &r));
	assert_int_equal(r.entries, n + 4);
	assert_int_equal(r.checkpoints, f->s.checkpoints + 1);
	/* The writer takes the forged rows as its own and goes on from them. */
	{
		fl_entry e;
		fl_append_status st = 0;
		mk_pledge(&e, "VFTC", "NOR", "USD", 100, "2026-02-27");
		CHECK(fl_ledger_record(f->l, &e, BY, AT, &st));
		assert_int_equal(st, FL_APPENDED);
		assert_int_equal(e.seq, n + 5);
	}
	CHECK(verify_file(f, &r));
	assert_int_equal(r.entries, n + 5);
}

static void cols_match_settled(fl_row *row, const fl_entry *e, const seqs *s)
{
	(void)e;
	(void)s;
	row->amount2 += 1;
}
static void cols_match_usd(fl_row *row, const fl_entry *e, const seqs *s)
{
	(void)e;
	(void)s;
	row->usd += 1;
}
static void cols_match_ref2(fl_row *row, const fl_entry *e, const seqs *s)
{
	(void)e;
	row->ref2 = s->c_eur;
}
static void cols_match_ref(fl_row *row, const fl_entry *e, const seqs *s)
{
	(void)e;
	row->ref = s->p_eur;
}

static void test_file_match_amount2_column(void **state)
{
	fx *f = *state;
	fl_entry e;
	uint64_t seq = f->s.n + 1;
	honest_usd_match(&e, &f->s);
	forge_rows(f, &e, 1, cols_match_settled);
	FILE_REFUSED(f, seq, "column 'amount2' disagrees with the entry's bytes");
}

static void test_file_match_usd_column(void **state)
{
	fx *f = *state;
	fl_entry e;
	honest_usd_match(&e, &f->s);
	forge_rows(f, &e, 1, cols_match_usd);
	FILE_REFUSED(f, f->s.n + 1, "column 'usd' disagrees with the entry's bytes");
}

static void test_file_match_ref2_column(void **state)
{
	fx *f = *state;
	fl_entry e;
	honest_usd_match(&e, &f->s);
	forge_rows(f, &e, 1, cols_match_ref2);
	FILE_REFUSED(f, f->s.n + 1, "column 'ref2' disagrees with the entry's bytes");
}

static void test_file_match_ref_column(void **state)
{
	fx *f = *state;
	fl_entry e;
	honest_usd_match(&e, &f->s);
	forge_rows(f, &e, 1, cols_match_ref);
	FILE_REFUSED(f, f->s.n + 1, "column 'ref' disagrees with the entry's bytes");
}

/* The line's signed amount column says credit where the bytes say debit. */
static void cols_line_sign(fl_row *row, const fl_entry *e, const seqs *s)
{
	(void)s;
	if (e->kind == FL_KIND_BANKLINE)
		row->amount2 = -row->amount2;
}

static void test_file_bankline_amount2_column(void **state)
{
	fx *f = *state;
	fl_entry es[2];
	uint64_t n = f->s.n;
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 1);
	mk_bankline(&es[1], n + 1, "EUR", 'D', 10000, "2026-02-27", "NTRY-D-9");
	forge_rows(f, es, 2, cols_line_sign);
	FILE_REFUSED(f, n + 2, "column 'amount2' disagrees with the entry's bytes");
}

/* The line's statement column points at the other statement. */
static void cols_line_ref(fl_row *row, const fl_entry *e, const seqs *s)
{
	if (e->kind == FL_KIND_BANKLINE)
		row->ref = s->stmt;
}

static void test_file_bankline_ref_column(void **state)
{
	fx *f = *state;
	fl_entry es[2];
	uint64_t n = f->s.n;
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 1);
	mk_bankline(&es[1], n + 1, "EUR", 'D', 10000, "2026-02-27", "NTRY-D-9");
	forge_rows(f, es, 2, cols_line_ref);
	FILE_REFUSED(f, n + 2, "column 'ref' disagrees with the entry's bytes");
}

/* The bank match's columns name another line / contribution than its bytes. */
static void cols_bm_ref(fl_row *row, const fl_entry *e, const seqs *s)
{
	if (e->kind == FL_KIND_BANKMATCH)
		row->ref = s->l_c1;
}
static void cols_bm_ref2(fl_row *row, const fl_entry *e, const seqs *s)
{
	if (e->kind == FL_KIND_BANKMATCH)
		row->ref2 = s->c_eur;
}

static void test_file_bankmatch_ref_column(void **state)
{
	fx *f = *state;
	fl_entry es[3];
	uint64_t n = f->s.n;
	honest_usd_statement(es, n + 1, &f->s);
	forge_rows(f, es, 3, cols_bm_ref);
	FILE_REFUSED(f, n + 3, "column 'ref' disagrees with the entry's bytes");
}

static void test_file_bankmatch_ref2_column(void **state)
{
	fx *f = *state;
	fl_entry es[3];
	uint64_t n = f->s.n;
	honest_usd_statement(es, n + 1, &f->s);
	forge_rows(f, es, 3, cols_bm_ref2);
	FILE_REFUSED(f, n + 3, "column 'ref2' disagrees with the entry's bytes");
}

/* The rules again, through the ledger driver's look-ups, with honest columns: a
 * cross-currency match whose settled amount is one cent off. */
static void test_file_match_settled(void **state)
{
	fx *f = *state;
	fl_entry e;
	uint64_t n = f->s.n;

	mk_match(&e, f->s.c_chf, f->s.p_eur, 100000);
	strcpy(e.fund, "VFTC");
	strcpy(e.donor, "NOR");
	strcpy(e.currency, "CHF");
	e.rate_used = 880000;
	e.settle_rate = 920000;
	e.settle_rate_seq = f->s.rate_eur;
	rederive_match(&e, "EUR");
	e.settled += 1;
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, n + 1, "its settled amount is not its amount at its rates");
}

static void test_file_bankmatch_debit(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_bankmatch(&e, f->s.l_d, f->s.c_eur);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.n + 1, "its line is not a credit line of a statement");
}

static void test_file_bankmatch_currency(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_bankmatch(&e, f->s.l_c2, f->s.c_usd);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.n + 1, "its contribution is not a contribution in the line's currency");
}

static void test_file_reverse_line(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_reversal(&e, f->s.l_c2);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.n + 1, "it reverses one line of a statement");
}

static void test_file_statement_unbalanced(void **state)
{
	fx *f = *state;
	fl_entry es[3];
	uint64_t n = f->s.n;
	char rule[128];
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 2);
	mk_bankline(&es[1], n + 1, "EUR", 'D', 10000, "2026-02-27", "NTRY-D-9");
	mk_bankline(&es[2], n + 1, "EUR", 'C', 1, "2026-02-27", "NTRY-C-9");
	forge_rows(f, es, 3, NULL);
	snprintf(rule, sizeof(rule), "statement %" PRIu64 ": opening balance plus lines is 90001 "
		 "minor units, the closing balance 90000", n + 1);
	FILE_REFUSED(f, n + 3, rule);
}

static void test_file_line_currency(void **state)
{
	fx *f = *state;
	fl_entry es[2];
	uint64_t n = f->s.n;
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 1);
	mk_bankline(&es[1], n + 1, "CHF", 'D', 10000, "2026-02-27", "NTRY-D-9");
	forge_rows(f, es, 2, NULL);
	FILE_REFUSED(f, n + 2, "a bank line in another currency than its statement");
}

static void test_file_statement_short(void **state)
{
	fx *f = *state;
	fl_entry es[3];
	uint64_t n = f->s.n;
	char rule[128];
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 2);
	mk_bankline(&es[1], n + 1, "EUR", 'D', 10000, "2026-02-27", "NTRY-D-9");
	mk_pledge(&es[2], "VFTC", "NOR", "EUR", 100, "2026-02-27");
	forge_rows(f, es, 3, NULL);
	snprintf(rule, sizeof(rule), "statement %" PRIu64 " still expects 1 lines", n + 1);
	FILE_REFUSED(f, n + 3, rule);
}

static void test_file_statement_at_end(void **state)
{
	fx *f = *state;
	fl_entry es[2];
	uint64_t n = f->s.n;
	mk_statement(&es[0], "EUR", "STMT-2026-03", 100000, 90000, 2);
	mk_bankline(&es[1], n + 1, "EUR", 'D', 10000, "2026-02-27", "NTRY-D-9");
	forge_rows(f, es, 2, NULL);
	FILE_REFUSED(f, n + 1, "statement lacks 1 lines");
}

/* ---- ledger files: the rules over the whole ledger ---- */

/* The CHF contribution (CHF 20,000.00, partly applied by its two matches) applied once more
 * in full. */
static void test_file_over_applied(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_match(&e, f->s.c_chf, f->s.p_usd, 2000000);
	strcpy(e.fund, "VFTC");
	strcpy(e.donor, "NOR");
	strcpy(e.currency, "CHF");
	e.rate_used = 880000;
	e.settle_rate = FL_RATE_SCALE;
	rederive_match(&e, "USD");
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.c_chf, "more than its amount");
}

/* The EUR contribution, already confirmed by a bank line, confirmed again. */
static void test_file_banked_twice(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_bankmatch(&e, f->s.l_c1, f->s.c_eur);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.c_eur, "2 standing bank matches confirm it");
}

static void test_file_reversed_twice(void **state)
{
	fx *f = *state;
	fl_entry e;
	fl_entry_init(&e);
	mk_reversal(&e, f->s.p_other);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.p_other, "it is reversed 2 times");
}

static void test_file_written_off_too_much(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_writeoff(&e, f->s.p_usd, "VFTC", "NOR", "USD", INT64_C(100000000000));
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.p_usd, "exceed its amount");
}

static void test_file_unknown_currency(void **state)
{
	fx *f = *state;
	fl_entry e;
	mk_statement(&e, "XTS", "STMT-XTS-1", 0, 0, 0);
	forge_rows(f, &e, 1, NULL);
	FILE_REFUSED(f, f->s.n + 1, "its currency is not in the configuration");
}

/* ---- the honest writer refuses what the gap tests forge ---- */

static void refuse_at(int line, fx *f, fl_entry *e, int code, const char *sub)
{
	fl_append_status st = 0;
	int rc;
	fl_error_clear();
	rc = fl_ledger_record(f->l, e, BY, AT, &st);
	if (rc != code || !strstr(fl_error_last(), sub))
		fail_msg("line %d: the writer returned %d (\"%s\"), want %d \"%s\"", line, rc,
			 fl_error_last(), code, sub);
}
#define REFUSE(f, e, code, sub) refuse_at(__LINE__, (f), (e), (code), (sub))

static uint64_t record_at(int line, fx *f, fl_entry *e)
{
	fl_append_status st = 0;
	if (fl_ledger_record(f->l, e, BY, AT, &st) != 0 || st != FL_APPENDED)
		fail_msg("line %d: record %s: %s", line, fl_kind_name(e->kind), fl_error_last());
	return e->seq;
}
#define RECORD(f, e) record_at(__LINE__, (f), (e))

static void test_writer_refuses_the_gaps(void **state)
{
	fx *f = *state;
	const seqs *s = &f->s;
	fl_entry e;
	uint64_t n0;

	/* 500000 CHF of the CHF contribution is not applied yet. */
	mk_match(&e, s->c_chf, s->p_usd, 500001);
	REFUSE(f, &e, FL_EINVALID, "exceeds");
	mk_match(&e, s->c_usd, s->p_usd, 100001);
	REFUSE(f, &e, FL_EINVALID, "exceeds");
	mk_bankmatch(&e, s->l_c1, s->c_eur);
	strcpy(e.idem, "second-bank-match");
	REFUSE(f, &e, FL_EEXISTS, "is already matched");
	mk_bankmatch(&e, s->l_c2, s->c_eur);
	REFUSE(f, &e, FL_EEXISTS, "is already matched to a bank line");
	mk_statement(&e, "XTS", "STMT-XTS", 0, 0, 0);
	REFUSE(f, &e, FL_ENOTFOUND, "unknown currency");
	mk_reversal(&e, s->p_eur);
	REFUSE(f, &e, FL_EINVALID, "still has entry");
	mk_writeoff(&e, s->p_usd, "VFTC", "NOR", "USD", 5000000);
	REFUSE(f, &e, FL_EINVALID, "exceeds");
	mk_reversal(&e, s->p_other);
	strcpy(e.reason, "reversed again"); /* the same content would be a replay */
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	mk_pledge(&e, "VFTC", "NOR", "EUR", 100, "2026-02-27");
	strcpy(e.idem, "dup-key");
	n0 = RECORD(f, &e);
	mk_pledge(&e, "VFTC", "NOR", "EUR", 200, "2026-02-27");
	strcpy(e.idem, "dup-key");
	REFUSE(f, &e, FL_EEXISTS, "already recorded");

	/* References to what was reversed. */
	mk_reversal(&e, s->c_usd);
	(void)RECORD(f, &e);
	mk_match(&e, s->c_usd, s->p_usd, 10000);
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	mk_reversal(&e, s->p_usd);
	(void)RECORD(f, &e);
	mk_match(&e, s->c_chf, s->p_usd, 100);
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	mk_reversal(&e, s->c_eur);
	(void)RECORD(f, &e);
	mk_bankmatch(&e, s->l_c2, s->c_eur);
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	mk_reversal(&e, s->stmt);
	(void)RECORD(f, &e);
	mk_bankmatch(&e, s->l_c2, s->c_chf);
	REFUSE(f, &e, FL_EINVALID, "was reversed");
	assert_int_equal(n0, s->n + 1);
}

int main(void)
{
	const struct CMUnitTest bundle_tests[] = {
		cmocka_unit_test(test_export_verifies),
		cmocka_unit_test(test_rewrite_unchanged_is_identical),
		cmocka_unit_test(test_rewrite_benign_changes_verify),
		cmocka_unit_test(test_unsigned_change_is_caught),
		cmocka_unit_test(test_statement_must_balance),
		cmocka_unit_test(test_lines_follow_their_statement),
		cmocka_unit_test(test_lines_in_statement_currency),
		cmocka_unit_test(test_match_figures),
		cmocka_unit_test(test_match_settlement_kinds),
		cmocka_unit_test(test_match_references),
		cmocka_unit_test(test_bankmatch_references),
		cmocka_unit_test(test_no_reversal_of_one_line),
		cmocka_unit_test(test_gap_match_over_applies),
		cmocka_unit_test(test_gap_bankmatch_twice),
		cmocka_unit_test(test_gap_reversed_references),
		cmocka_unit_test(test_gap_other_writer_rules),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, ledger_setup, ledger_teardown)
	const struct CMUnitTest file_tests[] = {
		T(test_file_forger_faithful),
		T(test_file_match_amount2_column),
		T(test_file_match_usd_column),
		T(test_file_match_ref2_column),
		T(test_file_match_ref_column),
		T(test_file_bankline_amount2_column),
		T(test_file_bankline_ref_column),
		T(test_file_bankmatch_ref_column),
		T(test_file_bankmatch_ref2_column),
		T(test_file_match_settled),
		T(test_file_bankmatch_debit),
		T(test_file_bankmatch_currency),
		T(test_file_reverse_line),
		T(test_file_statement_unbalanced),
		T(test_file_line_currency),
		T(test_file_statement_short),
		T(test_file_statement_at_end),
		T(test_file_over_applied),
		T(test_file_banked_twice),
		T(test_file_reversed_twice),
		T(test_file_written_off_too_much),
		T(test_file_unknown_currency),
		T(test_writer_refuses_the_gaps),
	};
#undef T
	int failed = cmocka_run_group_tests_name("verify_v2_bundles", bundle_tests, group_setup,
						 group_teardown);
	failed += cmocka_run_group_tests_name("verify_v2_ledger_files", file_tests, NULL, NULL);
	return failed;
}
