/*
 * main.c: global options, configuration and ledger resolution, and the command table.
 *
 * fundledger [-c CONFIG] [-d LEDGER] [-u USER] <command> [options]
 *
 * The configuration is the first of: -c, $FUNDLEDGER_CONFIG, ./fundledger.yaml, and the
 * installed default. The ledger is -d, else $FUNDLEDGER_LEDGER, else the configuration's
 * `ledger`. The recorder is -u, else $FUNDLEDGER_USER, else the configuration's
 * `recorded_by`, else the login name. $FUNDLEDGER_NOW (a UTC timestamp) fixes the clock,
 * for reproducible examples and tests. Writes are signed by the agent at $FUNDLEDGER_AGENT when
 * it is set (cmd_agent.c), else with the key file.
 */
#include <getopt.h>
#include <signal.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tty.h"

#ifndef FL_VERSION
#define FL_VERSION "0"
#endif
#ifndef FL_CONFIG_DIR
#define FL_CONFIG_DIR "/usr/local/share/fundledger"
#endif

const cli_command cli_commands[] = {
	{"init", cmd_init, CMD_NO_LEDGER, "treasurer", "[--origin ORIGIN]",
	 "Create a new, empty ledger."},
	{"pledge", cmd_pledge, CMD_WRITE, "treasurer",
	 "--donor D --fund F --currency C --amount A --years Y [--date D] [--due D] "
	 "[--earmark T] [--donor-ref T] [--announcement T] [--ref KEY]",
	 "Record a pledge: a donor's announcement of a contribution to a fund."},
	{"contribute", cmd_contribute, CMD_WRITE, "treasurer",
	 "--donor D --fund F --currency C --amount A --bank-ref T [--date VALUE_DATE] "
	 "[--pledge SEQ|REF] [--ref KEY]",
	 "Record a contribution received, converted to USD at the UN rate of its value date."},
	{"rate", cmd_rate, CMD_WRITE, "treasurer", "--currency C --rate R --date EFFECTIVE [--ref KEY]",
	 "Record a UN operational rate of exchange (units of the currency per 1 USD)."},
	{"reverse", cmd_reverse, CMD_WRITE, "treasurer", "SEQ|REF --reason TEXT [--ref KEY]",
	 "Cancel an earlier entry. A correction is a reversal plus a new entry."},
	{"writeoff", cmd_writeoff, CMD_WRITE, "treasurer",
	 "PLEDGE (--amount A | --all) --reason TEXT [--date D] [--ref KEY]",
	 "Write off all or part of what is left on a pledge."},
	{"import", cmd_import, CMD_WRITE, "treasurer", "[--format text|csv|json] FILE.csv",
	 "Import pledges, contributions and rates from CSV, all or nothing (docs/CSV.md)."},
	{"statement", cmd_statement, CMD_WRITE, "treasurer", "import [--format text|csv|json] FILE",
	 "Import a bank statement (camt.053 or CSV, docs/STATEMENTS.md), all or nothing."},
	{"reconcile", cmd_reconcile, CMD_NO_LEDGER, "treasurer",
	 "[--fund F] [--donor D] [--as-of DATE] [--format text|csv|json] [--apply]",
	 "Pledges against receipts and the bank against the ledger; exit 1 if anything needs a "
	 "decision. --apply records the unambiguous matches."},
	{"match", cmd_match, CMD_WRITE, "treasurer",
	 "CONTRIBUTION PLEDGE [--amount A] [--reason TEXT] | LINE CONTRIBUTION [--reason TEXT]",
	 "Apply a contribution to a pledge, or confirm that a bank line is a contribution."},
	{"unmatch", cmd_unmatch, CMD_WRITE, "treasurer", "MATCH | A B [--reason TEXT]",
	 "Undo a match or bank match (records its reversal)."},
	{"upgrade", cmd_upgrade, CMD_NO_LEDGER, "treasurer", "",
	 "Bring a ledger written by an earlier version to the current store schema."},
	{"backup", cmd_backup, CMD_READONLY, "treasurer", "[--force] DEST",
	 "Copy the ledger to the file DEST with SQLite's online backup, checked before it is "
	 "put in place; writers may go on meanwhile."},
	{"log", cmd_log, CMD_READONLY, "everyone",
	 "[--fund F] [--donor D] [--kind K] [--from D] [--to D] [--format text|csv|json]",
	 "List entries, oldest first."},
	{"show", cmd_show, CMD_READONLY, "everyone", "SEQ|REF [--format text|csv|json|hex]",
	 "Show one entry in full, or its canonical bytes in hex."},
	{"totals", cmd_totals, CMD_READONLY, "everyone",
	 "[--fund F] [--from D] [--to D] [--format text|csv|json]",
	 "Pledged, received and written off, per fund and currency, with USD received."},
	{"verify", cmd_verify, CMD_NO_LEDGER | CMD_NO_CONFIG, "auditor",
	 "[--full] [--trusted CHECKPOINT] [--bundle DIR] [--key VKEY]... [--format text|csv|json]",
	 "Recompute every hash, the Merkle tree and every signature; exit 1 naming the first "
	 "bad entry or checkpoint. --full also compares every index of the database file with "
	 "its table (SQLite's integrity_check)."},
	{"checkpoint", cmd_checkpoint, CMD_NO_LEDGER | CMD_NO_CONFIG, "auditor",
	 "[--size N] | verify --key VKEY [--key VKEY]... FILE",
	 "Print a signed checkpoint, or verify any C2SP signed note."},
	{"cosign", cmd_cosign, CMD_RW, "auditor", "--key AUDITOR_KEYFILE",
	 "Verify the ledger and cosign its latest checkpoint (tlog-cosignature)."},
	{"proof", cmd_proof, CMD_NO_LEDGER | CMD_NO_CONFIG, "auditor",
	 "inclusion SEQ|REF [--size N] [--out FILE] | consistency --from M [--to N] [--out FILE] | "
	 "verify FILE --key VKEY [--key VKEY]... [--entry FILE]",
	 "Write an inclusion or consistency proof, or verify one offline."},
	{"export", cmd_export, CMD_READONLY, "auditor",
	 "[--format bundle|ledger|hledger|beancount|iati] [--year YYYY] --out DIR|FILE",
	 "Write a self-contained bundle that verifies offline with 'verify --bundle' (to DIR), "
	 "the ledger as a Ledger, hledger or Beancount journal, or one year as an IATI 2.03 "
	 "activity file (--format iati --year YYYY) (to a new FILE, or - for standard output)."},
	{"report", cmd_report, CMD_READONLY, "trustee",
	 "--year Y [--fund F|all] [--narrative FILE.yaml] [--at-checkpoint SIZE] [--date D] "
	 "[--format html|md|csv|json] --out PATH",
	 "Write the Board of Trustees' annual report, computed at a signed checkpoint."},
	{"key", cmd_key, CMD_NO_LEDGER | CMD_NO_CONFIG, "everyone",
	 "generate --name NAME [--role treasurer|auditor] [--out FILE]",
	 "Create an Ed25519 key, encrypted with a passphrase; print its verifier key."},
	{"agent", cmd_agent, CMD_NO_LEDGER, "treasurer", "[--socket PATH] [--lifetime SECONDS]",
	 "Unlock the treasurer's key once and sign for the writing commands of the same user "
	 "(FUNDLEDGER_AGENT), in the foreground, until stopped (docs/AGENT.md)."},
	{"help", cmd_help, CMD_NO_LEDGER, "everyone", "[COMMAND] [--format text|csv|json]",
	 "Show help."},
	{NULL, NULL, 0, NULL, NULL, NULL},
};

const cli_command *cli_find(const char *name)
{
	for (const cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: fundledger [-c CONFIG] [-d LEDGER] [-u USER] [-k KEYFILE] "
		   "[--passphrase-file FILE] <command> [options]\n"
		   "       fundledger help [COMMAND] | --version\n");
}

static const char *resolve_config(const char *opt)
{
	static char installed[4096];
	const char *env = getenv("FUNDLEDGER_CONFIG");
	if (opt)
		return opt;
	if (env && *env)
		return env;
	if (access("fundledger.yaml", F_OK) == 0)
		return "fundledger.yaml";
	snprintf(installed, sizeof(installed), "%s/fundledger.yaml", FL_CONFIG_DIR);
	return installed;
}

static const char *resolve_user(const char *opt, const fl_config *cfg)
{
	const char *env = getenv("FUNDLEDGER_USER");
	struct passwd *pw;
	if (opt)
		return opt;
	if (env && *env)
		return env;
	if (cfg->recorded_by)
		return cfg->recorded_by;
	pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static int set_clock(cli_ctx *ctx)
{
	const char *env = getenv("FUNDLEDGER_NOW");
	if (env && *env) {
		if (fl_time_check(env, strlen(env)) < 0)
			return cli_usage_error("FUNDLEDGER_NOW '%.30s' is not a UTC time "
					       "YYYY-MM-DDTHH:MM:SSZ",
					       env);
		memcpy(ctx->now, env, FL_TIME_LEN + 1);
	} else if (fl_time_format(ctx->now, (int64_t)time(NULL)) < 0) {
		return cli_fail(fl_error_code());
	}
	memcpy(ctx->today, ctx->now, FL_DATE_LEN);
	ctx->today[FL_DATE_LEN] = 0;
	return 0;
}

/* The global options, kept for the lazy loaders below. */
static const char *g_config_opt, *g_ledger_opt, *g_user_opt;

int cli_need_config(cli_ctx *ctx)
{
	const char *env;
	int err;
	if (ctx->cfg)
		return 0;
	ctx->config_path = resolve_config(g_config_opt);
	if ((err = fl_config_load(&ctx->cfg, ctx->config_path)) < 0)
		return cli_fail(err);
	env = getenv("FUNDLEDGER_LEDGER");
	ctx->ledger_path = g_ledger_opt ? g_ledger_opt : env && *env ? env : ctx->cfg->ledger;
	ctx->user = resolve_user(g_user_opt, ctx->cfg);
	return 0;
}

const char *cli_agent_socket(void)
{
	const char *env = getenv("FUNDLEDGER_AGENT");
	return env && *env ? env : NULL;
}

int cli_signing_key(cli_ctx *ctx)
{
	const char *agent = cli_agent_socket();
	int err;
	if (ctx->signer)
		return 0;
	if (agent) {
		/* Never a silent fall back to the key file: a prompt would hang a script that
		 * meant to use the agent. */
		if ((err = fl_signer_connect(&ctx->signer, agent)) < 0)
			return fl_error_set(err, "%s (FUNDLEDGER_AGENT); unset FUNDLEDGER_AGENT to "
						 "use the key file",
					    fl_error_last());
	} else if ((err = cli_load_key(ctx, ctx->key_path, &ctx->signer)) < 0) {
		return err;
	}
	return fl_ledger_set_signer(ctx->ledger, ctx->signer);
}

int cli_open_ledger(cli_ctx *ctx, int readonly)
{
	int err, rc;
	if (ctx->ledger)
		return 0;
	if ((rc = cli_need_config(ctx)) != 0)
		return rc;
	if ((err = fl_ledger_open(&ctx->ledger, ctx->ledger_path, ctx->cfg,
				  readonly ? FL_OPEN_READONLY : 0)) < 0)
		return cli_fail(err);
	fl_ledger_set_progress(ctx->ledger, cli_progress, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"ledger", required_argument, NULL, 'd'},
		{"user", required_argument, NULL, 'u'},   {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {"key", required_argument, NULL, 'k'},
		{"passphrase-file", required_argument, NULL, 'P'}, {NULL, 0, NULL, 0}};
	const char *config_opt = NULL, *ledger_opt = NULL, *user_opt = NULL, *env;
	const cli_command *cmd;
	cli_ctx ctx;
	int c, rc, first;

	memset(&ctx, 0, sizeof(ctx));
	/* A write past the file-size limit (RLIMIT_FSIZE) then fails with EFBIG, which SQLite
	 * reports and the batch rolls back, instead of the process being killed mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	opterr = 0; /* option errors are reported as "fundledger: ..." */
	while ((c = getopt_long(argc, argv, "+c:d:u:k:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'k': ctx.key_path = optarg; break;
		case 'P': ctx.passphrase_file = optarg; break;
		case 'c': config_opt = optarg; break;
		case 'd': ledger_opt = optarg; break;
		case 'u': user_opt = optarg; break;
		case 'h':
			return cmd_help(&ctx, 1, argv) ? EXIT_RUNTIME : cli_finish_stdout();
		case 'V':
			printf("fundledger %s (entry format v%d)\n", FL_VERSION, FL_FORMAT_VERSION);
			return cli_finish_stdout();
		default:
			cli_usage_error("bad option '%.60s' (unknown, or missing its value)",
					argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(cmd = cli_find(argv[optind]))) {
		cli_usage_error("unknown command '%.40s'; see 'fundledger help'", argv[optind]);
		return EXIT_USAGE;
	}
	if (cmd->fn == cmd_help)
		return cmd_help(&ctx, argc - optind, argv + optind);
	/* "COMMAND --help" needs neither configuration nor ledger. */
	for (int i = optind + 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_print_usage(stdout, cmd);
			return cli_finish_stdout();
		}
	}
	if ((rc = set_clock(&ctx)) != 0)
		return rc;
	if (!ctx.key_path && (env = getenv("FUNDLEDGER_KEY")) && *env)
		ctx.key_path = env;
	g_config_opt = config_opt;
	g_ledger_opt = ledger_opt;
	g_user_opt = user_opt;
	if (!(cmd->flags & CMD_NO_CONFIG) && (rc = cli_need_config(&ctx)) != 0)
		goto done;
	if (!(cmd->flags & CMD_NO_LEDGER) &&
	    (rc = cli_open_ledger(&ctx, !(cmd->flags & (CMD_WRITE | CMD_RW)))) != 0)
		goto done;
	if (cmd->flags & CMD_WRITE) {
		if (!ctx.key_path && !cli_agent_socket()) {
			rc = cli_usage_error("%s writes, and every write is signed: give the "
					     "treasurer's key with -k KEYFILE or FUNDLEDGER_KEY, or "
					     "a signing agent with FUNDLEDGER_AGENT",
					     cmd->name);
			goto done;
		}
		/* The key itself is loaded by cli_signing_key, once the command's input has
		 * been checked: no passphrase is asked for a command that fails anyway. */
	}
	first = optind;
	optind = 0; /* glibc: re-initialise getopt; each command parses from its own argv[1] */
	/* Import counts the lines of its file; the other long operations count entries. */
	cli_progress_begin(cmd->name, cmd->fn == cmd_import ? "lines" : "entries", 0);
	rc = cmd->fn(&ctx, argc - first, argv + first);
	cli_progress_end();
done:
	fl_ledger_free(ctx.ledger);
	fl_signer_free(ctx.signer);
	fl_config_free(ctx.cfg);
	return rc;
}
