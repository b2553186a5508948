/*
 * cmd_upgrade.c: fundledger upgrade. Opening a ledger for writing brings its store schema up
 * to date (store.c); this command does only that, for ledgers that read-only commands refuse.
 */
#include "cli.h"

int cmd_upgrade(cli_ctx *ctx, int argc, char **argv)
{
	int rc;
	(void)argv;
	if (argc != 1)
		return cli_usage_error("upgrade takes no arguments");
	if ((rc = cli_open_ledger(ctx, 0)) != 0)
		return rc;
	printf("%s: store schema is current; entries unchanged\n", ctx->ledger_path);
	return cli_finish_stdout();
}
