/*
 * cmd_verify.c: fundledger verify [--full] [--trusted FILE] [--bundle DIR] [--key VKEY]...
 * "OK ..." and exit 0, or the first bad entry or checkpoint and exit 1. --full checks the
 * ledger's database file with SQLite's integrity_check (every index against its table) in
 * place of quick_check, in the same read transaction as the rest.
 * --format csv|json prints the same outcome as one record (docs/OUTPUT.md), on failure too;
 * the messages still go to stderr and the exit status is the same.
 */
#include <getopt.h>
#include <inttypes.h>

#include "cli.h"
#include "output.h"
#include "tty.h"

static const char *const FIELDS[] = {"status", "entries", "head", "root", "checkpoints",
				     "cosignatures", "trusted_size", "bad_seq",
				     "bad_checkpoint", "reason", NULL};

/* The outcome as one record; head and root are NULL on failure, reason NULL on success. */
static void print_record(cli_format fmt, const fl_verify_result *r, uint64_t entries,
			 const char *head, const char *root, const char *reason)
{
	cli_table t;
	cli_table_begin(&t, stdout, fmt, FIELDS, 0);
	cli_table_row(&t);
	cli_table_str(&t, reason ? "failed" : "ok");
	cli_table_u64(&t, entries, 0);
	cli_table_str(&t, head);
	cli_table_str(&t, root);
	cli_table_u64(&t, r->checkpoints, 0);
	cli_table_u64(&t, r->cosignatures, 0);
	cli_table_u64(&t, r->trusted ? r->trusted_size : 0, 1);
	cli_table_u64(&t, r->bad_seq, 1);
	cli_table_u64(&t, r->bad_checkpoint, 1);
	cli_table_str(&t, reason);
	cli_table_end_row(&t);
	cli_table_end(&t);
}

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"full", no_argument, NULL, 'f'},
					     {"trusted", required_argument, NULL, 't'},
					     {"bundle", required_argument, NULL, 'b'},
					     {"key", required_argument, NULL, 'k'},
					     {"format", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *trusted = NULL, *bundle = NULL;
	fl_buf tr = FL_BUF_INIT, root = FL_BUF_INIT;
	fl_verify_options opt = {NULL, 0, NULL, NULL, 0, 0, NULL, NULL};
	fl_key_role roles[CLI_MAX_KEYS];
	fl_verify_result r = {0};
	cli_vkeys ks;
	char hex[FL_HASH_HEX_LEN + 1];
	cli_format fmt = FMT_TEXT;
	int c, err, rc;

	ks.n = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': opt.full = 1; break;
		case 't': trusted = optarg; break;
		case 'b': bundle = optarg; break;
		case 'k':
			if ((err = cli_add_vkey(&ks, optarg)) < 0)
				return cli_fail(err);
			break;
		case 'o':
			if ((err = cli_format_parse(&fmt, optarg, 0)) < 0)
				return cli_fail(err);
			break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("verify: unexpected argument '%.40s'", argv[optind]);
	if (opt.full && bundle)
		return cli_usage_error("verify: --full checks a ledger's database file, which a "
				       "bundle does not have");
	if (trusted) {
		if ((err = cli_read_file(trusted, &tr)) < 0)
			return cli_fail(err);
		opt.trusted = (const char *)tr.data;
		opt.trusted_len = tr.len;
	}
	if (ks.n) {
		/* Keys pinned on the command line: note keys sign, cosignature keys cosign. */
		for (size_t i = 0; i < ks.n; i++)
			roles[i] = ks.keys[i].type == FL_SIGTYPE_ED25519 ? FL_ROLE_TREASURER
									 : FL_ROLE_AUDITOR;
		opt.keys = ks.keys;
		opt.roles = roles;
		opt.n_keys = ks.n;
	}
	if (bundle) {
		if (!ks.n)
			fprintf(stderr, "fundledger: note: trusting the keys inside the bundle; pin "
					"them with --key\n");
		opt.progress = cli_progress;
		err = fl_verify_bundle(&r, bundle, &opt);
	} else {
		if ((rc = cli_open_ledger(ctx, 1)) != 0) {
			fl_buf_free(&tr);
			return rc;
		}
		err = fl_verify_ledger(&r, ctx->ledger, &opt);
	}
	fl_buf_free(&tr);
	cli_progress_end();
	if (err < 0) {
		if (err == FL_EVERIFY && fmt != FMT_TEXT) {
			uint64_t before = r.bad_seq && r.bad_seq - 1 < r.entries ? r.bad_seq - 1
										 : r.entries;
			print_record(fmt, &r, before, NULL, NULL, fl_error_last());
			fflush(stdout);
		}
		const char *red = cli_sgr(stderr, CLI_SGR_RED), *off = cli_sgr(stderr, CLI_SGR_RESET);
		if (err == FL_EVERIFY && r.bad_seq)
			fprintf(stderr, "%sFAILED%s at entry %" PRIu64 " (%" PRIu64
					" entries before it verified)\n",
				red, off, r.bad_seq,
				r.bad_seq - 1 < r.entries ? r.bad_seq - 1 : r.entries);
		else if (err == FL_EVERIFY && r.bad_checkpoint)
			fprintf(stderr, "%sFAILED%s at the checkpoint of size %" PRIu64 " (%" PRIu64
					" entries before it verified)\n",
				red, off, r.bad_checkpoint, r.entries);
		return cli_fail(err);
	}
	fl_hex_encode(hex, r.head, FL_HASH_LEN);
	if ((err = fl_base64_encode(&root, r.root, FL_HASH_LEN)) < 0) {
		fl_buf_free(&root);
		return cli_fail(err);
	}
	if (fmt != FMT_TEXT) {
		print_record(fmt, &r, r.entries, hex, fl_buf_cstr(&root), NULL);
	} else {
		printf("%sOK%s %" PRIu64 " entries, head %s\n", cli_sgr(stdout, CLI_SGR_GREEN),
		       cli_sgr(stdout, CLI_SGR_RESET), r.entries, hex);
		printf("root %s, %" PRIu64 " signed checkpoints, %" PRIu64 " cosignatures\n",
		       fl_buf_cstr(&root), r.checkpoints, r.cosignatures);
		if (r.trusted)
			printf("extends the trusted checkpoint at size %" PRIu64 "\n",
			       r.trusted_size);
	}
	fl_buf_free(&root);
	return cli_finish_stdout();
}
