/*
 * file.c: fsync of a file, and of the directory that names it (file.h). The one place the
 * library and the CLI make a rename or link durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/file.h"

/* Opens path (a directory when `directory`) and fsyncs it. */
static int sync_open(const char *path, int directory)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0)), err = 0;
	if (fd < 0)
		return fl_error_set(FL_EIO, "%s: cannot open %s to sync it: %s", path,
				    directory ? "the directory" : "the file", strerror(errno));
	if (fsync(fd) != 0)
		err = fl_error_set(FL_EIO, "%s: fsync: %s", path, strerror(errno));
	if (close(fd) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: close: %s", path, strerror(errno));
	return err;
}

int fl_file_sync(const char *path)
{
	return sync_open(path, 0);
}

int fl_file_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int err;
	if (!dir)
		return fl_error_set(FL_ENOMEM, "out of memory");
	err = sync_open(dir, 1);
	free(dir);
	return err;
}
