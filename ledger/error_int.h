/*
 * error_int.h: helpers for building error messages inside the library (private).
 */
#ifndef FUNDLEDGER_ERROR_INT_H
#define FUNDLEDGER_ERROR_INT_H

#include <stddef.h>

/* Input bytes shown in a message; longer input is cut and marked with "...". */
#define FL_QUOTE_SHOWN 32
/* Each shown byte takes at most 4 characters ("\xff"), plus "..." and the NUL. */
#define FL_QUOTE_MAX (FL_QUOTE_SHOWN * 4 + 4)

/*
 * Writes s[0..len) into out for use inside '...' in a message, and returns out: printable
 * ASCII as is, the quote and backslash escaped, every other byte (NUL, control, non-ASCII) as
 * \xNN. Input may come from a file or a forged entry, so it is never trusted to be printable.
 */
const char *fl_quote(char out[FL_QUOTE_MAX], const char *s, size_t len);

/* What fl_utf8_next returns when s does not start with a character it accepts. */
#define FL_UTF8_INVALID 0  /* not well-formed UTF-8: a stray, overlong, cut or surrogate */
#define FL_UTF8_CONTROL -1 /* a control character: C0, DEL or C1 */

/*
 * The length in bytes (1 to 4) of the well-formed UTF-8 character that starts s (len bytes
 * left), or FL_UTF8_INVALID or FL_UTF8_CONTROL. fl_utf8_check and the error record's guard
 * against escape sequences in messages share it.
 */
int fl_utf8_next(const char *s, size_t len);

#endif
