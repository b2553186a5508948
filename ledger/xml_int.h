/*
 * xml_int.h: the libxml2 adapter (private to the library; only xml.c includes libxml2).
 *
 * Two small halves, each with no libxml2 type in sight:
 *   - reading: a whole document parsed from memory with the network off, no entity
 *     substitution and no DTD loading; libxml2's messages are captured, never printed, and
 *     come back as a line and a printable-ASCII message. Elements are walked through an opaque
 *     fl_xml_node, which is borrowed from its document and lives until fl_xml_doc_free.
 *   - writing: an element tree written in document order (start, attributes, text, end) by
 *     libxml2's xmlTextWriter, which escapes text and attribute values, into an fl_buf that
 *     the caller drains as it likes.
 */
#ifndef FUNDLEDGER_XML_INT_H
#define FUNDLEDGER_XML_INT_H

#include <stddef.h>

#include "fundledger/buf.h"
#include "fundledger/error.h"

/* ---- reading ---- */

typedef struct fl_xml_doc fl_xml_doc;
typedef struct fl_xml_node fl_xml_node;

/* The first error the parser reported: its line (>= 1) and message. */
typedef struct {
	size_t line;
	char msg[200];
} fl_xml_problem;

/*
 * Parses data[0..len) into *out. 0; FL_EINVALID when it is not well-formed, with *problem
 * filled (no message is set: the caller knows the file's name); FL_ERANGE when len is too
 * large for libxml2; FL_ENOMEM. *out is freed with fl_xml_doc_free (accepts NULL).
 */
int fl_xml_doc_read(fl_xml_doc **out, fl_xml_problem *problem, const char *data,
		    size_t len) FL_WARN_UNUSED;
void fl_xml_doc_free(fl_xml_doc *d);

/* The root element, or NULL when there is none. */
const fl_xml_node *fl_xml_root(const fl_xml_doc *d);

/* 1 when the document has a DOCTYPE declaration (an internal or external subset). */
int fl_xml_has_doctype(const fl_xml_doc *d);

/* An element's local name, and its namespace URI (NULL when it has none). */
const char *fl_xml_name(const fl_xml_node *n);
const char *fl_xml_ns(const fl_xml_node *n);

/* The first child element of n, and the next sibling element; NULL when there is none. */
const fl_xml_node *fl_xml_first_child(const fl_xml_node *n);
const fl_xml_node *fl_xml_next(const fl_xml_node *n);

/* The line n (or, when libxml2 has none for it, its nearest ancestor) starts on; >= 1. */
size_t fl_xml_line(const fl_xml_node *n);

/* Appends the character data directly in n (text and CDATA children) to out. */
int fl_xml_text(fl_buf *out, const fl_xml_node *n) FL_WARN_UNUSED;

/*
 * The attribute `name` (in no namespace) of n, appended to out; *found is 0 (and out is left
 * as it was) when n has no such attribute. 0 or FL_ENOMEM.
 */
int fl_xml_attr(fl_buf *out, int *found, const fl_xml_node *n, const char *name) FL_WARN_UNUSED;

/* ---- writing ---- */

typedef struct fl_xml_writer fl_xml_writer;

/*
 * A writer appending to dst (borrowed until fl_xml_writer_free), indented by two spaces per
 * level, starting with the declaration <?xml version="1.0" encoding="UTF-8"?>. Names are
 * ours (ASCII); values and text must be UTF-8. Each call returns 0, FL_ENOMEM or FL_EINVALID
 * (libxml2 refused the call, e.g. an attribute after text).
 */
int fl_xml_writer_new(fl_xml_writer **out, fl_buf *dst) FL_WARN_UNUSED;
int fl_xml_start(fl_xml_writer *w, const char *name) FL_WARN_UNUSED;
int fl_xml_attr_put(fl_xml_writer *w, const char *name, const char *value) FL_WARN_UNUSED;
int fl_xml_text_put(fl_xml_writer *w, const char *text) FL_WARN_UNUSED;
int fl_xml_end(fl_xml_writer *w) FL_WARN_UNUSED;
/* Pushes everything written so far into dst. */
int fl_xml_flush(fl_xml_writer *w) FL_WARN_UNUSED;
/* Closes every open element, ends the document with a newline and flushes. */
int fl_xml_writer_finish(fl_xml_writer *w) FL_WARN_UNUSED;
/* Accepts NULL. Flushes what is left into dst first: free the writer before dst. */
void fl_xml_writer_free(fl_xml_writer *w);

#endif
