/*
 * fuzz_common.h: what the fuzz harnesses share. Included by each tests/fuzz/fuzz_*.c, which
 * is built alone (with libFuzzer, or with replay.c), so the helpers are static inline: a
 * harness that does not use one gets no warning for it.
 */
#ifndef FUNDLEDGER_FUZZ_COMMON_H
#define FUNDLEDGER_FUZZ_COMMON_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * CHECK(cond, what): an invariant. A harness that includes this file defines fail(what): its
 * report of the violation and the input, then abort(). (fuzz_amount, fuzz_date, fuzz_entry
 * and fuzz_note define FUZZ_OWN_CHECK and a CHECK of their own, which passes the input.)
 */
#ifndef FUZZ_OWN_CHECK
static void fail(const char *what);
#define CHECK(cond, what)                  \
	do {                               \
		if (!(cond))               \
			fail(what);        \
	} while (0)
#endif

/* True when s is non-empty printable ASCII: what every error message must be. */
static inline int printable(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * The input, for an invariant's report on stderr: its first max bytes, printable ASCII as is
 * and every other byte as \xNN, between quotes.
 */
static inline void fuzz_show_input(const uint8_t *p, size_t n, size_t max)
{
	fputc('\'', stderr);
	for (size_t i = 0; i < n && i < max; i++)
		fprintf(stderr, p[i] >= 0x20 && p[i] < 0x7f ? "%c" : "\\x%02x", p[i]);
	fputs(n > max ? "'..." : "'", stderr);
}

/* The harness's private directory (empty until fuzz_tmpdir makes it) and its maker. */
static char fuzz_dir[64];
static pid_t fuzz_dir_owner;

/*
 * Removes the private directory and every file in it (a harness's files, and whatever SQLite
 * left beside a ledger). Only the process that made it does: replay.c forks a child per input
 * after LLVMFuzzerInitialize, and a child's exit must not take the parent's files away.
 */
static inline void fuzz_tmpdir_remove(void)
{
	DIR *d;
	struct dirent *e;
	char p[sizeof(fuzz_dir) + 256];

	if (!fuzz_dir[0] || getpid() != fuzz_dir_owner)
		return;
	if ((d = opendir(fuzz_dir))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(p, sizeof(p), "%s/%s", fuzz_dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(fuzz_dir);
	fuzz_dir[0] = 0;
}

/*
 * The harness's private directory for the files it hands the code under test, made on the
 * first call (named after the harness) and removed at exit; NULL when it cannot be made. It is
 * under $TMPDIR when that is set and short, else in memory (/dev/shm) when there is a tmpfs,
 * because the files are rewritten for every input, else /tmp.
 */
static inline const char *fuzz_tmpdir(const char *harness)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir[0])
		return fuzz_dir;
	if (!tmp || !*tmp || strlen(tmp) + strlen(harness) + 9 > sizeof(fuzz_dir))
		tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/%s.XXXXXX", tmp, harness);
	if (!mkdtemp(fuzz_dir)) {
		fuzz_dir[0] = 0;
		return NULL;
	}
	fuzz_dir_owner = getpid();
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

/*
 * Writes a new file at path: the old one is unlinked first, because truncating and rewriting
 * a file makes ext4 (auto_da_alloc) start writeback at close, which cost milliseconds per
 * input. 0, or -1 when it cannot be written.
 */
static inline int fuzz_write_file(const char *path, const void *p, size_t n)
{
	FILE *f;

	unlink(path);
	if (!(f = fopen(path, "wb")))
		return -1;
	if (fwrite(p, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

#endif
