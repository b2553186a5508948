/*
 * test_date.c: unit tests for date.h (dates, UTC timestamps, day counts).
 *
 * Uses only the public API. Known answers are worked by hand or taken from published
 * Unix-time landmarks; the exhaustive sweeps compare against the C library's gmtime_r as an
 * independent oracle, with TZ set to something exotic to show that nothing depends on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fundledger/date.h"
#include "fundledger/error.h"

/* Bounds of the year range, worked by hand: 1900-01-01 is 70 years (17 leap) before 1970. */
#define DAY_MIN INT64_C(-25567)   /* 1900-01-01 */
#define DAY_MAX INT64_C(2932896)  /* 9999-12-31 */
#define SEC_MIN INT64_C(-2208988800)   /* 1900-01-01T00:00:00Z */
#define SEC_MAX INT64_C(253402300799)  /* 9999-12-31T23:59:59Z */

#define DATE_OK(lit) date_at(__LINE__, (lit), sizeof(lit) - 1, 0, NULL)
#define DATE_BAD(lit, sub) date_at(__LINE__, (lit), sizeof(lit) - 1, FL_EINVALID, (sub))
#define TIME_OK(lit) time_at(__LINE__, (lit), sizeof(lit) - 1, 0, NULL)
#define TIME_BAD(lit, sub) time_at(__LINE__, (lit), sizeof(lit) - 1, FL_EINVALID, (sub))

static void date_at(int line, const char *s, size_t len, int code, const char *sub)
{
	int rc;
	fl_error_clear();
	rc = fl_date_check(s, len);
	if (rc != code || (sub && !strstr(fl_error_last(), sub)))
		fail_msg("line %d: date (%zu bytes): rc %d, want %d; message \"%s\" should "
			 "contain \"%s\"",
			 line, len, rc, code, fl_error_last(), sub ? sub : "");
}

static void time_at(int line, const char *s, size_t len, int code, const char *sub)
{
	int rc;
	fl_error_clear();
	rc = fl_time_check(s, len);
	if (rc != code || (sub && !strstr(fl_error_last(), sub)))
		fail_msg("line %d: timestamp (%zu bytes): rc %d, want %d; message \"%s\" should "
			 "contain \"%s\"",
			 line, len, rc, code, fl_error_last(), sub ? sub : "");
}

static int setup_tz(void **state)
{
	(void)state;
	/* UTC+14: if anything consulted local time, every date below would shift. */
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	return 0;
}

/* ---- fl_date_check ---- */

static void test_date_accepts_real_dates(void **state)
{
	(void)state;
	DATE_OK("2024-02-29"); /* divisible by 4 */
	DATE_OK("2000-02-29"); /* divisible by 400 */
	DATE_OK("1904-02-29");
	DATE_OK("9996-02-29");
	DATE_OK("1900-01-01"); /* FL_YEAR_MIN */
	DATE_OK("9999-12-31"); /* FL_YEAR_MAX */
	DATE_OK("1970-01-01");
	DATE_OK("2023-01-31");
	DATE_OK("2023-02-28");
	DATE_OK("2023-03-31");
	DATE_OK("2023-04-30");
	DATE_OK("2023-06-30");
	DATE_OK("2023-09-30");
	DATE_OK("2023-11-30");
	DATE_OK("2023-12-31");
}

static void test_date_rejects_unreal_dates(void **state)
{
	(void)state;
	DATE_BAD("2023-02-29", "date '2023-02-29' is not a real date (February 2023 has 28 days)");
	DATE_BAD("1900-02-29", "(February 1900 has 28 days)"); /* century, not 400 */
	DATE_BAD("2100-02-29", "(February 2100 has 28 days)");
	DATE_BAD("2024-02-30", "(February 2024 has 29 days)");
	DATE_BAD("2023-04-31", "(April 2023 has 30 days)");
	DATE_BAD("2023-06-31", "(June 2023 has 30 days)");
	DATE_BAD("2023-09-31", "not a real date");
	DATE_BAD("2023-11-31", "not a real date");
	DATE_BAD("2023-01-32", "(January 2023 has 31 days)");
	DATE_BAD("2023-12-32", "not a real date");
	DATE_BAD("2023-01-00", "not a real date");
	DATE_BAD("2023-01-99", "not a real date");
	DATE_BAD("2023-00-10", "date '2023-00-10': month 00 is not 01..12");
	DATE_BAD("2023-13-01", "month 13 is not 01..12");
	DATE_BAD("2023-99-01", "month 99");
	DATE_BAD("1899-12-31", "date '1899-12-31': year 1899 is outside 1900..9999");
	DATE_BAD("0000-01-01", "year 0 is outside");
	DATE_BAD("1000-01-01", "year 1000 is outside");
}

static void test_date_rejects_bad_shape(void **state)
{
	(void)state;
	DATE_BAD("", "date is empty");
	DATE_BAD("2023-1-01", "date '2023-1-01' must be YYYY-MM-DD (10 characters, not 9)");
	DATE_BAD("2023-01-1", "10 characters, not 9");
	DATE_BAD("20230101", "10 characters, not 8");
	DATE_BAD("2023-01-01 ", "10 characters, not 11");
	DATE_BAD(" 2023-01-01", "10 characters, not 11");
	DATE_BAD("2023-01-01T00:00:00Z", "10 characters, not 20");
	DATE_BAD("12023-01-01", "not 11");
	DATE_BAD("2023/01/01", "date '2023/01/01' does not have the form YYYY-MM-DD");
	DATE_BAD("2023.01.01", "does not have the form");
	DATE_BAD("01-01-2023", "does not have the form");
	DATE_BAD("2023-01-0a", "does not have the form");
	DATE_BAD("2023-0a-01", "does not have the form");
	DATE_BAD("+023-01-01", "does not have the form");
	DATE_BAD("-023-01-01", "does not have the form");
	DATE_BAD(" 023-01-01", "does not have the form");
	DATE_BAD("2023-01- 1", "does not have the form");
	DATE_BAD("2023-01-+1", "does not have the form");
	DATE_BAD("2023_01_01", "does not have the form");
	/* NUL bytes inside len; a short C string would have ended early. */
	DATE_BAD("2023-01\0-01", "not 11");
	DATE_BAD("2023-01-0\0", "date '2023-01-0\\x00' does not have the form");
	DATE_BAD("2023\0" "01-01", "does not have the form");
	/* Non-ASCII digits (fullwidth 2) and bytes that must be escaped in the message. */
	DATE_BAD("\xef\xbc\x92" "3-01-01", "date '\\xef\\xbc\\x923-01-01' does not have the form");
	DATE_BAD("2023-01-\xd9\xa1", "'2023-01-\\xd9\\xa1' does not have the form"); /* Arabic-Indic */
	DATE_BAD("2023-01-'1", "date '2023-01-\\'1'");
	DATE_BAD("2023-01-\x1b" "1", "'2023-01-\\x1b1'");
	assert_int_equal(fl_date_check(NULL, 0), FL_EINVALID);
	assert_int_equal(fl_date_check(NULL, 10), FL_EINVALID);
}

static void test_date_long_input_is_cut_in_message(void **state)
{
	char big[300];
	(void)state;
	memset(big, '7', sizeof(big));
	assert_int_equal(fl_date_check(big, sizeof(big)), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "77777...' must be YYYY-MM-DD"));
	assert_true(strlen(fl_error_last()) < 200);
}

/* Every day and month number 00..32 / 00..13 around leap-rule edges, against the rules. */
static void test_date_check_grid(void **state)
{
	static const int years[] = {1900, 1901, 1903, 1904, 1996, 1999, 2000, 2001, 2004,
				    2023, 2024, 2100, 2400, 9996, 9999};
	static const int dim[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char s[48]; /* room for any int, so no build level warns of truncation */
	(void)state;

	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		int y = years[i];
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 0; m <= 13; m++) {
			for (int d = 0; d <= 32; d++) {
				int real = m >= 1 && m <= 12 && d >= 1 &&
					   d <= dim[m] + (m == 2 && leap);
				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
				if ((fl_date_check(s, FL_DATE_LEN) == 0) != real)
					fail_msg("%s: expected %s", s, real ? "real" : "rejected");
			}
		}
	}
}

/* ---- fl_time_check ---- */

static void test_time_check(void **state)
{
	(void)state;
	TIME_OK("2024-02-29T23:59:59Z");
	TIME_OK("1970-01-01T00:00:00Z");
	TIME_OK("1900-01-01T00:00:00Z");
	TIME_OK("9999-12-31T23:59:59Z");
	TIME_OK("2023-06-15T12:30:45Z");

	TIME_BAD("", "timestamp is empty");
	TIME_BAD("2024-02-29T24:00:00Z", "timestamp '2024-02-29T24:00:00Z': time 24:00:00 is not valid");
	TIME_BAD("2024-02-29T23:60:00Z", "time 23:60:00 is not valid");
	TIME_BAD("2016-12-31T23:59:60Z", "time 23:59:60 is not valid"); /* a real leap second */
	TIME_BAD("2024-02-29T99:99:99Z", "is not valid");
	TIME_BAD("2023-02-29T00:00:00Z", "timestamp '2023-02-29T00:00:00Z' is not a real date "
					 "(February 2023 has 28 days)");
	TIME_BAD("1899-12-31T23:59:59Z", "year 1899 is outside 1900..9999");
	TIME_BAD("2023-13-01T00:00:00Z", "month 13");
	TIME_BAD("2024-02-29t23:59:59Z", "does not have the form YYYY-MM-DDTHH:MM:SSZ");
	TIME_BAD("2024-02-29T23:59:59z", "does not have the form");
	TIME_BAD("2024-02-29 23:59:59Z", "does not have the form");
	TIME_BAD("2024-02-29T23.59.59Z", "does not have the form");
	TIME_BAD("2024/02/29T23:59:59Z", "does not have the form YYYY-MM-DDTHH:MM:SSZ");
	TIME_BAD("2024-02-29T2a:59:59Z", "does not have the form");
	TIME_BAD("2024-02-29T-1:59:59Z", "does not have the form");
	TIME_BAD("2024-02-29T23:59:59+", "does not have the form");
	TIME_BAD("2024-02-29T23:59:59\0", "'2024-02-29T23:59:59\\x00' does not have the form");
	TIME_BAD("2024-02-29T23:59:59", "(20 characters, not 19)");
	TIME_BAD("2024-02-29T23:59Z", "not 17");
	TIME_BAD("2024-02-29T23:59:59+00:00", "not 25");
	TIME_BAD("2024-02-29T23:59:59.5Z", "not 22");
	TIME_BAD("2024-02-29", "not 10");
	assert_int_equal(fl_time_check(NULL, 0), FL_EINVALID);
	assert_int_equal(fl_time_check(NULL, 20), FL_EINVALID);
}

/* ---- fl_date_year, fl_date_days ---- */

static void test_year_and_days_known_answers(void **state)
{
	(void)state;
	assert_int_equal(fl_date_year("2024-02-29"), 2024);
	assert_int_equal(fl_date_year("1900-01-01"), 1900);
	assert_int_equal(fl_date_year("9999-12-31"), 9999);
	assert_int_equal(fl_date_year("1999-12-31T23:59:59Z"), 1999);

	assert_int_equal(fl_date_days("1970-01-01"), 0);
	assert_int_equal(fl_date_days("1970-01-02"), 1);
	assert_int_equal(fl_date_days("1969-12-31"), -1);
	assert_int_equal(fl_date_days("1971-01-01"), 365);
	assert_int_equal(fl_date_days("1973-01-01"), 365 + 365 + 366); /* 1972 was leap */
	assert_int_equal(fl_date_days("2000-01-01"), 10957);
	assert_int_equal(fl_date_days("2000-03-01"), 11017); /* 10957 + 31 + 29 */
	assert_int_equal(fl_date_days("2024-02-29"), 19782);
	assert_int_equal(fl_date_days("2024-03-01"), 19783);
	assert_int_equal(fl_date_days("1900-01-01"), DAY_MIN);
	assert_int_equal(fl_date_days("1900-03-01"), DAY_MIN + 31 + 28);
	assert_int_equal(fl_date_days("9999-12-31"), DAY_MAX);
	/* A timestamp's date part counts the same. */
	assert_int_equal(fl_date_days("2024-02-29T23:59:59Z"), 19782);
}

/* ---- fl_date_from_days ---- */

static void test_from_days_known_answers_and_range(void **state)
{
	char out[FL_DATE_LEN + 1];
	(void)state;

	assert_int_equal(fl_date_from_days(out, 0), 0);
	assert_string_equal(out, "1970-01-01");
	assert_int_equal(fl_date_from_days(out, -1), 0);
	assert_string_equal(out, "1969-12-31");
	assert_int_equal(fl_date_from_days(out, 19782), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(fl_date_from_days(out, 11016), 0);
	assert_string_equal(out, "2000-02-29");
	assert_int_equal(fl_date_from_days(out, DAY_MIN), 0);
	assert_string_equal(out, "1900-01-01");
	assert_int_equal(fl_date_from_days(out, DAY_MAX), 0);
	assert_string_equal(out, "9999-12-31");

	memset(out, 'Z', sizeof(out));
	assert_int_equal(fl_date_from_days(out, DAY_MIN - 1), FL_ERANGE);
	assert_non_null(strstr(fl_error_last(), "outside the years 1900..9999"));
	assert_int_equal(fl_date_from_days(out, DAY_MAX + 1), FL_ERANGE);
	assert_int_equal(fl_date_from_days(out, INT64_MIN), FL_ERANGE);
	assert_int_equal(fl_date_from_days(out, INT64_MAX), FL_ERANGE);
	assert_int_equal(out[0], 'Z'); /* nothing written on failure */
}

/*
 * Every day of the range: from_days produces a checked date that counts back to the same
 * day, has the right year, sorts after the previous day with memcmp, and matches gmtime_r.
 */
static void test_round_trip_every_day(void **state)
{
	char prev[FL_DATE_LEN + 1] = "", out[FL_DATE_LEN + 1], want[32];
	int64_t count = 0;
	(void)state;

	for (int64_t d = DAY_MIN; d <= DAY_MAX; d++) {
		struct tm tm;
		time_t t = (time_t)(d * 86400);

		assert_int_equal(fl_date_from_days(out, d), 0);
		if (fl_date_check(out, strlen(out)) != 0)
			fail_msg("day %lld: '%s' fails fl_date_check: %s", (long long)d, out,
				 fl_error_last());
		if (fl_date_days(out) != d)
			fail_msg("day %lld: '%s' counts back to %lld", (long long)d, out,
				 (long long)fl_date_days(out));
		if (prev[0] && memcmp(prev, out, FL_DATE_LEN) >= 0)
			fail_msg("'%s' does not sort after '%s'", out, prev);
		assert_non_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
		if (strcmp(out, want) != 0)
			fail_msg("day %lld: got '%s', gmtime_r says '%s'", (long long)d, out, want);
		if (fl_date_year(out) != tm.tm_year + 1900)
			fail_msg("day %lld: year %d", (long long)d, fl_date_year(out));
		memcpy(prev, out, sizeof(prev));
		count++;
	}
	/* 8100 years: 8100 * 365 + leap days (2025 multiples of 4, less 81 centuries, plus 20). */
	assert_int_equal(count, 8100 * 365 + 2025 - 81 + 20);
}

/* ---- fl_time_format ---- */

static void time_fmt(int64_t t, const char *want)
{
	char out[FL_TIME_LEN + 1];
	int rc = fl_time_format(out, t);
	if (rc != 0 || strcmp(out, want) != 0)
		fail_msg("time %lld: rc %d, got '%s', want '%s'", (long long)t, rc,
			 rc ? fl_error_last() : out, want);
	assert_int_equal(fl_time_check(out, strlen(out)), 0);
}

static void test_time_format_known_answers(void **state)
{
	char out[FL_TIME_LEN + 1];
	(void)state;

	time_fmt(0, "1970-01-01T00:00:00Z");
	time_fmt(-1, "1969-12-31T23:59:59Z");
	time_fmt(-86400, "1969-12-31T00:00:00Z");
	time_fmt(-86401, "1969-12-30T23:59:59Z");
	time_fmt(86399, "1970-01-01T23:59:59Z");
	time_fmt(951782400, "2000-02-29T00:00:00Z");
	time_fmt(1000000000, "2001-09-09T01:46:40Z");
	time_fmt(1234567890, "2009-02-13T23:31:30Z");
	time_fmt(1709251199, "2024-02-29T23:59:59Z");
	time_fmt(1709251200, "2024-03-01T00:00:00Z");
	time_fmt(INT64_C(2147483647), "2038-01-19T03:14:07Z");
	time_fmt(INT64_C(2147483648), "2038-01-19T03:14:08Z");
	time_fmt(INT64_C(4102444800), "2100-01-01T00:00:00Z");
	time_fmt(SEC_MIN, "1900-01-01T00:00:00Z");
	time_fmt(SEC_MAX, "9999-12-31T23:59:59Z");

	memset(out, 'Z', sizeof(out));
	assert_int_equal(fl_time_format(out, SEC_MIN - 1), FL_ERANGE);
	assert_non_null(strstr(fl_error_last(), "outside the years 1900..9999"));
	assert_int_equal(fl_time_format(out, SEC_MAX + 1), FL_ERANGE);
	assert_int_equal(fl_time_format(out, INT64_MIN), FL_ERANGE);
	assert_int_equal(fl_time_format(out, INT64_MAX), FL_ERANGE);
	assert_int_equal(out[0], 'Z');
}

/* Seconds across the whole range against gmtime_r, with a stride that visits all times of day. */
static void test_time_format_against_gmtime(void **state)
{
	char out[FL_TIME_LEN + 1], want[64], prev[FL_TIME_LEN + 1] = "";
	(void)state;

	for (int64_t t = SEC_MIN; t <= SEC_MAX; t += INT64_C(86400) * 997 + 3607) {
		struct tm tm;
		time_t tt = (time_t)t;
		assert_int_equal(fl_time_format(out, t), 0);
		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		if (strcmp(out, want) != 0)
			fail_msg("time %lld: got '%s', gmtime_r says '%s'", (long long)t, out, want);
		assert_int_equal(fl_time_check(out, FL_TIME_LEN), 0);
		if (prev[0] && memcmp(prev, out, FL_TIME_LEN) >= 0)
			fail_msg("'%s' does not sort after '%s'", out, prev);
		memcpy(prev, out, sizeof(prev));
	}
	/* Every second of one leap day. */
	for (int64_t t = 951782400; t < 951782400 + 86400; t++) {
		struct tm tm;
		time_t tt = (time_t)t;
		assert_int_equal(fl_time_format(out, t), 0);
		assert_non_null(gmtime_r(&tt, &tm));
		assert_int_equal(out[11] - '0', tm.tm_hour / 10);
		assert_int_equal(out[12] - '0', tm.tm_hour % 10);
		assert_int_equal((out[14] - '0') * 10 + out[15] - '0', tm.tm_min);
		assert_int_equal((out[17] - '0') * 10 + out[18] - '0', tm.tm_sec);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_accepts_real_dates),
		cmocka_unit_test(test_date_rejects_unreal_dates),
		cmocka_unit_test(test_date_rejects_bad_shape),
		cmocka_unit_test(test_date_long_input_is_cut_in_message),
		cmocka_unit_test(test_date_check_grid),
		cmocka_unit_test(test_time_check),
		cmocka_unit_test(test_year_and_days_known_answers),
		cmocka_unit_test(test_from_days_known_answers_and_range),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_time_format_known_answers),
		cmocka_unit_test(test_time_format_against_gmtime),
	};
	return cmocka_run_group_tests(tests, setup_tz, NULL);
}
