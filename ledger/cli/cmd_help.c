/*
 * cmd_help.c: fundledger help [COMMAND] [--format text|csv|json]. Commands grouped by who
 * uses them; as CSV or JSON, the command table itself (for completion scripts), with the
 * fields of docs/OUTPUT.md.
 */
#include <string.h>
#include <unistd.h>

#include "output.h"

static const char *const FIELDS[] = {"name", "group", "usage", "summary", NULL};

/* The command table, or only `only` when it is set, as CSV or JSON. */
static int help_table(cli_format fmt, const cli_command *only)
{
	cli_table t;
	cli_table_begin(&t, stdout, fmt, FIELDS, 1);
	for (const cli_command *c = cli_commands; c->name; c++) {
		if (only && c != only)
			continue;
		cli_table_row(&t);
		cli_table_str(&t, c->name);
		cli_table_str(&t, c->group);
		cli_table_str(&t, c->usage);
		cli_table_str(&t, c->summary);
		cli_table_end_row(&t);
	}
	cli_table_end(&t);
	return cli_finish_stdout();
}

int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
	static const char *const groups[] = {"treasurer", "auditor", "trustee", "everyone"};
	const cli_command *c = NULL;
	cli_format fmt = FMT_TEXT;
	int rc;
	(void)ctx;
	optind = 0; /* main does not reset getopt before help */
	if ((rc = cli_format_only(argc, argv, &fmt, 0)) != 0)
		return rc;
	if (argc - optind > 1)
		return cli_usage_error("help takes at most one command");
	if (argc - optind == 1 && !(c = cli_find(argv[optind])))
		return cli_usage_error("unknown command '%.40s'", argv[optind]);
	if (fmt != FMT_TEXT)
		return help_table(fmt, c);
	if (c) {
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
	       "'fundledger help COMMAND' shows a command's options; 'man fundledger-COMMAND' "
	       "has more.\n");
	return cli_finish_stdout();
}
