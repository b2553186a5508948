/*
 * error.h: the one error convention of fundledger.
 *
 * A function that can fail returns 0 or a negative FL_E* code. The detail goes into a
 * thread-local record set with fl_error_set() and read with fl_error_last() after the
 * failure. The library never prints or exits; only the CLI does.
 */
#ifndef FUNDLEDGER_ERROR_H
#define FUNDLEDGER_ERROR_H

#if defined(__GNUC__) || defined(__clang__)
#define FL_WARN_UNUSED __attribute__((warn_unused_result))
#define FL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FL_WARN_UNUSED
#define FL_PRINTF(a, b)
#endif

enum {
	FL_OK = 0,
	FL_EINVALID = -1,  /* bad input: an amount, a date, a code, a CSV line */
	FL_ENOTFOUND = -2, /* a referenced entry, donor, fund, currency or rate is missing */
	FL_EEXISTS = -3,   /* conflicts with what is recorded (idempotency key, rate, ledger) */
	FL_EIO = -4,       /* file or database I/O */
	FL_ECONFIG = -5,   /* configuration file */
	FL_ECORRUPT = -6,  /* stored data does not decode */
	FL_EVERIFY = -7,   /* a check failed: hash, chain, signature */
	FL_ENOMEM = -8,
	FL_EBUSY = -9,     /* another writer holds the ledger */
	FL_ECRYPTO = -10,
	FL_ERANGE = -11    /* arithmetic overflow, value out of range */
};

/* Maximum length of an error message, including its terminating NUL. */
#define FL_ERROR_MAX 1024

/*
 * Records `code` with a printf-style message and returns `code`, so a failing function can
 * `return fl_error_set(FL_EINVALID, "...")`. A message longer than FL_ERROR_MAX is cut. The
 * arguments may include fl_error_last(), to wrap the previous message.
 */
int fl_error_set(int code, const char *fmt, ...) FL_PRINTF(2, 3);

/*
 * Prefixes the current message with printf-style text (e.g. "FILE:LINE: "); returns the
 * current code. Used where a lower layer failed and the caller knows the location.
 */
int fl_error_prefix(const char *fmt, ...) FL_PRINTF(1, 2);

/* The last message of this thread; never NULL, valid until the next fl_error_* call. */
const char *fl_error_last(void);

/* The last code of this thread (0 after fl_error_clear). */
int fl_error_code(void);

void fl_error_clear(void);

/* A short stable name for a code: "invalid", "not found", ... */
const char *fl_error_name(int code);

#endif
