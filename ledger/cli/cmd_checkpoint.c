/*
 * cmd_checkpoint.c: fundledger checkpoint [--size N] prints a stored signed checkpoint with
 * its cosignatures; fundledger checkpoint verify --key VKEY... FILE verifies any C2SP signed
 * note (ours or another log's) by the signed-note rules.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int verify_note(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {NULL, 0, NULL, 0}};
	cli_vkeys ks;
	fl_buf note = FL_BUF_INIT;
	fl_note_result r;
	fl_checkpoint cp;
	int c, err;

	ks.n = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k')
			return cli_bad_option(argc, argv);
		if ((err = cli_add_vkey(&ks, optarg)) < 0)
			return cli_fail(err);
	}
	if (argc - optind != 1)
		return cli_usage_error("checkpoint verify takes one file ('-' for standard input)");
	if (ks.n == 0)
		return cli_usage_error("checkpoint verify needs at least one --key VKEY");
	if ((err = cli_read_file(argv[optind], &note)) < 0)
		goto done;
	if ((err = fl_note_verify(&r, (const char *)note.data, note.len, ks.keys, ks.n)) < 0)
		goto done;
	printf("OK %zu of %zu signatures verified by known keys\n", r.n_verified, r.n_sigs);
	for (size_t i = 0; i < r.n_verified; i++) {
		if (r.verified[i]->type == FL_SIGTYPE_COSIGNATURE)
			printf("  %s (cosignature, time %" PRIu64 ")\n", r.verified[i]->name,
			       r.timestamp[i]);
		else
			printf("  %s\n", r.verified[i]->name);
	}
	if (fl_checkpoint_parse(&cp, (const char *)note.data, r.text_len) == 0) {
		fl_buf root = FL_BUF_INIT;
		if (fl_base64_encode(&root, cp.root, FL_HASH_LEN) == 0)
			printf("checkpoint: origin %s, size %" PRIu64 ", root %s\n", cp.origin, cp.size,
			       fl_buf_cstr(&root));
		fl_buf_free(&root);
	}
done:
	fl_buf_free(&note);
	if (err < 0)
		return cli_fail(err);
	return cli_finish_stdout();
}

int cmd_checkpoint(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"size", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	fl_buf note = FL_BUF_INIT;
	uint64_t size = 0, got;
	char *end;
	int c, err, rc;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return verify_note(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return cli_bad_option(argc, argv);
		size = strtoull(optarg, &end, 10);
		if (*end || size == 0 || optarg[0] == '-')
			return cli_usage_error("--size takes a tree size of at least 1");
	}
	if (optind != argc)
		return cli_usage_error("checkpoint: unexpected argument '%.40s'", argv[optind]);
	if ((rc = cli_open_ledger(ctx, 1)) != 0)
		return rc;
	if ((err = fl_audit_checkpoint(ctx->ledger, size, &got, &note)) < 0) {
		fl_buf_free(&note);
		return cli_fail(err);
	}
	fwrite(note.data, 1, note.len, stdout);
	fl_buf_free(&note);
	return cli_finish_stdout();
}
