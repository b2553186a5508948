/*
 * powercut.c: an LD_PRELOAD shim that simulates power loss under fundledger (tests/crash).
 *
 * The model: the operating system's page cache survives a process's exit (or SIGKILL) but not
 * a power cut. A write to a file is durable only once an fsync or fdatasync of that file has
 * returned; until then a power cut may lose it. A truncation is a write (of the file's size).
 * Directory operations (creating and unlinking files) are durable at once, and the -shm file
 * (SQLite's shared-memory index, rebuilt from the WAL) does not survive a power cut at all.
 *
 * Environment (the shim does nothing unless FL_POWERCUT_DIR and FL_POWERCUT_STATE are set):
 *   FL_POWERCUT_DIR    the directory whose regular files are tracked (the ledger's), at any
 *                      depth; files named *-shm are not tracked
 *   FL_POWERCUT_STATE  a directory (elsewhere) holding the state shared by every process of one
 *                      scenario: `count` (the I/O calls so far), `journal` (the undo records),
 *                      `lock` (flock for both), `cut` (written by the cut), `trace` (optional)
 *   FL_POWERCUT_AT=N   the power fails at the Nth I/O call, before it takes effect; unset or 0
 *                      counts and journals without cutting
 *   FL_POWERCUT_TEAR=K with K >= 1, one write survives in part (a torn write): the in-flight
 *                      write when the cut falls on a write, else the newest unsynced write. It
 *                      keeps its bytes up to the Kth (cyclically) 512-byte sector boundary that
 *                      lies strictly inside it; a write within one sector cannot tear.
 *   FL_POWERCUT_KILL=1 at call N the process dies instead (_exit 99, like SIGKILL there): its
 *                      writes stay in the page cache and in the journal, for a later cut
 *   FL_POWERCUT_NOW=1  the power fails when the shim loads (after a scenario has run)
 *   FL_POWERCUT_TRACE=1  one line per I/O call in STATE/trace: "N pid op file offset length"
 *   FL_POWERCUT_REALSYNC=1  also pass syncs to the kernel (by default they only mark the
 *                      journal: this is a simulation, and real syncs only make it slower)
 *
 * The I/O calls counted, on tracked files: write, pwrite, pwrite64, writev, pwritev,
 * pwritev64, ftruncate, ftruncate64, fsync, fdatasync, unlink, unlinkat, and open/openat with
 * O_TRUNC of a non-empty file. Debian 12's libsqlite3 uses pwrite64, ftruncate64, fdatasync and
 * unlink (nm -D; strace of an import shows the same). Not modelled: rename, fallocate, mmap'd
 * writes to tracked files, sync_file_range, sync/syncfs (SQLite uses none of them here).
 *
 * The journal: before a write takes effect its undo record (the file's path relative to
 * FL_POWERCUT_DIR, the offset, the bytes it overwrites, the old size) is appended to
 * STATE/journal under the lock, so that a cut in a later process can undo an earlier process's
 * unsynced writes. Relative paths make a copy of the directory and of STATE together a
 * snapshot that another directory can continue from. A sync of a file drops that file's
 * records (they are durable now); an unlink drops them too (the file is gone). The power cut
 * undoes every record, newest first (ftruncate to the old size, then the old bytes back),
 * keeps the torn prefix if asked, unlinks the -shm files, writes a line describing itself to
 * STATE/cut and _exits with status 99. Once STATE/cut exists the power is out: any later
 * tracked I/O call, in any process, _exits with 99 too.
 *
 * The shim's own file I/O goes through the real functions (dlsym RTLD_NEXT), never through its
 * wrappers. Calls are serialised by a mutex in the process and flock across processes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CUT_STATUS 99
#define SECTOR 512
#define REC_MAGIC 0x4a435031u /* "1PCJ" */
#define MAX_FDS 4096

enum { REC_WRITE = 1, REC_TRUNC = 2 };

/* One undo record; followed in the journal by the path and the old bytes. */
struct rec {
	uint32_t magic;
	uint32_t type;
	int64_t off;	 /* where the change starts */
	uint64_t len;	 /* bytes it wrote (0 for a truncation) */
	int64_t oldsize; /* the file's size before it */
	uint64_t oldlen; /* old bytes saved, from off */
	uint32_t pathlen;
	uint32_t pad;
};

/* The write in flight when the cut falls on one (for a torn write). */
struct inflight {
	const char *path;
	int64_t off;
	const struct iovec *iov;
	int iovcnt;
};

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*sync_fn)(int);
typedef int (*trunc_fn)(int, off_t);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*unlink_fn)(const char *);
typedef int (*unlinkat_fn)(int, const char *, int);

static struct {
	write_fn write;
	pwrite_fn pwrite, pwrite64;
	writev_fn writev;
	pwritev_fn pwritev, pwritev64;
	sync_fn fsync, fdatasync;
	trunc_fn ftruncate, ftruncate64;
	open_fn open, open64;
	openat_fn openat, openat64;
	unlink_fn unlink;
	unlinkat_fn unlinkat;
} real;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int active;	   /* both directories given */
static char dir[PATH_MAX]; /* realpath of FL_POWERCUT_DIR, with a trailing '/' */
static size_t dirlen;
static char state[PATH_MAX];
static char cutpath[PATH_MAX]; /* STATE/cut */
static uint64_t cut_at;
static unsigned tear;
static int trace, realsync, killmode;
static int lockfd = -1, countfd = -1;
static char jpath[PATH_MAX], jtmp[PATH_MAX]; /* STATE/journal, STATE/journal.tmp */

/* Per-descriptor cache of the classification, validated by device and inode. */
static struct {
	uint64_t dev, ino;
	int known; /* 0 unknown, 1 untracked, 2 tracked */
	char *path;
} fds[MAX_FDS];

static void *sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	return p;
}

static void resolve(void)
{
	/* Function pointers from dlsym: POSIX guarantees the conversion; ISO C does not. */
#define SYM(field, name)                                                                           \
	do {                                                                                       \
		void *p_ = sym(name);                                                              \
		memcpy(&real.field, &p_, sizeof(p_));                                              \
	} while (0)
	SYM(write, "write");
	SYM(pwrite, "pwrite");
	SYM(pwrite64, "pwrite64");
	SYM(writev, "writev");
	SYM(pwritev, "pwritev");
	SYM(pwritev64, "pwritev64");
	SYM(fsync, "fsync");
	SYM(fdatasync, "fdatasync");
	SYM(ftruncate, "ftruncate");
	SYM(ftruncate64, "ftruncate64");
	SYM(open, "open");
	SYM(open64, "open64");
	SYM(openat, "openat");
	SYM(openat64, "openat64");
	SYM(unlink, "unlink");
	SYM(unlinkat, "unlinkat");
#undef SYM
}

static void die(const char *what)
{
	char msg[PATH_MAX + 128];
	int n = snprintf(msg, sizeof(msg), "powercut: %s: %s\n", what, strerror(errno));
	if (n > 0 && real.write)
		(void)!real.write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(98);
}

/* Writes all of buf at off with the real pwrite. */
static void put(int fd, const void *buf, size_t len, int64_t off, const char *what)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = real.pwrite(fd, p, len, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die(what);
		p += w;
		len -= (size_t)w;
		off += w;
	}
}

/* Reads up to len bytes at off; returns how many (short at the end of the file). */
static size_t get(int fd, void *buf, size_t len, int64_t off)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = pread(fd, p + got, len - got, (off_t)(off + (int64_t)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("pread");
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static int state_file(const char *name, int flags)
{
	char p[PATH_MAX];
	int fd;
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", state, name) >= sizeof(p)) {
		errno = ENAMETOOLONG;
		die(name);
	}
	fd = real.open(p, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		die(p);
	return fd;
}

static void setup(void)
{
	const char *d = getenv("FL_POWERCUT_DIR");
	const char *s = getenv("FL_POWERCUT_STATE");
	const char *v;
	resolve();
	if (!d || !*d || !s || !*s)
		return;
	if (!realpath(d, dir))
		die(d);
	dirlen = strlen(dir);
	if (dirlen + 2 > sizeof(dir)) {
		errno = ENAMETOOLONG;
		die(d);
	}
	if (dir[dirlen - 1] != '/')
		dir[dirlen++] = '/';
	dir[dirlen] = '\0';
	if (strlen(s) >= sizeof(state)) {
		errno = ENAMETOOLONG;
		die(s);
	}
	strcpy(state, s);
	if ((size_t)snprintf(cutpath, sizeof(cutpath), "%s/cut", state) >= sizeof(cutpath)) {
		errno = ENAMETOOLONG;
		die(s);
	}
	if ((v = getenv("FL_POWERCUT_AT")))
		cut_at = strtoull(v, NULL, 10);
	if ((v = getenv("FL_POWERCUT_TEAR")))
		tear = (unsigned)strtoul(v, NULL, 10);
	trace = (v = getenv("FL_POWERCUT_TRACE")) && *v == '1';
	realsync = (v = getenv("FL_POWERCUT_REALSYNC")) && *v == '1';
	killmode = (v = getenv("FL_POWERCUT_KILL")) && *v == '1';
	lockfd = state_file("lock", O_RDWR | O_CREAT);
	countfd = state_file("count", O_RDWR | O_CREAT);
	if ((size_t)snprintf(jpath, sizeof(jpath), "%s/journal", state) >= sizeof(jpath) ||
	    (size_t)snprintf(jtmp, sizeof(jtmp), "%s/journal.tmp", state) >= sizeof(jtmp)) {
		errno = ENAMETOOLONG;
		die(s);
	}
	active = 1;
}

static void init(void)
{
	pthread_once(&once, setup);
}

static void lock(void)
{
	pthread_mutex_lock(&mu);
	while (flock(lockfd, LOCK_EX) != 0)
		if (errno != EINTR)
			die("flock");
}

static void unlock(void)
{
	(void)flock(lockfd, LOCK_UN);
	pthread_mutex_unlock(&mu);
}

static int is_shm(const char *path)
{
	size_t n = strlen(path);
	return n >= 4 && strcmp(path + n - 4, "-shm") == 0;
}

/* Whether an absolute path names a tracked file (by name alone). */
static int tracked_name(const char *path)
{
	return strncmp(path, dir, dirlen) == 0 && path[dirlen] != '\0' && !is_shm(path);
}

/* Classifies fd; on 1 (tracked) fills st and *path (borrowed from the cache). */
static int tracked_fd(int fd, struct stat *st, const char **path)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	if (!active || fd < 0 || fstat(fd, st) != 0 || !S_ISREG(st->st_mode))
		return 0;
	if (fd < MAX_FDS && fds[fd].known && fds[fd].dev == (uint64_t)st->st_dev &&
	    fds[fd].ino == (uint64_t)st->st_ino) {
		*path = fds[fd].path;
		return fds[fd].known == 2 && st->st_nlink > 0;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, target, sizeof(target) - 1)) < 0)
		return 0;
	target[n] = '\0';
	if (fd >= MAX_FDS)
		die("descriptor beyond the shim's table");
	free(fds[fd].path);
	fds[fd].path = strdup(target);
	if (!fds[fd].path)
		die("strdup");
	fds[fd].dev = (uint64_t)st->st_dev;
	fds[fd].ino = (uint64_t)st->st_ino;
	fds[fd].known = tracked_name(target) ? 2 : 1;
	*path = fds[fd].path;
	return fds[fd].known == 2 && st->st_nlink > 0;
}

/* An absolute form of path (relative to dirfd or the working directory), with its directory
 * part resolved; 0 if it cannot be made. */
static int absolute(char out[PATH_MAX], int dirfd, const char *path)
{
	char base[PATH_MAX], joined[PATH_MAX], parent[PATH_MAX];
	const char *slash;
	if (path[0] == '/') {
		if (strlen(path) >= PATH_MAX)
			return 0;
		strcpy(joined, path);
	} else {
		if (dirfd == AT_FDCWD) {
			if (!getcwd(base, sizeof(base)))
				return 0;
		} else {
			char link[64];
			ssize_t n;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
			if ((n = readlink(link, base, sizeof(base) - 1)) < 0)
				return 0;
			base[n] = '\0';
		}
		if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", base, path) >= sizeof(joined))
			return 0;
	}
	slash = strrchr(joined, '/');
	if (slash == joined) {
		strcpy(out, joined);
		return 1;
	}
	memcpy(base, joined, (size_t)(slash - joined));
	base[slash - joined] = '\0';
	if (!realpath(base, parent))
		return 0;
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", parent, slash + 1) >= PATH_MAX)
		return 0;
	return 1;
}

static uint64_t read_count(void)
{
	char buf[32];
	size_t n = get(countfd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static int power_is_out(void)
{
	return access(cutpath, F_OK) == 0;
}

static void trace_line(uint64_t n, const char *op, const char *path, int64_t off, uint64_t len)
{
	char line[PATH_MAX + 128];
	int fd, k;
	if (!trace)
		return;
	k = snprintf(line, sizeof(line), "%" PRIu64 " %ld %s %s %" PRId64 " %" PRIu64 "\n", n,
		     (long)getpid(), op, path + dirlen, off, len);
	if (k <= 0 || (size_t)k >= sizeof(line))
		return;
	fd = state_file("trace", O_WRONLY | O_CREAT | O_APPEND);
	put(fd, line, (size_t)k, 0, "trace"); /* O_APPEND: the offset is ignored */
	close(fd);
}

static void powerloss(uint64_t n, const char *op, const struct inflight *w)
    __attribute__((noreturn));

/* One I/O call on a tracked file, with the lock held: counts it, and cuts the power when it
 * is the chosen one (or when the power is already out). */
static void tick(const char *op, const char *path, int64_t off, uint64_t len,
		 const struct inflight *w)
{
	char buf[32];
	uint64_t n;
	int k;
	if (power_is_out())
		_exit(CUT_STATUS);
	n = read_count() + 1;
	k = snprintf(buf, sizeof(buf), "%20" PRIu64 "\n", n);
	put(countfd, buf, (size_t)k, 0, "count");
	trace_line(n, op, path, off, len);
	if (cut_at && n == cut_at) {
		if (killmode)
			_exit(CUT_STATUS); /* the lock goes with the process */
		powerloss(n, op, w);
	}
}

/* Appends the undo record of a change to [off, off+len) (len 0: a truncation to off) of the
 * file open as fd, whose size is size now. */
static void journal(int fd, const struct stat *st, const char *path, uint32_t type, int64_t off,
		    uint64_t len)
{
	struct rec r;
	int64_t size = (int64_t)st->st_size;
	uint64_t oldlen = 0;
	char *old = NULL, *rec;
	size_t total;
	int jfd;
	memset(&r, 0, sizeof(r));
	if (off < size) {
		oldlen = type == REC_TRUNC
			     ? (uint64_t)(size - off)
			     : (len < (uint64_t)(size - off) ? len : (uint64_t)(size - off));
	}
	if (oldlen) {
		if (!(old = malloc(oldlen)))
			die("malloc");
		oldlen = get(fd, old, oldlen, off);
	}
	r.magic = REC_MAGIC;
	r.type = type;
	r.off = off;
	r.len = len;
	r.oldsize = size;
	r.oldlen = oldlen;
	r.pathlen = (uint32_t)strlen(path + dirlen);
	total = sizeof(r) + r.pathlen + (size_t)oldlen;
	if (!(rec = malloc(total)))
		die("malloc");
	memcpy(rec, &r, sizeof(r));
	memcpy(rec + sizeof(r), path + dirlen, r.pathlen);
	if (oldlen)
		memcpy(rec + sizeof(r) + r.pathlen, old, (size_t)oldlen);
	/* One append per record: a process killed here leaves at worst a short last record,
	 * which load_journal ignores (its write never happened). */
	jfd = real.open(jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (jfd < 0)
		die(jpath);
	put(jfd, rec, total, 0, "journal");
	close(jfd);
	free(rec);
	free(old);
}

/* The record at buf+pos, checked; its total size in *size. NULL for a short last record. */
static const struct rec *record_at(const char *buf, size_t len, size_t pos, size_t *size)
{
	static struct rec r;
	if (len - pos < sizeof(r))
		return NULL;
	memcpy(&r, buf + pos, sizeof(r));
	if (r.magic != REC_MAGIC || r.pathlen >= PATH_MAX) {
		errno = EINVAL;
		die("journal: bad record");
	}
	if (r.pathlen + r.oldlen > len - pos - sizeof(r))
		return NULL;
	*size = sizeof(r) + r.pathlen + (size_t)r.oldlen;
	return &r;
}

/* The whole journal in memory, without a short last record; *len its size. */
static char *load_journal(size_t *len)
{
	struct stat st;
	char *buf;
	size_t pos = 0, size;
	int fd = real.open(jpath, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) != 0)
		die(jpath);
	*len = (size_t)st.st_size;
	if (!(buf = malloc(*len + 1)))
		die("malloc");
	if (get(fd, buf, *len, 0) != *len)
		die("journal: short read");
	close(fd);
	while (pos < *len && record_at(buf, *len, pos, &size))
		pos += size;
	*len = pos;
	return buf;
}

/* Replaces the journal with buf (atomically: a kill leaves the old or the new one). */
static void store_journal(const char *buf, size_t len)
{
	int fd = real.open(jtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(jtmp);
	if (len)
		put(fd, buf, len, 0, "journal");
	close(fd);
	if (rename(jtmp, jpath) != 0)
		die(jpath);
}

/* Drops every record of the tracked file at path: it was synced or unlinked. */
static void forget(const char *path)
{
	const char *rel = path + dirlen;
	size_t rellen = strlen(rel);
	size_t len, pos = 0, keep = 0, size;
	char *buf = load_journal(&len);
	int dropped = 0;
	while (pos < len) {
		const struct rec *r = record_at(buf, len, pos, &size);
		if (r->pathlen == rellen && memcmp(buf + pos + sizeof(*r), rel, rellen) == 0) {
			dropped = 1;
		} else {
			memmove(buf + keep, buf + pos, size);
			keep += size;
		}
		pos += size;
	}
	if (dropped)
		store_journal(buf, keep);
	free(buf);
}

/* The length of the torn prefix of a write of len bytes at off: up to the tear-th (cyclically)
 * sector boundary strictly inside it; 0 when there is none. */
static uint64_t torn_length(int64_t off, uint64_t len)
{
	int64_t first = (off / SECTOR + 1) * SECTOR;
	int64_t end = off + (int64_t)len;
	uint64_t count, k;
	if (!tear || first >= end)
		return 0;
	count = (uint64_t)((end - 1 - first) / SECTOR) + 1;
	k = (tear - 1) % count;
	return (uint64_t)(first + (int64_t)k * SECTOR - off);
}

/* Opens the tracked file rel (a path relative to the directory) for the undo. */
static int open_rel(const char *rel, size_t len)
{
	char p[PATH_MAX];
	if (dirlen + len >= sizeof(p)) {
		errno = ENAMETOOLONG;
		die(rel);
	}
	memcpy(p, dir, dirlen);
	memcpy(p + dirlen, rel, len);
	p[dirlen + len] = '\0';
	return real.open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
}

static void powerloss(uint64_t n, const char *op, const struct inflight *w)
{
	size_t len, pos = 0, size, nrec = 0, i;
	size_t *at;
	char *buf = load_journal(&len);
	uint64_t undone = 0, torn = 0;
	int64_t torn_off = 0;
	char *torn_data = NULL, torn_rel[PATH_MAX] = "";
	char line[2 * PATH_MAX];
	int fd, k;
	DIR *d;
	struct dirent *de;

	/* Index the records (they are variable-sized). */
	while (pos < len) {
		(void)record_at(buf, len, pos, &size);
		pos += size;
		nrec++;
	}
	if (!(at = calloc(nrec + 1, sizeof(*at))))
		die("calloc");
	for (pos = 0, i = 0; i < nrec; i++) {
		at[i] = pos;
		(void)record_at(buf, len, pos, &size);
		pos += size;
	}

	/* The torn write: what survives of it is taken before anything is undone. Nothing
	 * newer overlaps it, so after the undo its prefix goes back on top. */
	if (tear && w) {
		uint64_t total = 0;
		for (int j = 0; j < w->iovcnt; j++)
			total += w->iov[j].iov_len;
		torn = torn_length(w->off, total);
		if (torn) {
			uint64_t got = 0;
			if (!(torn_data = malloc(torn)))
				die("malloc");
			for (int j = 0; j < w->iovcnt && got < torn; j++) {
				uint64_t take =
				    w->iov[j].iov_len < torn - got ? w->iov[j].iov_len : torn - got;
				memcpy(torn_data + got, w->iov[j].iov_base, take);
				got += take;
			}
			torn_off = w->off;
			snprintf(torn_rel, sizeof(torn_rel), "%s", w->path + dirlen);
		}
	} else if (tear && nrec) {
		const struct rec *r = record_at(buf, len, at[nrec - 1], &size);
		if (r->type == REC_WRITE && (torn = torn_length(r->off, r->len))) {
			torn_off = r->off;
			memcpy(torn_rel, buf + at[nrec - 1] + sizeof(*r), r->pathlen);
			torn_rel[r->pathlen] = '\0';
			if (!(torn_data = malloc(torn)) ||
			    (fd = open_rel(torn_rel, strlen(torn_rel))) < 0)
				die(torn_rel);
			if (get(fd, torn_data, torn, torn_off) != torn)
				die("torn write: short read");
			close(fd);
		} else {
			torn = 0;
		}
	}

	/* Undo, newest first. */
	for (i = nrec; i-- > 0;) {
		const struct rec *r = record_at(buf, len, at[i], &size);
		if ((fd = open_rel(buf + at[i] + sizeof(*r), r->pathlen)) < 0)
			die("undo: open");
		if (real.ftruncate(fd, (off_t)r->oldsize) != 0)
			die("undo: ftruncate");
		if (r->oldlen)
			put(fd, buf + at[i] + sizeof(*r) + r->pathlen, (size_t)r->oldlen, r->off,
			    "undo");
		close(fd);
		undone++;
	}
	if (torn) {
		if ((fd = open_rel(torn_rel, strlen(torn_rel))) < 0)
			die(torn_rel);
		put(fd, torn_data, (size_t)torn, torn_off, "torn write");
		close(fd);
	}
	/* The shared-memory index is lost with the power. */
	if ((d = opendir(dir))) {
		while ((de = readdir(d))) {
			char p[PATH_MAX];
			if (is_shm(de->d_name) &&
			    (size_t)snprintf(p, sizeof(p), "%s%s", dir, de->d_name) < sizeof(p))
				(void)real.unlink(p);
		}
		closedir(d);
	}
	store_journal(buf, 0);
	if (torn)
		k = snprintf(line, sizeof(line),
			     "cut at %" PRIu64 " (%s) in pid %ld: undid %" PRIu64
			     " unsynced writes;"
			     " kept %" PRIu64 " bytes of a torn write to %s at %" PRId64 "\n",
			     n, op, (long)getpid(), undone, torn, torn_rel, torn_off);
	else
		k = snprintf(line, sizeof(line),
			     "cut at %" PRIu64 " (%s) in pid %ld: undid %" PRIu64
			     " unsynced writes\n",
			     n, op, (long)getpid(), undone);
	fd = state_file("cut", O_WRONLY | O_CREAT | O_TRUNC);
	if (k > 0)
		put(fd, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1, 0, "cut");
	close(fd);
	_exit(CUT_STATUS);
}

/* ---- the wrappers ---- */

/* A write of iov at off (-1: the descriptor's offset, or its end with O_APPEND). Returns 1
 * when fd is tracked (the lock is then held and must be released after the real write). */
static int before_write(int fd, const struct iovec *iov, int iovcnt, int64_t off, const char *op)
{
	struct stat st;
	const char *path;
	uint64_t len = 0;
	struct inflight w;
	init();
	if (!tracked_fd(fd, &st, &path))
		return 0;
	for (int i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	lock();
	if (fstat(fd, &st) != 0)
		die("fstat");
	if (off < 0) {
		int fl = fcntl(fd, F_GETFL);
		off = (fl >= 0 && (fl & O_APPEND)) ? (int64_t)st.st_size
						   : (int64_t)lseek(fd, 0, SEEK_CUR);
	}
	w.path = path;
	w.off = off;
	w.iov = iov;
	w.iovcnt = iovcnt;
	tick(op, path, off, len, &w);
	if (len)
		journal(fd, &st, path, REC_WRITE, off, len);
	return 1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	struct iovec v = {(void *)(uintptr_t)buf, n};
	int t = before_write(fd, &v, 1, -1, "write");
	ssize_t r = real.write(fd, buf, n);
	if (t)
		unlock();
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	struct iovec v = {(void *)(uintptr_t)buf, n};
	int t = before_write(fd, &v, 1, (int64_t)off, "pwrite");
	ssize_t r = real.pwrite(fd, buf, n, off);
	if (t)
		unlock();
	return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	struct iovec v = {(void *)(uintptr_t)buf, n};
	int t = before_write(fd, &v, 1, (int64_t)off, "pwrite64");
	ssize_t r = real.pwrite64(fd, buf, n, off);
	if (t)
		unlock();
	return r;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	int t = before_write(fd, iov, cnt, -1, "writev");
	ssize_t r = real.writev(fd, iov, cnt);
	if (t)
		unlock();
	return r;
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	int t = before_write(fd, iov, cnt, (int64_t)off, "pwritev");
	ssize_t r = real.pwritev(fd, iov, cnt, off);
	if (t)
		unlock();
	return r;
}

ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	int t = before_write(fd, iov, cnt, (int64_t)off, "pwritev64");
	ssize_t r = real.pwritev64(fd, iov, cnt, off);
	if (t)
		unlock();
	return r;
}

static int do_truncate(trunc_fn fn, int fd, off_t len, const char *op)
{
	struct stat st;
	const char *path;
	int r;
	init();
	if (!tracked_fd(fd, &st, &path))
		return fn(fd, len);
	lock();
	if (fstat(fd, &st) != 0)
		die("fstat");
	tick(op, path, (int64_t)len, 0, NULL);
	journal(fd, &st, path, REC_TRUNC, (int64_t)len, 0);
	r = fn(fd, len);
	unlock();
	return r;
}

int ftruncate(int fd, off_t len)
{
	init();
	return do_truncate(real.ftruncate, fd, len, "ftruncate");
}

int ftruncate64(int fd, off64_t len)
{
	init();
	return do_truncate(real.ftruncate64, fd, (off_t)len, "ftruncate64");
}

static int do_sync(sync_fn fn, int fd, const char *op)
{
	struct stat st;
	const char *path;
	int r = 0;
	init();
	if (!tracked_fd(fd, &st, &path))
		return fn(fd);
	lock();
	tick(op, path, 0, 0, NULL);
	if (realsync)
		r = fn(fd);
	if (r == 0)
		forget(path);
	unlock();
	return r;
}

int fsync(int fd)
{
	init();
	return do_sync(real.fsync, fd, "fsync");
}

int fdatasync(int fd)
{
	init();
	return do_sync(real.fdatasync, fd, "fdatasync");
}

static int do_unlink(int dirfd, const char *path, int flags, const char *op)
{
	char abs[PATH_MAX];
	struct stat st;
	int r;
	init();
	if (!active || (flags & AT_REMOVEDIR) || !absolute(abs, dirfd, path) ||
	    !tracked_name(abs) || lstat(abs, &st) != 0 || !S_ISREG(st.st_mode))
		return real.unlinkat(dirfd, path, flags);
	lock();
	tick(op, abs, 0, 0, NULL);
	r = real.unlinkat(dirfd, path, flags);
	if (r == 0)
		forget(abs);
	unlock();
	return r;
}

int unlink(const char *path)
{
	return do_unlink(AT_FDCWD, path, 0, "unlink");
}

int unlinkat(int dirfd, const char *path, int flags)
{
	return do_unlink(dirfd, path, flags, "unlinkat");
}

/* open with O_TRUNC: a truncation to 0 of a tracked non-empty file. */
static int do_open(openat_fn fn, int dirfd, const char *path, int flags, mode_t mode)
{
	char abs[PATH_MAX];
	struct stat st;
	int fd, r;
	init();
	if (!active || !(flags & O_TRUNC) || (flags & O_ACCMODE) == O_RDONLY ||
	    !absolute(abs, dirfd, path) || !tracked_name(abs) || stat(abs, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size == 0)
		return fn(dirfd, path, flags, mode);
	lock();
	if ((fd = real.open(abs, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0)
		die(abs);
	tick("open(O_TRUNC)", abs, 0, 0, NULL);
	journal(fd, &st, abs, REC_TRUNC, 0, 0);
	close(fd);
	r = fn(dirfd, path, flags, mode);
	unlock();
	return r;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		   ? (mode_t)va_arg(ap, unsigned)
		   : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return do_open(real.openat, AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return do_open(real.openat64, AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return do_open(real.openat, dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return do_open(real.openat64, dirfd, path, flags, mode);
}

/* FL_POWERCUT_NOW: the power fails as the shim loads. */
__attribute__((constructor)) static void load(void)
{
	const char *v = getenv("FL_POWERCUT_NOW");
	init();
	if (active && v && *v == '1') {
		lock();
		if (power_is_out())
			_exit(CUT_STATUS);
		powerloss(read_count() + 1, "at the end", NULL);
	}
}
