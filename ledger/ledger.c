/*
 * ledger.c: the append use case. A batch is one exclusive SQLite transaction; each append
 * fills in what the ledger owns (seq, prev hash, recorder, time, derived key, USD figures),
 * checks references, encodes the canonical bytes, hashes them and stores the row.
 *
 * Invariants kept here: seq is dense and starts at 1; every entry's prev is the hash of the
 * entry before it (zeros for the first); references point to earlier entries of the right
 * kind that are not reversed; at most one unreversed rate exists per currency and effective
 * date. Any failure leaves the batch to be rolled back whole by the caller.
 *
 * Rates are loaded per batch into an fl_rates table (they are few: a dozen currencies a
 * month) so that a large import does not query the store for each contribution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/ledger.h"
#include "fundledger/money.h"
#include "fundledger/note.h"
#include "ledger_int.h"
#include "rates_int.h"
#include "tree_int.h"

struct fl_ledger {
	fl_store *store;
	const fl_config *cfg;
	char *origin;
	unsigned flags;
	int in_batch;
	char by[FL_NAME_MAX + 1];
	char at[FL_TIME_LEN + 1];
	uint64_t count;
	unsigned char head[FL_HASH_LEN];
	fl_rates rates; /* the rates that stand, for converting contributions */
	fl_buf canon;
	fl_buf scratch;
	const fl_signer *signer; /* borrowed; NULL until fl_ledger_set_signer */
	const fl_vkey *signer_key; /* its authorised treasurer key in cfg */
	fl_tree *tree;           /* open during a batch */
	uint64_t batch_start;    /* entries before the batch */
	uint64_t last_cp;        /* size of the latest checkpoint when the batch began */
};

int fl_ledger_init(const char *path, const char *origin, const char *created_at)
{
	size_t n = strlen(origin);
	if (n == 0 || n > FL_ORIGIN_MAX)
		return fl_error_set(FL_EINVALID, "origin must be 1 to %d bytes", FL_ORIGIN_MAX);
	for (size_t i = 0; i < n; i++)
		if (origin[i] <= ' ' || origin[i] > '~')
			return fl_error_set(FL_EINVALID,
					    "origin must be printable ASCII without spaces");
	if (fl_time_check(created_at, strlen(created_at)) < 0)
		return fl_error_set(FL_EINVALID, "bad creation time '%.30s'", created_at);
	return fl_store_create(path, origin, created_at);
}

int fl_ledger_open(fl_ledger **out, const char *path, const fl_config *cfg, unsigned flags)
{
	fl_ledger *l = calloc(1, sizeof(*l));
	fl_buf origin = FL_BUF_INIT;
	int err;
	if (!l)
		return fl_error_set(FL_ENOMEM, "out of memory");
	l->cfg = cfg;
	l->flags = flags;
	if ((err = fl_store_open(&l->store, path, (flags & FL_OPEN_READONLY) != 0)) < 0)
		goto fail;
	if ((err = fl_store_meta(l->store, "origin", &origin)) < 0)
		goto fail;
	if (!(l->origin = strdup(fl_buf_cstr(&origin)))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto fail;
	}
	fl_buf_free(&origin);
	*out = l;
	return 0;
fail:
	fl_buf_free(&origin);
	fl_ledger_free(l);
	return err;
}

void fl_ledger_free(fl_ledger *l)
{
	if (!l)
		return;
	fl_tree_free(l->tree);
	fl_store_close(l->store);
	free(l->origin);
	fl_rates_free(&l->rates);
	fl_buf_free(&l->canon);
	fl_buf_free(&l->scratch);
	free(l);
}

const char *fl_ledger_origin(const fl_ledger *l)
{
	return l->origin;
}

const fl_config *fl_ledger_config(const fl_ledger *l)
{
	return l->cfg;
}

int fl_ledger_head(fl_ledger *l, uint64_t *count, unsigned char hash[FL_HASH_LEN])
{
	return fl_store_head(l->store, count, hash);
}

static int load_rate(void *ctx, uint64_t seq, const char *ccy, const char *date)
{
	fl_ledger *l = ctx;
	fl_entry e;
	int err;
	if ((err = fl_store_get(l->store, seq, &l->scratch, NULL)) < 0 ||
	    (err = fl_entry_decode(&e, l->scratch.data, l->scratch.len)) < 0)
		return fl_error_prefix("entry %llu: ", (unsigned long long)seq);
	if (e.kind != FL_KIND_RATE || strcmp(e.currency, ccy) || strcmp(e.date, date))
		return fl_error_set(FL_ECORRUPT, "entry %llu: columns disagree with its bytes",
				    (unsigned long long)seq);
	return fl_rates_insert(&l->rates, seq, e.rate, ccy, date);
}

/* ---- batches ---- */

int fl_ledger_begin(fl_ledger *l, const char *recorded_by, const char *recorded_at)
{
	int err;
	if (l->flags & FL_OPEN_READONLY)
		return fl_error_set(FL_EINVALID, "the ledger is open read-only");
	if (l->in_batch)
		return fl_error_set(FL_EINVALID, "a batch is already open");
	if (!l->cfg)
		return fl_error_set(FL_EINVALID, "appending needs a configuration");
	if (!l->signer)
		return fl_error_set(FL_EINVALID, "writing needs an authorised treasurer key to sign "
						 "the checkpoint (give one with -k KEYFILE)");
	if (fl_text_check(recorded_by, strlen(recorded_by), FL_NAME_MAX) < 0)
		return fl_error_prefix("recorded by: ");
	if (fl_time_check(recorded_at, strlen(recorded_at)) < 0)
		return fl_error_set(FL_EINVALID, "bad recording time '%.30s'", recorded_at);
	if ((err = fl_store_begin(l->store)) < 0)
		return err;
	l->in_batch = 1;
	strcpy(l->by, recorded_by);
	strcpy(l->at, recorded_at);
	fl_rates_clear(&l->rates);
	if ((err = fl_store_head(l->store, &l->count, l->head)) < 0 ||
	    (err = fl_store_each_rate(l->store, load_rate, l)) < 0 ||
	    (err = fl_tree_open(&l->tree, l->store, FL_TREE_WRITE, l->count)) < 0) {
		fl_ledger_rollback(l);
		return err;
	}
	l->batch_start = l->count;
	{
		fl_buf note = FL_BUF_INIT;
		err = fl_store_checkpoint_get(l->store, 0, &l->last_cp, &note);
		fl_buf_free(&note);
		if (err == FL_ENOTFOUND) {
			l->last_cp = 0;
			err = 0;
		}
		/* Every batch ends with a checkpoint of its size: a ledger whose newest entries
		 * are not covered has lost a checkpoint, and signing on would hide the loss. */
		if (err == 0 && l->last_cp != l->count)
			err = fl_error_set(FL_ECORRUPT,
					   "entries %llu to %llu are not covered by a signed checkpoint "
					   "(was one removed?); run 'fundledger verify'",
					   (unsigned long long)l->last_cp + 1,
					   (unsigned long long)l->count);
		if (err < 0) {
			fl_ledger_rollback(l);
			return err;
		}
	}
	return 0;
}

int fl_ledger_set_signer(fl_ledger *l, const fl_signer *s)
{
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_key_role role;
	const fl_vkey *k;
	if (!l->cfg)
		return fl_error_set(FL_EINVALID, "signing needs a configuration");
	fl_signer_public(s, pub);
	k = fl_config_key(l->cfg, FL_SIGTYPE_ED25519, pub, &role);
	if (!k || role != FL_ROLE_TREASURER)
		return fl_error_set(FL_EINVALID, "this key is not an authorised treasurer key in %s",
				    l->cfg->path);
	l->signer = s;
	l->signer_key = k;
	return 0;
}

/* Signs and stores the checkpoint of the batch's new tree size. */
static int sign_checkpoint(fl_ledger *l)
{
	fl_checkpoint cp;
	fl_buf note = FL_BUF_INIT;
	int err;

	memset(&cp, 0, sizeof(cp));
	if (strlen(l->origin) > FL_ORIGIN_LEN_MAX)
		return fl_error_set(FL_ECORRUPT, "origin too long");
	strcpy(cp.origin, l->origin);
	cp.size = fl_tree_size(l->tree);
	/* The extension line names the checkpoint before this one, so that a deleted
	 * checkpoint leaves a gap that verify sees. */
	if ((err = fl_tree_root(l->tree, cp.root)) < 0 ||
	    (err = fl_checkpoint_format(&note, &cp)) < 0 ||
	    (err = fl_buf_printf(&note, FL_CHECKPOINT_PREVIOUS " %llu\n",
				 (unsigned long long)l->last_cp)) < 0)
		goto done;
	{
		size_t text_len = note.len;
		if ((err = fl_buf_putc(&note, '\n')) < 0 ||
		    (err = fl_note_sign(&note, (const char *)note.data, text_len,
					l->signer_key->name, l->signer)) < 0)
			goto done;
	}
	err = fl_store_checkpoint_put(l->store, cp.size, fl_buf_cstr(&note), l->signer_key->name);
done:
	fl_buf_free(&note);
	return err;
}

int fl_ledger_commit(fl_ledger *l)
{
	int err;
	if (!l->in_batch)
		return fl_error_set(FL_EINVALID, "no batch is open");
	/* A batch that added entries ends with a signed checkpoint of the new tree. */
	if (l->count > l->batch_start) {
		if (fl_tree_size(l->tree) != l->count)
			err = fl_error_set(FL_ECORRUPT, "Merkle tree size %llu, ledger %llu",
					   (unsigned long long)fl_tree_size(l->tree),
					   (unsigned long long)l->count);
		else if ((err = fl_tree_flush(l->tree)) == 0)
			err = sign_checkpoint(l);
		if (err < 0) {
			fl_ledger_rollback(l);
			return err;
		}
	}
	fl_tree_free(l->tree);
	l->tree = NULL;
	l->in_batch = 0;
	if ((err = fl_store_commit(l->store)) < 0)
		return err;
	return 0;
}

void fl_ledger_rollback(fl_ledger *l)
{
	if (l->in_batch)
		fl_store_rollback(l->store);
	fl_tree_free(l->tree);
	l->tree = NULL;
	l->in_batch = 0;
}

/* ---- checks of one entry against the configuration and the ledger ---- */

static int check_codes(const fl_ledger *l, const fl_entry *e)
{
	if (e->fund[0] && !fl_config_fund(l->cfg, e->fund))
		return fl_error_set(FL_ENOTFOUND, "unknown fund '%s'", e->fund);
	if (e->donor[0] && !fl_config_donor(l->cfg, e->donor))
		return fl_error_set(FL_ENOTFOUND, "unknown donor '%s'", e->donor);
	if (e->currency[0] && !fl_config_currency(l->cfg, e->currency))
		return fl_error_set(FL_ENOTFOUND, "unknown currency '%s'", e->currency);
	return 0;
}

/*
 * What the writer needs of entry seq (an earlier entry), from its query columns, refusing a
 * reversed one. The writer trusts its own columns; verify checks them against the bytes.
 */
static int load_live(fl_ledger *l, uint64_t seq, fl_ref_info *out, const char *role)
{
	uint64_t count = l->count;
	unsigned char head[FL_HASH_LEN];
	int err;
	/* Outside a batch the cached count may be stale; ask the store. */
	if (!l->in_batch && (err = fl_store_head(l->store, &count, head)) < 0)
		return err;
	if (seq == 0 || seq > count ||
	    (err = fl_store_ref_info(l->store, seq, out)) == FL_ENOTFOUND)
		return fl_error_set(FL_ENOTFOUND, "%s %llu does not exist", role,
				    (unsigned long long)seq);
	if (err < 0)
		return err;
	if (out->reversed_by)
		return fl_error_set(FL_EINVALID, "%s %llu was reversed by entry %llu", role,
				    (unsigned long long)seq, (unsigned long long)out->reversed_by);
	return 0;
}

static int load_pledge(fl_ledger *l, uint64_t seq, fl_ref_info *p)
{
	int err;
	if ((err = load_live(l, seq, p, "pledge")) < 0)
		return err;
	if (p->kind != FL_KIND_PLEDGE)
		return fl_error_set(FL_EINVALID, "entry %llu is a %s, not a pledge",
				    (unsigned long long)seq, fl_kind_name((fl_kind)p->kind));
	return 0;
}

static int prepare_contribution(fl_ledger *l, fl_entry *e)
{
	const fl_currency *c = fl_config_currency(l->cfg, e->currency);
	const fl_rate_item *r;
	int err;

	if (e->pledge) {
		fl_ref_info p;
		if ((err = load_pledge(l, e->pledge, &p)) < 0)
			return err;
		if (strcmp(p.donor, e->donor) || strcmp(p.fund, e->fund))
			return fl_error_set(FL_EINVALID,
					    "pledge %llu is from %s to %s, not from %s to %s",
					    (unsigned long long)e->pledge, p.donor, p.fund, e->donor,
					    e->fund);
	}
	if (strcmp(e->currency, "USD") == 0) {
		e->usd = e->amount;
		e->rate_used = FL_RATE_SCALE;
		e->rate_seq = 0;
		return 0;
	}
	if (!(r = fl_rates_in_force(&l->rates, e->currency, e->date)))
		return fl_error_set(FL_ENOTFOUND,
				    "no UN operational rate for %s in force on %s; record one with "
				    "'fundledger rate'",
				    e->currency, e->date);
	e->rate_used = r->rate;
	e->rate_seq = r->seq;
	if ((err = fl_money_to_usd(&e->usd, e->amount, c->minor_units, r->rate)) < 0)
		return fl_error_prefix("USD equivalent: ");
	return 0;
}

static int prepare_rate(fl_ledger *l, const fl_entry *e)
{
	const fl_rate_item *r = fl_rates_find(&l->rates, e->currency, e->date);
	if (r)
		return fl_error_set(FL_EEXISTS,
				    "a rate for %s effective %s is already recorded (entry %llu); "
				    "reverse it first to correct it",
				    e->currency, e->date, (unsigned long long)r->seq);
	return 0;
}

static int prepare_reversal(fl_ledger *l, const fl_entry *e)
{
	fl_ref_info t;
	uint64_t dep;
	int err;
	if ((err = load_live(l, e->target, &t, "entry")) < 0)
		return err;
	if (t.kind == (int)FL_KIND_REVERSAL)
		return fl_error_set(FL_EINVALID, "entry %llu is a reversal; record the entry again "
						 "instead of reversing a reversal",
				    (unsigned long long)e->target);
	if (t.kind == (int)FL_KIND_PLEDGE) {
		if ((err = fl_store_live_dependent(l->store, e->target, &dep)) < 0)
			return err;
		if (dep)
			return fl_error_set(FL_EINVALID,
					    "pledge %llu still has entry %llu against it; reverse "
					    "that first",
					    (unsigned long long)e->target, (unsigned long long)dep);
	}
	return 0;
}

/* What is left of a pledge to write off: its amount less live write-offs and payments
 * in its own currency that name it. */
static int pledge_remaining(fl_ledger *l, uint64_t seq, const fl_ref_info *p, int64_t *out)
{
	int64_t written, paid;
	int err;
	if ((err = fl_store_ref_sum(l->store, seq, FL_KIND_WRITEOFF, p->currency, &written)) < 0 ||
	    (err = fl_store_ref_sum(l->store, seq, FL_KIND_CONTRIBUTION, p->currency, &paid)) < 0)
		return err;
	*out = p->amount - written - paid;
	if (*out < 0)
		*out = 0;
	return 0;
}

static int prepare_writeoff(fl_ledger *l, fl_entry *e)
{
	fl_ref_info p;
	int64_t left;
	char a[FL_MONEY_STR_MAX], b[FL_MONEY_STR_MAX];
	const fl_currency *c;
	int err;

	if ((err = load_pledge(l, e->pledge, &p)) < 0)
		return err;
	if ((e->fund[0] && strcmp(e->fund, p.fund)) || (e->donor[0] && strcmp(e->donor, p.donor)) ||
	    (e->currency[0] && strcmp(e->currency, p.currency)))
		return fl_error_set(FL_EINVALID, "a write-off takes the fund, donor and currency "
						 "of pledge %llu",
				    (unsigned long long)e->pledge);
	strcpy(e->fund, p.fund);
	strcpy(e->donor, p.donor);
	strcpy(e->currency, p.currency);
	if ((err = pledge_remaining(l, e->pledge, &p, &left)) < 0)
		return err;
	if (e->amount > left) {
		c = fl_config_currency(l->cfg, p.currency);
		unsigned mu = c ? c->minor_units : 2;
		(void)fl_money_format(a, sizeof(a), e->amount, mu, 1);
		(void)fl_money_format(b, sizeof(b), left, mu, 1);
		return fl_error_set(FL_EINVALID, "write-off of %s %s exceeds the %s %s left on "
						 "pledge %llu",
				    p.currency, a, p.currency, b, (unsigned long long)e->pledge);
	}
	return 0;
}

int fl_ledger_remaining(fl_ledger *l, uint64_t pledge, int64_t *out)
{
	fl_ref_info p;
	int err;
	if ((err = load_pledge(l, pledge, &p)) < 0)
		return err;
	return pledge_remaining(l, pledge, &p, out);
}

/*
 * e's key is recorded as entry seq: a replay when the content is the same (e becomes the
 * stored entry), a conflict otherwise.
 */
static int replay_or_conflict(fl_ledger *l, fl_entry *e, uint64_t seq, fl_append_status *status)
{
	unsigned char mine[FL_HASH_LEN], theirs[FL_HASH_LEN];
	fl_entry old;
	int err;

	if ((err = fl_store_get(l->store, seq, &l->scratch, NULL)) < 0 ||
	    (err = fl_entry_decode(&old, l->scratch.data, l->scratch.len)) < 0)
		return err;
	if (old.kind == e->kind && (err = fl_entry_content_digest(mine, e)) == 0 &&
	    (err = fl_entry_content_digest(theirs, &old)) == 0 &&
	    fl_digest_equal(mine, theirs, FL_HASH_LEN) == 0) {
		*e = old;
		*status = FL_REPLAYED;
		return 0;
	}
	if (err < 0)
		return err;
	return fl_error_set(FL_EEXISTS,
			    "reference '%s' is already recorded as entry %llu with other content",
			    e->idem, (unsigned long long)seq);
}

/* After a check failed: if e's key is already recorded, that is the answer instead. */
static int failed_or_replayed(fl_ledger *l, fl_entry *e, fl_append_status *status, int err)
{
	char msg[FL_ERROR_MAX];
	uint64_t seq;
	int rc;
	snprintf(msg, sizeof(msg), "%s", fl_error_last());
	rc = fl_store_find_idem(l->store, e->idem, &seq);
	if (rc == FL_ENOTFOUND)
		return fl_error_set(err, "%s", msg);
	if (rc < 0)
		return rc;
	return replay_or_conflict(l, e, seq, status);
}

int fl_ledger_append(fl_ledger *l, fl_entry *e, fl_append_status *status)
{
	fl_row row;
	unsigned char hash[FL_HASH_LEN];
	uint64_t existing;
	int err;

	if (!l->in_batch)
		return fl_error_set(FL_EINVALID, "no batch is open");
	/* The ledger owns these; whatever the caller left there is replaced. */
	e->seq = 0;
	e->usd = 0;
	e->rate_used = 0;
	e->rate_seq = 0;
	if (e->kind < FL_KIND_MIN || e->kind > FL_KIND_MAX)
		return fl_error_set(FL_EINVALID, "unknown entry kind");
	if ((err = check_codes(l, e)) < 0)
		return err;
	if (e->kind == FL_KIND_WRITEOFF) {
		/* Complete fund, donor and currency from the pledge first, so that the derived key
		 * and the replay comparison see the entry as it will be recorded. */
		fl_ref_info p;
		if ((err = load_pledge(l, e->pledge, &p)) < 0)
			return err;
		if (!e->fund[0])
			strcpy(e->fund, p.fund);
		if (!e->donor[0])
			strcpy(e->donor, p.donor);
		if (!e->currency[0])
			strcpy(e->currency, p.currency);
	}
	if (e->idem[0]) {
		if ((err = fl_idem_check(e->idem)) < 0)
			return err;
	} else if ((err = fl_entry_auto_idem(e->idem, e)) < 0) {
		return err;
	}

	/*
	 * The checks against the ledger come first; the key is looked up only when one fails
	 * (a replayed reversal, say, finds its target reversed) or when the insert meets it.
	 * New entries, the common case, cost no extra look-up.
	 */
	switch (e->kind) {
	case FL_KIND_CONTRIBUTION: err = prepare_contribution(l, e); break;
	case FL_KIND_RATE: err = prepare_rate(l, e); break;
	case FL_KIND_REVERSAL: err = prepare_reversal(l, e); break;
	case FL_KIND_WRITEOFF: err = prepare_writeoff(l, e); break;
	default: break;
	}
	if (err < 0)
		return failed_or_replayed(l, e, status, err);

	e->seq = l->count + 1;
	memcpy(e->recorded_at, l->at, sizeof(l->at));
	memcpy(e->recorded_by, l->by, sizeof(l->by));
	memcpy(e->prev, l->head, FL_HASH_LEN);
	fl_buf_reset(&l->canon);
	if ((err = fl_entry_encode(&l->canon, e)) < 0 ||
	    (err = fl_sha256(hash, l->canon.data, l->canon.len)) < 0)
		return err;

	memset(&row, 0, sizeof(row));
	row.seq = e->seq;
	row.hash = hash;
	row.hash_len = FL_HASH_LEN;
	row.canon = l->canon.data;
	row.canon_len = l->canon.len;
	row.kind = (int)e->kind;
	row.idem = e->idem;
	row.fund = e->fund[0] ? e->fund : NULL;
	row.donor = e->donor[0] ? e->donor : NULL;
	row.currency = e->currency[0] ? e->currency : NULL;
	row.amount = e->kind == FL_KIND_RATE ? 0 : e->amount;
	row.amount_null = e->kind == FL_KIND_RATE || e->kind == FL_KIND_REVERSAL;
	row.date = e->date[0] ? e->date : NULL;
	row.ref = e->kind == FL_KIND_REVERSAL ? e->target : e->pledge;
	if ((err = fl_store_insert(l->store, &row, &existing)) < 0) {
		if (err == FL_EEXISTS) {
			e->seq = 0;
			return replay_or_conflict(l, e, existing, status);
		}
		return err;
	}
	{
		fl_hash leaf;
		if ((err = fl_merkle_leaf_hash(leaf, l->canon.data, l->canon.len)) < 0 ||
		    (err = fl_tree_append(l->tree, leaf)) < 0)
			return err;
	}
	if (e->kind == FL_KIND_RATE &&
	    (err = fl_rates_insert(&l->rates, e->seq, e->rate, e->currency, e->date)) < 0)
		return err;
	if (e->kind == FL_KIND_REVERSAL)
		(void)fl_rates_remove(&l->rates, e->target);
	l->count = e->seq;
	memcpy(l->head, hash, FL_HASH_LEN);
	*status = FL_APPENDED;
	return 0;
}

int fl_ledger_record(fl_ledger *l, fl_entry *e, const char *recorded_by, const char *recorded_at,
		     fl_append_status *status)
{
	int err;
	if ((err = fl_ledger_begin(l, recorded_by, recorded_at)) < 0)
		return err;
	if ((err = fl_ledger_append(l, e, status)) < 0) {
		fl_ledger_rollback(l);
		return err;
	}
	return fl_ledger_commit(l);
}

int fl_ledger_find(fl_ledger *l, const char *idem, uint64_t *seq)
{
	int err = fl_store_find_idem(l->store, idem, seq);
	if (err == FL_ENOTFOUND)
		return fl_error_set(FL_ENOTFOUND, "no entry has reference '%.128s'", idem);
	return err;
}

int fl_ledger_get(fl_ledger *l, uint64_t seq, fl_entry *out, unsigned char hash[FL_HASH_LEN],
		  fl_buf *canon)
{
	fl_buf *b = canon ? canon : &l->scratch;
	int err;
	if ((err = fl_store_get(l->store, seq, b, hash)) < 0)
		return err;
	if (out && (err = fl_entry_decode(out, b->data, b->len)) < 0)
		return fl_error_prefix("entry %llu: ", (unsigned long long)seq);
	return 0;
}

int fl_ledger_reversed_by(fl_ledger *l, uint64_t seq, uint64_t *by)
{
	return fl_store_reversed_by(l->store, seq, by);
}

int fl_ledger_scan(fl_ledger *l, const fl_filter *filter, fl_scan_fn fn, void *ctx)
{
	fl_store_iter *it = NULL;
	fl_row row;
	fl_entry e;
	int err, rc;
	if ((err = fl_store_iter_new(&it, l->store, filter)) < 0)
		return err;
	while ((rc = fl_store_iter_next(it, &row)) == 1) {
		if ((err = fl_entry_decode(&e, row.canon, row.canon_len)) < 0) {
			fl_error_prefix("entry %llu: ", (unsigned long long)row.seq);
			goto done;
		}
		if (row.hash_len != FL_HASH_LEN) {
			err = fl_error_set(FL_ECORRUPT, "entry %llu: bad stored hash",
					   (unsigned long long)row.seq);
			goto done;
		}
		if ((err = fn(ctx, &e, row.hash)) < 0)
			goto done;
	}
	err = rc < 0 ? rc : 0;
done:
	fl_store_iter_free(it);
	return err;
}

fl_store *fl_ledger_store(fl_ledger *l)
{
	return l->store;
}
