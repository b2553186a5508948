/*
 * util.c: helpers shared by the commands: error reporting and exit codes, option value
 * parsers, and the text, CSV and JSON writers for entries. The field names of the CSV and
 * JSON forms are stable and documented in docs/OUTPUT.md; every JSON object has every key,
 * in that order, with null where the entry has no value.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tty.h"

int cli_exit_code(int code)
{
	switch (code) {
	case FL_OK: return EXIT_OK;
	case FL_EVERIFY: return EXIT_CHECK;
	case FL_EINVALID:
	case FL_ENOTFOUND:
	case FL_EEXISTS:
	case FL_ERANGE: return EXIT_USAGE;
	default: return EXIT_RUNTIME;
	}
}

/* "fundledger: ", after the progress line is erased; in bold red on a colour terminal. */
static void error_prefix(void)
{
	cli_progress_end();
	fprintf(stderr, "%sfundledger:%s ", cli_sgr(stderr, CLI_SGR_BOLD_RED),
		cli_sgr(stderr, CLI_SGR_RESET));
}

int cli_fail(int code)
{
	error_prefix();
	fprintf(stderr, "%s\n", fl_error_last());
	return cli_exit_code(code);
}

int cli_usage_error(const char *fmt, ...)
{
	char msg[FL_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Through the error record, whose guard makes what the user typed safe to print. */
	fl_error_set(FL_EINVALID, "%s", msg);
	error_prefix();
	fprintf(stderr, "%s\n", fl_error_last());
	return EXIT_USAGE;
}

int cli_bad_option(int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	return cli_usage_error("%s: bad option '%.60s' (unknown, or missing its value); see "
			       "'fundledger help %s'",
			       argv[0], arg, argv[0]);
}

void cli_print_usage(FILE *f, const cli_command *c)
{
	fprintf(f,
		"usage: fundledger [-c CONFIG] [-d LEDGER] [-u USER] [-k KEYFILE] "
		"[--passphrase-file FILE] %s %s\n\n%s\n",
		c->name, c->usage, c->summary);
}

int cli_finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "fundledger: error writing output: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cli_amount(const cli_ctx *ctx, int64_t *out, const char *s, const char *currency)
{
	const fl_currency *c = fl_config_currency(ctx->cfg, currency);
	int err;
	if (!c)
		return fl_error_set(FL_ENOTFOUND, "unknown currency '%.8s'", currency);
	if ((err = fl_money_parse(out, s, strlen(s), c->minor_units)) < 0)
		return err;
	if (*out == 0)
		return fl_error_set(FL_EINVALID, "amount must be more than zero");
	return 0;
}

int cli_text(char *dst, size_t cap, const char *s, const char *what)
{
	size_t n = strlen(s);
	if (fl_text_check(s, n, cap - 1) < 0)
		return fl_error_prefix("%s: ", what);
	memcpy(dst, s, n + 1);
	return 0;
}

int cli_date(char *dst, const char *s, const char *what)
{
	if (fl_date_check(s, strlen(s)) < 0)
		return fl_error_set(FL_EINVALID, "%s '%.40s' is not a real date (YYYY-MM-DD)", what, s);
	memcpy(dst, s, FL_DATE_LEN + 1);
	return 0;
}

int cli_seq(cli_ctx *ctx, uint64_t *out, const char *s, const char *what)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return fl_error_set(FL_EINVALID, "%s '%.40s' is too large", what, s);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i > 0 && s[i] == 0) {
		if (v == 0)
			return fl_error_set(FL_EINVALID, "%s: entries are numbered from 1", what);
		*out = v;
		return 0;
	}
	if (!ctx->ledger)
		return fl_error_set(FL_EINVALID, "%s '%.40s' is not a sequence number", what, s);
	if (fl_ledger_find(ctx->ledger, s, out) < 0)
		return fl_error_prefix("%s: ", what);
	return 0;
}

int cli_format_parse(cli_format *out, const char *s, int allow_hex)
{
	if (strcmp(s, "text") == 0)
		*out = FMT_TEXT;
	else if (strcmp(s, "csv") == 0)
		*out = FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FMT_JSON;
	else if (allow_hex && strcmp(s, "hex") == 0)
		*out = FMT_HEX;
	else
		return fl_error_set(FL_EINVALID, "unknown format '%.20s' (text, csv, json%s)", s,
				    allow_hex ? ", hex" : "");
	return 0;
}

void cli_money(const cli_ctx *ctx, char *out, size_t n, int64_t amount, const char *currency,
	       int grouping)
{
	const fl_currency *c = fl_config_currency(ctx->cfg, currency);
	/* A currency dropped from the configuration still prints, in minor units. */
	if (fl_money_format(out, n, amount, c ? c->minor_units : 0, grouping) < 0)
		snprintf(out, n, "%" PRId64, amount);
}

static void years_str(char *out, size_t n, const fl_entry *e)
{
	size_t at = 0;
	out[0] = 0;
	for (size_t i = 0; i < e->n_years && at + 6 < n; i++)
		at += (size_t)snprintf(out + at, n - at, "%s%u", i ? ";" : "", e->years[i]);
}

static void rate_str(char *out, size_t n, uint64_t rate)
{
	if (fl_rate_format(out, n, rate) < 0)
		snprintf(out, n, "%" PRIu64 "e-6", rate);
}

/* U+FFFD, written for each byte that does not start a well-formed UTF-8 character: recorded
 * text is checked when it is written, but a file name from the command line is not, and CSV
 * and JSON output is UTF-8 (docs/OUTPUT.md). */
static const char REPLACEMENT[] = "\xef\xbf\xbd";

/* The length of the character at s (its bytes copied as they are), or 0 for a byte that
 * becomes U+FFFD. */
static size_t utf8_char(const char *s)
{
	return (unsigned char)*s < 0x80 ? 1 : (size_t)fl_utf8_char(s, strnlen(s, 4));
}

void cli_csv_field(FILE *f, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *p = s;
	while (*p && (unsigned char)*p < 0x80)
		p++;
	if (!*p && !quote) { /* ASCII with nothing to quote: as it is */
		fputs(s, f);
		return;
	}
	if (quote)
		fputc('"', f);
	while (*s) {
		size_t n = utf8_char(s);
		if (n == 0) {
			fputs(REPLACEMENT, f);
			s++;
			continue;
		}
		if (*s == '"')
			fputc('"', f);
		fwrite(s, 1, n, f);
		s += n;
	}
	if (quote)
		fputc('"', f);
}

void cli_json_string(FILE *f, const char *s)
{
	const char *p = s;
	/* Most strings need no escape: write them whole. */
	while (*p && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20 &&
	       (unsigned char)*p < 0x80)
		p++;
	fputc('"', f);
	if (!*p) {
		fputs(s, f);
		fputc('"', f);
		return;
	}
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = utf8_char(s);
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else if (n == 0)
			fputs("\\ufffd", f);
		else
			fwrite(s, 1, n, f);
		s += n ? n : 1;
	}
	fputc('"', f);
}

void cli_entry_text_header(FILE *f)
{
	fprintf(f, "%6s  %-10s  %-12s  %-4s  %-14s  %-3s  %18s  %15s  %s\n", "SEQ", "DATE", "KIND",
		"FUND", "DONOR", "CCY", "AMOUNT", "USD", "DETAIL");
}

void cli_entry_text(const cli_ctx *ctx, FILE *f, const fl_entry *e, uint64_t reversed_by)
{
	char amt[FL_MONEY_STR_MAX] = "", usd[FL_MONEY_STR_MAX] = "", detail[FL_TEXT_MAX + 64] = "";
	char r[FL_MONEY_STR_MAX];

	if (e->kind != FL_KIND_RATE && e->kind != FL_KIND_REVERSAL &&
	    e->kind != FL_KIND_STATEMENT && e->kind != FL_KIND_BANKMATCH)
		cli_money(ctx, amt, sizeof(amt), e->amount, e->currency, 1);
	switch (e->kind) {
	case FL_KIND_PLEDGE: {
		char y[FL_YEARS_MAX * 5 + 1];
		years_str(y, sizeof(y), e);
		snprintf(detail, sizeof(detail), "for %s%s%s", y, e->due[0] ? ", due " : "", e->due);
		break;
	}
	case FL_KIND_CONTRIBUTION:
		cli_money(ctx, usd, sizeof(usd), e->usd, "USD", 1);
		if (e->pledge)
			snprintf(detail, sizeof(detail), "bank %.200s, pays pledge %" PRIu64, e->bank_ref,
				 e->pledge);
		else
			snprintf(detail, sizeof(detail), "bank %.200s", e->bank_ref);
		break;
	case FL_KIND_RATE:
		rate_str(r, sizeof(r), e->rate);
		snprintf(amt, sizeof(amt), "%s", r);
		snprintf(detail, sizeof(detail), "%s per USD from %s", r, e->date);
		break;
	case FL_KIND_REVERSAL:
		snprintf(detail, sizeof(detail), "reverses %" PRIu64 ": %.200s", e->target, e->reason);
		break;
	case FL_KIND_WRITEOFF:
		snprintf(detail, sizeof(detail), "writes off pledge %" PRIu64 ": %.200s", e->pledge,
			 e->reason);
		break;
	case FL_KIND_MATCH:
		cli_money(ctx, usd, sizeof(usd), e->usd, "USD", 1);
		snprintf(detail, sizeof(detail), "applies %" PRIu64 " to pledge %" PRIu64 ": %.200s",
			 e->contribution, e->pledge, e->reason);
		break;
	case FL_KIND_STATEMENT: {
		char o[FL_MONEY_STR_MAX], c[FL_MONEY_STR_MAX];
		cli_money(ctx, o, sizeof(o), e->opening, e->currency, 1);
		cli_money(ctx, c, sizeof(c), e->closing, e->currency, 1);
		snprintf(amt, sizeof(amt), "%s", c);
		snprintf(detail, sizeof(detail),
			 "statement %s of %s, %s to %s: %s + %" PRIu64 " lines = %s", e->statement_id,
			 e->account, e->from, e->date, o, e->lines, c);
		break;
	}
	case FL_KIND_BANKLINE:
		if (e->direction[0] == 'D') {
			memmove(amt + 1, amt, strlen(amt) + 1);
			amt[0] = '-';
		}
		snprintf(detail, sizeof(detail), "line %.40s of %" PRIu64 "%s%s%.100s", e->bank_ref,
			 e->statement, e->bank_reversal ? " (reversal)" : "",
			 e->debtor[0] ? ", from " : "", e->debtor);
		break;
	case FL_KIND_BANKMATCH:
		snprintf(detail, sizeof(detail), "bank line %" PRIu64 " is contribution %" PRIu64
			 ": %.200s", e->line, e->contribution, e->reason);
		break;
	}
	/* A reversal has no date of its own: show the day it was recorded. */
	fprintf(f, "%6" PRIu64 "  %-10.10s  %-12s  %-4s  %-14s  %-3s  %18s  %15s  %s", e->seq,
		e->date[0] ? e->date : e->recorded_at, fl_kind_name(e->kind), e->fund, e->donor,
		e->currency, amt, usd, detail);
	if (reversed_by)
		fprintf(f, " [reversed by %" PRIu64 "]", reversed_by);
	fputc('\n', f);
}

static const char CSV_HEADER[] =
	"seq,kind,date,fund,donor,currency,amount,usd,rate,rate_seq,pledge,target,years,due,"
	"bank_ref,donor_ref,announcement,earmark,reason,ref,recorded_at,recorded_by,hash,"
	"reversed_by,contribution,settled,settle_rate,settle_rate_seq,statement,line,account,"
	"statement_id,from,opening,closing,lines,direction,booked,entry_ref,end_to_end,debtor,"
	"remittance,bank_reversal";

void cli_entry_csv_header(FILE *f)
{
	fprintf(f, "%s\n", CSV_HEADER);
}

/* Plain (ungrouped) decimal strings for the machine formats. */
static int has_amount(const fl_entry *e)
{
	return e->kind != FL_KIND_RATE && e->kind != FL_KIND_REVERSAL &&
	       e->kind != FL_KIND_STATEMENT && e->kind != FL_KIND_BANKMATCH;
}

static void machine_values(const cli_ctx *ctx, const fl_entry *e, char *amt, char *usd, char *rate,
			   char *years)
{
	amt[0] = usd[0] = rate[0] = 0;
	if (has_amount(e))
		cli_money(ctx, amt, FL_MONEY_STR_MAX, e->amount, e->currency, 0);
	if (e->kind == FL_KIND_CONTRIBUTION || e->kind == FL_KIND_MATCH) {
		cli_money(ctx, usd, FL_MONEY_STR_MAX, e->usd, "USD", 0);
		rate_str(rate, FL_MONEY_STR_MAX, e->rate_used);
	}
	if (e->kind == FL_KIND_RATE)
		rate_str(rate, FL_MONEY_STR_MAX, e->rate);
	years_str(years, FL_YEARS_MAX * 5 + 1, e);
}

/* The format v2 figures for the machine formats: settled is in the pledge's currency, which
 * only the pledge names, so it is given as an integer count of minor units; the settlement
 * rate and statement balances as decimals. */
static void entry_v2_values(const cli_ctx *ctx, const fl_entry *e, char *settled, char *srate,
			    char *opening, char *closing)
{
	settled[0] = srate[0] = opening[0] = closing[0] = 0;
	if (e->kind == FL_KIND_MATCH) {
		snprintf(settled, FL_MONEY_STR_MAX, "%" PRId64, e->settled);
		if (e->settle_rate)
			rate_str(srate, FL_MONEY_STR_MAX, e->settle_rate);
	}
	if (e->kind == FL_KIND_STATEMENT) {
		cli_money(ctx, opening, FL_MONEY_STR_MAX, e->opening, e->currency, 0);
		cli_money(ctx, closing, FL_MONEY_STR_MAX, e->closing, e->currency, 0);
	}
}

static void u64_or_empty(char *out, uint64_t v)
{
	if (v)
		snprintf(out, 24, "%" PRIu64, v);
	else
		out[0] = 0;
}

void cli_entry_csv(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		   const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by)
{
	char amt[FL_MONEY_STR_MAX], usd[FL_MONEY_STR_MAX], rate[FL_MONEY_STR_MAX];
	char years[FL_YEARS_MAX * 5 + 1], hex[FL_HASH_HEX_LEN + 1];
	char rs[24], pl[24], tg[24], rb[24], ct[24], srs[24], st[24], ln[24], nl[24];
	char settled[FL_MONEY_STR_MAX] = "", srate[FL_MONEY_STR_MAX] = "";
	char op[FL_MONEY_STR_MAX] = "", cl[FL_MONEY_STR_MAX] = "";
	const char *cols[48];
	size_t n = 0;

	machine_values(ctx, e, amt, usd, rate, years);
	fl_hex_encode(hex, hash, FL_HASH_LEN);
	u64_or_empty(rs, e->rate_seq);
	u64_or_empty(pl, e->pledge);
	u64_or_empty(tg, e->target);
	u64_or_empty(rb, reversed_by);
	fprintf(f, "%" PRIu64, e->seq);
	cols[n++] = fl_kind_name(e->kind);
	cols[n++] = e->date;
	cols[n++] = e->fund;
	cols[n++] = e->donor;
	cols[n++] = e->currency;
	cols[n++] = amt;
	cols[n++] = usd;
	cols[n++] = rate;
	cols[n++] = rs;
	cols[n++] = pl;
	cols[n++] = tg;
	cols[n++] = years;
	cols[n++] = e->due;
	cols[n++] = e->bank_ref;
	cols[n++] = e->donor_ref;
	cols[n++] = e->announcement;
	cols[n++] = e->earmark;
	cols[n++] = e->reason;
	cols[n++] = e->idem;
	cols[n++] = e->recorded_at;
	cols[n++] = e->recorded_by;
	cols[n++] = hex;
	cols[n++] = rb;
	entry_v2_values(ctx, e, settled, srate, op, cl);
	u64_or_empty(ct, e->contribution);
	u64_or_empty(srs, e->settle_rate_seq);
	u64_or_empty(st, e->statement);
	u64_or_empty(ln, e->line);
	nl[0] = 0;
	if (e->kind == FL_KIND_STATEMENT)
		snprintf(nl, sizeof(nl), "%" PRIu64, e->lines);
	cols[n++] = ct;
	cols[n++] = settled;
	cols[n++] = srate;
	cols[n++] = srs;
	cols[n++] = st;
	cols[n++] = ln;
	cols[n++] = e->account;
	cols[n++] = e->statement_id;
	cols[n++] = e->from;
	cols[n++] = op;
	cols[n++] = cl;
	cols[n++] = nl;
	cols[n++] = e->direction;
	cols[n++] = e->booked;
	cols[n++] = e->entry_ref;
	cols[n++] = e->end_to_end;
	cols[n++] = e->debtor;
	cols[n++] = e->remittance;
	cols[n++] = e->bank_reversal ? "true" : "";
	for (size_t i = 0; i < n; i++) {
		fputc(',', f);
		cli_csv_field(f, cols[i]);
	}
	fputc('\n', f);
}

/* A key with a string, or null for an empty one. */
static void json_kv(FILE *f, const char *k, const char *v, int *first)
{
	fprintf(f, "%s\"%s\": ", *first ? "" : ", ", k);
	if (v[0])
		cli_json_string(f, v);
	else
		fputs("null", f);
	*first = 0;
}

/* A key with a number, or null for 0 (sequence numbers start at 1). */
static void json_num(FILE *f, const char *k, uint64_t v, int *first)
{
	fprintf(f, "%s\"%s\": ", *first ? "" : ", ", k);
	if (v)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
	*first = 0;
}

/* A key with a signed count of minor units, or null when the entry has none. */
static void json_minor(FILE *f, const char *k, int64_t v, int has, int *first)
{
	fprintf(f, "%s\"%s\": ", *first ? "" : ", ", k);
	if (has)
		fprintf(f, "%" PRId64, v);
	else
		fputs("null", f);
	*first = 0;
}

void cli_entry_json(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		    const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by)
{
	char amt[FL_MONEY_STR_MAX], usd[FL_MONEY_STR_MAX], rate[FL_MONEY_STR_MAX];
	char years[FL_YEARS_MAX * 5 + 1], hex[FL_HASH_HEX_LEN + 1], prev[FL_HASH_HEX_LEN + 1];
	int first = 1;

	machine_values(ctx, e, amt, usd, rate, years);
	fl_hex_encode(hex, hash, FL_HASH_LEN);
	fl_hex_encode(prev, e->prev, FL_HASH_LEN);
	fputc('{', f);
	json_num(f, "seq", e->seq, &first);
	json_kv(f, "kind", fl_kind_name(e->kind), &first);
	json_kv(f, "date", e->date, &first);
	json_kv(f, "fund", e->fund, &first);
	json_kv(f, "donor", e->donor, &first);
	json_kv(f, "currency", e->currency, &first);
	json_kv(f, "amount", amt, &first);
	json_minor(f, "amount_minor", e->amount, has_amount(e), &first);
	json_kv(f, "usd", usd, &first);
	json_minor(f, "usd_cents", e->usd,
		   e->kind == FL_KIND_CONTRIBUTION || e->kind == FL_KIND_MATCH, &first);
	json_kv(f, "rate", rate, &first);
	json_num(f, "rate_seq", e->rate_seq, &first);
	json_num(f, "pledge", e->pledge, &first);
	json_num(f, "target", e->target, &first);
	if (e->n_years) {
		fprintf(f, ", \"years\": [");
		for (size_t i = 0; i < e->n_years; i++)
			fprintf(f, "%s%u", i ? ", " : "", e->years[i]);
		fputc(']', f);
	} else {
		fprintf(f, ", \"years\": null");
	}
	json_kv(f, "due", e->due, &first);
	json_kv(f, "bank_ref", e->bank_ref, &first);
	json_kv(f, "donor_ref", e->donor_ref, &first);
	json_kv(f, "announcement", e->announcement, &first);
	json_kv(f, "earmark", e->earmark, &first);
	json_kv(f, "reason", e->reason, &first);
	json_kv(f, "ref", e->idem, &first);
	json_kv(f, "recorded_at", e->recorded_at, &first);
	json_kv(f, "recorded_by", e->recorded_by, &first);
	json_kv(f, "prev", prev, &first);
	json_kv(f, "hash", hex, &first);
	json_num(f, "reversed_by", reversed_by, &first);
	{
		char settled[FL_MONEY_STR_MAX], srate[FL_MONEY_STR_MAX];
		char op[FL_MONEY_STR_MAX], cl[FL_MONEY_STR_MAX];
		entry_v2_values(ctx, e, settled, srate, op, cl);
		json_num(f, "contribution", e->contribution, &first);
		json_minor(f, "settled_minor", e->settled, e->kind == FL_KIND_MATCH, &first);
		json_kv(f, "settle_rate", srate, &first);
		json_num(f, "settle_rate_seq", e->settle_rate_seq, &first);
		json_num(f, "statement", e->statement, &first);
		json_num(f, "line", e->line, &first);
		json_kv(f, "account", e->account, &first);
		json_kv(f, "statement_id", e->statement_id, &first);
		json_kv(f, "from", e->from, &first);
		json_kv(f, "opening", op, &first);
		json_kv(f, "closing", cl, &first);
		json_minor(f, "lines", (int64_t)e->lines, e->kind == FL_KIND_STATEMENT, &first);
		json_kv(f, "direction", e->direction, &first);
		json_kv(f, "booked", e->booked, &first);
		json_kv(f, "entry_ref", e->entry_ref, &first);
		json_kv(f, "end_to_end", e->end_to_end, &first);
		json_kv(f, "debtor", e->debtor, &first);
		json_kv(f, "remittance", e->remittance, &first);
		fprintf(f, ", \"bank_reversal\": %s", e->bank_reversal ? "true" : "false");
	}
	fputc('}', f);
}

void cli_entry_detail(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		      const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by)
{
	char amt[FL_MONEY_STR_MAX], usd[FL_MONEY_STR_MAX], rate[FL_MONEY_STR_MAX];
	char years[FL_YEARS_MAX * 5 + 1], hex[FL_HASH_HEX_LEN + 1], prev[FL_HASH_HEX_LEN + 1];

	machine_values(ctx, e, amt, usd, rate, years);
	cli_money(ctx, amt, sizeof(amt), e->amount, e->currency, 1);
	fl_hex_encode(hex, hash, FL_HASH_LEN);
	fl_hex_encode(prev, e->prev, FL_HASH_LEN);
	fprintf(f, "entry %" PRIu64 ": %s\n", e->seq, fl_kind_name(e->kind));
#define LINE(label, ...)                                                                          \
	do {                                                                                       \
		fprintf(f, "  %-13s ", label);                                                     \
		fprintf(f, __VA_ARGS__);                                                           \
		fputc('\n', f);                                                                    \
	} while (0)
	if (e->fund[0]) {
		const fl_fund *fd = fl_config_fund(ctx->cfg, e->fund);
		LINE("fund", "%s%s%s", e->fund, fd ? "  " : "", fd ? fd->name : "");
	}
	if (e->donor[0]) {
		const fl_donor *d = fl_config_donor(ctx->cfg, e->donor);
		LINE("donor", "%s%s%s", e->donor, d ? "  " : "", d ? d->name : "");
	}
	if (e->kind == FL_KIND_RATE) {
		LINE("currency", "%s", e->currency);
		LINE("rate", "%s per US dollar", rate);
		LINE("effective", "%s", e->date);
	} else if (has_amount(e)) {
		LINE("amount", "%s %s%s", e->currency, e->direction[0] == 'D' ? "-" : "", amt);
	}
	if (e->kind == FL_KIND_MATCH) {
		cli_money(ctx, usd, sizeof(usd), e->usd, "USD", 1);
		LINE("contribution", "%" PRIu64, e->contribution);
		LINE("USD", "%s at %s per USD", usd, rate);
		LINE("settles", "%" PRId64 " minor units of the pledge's currency%s", e->settled,
		     e->settle_rate ? "" : " (the same currency)");
		if (e->settle_rate) {
			char sr[FL_MONEY_STR_MAX];
			rate_str(sr, sizeof(sr), e->settle_rate);
			LINE("settle rate", "%s per USD%s", sr, e->settle_rate_seq ? "" : " (US dollars)");
		}
		if (e->settle_rate_seq)
			LINE("rate entry", "%" PRIu64, e->settle_rate_seq);
	}
	if (e->kind == FL_KIND_STATEMENT) {
		char o[FL_MONEY_STR_MAX], c[FL_MONEY_STR_MAX];
		cli_money(ctx, o, sizeof(o), e->opening, e->currency, 1);
		cli_money(ctx, c, sizeof(c), e->closing, e->currency, 1);
		LINE("account", "%s", e->account);
		LINE("statement", "%s", e->statement_id);
		LINE("period", "%s to %s", e->from, e->date);
		LINE("opening", "%s %s", e->currency, o);
		LINE("closing", "%s %s", e->currency, c);
		LINE("lines", "%" PRIu64, e->lines);
	}
	if (e->kind == FL_KIND_BANKLINE) {
		LINE("statement", "%" PRIu64, e->statement);
		LINE("direction", "%s%s", e->direction[0] == 'C' ? "credit" : "debit",
		     e->bank_reversal ? ", a reversal" : "");
		LINE("booked", "%s", e->booked);
		LINE("value date", "%s", e->date);
		LINE("bank ref", "%s", e->bank_ref);
		if (e->entry_ref[0])
			LINE("entry ref", "%s", e->entry_ref);
		if (e->end_to_end[0])
			LINE("end to end", "%s", e->end_to_end);
		if (e->debtor[0])
			LINE("debtor", "%s", e->debtor);
		if (e->remittance[0])
			LINE("remittance", "%s", e->remittance);
	}
	if (e->kind == FL_KIND_BANKMATCH) {
		LINE("bank line", "%" PRIu64, e->line);
		LINE("contribution", "%" PRIu64, e->contribution);
	}
	if (e->kind == FL_KIND_PLEDGE) {
		LINE("pledged on", "%s", e->date);
		LINE("for years", "%s", years);
	}
	if (e->kind == FL_KIND_CONTRIBUTION) {
		cli_money(ctx, usd, sizeof(usd), e->usd, "USD", 1);
		LINE("value date", "%s", e->date);
		LINE("USD", "%s at %s per USD%s", usd, rate, e->rate_seq ? "" : " (US dollars)");
		if (e->rate_seq)
			LINE("rate entry", "%" PRIu64, e->rate_seq);
		LINE("bank ref", "%s", e->bank_ref);
	}
	if (e->kind == FL_KIND_WRITEOFF)
		LINE("date", "%s", e->date);
	if (e->due[0])
		LINE("due", "%s", e->due);
	if (e->pledge)
		LINE("pledge", "%" PRIu64, e->pledge);
	if (e->target)
		LINE("reverses", "%" PRIu64, e->target);
	if (e->donor_ref[0])
		LINE("donor ref", "%s", e->donor_ref);
	if (e->announcement[0])
		LINE("announcement", "%s", e->announcement);
	if (e->earmark[0])
		LINE("earmark", "%s", e->earmark);
	if (e->reason[0])
		LINE("reason", "%s", e->reason);
	LINE("ref", "%s", e->idem);
	LINE("recorded", "%s by %s", e->recorded_at, e->recorded_by);
	LINE("prev", "%s", prev);
	LINE("hash", "%s", hex);
	if (reversed_by)
		LINE("status", "reversed by entry %" PRIu64, reversed_by);
#undef LINE
}

int cli_report_append(const cli_ctx *ctx, const fl_entry *e, fl_append_status st)
{
	unsigned char hash[FL_HASH_LEN];
	char hex[FL_HASH_HEX_LEN + 1];
	int err;
	if (st == FL_REPLAYED) {
		printf("already recorded as entry %" PRIu64 " (ref %s); nothing written\n", e->seq,
		       e->idem);
		return cli_finish_stdout();
	}
	if ((err = fl_ledger_get(ctx->ledger, e->seq, NULL, hash, NULL)) < 0)
		return cli_fail(err);
	fl_hex_encode(hex, hash, FL_HASH_LEN);
	printf("recorded entry %" PRIu64 " (%s), hash %s\n", e->seq, fl_kind_name(e->kind), hex);
	cli_entry_text(ctx, stdout, e, 0);
	return cli_finish_stdout();
}
