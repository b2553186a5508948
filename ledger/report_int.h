/*
 * report_int.h: what the report's writers share (private to the library).
 *
 * report.c computes the report; report_json.c writes JSON, report_html.c HTML, and
 * report_text.c Markdown and the CSV tables. The helpers below give every format the same words and
 * the same figures: a number formatted once is formatted the same way everywhere.
 */
#ifndef FUNDLEDGER_REPORT_INT_H
#define FUNDLEDGER_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fundledger/buf.h"
#include "fundledger/report.h"

/* Large enough for any formatted amount, change or ordinal below. */
#define FL_REPORT_STR_MAX 64

/*
 * Where a writer puts its document: out, which fl_report_spill hands to sink (when there is
 * one) and empties each time it holds FL_REPORT_PIECE bytes or more.
 */
typedef struct {
	fl_buf *out;
	fl_report_sink sink;
	void *ctx;
} fl_report_dest;

/* Hands out to the sink once it holds at least FL_REPORT_PIECE bytes (any bytes when
 * all is set). 0 or the sink's code. */
int fl_report_spill(const fl_report_dest *d, int all) FL_WARN_UNUSED;

/* The writers of each format, into d (spilled as they go). 0, FL_ENOMEM or the sink's code. */
int fl_report_html(const fl_report_dest *d, const fl_report *r) FL_WARN_UNUSED;
int fl_report_md(const fl_report_dest *d, const fl_report *r) FL_WARN_UNUSED;
int fl_report_json(const fl_report_dest *d, const fl_report *r) FL_WARN_UNUSED;

/* "United Nations Voluntary Fund for ..." for a fund section, "The three voluntary funds" for
 * the consolidated one. */
const char *fl_report_section_title(const fl_report_section *s);
/* The fund code of a section, or "all". */
const char *fl_report_section_code(const fl_report_section *s);

/* A donor's name (the configuration's UN short name, or its code). */
const char *fl_report_donor_name(const fl_report *r, size_t donor);

/* US dollar cents as "1,234,567.89" (a minus sign first when negative). */
void fl_report_usd(char out[FL_REPORT_STR_MAX], int64_t cents);
/* An amount in its currency's minor units, "1,234,567.89" (JPY "1,234,567"; KWD "1.250");
 * the currency's minor units come from the configuration (2 when it is not listed). */
void fl_report_amount(char out[FL_REPORT_STR_MAX], const fl_report *r, const char *currency,
		      int64_t amount);
/* A rate in millionths as "0.9627" (trailing zeros dropped, at least one decimal). */
void fl_report_rate(char out[FL_REPORT_STR_MAX], uint64_t rate);
/*
 * The change from prev to cur in tenths of a percent, rounded half to even: "+12.3%",
 * "-4.0%", "0.0%"; "n/a" when prev is 0. *permille receives the figure (0 when n/a) and
 * *known whether there is one.
 */
void fl_report_change(char out[FL_REPORT_STR_MAX], int64_t cur, int64_t prev, int64_t *permille,
		      int *known);
/* The session in words, UN style: 61 -> "sixty-first". */
void fl_report_ordinal(char out[FL_REPORT_STR_MAX], unsigned n);
/* A date "2025-12-31" as "31 December 2025". */
void fl_report_date_long(char out[FL_REPORT_STR_MAX], const char *date);

/* "Verify, then reproduce": the commands of the integrity statement (one per line, no
 * trailing newline), for a report written as fmt. */
int fl_report_integrity_commands(fl_buf *out, const fl_report *r,
				 fl_report_format fmt) FL_WARN_UNUSED;

/* The checkpoint's root as hex (65 bytes with the NUL). */
void fl_report_root_hex(char out[FL_HASH_HEX_LEN + 1], const fl_report *r);

#endif
