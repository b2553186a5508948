/*
 * tty.c: the progress line and colour (tty.h). One progress line per process: the state is
 * file-static, as the CLI runs one operation at a time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tty.h"

int cli_color(FILE *f)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	if (no && *no)
		return 0;
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f)) == 1;
}

const char *cli_sgr(FILE *f, const char *sgr)
{
	return cli_color(f) ? sgr : "";
}

static struct {
	const char *verb, *unit;
	int on;
	size_t width;	      /* columns of the line shown; 0 when none is */
	struct timespec last; /* when it was last drawn */
} g_progress;

void cli_progress_begin(const char *verb, const char *unit, int stdout_too)
{
	cli_progress_end();
	g_progress.verb = verb;
	g_progress.unit = unit;
	g_progress.on = isatty(STDERR_FILENO) == 1 && !(stdout_too && isatty(STDOUT_FILENO) == 1);
	g_progress.last.tv_sec = 0;
	g_progress.last.tv_nsec = 0;
}

void cli_progress_end(void)
{
	if (!g_progress.width)
		return;
	fprintf(stderr, "\r%*s\r", (int)g_progress.width, "");
	fflush(stderr);
	g_progress.width = 0;
}

void cli_progress(void *arg, uint64_t done, uint64_t total)
{
	struct timespec now;
	long long ms;
	char line[160];
	int n;
	(void)arg;
	if (!g_progress.on)
		return;
	if (total && done >= total) {
		cli_progress_end();
		return;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return;
	ms = (long long)(now.tv_sec - g_progress.last.tv_sec) * 1000 +
	     (now.tv_nsec - g_progress.last.tv_nsec) / 1000000;
	if (g_progress.width && ms < 100)
		return;
	g_progress.last = now;
	if (total)
		n = snprintf(line, sizeof(line), "%s: %u%% (%llu/%llu %s)", g_progress.verb,
			     (unsigned)(total > UINT64_MAX / 100 ? done / (total / 100)
								 : done * 100 / total),
			     (unsigned long long)done, (unsigned long long)total, g_progress.unit);
	else
		n = snprintf(line, sizeof(line), "%s: %llu %s", g_progress.verb,
			     (unsigned long long)done, g_progress.unit);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	/* Pad over a longer line drawn before. */
	fprintf(stderr, "\r%s%*s", line,
		g_progress.width > (size_t)n ? (int)(g_progress.width - (size_t)n) : 0, "");
	fflush(stderr);
	if ((size_t)n > g_progress.width)
		g_progress.width = (size_t)n;
}
