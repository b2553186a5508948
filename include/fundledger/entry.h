/*
 * entry.h: ledger entries and their canonical byte encoding (format v2, docs/FORMAT.md).
 *
 * The canonical bytes are the only thing hashed, chained, signed and stored as truth; every
 * other representation (SQL columns, CSV, JSON) is derived from them. An encoding is:
 *
 *   "FLE" version:u8 kind:u8 { tag:u8 len:u16be value[len] }*
 *
 * where version is 1 for the kinds format v1 defined (pledge to writeoff), whose bytes are
 * unchanged, and 2 for the kinds format v2 added (match to bankmatch).
 * with tags strictly increasing, each field required or forbidden by kind, and every value in
 * its one canonical form. fl_entry_decode rejects anything that fl_entry_encode would not have
 * produced, so bytes <-> entry is a bijection.
 */
#ifndef FUNDLEDGER_ENTRY_H
#define FUNDLEDGER_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "date.h"
#include "error.h"

#include "statement.h"

/* The newest format this code reads and writes. */
#define FL_FORMAT_VERSION 2
/* Free text (earmark, reasons, references): 1 to FL_TEXT_MAX bytes of UTF-8, no controls. */
#define FL_TEXT_MAX 512
/* Who recorded an entry. */
#define FL_NAME_MAX 64
/* Idempotency keys. */
#define FL_IDEM_MAX 128
/* Years one pledge may cover. */
#define FL_YEARS_MAX 16

typedef enum {
	FL_KIND_PLEDGE = 1,
	FL_KIND_CONTRIBUTION = 2,
	FL_KIND_RATE = 3,
	FL_KIND_REVERSAL = 4,
	FL_KIND_WRITEOFF = 5,
	/* Format v2. */
	FL_KIND_MATCH = 6,     /* applies (part of) a contribution to a pledge */
	FL_KIND_STATEMENT = 7, /* a bank statement: account, period, balances, line count */
	FL_KIND_BANKLINE = 8,  /* one booked line of the statement just before it */
	FL_KIND_BANKMATCH = 9  /* confirms that a bank line is a recorded contribution */
} fl_kind;
#define FL_KIND_MIN FL_KIND_PLEDGE
#define FL_KIND_MAX FL_KIND_BANKMATCH
/* The last kind of format v1: kinds up to it carry version byte 1. */
#define FL_KIND_MAX_V1 FL_KIND_WRITEOFF

/* Field tags of format v1 (docs/FORMAT.md has the table of which kind takes which). */
enum {
	FL_TAG_SEQ = 0x01,
	FL_TAG_RECORDED_AT = 0x02,
	FL_TAG_RECORDED_BY = 0x03,
	FL_TAG_IDEM = 0x04,
	FL_TAG_PREV = 0x05,
	/* 0x10..0x2f: the content a user gives; the derived idempotency key hashes these. */
	FL_TAG_FUND = 0x10,
	FL_TAG_DONOR = 0x11,
	FL_TAG_CURRENCY = 0x12,
	FL_TAG_AMOUNT = 0x13,
	FL_TAG_DATE = 0x14,
	FL_TAG_DUE = 0x15,
	FL_TAG_YEARS = 0x16,
	FL_TAG_EARMARK = 0x17,
	FL_TAG_DONOR_REF = 0x18,
	FL_TAG_ANNOUNCEMENT = 0x19,
	FL_TAG_BANK_REF = 0x1a,
	FL_TAG_PLEDGE = 0x1b,
	FL_TAG_RATE = 0x1c,
	FL_TAG_TARGET = 0x1d,
	FL_TAG_REASON = 0x1e,
	/* Format v2. */
	FL_TAG_CONTRIBUTION = 0x1f,
	FL_TAG_ACCOUNT = 0x20,
	FL_TAG_STATEMENT_ID = 0x21,
	FL_TAG_FROM = 0x22,
	FL_TAG_OPENING = 0x23,
	FL_TAG_CLOSING = 0x24,
	FL_TAG_LINES = 0x25,
	FL_TAG_STATEMENT = 0x26,
	FL_TAG_DIRECTION = 0x27,
	FL_TAG_BOOKED = 0x28,
	FL_TAG_ENTRY_REF = 0x29,
	FL_TAG_END_TO_END = 0x2a,
	FL_TAG_DEBTOR = 0x2b,
	FL_TAG_REMITTANCE = 0x2c,
	FL_TAG_BANK_REVERSAL = 0x2d,
	FL_TAG_LINE = 0x2e,
	/* 0x30..: what the ledger derives when it records the entry. */
	FL_TAG_USD = 0x30,
	FL_TAG_RATE_USED = 0x31,
	FL_TAG_RATE_SEQ = 0x32,
	FL_TAG_SETTLED = 0x33,
	FL_TAG_SETTLE_RATE = 0x34,
	FL_TAG_SETTLE_RATE_SEQ = 0x35
};

/* The most lines one statement may hold. */
#define FL_LINES_MAX UINT64_C(100000000)

/*
 * One entry, decoded. Strings are NUL-terminated and "" when absent; numbers are 0 when
 * absent. Which fields a kind uses:
 *   pledge:       fund donor currency amount date(pledged) years [due earmark donor_ref
 *                 announcement]
 *   contribution: fund donor currency amount date(value) bank_ref [pledge]
 *                 + derived usd rate_used [rate_seq, absent for USD]
 *   rate:         currency rate date(effective)
 *   reversal:     target reason
 *   writeoff:     fund donor currency amount date pledge reason (fund, donor and currency are
 *                 the pledge's)
 *   match:        fund donor currency amount pledge reason contribution (fund, donor and
 *                 currency are the contribution's; amount is the part of it applied)
 *                 + derived usd rate_used settled [settle_rate settle_rate_seq]
 *   statement:    currency date(last day) account statement_id from opening closing lines
 *   bankline:     currency amount date(value) bank_ref statement direction booked
 *                 [entry_ref end_to_end debtor remittance bank_reversal]
 *   bankmatch:    reason contribution line
 * and every kind: seq recorded_at recorded_by idem prev.
 */
typedef struct {
	fl_kind kind;
	uint64_t seq;                       /* 1, 2, 3, ... */
	char recorded_at[FL_TIME_LEN + 1];  /* UTC */
	char recorded_by[FL_NAME_MAX + 1];
	char idem[FL_IDEM_MAX + 1];
	unsigned char prev[FL_HASH_LEN]; /* hash of entry seq-1; zeros for seq 1 */

	char fund[FL_CODE_MAX + 1];
	char donor[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	int64_t amount; /* minor units of currency, > 0 */
	char date[FL_DATE_LEN + 1];
	char due[FL_DATE_LEN + 1];
	uint16_t years[FL_YEARS_MAX];
	size_t n_years;
	char earmark[FL_TEXT_MAX + 1];
	char donor_ref[FL_TEXT_MAX + 1];
	char announcement[FL_TEXT_MAX + 1];
	char bank_ref[FL_TEXT_MAX + 1];
	uint64_t pledge; /* seq of a pledge */
	uint64_t rate;   /* rate entry: units per USD, millionths */
	uint64_t target; /* seq of the reversed entry */
	char reason[FL_TEXT_MAX + 1];
	uint64_t contribution;                   /* match, bankmatch: seq of a contribution */
	char account[FL_ACCOUNT_MAX + 1];        /* statement */
	char statement_id[FL_BANKREF_MAX + 1];   /* statement: the bank's id */
	char from[FL_DATE_LEN + 1];              /* statement: first day covered */
	int64_t opening;                         /* statement: signed minor units */
	int64_t closing;
	uint64_t lines;                          /* statement: how many bankline entries follow */
	uint64_t statement;                      /* bankline: seq of its statement */
	char direction[2];                       /* bankline: "C" credit or "D" debit */
	char booked[FL_DATE_LEN + 1];            /* bankline: booking date */
	char entry_ref[FL_BANKREF_MAX + 1];      /* bankline, optional */
	char end_to_end[FL_BANKREF_MAX + 1];     /* bankline, optional */
	char debtor[FL_BANKTEXT_MAX + 1];        /* bankline, optional */
	char remittance[FL_BANKTEXT_MAX + 1];    /* bankline, optional */
	uint64_t bank_reversal;                  /* bankline: 1 when the bank marks a reversal */
	uint64_t line;                           /* bankmatch: seq of a bankline */

	int64_t usd;        /* contribution: USD cents at rate_used; match: of the part applied */
	uint64_t rate_used; /* contribution: millionths; FL_RATE_SCALE for USD */
	uint64_t rate_seq;  /* contribution: seq of the rate entry used; 0 for USD */
	int64_t settled;    /* match: the part applied, in the pledge's currency */
	uint64_t settle_rate;     /* match across currencies: pledge currency per USD */
	uint64_t settle_rate_seq; /* ... and its rate entry (0 when the pledge is in USD) */
} fl_entry;

/* The version byte entries of `kind` carry: 1 for kinds of format v1, 2 for the others. */
unsigned fl_kind_version(fl_kind kind);

/* Resets every field to absent. */
void fl_entry_init(fl_entry *e);

/* "pledge", "contribution", "rate", "reversal", "writeoff", "match", "statement",
 * "bankline", "bankmatch"; "?" for anything else. */
const char *fl_kind_name(fl_kind kind);
/* Parses a kind name; 0 or FL_EINVALID. */
int fl_kind_parse(fl_kind *out, const char *s);

/*
 * Appends the canonical bytes of e to out. Checks that e is well formed for its kind (required
 * fields present, forbidden ones absent, values in range); does not check references against a
 * ledger or codes against a configuration. 0, FL_EINVALID or FL_ENOMEM.
 */
int fl_entry_encode(fl_buf *out, const fl_entry *e) FL_WARN_UNUSED;

/*
 * Decodes canonical bytes into *out. Rejects a bad magic or version, unknown kinds or tags,
 * tags out of order or repeated, wrong lengths, non-canonical values, missing or forbidden
 * fields and trailing bytes. 0 or FL_ECORRUPT; after a failure *out holds no meaning.
 */
int fl_entry_decode(fl_entry *out, const void *p, size_t n) FL_WARN_UNUSED;

/*
 * The content digest: SHA-256 of "FLE" 0x01 kind followed by the fields with tags 0x10 to
 * 0x2f, i.e. what the user gave, without the header and derived fields.
 */
int fl_entry_content_digest(unsigned char out[FL_HASH_LEN], const fl_entry *e) FL_WARN_UNUSED;

/* The derived idempotency key: "auto-" followed by the hex content digest. */
int fl_entry_auto_idem(char out[FL_IDEM_MAX + 1], const fl_entry *e) FL_WARN_UNUSED;

/* 0 when a client-given idempotency key is acceptable (printable, not all digits). */
int fl_idem_check(const char *s) FL_WARN_UNUSED;

/* 0 when s[0..len) is valid UTF-8 (no overlongs or surrogates) without control characters. */
int fl_utf8_check(const char *s, size_t len) FL_WARN_UNUSED;

/*
 * The length in bytes (1 to 4) of the well-formed UTF-8 character, control characters
 * included, that starts s (len > 0 bytes left), or 0 when s does not start with one: for
 * writers that must pass on text they did not check (a file name from the command line).
 */
int fl_utf8_char(const char *s, size_t len) FL_WARN_UNUSED;

/*
 * Parses the years a pledge covers into e->years: "2026", a range "2026-2028", or a list
 * "2026;2027;2029" (increasing). 0 or FL_EINVALID.
 */
int fl_years_parse(fl_entry *e, const char *s) FL_WARN_UNUSED;

/* 0 when s is acceptable free text (valid UTF-8, no control characters, 1..max bytes). */
int fl_text_check(const char *s, size_t len, size_t max) FL_WARN_UNUSED;

#endif
