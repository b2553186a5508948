/*
 * cmd_export.c: fundledger export --out DIR. Writes the bundle that 'verify --bundle'
 * checks with no database: entries, checkpoints with cosignatures, keys and a manifest.
 */
#include <getopt.h>
#include <inttypes.h>

#include "cli.h"

int cmd_export(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL;
	uint64_t n = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option(argc, argv);
		dir = optarg;
	}
	if (optind != argc)
		return cli_usage_error("export: unexpected argument '%.40s'", argv[optind]);
	if (!dir)
		return cli_usage_error("export needs --out DIR (a directory that does not exist)");
	if ((err = fl_audit_export(ctx->ledger, dir, &n)) < 0)
		return cli_fail(err);
	printf("exported %" PRIu64 " entries to %s\n", n, dir);
	return cli_finish_stdout();
}
