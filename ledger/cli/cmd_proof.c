/*
 * cmd_proof.c: fundledger proof inclusion|consistency|verify.
 *   inclusion SEQ [--size N] [--out FILE]       a c2sp.org/tlog-proof@v1 file
 *   consistency --from M [--to N] [--out FILE]  a fundledger/consistency-proof@v1 file
 *   verify FILE --key VKEY... [--entry FILE]    offline, with no ledger or configuration
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	return *end || *out == 0 ? -1 : 0;
}

static int make(cli_ctx *ctx, int argc, char **argv, int inclusion)
{
	static const struct option opts[] = {
		{"size", required_argument, NULL, 's'}, {"to", required_argument, NULL, 's'},
		{"from", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}};
	uint64_t size = 0, from = 0, seq = 0;
	const char *out = NULL;
	fl_buf proof = FL_BUF_INIT;
	int c, err, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &size) < 0)
				return cli_usage_error("a tree size is a whole number of at least 1");
			break;
		case 'f':
			if (inclusion || parse_size(optarg, &from) < 0)
				return cli_usage_error("--from takes a tree size (consistency only)");
			break;
		case 'o': out = optarg; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if ((rc = cli_open_ledger(ctx, 1)) != 0)
		return rc;
	if (inclusion) {
		if (argc - optind != 1)
			return cli_usage_error("proof inclusion takes one entry: SEQ or REF");
		if ((err = cli_seq(ctx, &seq, argv[optind], "entry")) < 0)
			return cli_fail(err);
		err = fl_audit_inclusion_proof(&proof, ctx->ledger, seq, size);
	} else {
		if (optind != argc || !from)
			return cli_usage_error("proof consistency needs --from M [--to N]");
		err = fl_audit_consistency_proof(&proof, ctx->ledger, from, size);
	}
	if (err == 0)
		err = cli_write_out(out, &proof);
	fl_buf_free(&proof);
	if (err < 0)
		return cli_fail(err);
	return cli_finish_stdout();
}

static int verify(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {"entry", required_argument, NULL, 'e'},
					     {NULL, 0, NULL, 0}};
	cli_vkeys ks;
	fl_buf data = FL_BUF_INIT, entry = FL_BUF_INIT, root = FL_BUF_INIT;
	const char *entry_file = NULL;
	fl_proof_result r;
	int c, err;

	ks.n = 0;
	memset(&r, 0, sizeof(r));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k') {
			if ((err = cli_add_vkey(&ks, optarg)) < 0)
				return cli_fail(err);
		} else if (c == 'e') {
			entry_file = optarg;
		} else {
			return cli_bad_option(argc, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("proof verify takes one proof file");
	if (ks.n == 0)
		return cli_usage_error("proof verify needs the log's key: --key VKEY");
	if ((err = cli_read_file(argv[optind], &data)) < 0 ||
	    (entry_file && (err = cli_read_file(entry_file, &entry)) < 0))
		goto done;
	if ((err = fl_audit_verify_proof(&r, (const char *)data.data, data.len, ks.keys, ks.n,
					 entry_file ? entry.data : NULL, entry.len)) < 0)
		goto done;
	if ((err = fl_base64_encode(&root, r.cp.root, FL_HASH_LEN)) < 0)
		goto done;
	if (r.inclusion) {
		fl_entry e;
		printf("OK entry %" PRIu64 " is in %s at size %" PRIu64 " (root %s)\n", r.seq,
		       r.cp.origin, r.cp.size, fl_buf_cstr(&root));
		if (fl_entry_decode(&e, r.entry.data, r.entry.len) == 0)
			printf("entry %" PRIu64 ": %s %s %s %s %s\n", e.seq, fl_kind_name(e.kind),
			       e.date, e.fund, e.donor, e.currency);
	} else {
		printf("OK %s at size %" PRIu64 " extends size %" PRIu64 " (append-only; root %s)\n",
		       r.cp.origin, r.cp.size, r.old.size, fl_buf_cstr(&root));
	}
done:
	fl_proof_result_free(&r);
	fl_buf_free(&data);
	fl_buf_free(&entry);
	fl_buf_free(&root);
	if (err < 0)
		return cli_fail(err);
	return cli_finish_stdout();
}

int cmd_proof(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("proof: inclusion, consistency or verify");
	if (strcmp(argv[1], "inclusion") == 0)
		return make(ctx, argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "consistency") == 0)
		return make(ctx, argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "verify") == 0)
		return verify(argc - 1, argv + 1);
	return cli_usage_error("proof: unknown subcommand '%.40s'", argv[1]);
}
