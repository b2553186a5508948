/*
 * cmd_backup.c: fundledger backup [--force] DEST. A copy of the ledger taken with SQLite's
 * online backup from one read transaction (writers may go on), checked and then renamed to
 * DEST; never a file copy, which could miss what is still in the write-ahead log.
 * Prints what the copy holds, in the words of 'verify', so that the two can be compared.
 */
#include <getopt.h>
#include <inttypes.h>

#include "cli.h"

int cmd_backup(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	fl_backup_result r;
	fl_buf root = FL_BUF_INIT;
	char hex[FL_HASH_HEX_LEN + 1];
	unsigned flags = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_bad_option(argc, argv);
		flags |= FL_BACKUP_FORCE;
	}
	if (argc - optind != 1)
		return cli_usage_error("backup takes one argument: the file to write (DEST)");
	if ((err = fl_ledger_backup(&r, ctx->ledger, argv[optind], flags)) < 0)
		return cli_fail(err);
	fl_hex_encode(hex, r.head, FL_HASH_LEN);
	if ((err = fl_base64_encode(&root, r.root, FL_HASH_LEN)) < 0) {
		fl_buf_free(&root);
		return cli_fail(err);
	}
	printf("backed up %" PRIu64 " entries to %s, head %s\n", r.entries, argv[optind], hex);
	printf("root %s\n", fl_buf_cstr(&root));
	fl_buf_free(&root);
	return cli_finish_stdout();
}
