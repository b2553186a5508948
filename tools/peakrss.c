/*
 * peakrss.c: runs a command and reports its peak resident set size, for tools/bench.
 *
 *   peakrss [-o FILE] COMMAND [ARG...]
 *
 * The command inherits stdin, stdout and stderr. When it has finished, the largest resident
 * set of it and any children it waited for (getrusage(RUSAGE_CHILDREN) ru_maxrss, KiB on
 * Linux), the CPU time they used and the wall-clock time from fork to exit are written to FILE
 * as one line of four decimal numbers, "RSS_KIB USER_US SYS_US WALL_US" (microseconds), or as
 * "peakrss: N KiB, user U.UUU s, sys S.SSS s, wall W.WWW s" to stderr without -o. The CPU
 * times let a benchmark see past other load on the machine; the wall time, taken on the
 * monotonic clock around fork and wait, leaves out the shell's own costs, which matter for
 * commands of a few milliseconds. The exit status is the command's, or
 * 128 + signal when it was killed, 127 when it could not be run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	long long user, sys, start, wall;
	int argi = 1, status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		argi = 3;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: peakrss [-o FILE] COMMAND [ARG...]\n");
		return 2;
	}
	fflush(NULL);
	start = now_us();
	if ((pid = fork()) < 0) {
		fprintf(stderr, "peakrss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "peakrss: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "peakrss: waitpid: %s\n", strerror(errno));
			return 127;
		}
	}
	wall = now_us() - start;
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
		fprintf(stderr, "peakrss: getrusage: %s\n", strerror(errno));
		return 127;
	}
	user = (long long)ru.ru_utime.tv_sec * 1000000 + (long long)ru.ru_utime.tv_usec;
	sys = (long long)ru.ru_stime.tv_sec * 1000000 + (long long)ru.ru_stime.tv_usec;
	if (out) {
		FILE *f = fopen(out, "w");
		int bad = !f || fprintf(f, "%ld %lld %lld %lld\n", ru.ru_maxrss, user, sys, wall) < 0;
		if ((f && fclose(f) != 0) || bad) {
			fprintf(stderr, "peakrss: %s: %s\n", out, strerror(errno));
			return 127;
		}
	} else {
		fprintf(stderr, "peakrss: %ld KiB, user %lld.%03lld s, sys %lld.%03lld s, "
				"wall %lld.%03lld s\n",
			ru.ru_maxrss, user / 1000000, user / 1000 % 1000, sys / 1000000,
			sys / 1000 % 1000, wall / 1000000, wall / 1000 % 1000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 127;
}
