/*
 * verify.c: the verify use case, for a ledger file and for an exported bundle.
 *
 * One verifier core is fed entries in order by a driver. It recomputes the hash chain, the
 * Merkle tree (frontier only: O(log n) memory) and the entry invariants, and checks each
 * signed checkpoint when the stream reaches its size. The ledger driver also checks what only
 * a ledger file has (SQLite's quick_check, or integrity_check when asked, and its foreign
 * key check of the file, stored hashes, query columns, Merkle tiles), all in one read
 * transaction; the bundle driver reads the export format of docs/FORMAT.md. Nothing is
 * trusted that the bytes and signatures do not establish. Memory is bounded by the number of
 * rate entries, not by the ledger.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/money.h"
#include "fundledger/verify.h"
#include "ledger_int.h"
#include "rates_int.h"
#include "tree_int.h"

typedef struct {
	fl_verify_result *out;
	const char *origin;
	const fl_vkey *keys;
	const fl_key_role *roles;
	size_t n_keys;
	/* Driver hooks. */
	int (*minor_units)(void *ctx, const char *currency, unsigned *out);
	int (*lookup)(void *ctx, uint64_t seq, fl_ref_info *out);
	/* An earlier entry in full, decoded, for the few checks that need more than columns. */
	int (*get)(void *ctx, uint64_t seq, fl_entry *out);
	void *ctx;
	/* State. */
	fl_hasher *h;
	/* The Merkle tree: the ledger driver's tile checker when there is one (its frontier
	 * is the same tree, so the interior nodes are hashed once), else this frontier. */
	fl_tree *tree;
	fl_merkle_frontier frontier;
	fl_hash prev;
	uint64_t count;
	fl_rates rates;         /* rates that stand so far */
	fl_entry e;
	fl_entry other; /* an earlier entry a match or bank match names */
	/* The last contribution streamed, as much of it as a match needs: a match usually
	 * follows its contribution at once, and then costs no look-up. */
	struct {
		uint64_t seq, rate_used;
		char fund[FL_CODE_MAX + 1], donor[FL_CODE_MAX + 1];
		char currency[FL_CURRENCY_LEN + 1], date[FL_DATE_LEN + 1];
	} lc;
	fl_ref_info ref;
	/* The statement whose lines are being read: lines still expected, opening plus the
	 * lines so far, its closing balance and currency. */
	uint64_t stmt_seq, stmt_left;
	int64_t stmt_sum, stmt_closing;
	char stmt_currency[FL_CURRENCY_LEN + 1];
	uint64_t last_cp;       /* size of the last checkpoint verified */
	int have_trusted;
	fl_checkpoint trusted;
	fl_buf scratch;
} verifier;

static int bad_entry(verifier *v, uint64_t seq, const char *detail)
{
	v->out->bad_seq = seq;
	return fl_error_set(FL_EVERIFY, "entry %" PRIu64 ": %.400s", seq, detail);
}

/* A root in base64, for messages (44 characters and a NUL). */
static void b64_hash(char out[64], const fl_hash h)
{
	fl_buf b = FL_BUF_INIT;
	if (fl_base64_encode(&b, h, FL_HASH_LEN) == 0)
		snprintf(out, 64, "%s", fl_buf_cstr(&b));
	else
		snprintf(out, 64, "?");
	fl_buf_free(&b);
}

static int bad_cp(verifier *v, uint64_t size, const char *what)
{
	v->out->bad_checkpoint = size;
	return fl_error_set(FL_EVERIFY, "checkpoint at size %" PRIu64 ": %s", size, what);
}

/* Verifies a signed note against the trusted keys: at least one treasurer signature. */
static int check_note(verifier *v, const char *note, size_t len, fl_checkpoint *cp,
		      uint64_t *cosigs)
{
	fl_note_result r;
	size_t treasurers = 0;
	int err;
	if ((err = fl_note_verify(&r, note, len, v->keys, v->n_keys)) < 0)
		return err;
	*cosigs = 0;
	for (size_t i = 0; i < r.n_verified; i++) {
		size_t k = (size_t)(r.verified[i] - v->keys);
		if (v->roles[k] == FL_ROLE_TREASURER && r.verified[i]->type == FL_SIGTYPE_ED25519)
			treasurers++;
		else
			(*cosigs)++;
	}
	if (treasurers == 0)
		return fl_error_set(FL_EVERIFY, "no signature by an authorised treasurer key");
	if ((err = fl_checkpoint_parse(cp, note, r.text_len)) < 0)
		return err;
	if (strcmp(cp->origin, v->origin) != 0)
		return fl_error_set(FL_EVERIFY, "origin '%.80s' is not the ledger's '%.80s'",
				    cp->origin, v->origin);
	return 0;
}

/* The Merkle root of the entries streamed so far. */
static int current_root(const verifier *v, fl_hash out)
{
	if (v->tree)
		return fl_tree_root(v->tree, out);
	return fl_merkle_frontier_root(&v->frontier, out);
}

static int add_leaf(verifier *v, uint64_t seq, const fl_hash leaf)
{
	int err;
	if (!v->tree)
		return fl_merkle_frontier_append(&v->frontier, leaf, NULL, NULL);
	if ((err = fl_tree_append(v->tree, leaf)) == FL_EVERIFY)
		v->out->bad_seq = seq;
	return err;
}

/* A stored checkpoint, met when the stream has `size` entries. */
static int check_checkpoint(verifier *v, uint64_t size, const char *note, size_t len)
{
	fl_checkpoint cp;
	fl_hash root;
	uint64_t cosigs;
	int err;

	if (check_note(v, note, len, &cp, &cosigs) < 0)
		return bad_cp(v, size, fl_error_last());
	if (cp.size != size)
		return bad_cp(v, size, "its text names another size");
	if (!cp.has_previous || cp.previous != v->last_cp) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "it does not follow the checkpoint at size %" PRIu64
			 " (a checkpoint was removed?)",
			 v->last_cp);
		return bad_cp(v, size, msg);
	}
	if ((err = current_root(v, root)) < 0)
		return err;
	if (fl_digest_equal(root, cp.root, FL_HASH_LEN) != 0)
		return bad_cp(v, size, "its root is not the Merkle root of the entries");
	v->out->checkpoints++;
	v->out->cosignatures += cosigs;
	v->last_cp = size;
	return 0;
}

/* A match: its contribution and pledge, and the figures it derived from them. */
static int check_match(verifier *v, const fl_entry *e)
{
	const fl_entry *c = &v->other;
	fl_ref_info p;
	unsigned mu_c, mu_p;
	int64_t usd, settled;
	int err;

	if (e->contribution == v->lc.seq && v->lc.seq) {
		/* The contribution just streamed: copy what is checked below. */
		v->other.kind = FL_KIND_CONTRIBUTION;
		strcpy(v->other.fund, v->lc.fund);
		strcpy(v->other.donor, v->lc.donor);
		strcpy(v->other.currency, v->lc.currency);
		strcpy(v->other.date, v->lc.date);
		v->other.rate_used = v->lc.rate_used;
	} else if ((err = v->get(v->ctx, e->contribution, &v->other)) < 0) {
		return err;
	}
	if (c->kind != FL_KIND_CONTRIBUTION || strcmp(c->fund, e->fund) ||
	    strcmp(c->donor, e->donor) || strcmp(c->currency, e->currency))
		return bad_entry(v, e->seq, "its contribution is not a contribution of the same "
					    "donor, fund and currency");
	if ((err = v->lookup(v->ctx, e->pledge, &p)) < 0)
		return err;
	if (p.kind != (int)FL_KIND_PLEDGE || strcmp(p.donor, e->donor) || strcmp(p.fund, e->fund))
		return bad_entry(v, e->seq, "its pledge is not a pledge of the same donor and fund");
	if (e->rate_used != c->rate_used)
		return bad_entry(v, e->seq, "its rate is not its contribution's");
	if ((err = v->minor_units(v->ctx, e->currency, &mu_c)) < 0 ||
	    (err = v->minor_units(v->ctx, p.currency, &mu_p)) < 0)
		return bad_entry(v, e->seq, fl_error_last());
	if (fl_money_to_usd(&usd, e->amount, mu_c, e->rate_used) < 0 || usd != e->usd)
		return bad_entry(v, e->seq, "its USD figure is not its amount at its rate");
	if (strcmp(p.currency, e->currency) == 0) {
		if (e->settled != e->amount || e->settle_rate)
			return bad_entry(v, e->seq, "in one currency it settles its own amount");
		return 0;
	}
	if (strcmp(p.currency, "USD") == 0) {
		if (e->settle_rate != FL_RATE_SCALE || e->settle_rate_seq)
			return bad_entry(v, e->seq, "a USD pledge settles at 1");
	} else {
		const fl_rate_item *r = fl_rates_in_force(&v->rates, p.currency, c->date);
		if (!r || r->seq != e->settle_rate_seq || r->rate != e->settle_rate)
			return bad_entry(v, e->seq, "its settlement rate is not the pledge currency's "
						    "rate in force on the value date");
	}
	if (fl_money_convert(&settled, e->amount, mu_c, e->rate_used, mu_p, e->settle_rate) < 0 ||
	    settled != e->settled)
		return bad_entry(v, e->seq, "its settled amount is not its amount at its rates");
	return 0;
}

/* Statements and their lines: the lines follow at once and add up. */
static int check_statement(verifier *v, const fl_entry *e)
{
	char msg[200];
	if (v->stmt_left && e->kind != FL_KIND_BANKLINE) {
		snprintf(msg, sizeof(msg), "statement %" PRIu64 " still expects %" PRIu64 " lines",
			 v->stmt_seq, v->stmt_left);
		return bad_entry(v, e->seq, msg);
	}
	if (e->kind == FL_KIND_STATEMENT) {
		v->stmt_seq = e->seq;
		v->stmt_left = e->lines;
		v->stmt_sum = e->opening;
		v->stmt_closing = e->closing;
		strcpy(v->stmt_currency, e->currency);
	} else if (e->kind == FL_KIND_BANKLINE) {
		if (!v->stmt_left || e->statement != v->stmt_seq)
			return bad_entry(v, e->seq, "a bank line that its statement does not expect");
		if (strcmp(e->currency, v->stmt_currency))
			return bad_entry(v, e->seq, "a bank line in another currency than its "
						    "statement");
		if (fl_money_add(&v->stmt_sum, e->direction[0] == 'C' ? e->amount : -e->amount) < 0)
			return bad_entry(v, e->seq, "statement sum overflows");
		v->stmt_left--;
	} else {
		return 0;
	}
	if (v->stmt_left == 0 && v->stmt_sum != v->stmt_closing) {
		snprintf(msg, sizeof(msg),
			 "statement %" PRIu64 ": opening balance plus lines is %" PRId64
			 " minor units, the closing balance %" PRId64,
			 v->stmt_seq, v->stmt_sum, v->stmt_closing);
		return bad_entry(v, e->seq, msg);
	}
	return 0;
}

static int check_refs(verifier *v, const fl_entry *e)
{
	const fl_ref_info *p = &v->ref;
	int err;
	if (e->kind == FL_KIND_CONTRIBUTION && e->currency[0] && strcmp(e->currency, "USD") != 0) {
		const fl_rate_item *r = fl_rates_in_force(&v->rates, e->currency, e->date);
		unsigned mu;
		int64_t usd;
		if (!r || r->seq != e->rate_seq)
			return bad_entry(v, e->seq, "its rate entry is not the rate in force on "
							  "its value date");
		if (r->rate != e->rate_used)
			return bad_entry(v, e->seq, "the rate used is not its rate entry's");
		if ((err = v->minor_units(v->ctx, e->currency, &mu)) < 0)
			return bad_entry(v, e->seq, fl_error_last());
		if (fl_money_to_usd(&usd, e->amount, mu, e->rate_used) < 0 || usd != e->usd)
			return bad_entry(v, e->seq, "its USD figure is not its amount at its rate");
	}
	if ((e->kind == FL_KIND_CONTRIBUTION && e->pledge) || e->kind == FL_KIND_WRITEOFF) {
		if ((err = v->lookup(v->ctx, e->pledge, &v->ref)) < 0)
			return err;
		if (p->kind != (int)FL_KIND_PLEDGE || strcmp(p->donor, e->donor) ||
		    strcmp(p->fund, e->fund))
			return bad_entry(v, e->seq, "its pledge is not a pledge of the same donor "
							  "and fund");
		if (e->kind == FL_KIND_WRITEOFF && strcmp(p->currency, e->currency))
			return bad_entry(v, e->seq, "a write-off is in its pledge's currency");
	}
	if (e->kind == FL_KIND_REVERSAL) {
		if ((err = v->lookup(v->ctx, e->target, &v->ref)) < 0)
			return err;
		if (p->kind == (int)FL_KIND_REVERSAL)
			return bad_entry(v, e->seq, "it reverses a reversal");
		if (p->kind == (int)FL_KIND_BANKLINE)
			return bad_entry(v, e->seq, "it reverses one line of a statement");
		if (p->kind == (int)FL_KIND_RATE)
			(void)fl_rates_remove(&v->rates, e->target);
	}
	if (e->kind == FL_KIND_RATE &&
	    fl_rates_insert(&v->rates, e->seq, e->rate, e->currency, e->date) < 0)
		return bad_entry(v, e->seq, "a second standing rate for its currency and date");
	if (e->kind == FL_KIND_MATCH && (err = check_match(v, e)) < 0)
		return err;
	if (e->kind == FL_KIND_CONTRIBUTION) {
		v->lc.seq = e->seq;
		v->lc.rate_used = e->rate_used;
		strcpy(v->lc.fund, e->fund);
		strcpy(v->lc.donor, e->donor);
		strcpy(v->lc.currency, e->currency);
		strcpy(v->lc.date, e->date);
	}
	if (e->kind == FL_KIND_BANKMATCH) {
		if ((err = v->get(v->ctx, e->line, &v->other)) < 0)
			return err;
		if (v->other.kind != FL_KIND_BANKLINE || v->other.direction[0] != 'C')
			return bad_entry(v, e->seq, "its line is not a credit line of a statement");
		if ((err = v->lookup(v->ctx, e->contribution, &v->ref)) < 0)
			return err;
		if (p->kind != (int)FL_KIND_CONTRIBUTION || strcmp(p->currency, v->other.currency))
			return bad_entry(v, e->seq, "its contribution is not a contribution in the "
						    "line's currency");
	}
	return check_statement(v, e);
}

/*
 * One entry: its bytes, and (ledger files) the hash stored with it. On return v->e holds it
 * decoded and, for `hash_out`, its hash.
 */
static int feed(verifier *v, uint64_t seq, const unsigned char *canon, size_t len,
		const unsigned char *stored_hash, fl_hash hash_out, fl_hash leaf)
{
	int err;
	char msg[160];

	if (seq != v->count + 1) {
		snprintf(msg, sizeof(msg), "missing (the next stored entry is %" PRIu64 ")", seq);
		return bad_entry(v, v->count + 1, msg);
	}
	if (!canon || len == 0)
		return bad_entry(v, seq, "no bytes");
	if ((err = fl_hasher_sha256(v->h, hash_out, canon, len)) < 0)
		return err;
	if (stored_hash && fl_digest_equal(hash_out, stored_hash, FL_HASH_LEN) != 0)
		return bad_entry(v, seq, "stored hash does not match the entry's bytes");
	if (fl_entry_decode(&v->e, canon, len) < 0) {
		snprintf(msg, sizeof(msg), "bytes do not decode: %.120s", fl_error_last());
		return bad_entry(v, seq, msg);
	}
	if (v->e.seq != seq) {
		snprintf(msg, sizeof(msg), "its bytes say it is entry %" PRIu64 " (rows moved?)", v->e.seq);
		return bad_entry(v, seq, msg);
	}
	if (fl_digest_equal(v->e.prev, v->prev, FL_HASH_LEN) != 0)
		return bad_entry(v, seq, seq == 1 ? "the first entry's previous hash is not zero"
					  : "previous hash does not match the entry before it");
	if ((err = check_refs(v, &v->e)) < 0)
		return err;
	if ((err = fl_hasher_leaf(v->h, leaf, canon, len)) < 0 ||
	    (err = add_leaf(v, seq, leaf)) < 0)
		return err;
	memcpy(v->prev, hash_out, FL_HASH_LEN);
	v->count = seq;
	v->out->entries = seq;
	if (v->have_trusted && v->trusted.size == seq) {
		fl_hash root;
		if ((err = current_root(v, root)) < 0)
			return err;
		if (fl_digest_equal(root, v->trusted.root, FL_HASH_LEN) != 0) {
			char a[64], b[64];
			b64_hash(a, root);
			b64_hash(b, v->trusted.root);
			return fl_error_set(FL_EVERIFY,
					    "fork: at size %" PRIu64 " the ledger's root is %s, the "
					    "trusted checkpoint's is %s",
					    seq, a, b);
		}
	}
	return 0;
}

static int verifier_init(verifier *v, fl_verify_result *out, const fl_verify_options *opt)
{
	int err;
	memset(v, 0, sizeof(*v));
	memset(out, 0, sizeof(*out));
	v->out = out;
	fl_merkle_frontier_init(&v->frontier);
	if ((err = fl_hasher_new(&v->h)) < 0)
		return err;
	(void)opt;
	return 0;
}

/* The keys pinned by the caller, else the ledger's (or bundle's) own. */
static void use_keys(verifier *v, const fl_verify_options *opt, const fl_vkey *keys,
		     const fl_key_role *roles, size_t n)
{
	if (opt && opt->keys) {
		keys = opt->keys;
		roles = opt->roles;
		n = opt->n_keys;
	}
	v->keys = keys;
	v->roles = roles;
	v->n_keys = n;
}

/* After the keys and origin are known: the auditor's trusted checkpoint. */
static int load_trusted(verifier *v, const fl_verify_options *opt)
{
	uint64_t cosigs;
	if (!opt || !opt->trusted)
		return 0;
	if (check_note(v, opt->trusted, opt->trusted_len, &v->trusted, &cosigs) < 0)
		return fl_error_set(FL_EVERIFY, "the trusted checkpoint: %s", fl_error_last());
	v->have_trusted = 1;
	return 0;
}

/* Checks that end the stream. */
static int finish(verifier *v, int more_checkpoints, uint64_t next_cp)
{
	int err;
	char msg[200];
	if (more_checkpoints) {
		snprintf(msg, sizeof(msg),
			 "beyond the last entry (%" PRIu64 "): entries were removed (truncation)",
			 v->count);
		return bad_cp(v, next_cp, msg);
	}
	if (v->stmt_left) {
		v->out->bad_seq = v->stmt_seq;
		return fl_error_set(FL_EVERIFY, "entry %" PRIu64 ": statement lacks %" PRIu64 " lines",
				    v->stmt_seq, v->stmt_left);
	}
	if (v->count > v->last_cp) {
		v->out->bad_seq = v->last_cp + 1;
		return fl_error_set(FL_EVERIFY,
				    "entries %" PRIu64 " to %" PRIu64 " are not covered by a signed "
				    "checkpoint",
				    v->last_cp + 1, v->count);
	}
	if ((err = current_root(v, v->out->root)) < 0)
		return err;
	if (v->have_trusted && v->trusted.size > v->count) {
		char a[64], b[64];
		b64_hash(a, v->out->root);
		b64_hash(b, v->trusted.root);
		return fl_error_set(FL_EVERIFY,
				    "rollback: the ledger has %" PRIu64 " entries (root %s) but the "
				    "trusted checkpoint has %" PRIu64 " (root %s)",
				    v->count, a, v->trusted.size, b);
	}
	v->out->entries = v->count;
	memcpy(v->out->head, v->prev, FL_HASH_LEN);
	if (v->have_trusted) {
		v->out->trusted = 1;
		v->out->trusted_size = v->trusted.size;
	}
	return 0;
}

static void verifier_free(verifier *v)
{
	fl_hasher_free(v->h);
	fl_rates_free(&v->rates);
	fl_buf_free(&v->scratch);
}

/* ---- ledger files ---- */

typedef struct {
	fl_ledger *l;
	fl_store *s;
	const fl_config *cfg;
	const fl_row *row; /* the row being verified, with its referenced entry's columns */
	fl_buf buf;        /* bytes of an earlier entry read by ledger_get */
} ledger_ctx;

static int ledger_minor(void *p, const char *ccy, unsigned *out)
{
	ledger_ctx *c = p;
	const fl_currency *cur = fl_config_currency(c->cfg, ccy);
	if (!cur)
		return fl_error_set(FL_EVERIFY, "currency %s is not in the configuration", ccy);
	*out = cur->minor_units;
	return 0;
}

/* A text column into dst, cut to fit as snprintf would (NULL is ""): once per row, where
 * snprintf cost 2.6% of verify's instructions. */
static void copy_col(char *dst, size_t cap, const char *col)
{
	size_t n = col ? strnlen(col, cap - 1) : 0;
	memcpy(dst, col ? col : "", n);
	dst[n] = 0;
}

/*
 * References point to earlier entries, whose columns this verification has already checked
 * against their bytes; so the columns are as good as the bytes here, and cheaper to read.
 */
static int ledger_lookup(void *p, uint64_t seq, fl_ref_info *out)
{
	ledger_ctx *c = p;
	int err;
	const fl_row *r = c->row;
	/* The usual case: the row came joined with the entry its ref column names. */
	if (r && r->ref == seq && r->ref_kind) {
		memset(out, 0, sizeof(*out));
		out->kind = r->ref_kind;
		copy_col(out->donor, sizeof(out->donor), r->ref_donor);
		copy_col(out->fund, sizeof(out->fund), r->ref_fund);
		copy_col(out->currency, sizeof(out->currency), r->ref_currency);
		return 0;
	}
	err = fl_store_ref_info(c->s, seq, out);
	if (err == FL_ENOTFOUND)
		return fl_error_set(FL_EVERIFY, "entry %" PRIu64 " is missing", seq);
	return err;
}

static int ledger_get(void *p, uint64_t seq, fl_entry *out)
{
	ledger_ctx *c = p;
	int err = fl_store_get(c->s, seq, &c->buf, NULL);
	if (err == FL_ENOTFOUND)
		return fl_error_set(FL_EVERIFY, "entry %" PRIu64 " is missing", seq);
	if (err < 0)
		return err;
	/* Earlier entries were decoded by this verification already. */
	return fl_entry_decode(out, c->buf.data, c->buf.len);
}

static int text_eq(const char *col, const char *val)
{
	if (!val)
		return col == NULL;
	return col && strcmp(col, val) == 0;
}

static int num_eq(int64_t a, int a_null, int64_t b, int b_null)
{
	return a_null == b_null && (a_null || a == b);
}

/* The column that disagrees with the decoded entry, or NULL. */
static const char *column_mismatch(const fl_row *r, const fl_entry *e)
{
	fl_row x;
	fl_entry_columns(&x, e);
	if (r->kind != x.kind)
		return "kind";
	if (!r->idem || strcmp(r->idem, e->idem))
		return "idem";
	if (!text_eq(r->fund, x.fund))
		return "fund";
	if (!text_eq(r->donor, x.donor))
		return "donor";
	if (!text_eq(r->currency, x.currency))
		return "currency";
	if (!num_eq(r->amount, r->amount_null, x.amount, x.amount_null))
		return "amount";
	if (!text_eq(r->date, x.date))
		return "date";
	if (r->ref != x.ref)
		return "ref";
	if (r->ref2 != x.ref2)
		return "ref2";
	if (!num_eq(r->amount2, r->amount2_null, x.amount2, x.amount2_null))
		return "amount2";
	/* A contribution's usd column is NULL in rows written before store schema 3: nothing
	 * reads it then but the bytes (docs/FORMAT.md, "Store"). */
	if (!num_eq(r->usd, r->usd_null, x.usd, x.usd_null) &&
	    !(e->kind == FL_KIND_CONTRIBUTION && r->usd_null))
		return "usd";
	return NULL;
}

/*
 * Rules over the whole ledger that the writer keeps and a stream cannot check in bounded
 * memory: run as queries over the verified columns once every entry has been checked.
 */
static int ledger_rules(verifier *v, fl_store *s)
{
	static const fl_query RULES[] = {FL_Q_CHECK_APPLIED, FL_Q_CHECK_BANKED_TWICE,
					 FL_Q_CHECK_LINE_TWICE, FL_Q_CHECK_REVERSED_TWICE,
					 FL_Q_CHECK_WRITTEN_OFF};
	fl_qparams qp;
	memset(&qp, 0, sizeof(qp));
	for (size_t k = 0; k < sizeof(RULES) / sizeof(RULES[0]); k++) {
		fl_store_iter *it = NULL;
		fl_qrow q;
		char msg[200];
		int rc, err = fl_store_query(&it, s, RULES[k], &qp);
		if (err < 0)
			return err;
		rc = fl_store_query_next(it, &q);
		fl_store_iter_free(it);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		switch (RULES[k]) {
		case FL_Q_CHECK_APPLIED:
			snprintf(msg, sizeof(msg),
				 "its standing matches apply %" PRId64 " minor units, more than its "
				 "amount %" PRId64,
				 q.i[2], q.i[1]);
			break;
		case FL_Q_CHECK_BANKED_TWICE:
			snprintf(msg, sizeof(msg), "%" PRId64 " standing bank matches confirm it",
				 q.i[1]);
			break;
		case FL_Q_CHECK_LINE_TWICE:
			snprintf(msg, sizeof(msg),
				 "%" PRId64 " standing bank matches confirm this line", q.i[1]);
			break;
		case FL_Q_CHECK_REVERSED_TWICE:
			snprintf(msg, sizeof(msg), "it is reversed %" PRId64 " times", q.i[1]);
			break;
		default:
			snprintf(msg, sizeof(msg),
				 "its standing write-offs, %" PRId64 " minor units, exceed its amount "
				 "%" PRId64,
				 q.i[2], q.i[1]);
			break;
		}
		return bad_entry(v, (uint64_t)q.i[0], msg);
	}
	return 0;
}

/* The stored note at `size` with its cosignature lines appended. */
static int full_note(fl_store *s, uint64_t size, const char *note, size_t len, fl_buf *out)
{
	int err;
	fl_buf_reset(out);
	if ((err = fl_buf_put(out, note, len)) < 0)
		return err;
	return fl_store_cosignatures(s, size, out);
}

int fl_verify_ledger(fl_verify_result *out, fl_ledger *l, const fl_verify_options *opt)
{
	verifier v;
	ledger_ctx c = {l, fl_ledger_store(l), fl_ledger_config(l), NULL, FL_BUF_INIT};
	fl_store_iter *it = NULL;
	fl_store_cp_iter *cps = NULL;
	fl_tree *tiles = NULL;
	fl_row row;
	fl_hash hash;
	uint64_t cp_size = 0, total = 0;
	const char *cp_note = NULL, *col;
	size_t cp_len = 0;
	int err, rc, have_cp, own_tx = 0;
	char msg[160];

	if ((err = verifier_init(&v, out, opt)) < 0)
		goto done;
	if (!c.cfg) {
		err = fl_error_set(FL_EINVALID, "verify needs a configuration");
		goto done;
	}
	/* One snapshot for every check below, whatever writers commit meanwhile. */
	if (!fl_store_in_transaction(c.s)) {
		if ((err = fl_store_read_begin(c.s)) < 0)
			goto done;
		own_tx = 1;
	}
	/* The file's structure first (quick_check), so that a damaged page is named as such
	 * rather than as whatever read stumbles on it. integrity_check only when asked: it
	 * would double verify's time on a large ledger (fl_verify_database). */
	if ((err = fl_store_check_file(c.s, opt && opt->full)) < 0)
		goto done;
	v.origin = fl_ledger_origin(l);
	v.minor_units = ledger_minor;
	v.lookup = ledger_lookup;
	v.get = ledger_get;
	v.ctx = &c;
	use_keys(&v, opt, c.cfg->keys, c.cfg->key_roles, c.cfg->n_keys);
	if ((err = load_trusted(&v, opt)) < 0 ||
	    (err = fl_store_iter_verify(&it, c.s)) < 0 ||
	    (err = fl_store_cp_iter_new(&cps, c.s)) < 0 ||
	    (err = fl_tree_open(&tiles, c.s, FL_TREE_CHECK, 0)) < 0)
		goto done;
	v.tree = tiles;
	if ((have_cp = fl_store_cp_iter_next(cps, &cp_size, &cp_note, &cp_len)) < 0 ||
	    (err = fl_store_head(c.s, &total, hash)) < 0) {
		err = have_cp < 0 ? have_cp : err;
		goto done;
	}
	while ((rc = fl_store_iter_next(it, &row)) == 1) {
		fl_hash leaf;
		fl_ledger_progress(l, row.seq, total);
		if (row.hash_len != FL_HASH_LEN) {
			err = bad_entry(&v, row.seq, "stored hash has a bad length");
			goto done;
		}
		c.row = &row;
		if ((err = feed(&v, row.seq, row.canon, row.canon_len, row.hash, hash, leaf)) < 0)
			goto done;
		if ((col = column_mismatch(&row, &v.e)) != NULL) {
			snprintf(msg, sizeof(msg), "column '%s' disagrees with the entry's bytes", col);
			err = bad_entry(&v, row.seq, msg);
			goto done;
		}
		if ((v.e.fund[0] && !fl_config_fund(c.cfg, v.e.fund)) ||
		    (v.e.donor[0] && !fl_config_donor(c.cfg, v.e.donor))) {
			err = bad_entry(&v, row.seq, "its fund or donor is not in the configuration");
			goto done;
		}
		if (v.e.currency[0] && !fl_config_currency(c.cfg, v.e.currency)) {
			err = bad_entry(&v, row.seq, "its currency is not in the configuration");
			goto done;
		}
		while (have_cp == 1 && cp_size <= v.count) {
			if (cp_size < v.count) {
				err = bad_cp(&v, cp_size, "out of order");
				goto done;
			}
			if ((err = full_note(c.s, cp_size, cp_note, cp_len, &v.scratch)) < 0 ||
			    (err = check_checkpoint(&v, cp_size, (const char *)v.scratch.data,
						    v.scratch.len)) < 0)
				goto done;
			if ((have_cp = fl_store_cp_iter_next(cps, &cp_size, &cp_note, &cp_len)) < 0) {
				err = have_cp;
				goto done;
			}
		}
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	/* Checkpoints first: a cut-off tail is better named as truncation than as a tile. */
	if ((err = finish(&v, have_cp == 1, cp_size)) < 0 || (err = fl_tree_flush(tiles)) < 0)
		goto done;
	if ((err = ledger_rules(&v, c.s)) < 0)
		goto done;
	err = fl_store_check_keys(c.s);
done:
	fl_tree_free(tiles);
	fl_store_cp_iter_free(cps);
	fl_store_iter_free(it);
	if (own_tx)
		fl_store_read_end(c.s);
	fl_buf_free(&c.buf);
	verifier_free(&v);
	return err;
}

int fl_verify_database(fl_ledger *l)
{
	fl_store *s = fl_ledger_store(l);
	int err, own_tx = 0;
	/* Both checks of one snapshot, whatever writers commit meanwhile. */
	if (!fl_store_in_transaction(s)) {
		if ((err = fl_store_read_begin(s)) < 0)
			return err;
		own_tx = 1;
	}
	if ((err = fl_store_check_file(s, 1)) == 0)
		err = fl_store_check_keys(s);
	if (own_tx)
		fl_store_read_end(s);
	return err;
}

/* ---- bundles ---- */

#define BUNDLE_MAGIC "fundledger-bundle/v1"

typedef struct {
	char dir[4096];
	FILE *entries, *index, *checkpoints;
	FILE *look_entries, *look_index; /* separate handles for look-ups of earlier entries */
	fl_buf canon, look, line, note;
	fl_entry look_entry;
	int pending; /* a line read ahead in `line` */
	unsigned char *minor; /* minor units by currency index of `codes` */
	char (*codes)[FL_CURRENCY_LEN + 1];
	size_t n_codes;
	fl_vkey *keys;
	fl_key_role *roles;
	size_t n_keys;
	char origin[FL_ORIGIN_LEN_MAX + 1];
	uint64_t entries_n;
	fl_hash head, root;
	uint64_t offset; /* where the next entry record starts in `entries` */
} bundle_ctx;

static FILE *bundle_open(bundle_ctx *b, const char *name, int *err)
{
	char path[4200];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	if (!(f = fopen(path, "rb")))
		*err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
	return f;
}

/* Reads one "\n"-terminated line into b->line (without the newline); 0 at EOF. */
static int read_line(FILE *f, fl_buf *line)
{
	int c, err;
	fl_buf_reset(line);
	while ((c = getc(f)) != EOF && c != '\n')
		if ((err = fl_buf_putc(line, (unsigned char)c)) < 0)
			return err;
	if (c == EOF) {
		if (ferror(f))
			return fl_error_set(FL_EIO, "bundle: read error");
		if (line->len)
			return fl_error_set(FL_EINVALID, "bundle: last line has no newline");
		return 0;
	}
	return 1;
}

/*
 * s (n bytes) for a message, cut to fit dst, every byte that is not printable ASCII shown as
 * '?': a file's bytes must not reach a terminal as escape sequences.
 */
static const char *printable_cut(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i = 0;
	for (; i < n && i + 1 < cap; i++)
		dst[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	dst[i] = 0;
	return dst;
}

/* The MANIFEST's lines after the magic one, each exactly once, in canonical spelling. */
static const char *const MANIFEST_FIELDS[] = {"origin", "entries", "head", "root"};

static int manifest_field(const char *s)
{
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(MANIFEST_FIELDS[i]);
		if (strncmp(s, MANIFEST_FIELDS[i], n) == 0 && s[n] == ' ')
			return i;
	}
	return -1;
}

/* An origin as fl_ledger_init accepts one: printable ASCII without spaces. */
static int manifest_origin(char out[FL_ORIGIN_LEN_MAX + 1], const char *s, size_t n)
{
	if (n == 0 || n > FL_ORIGIN_LEN_MAX)
		return fl_error_set(FL_EINVALID, "bundle: MANIFEST origin is empty or too long");
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return fl_error_set(FL_EINVALID, "bundle: MANIFEST origin is not printable "
							 "ASCII without spaces");
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

/* A count in decimal, without sign, spaces or leading zeros, within 64 bits. */
static int manifest_count(uint64_t *out, const char *s, size_t n)
{
	uint64_t v = 0;
	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return fl_error_set(FL_EINVALID, "bundle: MANIFEST entries is not a count");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return fl_error_set(FL_EINVALID, "bundle: MANIFEST entries is not a count");
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* A hash in lower-case hex, as export writes it. */
static int manifest_head(unsigned char out[FL_HASH_LEN], const char *s, size_t n)
{
	if (n != 2 * FL_HASH_LEN)
		return fl_error_set(FL_EINVALID, "bundle: MANIFEST head is not 64 hex digits");
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return fl_error_set(FL_EINVALID, "bundle: MANIFEST head is not lower-case "
							 "hex");
	return fl_hex_decode(out, FL_HASH_LEN, s, n);
}

static int bundle_text_files(bundle_ctx *b)
{
	FILE *f;
	int err = 0, rc;
	unsigned seen = 0;
	fl_buf *ln = &b->line;

	/* MANIFEST */
	if (!(f = bundle_open(b, "MANIFEST", &err)))
		return err;
	if ((rc = read_line(f, ln)) <= 0 || strcmp(fl_buf_cstr(ln), BUNDLE_MAGIC) != 0) {
		err = rc < 0 ? rc : fl_error_set(FL_EINVALID, "bundle: MANIFEST is not %s", BUNDLE_MAGIC);
		goto out;
	}
	while ((rc = read_line(f, ln)) == 1) {
		const char *s = fl_buf_cstr(ln);
		char shown[64];
		int field = manifest_field(s);
		if (field < 0) {
			err = fl_error_set(FL_EINVALID, "bundle: unknown MANIFEST line '%s'",
					   printable_cut(shown, sizeof(shown), s, ln->len));
			goto out;
		}
		if (seen & (1u << field)) {
			err = fl_error_set(FL_EINVALID, "bundle: MANIFEST has two %s lines",
					   MANIFEST_FIELDS[field]);
			goto out;
		}
		seen |= 1u << field;
		if (field == 0)
			err = manifest_origin(b->origin, s + 7, ln->len - 7);
		else if (field == 1)
			err = manifest_count(&b->entries_n, s + 8, ln->len - 8);
		else if (field == 2)
			err = manifest_head(b->head, s + 5, ln->len - 5);
		else {
			fl_buf r = FL_BUF_INIT;
			err = fl_base64_decode(&r, s + 5, ln->len - 5);
			if (err == 0 && r.len != FL_HASH_LEN)
				err = fl_error_set(FL_EINVALID, "bundle: bad root");
			if (err == 0)
				memcpy(b->root, r.data, FL_HASH_LEN);
			fl_buf_free(&r);
		}
		if (err < 0)
			goto out;
	}
	if (rc < 0) {
		err = rc;
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		if (!(seen & (1u << i))) {
			err = fl_error_set(FL_EINVALID, "bundle: MANIFEST has no %s line",
					   MANIFEST_FIELDS[i]);
			goto out;
		}
	}
	fclose(f);
	/* currencies: "CODE MINOR" */
	if (!(f = bundle_open(b, "currencies", &err)))
		return err;
	while ((rc = read_line(f, ln)) == 1) {
		const char *s = fl_buf_cstr(ln);
		void *p1, *p2;
		char shown[24];
		if (ln->len != 5 || s[3] != ' ' || s[4] < '0' || s[4] > '0' + FL_MINOR_UNITS_MAX) {
			err = fl_error_set(FL_EINVALID, "bundle: bad currencies line '%s'",
					   printable_cut(shown, sizeof(shown), s, ln->len));
			goto out;
		}
		p1 = realloc(b->codes, (b->n_codes + 1) * sizeof(*b->codes));
		if (p1)
			b->codes = p1;
		p2 = realloc(b->minor, b->n_codes + 1);
		if (p2)
			b->minor = p2;
		if (!p1 || !p2) {
			err = fl_error_set(FL_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(b->codes[b->n_codes], s, 3);
		b->codes[b->n_codes][3] = 0;
		b->minor[b->n_codes++] = (unsigned char)(s[4] - '0');
	}
	if (rc < 0) {
		err = rc;
		goto out;
	}
	fclose(f);
	/* keys: "ROLE VKEY" */
	if (!(f = bundle_open(b, "keys", &err)))
		return err;
	while ((rc = read_line(f, ln)) == 1) {
		const char *s = fl_buf_cstr(ln), *sp = strchr(s, ' ');
		void *p1, *p2;
		fl_key_role role;
		if (!sp) {
			err = fl_error_set(FL_EINVALID, "bundle: bad keys line");
			goto out;
		}
		if ((size_t)(sp - s) == 9 && strncmp(s, "treasurer", 9) == 0)
			role = FL_ROLE_TREASURER;
		else if ((size_t)(sp - s) == 7 && strncmp(s, "auditor", 7) == 0)
			role = FL_ROLE_AUDITOR;
		else {
			err = fl_error_set(FL_EINVALID, "bundle: bad key role");
			goto out;
		}
		p1 = realloc(b->keys, (b->n_keys + 1) * sizeof(*b->keys));
		if (p1)
			b->keys = p1;
		p2 = realloc(b->roles, (b->n_keys + 1) * sizeof(*b->roles));
		if (p2)
			b->roles = p2;
		if (!p1 || !p2) {
			err = fl_error_set(FL_ENOMEM, "out of memory");
			goto out;
		}
		if ((err = fl_vkey_parse(&b->keys[b->n_keys], sp + 1, ln->len - (size_t)(sp + 1 - s))) < 0)
			goto out;
		b->roles[b->n_keys++] = role;
	}
	err = rc < 0 ? rc : 0;
out:
	fclose(f);
	return err;
}

static int bundle_minor(void *p, const char *ccy, unsigned *out)
{
	bundle_ctx *b = p;
	for (size_t i = 0; i < b->n_codes; i++)
		if (strcmp(b->codes[i], ccy) == 0) {
			*out = b->minor[i];
			return 0;
		}
	return fl_error_set(FL_EVERIFY, "currency %s is not in the bundle's currencies", ccy);
}

static int read_u32(FILE *f, uint32_t *out, int *eof)
{
	unsigned char x[4];
	size_t n = fread(x, 1, 4, f);
	*eof = n == 0 && feof(f);
	if (n != 4)
		return *eof ? 0 : fl_error_set(FL_EINVALID, "bundle: truncated entries file");
	*out = (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 | (uint32_t)x[2] << 8 | x[3];
	return 0;
}

/* Up to n bytes at off, fewer only at the end of the file; the count, or a negative FL_EIO. */
static ssize_t read_at(FILE *f, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fileno(f), (unsigned char *)buf + got, n - got,
				  (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fl_error_set(FL_EIO, "bundle: read error: %s", strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The bytes a look-up reads at first: most records whole, so one read each. */
#define LOOK_READ 1024

/*
 * Reads an earlier entry through the index (already checked while streaming). pread, not
 * fseeko and fread: a seek discards stdio's buffer, and every match and contribution looks
 * up its pledge (4.6 system calls a look-up, 2 now).
 */
static int bundle_get(void *p, uint64_t seq, fl_entry *out)
{
	bundle_ctx *b = p;
	unsigned char x[8];
	uint64_t off = 0;
	uint32_t len;
	ssize_t got;
	int err;

	if (!b->look_index && !(b->look_index = bundle_open(b, "entries.idx", &err)))
		return err;
	if (!b->look_entries && !(b->look_entries = bundle_open(b, "entries", &err)))
		return err;
	if (seq == 0 || seq > (uint64_t)INT64_MAX / 8 ||
	    (got = read_at(b->look_index, x, 8, (seq - 1) * 8)) != 8)
		return fl_error_set(FL_EVERIFY, "bundle: no index for entry %" PRIu64, seq);
	for (int i = 0; i < 8; i++)
		off = off << 8 | x[i];
	fl_buf_reset(&b->look);
	if (off > (uint64_t)INT64_MAX - 4 - 65536 || (err = fl_buf_grow(&b->look, LOOK_READ)) < 0 ||
	    (got = read_at(b->look_entries, b->look.data, LOOK_READ, off)) < 4)
		return fl_error_set(FL_EVERIFY, "bundle: bad record for entry %" PRIu64, seq);
	len = (uint32_t)b->look.data[0] << 24 | (uint32_t)b->look.data[1] << 16 |
	      (uint32_t)b->look.data[2] << 8 | b->look.data[3];
	if (len > 65536)
		return fl_error_set(FL_EVERIFY, "bundle: bad record for entry %" PRIu64, seq);
	if ((size_t)got < 4 + (size_t)len) {
		ssize_t more;
		if ((err = fl_buf_grow(&b->look, 4 + (size_t)len)) < 0)
			return err;
		if ((more = read_at(b->look_entries, b->look.data + got, 4 + len - (size_t)got,
				    off + (uint64_t)got)) < 0)
			return (int)more;
		got += more;
		if ((size_t)got < 4 + (size_t)len)
			return fl_error_set(FL_EVERIFY, "bundle: truncated entry %" PRIu64, seq);
	}
	b->look.len = 4 + (size_t)len;
	return fl_entry_decode(out, b->look.data + 4, len);
}

static int bundle_lookup(void *p, uint64_t seq, fl_ref_info *out)
{
	bundle_ctx *b = p;
	int err;
	if ((err = bundle_get(p, seq, &b->look_entry)) < 0)
		return err;
	memset(out, 0, sizeof(*out));
	out->kind = (int)b->look_entry.kind;
	strcpy(out->donor, b->look_entry.donor);
	strcpy(out->fund, b->look_entry.fund);
	strcpy(out->currency, b->look_entry.currency);
	strcpy(out->date, b->look_entry.date);
	out->amount = b->look_entry.amount;
	return 0;
}

/* The next signed note of the checkpoints file; 0 at its end. */
static int next_note(bundle_ctx *b, uint64_t *size)
{
	int rc, in_sigs = 0;
	fl_checkpoint cp;
	size_t text_len = 0;

	fl_buf_reset(&b->note);
	for (;;) {
		if (b->pending) {
			rc = 1;
			b->pending = 0;
		} else if ((rc = read_line(b->checkpoints, &b->line)) < 0) {
			return rc;
		}
		if (rc == 0)
			break;
		if (in_sigs && (b->line.len < 4 || memcmp(b->line.data, "\xe2\x80\x94 ", 4) != 0)) {
			b->pending = 1;
			break;
		}
		if (b->line.len == 0) {
			if (in_sigs || b->note.len == 0)
				return fl_error_set(FL_EINVALID, "bundle: malformed checkpoints file");
			text_len = b->note.len;
			in_sigs = 1;
		}
		if ((rc = fl_buf_put(&b->note, b->line.data, b->line.len)) < 0 ||
		    (rc = fl_buf_putc(&b->note, '\n')) < 0)
			return rc;
	}
	if (b->note.len == 0)
		return 0;
	if (!in_sigs)
		return fl_error_set(FL_EINVALID, "bundle: checkpoint without signatures");
	if (fl_checkpoint_parse(&cp, (const char *)b->note.data, text_len) < 0)
		return fl_error_prefix("bundle: ");
	*size = cp.size;
	return 1;
}

int fl_verify_bundle(fl_verify_result *out, const char *dir, const fl_verify_options *opt)
{
	verifier v;
	bundle_ctx b;
	fl_hash hash, leaf;
	uint64_t seq = 0, cp_size = 0, prev_cp = 0;
	int err, have_cp, eof;

	memset(&b, 0, sizeof(b));
	if ((err = verifier_init(&v, out, opt)) < 0)
		goto done;
	if (strlen(dir) >= sizeof(b.dir)) {
		err = fl_error_set(FL_EINVALID, "bundle path too long");
		goto done;
	}
	strcpy(b.dir, dir);
	if ((err = bundle_text_files(&b)) < 0)
		goto done;
	if (!(b.entries = bundle_open(&b, "entries", &err)) ||
	    !(b.index = bundle_open(&b, "entries.idx", &err)) ||
	    !(b.checkpoints = bundle_open(&b, "checkpoints", &err)))
		goto done;
	v.origin = b.origin;
	v.minor_units = bundle_minor;
	v.lookup = bundle_lookup;
	v.get = bundle_get;
	v.ctx = &b;
	use_keys(&v, opt, b.keys, b.roles, b.n_keys);
	if ((err = load_trusted(&v, opt)) < 0)
		goto done;
	if ((have_cp = next_note(&b, &cp_size)) < 0) {
		err = have_cp;
		goto done;
	}
	for (;;) {
		uint32_t len = 0;
		unsigned char x[8];
		uint64_t off = 0;
		if ((err = read_u32(b.entries, &len, &eof)) < 0)
			goto done;
		if (eof)
			break;
		seq++;
		if (opt)
			fl_progress_tick(opt->progress, opt->progress_arg, seq, b.entries_n);
		/* The index must point at this record, so that look-ups read what was verified. */
		if (fread(x, 1, 8, b.index) != 8) {
			err = bad_entry(&v, seq, "missing from entries.idx");
			goto done;
		}
		for (int i = 0; i < 8; i++)
			off = off << 8 | x[i];
		if (off != b.offset) {
			err = bad_entry(&v, seq, "entries.idx points elsewhere");
			goto done;
		}
		if (len == 0 || len > 65536) {
			err = bad_entry(&v, seq, "record length out of range");
			goto done;
		}
		fl_buf_reset(&b.canon);
		if ((err = fl_buf_grow(&b.canon, len)) < 0)
			goto done;
		if (fread(b.canon.data, 1, len, b.entries) != len) {
			err = bad_entry(&v, seq, "truncated record");
			goto done;
		}
		b.canon.len = len;
		b.offset += 4 + (uint64_t)len;
		if ((err = feed(&v, seq, b.canon.data, len, NULL, hash, leaf)) < 0)
			goto done;
		while (have_cp == 1 && cp_size <= v.count) {
			if (cp_size <= prev_cp || cp_size < v.count) {
				err = bad_cp(&v, cp_size, "out of order");
				goto done;
			}
			if ((err = check_checkpoint(&v, cp_size, (const char *)b.note.data,
						    b.note.len)) < 0)
				goto done;
			prev_cp = cp_size;
			if ((have_cp = next_note(&b, &cp_size)) < 0) {
				err = have_cp;
				goto done;
			}
		}
	}
	if (fread(&eof, 1, 1, b.index) != 0) {
		err = fl_error_set(FL_EVERIFY, "bundle: entries.idx has more records than entries");
		goto done;
	}
	if ((err = finish(&v, have_cp == 1, cp_size)) < 0)
		goto done;
	if (b.entries_n != v.count || fl_digest_equal(b.head, out->head, FL_HASH_LEN) != 0 ||
	    fl_digest_equal(b.root, out->root, FL_HASH_LEN) != 0)
		err = fl_error_set(FL_EVERIFY, "bundle: MANIFEST does not describe these entries");
done:
	if (b.entries)
		fclose(b.entries);
	if (b.index)
		fclose(b.index);
	if (b.look_index)
		fclose(b.look_index);
	if (b.look_entries)
		fclose(b.look_entries);
	if (b.checkpoints)
		fclose(b.checkpoints);
	fl_buf_free(&b.canon);
	fl_buf_free(&b.look);
	fl_buf_free(&b.line);
	fl_buf_free(&b.note);
	free(b.codes);
	free(b.minor);
	free(b.keys);
	free(b.roles);
	verifier_free(&v);
	return err;
}
