/*
 * report.h: the annual report of the Board of Trustees (Human Rights Council resolution
 * 18/18, paragraphs 8 and 14), computed from the ledger as it stood at a signed checkpoint.
 *
 * fl_report_compute reads the ledger at one checkpoint (the latest by default) and builds an
 * fl_report: every figure of the report, per fund and for the three funds together, with
 * the checkpoint it came from. fl_report_render writes it as HTML, Markdown, CSV tables or
 * JSON. docs/REPORT.md defines each figure; the rules in short:
 *   - a contribution counts in the year of its value date, in US dollars at the UN
 *     operational rate in force on that date (the figure the ledger recorded with it);
 *   - an entry that is reversed at the checkpoint never counts, whatever the reversal's date;
 *   - pledges are valued in US dollars at the rate in force on the pledge date;
 *   - pledge status, outstanding amounts, unmatched receipts and bank lines are those of the
 *     reconciliation (reconcile.h) as of 31 December of the year.
 * The same ledger state and options give the same report, byte for byte, in every format:
 * nothing depends on the clock, the locale or the order of hash tables.
 */
#ifndef FUNDLEDGER_REPORT_H
#define FUNDLEDGER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "date.h"
#include "error.h"
#include "ledger.h"
#include "note.h"
#include "reconcile.h"

/* Years in the contributions trend, the report's year last. */
#define FL_REPORT_TREND_YEARS 5
/* First and last year a report may cover: the Council sits from 2006. */
#define FL_REPORT_YEAR_MIN 2006
#define FL_REPORT_YEAR_MAX 9998

/* Rows of the contributions-by-group chart: the five UN regional groups, then States outside
 * them (the Holy See), then every donor that is not a State. */
typedef enum {
	FL_RGROUP_AFRICAN = 0,
	FL_RGROUP_ASIA_PACIFIC,
	FL_RGROUP_EASTERN_EUROPEAN,
	FL_RGROUP_LATIN_AMERICAN_CARIBBEAN,
	FL_RGROUP_WEOG,
	FL_RGROUP_NO_GROUP,
	FL_RGROUP_OTHER_DONORS,
	FL_RGROUP_COUNT
} fl_report_group;

/* "African Group", ..., "States outside the regional groups", "Other donors". */
const char *fl_report_group_name(fl_report_group g);

/* Pledge ages at 31 December: pledged that year, the year before, or earlier. */
typedef enum { FL_AGE_UNDER_1 = 0, FL_AGE_1_TO_2, FL_AGE_OVER_2, FL_AGE_COUNT } fl_report_age;

/* "under 1 year", "1-2 years", "over 2 years". */
const char *fl_report_age_name(fl_report_age a);

/* A donor, resolved against the configuration (name is the code when it is not listed). */
typedef struct {
	char code[FL_CODE_MAX + 1];
	const char *name;        /* borrowed from the configuration, or points at code */
	fl_donor_kind kind;      /* 0 when not in the configuration */
	fl_report_group group;
} fl_report_donor;

/* One contribution received in the year. */
typedef struct {
	uint64_t seq;
	char fund[FL_CODE_MAX + 1];
	size_t donor;            /* index into fl_report.donors */
	char currency[FL_CURRENCY_LEN + 1];
	int64_t amount;          /* minor units of currency */
	int64_t usd;             /* cents, at rate_used */
	uint64_t rate_used;      /* units per USD, millionths (FL_RATE_SCALE for USD) */
	char date[FL_DATE_LEN + 1];
	const char *bank_ref;    /* owned by the report (a test may point it at a literal) */
} fl_report_receipt;

/* A donor's line in the statement of contributions: its receipts are receipts[first ..
 * first + n), by date then seq. */
typedef struct {
	size_t donor;            /* index into fl_report.donors */
	int64_t usd;
	size_t first, n;
	int is_new;              /* no contribution to this scope dated before the year */
} fl_report_donor_total;

/* A pledge, with its state at 31 December. */
typedef struct {
	uint64_t seq;
	char fund[FL_CODE_MAX + 1];
	size_t donor;
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];      /* pledged */
	char next_due[FL_DATE_LEN + 1];  /* first instalment not covered; "" */
	char years[8 * FL_YEARS_MAX];    /* "2025" or "2025-2027" or "2024, 2026" */
	int64_t amount, paid, written_off, outstanding, overdue; /* currency */
	int usd_known;                   /* 0: no rate in force on the pledge date */
	int64_t usd, usd_outstanding;
	fl_pledge_status status;
	fl_report_age age;
} fl_report_pledge;

/* A receipt that was not wholly applied to pledges at 31 December. */
typedef struct {
	uint64_t seq;
	char fund[FL_CODE_MAX + 1];
	size_t donor;
	char currency[FL_CURRENCY_LEN + 1];
	char date[FL_DATE_LEN + 1];
	int64_t unapplied;       /* currency */
	fl_match_rule rule;      /* what reconcile would do: a proposal, ambiguous or none */
	char reason[160];
} fl_report_unmatched;

/* A bank line (or a contribution) that is not reconciled at 31 December. */
typedef struct {
	fl_bank_class cls;
	uint64_t line, contribution;
	char currency[FL_CURRENCY_LEN + 1];
	int64_t line_amount, ledger_amount;
	char date[FL_DATE_LEN + 1];      /* the line's value date, or the contribution's */
	char ref[FL_BANKREF_MAX + 1];
	char debtor[FL_BANKTEXT_MAX + 1];
	char reason[160];
} fl_report_bankline;

/* One part of the report: a fund, or the three funds together (fund == NULL). Arrays are
 * owned by the report. */
typedef struct {
	const fl_fund *fund;

	/* Summary. USD cents. */
	int64_t received_usd;           /* contributions dated in the year */
	int64_t previous_usd;           /* ... in the year before */
	uint64_t receipts;              /* how many */
	int64_t trend_usd[FL_REPORT_TREND_YEARS];  /* year-4 .. year */
	int64_t group_usd[FL_RGROUP_COUNT];        /* the year's, by donor group */
	uint64_t group_donors[FL_RGROUP_COUNT];
	size_t n_new_donors;

	/* Statement of contributions: donors by USD total, largest first (ties by code). */
	fl_report_donor_total *donors;
	size_t n_donors;
	fl_report_receipt *receipts_list; /* grouped by donor, in the order of donors */
	size_t n_receipts;

	/* Pledges made in the year (by date, then seq), and their USD total (those with a rate). */
	fl_report_pledge *made;
	size_t n_made;
	int64_t made_usd;
	uint64_t made_without_rate;

	/* Pledges with something outstanding at 31 December, oldest first. */
	fl_report_pledge *outstanding;
	size_t n_outstanding;
	int64_t outstanding_usd;        /* those with a rate */
	uint64_t outstanding_without_rate;
	int64_t aged_usd[FL_AGE_COUNT];
	uint64_t aged_n[FL_AGE_COUNT];
	uint64_t overdue_n;
	int64_t overdue_usd;            /* outstanding USD of the overdue ones */

	/* Paragraph 14: States (donor indexes) that did not contribute in the year, and those
	 * that never contributed up to 31 December; each by group, then by name. */
	size_t *not_in_year;
	size_t n_not_in_year;
	size_t *never;
	size_t n_never;
	size_t n_states;                /* States in the configuration */

	/* Reconciliation at 31 December, each list by date. */
	fl_report_unmatched *unmatched;
	size_t n_unmatched;
	fl_report_bankline *bank;
	size_t n_bank;
	uint64_t statements, lines, lines_matched;
} fl_report_section;

/* Who signed the checkpoint, verified against the configuration's keys. */
typedef struct {
	char name[FL_KEY_NAME_MAX + 1];
	char role[16];                  /* "treasurer" or "auditor" */
	char key_hash[9];               /* the key's 4-byte id, hex */
} fl_report_signer;

#define FL_REPORT_SIGNERS_MAX FL_NOTE_MAX_SIGS

typedef struct {
	int year;
	unsigned session;               /* Human Rights Council session the report goes to */
	char scope[FL_CODE_MAX + 1];    /* a fund code, or "all" */
	char origin[FL_ORIGIN_LEN_MAX + 1];
	char generated[FL_DATE_LEN + 1];  /* the report's date */
	char ledger_time[FL_TIME_LEN + 1]; /* when the checkpoint's last entry was recorded */

	/* The checkpoint the figures come from. */
	uint64_t size;
	unsigned char root[FL_HASH_LEN];
	char *checkpoint;               /* the signed note, with its cosignatures */
	fl_report_signer signers[FL_REPORT_SIGNERS_MAX];
	size_t n_signers;

	/* Donors named by the report: every donor of the configuration, in its order, then any
	 * code the ledger holds that the configuration does not list. */
	fl_report_donor *donors;
	size_t n_donors;

	/* Sections: for "all", the three funds together, then each fund in the order of
	 * funds.yaml (fl_fund.listed); for one fund, that fund. */
	fl_report_section *sections;
	size_t n_sections;

	const fl_narrative *narrative;  /* borrowed from the options; may be NULL */
	char narrative_name[256];       /* the narrative file's base name, for the command */
	int date_given;                 /* the options named the report's date */
	const fl_config *cfg;           /* borrowed */
	void *strings;                  /* owned: where the receipts' bank references live */
} fl_report;

typedef struct {
	int year;
	const char *fund;               /* a fund code; NULL or "all": all three */
	uint64_t at_checkpoint;         /* 0: the latest signed checkpoint */
	const char *generated;          /* YYYY-MM-DD; NULL: the date of ledger_time */
	const fl_narrative *narrative;  /* may be NULL; must outlive the report */
} fl_report_options;

/*
 * Computes the report. l needs a configuration. The checkpoint's signatures are verified
 * against the configuration's keys (at least one treasurer signature) and its root against
 * the ledger's tree; a ledger newer than the checkpoint is read as it stood at the
 * checkpoint. *out owns a new report. 0, FL_EINVALID (a bad option), FL_ENOTFOUND (an
 * unknown fund, no such checkpoint), FL_EVERIFY (the checkpoint does not verify), database
 * and memory errors.
 */
int fl_report_compute(fl_report **out, fl_ledger *l, const fl_report_options *opt) FL_WARN_UNUSED;

void fl_report_free(fl_report *r);

typedef enum {
	FL_REPORT_HTML = 1,
	FL_REPORT_MD,
	FL_REPORT_CSV,
	FL_REPORT_JSON
} fl_report_format;

/* Parses "html", "md", "csv" or "json"; 0 or FL_EINVALID. */
int fl_report_format_parse(fl_report_format *out, const char *s) FL_WARN_UNUSED;

/* Writes the report as one HTML, Markdown or JSON document. 0 or FL_ENOMEM. */
int fl_report_render(fl_buf *out, const fl_report *r, fl_report_format fmt) FL_WARN_UNUSED;

/*
 * The same document handed to sink in order, in pieces of about FL_REPORT_PIECE bytes, so that
 * a large report is never held whole (the HTML of a 1M-entry ledger's year is 19 MB). The
 * pieces joined are byte for byte what fl_report_render writes. sink returns 0 or a negative
 * code, which stops the writing and is returned. 0, FL_ENOMEM or the sink's code.
 */
#define FL_REPORT_PIECE 65536
typedef int (*fl_report_sink)(void *ctx, const unsigned char *data, size_t len);
int fl_report_stream(const fl_report *r, fl_report_format fmt, fl_report_sink sink,
		     void *ctx) FL_WARN_UNUSED;

/* The CSV tables, one file each (docs/REPORT.md lists them). */
typedef struct {
	char name[64];                  /* a file name, e.g. "contributions.csv" */
	fl_buf data;
} fl_report_table;

/* Writes every CSV table into *out (n_out of them); free with fl_report_tables_free. */
int fl_report_csv(fl_report_table **out, size_t *n_out, const fl_report *r) FL_WARN_UNUSED;
void fl_report_tables_free(fl_report_table *t, size_t n);

/*
 * Appends the command that reproduces the report from its checkpoint, byte for byte:
 * "fundledger report --year Y --fund F --at-checkpoint N [--narrative NAME] [--date D]
 * --format FMT --out report-Y-F.EXT". The output name is fixed, so that the report does not
 * depend on where it was written. 0 or FL_ENOMEM.
 */
int fl_report_command(fl_buf *out, const fl_report *r, fl_report_format fmt) FL_WARN_UNUSED;

/* "html", "md", "csv", "json". */
const char *fl_report_format_name(fl_report_format fmt);

#endif
