/*
 * replay.c: runs fuzz targets over their corpora without libFuzzer, for `make test`.
 *
 * Linked with one tests/fuzz/fuzz_<target>.c, it takes files and directories as arguments
 * (directories are read one level deep, in name order, skipping dot files) and feeds each file
 * to LLVMFuzzerTestOneInput in a child process, from an exactly sized heap copy so that a
 * sanitizer build catches a read past the end. It prints TAP: "ok N - FILE" or
 * "not ok N - FILE: why" per input, then the plan "1..N".
 *
 * A child per input means an abort() on a violated invariant, a sanitizer report or a hang
 * (killed after TIMEOUT_SECONDS) is charged to the input that caused it and the remaining
 * inputs still run. A target's LLVMFuzzerInitialize, if it has one, runs once in this process
 * first, so what it sets up is shared by every child. Exits 0 only when there was at least one
 * input and every input passed: a missing or empty corpus is a failure, not a silent pass.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as with libFuzzer: a target's one-time set-up, done here before any child forks. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Far above any one input's run time, even under ASan. */
#define TIMEOUT_SECONDS 60

static unsigned long tests, failures;

static void report(int ok, const char *path, const char *why)
{
	tests++;
	if (ok) {
		printf("ok %lu - %s\n", tests, path);
	} else {
		failures++;
		printf("not ok %lu - %s: %s\n", tests, path, why);
	}
	fflush(stdout);
}

/* Reads a whole file into an exactly sized buffer (malloc(1) for an empty file). */
static int read_file(const char *path, uint8_t **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *exact;
	size_t len = 0, cap = 0;

	if (!f)
		return -1;
	for (;;) {
		size_t n;
		if (len == cap) {
			uint8_t *p;
			cap = cap ? cap * 2 : 4096;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	/* Copy to a buffer of exactly len bytes so any over-read lands outside the block. */
	if (!(exact = malloc(len ? len : 1))) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	*out = exact;
	*outlen = len;
	return 0;
}

static void run_file(const char *path)
{
	char why[128];
	uint8_t *data;
	size_t len;
	pid_t pid;
	int status;

	if (read_file(path, &data, &len) < 0) {
		snprintf(why, sizeof(why), "cannot read: %s", strerror(errno));
		report(0, path, why);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, sizeof(why), "cannot fork: %s", strerror(errno));
		free(data);
		report(0, path, why);
		return;
	}
	if (pid == 0) {
		alarm(TIMEOUT_SECONDS);
		(void)LLVMFuzzerTestOneInput(data, len);
		free(data);
		/* exit, not _exit: LeakSanitizer checks this input at exit. */
		exit(0);
	}
	free(data);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, sizeof(why), "waitpid: %s", strerror(errno));
			report(0, path, why);
			return;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		report(1, path, NULL);
		return;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, sizeof(why), "timed out after %d s", TIMEOUT_SECONDS);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why), "exited with status %d", WEXITSTATUS(status));
	report(0, path, why);
}

static int skip_name(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n;

	if (stat(path, &st) < 0) {
		char why[128];
		snprintf(why, sizeof(why), "%s", strerror(errno));
		report(0, path, why);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((n = scandir(path, &names, skip_name, alphasort)) < 0) {
		char why[128];
		snprintf(why, sizeof(why), "cannot list: %s", strerror(errno));
		report(0, path, why);
		return;
	}
	for (int i = 0; i < n; i++) {
		size_t plen = strlen(path), len;
		while (plen > 1 && path[plen - 1] == '/')
			plen--;
		len = plen + 1 + strlen(names[i]->d_name) + 1;
		char *file = malloc(len);
		if (!file) {
			report(0, path, "out of memory");
		} else {
			snprintf(file, len, "%.*s/%s", (int)plen, path, names[i]->d_name);
			if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
				run_file(file);
			free(file);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize && LLVMFuzzerInitialize(&argc, &argv) != 0) {
		fprintf(stderr, "%s: LLVMFuzzerInitialize failed\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	if (tests == 0)
		report(0, "corpus", "no inputs found");
	printf("1..%lu\n", tests);
	return failures ? 1 : 0;
}
