/*
 * report_html.c: the annual report as one self-contained, print-ready HTML document
 * (docs/REPORT.md, "HTML").
 *
 * Invariants of the document:
 *   - self-contained: inline CSS and inline SVG only; no script, no stylesheet, font or image
 *     from elsewhere; the only links are to #fragments of the document itself;
 *   - HTML5 and well-formed XML at once: void elements are self-closed, and the only
 *     references are &amp; &lt; &gt; &quot; &#39; and &#160;. Every text goes through text(), which
 *     also replaces control characters and bytes that are not UTF-8 with U+FFFD, so no
 *     input can make the document malformed;
 *   - print: A4 pages with a running header and "Page N of M" in the @page margin boxes,
 *     each part on a new page (a named page per fund, so that the header names the fund),
 *     table headers repeated, rows not split, headings kept with what follows;
 *   - accessible: a heading outline h1 > h2 > h3 > h4 > h5, tables with captions and scoped
 *     headers, and charts (role="img", labelled by their <title> and <desc>) whose figures
 *     are all in a table beside them; overdue pledges say "Overdue" in words;
 *   - deterministic and linear: the same report gives the same bytes, and each row of the
 *     report is written once; chart geometry is integer arithmetic (no floating point).
 * Writes are sticky: the first failing fl_buf call leaves its code in html.err and every
 * later write does nothing, so each call is checked and the writer returns that code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fundledger/config.h"
#include "fundledger/money.h"
#include "report_int.h"

/* The accent colour (UN blue) of rules and chart bars, and the lighter one of past years. */
#define ACCENT "#009edb"
#define ACCENT_LIGHT "#8fd3f0"

typedef struct {
	fl_buf *out;
	const fl_report_dest *d;
	const fl_report *r;
	int figure; /* figures numbered through the document */
	int err;
} html;

/* ---- writing ---- */

static void put(html *h, const char *s, size_t n)
{
	if (h->err == 0)
		h->err = fl_buf_put(h->out, s, n);
	if (h->err == 0 && h->out->len >= FL_REPORT_PIECE)
		h->err = fl_report_spill(h->d, 0);
}

static void lit(html *h, const char *s)
{
	put(h, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence for a character XML allows at p (n bytes left),
 * or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	cp = p[0] & (0x7fu >> len);
	min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return len;
}

/* The escape of a byte, or NULL when it goes out as it is (or starts a UTF-8 sequence). */
static const char *escape(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t':
	case '\n': return NULL;
	default: return c < 0x20 || c == 0x7f ? "\xef\xbf\xbd" : NULL;
	}
}

/* n bytes of text, escaped for element content and attribute values alike. */
static void text_n(html *h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;

	while (i < n && h->err == 0) {
		const char *e = escape(p[i]);
		size_t len = e ? 0 : utf8_len(p + i, n - i);
		if (!e && len) {
			run += len;
			i += len;
			continue;
		}
		put(h, (const char *)p + i - run, run);
		lit(h, e ? e : "\xef\xbf\xbd"); /* U+FFFD for a byte that is not UTF-8 */
		run = 0;
		i++;
	}
	put(h, (const char *)p + i - run, run);
}

static void text(html *h, const char *s)
{
	if (s)
		text_n(h, s, strlen(s));
}

/* A text as a CSS string for the page's margin boxes: "..." with quotes, backslashes and
 * markup characters as hex escapes, and controls and bytes that are not UTF-8 as U+FFFD. */
static void css_string(html *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	lit(h, "\"");
	while (n && h->err == 0) {
		size_t len = *p < 0x20 || *p == 0x7f ? 0 : utf8_len(p, n);
		char esc[8];
		if (len && !strchr("\"\\<>&", *p)) {
			put(h, (const char *)p, len);
		} else {
			snprintf(esc, sizeof(esc), "\\%x ", len ? *p : 0xfffdu);
			lit(h, esc);
			len = 1;
		}
		p += len;
		n -= len;
	}
	lit(h, "\"");
}

static void u64(html *h, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%" PRIu64, v);
	lit(h, b);
}

static void i64(html *h, int64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%" PRId64, v);
	lit(h, b);
}

/* "1 pledge", "2 pledges" */
static void count(html *h, uint64_t n, const char *one, const char *many)
{
	u64(h, n);
	lit(h, " ");
	lit(h, n == 1 ? one : many);
}

static void usd(html *h, int64_t cents)
{
	char b[FL_REPORT_STR_MAX];
	fl_report_usd(b, cents);
	lit(h, b);
}

static void date_long(html *h, const char *date)
{
	char b[FL_REPORT_STR_MAX];
	fl_report_date_long(b, date);
	text(h, b);
}

/* ---- tables ---- */

/* A table of at most this many rows is kept on one page, with its caption. */
#define KEEP_ROWS 24

/* Opens a table of about rows rows; the caller writes the caption's text, then calls
 * head(). */
static void table_open(html *h, const char *cls, size_t rows)
{
	lit(h, "<table class=\"");
	lit(h, cls);
	lit(h, rows <= KEEP_ROWS ? " keep\">\n<caption>" : "\">\n<caption>");
}

/* Ends the caption and writes the header row: cols are '|'-separated; a leading '>' marks
 * a column of numbers. Opens the first <tbody>. */
static void head(html *h, const char *cols)
{
	lit(h, "</caption>\n<thead><tr>");
	while (*cols && h->err == 0) {
		const char *bar = strchr(cols, '|');
		size_t n = bar ? (size_t)(bar - cols) : strlen(cols);
		int num = *cols == '>';
		lit(h, num ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">");
		text_n(h, cols + num, n - (size_t)num);
		lit(h, "</th>");
		cols += n + (bar ? 1 : 0);
	}
	lit(h, "</tr></thead>\n<tbody>\n");
}

static void table_close(html *h)
{
	lit(h, "</tbody>\n</table>\n");
}

static void th_row(html *h, const char *s)
{
	lit(h, "<th scope=\"row\">");
	text(h, s);
	lit(h, "</th>");
}

/* A row header for a part of the row above ("of which ..."), indented. */
static void th_part(html *h, const char *s)
{
	lit(h, "<th scope=\"row\" class=\"of\">");
	text(h, s);
	lit(h, "</th>");
}

static void td(html *h, const char *s)
{
	lit(h, "<td>");
	text(h, s);
	lit(h, "</td>");
}

/* A cell of free text, which may wrap. */
static void td_text(html *h, const char *s)
{
	lit(h, "<td class=\"text\">");
	text(h, s);
	lit(h, "</td>");
}

static void td_u64(html *h, uint64_t v)
{
	lit(h, "<td class=\"num\">");
	u64(h, v);
	lit(h, "</td>");
}

static void td_usd(html *h, int64_t cents)
{
	lit(h, "<td class=\"num\">");
	usd(h, cents);
	lit(h, "</td>");
}

static void td_amount(html *h, const char *currency, int64_t amount)
{
	char b[FL_REPORT_STR_MAX];
	fl_report_amount(b, h->r, currency, amount);
	lit(h, "<td class=\"num\">");
	lit(h, b);
	lit(h, "</td>");
}

/* A total row: a header cell spanning span columns, then the cells the caller writes. */
static void total_open(html *h, const char *cls, int span)
{
	lit(h, "<tr class=\"");
	lit(h, cls);
	lit(h, "\"><th scope=\"row\" colspan=\"");
	i64(h, span);
	lit(h, "\">");
}

/* ---- prose ---- */

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* A narrative text as paragraphs: blank lines separate them; a single line feed is a
 * space in the flow. */
static void paras(html *h, const char *s)
{
	int open = 0;
	while (s && *s && h->err == 0) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (blank(s, n)) {
			if (open)
				lit(h, "</p>\n");
			open = 0;
		} else {
			lit(h, open ? "\n" : "<p>");
			text_n(h, s, n);
			open = 1;
		}
		s += n + (nl ? 1 : 0);
	}
	if (open)
		lit(h, "</p>\n");
}

/* A heading with an id: <hN id="ID">TEXT YEAR</hN>; year is left out when 0. */
static void heading(html *h, int level, const char *id, const char *s, int year)
{
	char b[8];
	snprintf(b, sizeof(b), "<h%d", level);
	lit(h, b);
	if (id) {
		lit(h, " id=\"");
		text(h, id);
		lit(h, "\"");
	}
	lit(h, ">");
	text(h, s);
	if (year) {
		lit(h, " ");
		i64(h, year);
	}
	snprintf(b, sizeof(b), "</h%d>\n", level);
	lit(h, b);
}

/* An id made of the section's code and a suffix, e.g. "s-VFTC-summary". */
static void make_id(char out[96], const fl_report_section *s, const char *suffix)
{
	snprintf(out, 96, "s-%s%s%s", fl_report_section_code(s), *suffix ? "-" : "", suffix);
}

/* "31 December YEAR" */
static void year_end(char out[FL_REPORT_STR_MAX], int year)
{
	char d[FL_DATE_LEN + 8];
	snprintf(d, sizeof(d), "%04d-12-31", year);
	fl_report_date_long(out, d);
}

/* An ASCII lower-case first letter in upper case, for a word that starts a line. */
static void capitalise(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
}

/* "Sixty-first" */
static void session_word(char out[FL_REPORT_STR_MAX], unsigned session)
{
	fl_report_ordinal(out, session);
	capitalise(out);
}

/* ---- the document's head ---- */

/* The style sheet, but for the margin boxes of the pages (page_style()). No '<' or '&', so
 * that it is also well-formed XML text. */
static const char *const STYLE[] = {
	":root { --accent: " ACCENT "; --ink: #1b1b1b; --navy: #0a4a74; --rule: #c9d3da; }",
	"html { font-family: \"DejaVu Sans\", Arial, Helvetica, sans-serif; font-size: 9.5pt;",
	"  line-height: 1.45; color: var(--ink); -webkit-print-color-adjust: exact;",
	"  print-color-adjust: exact; }",
	"body { margin: 0; }",
	"@media screen { body { max-width: 176mm; margin: 0 auto; padding: 12mm 16mm; }",
	"  .part { margin-top: 16mm; } }",
	"h1, h2, h3, h4, h5 { color: var(--navy); line-height: 1.2; break-after: avoid;",
	"  page-break-after: avoid; break-inside: avoid; }",
	"h2 { font-family: \"DejaVu Serif\", Georgia, \"Times New Roman\", serif; font-size: 16pt;",
	"  font-weight: bold; margin: 0 0 5mm; padding-bottom: 2mm;",
	"  border-bottom: 1.5pt solid var(--accent); }",
	"h3 { font-size: 11.5pt; margin: 7mm 0 2.5mm; }",
	"h4 { font-size: 10pt; margin: 5mm 0 2mm; }",
	"h5 { font-size: 9pt; margin: 3.5mm 0 1mm; color: var(--ink); }",
	"p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }",
	".part { break-before: page; page-break-before: always; }",
	".lead { font-size: 10pt; }",
	".note { font-size: 8pt; color: #4a4a4a; }",
	/* The cover. */
	".cover { height: 252mm; display: flex; flex-direction: column; }",
	"@media screen { .cover { height: auto; } }",
	".masthead { display: flex; justify-content: space-between; align-items: flex-end;",
	"  border-bottom: 3pt solid var(--accent); padding-bottom: 2.5mm; }",
	".masthead .org { font-family: \"DejaVu Serif\", Georgia, serif; font-size: 17pt;",
	"  font-weight: bold; color: var(--navy); margin: 0; }",
	".masthead .distr { font-size: 8.5pt; text-align: right; margin: 0; }",
	".council { margin: 6mm 0 0; font-weight: bold; font-size: 10.5pt; }",
	".council span { display: block; font-weight: normal; }",
	".cover h1 { font-family: \"DejaVu Serif\", Georgia, serif; font-size: 21pt;",
	"  margin: 26mm 0 4mm; max-width: 165mm; }",
	".cover .subtitle { font-size: 14pt; color: var(--navy); margin: 0 0 8mm; }",
	".cover .funds { margin: 0 0 8mm; padding-left: 5mm;",
	"  border-left: 3pt solid var(--accent); }",
	".cover .funds li { list-style: none; margin: 0 0 1.5mm; }",
	".facts { display: grid; grid-template-columns: 38mm 1fr; gap: 1.2mm 4mm; margin: 0 0 6mm;",
	"  font-size: 8.5pt; }",
	".cover .facts { margin: auto 0 0; padding-top: 3mm;",
	"  border-top: 0.75pt solid var(--rule); }",
	".facts dt { font-weight: bold; color: #3a3a3a; }",
	".facts dd { margin: 0; overflow-wrap: anywhere; }",
	".toc { margin: 4mm 0 8mm; }",
	".toc h2 { font-size: 11pt; border: 0; margin: 0 0 2mm; padding: 0; }",
	".toc ol { margin: 0; padding-left: 6mm; columns: 2; column-gap: 8mm; font-size: 9pt; }",
	"a { color: var(--navy); text-decoration: none; }",
	/* Tables. */
	"table { width: 100%; border-collapse: collapse; font-size: 8pt; margin: 0 0 6mm;",
	"  font-variant-numeric: tabular-nums lining-nums; }",
	"caption { caption-side: top; text-align: left; font-weight: bold; font-size: 8.5pt;",
	"  color: var(--navy); padding: 0 0 1.5mm; }",
	"thead { display: table-header-group; }",
	"th, td { padding: 1mm 1.3mm; text-align: left; vertical-align: top; }",
	"td { white-space: nowrap; }",
	"td.text { white-space: normal; overflow-wrap: break-word; }",
	"th.of { padding-left: 5mm; }",
	"table.key, table.aged, table.p14, table.signers { width: auto; min-width: 110mm; }",
	"thead th { background: #e3f3fa; border-bottom: 1pt solid var(--accent);",
	"  font-weight: bold; vertical-align: bottom; }",
	"tbody th { font-weight: normal; min-width: 30mm; }",
	"tbody tr:nth-child(even) { background: #f4f8fa; }",
	"tr { break-inside: avoid; page-break-inside: avoid; }",
	".num { text-align: right; white-space: nowrap; }",
	"tr.sub th, tr.sub td { font-weight: bold; border-top: 0.5pt solid var(--rule); }",
	"tr.total th, tr.total td { font-weight: bold; border-top: 1pt solid var(--ink);",
	"  border-bottom: 1pt solid var(--ink); background: #fff; }",
	"table.keep { break-inside: avoid; page-break-inside: avoid; }",
	"table.statement tbody { break-inside: avoid; page-break-inside: avoid; }",
	"table.statement tbody:nth-of-type(even) { background: #f4f8fa; }",
	"table.statement tbody tr { background: transparent; }",
	".vh { position: absolute; width: 1px; height: 1px; overflow: hidden;",
	"  clip: rect(0 0 0 0); white-space: nowrap; }",
	".tag { display: inline-block; font-size: 6.5pt; font-weight: bold; padding: 0 1mm;",
	"  border: 0.6pt solid var(--navy); border-radius: 1mm; color: var(--navy);",
	"  margin-left: 1mm; text-transform: uppercase; letter-spacing: 0.03em; }",
	".flag { font-weight: bold; color: #a4001d; white-space: nowrap; }",
	".flag::before { content: \"\\26A0\\FE0E  \"; }",
	/* Figures. */
	".charts { break-before: page; page-break-before: always; }",
	".chart-row { display: flex; gap: 5mm; align-items: flex-start; margin: 2mm 0 6mm;",
	"  break-inside: avoid; page-break-inside: avoid; }",
	".chart-row figure { flex: 0 0 58%; margin: 0; }",
	".chart-row table { flex: 1 1 auto; width: auto; margin: 0; }",
	"figure svg { width: 100%; height: auto; display: block; }",
	"figcaption { font-size: 8pt; color: #3a3a3a; margin-top: 1.5mm; }",
	"svg text { font-family: \"DejaVu Sans\", Arial, sans-serif; fill: #333; }",
	"svg .grid { stroke: #d5dde2; stroke-width: 1; }",
	"svg .axis { stroke: #666; stroke-width: 1; }",
	"svg .bar { fill: " ACCENT_LIGHT "; }",
	"svg .bar.current { fill: " ACCENT "; }",
	"svg .value { font-weight: bold; fill: #1b1b1b; }",
	/* Lists of States and the narrative. */
	"ul.names { columns: 3; column-gap: 6mm; margin: 0 0 2mm; padding: 0; font-size: 8pt; }",
	"ul.names li { list-style: none; break-inside: avoid; }",
	".groups { margin-bottom: 4mm; }",
	"ol.points li { margin-bottom: 2mm; }",
	".session-meta { font-style: italic; color: #3a3a3a; }",
	/* The integrity statement. */
	"pre, code { font-family: \"DejaVu Sans Mono\", \"Courier New\", monospace; }",
	"pre { font-size: 7.5pt; white-space: pre-wrap; overflow-wrap: anywhere;",
	"  background: #f4f6f7; border-left: 2pt solid var(--accent); padding: 2mm 3mm;",
	"  margin: 1mm 0 4mm; break-inside: avoid; }",
	"code.hash { font-size: 8pt; overflow-wrap: anywhere; word-break: break-all; }",
	"ol.steps li { margin-bottom: 2mm; }",
	NULL,
};

/* A margin box: font and colour shared by every running header and footer. */
#define BOX_FONT "font: 7pt \"DejaVu Sans\", Arial, sans-serif; color: #4a4a4a; "

/* The funds a consolidated report covers, "VFTC, UPRP and UPRI": as text, or (css) as CSS
 * strings for a margin box. */
static void fund_codes(html *h, int css)
{
	const fl_report *r = h->r;
	size_t n = 0, k = 0;

	for (size_t i = 0; i < r->n_sections; i++)
		n += r->sections[i].fund != NULL;
	for (size_t i = 0; i < r->n_sections && h->err == 0; i++) {
		const char *sep = k + 1 == n ? " and " : ", ";
		if (!r->sections[i].fund)
			continue;
		if (k && css)
			css_string(h, sep);
		else if (k)
			lit(h, sep);
		if (css)
			css_string(h, r->sections[i].fund->code);
		else
			text(h, r->sections[i].fund->code);
		lit(h, css ? " " : "");
		k++;
	}
}

/* The pages: A4, a running header (the report on the left; on the right the Council's
 * session, or the fund a part is about) and a footer (the checkpoint on the left, "Page N of
 * M" on the right). Each section of the report is a named page "sN", so that its header
 * names its fund. */
static void page_style(html *h)
{
	const fl_report *r = h->r;
	char b[160], word[FL_REPORT_STR_MAX];

	lit(h, "@page { size: A4; margin: 21mm 17mm 19mm 17mm;\n  @top-left { " BOX_FONT
	       "vertical-align: bottom; padding-bottom: 3mm; content: ");
	snprintf(b, sizeof(b), "Annual report of the Board of Trustees for %d", r->year);
	css_string(h, b);
	lit(h, "; }\n  @top-right { " BOX_FONT "vertical-align: bottom; padding-bottom: 3mm; "
	       "text-align: right; content: ");
	session_word(word, r->session);
	snprintf(b, sizeof(b), "Human Rights Council, %s session", word);
	css_string(h, b);
	lit(h, "; }\n  @bottom-left { " BOX_FONT "vertical-align: top; padding-top: 3mm; "
	       "content: ");
	snprintf(b, sizeof(b), "Ledger checkpoint %" PRIu64 " of ", r->size);
	css_string(h, b);
	lit(h, " ");
	css_string(h, r->origin);
	lit(h, "; }\n  @bottom-right { " BOX_FONT "vertical-align: top; padding-top: 3mm; "
	       "content: \"Page \" counter(page) \" of \" counter(pages); }\n}\n");
	for (size_t i = 0; i < r->n_sections && h->err == 0; i++) {
		snprintf(b, sizeof(b), "@page s%zu { @top-right { content: ", i);
		lit(h, b);
		if (r->sections[i].fund)
			css_string(h, r->sections[i].fund->code);
		else
			fund_codes(h, 1);
		snprintf(b, sizeof(b), "; } }\n.s%zu { page: s%zu; }\n", i, i);
		lit(h, b);
	}
}

static void doc_head(html *h)
{
	const fl_report *r = h->r;
	const char *title = r->n_sections ? fl_report_section_title(&r->sections[0]) : "";

	lit(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
	       "<meta name=\"generator\" content=\"fundledger\" />\n<title>");
	if (r->n_sections && !r->sections[0].fund)
		title = "United Nations voluntary funds administered by OHCHR";
	text(h, title);
	lit(h, ": annual report of the Board of Trustees for ");
	i64(h, r->year);
	lit(h, "</title>\n<style>\n");
	for (size_t i = 0; STYLE[i] && h->err == 0; i++) {
		lit(h, STYLE[i]);
		lit(h, "\n");
	}
	page_style(h);
	lit(h, "</style>\n</head>\n<body>\n");
}

/* ---- the cover ---- */

static void cover_title(html *h)
{
	const fl_report *r = h->r;
	const fl_report_section *first = r->n_sections ? &r->sections[0] : NULL;

	lit(h, "<h1>");
	if (first && first->fund) {
		text(h, first->fund->name);
	} else {
		lit(h, "United Nations voluntary funds administered by OHCHR: ");
		fund_codes(h, 0);
	}
	lit(h, "</h1>\n<p class=\"subtitle\">Annual report of the Board of Trustees for ");
	i64(h, r->year);
	lit(h, "</p>\n");
	if (first && !first->fund) {
		lit(h, "<ul class=\"funds\">\n");
		for (size_t i = 1; i < r->n_sections; i++) {
			lit(h, "<li>");
			text(h, fl_report_section_title(&r->sections[i]));
			lit(h, " (");
			text(h, fl_report_section_code(&r->sections[i]));
			lit(h, ")</li>\n");
		}
		lit(h, "</ul>\n");
	}
}

static void fact(html *h, const char *term, const char *value)
{
	lit(h, "<dt>");
	text(h, term);
	lit(h, "</dt><dd>");
	text(h, value);
	lit(h, "</dd>\n");
}

static void cover_facts(html *h)
{
	const fl_report *r = h->r;
	char b[FL_REPORT_STR_MAX], d[FL_DATE_LEN + 1];

	lit(h, "<dl class=\"facts\">\n");
	fl_report_date_long(b, r->generated);
	fact(h, "Date of the report", b);
	snprintf(b, sizeof(b), "1 January to 31 December %d", r->year);
	fact(h, "Period covered", b);
	fact(h, "Ledger", r->origin);
	snprintf(b, sizeof(b), "%" PRIu64 " entries", r->size);
	fact(h, "Signed checkpoint", b);
	snprintf(d, sizeof(d), "%.10s", r->ledger_time);
	fl_report_date_long(b, d);
	fact(h, "Last entry recorded", b);
	fact(h, "Currency",
	     "United States dollars (US$) at the United Nations operational rates of exchange, "
	     "unless another currency is shown");
	lit(h, "</dl>\n");
}

/* The contents: links to the parts of the document. */
static void toc(html *h)
{
	const fl_report *r = h->r;
	char id[96];

	lit(h, "<nav class=\"toc\" aria-labelledby=\"contents\">\n"
	       "<h2 id=\"contents\">Contents</h2>\n<ol>\n");
	if (r->narrative)
		lit(h, "<li><a href=\"#narrative\">Work of the Board of Trustees</a></li>\n");
	for (size_t i = 0; i < r->n_sections; i++) {
		make_id(id, &r->sections[i], "");
		lit(h, "<li><a href=\"#");
		text(h, id);
		lit(h, "\">");
		text(h, fl_report_section_title(&r->sections[i]));
		lit(h, "</a></li>\n");
	}
	lit(h, "<li><a href=\"#integrity\">Integrity statement</a></li>\n</ol>\n</nav>\n");
}

static void cover(html *h)
{
	const fl_report *r = h->r;
	char word[FL_REPORT_STR_MAX];

	lit(h, "<header class=\"cover\">\n<div class=\"masthead\">\n"
	       "<p class=\"org\">United Nations</p>\n<p class=\"distr\">Distr.: General<br />");
	date_long(h, r->generated);
	lit(h, "<br />Original: English</p>\n</div>\n<p class=\"council\">Human Rights Council"
	       "<span>");
	session_word(word, r->session);
	text(h, word);
	lit(h, " session</span></p>\n");
	cover_title(h);
	toc(h);
	cover_facts(h);
	lit(h, "</header>\n");
}

/* ---- the Board's narrative ---- */

static void narrative_sessions(html *h, const fl_narrative *n)
{
	heading(h, 3, NULL, "Sessions of the Board", 0);
	for (size_t i = 0; i < n->n_sessions && h->err == 0; i++) {
		const fl_narrative_session *s = &n->sessions[i];
		heading(h, 4, NULL, s->title, 0);
		lit(h, "<p class=\"session-meta\">");
		text(h, s->dates);
		if (s->place && *s->place) {
			lit(h, ", ");
			text(h, s->place);
		}
		lit(h, "</p>\n");
		paras(h, s->summary);
	}
}

static void narrative_members(html *h, const fl_narrative *n)
{
	heading(h, 3, NULL, "Members of the Board", 0);
	table_open(h, "members", n->n_members);
	lit(h, "Members of the Board of Trustees");
	head(h, "Name|Regional group|Role");
	for (size_t i = 0; i < n->n_members && h->err == 0; i++) {
		lit(h, "<tr>");
		th_row(h, n->members[i].name);
		td_text(h, n->members[i].group);
		td_text(h, n->members[i].role);
		lit(h, "</tr>\n");
	}
	table_close(h);
}

/* Findings or recommendations: a numbered list, each item in paragraphs. */
static void points(html *h, const char *title, char *const *items, size_t n)
{
	heading(h, 3, NULL, title, 0);
	lit(h, "<ol class=\"points\">\n");
	for (size_t i = 0; i < n && h->err == 0; i++) {
		lit(h, "<li>");
		paras(h, items[i]);
		lit(h, "</li>\n");
	}
	lit(h, "</ol>\n");
}

static void narrative(html *h)
{
	const fl_narrative *n = h->r->narrative;

	if (!n)
		return;
	lit(h, "<section class=\"part\" aria-labelledby=\"narrative\">\n");
	heading(h, 2, "narrative", "Work of the Board of Trustees in", h->r->year);
	if (n->introduction && *n->introduction) {
		heading(h, 3, NULL, "Introduction", 0);
		paras(h, n->introduction);
	}
	if (n->n_sessions)
		narrative_sessions(h, n);
	if (n->n_members)
		narrative_members(h, n);
	if (n->n_findings)
		points(h, "Main findings", n->findings, n->n_findings);
	if (n->n_recommendations)
		points(h, "Recommendations", n->recommendations, n->n_recommendations);
	lit(h, "</section>\n");
}

/* ---- a section: summary ---- */

/* A row of the key figures: a label (indented for a part of the row above), a count (or
 * nothing when count < 0), an amount (or nothing when has_usd is 0). */
static void key_row(html *h, const char *label, int part, int64_t count, int has_usd,
		    int64_t cents)
{
	lit(h, "<tr>");
	if (part)
		th_part(h, label);
	else
		th_row(h, label);
	if (count >= 0) {
		lit(h, "<td class=\"num\">");
		i64(h, count);
		lit(h, "</td>");
	} else {
		lit(h, "<td></td>");
	}
	if (has_usd)
		td_usd(h, cents);
	else
		lit(h, "<td></td>");
	lit(h, "</tr>\n");
}

static void summary_lead(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	char change[FL_REPORT_STR_MAX];
	int64_t permille;
	int known;

	fl_report_change(change, s->received_usd, s->previous_usd, &permille, &known);
	lit(h, "<p class=\"lead\">In ");
	i64(h, r->year);
	lit(h, s->fund ? ", the Fund received " : ", the funds together received ");
	count(h, s->receipts, "contribution", "contributions");
	lit(h, " from ");
	count(h, s->n_donors, "donor", "donors");
	lit(h, ", for a total of US$&#160;");
	usd(h, s->received_usd);
	lit(h, " (US$&#160;");
	usd(h, s->previous_usd);
	lit(h, " in ");
	i64(h, r->year - 1);
	if (known) {
		lit(h, "; a change of ");
		text(h, change);
	}
	lit(h, ").</p>\n");
}

static void new_donors(html *h, const fl_report_section *s)
{
	size_t k = 0;

	lit(h, "<p>");
	if (s->n_new_donors == 0) {
		lit(h, "No donor contributed for the first time.</p>\n");
		return;
	}
	lit(h, s->n_new_donors == 1 ? "New donor" : "New donors");
	lit(h, " (a first contribution in the year): ");
	for (size_t i = 0; i < s->n_donors && h->err == 0; i++) {
		if (!s->donors[i].is_new)
			continue;
		if (k++)
			lit(h, k == s->n_new_donors ? " and " : ", ");
		text(h, fl_report_donor_name(h->r, s->donors[i].donor));
	}
	lit(h, ".</p>\n");
}

static void summary(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	char b[160], end[FL_REPORT_STR_MAX], change[FL_REPORT_STR_MAX], id[96];
	int64_t permille;
	int known;

	make_id(id, s, "summary");
	heading(h, 3, id, "Summary", 0);
	summary_lead(h, s);
	table_open(h, "key", 8);
	lit(h, "Key figures for ");
	i64(h, r->year);
	head(h, "Item|>Number|>US dollars");
	snprintf(b, sizeof(b), "Contributions received in %d", r->year);
	key_row(h, b, 0, (int64_t)s->receipts, 1, s->received_usd);
	snprintf(b, sizeof(b), "Contributions received in %d", r->year - 1);
	key_row(h, b, 0, -1, 1, s->previous_usd);
	fl_report_change(change, s->received_usd, s->previous_usd, &permille, &known);
	snprintf(b, sizeof(b), "Change from %d", r->year - 1);
	lit(h, "<tr>");
	th_row(h, b);
	lit(h, "<td></td><td class=\"num\">");
	text(h, change);
	lit(h, "</td></tr>\n");
	key_row(h, "Donors", 0, (int64_t)s->n_donors, 0, 0);
	key_row(h, "of which new donors", 1, (int64_t)s->n_new_donors, 0, 0);
	snprintf(b, sizeof(b), "Pledges made in %d", r->year);
	key_row(h, b, 0, (int64_t)s->n_made, 1, s->made_usd);
	year_end(end, r->year);
	snprintf(b, sizeof(b), "Pledges outstanding at %s", end);
	key_row(h, b, 0, (int64_t)s->n_outstanding, 1, s->outstanding_usd);
	key_row(h, "of which overdue", 1, (int64_t)s->overdue_n, 1, s->overdue_usd);
	table_close(h);
	if (s->made_without_rate || s->outstanding_without_rate) {
		lit(h, "<p class=\"note\">Pledges in a currency without a United Nations "
		       "operational rate in force on the pledge date are counted but not valued "
		       "in US dollars: ");
		u64(h, s->made_without_rate);
		lit(h, " of the pledges made, ");
		u64(h, s->outstanding_without_rate);
		lit(h, " of those outstanding.</p>\n");
	}
	new_donors(h, s);
}

/* ---- a section: the statement of contributions ---- */

/* One receipt; the donor's name is shown on its first row and kept for screen readers on
 * the others. */
static void receipt_row(html *h, const fl_report_section *s, const fl_report_receipt *x,
			const fl_report_donor_total *t, int first)
{
	char rate[FL_REPORT_STR_MAX];

	lit(h, "<tr><th scope=\"row\">");
	if (!first)
		lit(h, "<span class=\"vh\">");
	text(h, fl_report_donor_name(h->r, t->donor));
	if (!first)
		lit(h, "</span>");
	else if (t->is_new)
		lit(h, " <span class=\"tag\">New donor</span>");
	lit(h, "</th>");
	if (!s->fund)
		td(h, x->fund);
	td(h, x->date);
	td(h, x->currency);
	td_amount(h, x->currency, x->amount);
	fl_report_rate(rate, x->rate_used);
	lit(h, "<td class=\"num\">");
	text(h, rate);
	lit(h, "</td>");
	td_usd(h, x->usd);
	lit(h, "</tr>\n");
}

static void statement(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	int span = s->fund ? 5 : 6; /* the columns before US dollars */
	char id[96];

	make_id(id, s, "contributions");
	heading(h, 3, id, "Statement of contributions received in", r->year);
	if (s->n_donors == 0) {
		lit(h, "<p>No contributions were received in the year.</p>\n");
		return;
	}
	lit(h, "<p>Contributions by donor, the largest total first, each at the United Nations "
	       "operational rate of exchange of its date of receipt (units of the currency per US "
	       "dollar).</p>\n");
	table_open(h, "statement", s->n_receipts + s->n_donors);
	lit(h, "Statement of contributions received from 1 January to 31 December ");
	i64(h, r->year);
	lit(h, " (US dollars)");
	head(h, s->fund ? "Donor|Date|Currency|>Amount|>Rate|>US dollars"
			: "Donor|Fund|Date|Currency|>Amount|>Rate|>US dollars");
	for (size_t d = 0; d < s->n_donors && h->err == 0; d++) {
		const fl_report_donor_total *t = &s->donors[d];
		if (d)
			lit(h, "</tbody>\n<tbody>\n");
		for (size_t i = t->first; i < t->first + t->n && i < s->n_receipts; i++)
			receipt_row(h, s, &s->receipts_list[i], t, i == t->first);
		if (t->n > 1) {
			total_open(h, "sub", span);
			lit(h, "Total, ");
			text(h, fl_report_donor_name(r, t->donor));
			lit(h, "</th>");
			td_usd(h, t->usd);
			lit(h, "</tr>\n");
		}
	}
	lit(h, "</tbody>\n<tbody>\n");
	total_open(h, "total", span);
	lit(h, "Total contributions received (");
	count(h, s->receipts, "contribution", "contributions");
	lit(h, " from ");
	count(h, s->n_donors, "donor", "donors");
	lit(h, ")</th>");
	td_usd(h, s->received_usd);
	lit(h, "</tr>\n");
	table_close(h);
}

/* ---- a section: pledges ---- */

static void td_pledge_usd(html *h, const fl_report_pledge *p, int64_t cents)
{
	if (p->usd_known)
		td_usd(h, cents);
	else
		lit(h, "<td class=\"num\">no rate</td>");
}

static void made_row(html *h, const fl_report_section *s, const fl_report_pledge *p)
{
	lit(h, "<tr>");
	th_row(h, fl_report_donor_name(h->r, p->donor));
	if (!s->fund)
		td(h, p->fund);
	td(h, p->date);
	td(h, p->years);
	td(h, p->currency);
	td_amount(h, p->currency, p->amount);
	td_pledge_usd(h, p, p->usd);
	td(h, fl_pledge_status_name(p->status));
	lit(h, "</tr>\n");
}

static void pledges_made(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	char id[96];

	make_id(id, s, "pledges");
	heading(h, 3, id, "Pledges made in", r->year);
	if (s->n_made == 0) {
		lit(h, "<p>No pledges were made in the year.</p>\n");
		return;
	}
	table_open(h, "pledges", s->n_made + 1);
	lit(h, "Pledges made in ");
	i64(h, r->year);
	lit(h, ", by date, with their status at 31 December (US dollars at the rate of the "
	       "pledge date)");
	head(h, s->fund ? "Donor|Pledged|For|Currency|>Amount|>US dollars|Status"
			: "Donor|Fund|Pledged|For|Currency|>Amount|>US dollars|Status");
	for (size_t i = 0; i < s->n_made && h->err == 0; i++)
		made_row(h, s, &s->made[i]);
	total_open(h, "total", s->fund ? 5 : 6);
	lit(h, "Total pledges made (");
	count(h, s->n_made, "pledge", "pledges");
	lit(h, ")</th>");
	td_usd(h, s->made_usd);
	lit(h, "<td></td></tr>\n");
	table_close(h);
}

static void aged(html *h, const fl_report_section *s)
{
	char end[FL_REPORT_STR_MAX];

	year_end(end, h->r->year);
	table_open(h, "aged", FL_AGE_COUNT + 2);
	lit(h, "Pledges outstanding at ");
	text(h, end);
	lit(h, ", by age (US dollars)");
	head(h, "Age of the pledge|>Pledges|>US dollars");
	for (int a = 0; a < FL_AGE_COUNT; a++) {
		char age[FL_REPORT_STR_MAX];
		snprintf(age, sizeof(age), "%s", fl_report_age_name((fl_report_age)a));
		capitalise(age);
		lit(h, "<tr>");
		th_row(h, age);
		td_u64(h, s->aged_n[a]);
		td_usd(h, s->aged_usd[a]);
		lit(h, "</tr>\n");
	}
	total_open(h, "total", 1);
	lit(h, "Total</th>");
	td_u64(h, s->n_outstanding);
	td_usd(h, s->outstanding_usd);
	lit(h, "</tr>\n<tr>");
	th_part(h, "of which overdue");
	td_u64(h, s->overdue_n);
	td_usd(h, s->overdue_usd);
	lit(h, "</tr>\n");
	table_close(h);
}

static void outstanding_row(html *h, const fl_report_section *s, const fl_report_pledge *p)
{
	lit(h, "<tr>");
	th_row(h, fl_report_donor_name(h->r, p->donor));
	if (!s->fund)
		td(h, p->fund);
	td(h, p->date);
	/* The status, and the word "Overdue" (not only a colour) when an instalment is late. */
	lit(h, "<td class=\"text\">");
	if (p->status != FL_PLEDGE_OVERDUE)
		text(h, fl_pledge_status_name(p->status));
	if (p->status != FL_PLEDGE_OVERDUE && p->overdue > 0)
		lit(h, "<br />");
	if (p->status == FL_PLEDGE_OVERDUE || p->overdue > 0)
		lit(h, "<strong class=\"flag\">Overdue</strong>");
	lit(h, "</td>");
	td(h, p->next_due);
	td(h, p->currency);
	td_amount(h, p->currency, p->outstanding);
	td_pledge_usd(h, p, p->usd_outstanding);
	if (p->overdue > 0)
		td_amount(h, p->currency, p->overdue);
	else
		lit(h, "<td></td>");
	lit(h, "</tr>\n");
}

static void pledges_outstanding(html *h, const fl_report_section *s)
{
	char end[FL_REPORT_STR_MAX], id[96];

	year_end(end, h->r->year);
	make_id(id, s, "outstanding");
	lit(h, "<h3 id=\"");
	text(h, id);
	lit(h, "\">Pledges outstanding at ");
	text(h, end);
	lit(h, "</h3>\n");
	aged(h, s);
	if (s->n_outstanding == 0)
		return;
	table_open(h, "outstanding", s->n_outstanding + 1);
	lit(h, "Pledges outstanding at ");
	text(h, end);
	lit(h, ", oldest first (amounts in the currency of the pledge; US dollars at the rate of "
	       "the pledge date)");
	head(h, s->fund ? "Donor|Pledged|Status|Next due|Currency|>Outstanding|>US dollars|"
			  ">of which overdue"
			: "Donor|Fund|Pledged|Status|Next due|Currency|>Outstanding|>US dollars|"
			  ">of which overdue");
	for (size_t i = 0; i < s->n_outstanding && h->err == 0; i++)
		outstanding_row(h, s, &s->outstanding[i]);
	total_open(h, "total", s->fund ? 6 : 7);
	lit(h, "Total outstanding (");
	count(h, s->n_outstanding, "pledge", "pledges");
	lit(h, ")</th>");
	td_usd(h, s->outstanding_usd);
	lit(h, "<td></td></tr>\n");
	table_close(h);
}

/* ---- a section: charts ---- */

/* A chart's scale, in US dollar cents: ticks every step up to top (steps of 1, 2 or 5 times
 * a power of ten, at most five of them), labelled in unit (millions, thousands or dollars). */
typedef struct {
	int64_t step, top, unit;
	const char *unit_name;
} axis;

/* Larger amounts are drawn as this (US$10 quadrillion): it keeps every product below in
 * range, and no fund will see one. */
#define CHART_MAX INT64_C(1000000000000000000)

static void axis_for(axis *a, int64_t max)
{
	static const int64_t mult[] = {1, 2, 5};
	int64_t p = 100, steps;

	max = max < 0 ? 0 : max > CHART_MAX ? CHART_MAX : max;
	a->step = 0;
	while (a->step == 0) {
		for (int i = 0; i < 3 && a->step == 0; i++) {
			int64_t st = p * mult[i];
			if (max / st + (max % st != 0) <= 5)
				a->step = st;
		}
		p *= 10;
	}
	steps = max / a->step + (max % a->step != 0);
	a->top = (steps ? steps : 1) * a->step;
	if (a->top >= INT64_C(100000000))
		a->unit = INT64_C(100000000), a->unit_name = "US$ millions";
	else if (a->top >= INT64_C(100000))
		a->unit = INT64_C(100000), a->unit_name = "US$ thousands";
	else
		a->unit = 100, a->unit_name = "US$";
}

/* v of top as a length of len (0 <= result <= len), in integers. */
static int64_t scale(int64_t v, int64_t top, int64_t len)
{
	if (v <= 0 || top <= 0)
		return 0;
	if (v > top)
		v = top;
	while (v > INT64_MAX / len) {
		v /= 2;
		top /= 2;
	}
	return v * len / top;
}

/* A tick's label in the axis's unit: "15" or "2.5" (ticks are whole tenths of the unit). */
static void tick_label(char out[32], const axis *a, int64_t v)
{
	int64_t tenths = v % a->unit * 10 / a->unit;
	if (tenths)
		snprintf(out, 32, "%" PRId64 ".%" PRId64, v / a->unit, tenths);
	else
		snprintf(out, 32, "%" PRId64, v / a->unit);
}

/* A value's label in the axis's unit, to one decimal, rounded half up: "16.4"; "0" for
 * nothing and "<0.1" for less than the label can show. */
static void value_label(char out[32], const axis *a, int64_t v)
{
	int64_t tenths;
	v = v < 0 ? 0 : v > CHART_MAX ? CHART_MAX : v;
	tenths = (v + a->unit / 20) / (a->unit / 10);
	if (v == 0)
		snprintf(out, 32, "0");
	else if (tenths == 0)
		snprintf(out, 32, "<0.1");
	else
		snprintf(out, 32, "%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
}

/* <text x y [class] [anchor]>s</text> */
static void svg_text(html *h, int64_t x, int64_t y, const char *attrs, const char *s)
{
	lit(h, "<text x=\"");
	i64(h, x);
	lit(h, "\" y=\"");
	i64(h, y);
	lit(h, "\" ");
	lit(h, attrs);
	lit(h, ">");
	text(h, s);
	lit(h, "</text>\n");
}

static void svg_rect(html *h, const char *cls, int64_t x, int64_t y, int64_t w, int64_t ht)
{
	lit(h, "<rect class=\"");
	lit(h, cls);
	lit(h, "\" x=\"");
	i64(h, x);
	lit(h, "\" y=\"");
	i64(h, y);
	lit(h, "\" width=\"");
	i64(h, w);
	lit(h, "\" height=\"");
	i64(h, ht);
	lit(h, "\" />\n");
}

static void svg_line(html *h, const char *cls, int64_t x1, int64_t y1, int64_t x2, int64_t y2)
{
	lit(h, "<line class=\"");
	lit(h, cls);
	lit(h, "\" x1=\"");
	i64(h, x1);
	lit(h, "\" y1=\"");
	i64(h, y1);
	lit(h, "\" x2=\"");
	i64(h, x2);
	lit(h, "\" y2=\"");
	i64(h, y2);
	lit(h, "\" />\n");
}

/* Opens a figure: <figure><svg role="img" ...><title>..</title><desc>..</desc>; desc is
 * what the caller writes next, then svg_body(). */
static void svg_open(html *h, const char *id, int64_t height, const char *title)
{
	lit(h, "<figure>\n<svg role=\"img\" viewBox=\"0 0 360 ");
	i64(h, height);
	lit(h, "\" aria-labelledby=\"");
	text(h, id);
	lit(h, "-title ");
	text(h, id);
	lit(h, "-desc\">\n<title id=\"");
	text(h, id);
	lit(h, "-title\">");
	text(h, title);
	lit(h, "</title>\n<desc id=\"");
	text(h, id);
	lit(h, "-desc\">");
}

static void svg_body(html *h)
{
	lit(h, "</desc>\n");
}

/* Closes the svg and the figure, with its numbered caption. */
static void svg_close(html *h, const char *title)
{
	lit(h, "</svg>\n<figcaption>Figure ");
	i64(h, ++h->figure);
	lit(h, ". ");
	text(h, title);
	lit(h, "</figcaption>\n</figure>\n");
}

/* The trend chart's frame (viewBox units): the plot area and the slot of each year. */
#define TR_H 218
#define TR_LEFT 46
#define TR_RIGHT 354
#define TR_TOP 24
#define TR_BASE 196
#define TR_SLOT ((TR_RIGHT - TR_LEFT) / FL_REPORT_TREND_YEARS)
#define TR_BAR 38

static void trend_svg(html *h, const fl_report_section *s, const char *id, const char *title)
{
	int first = h->r->year - (FL_REPORT_TREND_YEARS - 1);
	int64_t max = 0;
	char b[32], year[16];
	axis a;

	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++)
		max = s->trend_usd[k] > max ? s->trend_usd[k] : max;
	axis_for(&a, max);
	svg_open(h, id, TR_H, title);
	lit(h, "Bar chart of the contributions received in each year, in ");
	lit(h, a.unit_name);
	lit(h, ":");
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		value_label(b, &a, s->trend_usd[k]);
		snprintf(year, sizeof(year), " %d, ", first + k);
		lit(h, year);
		text(h, b);
		lit(h, k + 1 < FL_REPORT_TREND_YEARS ? ";" : ".");
	}
	svg_body(h);
	svg_text(h, 0, 10, "class=\"unit\" font-size=\"9\"", a.unit_name);
	for (int64_t t = 0; t <= a.top && h->err == 0; t += a.step) {
		int64_t y = TR_BASE - scale(t, a.top, TR_BASE - TR_TOP);
		tick_label(b, &a, t);
		svg_line(h, t ? "grid" : "axis", TR_LEFT, y, TR_RIGHT, y);
		svg_text(h, TR_LEFT - 6, y + 3, "font-size=\"9\" text-anchor=\"end\"", b);
	}
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		int64_t x = TR_LEFT + k * TR_SLOT + (TR_SLOT - TR_BAR) / 2;
		int64_t ht = scale(s->trend_usd[k], a.top, TR_BASE - TR_TOP);
		svg_rect(h, k + 1 == FL_REPORT_TREND_YEARS ? "bar current" : "bar", x, TR_BASE - ht,
			 TR_BAR, ht);
		value_label(b, &a, s->trend_usd[k]);
		svg_text(h, x + TR_BAR / 2, TR_BASE - ht - 5,
			 "class=\"value\" font-size=\"9.5\" text-anchor=\"middle\"", b);
		snprintf(year, sizeof(year), "%d", first + k);
		svg_text(h, x + TR_BAR / 2, TR_BASE + 16, "font-size=\"10\" text-anchor=\"middle\"",
			 year);
	}
	svg_close(h, title);
}

static void trend(html *h, const fl_report_section *s)
{
	int first = h->r->year - (FL_REPORT_TREND_YEARS - 1);
	char id[96], title[128], year[16];

	make_id(id, s, "trend");
	snprintf(title, sizeof(title), "Contributions received, %d\xe2\x80\x93%d", first,
		 h->r->year);
	lit(h, "<div class=\"chart-row\">\n");
	trend_svg(h, s, id, title);
	table_open(h, "chart-data", FL_REPORT_TREND_YEARS);
	text(h, title);
	lit(h, " (US dollars)");
	head(h, "Year|>US dollars");
	for (int k = 0; k < FL_REPORT_TREND_YEARS; k++) {
		snprintf(year, sizeof(year), "%d", first + k);
		lit(h, "<tr>");
		th_row(h, year);
		td_usd(h, s->trend_usd[k]);
		lit(h, "</tr>\n");
	}
	table_close(h);
	lit(h, "</div>\n");
}

/* The groups chart's frame: one row per group, its name above its bar. */
#define GR_TOP 18
#define GR_ROW 31
#define GR_BAR 12
#define GR_LEN 280
#define GR_H (GR_TOP + FL_RGROUP_COUNT * GR_ROW)

static void groups_svg(html *h, const fl_report_section *s, const char *id, const char *title)
{
	int64_t max = 0;
	char b[32];
	axis a;

	for (int g = 0; g < FL_RGROUP_COUNT; g++)
		max = s->group_usd[g] > max ? s->group_usd[g] : max;
	axis_for(&a, max);
	svg_open(h, id, GR_H, title);
	lit(h, "Horizontal bar chart of the year's contributions by regional group of the "
	       "donor, in ");
	lit(h, a.unit_name);
	lit(h, ":");
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		value_label(b, &a, s->group_usd[g]);
		lit(h, " ");
		text(h, fl_report_group_name((fl_report_group)g));
		lit(h, ", ");
		text(h, b);
		lit(h, g + 1 < FL_RGROUP_COUNT ? ";" : ".");
	}
	svg_body(h);
	svg_text(h, 0, 10, "class=\"unit\" font-size=\"9\"", a.unit_name);
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		int64_t y = GR_TOP + g * GR_ROW;
		int64_t w = scale(s->group_usd[g], a.top, GR_LEN);
		const char *name = fl_report_group_name((fl_report_group)g);
		svg_text(h, 0, y + 10, "font-size=\"9.5\"", name);
		svg_rect(h, "bar current", 0, y + 14, w, GR_BAR);
		value_label(b, &a, s->group_usd[g]);
		svg_text(h, w + 5, y + 24, "class=\"value\" font-size=\"9.5\"", b);
	}
	svg_close(h, title);
}

static void groups(html *h, const fl_report_section *s)
{
	char id[96], title[128];

	make_id(id, s, "groups");
	snprintf(title, sizeof(title), "Contributions received in %d, by regional group",
		 h->r->year);
	lit(h, "<div class=\"chart-row\">\n");
	groups_svg(h, s, id, title);
	table_open(h, "chart-data", FL_RGROUP_COUNT + 1);
	text(h, title);
	lit(h, " (US dollars)");
	head(h, "Regional group|>Donors|>US dollars");
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		lit(h, "<tr>");
		th_row(h, fl_report_group_name((fl_report_group)g));
		td_u64(h, s->group_donors[g]);
		td_usd(h, s->group_usd[g]);
		lit(h, "</tr>\n");
	}
	total_open(h, "total", 1);
	lit(h, "Total</th>");
	td_u64(h, s->n_donors);
	td_usd(h, s->received_usd);
	lit(h, "</tr>\n");
	table_close(h);
	lit(h, "</div>\n");
}

static void charts(html *h, const fl_report_section *s)
{
	char id[96];

	make_id(id, s, "charts");
	lit(h, "<div class=\"charts\">\n");
	heading(h, 3, id, "Contributions over five years and by regional group", 0);
	trend(h, s);
	groups(h, s);
	lit(h, "</div>\n");
}

/* ---- a section: paragraph 14 ---- */

static int is_state(const fl_report_donor *d)
{
	return d->kind == FL_DONOR_MEMBER_STATE || d->kind == FL_DONOR_OBSERVER_STATE;
}

/* States per group: in the configuration, not contributing in the year, never. */
static void state_counts(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	uint64_t all[FL_RGROUP_COUNT] = {0}, year[FL_RGROUP_COUNT] = {0},
		 never[FL_RGROUP_COUNT] = {0};

	for (size_t i = 0; i < r->n_donors; i++)
		if (is_state(&r->donors[i]) && (unsigned)r->donors[i].group < FL_RGROUP_COUNT)
			all[r->donors[i].group]++;
	for (size_t i = 0; i < s->n_not_in_year; i++)
		year[r->donors[s->not_in_year[i]].group % FL_RGROUP_COUNT]++;
	for (size_t i = 0; i < s->n_never; i++)
		never[r->donors[s->never[i]].group % FL_RGROUP_COUNT]++;
	table_open(h, "p14", FL_RGROUP_COUNT);
	lit(h, "States that did not contribute, by regional group");
	head(h, "Regional group|>States|>Did not contribute in the year|>Never contributed");
	for (int g = 0; g < FL_RGROUP_COUNT; g++) {
		if (g == FL_RGROUP_OTHER_DONORS)
			continue; /* not States */
		lit(h, "<tr>");
		th_row(h, fl_report_group_name((fl_report_group)g));
		td_u64(h, all[g]);
		td_u64(h, year[g]);
		td_u64(h, never[g]);
		lit(h, "</tr>\n");
	}
	total_open(h, "total", 1);
	lit(h, "All States</th>");
	td_u64(h, s->n_states);
	td_u64(h, s->n_not_in_year);
	td_u64(h, s->n_never);
	lit(h, "</tr>\n");
	table_close(h);
}

/* A list of States (donor indexes, by group then name), under a heading per group. */
static void state_list(html *h, const size_t *idx, size_t n)
{
	const fl_report *r = h->r;
	size_t i = 0;

	if (n == 0) {
		lit(h, "<p>None.</p>\n");
		return;
	}
	lit(h, "<div class=\"groups\">\n");
	while (i < n && h->err == 0) {
		fl_report_group g = r->donors[idx[i]].group;
		size_t end = i;
		while (end < n && r->donors[idx[end]].group == g)
			end++;
		lit(h, "<h5>");
		text(h, fl_report_group_name(g));
		lit(h, " (");
		u64(h, end - i);
		lit(h, ")</h5>\n<ul class=\"names\">\n");
		for (; i < end && h->err == 0; i++) {
			lit(h, "<li>");
			text(h, r->donors[idx[i]].name);
			if (r->donors[idx[i]].kind == FL_DONOR_OBSERVER_STATE)
				lit(h, " (observer State)");
			lit(h, "</li>\n");
		}
		lit(h, "</ul>\n");
	}
	lit(h, "</div>\n");
}

static void paragraph14(html *h, const fl_report_section *s)
{
	const fl_report *r = h->r;
	char id[96], end[FL_REPORT_STR_MAX];

	year_end(end, r->year);
	make_id(id, s, "p14");
	heading(h, 3, id, "States that have not contributed (resolution 18/18, paragraph 14)", 0);
	lit(h, "<p>The Human Rights Council encouraged States to contribute, especially those "
	       "that have not yet done so. Of the ");
	u64(h, s->n_states);
	lit(h, " Member and observer States, ");
	u64(h, s->n_not_in_year);
	lit(h, " did not contribute to ");
	lit(h, s->fund ? "the Fund" : "any of the funds");
	lit(h, " in ");
	i64(h, r->year);
	lit(h, ", and ");
	u64(h, s->n_never);
	lit(h, " had never contributed by ");
	text(h, end);
	lit(h, ".</p>\n");
	state_counts(h, s);
	lit(h, "<h4>States that did not contribute in ");
	i64(h, r->year);
	lit(h, " (");
	u64(h, s->n_not_in_year);
	lit(h, ")</h4>\n");
	state_list(h, s->not_in_year, s->n_not_in_year);
	lit(h, "<h4>States that have never contributed (");
	u64(h, s->n_never);
	lit(h, ")</h4>\n");
	state_list(h, s->never, s->n_never);
}

/* ---- a section: reconciliation ---- */

static void unmatched(html *h, const fl_report_section *s)
{
	table_open(h, "unmatched", s->n_unmatched);
	lit(h, "Receipts not wholly applied to pledges at 31 December (amounts in the currency "
	       "received)");
	head(h, s->fund ? "Donor|Received|Currency|>Unapplied|Proposal|Reason"
			: "Donor|Fund|Received|Currency|>Unapplied|Proposal|Reason");
	for (size_t i = 0; i < s->n_unmatched && h->err == 0; i++) {
		const fl_report_unmatched *u = &s->unmatched[i];
		lit(h, "<tr>");
		th_row(h, fl_report_donor_name(h->r, u->donor));
		if (!s->fund)
			td(h, u->fund);
		td(h, u->date);
		td(h, u->currency);
		td_amount(h, u->currency, u->unapplied);
		td(h, fl_match_rule_name(u->rule));
		td_text(h, u->reason);
		lit(h, "</tr>\n");
	}
	table_close(h);
}

static void bank(html *h, const fl_report_section *s)
{
	table_open(h, "bank", s->n_bank);
	lit(h, "Bank statement lines and contributions not reconciled at 31 December");
	head(h, "Item|Value date|Currency|>Bank amount|>Ledger amount|Reference|Debtor|Reason");
	for (size_t i = 0; i < s->n_bank && h->err == 0; i++) {
		const fl_report_bankline *x = &s->bank[i];
		lit(h, "<tr>");
		th_row(h, fl_bank_class_name(x->cls));
		td(h, x->date);
		td(h, x->currency);
		if (x->line)
			td_amount(h, x->currency, x->line_amount);
		else
			lit(h, "<td></td>");
		if (x->contribution)
			td_amount(h, x->currency, x->ledger_amount);
		else
			lit(h, "<td></td>");
		td(h, x->ref);
		td_text(h, x->debtor);
		td_text(h, x->reason);
		lit(h, "</tr>\n");
	}
	table_close(h);
}

static void reconciliation(html *h, const fl_report_section *s)
{
	char id[96], end[FL_REPORT_STR_MAX];

	year_end(end, h->r->year);
	make_id(id, s, "reconciliation");
	lit(h, "<h3 id=\"");
	text(h, id);
	lit(h, "\">Reconciliation status at ");
	text(h, end);
	lit(h, "</h3>\n<p>");
	if (s->statements || s->lines || s->lines_matched) {
		lit(h, "Bank statements imported for the year: ");
		u64(h, s->statements);
		lit(h, ", with ");
		count(h, s->lines, "line", "lines");
		lit(h, ", of which ");
		u64(h, s->lines_matched);
		lit(h, " matched to contributions. ");
	}
	count(h, s->n_unmatched, "receipt was", "receipts were");
	lit(h, " not wholly applied to pledges, and ");
	count(h, s->n_bank, "bank item was", "bank items were");
	lit(h, " not reconciled.</p>\n");
	if (s->n_unmatched)
		unmatched(h, s);
	if (s->n_bank)
		bank(h, s);
}

static void section(html *h, size_t i)
{
	const fl_report_section *s = &h->r->sections[i];
	char id[96], cls[32];

	make_id(id, s, "");
	snprintf(cls, sizeof(cls), "part s%zu", i);
	lit(h, "<section class=\"");
	lit(h, cls);
	lit(h, "\" aria-labelledby=\"");
	text(h, id);
	lit(h, "\">\n");
	lit(h, "<h2 id=\"");
	text(h, id);
	lit(h, "\">");
	text(h, fl_report_section_title(s));
	if (s->fund) {
		lit(h, " (");
		text(h, s->fund->code);
		lit(h, ")");
	}
	lit(h, "</h2>\n");
	summary(h, s);
	statement(h, s);
	pledges_made(h, s);
	pledges_outstanding(h, s);
	charts(h, s);
	paragraph14(h, s);
	reconciliation(h, s);
	lit(h, "</section>\n");
}

/* ---- the integrity statement ---- */

static void signers(html *h)
{
	const fl_report *r = h->r;

	table_open(h, "signers", r->n_signers);
	lit(h, "Signatures on the checkpoint, verified against the keys of the configuration");
	head(h, "Signer|Role|Key id");
	for (size_t i = 0; i < r->n_signers && h->err == 0; i++) {
		lit(h, "<tr>");
		th_row(h, r->signers[i].name);
		td(h, r->signers[i].role);
		lit(h, "<td><code>");
		text(h, r->signers[i].key_hash);
		lit(h, "</code></td></tr>\n");
	}
	table_close(h);
}

/* The steps: save the note, verify it (the first command), reproduce the report (the
 * others). */
static void steps(html *h, const char *cmds)
{
	const fl_report *r = h->r;
	const char *nl = strchr(cmds, '\n');
	size_t n = nl ? (size_t)(nl - cmds) : strlen(cmds);

	lit(h, "<ol class=\"steps\">\n<li>Save the signed note above as <code>checkpoint-");
	u64(h, r->size);
	lit(h, ".txt</code> and verify the ledger against it, with the keys of the "
	       "configuration:\n<pre>");
	text_n(h, cmds, n);
	lit(h, "</pre></li>\n<li>Then compute the report again from that checkpoint");
	if (r->narrative) {
		lit(h, ", with the narrative file <code>");
		text(h, r->narrative_name);
		lit(h, "</code> in the working directory");
	}
	lit(h, ". The file it writes is identical, byte for byte, to this one:\n<pre>");
	text(h, nl ? nl + 1 : "");
	lit(h, "</pre></li>\n</ol>\n");
}

static void integrity(html *h)
{
	const fl_report *r = h->r;
	char root[FL_HASH_HEX_LEN + 1], b[FL_REPORT_STR_MAX];
	fl_buf cmds = FL_BUF_INIT;

	fl_report_root_hex(root, r);
	lit(h, "<section class=\"part\" aria-labelledby=\"integrity\">\n");
	heading(h, 2, "integrity", "Integrity statement", 0);
	lit(h, "<p>The figures of this report were computed from the ledger <code>");
	text(h, r->origin);
	lit(h, "</code> as it stood at its signed checkpoint of ");
	u64(h, r->size);
	lit(h, " entries, the last of them recorded on ");
	snprintf(b, sizeof(b), "%.10s", r->ledger_time);
	date_long(h, b);
	lit(h, ". Anyone holding a copy of the ledger can check that this checkpoint is "
	       "genuine and that the report follows from it.</p>\n<dl class=\"facts\">\n");
	fact(h, "Ledger origin", r->origin);
	snprintf(b, sizeof(b), "%" PRIu64, r->size);
	fact(h, "Checkpoint size", b);
	lit(h, "<dt>Merkle root (SHA-256)</dt><dd><code class=\"hash\">");
	text(h, root);
	lit(h, "</code></dd>\n</dl>\n");
	signers(h);
	heading(h, 3, NULL, "The signed checkpoint", 0);
	lit(h, "<pre class=\"note\">");
	text(h, r->checkpoint);
	lit(h, "</pre>\n");
	heading(h, 3, NULL, "How to verify this report", 0);
	if (h->err == 0)
		h->err = fl_report_integrity_commands(&cmds, r, FL_REPORT_HTML);
	if (h->err == 0)
		steps(h, fl_buf_cstr(&cmds));
	lit(h, "</section>\n");
	fl_buf_free(&cmds);
}

/* ---- the document ---- */

int fl_report_html(const fl_report_dest *d, const fl_report *r)
{
	html h = {d->out, d, r, 0, 0};

	doc_head(&h);
	cover(&h);
	lit(&h, "<main>\n");
	narrative(&h);
	for (size_t i = 0; i < r->n_sections && h.err == 0; i++)
		section(&h, i);
	integrity(&h);
	lit(&h, "</main>\n</body>\n</html>\n");
	return h.err;
}
