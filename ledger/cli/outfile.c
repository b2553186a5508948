/*
 * outfile.c: files written beside their final name (report, export --format JOURNAL).
 *
 * cli_out_open creates a temporary file NAME.tmp.XXXXXX in the directory of NAME;
 * cli_out_write (a report or journal sink) appends to it; cli_out_close syncs it, puts it in
 * place and syncs the directory, or removes it when the command failed. A reader never sees a
 * half-written file, and a failure leaves what was at NAME as it was. In place means renamed
 * over NAME (the report replaces an earlier one), or, for a file that must be new, linked to
 * NAME, which fails if NAME appeared meanwhile: a check made before writing cannot race.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_out_open(cli_out_file *f, const char *path)
{
	size_t n = strlen(path);
	int err;
	f->path = path;
	f->fd = -1;
	if (!(f->tmp = malloc(n + 16)))
		return fl_error_set(FL_ENOMEM, "out of memory");
	snprintf(f->tmp, n + 16, "%s.tmp.XXXXXX", path);
	if ((f->fd = mkstemp(f->tmp)) < 0) {
		err = fl_error_set(FL_EIO, "%s: cannot create: %s", path, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return err;
	}
	return 0;
}

int cli_out_write(void *ctx, const unsigned char *data, size_t len)
{
	cli_out_file *f = ctx;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(f->fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fl_error_set(FL_EIO, "%s: write failed: %s", f->path,
					    w < 0 ? strerror(errno) : "no progress");
		off += (size_t)w;
	}
	return 0;
}

/* Puts the synced temporary file at f->path without replacing anything there. */
static int link_new(cli_out_file *f)
{
	struct stat st;
	if (link(f->tmp, f->path) == 0)
		return 0;
	if (errno == EEXIST)
		return fl_error_set(FL_EEXISTS, "%s already exists", f->path);
	/* A file system without hard links (some FUSE or FAT mounts): check, then rename. */
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
		return fl_error_set(FL_EIO, "%s: cannot write: %s", f->path, strerror(errno));
	if (lstat(f->path, &st) == 0)
		return fl_error_set(FL_EEXISTS, "%s already exists", f->path);
	if (rename(f->tmp, f->path) != 0)
		return fl_error_set(FL_EIO, "%s: cannot write: %s", f->path, strerror(errno));
	return 0;
}

/* What open(2) with 0666 would give: the temporary file was made 0600 by mkstemp, and the
 * file put in place must obey the user's umask (a journal holds every donor's amounts). The
 * CLI is single-threaded, so reading the umask by setting it back is safe. */
static mode_t new_file_mode(void)
{
	mode_t m = umask(0);
	umask(m);
	return 0666 & ~m;
}

int cli_out_close(cli_out_file *f, int err, int replace)
{
	if (!f->tmp)
		return err;
	if (err == 0 && fchmod(f->fd, new_file_mode()) != 0)
		err = fl_error_set(FL_EIO, "%s: chmod failed: %s", f->path, strerror(errno));
	if (err == 0 && fsync(f->fd) != 0)
		err = fl_error_set(FL_EIO, "%s: fsync failed: %s", f->path, strerror(errno));
	if (close(f->fd) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: close failed: %s", f->path, strerror(errno));
	if (err == 0 && replace && rename(f->tmp, f->path) != 0)
		err = fl_error_set(FL_EIO, "%s: cannot write: %s", f->path, strerror(errno));
	if (err == 0 && !replace)
		err = link_new(f);
	/* After a rename the temporary name is gone; after a link, or a failure, remove it. */
	if (err < 0 || !replace)
		unlink(f->tmp);
	if (err == 0)
		err = fl_file_sync_dir(f->path);
	free(f->tmp);
	f->tmp = NULL;
	return err;
}

int cli_stdout_write(void *ctx, const unsigned char *data, size_t len)
{
	(void)ctx;
	if (len && fwrite(data, 1, len, stdout) != len)
		return fl_error_set(FL_EIO, "standard output: write failed");
	return 0;
}
