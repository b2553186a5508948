/*
 * cmd_help.c: fundledger help [COMMAND]. Commands grouped by who uses them.
 */
#include <string.h>

#include "cli.h"

int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
	static const char *const groups[] = {"treasurer", "auditor", "trustee", "everyone"};
	const cli_command *c;
	(void)ctx;
	if (argc > 2)
		return cli_usage_error("help takes at most one command");
	if (argc == 2) {
		if (!(c = cli_find(argv[1])))
			return cli_usage_error("unknown command '%.40s'", argv[1]);
		cli_print_usage(stdout, c);
		return cli_finish_stdout();
	}
	printf("usage: fundledger [-c CONFIG] [-d LEDGER] [-u USER] [-k KEYFILE] "
	       "[--passphrase-file FILE] <command> [options]\n");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (strcmp(groups[g], "everyone") == 0)
			printf("\nfor everyone:\n");
		else
			printf("\nfor the %s:\n", groups[g]);
		for (c = cli_commands; c->name; c++)
			if (strcmp(c->group, groups[g]) == 0)
				printf("  %-11s %s\n", c->name, c->summary);
	}
	printf("\nexit codes: 0 ok, 1 a check failed, 2 usage or bad input, 3 runtime error\n"
	       "'fundledger help COMMAND' shows a command's options; man fundledger has more.\n");
	return cli_finish_stdout();
}
