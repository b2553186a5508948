/*
 * cmd_init.c: fundledger init. Creates the ledger file named by -d or the configuration.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"origin", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *origin = ctx->cfg->origin;
	int c, err;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c == 'o')
			origin = optarg;
		else
			return cli_bad_option(argc, argv);
	}
	if (optind != argc)
		return cli_usage_error("init takes no arguments");
	if ((err = fl_ledger_init(ctx->ledger_path, origin, ctx->now)) < 0)
		return cli_fail(err);
	printf("created ledger %s (origin %s)\n", ctx->ledger_path, origin);
	return cli_finish_stdout();
}
