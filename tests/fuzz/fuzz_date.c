/*
 * fuzz_date.c: fuzz target for dates and UTC timestamps (date.h).
 *
 * The input is checked as a date and as a timestamp (and its first 10 bytes as a date), and
 * acceptance is compared with an independent oracle: fixed width, digits where digits go, a
 * real proleptic Gregorian date in 1900..9999, a time of day without leap seconds. For a
 * valid date, fl_date_days must equal a day count computed another way (365 a year plus leap
 * days), fl_date_from_days must give the input back, and the neighbouring days must sort
 * before and after it with memcmp; for a valid timestamp, fl_time_format of its Unix time
 * must give the input back. Error messages must be printable ASCII. abort() on a violation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/date.h"
#include "fundledger/error.h"

#define FUZZ_OWN_CHECK
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_date: invariant violated: %s (input %zu bytes: '", what, size);
	for (size_t i = 0; i < size && i < 64; i++)
		fprintf(stderr, data[i] >= 0x20 && data[i] < 0x7f ? "%c" : "\\x%02x", data[i]);
	fprintf(stderr, "'); last error: %s\n", fl_error_last());
	abort();
}

#define CHECK(cond, what)                                  \
	do {                                               \
		if (!(cond))                               \
			fail(what, data, size);            \
	} while (0)

static int num(const uint8_t *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int leap(int y)
{
	return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0);
}

static int month_days(int y, int m)
{
	static const int d[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 ? 28 + leap(y) : d[m];
}

/* Oracle for the date part at s (10 bytes available): 1 when valid, with y, m, d. */
static int oracle_date(const uint8_t *s, int *y, int *m, int *d)
{
	if (s[4] != '-' || s[7] != '-')
		return 0;
	*y = num(s, 4);
	*m = num(s + 5, 2);
	*d = num(s + 8, 2);
	if (*y < FL_YEAR_MIN || *y > FL_YEAR_MAX || *m < 1 || *m > 12 || *d < 1)
		return 0;
	return *d <= month_days(*y, *m);
}

/* Days since 1970-01-01, counted as whole years, leap days and days of the year. */
static int64_t oracle_days(int y, int m, int d)
{
	int64_t days = 365 * (int64_t)(y - 1970);
	int64_t p = y - 1, q = 1969;

	days += (p / 4 - p / 100 + p / 400) - (q / 4 - q / 100 + q / 400);
	for (int k = 1; k < m; k++)
		days += month_days(y, k);
	return days + d - 1;
}

static void check_date(const uint8_t *data, size_t size, const uint8_t *s, size_t len)
{
	char out[FL_DATE_LEN + 1], near[FL_DATE_LEN + 1];
	int y = 0, m = 0, d = 0, rc, want;
	int64_t days;

	fl_error_clear();
	rc = fl_date_check((const char *)s, len);
	want = len == FL_DATE_LEN && oracle_date(s, &y, &m, &d);
	CHECK(rc == 0 || rc == FL_EINVALID, "fl_date_check returned an unexpected code");
	CHECK((rc == 0) == want, "fl_date_check disagrees with the oracle");
	if (rc < 0) {
		CHECK(printable(fl_error_last()), "date error message is empty or not printable");
		return;
	}
	CHECK(fl_date_year((const char *)s) == y, "fl_date_year is wrong");
	days = fl_date_days((const char *)s);
	CHECK(days == oracle_days(y, m, d), "fl_date_days differs from the oracle");
	CHECK(fl_date_from_days(out, days) == 0, "fl_date_from_days refused a valid date's day");
	CHECK(memcmp(out, s, FL_DATE_LEN) == 0 && out[FL_DATE_LEN] == '\0',
	      "fl_date_from_days(fl_date_days(d)) != d");

	/* The day before and after: valid and in memcmp order, or out of range at the ends. */
	rc = fl_date_from_days(near, days - 1);
	if (y == FL_YEAR_MIN && m == 1 && d == 1) {
		CHECK(rc == FL_ERANGE, "the day before 1900-01-01 was accepted");
	} else {
		CHECK(rc == 0 && fl_date_check(near, FL_DATE_LEN) == 0 &&
			      memcmp(near, s, FL_DATE_LEN) < 0 && fl_date_days(near) == days - 1,
		      "the day before is not an earlier valid date");
	}
	rc = fl_date_from_days(near, days + 1);
	if (y == FL_YEAR_MAX && m == 12 && d == 31) {
		CHECK(rc == FL_ERANGE, "the day after 9999-12-31 was accepted");
	} else {
		CHECK(rc == 0 && fl_date_check(near, FL_DATE_LEN) == 0 &&
			      memcmp(near, s, FL_DATE_LEN) > 0 && fl_date_days(near) == days + 1,
		      "the day after is not a later valid date");
	}
}

static void check_time(const uint8_t *data, size_t size)
{
	char out[FL_TIME_LEN + 1];
	int y = 0, mo = 0, d = 0, hh, mm, ss, rc, want = 0;

	fl_error_clear();
	rc = fl_time_check((const char *)data, size);
	if (size == FL_TIME_LEN && oracle_date(data, &y, &mo, &d) && data[10] == 'T' &&
	    data[13] == ':' && data[16] == ':' && data[19] == 'Z') {
		hh = num(data + 11, 2);
		mm = num(data + 14, 2);
		ss = num(data + 17, 2);
		want = hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59 && ss >= 0 && ss <= 59;
	}
	CHECK(rc == 0 || rc == FL_EINVALID, "fl_time_check returned an unexpected code");
	CHECK((rc == 0) == want, "fl_time_check disagrees with the oracle");
	if (rc < 0) {
		CHECK(printable(fl_error_last()), "timestamp error message is empty or not printable");
		return;
	}
	CHECK(fl_date_check((const char *)data, FL_DATE_LEN) == 0,
	      "a valid timestamp has an invalid date part");
	{
		int64_t t = oracle_days(y, mo, d) * 86400 + num(data + 11, 2) * 3600 +
			    num(data + 14, 2) * 60 + num(data + 17, 2);
		CHECK(fl_time_format(out, t) == 0, "fl_time_format refused a valid timestamp's time");
		CHECK(memcmp(out, data, FL_TIME_LEN) == 0 && out[FL_TIME_LEN] == '\0',
		      "fl_time_format(time of t) != t");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_date(data, size, data, size);
	if (size > FL_DATE_LEN)
		check_date(data, size, data, FL_DATE_LEN);
	check_time(data, size);
	return 0;
}
