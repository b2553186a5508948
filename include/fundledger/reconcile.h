/*
 * reconcile.h: pledges against contributions, and the bank against the ledger, at a date.
 *
 * The engine reads the ledger as of a date (pledges, contributions and write-offs dated on or
 * before it; reversals always count, since a reversal says the entry should never have been)
 * and reports, in this order:
 *   - every pledge with its status and amounts, in its currency and in US dollars;
 *   - proposed matches of receipts not yet applied to pledges, by the rules of
 *     docs/RECONCILE.md, and the receipts it cannot place (ambiguous, or matching no pledge);
 *   - the bank reconciliation: statement lines against recorded contributions.
 * Pledges are streamed to the caller; only open items (pledges with something outstanding,
 * receipts not wholly applied, unmatched bank lines) are held in memory.
 *
 * All amounts are integer minor units; USD amounts are cents. Nothing here writes, except
 * fl_reconcile_apply, which records the unambiguous proposals as match and bankmatch entries
 * in one batch.
 */
#ifndef FUNDLEDGER_RECONCILE_H
#define FUNDLEDGER_RECONCILE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "date.h"
#include "entry.h"
#include "error.h"
#include "ledger.h"

/* Cross-currency receipts count as the exact amount of a pledge within this many basis points. */
#define FL_RECONCILE_FX_TOLERANCE_BP 200
/* A bank line and a contribution of the same amount match when their value dates are this
 * many days apart or less. */
#define FL_RECONCILE_BANK_WINDOW_DAYS 7
/* The most pledges one receipt may be split across by a proposal. */
#define FL_RECONCILE_SPLIT_MAX 16

typedef struct {
	const char *fund;  /* NULL: every fund */
	const char *donor; /* NULL: every donor */
	char as_of[FL_DATE_LEN + 1];
	/* NULL, or a date: pledges dated before it that are reversed, or covered by what was
	 * paid and written off, are left out altogether (not counted in the totals, not given
	 * to the visitor). For the annual report, which needs only the year's pledges and those
	 * still open: it saves the work on years of settled history. */
	const char *settled_before;
} fl_reconcile_options;

typedef enum {
	FL_PLEDGE_OPEN = 1,      /* nothing paid, nothing due yet */
	FL_PLEDGE_PARTIAL,       /* something paid, the rest not due yet */
	FL_PLEDGE_PAID,          /* paid exactly */
	FL_PLEDGE_OVERPAID,      /* paid more than pledged */
	FL_PLEDGE_OVERDUE,       /* an instalment's due date has passed and it is not paid */
	FL_PLEDGE_WRITTEN_OFF,   /* what was not paid is written off */
	FL_PLEDGE_REVERSED       /* cancelled; left out of every total */
} fl_pledge_status;

/* "open", "partially paid", "paid", "overpaid", "overdue", "written off", "reversed". */
const char *fl_pledge_status_name(fl_pledge_status s);

typedef struct {
	uint64_t seq;
	const fl_entry *pledge;   /* the pledge entry, borrowed for the callback */
	fl_pledge_status status;
	uint64_t reversed_by;
	char next_due[FL_DATE_LEN + 1]; /* due date of the first instalment not covered; "" */
	/* Pledge currency. pledged = paid + written_off + outstanding; outstanding < 0 is an
	 * overpayment. overdue <= outstanding is what has fallen due and is not covered. */
	int64_t pledged, paid, written_off, outstanding, overdue;
	/* US dollars at the rate in force on the pledge date (usd_known = 0 when there was none):
	 * the same identity holds. usd_received is what the receipts applied were worth at
	 * their value dates; fx_difference = usd_received - usd_paid is the realised exchange
	 * difference. */
	int usd_known;
	uint64_t pledge_rate;
	int64_t usd_pledged, usd_paid, usd_written_off, usd_outstanding;
	int64_t usd_received, fx_difference;
	uint64_t matches; /* standing matches applied to it */
} fl_pledge_report;

typedef enum {
	FL_RULE_NAMED = 1, /* the contribution names the pledge */
	FL_RULE_EXACT,     /* one open pledge whose outstanding amount it equals */
	FL_RULE_SEVERAL,   /* it equals the outstanding amounts of the oldest open pledges together */
	FL_RULE_ONLY,      /* the one open pledge of the donor to the fund */
	FL_RULE_AMBIGUOUS, /* several pledges fit equally: not applied */
	FL_RULE_NONE       /* no open pledge fits: an unpledged receipt */
} fl_match_rule;

const char *fl_match_rule_name(fl_match_rule r);

/* A proposal for one receipt: apply amounts[i] of it to pledges[i]. */
typedef struct {
	uint64_t contribution;
	const char *fund, *donor, *currency, *date; /* borrowed for the callback */
	int64_t amount;    /* what of the contribution is not yet applied */
	fl_match_rule rule;
	size_t n;          /* pledges proposed, or candidates when ambiguous */
	uint64_t pledges[FL_RECONCILE_SPLIT_MAX];
	int64_t amounts[FL_RECONCILE_SPLIT_MAX];   /* contribution currency */
	int64_t settles[FL_RECONCILE_SPLIT_MAX];   /* pledge currency */
	char reason[160];
} fl_proposal;

typedef enum {
	FL_BANK_PROPOSED = 1, /* a line and a contribution that match; not yet confirmed */
	FL_BANK_AMBIGUOUS,    /* a credit line that several contributions fit */
	FL_BANK_ONLY,         /* a credit line with no contribution */
	FL_LEDGER_ONLY,       /* a contribution in a period statements cover, with no line */
	FL_BANK_DIFFERENCE,   /* a matched (or proposed) pair whose amount or value date differ */
	FL_BANK_OTHER         /* a debit or a bank reversal: not a contribution */
} fl_bank_class;

const char *fl_bank_class_name(fl_bank_class c);

typedef struct {
	fl_bank_class cls;
	uint64_t line;         /* 0 for FL_LEDGER_ONLY */
	uint64_t contribution; /* 0 when none */
	uint64_t bankmatch;    /* the confirming entry, for a confirmed pair */
	char currency[FL_CURRENCY_LEN + 1];
	int64_t line_amount;   /* signed: debits negative */
	int64_t ledger_amount;
	char line_date[FL_DATE_LEN + 1];
	char ledger_date[FL_DATE_LEN + 1];
	char ref[FL_BANKREF_MAX + 1];
	char debtor[FL_BANKTEXT_MAX + 1];
	char donor[FL_CODE_MAX + 1];
	char reason[160];
} fl_bank_item;

/* Totals in one currency (pledge currency for pledges, receipt currency for receipts). */
typedef struct {
	char currency[FL_CURRENCY_LEN + 1];
	int64_t pledged, paid, written_off, outstanding, overdue;
	int64_t received, applied, unapplied;
	uint64_t pledges;
} fl_currency_totals;

#define FL_RECONCILE_CURRENCIES_MAX 64

typedef struct {
	char as_of[FL_DATE_LEN + 1];
	fl_currency_totals ccy[FL_RECONCILE_CURRENCIES_MAX]; /* sorted by code */
	size_t n_ccy;
	/* US dollars: pledges at their pledge-date rates (those with one), receipts at theirs. */
	int64_t usd_pledged, usd_paid, usd_written_off, usd_outstanding, usd_overdue;
	int64_t usd_received_applied, fx_difference, usd_unapplied;
	uint64_t pledges_without_rate;
	uint64_t by_status[FL_PLEDGE_REVERSED + 1];
	uint64_t proposals, ambiguous, unpledged;
	uint64_t statements, lines, bank_matched, bank_proposed, bank_ambiguous, bank_only,
		ledger_only, bank_differences, bank_other;
	/* Items that need a decision: proposals not applied, ambiguous receipts and lines, bank
	 * lines without contribution, contributions without line, differences. */
	uint64_t discrepancies;
} fl_reconcile_totals;

/* A contribution dated on or before the as-of date, as the engine reads it (every fund and
 * donor, reversed or not). Strings are borrowed for the callback. */
typedef struct {
	uint64_t seq;
	const char *fund, *donor, *currency, *date;
	int64_t amount;
	int64_t usd;    /* the US dollar value recorded with it, when usd_known */
	int usd_known;  /* 0 in rows an earlier store schema wrote: read the entry's bytes */
	int standing;   /* 0 when reversed */
} fl_receipt_info;

typedef struct {
	int (*pledge)(void *ctx, const fl_pledge_report *p);
	int (*proposal)(void *ctx, const fl_proposal *p); /* also ambiguous and unpledged */
	int (*bank)(void *ctx, const fl_bank_item *b);
	void *ctx;
	/* Called for every contribution, in seq order, before any pledge (the annual report
	 * takes its receipts from this pass). */
	int (*contribution)(void *ctx, const fl_receipt_info *c);
} fl_reconcile_visitor;

/*
 * Runs the reconciliation and calls v's callbacks (any may be NULL) in the order above; a
 * callback returning a negative code stops it with that code. l needs a configuration.
 * 0, FL_EINVALID (a bad date), FL_ENOTFOUND (an unknown fund or donor), database and memory
 * errors.
 */
int fl_reconcile(fl_reconcile_totals *out, fl_ledger *l, const fl_reconcile_options *opt,
		 const fl_reconcile_visitor *v) FL_WARN_UNUSED;

typedef struct {
	uint64_t matches;    /* match entries appended */
	uint64_t bankmatches;
	uint64_t first, last; /* seqs appended; 0 when none */
} fl_apply_result;

/*
 * Records every unambiguous proposal (pledge matches and bank matches) as entries, in one
 * batch stamped with recorded_by and recorded_at, signed by the ledger's signer. Applying
 * twice changes nothing the second time. 0 or the codes of fl_reconcile and fl_ledger_append.
 */
int fl_reconcile_apply(fl_apply_result *out, fl_ledger *l, const fl_reconcile_options *opt,
		       const char *recorded_by, const char *recorded_at) FL_WARN_UNUSED;

#endif
