/*
 * date.h: calendar dates and UTC timestamps as fixed-width ASCII.
 *
 * A date is "YYYY-MM-DD" (proleptic Gregorian, years 1900 to 9999), 10 characters; a timestamp
 * is "YYYY-MM-DDTHH:MM:SSZ" in UTC, 20 characters. Fixed width means that the strings compare
 * in time order with memcmp, which the store relies on.
 */
#ifndef FUNDLEDGER_DATE_H
#define FUNDLEDGER_DATE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define FL_DATE_LEN 10
#define FL_TIME_LEN 20
#define FL_YEAR_MIN 1900
#define FL_YEAR_MAX 9999

/* 0 if s[0..len) is a real date ("2024-02-29" yes, "2023-02-29" no), else FL_EINVALID. */
int fl_date_check(const char *s, size_t len) FL_WARN_UNUSED;

/* 0 if s[0..len) is a real UTC timestamp "YYYY-MM-DDTHH:MM:SSZ", else FL_EINVALID. */
int fl_time_check(const char *s, size_t len) FL_WARN_UNUSED;

/* Formats a Unix time as a UTC timestamp into out[FL_TIME_LEN + 1]. 0 or FL_ERANGE. */
int fl_time_format(char *out, int64_t unix_seconds);

/* The year of a checked date or timestamp. */
int fl_date_year(const char *s);

/* Days from 1970-01-01 to a checked date (negative before). */
int64_t fl_date_days(const char *s);

/* Writes the date `days` after 1970-01-01 into out[FL_DATE_LEN + 1]. 0 or FL_ERANGE. */
int fl_date_from_days(char *out, int64_t days);

#endif
