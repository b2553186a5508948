/*
 * fuzz_narrative.c: fuzz target for the report's narrative file (fl_narrative_load, config.h).
 *
 * Input: the text of one narrative file. It is written to a private temporary directory
 * ($TMPDIR, else /dev/shm, else /tmp), made on the first call and removed at exit, and loaded.
 *
 * Invariants: a failure is FL_ECONFIG, FL_EIO or FL_ENOMEM, leaves the output alone, and has a
 * message that starts with the file's path and is valid UTF-8 without control characters. A
 * success has a year in range, a session of 0 (not given) or 1 to 999, and every text
 * non-empty valid UTF-8 whose only control character is the line feed, never at either end;
 * names, groups, roles, titles, dates and places have no line feed at all. It is freed with
 * fl_narrative_free; LeakSanitizer reports anything left behind. abort() on a violation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/config.h"
#include "fundledger/date.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[128];
static const uint8_t *g_data;
static size_t g_size;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_narrative: invariant violated: %s (input %zu bytes: ", what, g_size);
	fuzz_show_input(g_data, g_size, 200);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	fuzz_tmpdir_remove();
	abort();
}

static void setup(void)
{
	if (g_path[0])
		return;
	CHECK(fuzz_tmpdir("fuzz_narrative") != NULL, "harness: cannot make a temporary directory");
	snprintf(g_path, sizeof(g_path), "%s/narrative.yaml", fuzz_dir);
}

/* A text: non-empty UTF-8, controls only "\n" and only inside (lines are checked alone). */
static int text_ok(const char *s, int multiline)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || s[0] == '\n' || s[n - 1] == '\n' || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '\n')
			j++;
		if (j < n && !multiline)
			return 0;
		if (j > i && fl_utf8_check(s + i, j - i) != 0)
			return 0;
		i = j + 1;
	}
	return 1;
}

static void check(const fl_narrative *n)
{
	CHECK(strcmp(n->path, g_path) == 0, "path is not the path given");
	CHECK(n->year >= FL_YEAR_MIN && n->year <= FL_YEAR_MAX, "year out of range");
	CHECK(n->session <= 999, "session out of range");
	CHECK(!n->introduction || text_ok(n->introduction, 1), "bad introduction");
	for (size_t i = 0; i < n->n_members; i++) {
		CHECK(text_ok(n->members[i].name, 0), "bad member name");
		CHECK(!n->members[i].group || text_ok(n->members[i].group, 0), "bad group");
		CHECK(!n->members[i].role || text_ok(n->members[i].role, 0), "bad role");
	}
	for (size_t i = 0; i < n->n_sessions; i++) {
		CHECK(text_ok(n->sessions[i].title, 0), "bad session title");
		CHECK(text_ok(n->sessions[i].dates, 0), "bad session dates");
		CHECK(!n->sessions[i].place || text_ok(n->sessions[i].place, 0), "bad place");
		CHECK(!n->sessions[i].summary || text_ok(n->sessions[i].summary, 1), "bad summary");
	}
	for (size_t i = 0; i < n->n_findings; i++)
		CHECK(text_ok(n->findings[i], 1), "bad finding");
	for (size_t i = 0; i < n->n_recommendations; i++)
		CHECK(text_ok(n->recommendations[i], 1), "bad recommendation");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_narrative *n = NULL;
	int rc;

	g_data = data;
	g_size = size;
	setup();
	CHECK(fuzz_write_file(g_path, data, size) == 0, "harness: cannot write the file");
	fl_error_clear();
	rc = fl_narrative_load(&n, g_path);
	if (rc == 0) {
		CHECK(n != NULL, "success without a narrative");
		check(n);
		fl_narrative_free(n);
	} else {
		const char *msg = fl_error_last();
		size_t dl = strlen(fuzz_dir);
		CHECK(rc == FL_ECONFIG || rc == FL_EIO || rc == FL_ENOMEM, "unexpected code");
		CHECK(n == NULL, "output written on failure");
		CHECK(fl_error_code() == rc, "error record does not hold the returned code");
		if (rc != FL_ENOMEM)
			CHECK(strncmp(msg, fuzz_dir, dl) == 0 && msg[dl] == '/',
			      "message does not start with the file's path");
		CHECK(fl_utf8_check(msg, strlen(msg)) == 0,
		      "message is not UTF-8 free of control characters");
	}
	return 0;
}
