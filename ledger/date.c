/*
 * date.c: calendar dates "YYYY-MM-DD" and UTC timestamps "YYYY-MM-DDTHH:MM:SSZ".
 *
 * Owns the text form of time in the ledger and the day arithmetic behind it. Invariants:
 *  - a string is accepted only in its one fixed-width spelling, with a real proleptic
 *    Gregorian date in years FL_YEAR_MIN..FL_YEAR_MAX and no leap seconds, so that equal
 *    moments have equal bytes and byte order (memcmp) is time order;
 *  - day counts are pure integer arithmetic (Howard Hinnant's days_from_civil and
 *    civil_from_days), independent of TZ, the C library's time_t range and locale;
 *  - every function that writes a date first proves it lies in the year range, so whatever
 *    it writes passes fl_date_check / fl_time_check.
 */
#include <stdint.h>
#include <string.h>

#include "error_int.h"
#include "fundledger/date.h"

#define SECONDS_PER_DAY INT64_C(86400)
/* Days from 0000-03-01 to 1970-01-01 in the era arithmetic below. */
#define EPOCH_SHIFT INT64_C(719468)

static const char *const month_name[12] = {
	"January", "February", "March",     "April",   "May",      "June",
	"July",    "August",   "September", "October", "November", "December",
};



static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* The value of n ASCII digits at s, or -1 if any byte is not '0'..'9'. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Checks the "YYYY-MM-DD" at the start of s. `what` ("date", "timestamp"), its `form` and
 * the quoted whole input q go into the message, so it names what the caller was given.
 */
static int check_date_part(const char *s, size_t len, const char *what, const char *form)
{
	char q[FL_QUOTE_MAX];
	int y, m, d;

	if (s[4] != '-' || s[7] != '-' || (y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return fl_error_set(FL_EINVALID, "%s '%s' does not have the form %s", what, fl_quote(q, s, len), form);
	if (y < FL_YEAR_MIN || y > FL_YEAR_MAX)
		return fl_error_set(FL_EINVALID, "%s '%s': year %d is outside %d..%d", what, fl_quote(q, s, len), y,
				    FL_YEAR_MIN, FL_YEAR_MAX);
	if (m < 1 || m > 12)
		return fl_error_set(FL_EINVALID, "%s '%s': month %02d is not 01..12", what, fl_quote(q, s, len), m);
	if (d < 1 || d > days_in_month(y, m))
		return fl_error_set(FL_EINVALID, "%s '%s' is not a real date (%s %d has %d days)",
				    what, fl_quote(q, s, len), month_name[m - 1], y, days_in_month(y, m));
	return 0;
}

int fl_date_check(const char *s, size_t len)
{
	char q[FL_QUOTE_MAX];

	if (!s && len > 0)
		return fl_error_set(FL_EINVALID, "date: no input");
	if (len == 0)
		return fl_error_set(FL_EINVALID, "date is empty");
	if (len != FL_DATE_LEN)
		return fl_error_set(FL_EINVALID, "date '%s' must be YYYY-MM-DD (10 characters, not %zu)",
				    fl_quote(q, s, len), len);
	return check_date_part(s, len, "date", "YYYY-MM-DD");
}

int fl_time_check(const char *s, size_t len)
{
	char q[FL_QUOTE_MAX];
	int err, hh, mm, ss;

	if (!s && len > 0)
		return fl_error_set(FL_EINVALID, "timestamp: no input");
	if (len == 0)
		return fl_error_set(FL_EINVALID, "timestamp is empty");
	if (len != FL_TIME_LEN)
		return fl_error_set(FL_EINVALID,
				    "timestamp '%s' must be YYYY-MM-DDTHH:MM:SSZ (20 characters, not %zu)",
				    fl_quote(q, s, len), len);
	if ((err = check_date_part(s, len, "timestamp", "YYYY-MM-DDTHH:MM:SSZ")) < 0)
		return err;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    (hh = digits(s + 11, 2)) < 0 || (mm = digits(s + 14, 2)) < 0 ||
	    (ss = digits(s + 17, 2)) < 0)
		return fl_error_set(FL_EINVALID,
				    "timestamp '%s' does not have the form YYYY-MM-DDTHH:MM:SSZ", fl_quote(q, s, len));
	/* 23:59:60 is refused: Unix time has no leap seconds, so it could not round-trip. */
	if (hh > 23 || mm > 59 || ss > 59)
		return fl_error_set(FL_EINVALID, "timestamp '%s': time %02d:%02d:%02d is not valid",
				    fl_quote(q, s, len), hh, mm, ss);
	return 0;
}

/* Writes v as exactly n decimal digits (v < 10^n). */
static void put_digits(char *out, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* days_from_civil: exact for every year here, which are all positive (no negative eras). */
static int64_t days_from_ymd(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2; /* the computational year starts in March, so the leap day comes last */
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - EPOCH_SHIFT;
}

int fl_date_year(const char *s)
{
	return digits(s, 4);
}

int64_t fl_date_days(const char *s)
{
	return days_from_ymd(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2));
}

int fl_date_from_days(char *out, int64_t days)
{
	const int64_t lo = days_from_ymd(FL_YEAR_MIN, 1, 1);
	const int64_t hi = days_from_ymd(FL_YEAR_MAX, 12, 31);
	int64_t z, era, doe, yoe, doy, mp, y, m, d;

	/* Checked first, so the arithmetic below never sees a value that could overflow. */
	if (days < lo || days > hi)
		return fl_error_set(FL_ERANGE, "day %lld is outside the years %d..%d",
				    (long long)days, FL_YEAR_MIN, FL_YEAR_MAX);
	z = days + EPOCH_SHIFT; /* > 0 in the year range */
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);

	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[FL_DATE_LEN] = '\0';
	return 0;
}

int fl_time_format(char *out, int64_t unix_seconds)
{
	/* Floor division, so times before 1970 land on the right day; INT64_MIN is safe. */
	int64_t days = unix_seconds / SECONDS_PER_DAY;
	int64_t sod = unix_seconds % SECONDS_PER_DAY;
	int err;

	if (sod < 0) {
		sod += SECONDS_PER_DAY;
		days--;
	}
	if ((err = fl_date_from_days(out, days)) < 0)
		return fl_error_set(FL_ERANGE, "time %lld is outside the years %d..%d",
				    (long long)unix_seconds, FL_YEAR_MIN, FL_YEAR_MAX);
	out[10] = 'T';
	put_digits(out + 11, sod / 3600, 2);
	out[13] = ':';
	put_digits(out + 14, sod / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, sod % 60, 2);
	out[19] = 'Z';
	out[FL_TIME_LEN] = '\0';
	return 0;
}
