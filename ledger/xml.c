/*
 * xml.c: the only module that includes libxml2 (xml_int.h).
 *
 * Reading: xmlReadMemory with XML_PARSE_NONET and without XML_PARSE_NOENT or DTD loading, so
 * nothing is fetched and no declared entity is expanded into the values read; callers that
 * must refuse a DOCTYPE outright ask fl_xml_has_doctype. libxml2's structured error handler is
 * swapped for a capturing one for the parse only (it is per thread), so nothing reaches
 * stderr, and the first error is kept as a line and a printable-ASCII message.
 *
 * Writing: xmlTextWriter over an output buffer whose write callback appends to an fl_buf. The
 * writer does the escaping; this module adds only the error translation.
 *
 * fl_xml_doc and fl_xml_node are libxml2's xmlDoc and xmlNode behind opaque names: pointers
 * are converted back before any use and never dereferenced as the opaque type.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "error_int.h"
#include "xml_int.h"

/* ---- reading ---- */

static const xmlNode *N(const fl_xml_node *n)
{
	return (const xmlNode *)(const void *)n;
}

static const fl_xml_node *W(const xmlNode *n)
{
	return (const fl_xml_node *)(const void *)n;
}

typedef struct {
	int seen;
	fl_xml_problem *p;
} capture_ctx;

static void capture(void *ctx, xmlErrorPtr e)
{
	capture_ctx *c = ctx;
	fl_xml_problem *p = c->p;
	size_t o = 0;
	if (c->seen || !e || e->level < XML_ERR_ERROR)
		return;
	c->seen = 1;
	p->line = e->line > 0 ? (size_t)e->line : 1;
	/* libxml2 names tags from the input: keep its message printable ASCII. */
	for (const char *m = e->message ? e->message : "error"; *m && o + 1 < sizeof(p->msg); m++)
		p->msg[o++] = (*m >= 0x20 && *m < 0x7f) ? *m : ' ';
	while (o && p->msg[o - 1] == ' ')
		o--;
	p->msg[o] = '\0';
}

int fl_xml_doc_read(fl_xml_doc **out, fl_xml_problem *problem, const char *data, size_t len)
{
	capture_ctx c = {0, problem};
	xmlStructuredErrorFunc prev_handler;
	void *prev_ctx;
	xmlDocPtr doc;

	*out = NULL;
	problem->line = 1;
	problem->msg[0] = '\0';
	if (len > INT_MAX)
		return fl_error_set(FL_ERANGE, "document too large for the XML reader");
	xmlInitParser();
	prev_handler = xmlStructuredError;
	prev_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&c, capture);
	xmlResetLastError();
	doc = xmlReadMemory(data, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(prev_ctx, prev_handler);
	if (doc && !c.seen) {
		*out = (fl_xml_doc *)(void *)doc;
		return 0;
	}
	if (!c.seen) {
		capture(&c, (xmlErrorPtr)xmlGetLastError());
		if (!c.seen)
			snprintf(problem->msg, sizeof(problem->msg), "cannot be parsed");
	}
	xmlFreeDoc(doc);
	return FL_EINVALID;
}

void fl_xml_doc_free(fl_xml_doc *d)
{
	xmlFreeDoc((xmlDocPtr)(void *)d);
}

const fl_xml_node *fl_xml_root(const fl_xml_doc *d)
{
	return W(xmlDocGetRootElement((const xmlDoc *)(const void *)d));
}

int fl_xml_has_doctype(const fl_xml_doc *d)
{
	const xmlDoc *doc = (const xmlDoc *)(const void *)d;
	return doc->intSubset || doc->extSubset;
}

const char *fl_xml_name(const fl_xml_node *n)
{
	return (const char *)N(n)->name;
}

const char *fl_xml_ns(const fl_xml_node *n)
{
	return N(n)->ns ? (const char *)N(n)->ns->href : NULL;
}

static const xmlNode *element_from(const xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

const fl_xml_node *fl_xml_first_child(const fl_xml_node *n)
{
	return W(element_from(N(n)->children));
}

const fl_xml_node *fl_xml_next(const fl_xml_node *n)
{
	return W(element_from(N(n)->next));
}

size_t fl_xml_line(const fl_xml_node *node)
{
	for (const xmlNode *n = N(node); n; n = n->parent) {
		long l = xmlGetLineNo(n);
		if (l > 0)
			return (size_t)l;
	}
	return 1;
}

int fl_xml_text(fl_buf *out, const fl_xml_node *n)
{
	int err;
	for (const xmlNode *k = N(n)->children; k; k = k->next)
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content &&
		    (err = fl_buf_puts(out, (const char *)k->content)) < 0)
			return err;
	return 0;
}

int fl_xml_attr(fl_buf *out, int *found, const fl_xml_node *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(N(n), (const xmlChar *)name);
	int err;
	*found = v != NULL;
	if (!v)
		return 0;
	err = fl_buf_puts(out, (const char *)v);
	xmlFree(v);
	return err;
}

/* ---- writing ---- */

struct fl_xml_writer {
	xmlTextWriterPtr w;
	fl_buf *dst;
	int failed; /* the fl_buf could not grow */
};

static int sink(void *ctx, const char *data, int len)
{
	struct fl_xml_writer *x = ctx;
	if (len < 0 || fl_buf_put(x->dst, data, (size_t)len) < 0) {
		x->failed = 1;
		return -1;
	}
	return len;
}

/* libxml2 returns the bytes written or -1; -1 is a failed append or a refused call. */
static int check(fl_xml_writer *x, int rc, const char *what)
{
	if (rc >= 0)
		return 0;
	if (x->failed)
		return fl_error_set(FL_ENOMEM, "out of memory writing XML");
	return fl_error_set(FL_EINVALID, "the XML writer refused %s", what);
}

int fl_xml_writer_new(fl_xml_writer **out, fl_buf *dst)
{
	fl_xml_writer *x;
	xmlOutputBufferPtr ob;
	int err;

	*out = NULL;
	if (!(x = calloc(1, sizeof(*x))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	x->dst = dst;
	xmlInitParser();
	if (!(ob = xmlOutputBufferCreateIO(sink, NULL, x, NULL))) {
		free(x);
		return fl_error_set(FL_ENOMEM, "out of memory");
	}
	if (!(x->w = xmlNewTextWriter(ob))) { /* frees nothing on failure */
		xmlOutputBufferClose(ob);
		free(x);
		return fl_error_set(FL_ENOMEM, "out of memory");
	}
	if ((err = check(x, xmlTextWriterSetIndent(x->w, 1), "indenting")) < 0 ||
	    (err = check(x, xmlTextWriterSetIndentString(x->w, (const xmlChar *)"  "),
			 "indenting")) < 0 ||
	    (err = check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL),
			 "the declaration")) < 0) {
		fl_xml_writer_free(x);
		return err;
	}
	*out = x;
	return 0;
}

int fl_xml_start(fl_xml_writer *x, const char *name)
{
	return check(x, xmlTextWriterStartElement(x->w, (const xmlChar *)name), name);
}

/*
 * Text the ledger accepts (well-formed UTF-8 without controls) that XML 1.0 does not: U+FFFE
 * and U+FFFF are not XML characters, and libxml2's writer would write them as they are or as
 * a character reference, both ill-formed. Refused, naming where, before anything is written.
 */
static int xml_chars(const char *s, const char *what)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		const unsigned char *u = (const unsigned char *)s + i;
		int n = fl_utf8_next(s + i, len - i);
		char q[FL_QUOTE_MAX];
		if (n == FL_UTF8_CONTROL && (*u == '\t' || *u == '\n' || *u == '\r' || *u >= 0x7f))
			n = *u < 0x80 ? 1 : 2; /* tab, line feed, return, DEL, C1: XML characters */
		if (n <= 0 || (n == 3 && u[0] == 0xef && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf)))
			return fl_error_set(FL_EINVALID,
					    "%s '%s' cannot be written in XML: it holds a character "
					    "XML 1.0 does not allow (U+FFFE, U+FFFF, a control or "
					    "invalid UTF-8)",
					    what, fl_quote(q, s, len));
		i += (size_t)n;
	}
	return 0;
}

int fl_xml_attr_put(fl_xml_writer *x, const char *name, const char *value)
{
	int err;
	if ((err = xml_chars(value, name)) < 0)
		return err;
	return check(x,
		     xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
						 (const xmlChar *)value),
		     name);
}

int fl_xml_text_put(fl_xml_writer *x, const char *text)
{
	int err;
	if ((err = xml_chars(text, "text")) < 0)
		return err;
	return check(x, xmlTextWriterWriteString(x->w, (const xmlChar *)text), "text");
}

int fl_xml_end(fl_xml_writer *x)
{
	return check(x, xmlTextWriterEndElement(x->w), "an end tag");
}

int fl_xml_flush(fl_xml_writer *x)
{
	return check(x, xmlTextWriterFlush(x->w), "a flush");
}

int fl_xml_writer_finish(fl_xml_writer *x)
{
	int err;
	if ((err = check(x, xmlTextWriterEndDocument(x->w), "the end of the document")) < 0)
		return err;
	return fl_xml_flush(x);
}

void fl_xml_writer_free(fl_xml_writer *x)
{
	if (!x)
		return;
	xmlFreeTextWriter(x->w); /* closes the output buffer, which only points at dst */
	free(x);
}
