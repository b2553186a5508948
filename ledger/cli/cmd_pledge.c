/*
 * cmd_pledge.c: fundledger pledge. Options and flow are shared with the other single-entry
 * commands in record.c.
 */
#include "record.h"

int cmd_pledge(cli_ctx *ctx, int argc, char **argv)
{
	return cli_record(ctx, argc, argv, FL_KIND_PLEDGE);
}
