/*
 * config.c: the YAML configuration: fundledger.yaml and the funds, donors and currencies files
 * it names. The only file that includes yaml.h; schemas and rules are in docs/CONFIG.md.
 *
 * Each file is read whole, then parsed in two steps. First libyaml's event parser builds a small
 * tree of nodes (scalar, sequence, mapping), each with the 1-based line and column where it
 * starts; aliases, anchors, tags, %TAG directives, non-string keys, nesting deeper than
 * MAX_DEPTH and more than one document are refused while the tree is built. Then the tree is
 * checked against the schema of the file. Scalars are taken as written: there is no implicit
 * typing, so `NO` is the string "NO" and only minor_units is a number.
 *
 * Errors: FL_ECONFIG "FILE:LINE:COLUMN: what is wrong" (FILE as opened; libyaml's own errors are
 * translated to the same form), FL_EIO "FILE: cannot open: reason", FL_ENOMEM.
 *
 * Invariants: the fl_config under construction stays private until every file has passed, so a
 * failure frees it and leaves *out untouched. A returned fl_config holds no duplicate codes and
 * its arrays are sorted by code (strcmp order), which the bsearch look-ups rely on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "fundledger/buf.h"
#include "fundledger/config.h"
#include "fundledger/date.h"
#include "fundledger/money.h"

/* No schema nests deeper than 4; the limit keeps the recursive node_free shallow. */
#define MAX_DEPTH 64
#define ORIGIN_MAX 255
#define RECORDED_BY_MAX 64
/* How much of a bad value an error message quotes. */
#define SHOW_MAX 64

typedef enum { NODE_SCALAR, NODE_SEQ, NODE_MAP } node_kind;

typedef struct node {
	node_kind kind;
	size_t line, col;  /* 1-based */
	char *str;         /* scalar: the value, NUL-terminated; may hold NULs, len rules */
	size_t len;
	int plain;         /* scalar written without quotes or block indicator */
	struct node **kid; /* sequence: items; mapping: key, value, key, value, ... */
	size_t n, cap;
} node;

/* One parsed file. */
typedef struct {
	const char *file; /* the path it was opened with, for messages */
	fl_buf text;
	node *root;
} doc;

/* A schema field: a mapping key and whether it must be present. */
typedef struct {
	const char *key;
	int required;
} field;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Indexed by fl_donor_kind and fl_group; index 0 is no kind, or no group. */
static const char *const kind_names[] = {
	"", "member_state", "observer_state", "intergovernmental", "foundation", "private",
	"individual"
};

static const char *const group_names[] = {
	"", "African", "Asia-Pacific", "Eastern European", "Latin American and Caribbean",
	"Western European and Others"
};

_Static_assert(COUNT(kind_names) == FL_DONOR_INDIVIDUAL + 1, "kind_names follows fl_donor_kind");
_Static_assert(COUNT(group_names) == FL_GROUP_WEOG + 1, "group_names follows fl_group");

/* ------------------------------------------------------------------------------------------ */
/* Messages */

static int verr_at(const char *file, size_t line, size_t col, const char *fmt, va_list ap)
	FL_PRINTF(4, 0);
static int verr_at(const char *file, size_t line, size_t col, const char *fmt, va_list ap)
{
	char msg[FL_ERROR_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return fl_error_set(FL_ECONFIG, "%s:%zu:%zu: %s", file, line, col, msg);
}

/* FL_ECONFIG at a 1-based position. */
static int err_pos(const char *file, size_t line, size_t col, const char *fmt, ...)
	FL_PRINTF(4, 5);
static int err_pos(const char *file, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = verr_at(file, line, col, fmt, ap);
	va_end(ap);
	return err;
}

/* FL_ECONFIG at the start of a node. */
static int err_at(const char *file, const node *n, const char *fmt, ...) FL_PRINTF(3, 4);
static int err_at(const char *file, const node *n, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = verr_at(file, n->line, n->col, fmt, ap);
	va_end(ap);
	return err;
}

static int io_error(const char *file, const char *what, int e)
{
	char reason[256];

	if (strerror_r(e, reason, sizeof(reason)) != 0)
		snprintf(reason, sizeof(reason), "error %d", e);
	return fl_error_set(FL_EIO, "%s: %s: %s", file, what, reason);
}

static int no_memory(void)
{
	return fl_error_set(FL_ENOMEM, "out of memory");
}

/*
 * How many bytes of a scalar a message may quote: at most SHOW_MAX, cut at a UTF-8 character
 * boundary. Only called on values that passed text_check, so nothing unprintable is quoted.
 */
static int show(const node *n)
{
	size_t k = n->len;

	if (k > SHOW_MAX) {
		k = SHOW_MAX;
		while (k > 0 && ((unsigned char)n->str[k] & 0xC0) == 0x80)
			k--;
	}
	return (int)k;
}

/* ------------------------------------------------------------------------------------------ */
/* Nodes */

static node *node_new(node_kind kind, yaml_mark_t mark)
{
	node *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->line = mark.line + 1;
		n->col = mark.column + 1;
	}
	return n;
}

/* Recursion is bounded by MAX_DEPTH, enforced while the tree is built. */
static void node_free(node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n->str);
	free(n);
}

static int node_add(node *parent, node *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap : 8;
		node **p;

		if (parent->cap) {
			if (cap > SIZE_MAX / 2 / sizeof(*p))
				return fl_error_set(FL_ERANGE, "too many nodes");
			cap *= 2;
		}
		p = realloc(parent->kid, cap * sizeof(*p));
		if (!p)
			return no_memory();
		parent->kid = p;
		parent->cap = cap;
	}
	parent->kid[parent->n++] = kid;
	return 0;
}

static const char *node_kind_word(const node *n)
{
	switch (n->kind) {
	case NODE_SEQ: return "a sequence";
	case NODE_MAP: return "a mapping";
	case NODE_SCALAR: break;
	}
	return "a string";
}

/* A plain empty, ~ or null scalar: YAML's spellings of "nothing", refused as values. */
static int is_null(const node *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->kind != NODE_SCALAR || !n->plain)
		return 0;
	for (size_t i = 0; i < COUNT(nulls); i++)
		if (strlen(nulls[i]) == n->len && memcmp(nulls[i], n->str, n->len) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading and parsing */

static int read_all(fl_buf *b, const char *path)
{
	FILE *f;
	int err = 0;

	if (!(f = fopen(path, "rb")))
		return io_error(path, "cannot open", errno);
	for (;;) {
		size_t n;

		if ((err = fl_buf_grow(b, 8192)) < 0)
			break;
		n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += n;
		b->data[b->len] = 0;
		if (n == 0) {
			if (ferror(f))
				err = io_error(path, "cannot read", errno);
			break;
		}
	}
	fclose(f);
	return err;
}

/*
 * The 1-based line and column of a byte offset in the text, counted as libyaml counts them:
 * columns in characters, lines ended by LF, CR LF or CR. Reader errors carry only an offset.
 */
static void offset_mark(const fl_buf *text, size_t offset, size_t *line, size_t *col)
{
	size_t i = 0;

	*line = 1;
	*col = 1;
	/* libyaml counts a UTF-8 BOM in the offset but not in the column. */
	if (text->len >= 3 && memcmp(text->data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < offset && i < text->len; i++) {
		unsigned char c = text->data[i];

		if (c == '\n' || (c == '\r' && (i + 1 >= text->len || text->data[i + 1] != '\n'))) {
			(*line)++;
			*col = 1;
		} else if (c != '\r' && (c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* Translates libyaml's error record into ours. */
static int yaml_failure(const doc *d, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "syntax error";
	size_t line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return fl_error_set(FL_ENOMEM, "%s: out of memory while parsing", d->file);
	case YAML_READER_ERROR:
		offset_mark(&d->text, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return err_pos(d->file, line, col, "%s (#%02X)", problem,
				       (unsigned)p->problem_value);
		return err_pos(d->file, line, col, "%s", problem);
	default:
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
		if (p->context)
			return err_pos(d->file, line, col, "%s (%s at line %zu, column %zu)", problem,
				       p->context, p->context_mark.line + 1,
				       p->context_mark.column + 1);
		return err_pos(d->file, line, col, "%s", problem);
	}
}

/* Refuses node properties: anchors (and so aliases' targets) and explicit tags. */
static int check_props(const doc *d, const yaml_event_t *ev, const yaml_char_t *anchor,
		       const yaml_char_t *tag)
{
	size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;

	if (anchor)
		return err_pos(d->file, line, col, "anchors are not allowed (&%.*s)", SHOW_MAX,
			       (const char *)anchor);
	if (tag) {
		/* libyaml decodes %-escapes in tags, so quote only a printable one. */
		for (const yaml_char_t *t = tag; *t; t++)
			if (*t <= ' ' || *t > '~')
				return err_pos(d->file, line, col, "tags are not allowed");
		return err_pos(d->file, line, col, "tags are not allowed (%.*s)", SHOW_MAX,
			       (const char *)tag);
	}
	return 0;
}

/* Hangs a finished node under the innermost open collection, or makes it the root. */
static int attach(doc *d, node **stack, size_t depth, node *n)
{
	node *parent;

	if (depth == 0) {
		d->root = n;
		return 0;
	}
	parent = stack[depth - 1];
	if (parent->kind == NODE_MAP && parent->n % 2 == 0 && n->kind != NODE_SCALAR) {
		int err = err_at(d->file, n, "a mapping key must be a string, not %s",
				 node_kind_word(n));
		node_free(n);
		return err;
	}
	if (node_add(parent, n) < 0) {
		node_free(n);
		return fl_error_code();
	}
	return 0;
}

/* Builds d->root from d->text with libyaml's event parser. */
static int parse(doc *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	node *stack[MAX_DEPTH];
	size_t depth = 0;
	int err = 0, have_event = 0, ndocs = 0, end = 0;

	if (!yaml_parser_initialize(&p))
		return no_memory();
	/*
	 * libyaml would decode UTF-16 after its BOM; we take UTF-8 only. The encoding is not forced
	 * with yaml_parser_set_encoding because then libyaml no longer skips a UTF-8 BOM cleanly.
	 */
	if (d->text.len >= 2 && ((d->text.data[0] == 0xFF && d->text.data[1] == 0xFE) ||
				 (d->text.data[0] == 0xFE && d->text.data[1] == 0xFF))) {
		err = err_pos(d->file, 1, 1, "the file is UTF-16; it must be UTF-8");
		goto done;
	}
	yaml_parser_set_input_string(&p, d->text.data ? d->text.data : (const unsigned char *)"",
				     d->text.len);

	while (!end) {
		node *n = NULL;
		size_t line, col;

		if (!yaml_parser_parse(&p, &ev)) {
			err = yaml_failure(d, &p);
			goto done;
		}
		have_event = 1;
		line = ev.start_mark.line + 1;
		col = ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			end = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (ndocs++) {
				err = err_pos(d->file, line, col,
					      "more than one YAML document in the file");
				goto done;
			}
			if (ev.data.document_start.tag_directives.start !=
			    ev.data.document_start.tag_directives.end) {
				err = err_pos(d->file, line, col, "%%TAG directives are not allowed");
				goto done;
			}
			break;
		case YAML_ALIAS_EVENT:
			err = err_pos(d->file, line, col, "aliases are not allowed (*%.*s)", SHOW_MAX,
				      (const char *)ev.data.alias.anchor);
			goto done;
		case YAML_SCALAR_EVENT:
			if ((err = check_props(d, &ev, ev.data.scalar.anchor, ev.data.scalar.tag)) < 0)
				goto done;
			if (!(n = node_new(NODE_SCALAR, ev.start_mark)) ||
			    !(n->str = malloc(ev.data.scalar.length + 1))) {
				node_free(n);
				err = no_memory();
				goto done;
			}
			if (ev.data.scalar.length)
				memcpy(n->str, ev.data.scalar.value, ev.data.scalar.length);
			n->str[ev.data.scalar.length] = '\0';
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if ((err = attach(d, stack, depth, n)) < 0)
				goto done;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				err = check_props(d, &ev, ev.data.sequence_start.anchor,
						  ev.data.sequence_start.tag);
			else
				err = check_props(d, &ev, ev.data.mapping_start.anchor,
						  ev.data.mapping_start.tag);
			if (err < 0)
				goto done;
			if (depth == MAX_DEPTH) {
				err = err_pos(d->file, line, col, "nested deeper than %d levels",
					      MAX_DEPTH);
				goto done;
			}
			n = node_new(ev.type == YAML_SEQUENCE_START_EVENT ? NODE_SEQ : NODE_MAP,
				     ev.start_mark);
			if (!n) {
				err = no_memory();
				goto done;
			}
			if ((err = attach(d, stack, depth, n)) < 0)
				goto done;
			stack[depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--; /* libyaml only emits balanced events */
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		have_event = 0;
	}
	if (!d->root)
		err = err_pos(d->file, 1, 1, "the file is empty: expected a mapping");
done:
	if (have_event)
		yaml_event_delete(&ev);
	yaml_parser_delete(&p);
	return err;
}

static void doc_free(doc *d)
{
	node_free(d->root);
	d->root = NULL;
	fl_buf_free(&d->text);
}

/* Reads and parses a file; on failure the caller still calls doc_free. */
static int doc_load(doc *d, const char *path)
{
	int err;

	d->file = path;
	if ((err = read_all(&d->text, path)) < 0)
		return err;
	if ((err = parse(d)) < 0)
		return err;
	if (!d->root) /* parse() refuses an empty stream; kept for the analyzer */
		return err_pos(path, 1, 1, "the file is empty: expected a mapping");
	if (d->root->kind != NODE_MAP)
		return err_at(path, d->root, "expected a mapping at the top level, not %s",
			      is_null(d->root) ? "nothing" : node_kind_word(d->root));
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Schema checks */

/*
 * 0 when a string is well-formed UTF-8 with no control characters (C0, DEL, C1), else the
 * offending code point in *bad (or -1 for malformed UTF-8) and FL_EINVALID.
 */
static int text_scan(const unsigned char *s, size_t len, long *bad, size_t *chars)
{
	size_t i = 0, count = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned long cp;
		size_t need;

		if (c < 0x80) {
			cp = c;
			need = 0;
		} else if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1Fu;
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0Fu;
			need = 2;
		} else if (c >= 0xF0 && c <= 0xF4) {
			cp = c & 0x07u;
			need = 3;
		} else {
			*bad = -1;
			return FL_EINVALID;
		}
		if (need > len - i - 1) {
			*bad = -1;
			return FL_EINVALID;
		}
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80) {
				*bad = -1;
				return FL_EINVALID;
			}
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF)) {
			*bad = -1;
			return FL_EINVALID;
		}
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			*bad = (long)cp;
			return FL_EINVALID;
		}
		i += need + 1;
		count++;
	}
	if (chars)
		*chars = count;
	return 0;
}

static int text_check(const char *file, const node *n, const char *what)
{
	long bad;

	if (text_scan((const unsigned char *)n->str, n->len, &bad, NULL) == 0)
		return 0;
	if (bad < 0)
		return err_at(file, n, "%s is not valid UTF-8", what);
	return err_at(file, n, "%s contains the control character U+%04lX", what,
		      (unsigned long)bad);
}

/*
 * Matches the keys of a mapping against a schema: val[i] receives the value of spec[i] or
 * NULL. Refuses a non-mapping, unknown and duplicate keys, and missing required keys.
 */
static int fields(const char *file, const node *map, const char *what, const field *spec,
		  size_t nspec, const node **val)
{
	for (size_t j = 0; j < nspec; j++)
		val[j] = NULL;
	if (map->kind != NODE_MAP)
		return err_at(file, map, "%s must be a mapping, not %s", what,
			      is_null(map) ? "nothing" : node_kind_word(map));
	for (size_t k = 0; k + 1 < map->n; k += 2) {
		const node *key = map->kid[k];
		size_t j;
		int err;

		for (j = 0; j < nspec; j++)
			if (strlen(spec[j].key) == key->len &&
			    memcmp(spec[j].key, key->str, key->len) == 0)
				break;
		if (j == nspec) {
			char expected[256] = "";
			size_t used = 0;

			if ((err = text_check(file, key, "a key")) < 0)
				return err;
			/* The keys are our own short constants; they fit. */
			for (size_t i = 0; i < nspec && used < sizeof(expected); i++)
				used += (size_t)snprintf(expected + used, sizeof(expected) - used,
							 "%s%s", i ? ", " : "", spec[i].key);
			return err_at(file, key, "unknown key '%.*s' in %s (expected: %s)",
				      show(key), key->str, what, expected);
		}
		if (val[j])
			return err_at(file, key, "duplicate key '%s' in %s", spec[j].key, what);
		val[j] = map->kid[k + 1];
	}
	for (size_t j = 0; j < nspec; j++)
		if (spec[j].required && !val[j])
			return err_at(file, map, "%s has no '%s'", what, spec[j].key);
	return 0;
}

/*
 * A string value: a scalar, not empty or null, valid UTF-8 without control characters and
 * without leading or trailing spaces. `key` names it in messages.
 */
static int get_string(const char *file, const node *v, const char *key)
{
	char what[96];

	if (v->kind != NODE_SCALAR)
		return err_at(file, v, "'%s' must be a string, not %s", key, node_kind_word(v));
	if (is_null(v))
		return err_at(file, v, "'%s' has no value", key);
	if (v->len == 0)
		return err_at(file, v, "'%s' is an empty string", key);
	snprintf(what, sizeof(what), "'%s'", key);
	if (text_check(file, v, what) < 0)
		return FL_ECONFIG;
	if (v->str[0] == ' ' || v->str[v->len - 1] == ' ')
		return err_at(file, v, "'%s' has leading or trailing spaces", key);
	return 0;
}

static int dup_string(char **out, const node *v)
{
	if (!(*out = malloc(v->len + 1)))
		return no_memory();
	memcpy(*out, v->str, v->len + 1);
	return 0;
}

/* A non-empty sequence value. */
static int get_seq(const char *file, const node *v, const char *key)
{
	if (v->kind != NODE_SEQ)
		return err_at(file, v, "'%s' must be a sequence, not %s", key,
			      is_null(v) ? "nothing" : node_kind_word(v));
	if (v->n == 0)
		return err_at(file, v, "'%s' is empty", key);
	return 0;
}

static int is_upper3(const node *v)
{
	if (v->len != 3)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (v->str[i] < 'A' || v->str[i] > 'Z')
			return 0;
	return 1;
}

/* The top of a funds, donors or currencies file: a mapping with the one key `key`, a list. */
static int top_list(const doc *d, const char *key, const node **seq)
{
	field spec[1];
	char what[64];
	int err;

	spec[0].key = key;
	spec[0].required = 1;
	snprintf(what, sizeof(what), "the top-level mapping of a %s file", key);
	if ((err = fields(d->file, d->root, what, spec, 1, seq)) < 0)
		return err;
	return get_seq(d->file, *seq, key);
}

/* Codes seen in one file, to find duplicates after a sort by (code, position). */
typedef struct {
	const char *code;
	size_t idx;
	const node *at;
} seen_code;

static int seen_cmp(const void *a, const void *b)
{
	const seen_code *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int check_unique(const char *file, seen_code *s, size_t n, const char *what)
{
	qsort(s, n, sizeof(*s), seen_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(s[i - 1].code, s[i].code) == 0)
			return err_at(file, s[i].at, "duplicate %s code '%s' (first at line %zu)",
				      what, s[i].code, s[i - 1].at->line);
	return 0;
}

static int currency_cmp(const void *a, const void *b)
{
	return strcmp(((const fl_currency *)a)->code, ((const fl_currency *)b)->code);
}

static int fund_cmp(const void *a, const void *b)
{
	return strcmp(((const fl_fund *)a)->code, ((const fl_fund *)b)->code);
}

static int donor_cmp(const void *a, const void *b)
{
	return strcmp(((const fl_donor *)a)->code, ((const fl_donor *)b)->code);
}

/* minor_units: a plain scalar of decimal digits without leading zeros, 0..FL_MINOR_UNITS_MAX. */
static int get_minor_units(const char *file, const node *v, unsigned *out)
{
	unsigned value = 0;

	if (v->kind != NODE_SCALAR)
		return err_at(file, v, "'minor_units' must be an integer, not %s",
			      node_kind_word(v));
	if (!v->plain)
		return err_at(file, v, "'minor_units' must be a plain integer, without quotes");
	if (v->len == 0 || (v->len > 1 && v->str[0] == '0'))
		goto bad;
	for (size_t i = 0; i < v->len; i++) {
		if (v->str[i] < '0' || v->str[i] > '9')
			goto bad;
		value = value * 10 + (unsigned)(v->str[i] - '0');
		if (value > FL_MINOR_UNITS_MAX)
			goto bad;
	}
	*out = value;
	return 0;
bad:
	if (text_check(file, v, "'minor_units'") < 0)
		return FL_ECONFIG;
	return err_at(file, v, "'minor_units' must be an integer from 0 to %d, not '%.*s'",
		      FL_MINOR_UNITS_MAX, show(v), v->str);
}

static int load_currencies(fl_config *cfg, const doc *d)
{
	static const field spec[] = {{"code", 1}, {"name", 1}, {"minor_units", 1}};
	const node *list, *v[COUNT(spec)];
	seen_code *seen = NULL;
	int err;

	if ((err = top_list(d, "currencies", &list)) < 0)
		return err;
	if (!(cfg->currencies = calloc(list->n, sizeof(*cfg->currencies))) ||
	    !(seen = calloc(list->n, sizeof(*seen)))) {
		err = no_memory();
		goto done;
	}
	cfg->n_currencies = list->n;
	for (size_t i = 0; i < list->n; i++) {
		fl_currency *c = &cfg->currencies[i];

		if ((err = fields(d->file, list->kid[i], "a currency", spec, COUNT(spec), v)) < 0 ||
		    (err = get_string(d->file, v[0], "code")) < 0)
			goto done;
		if (!is_upper3(v[0])) {
			err = err_at(d->file, v[0],
				     "currency code '%.*s' must be three letters A-Z (ISO 4217)",
				     show(v[0]), v[0]->str);
			goto done;
		}
		memcpy(c->code, v[0]->str, FL_CURRENCY_LEN + 1);
		if ((err = get_string(d->file, v[1], "name")) < 0 ||
		    (err = dup_string(&c->name, v[1])) < 0 ||
		    (err = get_minor_units(d->file, v[2], &c->minor_units)) < 0)
			goto done;
		seen[i] = (seen_code){c->code, i, v[0]};
	}
	if ((err = check_unique(d->file, seen, list->n, "currency")) < 0)
		goto done;
	qsort(cfg->currencies, cfg->n_currencies, sizeof(*cfg->currencies), currency_cmp);
done:
	free(seen);
	return err;
}

/* Copies a code that passed its checks (and so fits) into a fixed field. */
static void set_code(char *dst, const node *v)
{
	memcpy(dst, v->str, v->len);
	dst[v->len] = '\0';
}

static int load_funds(fl_config *cfg, const doc *d, const char *currencies_file)
{
	static const field spec[] = {
		{"code", 1}, {"name", 1}, {"established_by", 1}, {"currency", 1}
	};
	const node *list, *v[COUNT(spec)];
	seen_code *seen = NULL;
	int err;

	if ((err = top_list(d, "funds", &list)) < 0)
		return err;
	if (!(cfg->funds = calloc(list->n, sizeof(*cfg->funds))) ||
	    !(seen = calloc(list->n, sizeof(*seen)))) {
		err = no_memory();
		goto done;
	}
	cfg->n_funds = list->n;
	for (size_t i = 0; i < list->n; i++) {
		fl_fund *f = &cfg->funds[i];
		const node *eb;

		if ((err = fields(d->file, list->kid[i], "a fund", spec, COUNT(spec), v)) < 0 ||
		    (err = get_string(d->file, v[0], "code")) < 0)
			goto done;
		if (fl_code_check(v[0]->str, v[0]->len) < 0) {
			err = err_at(d->file, v[0], "fund code '%.*s': %s", show(v[0]), v[0]->str,
				     fl_error_last());
			goto done;
		}
		set_code(f->code, v[0]);
		f->listed = i;
		if ((err = get_string(d->file, v[1], "name")) < 0 ||
		    (err = dup_string(&f->name, v[1])) < 0)
			goto done;
		eb = v[2];
		if ((err = get_seq(d->file, eb, "established_by")) < 0)
			goto done;
		if (!(f->established_by = calloc(eb->n, sizeof(*f->established_by)))) {
			err = no_memory();
			goto done;
		}
		f->n_established_by = eb->n;
		for (size_t k = 0; k < eb->n; k++)
			if ((err = get_string(d->file, eb->kid[k], "established_by")) < 0 ||
			    (err = dup_string(&f->established_by[k], eb->kid[k])) < 0)
				goto done;
		if ((err = get_string(d->file, v[3], "currency")) < 0)
			goto done;
		if (!is_upper3(v[3]) || !fl_config_currency(cfg, v[3]->str)) {
			err = err_at(d->file, v[3], "currency '%.*s' of fund %s is not in %s",
				     show(v[3]), v[3]->str, f->code, currencies_file);
			goto done;
		}
		memcpy(f->currency, v[3]->str, FL_CURRENCY_LEN + 1);
		seen[i] = (seen_code){f->code, i, v[0]};
	}
	if ((err = check_unique(d->file, seen, list->n, "fund")) < 0)
		goto done;
	qsort(cfg->funds, cfg->n_funds, sizeof(*cfg->funds), fund_cmp);
done:
	free(seen);
	return err;
}

/* Index of a node's string in a name table, or 0 (the tables' unused slot) when absent. */
static size_t name_index(const node *v, const char *const *names, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (strlen(names[i]) == v->len && memcmp(names[i], v->str, v->len) == 0)
			return i;
	return 0;
}

/* An IATI organisation identifier: 1 to FL_IATI_REF_MAX of A-Z a-z 0-9 . _ - (docs/IATI.md). */
static int iati_ref(const char *file, const node *v, const char *key)
{
	int err;
	if ((err = get_string(file, v, key)) < 0)
		return err;
	if (v->len > FL_IATI_REF_MAX)
		return err_at(file, v, "'%s' is longer than %d characters", key, FL_IATI_REF_MAX);
	for (size_t i = 0; i < v->len; i++) {
		char c = v->str[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return err_at(file, v,
				      "'%s' '%.*s' is not an IATI organisation identifier (letters, "
				      "digits, '.', '_' and '-')",
				      key, show(v), v->str);
	}
	return 0;
}

static int load_donors(fl_config *cfg, const doc *d)
{
	static const field spec[] = {{"code", 1}, {"name", 1}, {"kind", 1}, {"group", 0},
				     {"iati_ref", 0}};
	const node *list, *v[COUNT(spec)];
	seen_code *seen = NULL;
	int err;

	if ((err = top_list(d, "donors", &list)) < 0)
		return err;
	if (!(cfg->donors = calloc(list->n, sizeof(*cfg->donors))) ||
	    !(seen = calloc(list->n, sizeof(*seen)))) {
		err = no_memory();
		goto done;
	}
	cfg->n_donors = list->n;
	for (size_t i = 0; i < list->n; i++) {
		fl_donor *dn = &cfg->donors[i];
		size_t kind, group = 0;
		int state;

		if ((err = fields(d->file, list->kid[i], "a donor", spec, COUNT(spec), v)) < 0 ||
		    (err = get_string(d->file, v[0], "code")) < 0 ||
		    (err = get_string(d->file, v[1], "name")) < 0 ||
		    (err = get_string(d->file, v[2], "kind")) < 0)
			goto done;
		if (!(kind = name_index(v[2], kind_names, COUNT(kind_names)))) {
			err = err_at(d->file, v[2],
				     "unknown kind '%.*s' (expected: member_state, observer_state, "
				     "intergovernmental, foundation, private, individual)",
				     show(v[2]), v[2]->str);
			goto done;
		}
		state = kind == FL_DONOR_MEMBER_STATE || kind == FL_DONOR_OBSERVER_STATE;
		if (state && !is_upper3(v[0])) {
			err = err_at(d->file, v[0],
				     "code '%.*s' of a State must be its ISO 3166-1 alpha-3 code "
				     "(three letters A-Z)", show(v[0]), v[0]->str);
			goto done;
		}
		if (fl_code_check(v[0]->str, v[0]->len) < 0) {
			err = err_at(d->file, v[0], "donor code '%.*s': %s", show(v[0]),
				     v[0]->str, fl_error_last());
			goto done;
		}
		set_code(dn->code, v[0]);
		if ((err = dup_string(&dn->name, v[1])) < 0)
			goto done;
		dn->kind = (fl_donor_kind)kind;
		if (v[3]) {
			if (!state) {
				err = err_at(d->file, v[3],
					     "'group' is only for States, not for kind '%s'",
					     kind_names[kind]);
				goto done;
			}
			if ((err = get_string(d->file, v[3], "group")) < 0)
				goto done;
			if (!(group = name_index(v[3], group_names, COUNT(group_names)))) {
				err = err_at(d->file, v[3],
					     "unknown group '%.*s' (expected: African, "
					     "Asia-Pacific, Eastern European, Latin American and "
					     "Caribbean, Western European and Others)",
					     show(v[3]), v[3]->str);
				goto done;
			}
		} else if (kind == FL_DONOR_MEMBER_STATE) {
			err = err_at(d->file, list->kid[i], "member State %s has no 'group'",
				     dn->code);
			goto done;
		}
		dn->group = (fl_group)group;
		if (v[4] && ((err = iati_ref(d->file, v[4], "iati_ref")) < 0 ||
			     (err = dup_string(&dn->iati_ref, v[4])) < 0))
			goto done;
		seen[i] = (seen_code){dn->code, i, v[0]};
	}
	if ((err = check_unique(d->file, seen, list->n, "donor")) < 0)
		goto done;
	qsort(cfg->donors, cfg->n_donors, sizeof(*cfg->donors), donor_cmp);
done:
	free(seen);
	return err;
}

/* The path of a file named in the main file: relative to the main file's directory. */
static int sub_path(char **out, const char *main_path, const node *v)
{
	const char *slash = strrchr(main_path, '/');
	size_t dir = (v->str[0] == '/' || !slash) ? 0 : (size_t)(slash - main_path) + 1;

	if (v->len > SIZE_MAX - dir - 1)
		return fl_error_set(FL_ERANGE, "path too long");
	if (!(*out = malloc(dir + v->len + 1)))
		return no_memory();
	memcpy(*out, main_path, dir);
	memcpy(*out + dir, v->str, v->len + 1);
	return 0;
}

/*
 * The authorised keys: a sequence of {vkey: NAME+KEYID+BASE64, role: treasurer|auditor}.
 * Treasurer keys are note keys (type 0x01), auditor keys cosignature keys (type 0x04).
 */
static int load_keys(fl_config *cfg, const doc *d, const node *list)
{
	static const field spec[] = {{"vkey", 1}, {"role", 1}};
	const node *v[COUNT(spec)];
	int err;

	if ((err = get_seq(d->file, list, "keys")) < 0)
		return err;
	if (!(cfg->keys = calloc(list->n, sizeof(*cfg->keys))) ||
	    !(cfg->key_roles = calloc(list->n, sizeof(*cfg->key_roles))))
		return no_memory();
	for (size_t i = 0; i < list->n; i++) {
		fl_vkey *k = &cfg->keys[i];
		if ((err = fields(d->file, list->kid[i], "a key", spec, COUNT(spec), v)) < 0 ||
		    (err = get_string(d->file, v[0], "vkey")) < 0 ||
		    (err = get_string(d->file, v[1], "role")) < 0)
			return err;
		if (fl_vkey_parse(k, v[0]->str, v[0]->len) < 0)
			return err_at(d->file, v[0], "%s", fl_error_last());
		if (strcmp(v[1]->str, "treasurer") == 0)
			cfg->key_roles[i] = FL_ROLE_TREASURER;
		else if (strcmp(v[1]->str, "auditor") == 0)
			cfg->key_roles[i] = FL_ROLE_AUDITOR;
		else
			return err_at(d->file, v[1], "role '%.*s' is not treasurer or auditor",
				      show(v[1]), v[1]->str);
		if ((cfg->key_roles[i] == FL_ROLE_TREASURER) != (k->type == FL_SIGTYPE_ED25519))
			return err_at(d->file, v[0],
				      "a key with role %s must be of type 0x%02x (see 'fundledger key "
				      "generate')",
				      v[1]->str,
				      cfg->key_roles[i] == FL_ROLE_TREASURER ? FL_SIGTYPE_ED25519
									     : FL_SIGTYPE_COSIGNATURE);
		for (size_t j = 0; j < i; j++) {
			if (cfg->keys[j].id == k->id && strcmp(cfg->keys[j].name, k->name) == 0)
				return err_at(d->file, v[0], "key %s+%08x is listed twice", k->name,
					      (unsigned)k->id);
			/* A treasurer must not be able to cosign their own checkpoints. */
			if (memcmp(cfg->keys[j].pub, k->pub, sizeof(k->pub)) == 0)
				return err_at(d->file, v[0], "this public key is already listed (as %s); "
							     "treasurers and auditors need keys of "
							     "their own",
					      cfg->keys[j].name);
		}
		cfg->n_keys = i + 1;
	}
	return 0;
}

/* The settings of the main file, and the paths of the other three. */
static int load_main(fl_config *cfg, const doc *d, char **paths, const node **iati)
{
	static const field spec[] = {
		{"ledger", 1}, {"origin", 1},	  {"recorded_by", 0},
		{"funds", 1},  {"donors", 1}, {"currencies", 1}, {"keys", 0},
		{"iati", 0}
	};
	const node *v[COUNT(spec)];
	int err;

	if ((err = fields(d->file, d->root, "the main configuration", spec, COUNT(spec), v)) < 0)
		return err;
	if ((err = get_string(d->file, v[0], "ledger")) < 0 ||
	    (err = dup_string(&cfg->ledger, v[0])) < 0 ||
	    (err = get_string(d->file, v[1], "origin")) < 0)
		return err;
	if (v[1]->len > ORIGIN_MAX)
		return err_at(d->file, v[1], "'origin' is longer than %d characters", ORIGIN_MAX);
	for (size_t i = 0; i < v[1]->len; i++)
		if ((unsigned char)v[1]->str[i] <= ' ' || (unsigned char)v[1]->str[i] > '~')
			return err_at(d->file, v[1],
				      "'origin' must be printable ASCII without spaces");
	if ((err = dup_string(&cfg->origin, v[1])) < 0)
		return err;
	if (v[2]) {
		if ((err = get_string(d->file, v[2], "recorded_by")) < 0)
			return err;
		/* The limit is in bytes, as in the entries that will carry the name. */
		if (v[2]->len > RECORDED_BY_MAX)
			return err_at(d->file, v[2], "'recorded_by' is longer than %d bytes",
				      RECORDED_BY_MAX);
		if ((err = dup_string(&cfg->recorded_by, v[2])) < 0)
			return err;
	}
	for (size_t i = 0; i < 3; i++)
		if ((err = get_string(d->file, v[3 + i], spec[3 + i].key)) < 0 ||
		    (err = sub_path(&paths[i], d->file, v[3 + i])) < 0)
			return err;
	if (v[6] && (err = load_keys(cfg, d, v[6])) < 0)
		return err;
	*iati = v[7];
	return 0;
}

/* IATI OrganisationType codes (codelist of the IATI Standard 2.03). */
static const char *const iati_org_types[] = {"10", "11", "15", "21", "22", "23", "24", "30",
					     "40", "60", "70", "71", "72", "73", "80", "90"};

/*
 * The iati block of the main file (after the funds: it names every one of them):
 *   reporting_org: {ref, type, name}, language (default en), activity_status (default 2),
 *   activity_start: {FUND: YYYY-MM-DD, ...} for every fund.
 */
static int load_iati(fl_config *cfg, const doc *d, const node *block)
{
	static const field spec[] = {{"reporting_org", 1},
				     {"language", 0},
				     {"activity_status", 0},
				     {"activity_start", 1}};
	static const field org_spec[] = {{"ref", 1}, {"type", 1}, {"name", 1}};
	const node *v[COUNT(spec)], *o[COUNT(org_spec)], *starts;
	fl_iati_config *ic;
	size_t i;
	int err;

	if (!(ic = cfg->iati = calloc(1, sizeof(*cfg->iati))))
		return no_memory();
	if ((err = fields(d->file, block, "the iati block", spec, COUNT(spec), v)) < 0 ||
	    (err = fields(d->file, v[0], "iati reporting_org", org_spec, COUNT(org_spec), o)) < 0 ||
	    (err = iati_ref(d->file, o[0], "ref")) < 0 || (err = dup_string(&ic->ref, o[0])) < 0 ||
	    (err = get_string(d->file, o[1], "type")) < 0 ||
	    (err = get_string(d->file, o[2], "name")) < 0 || (err = dup_string(&ic->name, o[2])) < 0)
		return err;
	for (i = 0; i < COUNT(iati_org_types); i++)
		if (strcmp(o[1]->str, iati_org_types[i]) == 0)
			break;
	if (i == COUNT(iati_org_types))
		return err_at(d->file, o[1],
			      "'type' '%.*s' is not an IATI OrganisationType code (10, 11, 15, 21, "
			      "22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90)",
			      show(o[1]), o[1]->str);
	memcpy(ic->type, o[1]->str, 3);
	memcpy(ic->lang, "en", 3);
	if (v[1]) {
		if ((err = get_string(d->file, v[1], "language")) < 0)
			return err;
		if (v[1]->len != 2 || v[1]->str[0] < 'a' || v[1]->str[0] > 'z' ||
		    v[1]->str[1] < 'a' || v[1]->str[1] > 'z')
			return err_at(d->file, v[1],
				      "'language' must be an ISO 639-1 code (two letters a-z)");
		memcpy(ic->lang, v[1]->str, 3);
	}
	memcpy(ic->status, "2", 2);
	if (v[2]) {
		if ((err = get_string(d->file, v[2], "activity_status")) < 0)
			return err;
		if (v[2]->len != 1 || v[2]->str[0] < '1' || v[2]->str[0] > '6')
			return err_at(d->file, v[2],
				      "'activity_status' must be an IATI ActivityStatus code, 1 to 6");
		memcpy(ic->status, v[2]->str, 2);
	}
	starts = v[3];
	if (starts->kind != NODE_MAP)
		return err_at(d->file, starts, "'activity_start' must be a mapping of fund codes to "
					       "dates, not %s",
			      is_null(starts) ? "nothing" : node_kind_word(starts));
	for (size_t k = 0; k + 1 < starts->n; k += 2) {
		const node *key = starts->kid[k], *date = starts->kid[k + 1];
		fl_fund *f;
		if ((err = get_string(d->file, key, "activity_start")) < 0)
			return err;
		if (!(f = (fl_fund *)fl_config_fund(cfg, key->str)))
			return err_at(d->file, key, "activity_start: no fund '%.*s' in the funds file",
				      show(key), key->str);
		if (f->iati_start[0])
			return err_at(d->file, key, "activity_start: fund %s is listed twice",
				      f->code);
		if ((err = get_string(d->file, date, f->code)) < 0)
			return err;
		if (fl_date_check(date->str, date->len) < 0)
			return err_at(d->file, date, "activity_start of %s: %s", f->code,
				      fl_error_last());
		memcpy(f->iati_start, date->str, FL_DATE_LEN + 1);
	}
	for (i = 0; i < cfg->n_funds; i++)
		if (!cfg->funds[i].iati_start[0])
			return err_at(d->file, starts, "activity_start has no date for fund %s",
				      cfg->funds[i].code);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API */

int fl_config_load(fl_config **out, const char *path)
{
	fl_config *cfg = NULL;
	char *paths[3] = {NULL, NULL, NULL}; /* funds, donors, currencies */
	doc d = {NULL, FL_BUF_INIT, NULL}, main_doc = {NULL, FL_BUF_INIT, NULL};
	const node *iati = NULL;
	int err;

	if (!out || !path)
		return fl_error_set(FL_EINVALID, "fl_config_load: no output or path");
	if (!(cfg = calloc(1, sizeof(*cfg))) || !(cfg->path = malloc(strlen(path) + 1))) {
		err = no_memory();
		goto done;
	}
	memcpy(cfg->path, path, strlen(path) + 1);

	/* The main file stays loaded: its iati block is read once the funds are known. */
	if ((err = doc_load(&main_doc, path)) < 0 ||
	    (err = load_main(cfg, &main_doc, paths, &iati)) < 0)
		goto done;
	/* Currencies first: funds refer to them. */
	if ((err = doc_load(&d, paths[2])) < 0 || (err = load_currencies(cfg, &d)) < 0)
		goto done;
	doc_free(&d);
	if ((err = doc_load(&d, paths[0])) < 0 || (err = load_funds(cfg, &d, paths[2])) < 0)
		goto done;
	doc_free(&d);
	if ((err = doc_load(&d, paths[1])) < 0 || (err = load_donors(cfg, &d)) < 0)
		goto done;
	if (iati && (err = load_iati(cfg, &main_doc, iati)) < 0)
		goto done;
	*out = cfg;
	cfg = NULL;
done:
	doc_free(&d);
	doc_free(&main_doc);
	for (size_t i = 0; i < 3; i++)
		free(paths[i]);
	fl_config_free(cfg);
	return err;
}

const fl_vkey *fl_config_key(const fl_config *cfg, unsigned char type,
			     const unsigned char pub[FL_ED25519_PUB_LEN], fl_key_role *role)
{
	for (size_t i = 0; i < cfg->n_keys; i++)
		if (cfg->keys[i].type == type &&
		    memcmp(cfg->keys[i].pub, pub, FL_ED25519_PUB_LEN) == 0) {
			if (role)
				*role = cfg->key_roles[i];
			return &cfg->keys[i];
		}
	return NULL;
}

const char *fl_role_name(fl_key_role role)
{
	return role == FL_ROLE_TREASURER ? "treasurer" : role == FL_ROLE_AUDITOR ? "auditor" : "";
}

void fl_config_free(fl_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->ledger);
	free(cfg->origin);
	free(cfg->recorded_by);
	for (size_t i = 0; i < cfg->n_funds; i++) {
		for (size_t k = 0; k < cfg->funds[i].n_established_by; k++)
			free(cfg->funds[i].established_by[k]);
		free(cfg->funds[i].established_by);
		free(cfg->funds[i].name);
	}
	free(cfg->funds);
	for (size_t i = 0; i < cfg->n_donors; i++) {
		free(cfg->donors[i].name);
		free(cfg->donors[i].iati_ref);
	}
	if (cfg->iati) {
		free(cfg->iati->ref);
		free(cfg->iati->name);
		free(cfg->iati);
	}
	free(cfg->donors);
	for (size_t i = 0; i < cfg->n_currencies; i++)
		free(cfg->currencies[i].name);
	free(cfg->currencies);
	free(cfg->keys);
	free(cfg->key_roles);
	free(cfg);
}

static int key_fund_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const fl_fund *)e)->code);
}

static int key_donor_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const fl_donor *)e)->code);
}

static int key_currency_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const fl_currency *)e)->code);
}

const fl_fund *fl_config_fund(const fl_config *cfg, const char *code)
{
	if (!cfg || !code || !cfg->n_funds)
		return NULL;
	return bsearch(code, cfg->funds, cfg->n_funds, sizeof(*cfg->funds), key_fund_cmp);
}

const fl_donor *fl_config_donor(const fl_config *cfg, const char *code)
{
	if (!cfg || !code || !cfg->n_donors)
		return NULL;
	return bsearch(code, cfg->donors, cfg->n_donors, sizeof(*cfg->donors), key_donor_cmp);
}

const fl_currency *fl_config_currency(const fl_config *cfg, const char *code)
{
	if (!cfg || !code || !cfg->n_currencies)
		return NULL;
	return bsearch(code, cfg->currencies, cfg->n_currencies, sizeof(*cfg->currencies),
		       key_currency_cmp);
}

/* The YAML spelling of a kind; "" for a value outside the enum. */
const char *fl_donor_kind_name(fl_donor_kind kind)
{
	if ((int)kind < FL_DONOR_MEMBER_STATE || (size_t)kind >= COUNT(kind_names))
		return "";
	return kind_names[kind];
}

/* The YAML spelling of a group; "" for FL_GROUP_NONE and values outside the enum. */
const char *fl_group_name(fl_group group)
{
	if ((int)group < FL_GROUP_NONE || (size_t)group >= COUNT(group_names))
		return "";
	return group_names[group];
}

/*
 * Codes are compared bytewise and printed in reports and ledger entries, so they are kept to
 * one spelling: upper-case letters, digits and '-', not starting with '-'.
 */
int fl_code_check(const char *s, size_t len)
{
	if (!s || len < 2 || len > FL_CODE_MAX)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
			goto bad;
	}
	return 0;
bad:
	return fl_error_set(FL_EINVALID,
			    "a code must be 2 to %d characters from A-Z, 0-9 and '-', "
			    "not starting with '-'", FL_CODE_MAX);
}

/* ------------------------------------------------------------------------------------------ */
/* The Board's narrative for the annual report */

/*
 * A text value: a scalar, not empty, UTF-8 whose only control character is the line feed (a
 * block scalar's paragraphs). Line feeds and spaces at either end (block scalars keep the
 * trailing ones; a quoted scalar folds a leading line break into one) are dropped.
 */
static int get_text(const char *file, const node *v, const char *key, char **out)
{
	size_t len = v->len, start = 0;

	if (v->kind != NODE_SCALAR)
		return err_at(file, v, "'%s' must be text, not %s", key, node_kind_word(v));
	if (is_null(v))
		return err_at(file, v, "'%s' has no value", key);
	while (len > 0 && (v->str[len - 1] == '\n' || v->str[len - 1] == ' '))
		len--;
	while (start < len && (v->str[start] == '\n' || v->str[start] == ' '))
		start++;
	if (len == start)
		return err_at(file, v, "'%s' is empty", key);
	/* Check each line on its own: the line feed is the one control character allowed. */
	for (size_t i = start; i < len;) {
		size_t j = i;
		long bad;
		while (j < len && v->str[j] != '\n')
			j++;
		if (text_scan((const unsigned char *)v->str + i, j - i, &bad, NULL) < 0) {
			if (bad < 0)
				return err_at(file, v, "'%s' is not valid UTF-8", key);
			return err_at(file, v, "'%s' contains the control character U+%04lX", key,
				      (unsigned long)bad);
		}
		i = j + 1;
	}
	if (!(*out = malloc(len - start + 1)))
		return no_memory();
	memcpy(*out, v->str + start, len - start);
	(*out)[len - start] = 0;
	return 0;
}

/* A plain decimal integer from lo to hi. */
static int get_uint(const char *file, const node *v, const char *key, unsigned lo, unsigned hi,
		    unsigned *out)
{
	unsigned long value = 0;

	if (v->kind != NODE_SCALAR)
		return err_at(file, v, "'%s' must be an integer, not %s", key, node_kind_word(v));
	if (!v->plain || v->len == 0 || v->len > 9 || (v->len > 1 && v->str[0] == '0'))
		goto bad;
	for (size_t i = 0; i < v->len; i++) {
		if (v->str[i] < '0' || v->str[i] > '9')
			goto bad;
		value = value * 10 + (unsigned long)(v->str[i] - '0');
	}
	if (value < lo || value > hi)
		goto bad;
	*out = (unsigned)value;
	return 0;
bad:
	if (text_check(file, v, "a value") < 0)
		return FL_ECONFIG;
	return err_at(file, v, "'%s' must be a plain integer from %u to %u, not '%.*s'", key, lo,
		      hi, show(v), v->str);
}

/* An optional list: NULL or a sequence (empty allowed). */
static int get_list(const char *file, const node *v, const char *key)
{
	if (v && v->kind != NODE_SEQ)
		return err_at(file, v, "'%s' must be a list, not %s", key,
			      is_null(v) ? "nothing" : node_kind_word(v));
	return 0;
}

void fl_narrative_free(fl_narrative *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->introduction);
	for (size_t i = 0; i < n->n_members; i++) {
		free(n->members[i].name);
		free(n->members[i].group);
		free(n->members[i].role);
	}
	free(n->members);
	for (size_t i = 0; i < n->n_sessions; i++) {
		free(n->sessions[i].title);
		free(n->sessions[i].dates);
		free(n->sessions[i].place);
		free(n->sessions[i].summary);
	}
	free(n->sessions);
	for (size_t i = 0; i < n->n_findings; i++)
		free(n->findings[i]);
	free(n->findings);
	for (size_t i = 0; i < n->n_recommendations; i++)
		free(n->recommendations[i]);
	free(n->recommendations);
	free(n);
}

/* A list of texts into *out (n of them). */
static int load_texts(const char *file, const node *list, const char *key, char ***out, size_t *n)
{
	int err;
	if (!list)
		return 0;
	if ((err = get_list(file, list, key)) < 0)
		return err;
	if (list->n && !(*out = calloc(list->n, sizeof(char *))))
		return no_memory();
	for (size_t i = 0; i < list->n; i++) {
		if ((err = get_text(file, list->kid[i], key, &(*out)[i])) < 0)
			return err;
		(*n)++;
	}
	return 0;
}

static int load_narrative(fl_narrative *n, const doc *d)
{
	static const field spec[] = {{"year", 1},     {"session", 0},	{"introduction", 0},
				     {"members", 0},  {"sessions", 0},	{"findings", 0},
				     {"recommendations", 0}};
	static const field member_spec[] = {{"name", 1}, {"group", 0}, {"role", 0}};
	static const field session_spec[] = {{"title", 1}, {"dates", 1}, {"place", 0},
					      {"summary", 0}};
	const node *v[COUNT(spec)];
	unsigned year;
	int err;

	if ((err = fields(d->file, d->root, "the narrative", spec, COUNT(spec), v)) < 0 ||
	    (err = get_uint(d->file, v[0], "year", FL_YEAR_MIN, FL_YEAR_MAX, &year)) < 0)
		return err;
	n->year = (int)year;
	if (v[1] && (err = get_uint(d->file, v[1], "session", 1, 999, &n->session)) < 0)
		return err;
	if (v[2] && (err = get_text(d->file, v[2], "introduction", &n->introduction)) < 0)
		return err;
	if ((err = get_list(d->file, v[3], "members")) < 0 ||
	    (err = get_list(d->file, v[4], "sessions")) < 0)
		return err;
	if (v[3] && v[3]->n) {
		if (!(n->members = calloc(v[3]->n, sizeof(*n->members))))
			return no_memory();
		for (size_t i = 0; i < v[3]->n; i++) {
			const node *m[COUNT(member_spec)];
			fl_narrative_member *x = &n->members[i];
			n->n_members++;
			if ((err = fields(d->file, v[3]->kid[i], "a member", member_spec,
					  COUNT(member_spec), m)) < 0 ||
			    (err = get_string(d->file, m[0], "name")) < 0 ||
			    (err = dup_string(&x->name, m[0])) < 0)
				return err;
			if (m[1] && ((err = get_string(d->file, m[1], "group")) < 0 ||
				     (err = dup_string(&x->group, m[1])) < 0))
				return err;
			if (m[2] && ((err = get_string(d->file, m[2], "role")) < 0 ||
				     (err = dup_string(&x->role, m[2])) < 0))
				return err;
		}
	}
	if (v[4] && v[4]->n) {
		if (!(n->sessions = calloc(v[4]->n, sizeof(*n->sessions))))
			return no_memory();
		for (size_t i = 0; i < v[4]->n; i++) {
			const node *m[COUNT(session_spec)];
			fl_narrative_session *x = &n->sessions[i];
			n->n_sessions++;
			if ((err = fields(d->file, v[4]->kid[i], "a session", session_spec,
					  COUNT(session_spec), m)) < 0 ||
			    (err = get_string(d->file, m[0], "title")) < 0 ||
			    (err = dup_string(&x->title, m[0])) < 0 ||
			    (err = get_string(d->file, m[1], "dates")) < 0 ||
			    (err = dup_string(&x->dates, m[1])) < 0)
				return err;
			if (m[2] && ((err = get_string(d->file, m[2], "place")) < 0 ||
				     (err = dup_string(&x->place, m[2])) < 0))
				return err;
			if (m[3] && (err = get_text(d->file, m[3], "summary", &x->summary)) < 0)
				return err;
		}
	}
	if ((err = load_texts(d->file, v[5], "findings", &n->findings, &n->n_findings)) < 0)
		return err;
	return load_texts(d->file, v[6], "recommendations", &n->recommendations,
			  &n->n_recommendations);
}

int fl_narrative_load(fl_narrative **out, const char *path)
{
	fl_narrative *n = NULL;
	doc d = {NULL, FL_BUF_INIT, NULL};
	int err;

	if (!out || !path)
		return fl_error_set(FL_EINVALID, "fl_narrative_load: no output or path");
	if (!(n = calloc(1, sizeof(*n))) || !(n->path = malloc(strlen(path) + 1))) {
		err = no_memory();
		goto done;
	}
	memcpy(n->path, path, strlen(path) + 1);
	if ((err = doc_load(&d, path)) < 0 || (err = load_narrative(n, &d)) < 0)
		goto done;
	*out = n;
	n = NULL;
done:
	doc_free(&d);
	fl_narrative_free(n);
	return err;
}
