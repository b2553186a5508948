/*
 * buf.h: a growable byte buffer (git's strbuf idea) with overflow-checked growth.
 *
 * Invariant: when data != NULL, data[len] == 0, so the contents can be read as a C string.
 * An fl_buf initialised with FL_BUF_INIT owns nothing; fl_buf_free releases and resets it.
 */
#ifndef FUNDLEDGER_BUF_H
#define FUNDLEDGER_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

typedef struct {
	unsigned char *data;
	size_t len;
	size_t cap;
} fl_buf;

#define FL_BUF_INIT {NULL, 0, 0}

/* Ensures room for `extra` more bytes (plus the NUL). 0, FL_ENOMEM or FL_ERANGE. */
int fl_buf_grow(fl_buf *b, size_t extra);
/* Appends n bytes. */
int fl_buf_put(fl_buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string. */
int fl_buf_puts(fl_buf *b, const char *s);
int fl_buf_putc(fl_buf *b, unsigned char c);
int fl_buf_put_u16be(fl_buf *b, uint16_t v);
int fl_buf_put_u64be(fl_buf *b, uint64_t v);
int fl_buf_printf(fl_buf *b, const char *fmt, ...) FL_PRINTF(2, 3);
/* Empties the buffer and keeps its memory. */
void fl_buf_reset(fl_buf *b);
/* The contents as a C string ("" for an empty, never-grown buffer). */
const char *fl_buf_cstr(const fl_buf *b);
void fl_buf_free(fl_buf *b);

#endif
