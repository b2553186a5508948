/*
 * file.h: making what was written to a file, or put into a directory, durable.
 *
 * A file written beside its final name and renamed (or linked) into place survives a power
 * loss only once both its own data and the directory entry naming it have reached the disk:
 * fl_file_sync for the first, fl_file_sync_dir for the second.
 */
#ifndef FUNDLEDGER_FILE_H
#define FUNDLEDGER_FILE_H

#include "error.h"

/* Syncs the file at path to disk (fsync). 0 or FL_EIO naming path and the reason. */
int fl_file_sync(const char *path) FL_WARN_UNUSED;

/*
 * Syncs the directory that holds path ("." for a name without a slash, "/" for "/name"), so
 * that a file just created, renamed or linked there keeps its name after a crash. path
 * itself need not exist. 0, FL_ENOMEM, or FL_EIO naming the directory and the reason.
 */
int fl_file_sync_dir(const char *path) FL_WARN_UNUSED;

#endif
