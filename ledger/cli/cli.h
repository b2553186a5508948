/*
 * cli.h: what the command implementations share. Only the CLI prints or exits.
 *
 * Exit codes: 0 ok; 1 a check failed (verify); 2 usage or bad input (an argument, a CSV row,
 * an unknown code, a conflicting reference); 3 runtime (I/O, database, configuration, crypto).
 */
#ifndef FUNDLEDGER_CLI_H
#define FUNDLEDGER_CLI_H

#include <stdio.h>

#include "fundledger/fundledger.h"

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

/* Command flags in the dispatch table. */
#define CMD_NO_LEDGER 1u /* does not open the ledger up front (it may, with cli_open_ledger) */
#define CMD_READONLY 2u  /* opens the ledger read-only: it cannot write */
#define CMD_WRITE 4u     /* opens the ledger for writing, with the treasurer's signing key */
#define CMD_NO_CONFIG 8u /* does not load the configuration up front (cli_need_config) */
#define CMD_RW 16u       /* opens the ledger for writing without a treasurer key (cosign) */

typedef struct {
	const char *config_path; /* resolved main configuration file */
	const char *ledger_path; /* resolved ledger path */
	const char *user;        /* who records */
	fl_config *cfg;
	fl_ledger *ledger;       /* NULL for CMD_NO_LEDGER commands */
	char now[FL_TIME_LEN + 1];
	char today[FL_DATE_LEN + 1];
	const char *key_path;        /* -k: the treasurer's private key for writes */
	const char *passphrase_file; /* --passphrase-file */
	fl_signer *signer;           /* loaded for CMD_WRITE commands, or the agent's */
} cli_ctx;

/* Longest passphrase read, including the terminating NUL. */
#define CLI_PASSPHRASE_MAX 1024

/*
 * Reads a passphrase from `file`, else $FUNDLEDGER_PASSPHRASE, else the terminal (asking
 * twice when `confirm`). buf holds cap bytes; the caller wipes it with fl_wipe.
 */
int cli_passphrase(const char *file, const char *what, int confirm, char *buf, size_t cap,
		   size_t *len);
/* Loads a private key, asking for its passphrase as above. */
int cli_load_key(const cli_ctx *ctx, const char *path, fl_signer **out);

typedef int (*cmd_fn)(cli_ctx *ctx, int argc, char **argv);

typedef struct {
	const char *name;
	cmd_fn fn;
	unsigned flags;
	const char *group;   /* treasurer, auditor, general */
	const char *usage;   /* one line of options */
	const char *summary;
} cli_command;

/* The dispatch table (main.c), terminated by a NULL name. */
extern const cli_command cli_commands[];
const cli_command *cli_find(const char *name);

/* Loads the configuration if the command did not need it up front. 0 or an exit code. */
int cli_need_config(cli_ctx *ctx);
/* $FUNDLEDGER_AGENT when it is set and not empty, else NULL. */
const char *cli_agent_socket(void);
/*
 * Makes the ledger's signer the agent at $FUNDLEDGER_AGENT when it is set (an unreachable
 * agent is an error, never a reason to ask for a passphrase), else the treasurer's key (-k).
 * 0 or a negative code.
 */
int cli_signing_key(cli_ctx *ctx);
/* Opens the ledger if the command did not up front. 0 or an exit code. */
int cli_open_ledger(cli_ctx *ctx, int readonly);

/* Prints "fundledger: <message>" from the library's last error and maps code to an exit code. */
int cli_fail(int code);
/* Prints "fundledger: <formatted>" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) FL_PRINTF(1, 2);
/* Reports the option getopt_long just refused (opterr is off) and returns EXIT_USAGE. */
int cli_bad_option(int argc, char **argv);
/* Prints the usage of a command to f. */
void cli_print_usage(FILE *f, const cli_command *c);
/* Exit code for a library code. */
int cli_exit_code(int code);

/* Parsers for option values; on failure they return a negative code with the error set. */
int cli_amount(const cli_ctx *ctx, int64_t *out, const char *s, const char *currency);
int cli_text(char *dst, size_t cap, const char *s, const char *what);
int cli_date(char *dst, const char *s, const char *what);
/* A sequence number, or an idempotency key that names one. */
int cli_seq(cli_ctx *ctx, uint64_t *out, const char *s, const char *what);

/* Output formats for tables. */
typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_HEX } cli_format;
int cli_format_parse(cli_format *out, const char *s, int allow_hex);

/* Formats an amount of a currency known to the configuration ("1,250.50"). */
void cli_money(const cli_ctx *ctx, char *out, size_t n, int64_t amount, const char *currency,
	       int grouping);

/* Writers for one entry; reversed_by is 0 when the entry stands. */
void cli_entry_text_header(FILE *f);
void cli_entry_text(const cli_ctx *ctx, FILE *f, const fl_entry *e, uint64_t reversed_by);
void cli_entry_csv_header(FILE *f);
void cli_entry_csv(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		   const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by);
void cli_entry_json(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		    const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by);
/* A long human description of one entry (show). */
void cli_entry_detail(const cli_ctx *ctx, FILE *f, const fl_entry *e,
		      const unsigned char hash[FL_HASH_LEN], uint64_t reversed_by);

void cli_csv_field(FILE *f, const char *s);
void cli_json_string(FILE *f, const char *s);

/* Reports the outcome of a single-entry write command. */
int cli_report_append(const cli_ctx *ctx, const fl_entry *e, fl_append_status st);

/* Checks stdout for write errors before a successful exit. */
int cli_finish_stdout(void);

/* Verifier keys from --key options. */
#define CLI_MAX_KEYS 32
typedef struct {
	fl_vkey keys[CLI_MAX_KEYS];
	size_t n;
} cli_vkeys;
/* Adds a verifier key string, or every key (one per line) of a file. */
int cli_add_vkey(cli_vkeys *ks, const char *arg);
/* Reads a whole file ("-" for standard input) into out. */
int cli_read_file(const char *path, fl_buf *out);
/* Writes data to a new file (never over an existing one), or stdout for NULL or "-". */
int cli_write_out(const char *path, const fl_buf *data);

/*
 * A file written beside its final name (outfile.c): cli_out_open creates the temporary file,
 * cli_out_write (a report or journal sink) appends, and cli_out_close syncs it and puts it in
 * place, renamed over path when `replace`, else linked there only if path does not exist
 * (FL_EEXISTS), and syncs the directory; or removes it when err is set. Returns err or the
 * first failure. path is borrowed until cli_out_close.
 */
typedef struct {
	const char *path;
	char *tmp;
	int fd;
} cli_out_file;
int cli_out_open(cli_out_file *f, const char *path);
int cli_out_write(void *ctx, const unsigned char *data, size_t len);
int cli_out_close(cli_out_file *f, int err, int replace);
/* A sink that writes to standard output (ctx unused). */
int cli_stdout_write(void *ctx, const unsigned char *data, size_t len);

/* The commands. */
int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_pledge(cli_ctx *ctx, int argc, char **argv);
int cmd_contribute(cli_ctx *ctx, int argc, char **argv);
int cmd_rate(cli_ctx *ctx, int argc, char **argv);
int cmd_reverse(cli_ctx *ctx, int argc, char **argv);
int cmd_writeoff(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_log(cli_ctx *ctx, int argc, char **argv);
int cmd_show(cli_ctx *ctx, int argc, char **argv);
int cmd_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_totals(cli_ctx *ctx, int argc, char **argv);
int cmd_statement(cli_ctx *ctx, int argc, char **argv);
int cmd_reconcile(cli_ctx *ctx, int argc, char **argv);
int cmd_match(cli_ctx *ctx, int argc, char **argv);
int cmd_unmatch(cli_ctx *ctx, int argc, char **argv);
int cmd_upgrade(cli_ctx *ctx, int argc, char **argv);
int cmd_backup(cli_ctx *ctx, int argc, char **argv);
int cmd_help(cli_ctx *ctx, int argc, char **argv);
int cmd_agent(cli_ctx *ctx, int argc, char **argv);
int cmd_key(cli_ctx *ctx, int argc, char **argv);
int cmd_checkpoint(cli_ctx *ctx, int argc, char **argv);
int cmd_cosign(cli_ctx *ctx, int argc, char **argv);
int cmd_proof(cli_ctx *ctx, int argc, char **argv);
int cmd_export(cli_ctx *ctx, int argc, char **argv);
int cmd_report(cli_ctx *ctx, int argc, char **argv);

#endif
