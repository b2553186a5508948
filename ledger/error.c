/*
 * error.c: the thread-local error record behind fl_error_set() and fl_error_last().
 *
 * Invariant: msg is always NUL-terminated; code is 0 or the last negative code set.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/error.h"

static _Thread_local int last_code;
static _Thread_local char last_msg[FL_ERROR_MAX];

int fl_utf8_next(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	if (len == 0)
		return FL_UTF8_INVALID;
	if (u[0] < 0x80)
		return u[0] < 0x20 || u[0] == 0x7f ? FL_UTF8_CONTROL : 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		cp = u[0] & 0x1fu;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		cp = u[0] & 0x0fu;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		cp = u[0] & 0x07u;
	} else {
		return FL_UTF8_INVALID;
	}
	if (len < n)
		return FL_UTF8_INVALID;
	for (size_t k = 1; k < n; k++) {
		if ((u[k] & 0xc0) != 0x80)
			return FL_UTF8_INVALID;
		cp = cp << 6 | (u[k] & 0x3fu);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF; then C1 controls. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return FL_UTF8_INVALID;
	if (cp >= 0x80 && cp <= 0x9f)
		return FL_UTF8_CONTROL;
	return (int)n;
}

/*
 * The last defence against a terminal escape in a message: whatever a caller quoted from its
 * input, every control character and every byte that is not part of well-formed UTF-8 becomes
 * '?'. A message is then always safe to print (and a cut multi-byte character at its end too).
 */
static void make_printable(char *msg)
{
	size_t len = strlen(msg);
	for (size_t i = 0; i < len;) {
		int n = fl_utf8_next(msg + i, len - i);
		if (n > 0) {
			i += (size_t)n;
			continue;
		}
		msg[i++] = '?';
	}
}

int fl_error_set(int code, const char *fmt, ...)
{
	/* Formatted aside first: callers may pass fl_error_last() itself as an argument. */
	char msg[FL_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	make_printable(msg);
	memcpy(last_msg, msg, sizeof(last_msg));
	last_code = code;
	return code;
}

int fl_error_prefix(const char *fmt, ...)
{
	char prefix[FL_ERROR_MAX], old[FL_ERROR_MAX];
	size_t plen, olen;
	va_list ap;

	memcpy(old, last_msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	make_printable(prefix);
	plen = strlen(prefix);
	olen = strnlen(old, sizeof(old) - 1);
	if (olen > sizeof(last_msg) - 1 - plen)
		olen = sizeof(last_msg) - 1 - plen;
	memcpy(last_msg, prefix, plen);
	memcpy(last_msg + plen, old, olen);
	last_msg[plen + olen] = '\0';
	return last_code;
}

const char *fl_error_last(void)
{
	return last_msg;
}

int fl_error_code(void)
{
	return last_code;
}

void fl_error_clear(void)
{
	last_code = 0;
	last_msg[0] = '\0';
}

const char *fl_error_name(int code)
{
	switch (code) {
	case FL_OK: return "ok";
	case FL_EINVALID: return "invalid";
	case FL_ENOTFOUND: return "not found";
	case FL_EEXISTS: return "exists";
	case FL_EIO: return "i/o";
	case FL_ECONFIG: return "configuration";
	case FL_ECORRUPT: return "corrupt";
	case FL_EVERIFY: return "verification failed";
	case FL_ENOMEM: return "out of memory";
	case FL_EBUSY: return "busy";
	case FL_ECRYPTO: return "crypto";
	case FL_ERANGE: return "out of range";
	default: return "unknown";
	}
}

const char *fl_quote(char out[FL_QUOTE_MAX], const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t shown = len > FL_QUOTE_SHOWN ? FL_QUOTE_SHOWN : len;
	size_t o = 0;

	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\'' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (shown < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
