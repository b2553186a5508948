/*
 * record.h: the shared flow of the single-entry write commands.
 */
#ifndef FUNDLEDGER_CLI_RECORD_H
#define FUNDLEDGER_CLI_RECORD_H

#include "cli.h"

/* Parses the options of `kind` from argv (argv[0] is the command) and records one entry. */
int cli_record(cli_ctx *ctx, int argc, char **argv, fl_kind kind);

#endif
