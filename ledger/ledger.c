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
 *
 * Other processes may write to the same file between two batches: a batch reads the head,
 * the rates, the Merkle tree's edge and the latest checkpoint after BEGIN IMMEDIATE has
 * given it the write lock, and keeps nothing of them once it ends.
 *
 * The backup (fl_ledger_backup) copies the file through the store's online backup and puts
 * the copy in place only once it reads back the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fundledger/file.h"
#include "fundledger/ledger.h"
#include "fundledger/money.h"
#include "fundledger/note.h"
#include "ledger_int.h"
#include "rates_int.h"
#include "tree_int.h"

/*
 * The pledges appended in the open batch, so that the contributions that name them (an
 * import's rows, by reference) and their matches read nothing back from the store: in seq
 * order in `v`, and by reference in an open-addressing table of indexes into it (slot value
 * index + 1, 0 for empty). What they hold is what the store's columns hold, and an entry of
 * this batch changes only through a reversal appended in this batch, after which look-ups by
 * seq go to the store again. Look-ups by reference stay exact: a reference never changes.
 */
typedef struct {
	uint64_t seq;
	size_t idem; /* offset of the reference in batch_pledges.idem */
	fl_ref_info info;
} batch_pledge;

typedef struct {
	batch_pledge *v;
	size_t n, cap;
	uint32_t *slots;
	size_t n_slots; /* 0 or a power of two */
	fl_buf idem;    /* the references, each with its NUL */
} batch_pledges;

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
	fl_progress_fn progress; /* fl_ledger_set_progress; NULL reports nothing */
	void *progress_arg;
	const fl_signer *signer; /* borrowed; NULL until fl_ledger_set_signer */
	const fl_vkey *signer_key; /* its authorised treasurer key in cfg */
	fl_tree *tree;           /* open during a batch */
	uint64_t batch_start;    /* entries before the batch */
	uint64_t last_cp;        /* size of the latest checkpoint when the batch began */
	/* A statement's lines follow it at once: the statement being filled, the lines it
	 * still expects, and opening plus the lines so far. */
	uint64_t stmt_seq;
	uint64_t stmt_left;
	int64_t stmt_sum, stmt_closing;
	char stmt_currency[FL_CURRENCY_LEN + 1];
	/* Within a batch, the last contribution appended (and what matches applied of it) and
	 * the last pledge looked up, so that a contribution and the match that follows it cost
	 * no extra reads. Cleared at begin, and when a reversal names them. */
	fl_entry lc;
	int64_t lc_applied;
	uint64_t lp_seq;
	fl_ref_info lp;
	/* The pledges appended in this batch (see batch pledges below) and whether a reversal
	 * was appended in it. */
	batch_pledges bp;
	int batch_reversal;
};

/* ---- batch pledges ---- */

static void bp_clear(batch_pledges *bp)
{
	bp->n = 0;
	if (bp->slots)
		memset(bp->slots, 0, bp->n_slots * sizeof(*bp->slots));
	fl_buf_reset(&bp->idem);
}

static void bp_free(batch_pledges *bp)
{
	free(bp->v);
	free(bp->slots);
	fl_buf_free(&bp->idem);
	memset(bp, 0, sizeof(*bp));
}

/* FNV-1a: references are short and chosen by people, not by an adversary who gains from
 * collisions (a collision costs a probe, never a wrong answer: the text is compared). */
static size_t bp_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

static void bp_place(batch_pledges *bp, size_t i)
{
	size_t mask = bp->n_slots - 1, k = bp_hash((const char *)bp->idem.data + bp->v[i].idem);
	while (bp->slots[k & mask])
		k++;
	bp->slots[k & mask] = (uint32_t)(i + 1);
}

/* Records pledge e, just appended; its columns are those of row. */
static int bp_add(batch_pledges *bp, const fl_entry *e, const fl_row *row)
{
	batch_pledge *x;
	size_t len = strlen(e->idem);
	int err;
	if (bp->n >= UINT32_MAX - 1)
		return 0; /* not kept: look-ups go to the store */
	if (bp->n == bp->cap) {
		size_t cap = bp->cap ? bp->cap * 2 : 1024;
		batch_pledge *v = realloc(bp->v, cap * sizeof(*v));
		if (!v)
			return fl_error_set(FL_ENOMEM, "out of memory");
		bp->v = v;
		bp->cap = cap;
	}
	if (2 * (bp->n + 1) > bp->n_slots) {
		size_t n_slots = bp->n_slots ? bp->n_slots * 2 : 2048;
		uint32_t *slots = calloc(n_slots, sizeof(*slots));
		if (!slots)
			return fl_error_set(FL_ENOMEM, "out of memory");
		free(bp->slots);
		bp->slots = slots;
		bp->n_slots = n_slots;
		for (size_t i = 0; i < bp->n; i++)
			bp_place(bp, i);
	}
	x = &bp->v[bp->n];
	memset(x, 0, sizeof(*x));
	x->seq = e->seq;
	x->idem = bp->idem.len;
	if ((err = fl_buf_put(&bp->idem, e->idem, len + 1)) < 0)
		return err;
	/* As fl_store_ref_info reads them back: NULL text as "", NULL numbers as 0. */
	x->info.kind = row->kind;
	snprintf(x->info.donor, sizeof(x->info.donor), "%s", row->donor ? row->donor : "");
	snprintf(x->info.fund, sizeof(x->info.fund), "%s", row->fund ? row->fund : "");
	snprintf(x->info.currency, sizeof(x->info.currency), "%s",
		 row->currency ? row->currency : "");
	x->info.amount = row->amount;
	x->info.reversed_by = 0;
	snprintf(x->info.date, sizeof(x->info.date), "%s", row->date ? row->date : "");
	x->info.ref = row->ref;
	x->info.ref2 = row->ref2;
	x->info.amount2 = row->amount2;
	bp_place(bp, bp->n);
	bp->n++;
	return 0;
}

/* Pledge seq of this batch, or NULL: not one, or a reversal may have changed it. */
static const fl_ref_info *bp_by_seq(const fl_ledger *l, uint64_t seq)
{
	const batch_pledges *bp = &l->bp;
	size_t lo = 0, hi = bp->n;
	if (!l->in_batch || l->batch_reversal || seq <= l->batch_start)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bp->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < bp->n && bp->v[lo].seq == seq ? &bp->v[lo].info : NULL;
}

/* The seq of the pledge of this batch recorded under idem, or 0. */
static uint64_t bp_by_idem(const fl_ledger *l, const char *idem)
{
	const batch_pledges *bp = &l->bp;
	size_t mask = bp->n_slots - 1, k;
	if (!l->in_batch || !bp->n_slots)
		return 0;
	for (k = bp_hash(idem);; k++) {
		uint32_t i = bp->slots[k & mask];
		if (!i)
			return 0;
		if (strcmp((const char *)bp->idem.data + bp->v[i - 1].idem, idem) == 0)
			return bp->v[i - 1].seq;
	}
}

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

int fl_ledger_snapshot(fl_ledger **out, fl_ledger *l, uint64_t size)
{
	fl_ledger *v = calloc(1, sizeof(*v));
	int err;
	if (!v)
		return fl_error_set(FL_ENOMEM, "out of memory");
	v->cfg = l->cfg;
	v->flags = FL_OPEN_READONLY;
	if ((err = fl_store_snapshot(&v->store, l->store, size)) < 0)
		goto fail;
	if (!(v->origin = strdup(l->origin))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto fail;
	}
	*out = v;
	return 0;
fail:
	fl_ledger_free(v);
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
	bp_free(&l->bp);
	free(l);
}

const char *fl_ledger_origin(const fl_ledger *l)
{
	return l->origin;
}

void fl_ledger_set_progress(fl_ledger *l, fl_progress_fn fn, void *arg)
{
	l->progress = fn;
	l->progress_arg = arg;
}

void fl_ledger_progress(const fl_ledger *l, uint64_t done, uint64_t total)
{
	fl_progress_tick(l->progress, l->progress_arg, done, total);
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

int fl_ledger_load_rates(fl_ledger *l, fl_rates *out)
{
	fl_rates saved = l->rates;
	int err;
	/* load_rate fills l->rates; borrow it for the caller's table. */
	l->rates = *out;
	err = fl_store_each_rate(l->store, load_rate, l);
	*out = l->rates;
	l->rates = saved;
	return err;
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
	l->stmt_seq = l->stmt_left = 0;
	l->lc.seq = 0;
	l->lp_seq = 0;
	bp_clear(&l->bp);
	l->batch_reversal = 0;
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
	if (l->stmt_left) {
		err = fl_error_set(FL_EINVALID, "statement %llu still expects %llu lines",
				   (unsigned long long)l->stmt_seq, (unsigned long long)l->stmt_left);
		fl_ledger_rollback(l);
		return err;
	}
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
	const fl_ref_info *known;
	if (l->in_batch && seq && seq == l->lp_seq) {
		*p = l->lp;
		return 0;
	}
	if ((known = bp_by_seq(l, seq)) != NULL) {
		*p = *known;
		l->lp = *p;
		l->lp_seq = seq;
		return 0;
	}
	if ((err = load_live(l, seq, p, "pledge")) < 0)
		return err;
	if (p->kind != FL_KIND_PLEDGE)
		return fl_error_set(FL_EINVALID, "entry %llu is a %s, not a pledge",
				    (unsigned long long)seq, fl_kind_name((fl_kind)p->kind));
	if (l->in_batch) {
		l->lp = *p;
		l->lp_seq = seq;
	}
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
	if (t.kind == (int)FL_KIND_BANKLINE)
		return fl_error_set(FL_EINVALID, "entry %llu is a line of statement %llu; a "
						 "statement is reversed whole",
				    (unsigned long long)e->target, (unsigned long long)t.ref);
	if (t.kind == (int)FL_KIND_PLEDGE) {
		if ((err = fl_store_live_dependent(l->store, e->target, &dep)) < 0)
			return err;
		if (dep)
			return fl_error_set(FL_EINVALID,
					    "%s %llu still has entry %llu against it; reverse "
					    "that first",
					    fl_kind_name((fl_kind)t.kind), (unsigned long long)e->target,
					    (unsigned long long)dep);
	}
	return 0;
}

/* What is left of a pledge to write off: its amount less standing write-offs and less what
 * standing matches settled. */
static int pledge_remaining(fl_ledger *l, uint64_t seq, const fl_ref_info *p, int64_t *out)
{
	int64_t written, paid;
	int err;
	if ((err = fl_store_ref_sum(l->store, seq, FL_KIND_WRITEOFF, p->currency, &written)) < 0 ||
	    (err = fl_store_settled(l->store, seq, &paid)) < 0)
		return err;
	*out = p->amount - written - paid;
	if (*out < 0)
		*out = 0;
	return 0;
}

/* Loads a standing contribution, decoded (the match needs its date and rate). */
static int load_contribution(fl_ledger *l, uint64_t seq, fl_entry *out)
{
	fl_ref_info c;
	int err;
	if (l->in_batch && seq && seq == l->lc.seq) {
		*out = l->lc;
		return 0;
	}
	if ((err = load_live(l, seq, &c, "contribution")) < 0)
		return err;
	if (c.kind != FL_KIND_CONTRIBUTION)
		return fl_error_set(FL_EINVALID, "entry %llu is a %s, not a contribution",
				    (unsigned long long)seq, fl_kind_name((fl_kind)c.kind));
	if ((err = fl_store_get(l->store, seq, &l->scratch, NULL)) < 0 ||
	    (err = fl_entry_decode(out, l->scratch.data, l->scratch.len)) < 0)
		return fl_error_prefix("entry %llu: ", (unsigned long long)seq);
	return 0;
}

static unsigned minor_units(const fl_ledger *l, const char *ccy)
{
	const fl_currency *c = fl_config_currency(l->cfg, ccy);
	return c ? c->minor_units : 2;
}

int fl_ledger_unapplied(fl_ledger *l, uint64_t contribution, int64_t *out)
{
	fl_entry c;
	int64_t applied;
	int err;
	if ((err = load_contribution(l, contribution, &c)) < 0 ||
	    (err = fl_store_applied(l->store, contribution, &applied)) < 0)
		return err;
	*out = c.amount - applied;
	return 0;
}

static int prepare_match(fl_ledger *l, fl_entry *e)
{
	fl_entry c;
	fl_ref_info p;
	int64_t applied;
	char a[FL_MONEY_STR_MAX], b[FL_MONEY_STR_MAX];
	const fl_rate_item *r;
	int err;

	if ((err = load_contribution(l, e->contribution, &c)) < 0 ||
	    (err = load_pledge(l, e->pledge, &p)) < 0)
		return err;
	if (strcmp(c.donor, p.donor) || strcmp(c.fund, p.fund))
		return fl_error_set(FL_EINVALID,
				    "contribution %llu is from %s to %s; pledge %llu is from %s to %s",
				    (unsigned long long)e->contribution, c.donor, c.fund,
				    (unsigned long long)e->pledge, p.donor, p.fund);
	if ((e->fund[0] && strcmp(e->fund, c.fund)) || (e->donor[0] && strcmp(e->donor, c.donor)) ||
	    (e->currency[0] && strcmp(e->currency, c.currency)))
		return fl_error_set(FL_EINVALID, "a match takes the fund, donor and currency of "
						 "contribution %llu",
				    (unsigned long long)e->contribution);
	strcpy(e->fund, c.fund);
	strcpy(e->donor, c.donor);
	strcpy(e->currency, c.currency);
	if (e->contribution == l->lc.seq)
		applied = l->lc_applied;
	else if ((err = fl_store_applied(l->store, e->contribution, &applied)) < 0)
		return err;
	if (e->amount > c.amount - applied) {
		unsigned mu = minor_units(l, c.currency);
		(void)fl_money_format(a, sizeof(a), e->amount, mu, 1);
		(void)fl_money_format(b, sizeof(b), c.amount - applied, mu, 1);
		return fl_error_set(FL_EINVALID,
				    "match of %s %s exceeds the %s %s of contribution %llu not yet "
				    "applied",
				    c.currency, a, c.currency, b, (unsigned long long)e->contribution);
	}
	e->rate_used = c.rate_used;
	if ((err = fl_money_to_usd(&e->usd, e->amount, minor_units(l, c.currency), c.rate_used)) < 0)
		return fl_error_prefix("USD equivalent: ");
	if (strcmp(p.currency, c.currency) == 0) {
		e->settled = e->amount;
		return 0;
	}
	/* Across currencies the pledge settles through US dollars at the rates of the
	 * contribution's value date: its own rate, and the pledge currency's in force. */
	if (strcmp(p.currency, "USD") == 0) {
		e->settle_rate = FL_RATE_SCALE;
	} else {
		if (!(r = fl_rates_in_force(&l->rates, p.currency, c.date)))
			return fl_error_set(FL_ENOTFOUND,
					    "no UN operational rate for %s in force on %s, the value "
					    "date of contribution %llu",
					    p.currency, c.date, (unsigned long long)e->contribution);
		e->settle_rate = r->rate;
		e->settle_rate_seq = r->seq;
	}
	if ((err = fl_money_convert(&e->settled, e->amount, minor_units(l, c.currency), c.rate_used,
				    minor_units(l, p.currency), e->settle_rate)) < 0)
		return fl_error_prefix("settlement in %s: ", p.currency);
	return 0;
}

static int prepare_bankmatch(fl_ledger *l, fl_entry *e)
{
	fl_ref_info ln, st;
	fl_entry c;
	uint64_t other;
	int err;

	if ((err = load_live(l, e->line, &ln, "bank line")) < 0)
		return err;
	if (ln.kind != FL_KIND_BANKLINE)
		return fl_error_set(FL_EINVALID, "entry %llu is a %s, not a bank line",
				    (unsigned long long)e->line, fl_kind_name((fl_kind)ln.kind));
	if ((err = load_live(l, ln.ref, &st, "statement")) < 0)
		return err;
	if (ln.amount2 <= 0)
		return fl_error_set(FL_EINVALID, "bank line %llu is a debit; only credits are "
						 "contributions",
				    (unsigned long long)e->line);
	if ((err = load_contribution(l, e->contribution, &c)) < 0)
		return err;
	if (strcmp(c.currency, ln.currency))
		return fl_error_set(FL_EINVALID, "bank line %llu is in %s, contribution %llu in %s",
				    (unsigned long long)e->line, ln.currency,
				    (unsigned long long)e->contribution, c.currency);
	if ((err = fl_store_bankmatch_of(l->store, e->line, 1, &other)) < 0)
		return err;
	if (other)
		return fl_error_set(FL_EEXISTS, "bank line %llu is already matched by entry %llu",
				    (unsigned long long)e->line, (unsigned long long)other);
	if ((err = fl_store_bankmatch_of(l->store, e->contribution, 0, &other)) < 0)
		return err;
	if (other)
		return fl_error_set(FL_EEXISTS, "contribution %llu is already matched to a bank "
						 "line by entry %llu",
				    (unsigned long long)e->contribution, (unsigned long long)other);
	return 0;
}

static int prepare_statement(fl_ledger *l, const fl_entry *e)
{
	if (l->stmt_left)
		return fl_error_set(FL_EINVALID, "statement %llu still expects %llu lines",
				    (unsigned long long)l->stmt_seq,
				    (unsigned long long)l->stmt_left);
	if (e->lines == 0 && e->opening != e->closing)
		return fl_error_set(FL_EINVALID, "statement without lines: opening and closing "
						 "balances differ");
	return 0;
}

static int prepare_bankline(fl_ledger *l, const fl_entry *e)
{
	int64_t v = e->direction[0] == 'C' ? e->amount : -e->amount;
	if (!l->stmt_left || e->statement != l->stmt_seq)
		return fl_error_set(FL_EINVALID, "a bank line follows its statement, which expects "
						 "it; statement %llu does not",
				    (unsigned long long)e->statement);
	if (strcmp(e->currency, l->stmt_currency))
		return fl_error_set(FL_EINVALID, "line in %s on a statement in %s", e->currency,
				    l->stmt_currency);
	if (fl_money_add(&l->stmt_sum, v) < 0)
		return fl_error_prefix("statement %llu: ", (unsigned long long)l->stmt_seq);
	if (l->stmt_left == 1 && l->stmt_sum != l->stmt_closing) {
		char a[FL_MONEY_STR_MAX], b[FL_MONEY_STR_MAX];
		unsigned mu = minor_units(l, e->currency);
		(void)fl_money_format(a, sizeof(a), l->stmt_sum, mu, 1);
		(void)fl_money_format(b, sizeof(b), l->stmt_closing, mu, 1);
		l->stmt_sum -= v;
		return fl_error_set(FL_EINVALID, "statement %llu: opening balance plus lines is %s, "
						 "not the closing balance %s",
				    (unsigned long long)l->stmt_seq, a, b);
	}
	return 0;
}

/*
 * The derived key of a match or bank match: the content key, or when an entry under it has
 * been reversed (a match undone and made again), the first of "KEY.2", "KEY.3", ... that is
 * free or names a standing entry. Replaying a standing match still finds it.
 */
static int match_idem(fl_ledger *l, fl_entry *e)
{
	char base[FL_IDEM_MAX + 1];
	uint64_t seq, by;
	int err;
	if ((err = fl_entry_auto_idem(base, e)) < 0)
		return err;
	strcpy(e->idem, base);
	/* The key is a digest of the content, contribution included: an entry under it names
	 * the same contribution, so when that was appended in this batch, the entry would be
	 * too, and without a reversal in the batch it stands. The key is then the answer
	 * without a look-up (the insert still meets an entry under it, as a replay). */
	if (l->in_batch && !l->batch_reversal && e->contribution > l->batch_start)
		return 0;
	for (unsigned n = 2;; n++) {
		err = fl_store_find_idem(l->store, e->idem, &seq);
		if (err == FL_ENOTFOUND)
			return 0;
		if (err < 0 || (err = fl_store_reversed_by(l->store, seq, &by)) < 0)
			return err;
		if (!by)
			return 0;
		snprintf(e->idem, sizeof(e->idem), "%.100s.%u", base, n);
	}
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
	e->settled = 0;
	e->settle_rate = 0;
	e->settle_rate_seq = 0;
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
	if (e->kind == FL_KIND_MATCH) {
		/* Complete fund, donor and currency from the contribution, as for write-offs. */
		fl_entry c;
		if ((err = load_contribution(l, e->contribution, &c)) < 0)
			return err;
		if (!e->fund[0])
			strcpy(e->fund, c.fund);
		if (!e->donor[0])
			strcpy(e->donor, c.donor);
		if (!e->currency[0])
			strcpy(e->currency, c.currency);
	}
	if (e->idem[0]) {
		if ((err = fl_idem_check(e->idem)) < 0)
			return err;
	} else if (e->kind == FL_KIND_MATCH || e->kind == FL_KIND_BANKMATCH) {
		if ((err = match_idem(l, e)) < 0)
			return err;
	} else if ((err = fl_entry_auto_idem(e->idem, e)) < 0) {
		return err;
	}
	if (l->stmt_left && e->kind != FL_KIND_BANKLINE)
		return fl_error_set(FL_EINVALID, "statement %llu still expects %llu lines",
				    (unsigned long long)l->stmt_seq,
				    (unsigned long long)l->stmt_left);

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
	case FL_KIND_MATCH: err = prepare_match(l, e); break;
	case FL_KIND_BANKMATCH: err = prepare_bankmatch(l, e); break;
	case FL_KIND_STATEMENT: err = prepare_statement(l, e); break;
	case FL_KIND_BANKLINE: err = prepare_bankline(l, e); break;
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

	fl_entry_columns(&row, e);
	row.hash = hash;
	row.hash_len = FL_HASH_LEN;
	row.canon = l->canon.data;
	row.canon_len = l->canon.len;
	if ((err = fl_store_insert(l->store, &row, &existing)) < 0) {
		if (err == FL_EEXISTS) {
			e->seq = 0;
			if (e->kind == FL_KIND_BANKLINE) {
				/* Undo this line's share of the running sum. */
				l->stmt_sum -= e->direction[0] == 'C' ? e->amount : -e->amount;
			}
			err = replay_or_conflict(l, e, existing, status);
			/* A replayed statement's lines are replays too: expect none. */
			return err;
		}
		return err;
	}
	if (e->kind == FL_KIND_STATEMENT) {
		l->stmt_seq = e->seq;
		l->stmt_left = e->lines;
		l->stmt_sum = e->opening;
		l->stmt_closing = e->closing;
		strcpy(l->stmt_currency, e->currency);
	} else if (e->kind == FL_KIND_BANKLINE) {
		l->stmt_left--;
	} else if (e->kind == FL_KIND_CONTRIBUTION) {
		l->lc = *e;
		l->lc_applied = 0;
	} else if (e->kind == FL_KIND_MATCH && e->contribution == l->lc.seq) {
		l->lc_applied += e->amount;
	} else if (e->kind == FL_KIND_REVERSAL) {
		/* A reversal of the contribution, of one of its matches or of a pledge changes
		 * what the caches hold: read again. */
		l->lc.seq = 0;
		l->lp_seq = 0;
		l->batch_reversal = 1;
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
	if (e->kind == FL_KIND_PLEDGE && (err = bp_add(&l->bp, e, &row)) < 0)
		return err;
	l->count = e->seq;
	memcpy(l->head, hash, FL_HASH_LEN);
	*status = FL_APPENDED;
	return 0;
}

int fl_ledger_append_named(fl_ledger *l, const fl_entry *c, fl_entry *match,
			   fl_append_status *status)
{
	fl_entry_init(match);
	if (c->kind != FL_KIND_CONTRIBUTION || !c->pledge || !c->seq)
		return fl_error_set(FL_EINVALID, "not a recorded contribution that names a pledge");
	match->kind = FL_KIND_MATCH;
	match->contribution = c->seq;
	match->pledge = c->pledge;
	match->amount = c->amount;
	strcpy(match->reason, FL_REASON_NAMED);
	return fl_ledger_append(l, match, status);
}

int fl_ledger_standing_matches(fl_ledger *l, uint64_t a, uint64_t b, uint64_t *out, size_t max,
			       size_t *n)
{
	fl_ref_info x, y, m;
	uint64_t all[64], found;
	size_t k;
	int err;

	*n = 0;
	if ((err = fl_store_ref_info(l->store, a, &x)) == FL_ENOTFOUND ||
	    (err == 0 && (err = fl_store_ref_info(l->store, b, &y)) == FL_ENOTFOUND))
		return fl_error_set(FL_ENOTFOUND, "entry %llu does not exist",
				    (unsigned long long)(err == 0 ? b : a));
	if (err < 0)
		return err;
	if (x.kind == FL_KIND_PLEDGE && y.kind == FL_KIND_CONTRIBUTION) {
		uint64_t t = a;
		a = b;
		b = t;
		x.kind = FL_KIND_CONTRIBUTION;
		y.kind = FL_KIND_PLEDGE;
	}
	if (x.kind == FL_KIND_CONTRIBUTION && y.kind == FL_KIND_PLEDGE) {
		if ((err = fl_store_pair_matches(l->store, a, b, all, 64, &k)) < 0)
			return err;
		for (size_t i = 0; i < k; i++) {
			if ((err = fl_store_ref_info(l->store, all[i], &m)) < 0)
				return err;
			if (m.reversed_by)
				continue;
			if (*n == max)
				return fl_error_set(FL_ERANGE, "too many matches");
			out[(*n)++] = all[i];
		}
		return 0;
	}
	if (x.kind == FL_KIND_CONTRIBUTION && y.kind == FL_KIND_BANKLINE) {
		uint64_t t = a;
		a = b;
		b = t;
		x.kind = FL_KIND_BANKLINE;
		y.kind = FL_KIND_CONTRIBUTION;
	}
	if (x.kind == FL_KIND_BANKLINE && y.kind == FL_KIND_CONTRIBUTION) {
		if ((err = fl_store_bankmatch_of(l->store, a, 1, &found)) < 0)
			return err;
		if (found && (err = fl_store_ref_info(l->store, found, &m)) < 0)
			return err;
		if (found && m.ref2 == b && max > 0)
			out[(*n)++] = found;
		return 0;
	}
	return fl_error_set(FL_EINVALID, "entries %llu and %llu are not a contribution and a "
					 "pledge, nor a bank line and a contribution",
			    (unsigned long long)a, (unsigned long long)b);
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
	int err;
	if ((*seq = bp_by_idem(l, idem)) != 0)
		return 0;
	err = fl_store_find_idem(l->store, idem, seq);
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

void fl_entry_columns(fl_row *row, const fl_entry *e)
{
	memset(row, 0, sizeof(*row));
	row->seq = e->seq;
	row->kind = (int)e->kind;
	row->idem = e->idem;
	row->fund = e->fund[0] ? e->fund : NULL;
	row->donor = e->donor[0] ? e->donor : NULL;
	row->currency = e->currency[0] ? e->currency : NULL;
	row->date = e->date[0] ? e->date : NULL;
	row->amount_null = 1;
	row->amount2_null = 1;
	row->usd_null = 1;
	switch (e->kind) {
	case FL_KIND_CONTRIBUTION:
		/* Since store schema 3; NULL in rows an earlier schema wrote (verify allows it). */
		row->usd = e->usd;
		row->usd_null = 0;
		row->amount = e->amount;
		row->amount_null = 0;
		row->ref = e->pledge;
		break;
	case FL_KIND_PLEDGE:
	case FL_KIND_WRITEOFF:
		row->amount = e->amount;
		row->amount_null = 0;
		row->ref = e->pledge;
		break;
	case FL_KIND_RATE: break;
	case FL_KIND_REVERSAL: row->ref = e->target; break;
	case FL_KIND_MATCH:
		row->amount = e->amount;
		row->amount_null = 0;
		row->ref = e->pledge;
		row->ref2 = e->contribution;
		row->amount2 = e->settled;
		row->amount2_null = 0;
		row->usd = e->usd;
		row->usd_null = 0;
		break;
	case FL_KIND_STATEMENT: break;
	case FL_KIND_BANKLINE:
		row->amount = e->amount;
		row->amount_null = 0;
		row->ref = e->statement;
		row->amount2 = e->direction[0] == 'C' ? e->amount : -e->amount;
		row->amount2_null = 0;
		break;
	case FL_KIND_BANKMATCH:
		row->ref = e->line;
		row->ref2 = e->contribution;
		break;
	}
}

/* ---- backup ---- */

/* What a copy must agree on with its source: head, Merkle root, latest checkpoint (cp). */
static int backup_state(fl_store *s, fl_backup_result *out, fl_buf *cp)
{
	fl_tree_reader r;
	uint64_t cp_size = 0;
	int err;
	memset(out, 0, sizeof(*out));
	fl_buf_reset(cp);
	if ((err = fl_store_head(s, &out->entries, out->head)) < 0)
		return err;
	fl_tree_reader_init(&r, s);
	err = fl_merkle_root(fl_tree_node, &r, out->entries, out->root);
	fl_tree_reader_free(&r);
	if (err < 0)
		return err;
	err = fl_store_checkpoint_get(s, 0, &cp_size, cp);
	if (err == FL_ENOTFOUND) {
		fl_buf_reset(cp);
		err = 0;
	}
	return err;
}

/* The refusal to put a backup over an existing file without FL_BACKUP_FORCE. */
static int dest_exists(const char *dest)
{
	return fl_error_set(FL_EEXISTS, "%s already exists; give --force to replace it", dest);
}

/* Removes a temporary copy and whatever SQLite kept beside it. */
static void remove_copy(const char *path)
{
	static const char *const SIDE[] = {"", "-journal", "-wal", "-shm"};
	char p[4200];
	for (size_t i = 0; i < sizeof(SIDE) / sizeof(SIDE[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, SIDE[i]);
		(void)unlink(p);
	}
}

/* Puts the synced copy tmp in place at dest: never over a file unless `force`. */
static int publish(const char *tmp, const char *dest, int force)
{
	if (force) {
		if (rename(tmp, dest) != 0)
			goto failed;
		return 0;
	}
	/* link(2) fails if dest appeared since it was checked, where rename(2) would replace
	 * it; on a file system without hard links, fall back to checking again. */
	if (link(tmp, dest) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return dest_exists(dest);
	if (errno == EPERM || errno == ENOTSUP || errno == ENOSYS) {
		struct stat st;
		if (stat(dest, &st) == 0)
			return dest_exists(dest);
		if (rename(tmp, dest) != 0)
			goto failed;
		return 0;
	}
failed:
	return fl_error_set(FL_EIO, "backup to %s: putting the copy in place: %s", dest,
			    strerror(errno));
}

int fl_ledger_backup(fl_backup_result *out, fl_ledger *l, const char *dest, unsigned flags)
{
	char dir[4096], tmp[4200], side[4200];
	const char *slash = strrchr(dest, '/'), *base = slash ? slash + 1 : dest;
	struct stat st;
	fl_store *copy = NULL;
	fl_backup_result back;
	fl_buf cp = FL_BUF_INIT, cp_back = FL_BUF_INIT;
	mode_t mode = 0600;
	int fd, err = 0, made = 0, reading = 0;

	memset(out, 0, sizeof(*out));
	if (!*dest || strlen(dest) >= sizeof(dir) || !*base || !strcmp(base, ".") ||
	    !strcmp(base, ".."))
		return fl_error_set(FL_EINVALID, "'%.200s' does not name a file", dest);
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dest)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - dest), dest);
	if (stat(dest, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fl_error_set(FL_EINVALID, "%s is a directory; name the backup file",
					    dest);
		if (!(flags & FL_BACKUP_FORCE))
			return dest_exists(dest);
	}
	/* SQLite applies a log or journal it finds beside a database: one left there by a
	 * ledger in use, or one that crashed, would be applied to the backup. */
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", dest, i ? "-journal" : "-wal");
		if (lstat(side, &st) == 0)
			return fl_error_set(FL_EEXISTS, "%s exists (a ledger there is, or was, "
							"written to): SQLite would apply it to the "
							"backup; move it away first", side);
	}
	if (fl_store_in_transaction(l->store))
		return fl_error_set(FL_EINVALID, "a backup cannot be taken inside a batch");
	if (stat(fl_store_filename(l->store), &st) == 0)
		mode = st.st_mode & 0666;
	/* The copy is written beside dest, so that putting it in place is a rename. Until it
	 * is, messages name dest, not the temporary file, which is removed on failure. */
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, base);
	if ((fd = mkstemp(tmp)) < 0)
		return fl_error_set(FL_EIO, "%s: cannot write the backup there: %s", dir,
				    strerror(errno));
	made = 1;
	if (fchmod(fd, mode) != 0) {
		err = fl_error_set(FL_EIO, "backup to %s: setting the copy's permissions: %s", dest,
				   strerror(errno));
		close(fd);
		goto done;
	}
	close(fd);

	/* One read transaction: the state recorded and the pages copied are the same. */
	if ((err = fl_store_read_begin(l->store)) == 0) {
		reading = 1;
		if ((err = backup_state(l->store, out, &cp)) == 0)
			err = fl_store_backup(l->store, tmp);
	}
	if (err < 0) {
		fl_error_prefix("backup to %s: ", dest);
		goto done;
	}
	fl_store_read_end(l->store);
	reading = 0;

	/* Read the copy back as a ledger before it takes dest's name. */
	if ((err = fl_store_open(&copy, tmp, 1)) < 0 || (err = fl_store_check_file(copy, 0)) < 0 ||
	    (err = backup_state(copy, &back, &cp_back)) < 0) {
		fl_error_prefix("backup to %s: reading the copy back: ", dest);
		goto done;
	}
	fl_store_close(copy);
	copy = NULL;
	if (back.entries != out->entries || memcmp(back.head, out->head, FL_HASH_LEN) != 0 ||
	    memcmp(back.root, out->root, FL_HASH_LEN) != 0 || cp.len != cp_back.len ||
	    (cp.len && memcmp(cp.data, cp_back.data, cp.len) != 0)) {
		err = fl_error_set(FL_EVERIFY, "backup to %s: the copy does not read back as the "
					       "ledger did (%llu entries and their head, root and "
					       "checkpoint); nothing was put in place",
				   dest, (unsigned long long)out->entries);
		goto done;
	}
	if ((err = fl_file_sync(tmp)) < 0) {
		fl_error_prefix("backup to %s: syncing the copy: ", dest);
		goto done;
	}
	if ((err = publish(tmp, dest, (flags & FL_BACKUP_FORCE) != 0)) < 0)
		goto done;
	made = 0;
	/* dest is there and whole; only its name may not yet be on the disk. */
	if ((err = fl_file_sync_dir(dest)) < 0)
		err = fl_error_set(FL_EIO, "backup to %s: the backup was written, but syncing its "
					   "directory failed, so it may not survive a power loss: %s",
				   dest, fl_error_last());
done:
	if (reading)
		fl_store_read_end(l->store);
	fl_store_close(copy);
	if (made)
		remove_copy(tmp);
	fl_buf_free(&cp);
	fl_buf_free(&cp_back);
	if (err < 0)
		memset(out, 0, sizeof(*out));
	return err;
}

fl_store *fl_ledger_store(fl_ledger *l)
{
	return l->store;
}
