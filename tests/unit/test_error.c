/*
 * test_error.c: unit tests for the error record (error.h) and its message helpers (error_int.h).
 *
 * The record is what every command prints on failure, and messages quote input: a file's
 * bytes, a forged entry's fields, a bundle's lines. The tests pin down that whatever a caller
 * formats, the stored message is well-formed UTF-8 without a control character, so no input
 * can send an escape sequence to the user's terminal, while good text (accented names, the
 * em dash of signed notes) passes unchanged. Replaced bytes are written "\?" below: "??"
 * would start a trigraph.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error_int.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"

static void test_set_keeps_code_and_text(void **state)
{
	(void)state;
	fl_error_clear();
	assert_int_equal(fl_error_code(), 0);
	assert_string_equal(fl_error_last(), "");
	assert_int_equal(fl_error_set(FL_EINVALID, "line %d: bad '%s'", 7, "x"), FL_EINVALID);
	assert_int_equal(fl_error_code(), FL_EINVALID);
	assert_string_equal(fl_error_last(), "line 7: bad 'x'");
	/* The message may be built from itself. */
	fl_error_set(FL_EIO, "t.csv: %s", fl_error_last());
	assert_string_equal(fl_error_last(), "t.csv: line 7: bad 'x'");
	assert_int_equal(fl_error_prefix("import: "), FL_EIO);
	assert_string_equal(fl_error_last(), "import: t.csv: line 7: bad 'x'");
}

static void test_set_replaces_controls(void **state)
{
	(void)state;
	/* An ANSI escape, a carriage return, a line feed, DEL and a tab from an input. */
	fl_error_set(FL_EINVALID, "unknown column '%s'", "\x1b[31mred\r\n\x7f\t");
	assert_string_equal(fl_error_last(), "unknown column '\?[31mred\?\?\?\?'");
	/* C1 controls in UTF-8 (U+009B is the one-byte CSI) are controls too. */
	fl_error_set(FL_EINVALID, "kind '%s'", "\xc2\x9b" "2J");
	assert_string_equal(fl_error_last(), "kind '\?\?2J'");
	/* The prefix is guarded as well. */
	fl_error_set(FL_EINVALID, "bad");
	fl_error_prefix("%s: ", "\x1b]0;title\x07");
	assert_string_equal(fl_error_last(), "\?]0;title\?: bad");
}

static void test_set_replaces_bad_utf8(void **state)
{
	(void)state;
	/* A stray continuation byte, an overlong '/', a surrogate, beyond U+10FFFF. */
	fl_error_set(FL_EINVALID, "[%s]", "a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\xf4\x90\x80\x80");
	assert_string_equal(fl_error_last(), "[a\?b\?\?c\?\?\?d\?\?\?\?]");
	/* A lead byte whose character is cut by the end of the argument. */
	fl_error_set(FL_EINVALID, "[%s]", "\xe2\x80");
	assert_string_equal(fl_error_last(), "[\?\?]");
}

static void test_set_keeps_good_text(void **state)
{
	(void)state;
	/* 2, 3 and 4-byte characters: U+00E9, U+2014 (em dash), U+1F600. */
	const char *good = "C\xc3\xb4te d'Ivoire \xe2\x80\x94 \xf0\x9f\x98\x80 ~";
	fl_error_set(FL_EINVALID, "donor: %s", good);
	assert_memory_equal(fl_error_last(), "donor: ", 7);
	assert_string_equal(fl_error_last() + 7, good);
}

static void test_long_message_is_cut_cleanly(void **state)
{
	char big[FL_ERROR_MAX * 2];
	/* The last byte kept is at FL_ERROR_MAX - 2: make it the lead byte of a character. */
	size_t off = (FL_ERROR_MAX - 2) % 2;
	const char *m;
	size_t n;
	(void)state;
	memset(big, 0, sizeof(big));
	memset(big, 'x', off);
	for (size_t i = off; i + 2 < sizeof(big); i += 2) {
		big[i] = '\xc3';
		big[i + 1] = '\xa9';
	}
	fl_error_set(FL_EINVALID, "%s", big);
	m = fl_error_last();
	n = strlen(m);
	assert_int_equal(n, FL_ERROR_MAX - 1);
	assert_int_equal(m[n - 1], '?');
	assert_memory_equal(m + off, "\xc3\xa9", 2);
	assert_int_equal(fl_utf8_check(m, n), 0);
}

static void test_utf8_next(void **state)
{
	(void)state;
	assert_int_equal(fl_utf8_next("a", 1), 1);
	assert_int_equal(fl_utf8_next("\xc3\xa9", 2), 2);
	assert_int_equal(fl_utf8_next("\xe2\x80\x94", 3), 3);
	assert_int_equal(fl_utf8_next("\xf4\x8f\xbf\xbf", 4), 4); /* U+10FFFF */
	assert_int_equal(fl_utf8_next("", 0), FL_UTF8_INVALID);
	assert_int_equal(fl_utf8_next("\xe2\x80\x94", 2), FL_UTF8_INVALID);
	assert_int_equal(fl_utf8_next("\xe0\x9f\xbf", 3), FL_UTF8_INVALID); /* overlong */
	assert_int_equal(fl_utf8_next("\xf0\x8f\xbf\xbf", 4), FL_UTF8_INVALID);
	assert_int_equal(fl_utf8_next("\xf4\x90\x80\x80", 4), FL_UTF8_INVALID);
	assert_int_equal(fl_utf8_next("\x1f", 1), FL_UTF8_CONTROL);
	assert_int_equal(fl_utf8_next("\x7f", 1), FL_UTF8_CONTROL);
	assert_int_equal(fl_utf8_next("\xc2\x80", 2), FL_UTF8_CONTROL);
	assert_int_equal(fl_utf8_next("\xc2\x9f", 2), FL_UTF8_CONTROL);
	assert_int_equal(fl_utf8_next("\xc2\xa0", 2), 2);
}

static void test_quote(void **state)
{
	char q[FL_QUOTE_MAX];
	char long_in[FL_QUOTE_SHOWN + 10];
	(void)state;
	assert_string_equal(fl_quote(q, "it's a\\b", 8), "it\\'s a\\\\b");
	assert_string_equal(fl_quote(q, "\x1b[2J\xc3\xa9", 6), "\\x1b[2J\\xc3\\xa9");
	assert_string_equal(fl_quote(q, "a\0b", 3), "a\\x00b");
	memset(long_in, 'z', sizeof(long_in));
	fl_quote(q, long_in, sizeof(long_in));
	assert_int_equal(strlen(q), FL_QUOTE_SHOWN + 3);
	assert_string_equal(q + FL_QUOTE_SHOWN, "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_keeps_code_and_text),
		cmocka_unit_test(test_set_replaces_controls),
		cmocka_unit_test(test_set_replaces_bad_utf8),
		cmocka_unit_test(test_set_keeps_good_text),
		cmocka_unit_test(test_long_message_is_cut_cleanly),
		cmocka_unit_test(test_utf8_next),
		cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
