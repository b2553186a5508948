/*
 * cmd_reverse.c: fundledger reverse. Options and flow are shared with the other single-entry
 * commands in record.c.
 */
#include "record.h"

int cmd_reverse(cli_ctx *ctx, int argc, char **argv)
{
	return cli_record(ctx, argc, argv, FL_KIND_REVERSAL);
}
