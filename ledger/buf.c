/*
 * buf.c: fl_buf, a growable byte buffer.
 *
 * Invariant: data is NULL (cap 0, len 0) or holds cap bytes with len < cap and data[len] == 0.
 * Growth doubles, and every size computation is checked before it can wrap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/buf.h"

int fl_buf_grow(fl_buf *b, size_t extra)
{
	size_t need, cap;
	unsigned char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return fl_error_set(FL_ERANGE, "buffer size overflow");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return fl_error_set(FL_ERANGE, "buffer size overflow");
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return fl_error_set(FL_ENOMEM, "out of memory (%zu bytes)", cap);
	b->data = p;
	b->cap = cap;
	b->data[b->len] = 0;
	return 0;
}

int fl_buf_put(fl_buf *b, const void *p, size_t n)
{
	int err;
	if ((err = fl_buf_grow(b, n)) < 0)
		return err;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int fl_buf_puts(fl_buf *b, const char *s)
{
	return fl_buf_put(b, s, strlen(s));
}

int fl_buf_putc(fl_buf *b, unsigned char c)
{
	return fl_buf_put(b, &c, 1);
}

int fl_buf_put_u16be(fl_buf *b, uint16_t v)
{
	unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
	return fl_buf_put(b, x, 2);
}

int fl_buf_put_u64be(fl_buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 7; i >= 0; i--) {
		x[i] = (unsigned char)v;
		v >>= 8;
	}
	return fl_buf_put(b, x, 8);
}

int fl_buf_printf(fl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;
	size_t room;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fl_error_set(FL_EINVALID, "bad format");
	if ((err = fl_buf_grow(b, (size_t)n)) < 0)
		return err;
	room = b->cap - b->len;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, room, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void fl_buf_reset(fl_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

const char *fl_buf_cstr(const fl_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

void fl_buf_free(fl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
