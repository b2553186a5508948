/*
 * cmd_cosign.c: fundledger cosign --key AUDITOR_KEYFILE. Verifies the whole ledger, then
 * adds the auditor's tlog-cosignature to the latest checkpoint.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

int cmd_cosign(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {NULL, 0, NULL, 0}};
	const char *keyfile = NULL;
	fl_signer *s = NULL;
	fl_buf line = FL_BUF_INIT;
	uint64_t size = 0;
	int64_t now;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k')
			return cli_bad_option(argc, argv);
		keyfile = optarg;
	}
	if (optind != argc)
		return cli_usage_error("cosign: unexpected argument '%.40s'", argv[optind]);
	if (!keyfile)
		return cli_usage_error("cosign needs --key AUDITOR_KEYFILE");
	now = (int64_t)time(NULL);
	if (getenv("FUNDLEDGER_NOW"))
		now = fl_date_days(ctx->now) * 86400 + ((ctx->now[11] - '0') * 10 + ctx->now[12] - '0') * 3600 +
		      ((ctx->now[14] - '0') * 10 + ctx->now[15] - '0') * 60 +
		      (ctx->now[17] - '0') * 10 + ctx->now[18] - '0';
	if ((err = cli_load_key(ctx, keyfile, &s)) < 0 ||
	    (err = fl_audit_cosign(ctx->ledger, s, (uint64_t)now, &size, &line)) < 0) {
		fl_signer_free(s);
		fl_buf_free(&line);
		return cli_fail(err);
	}
	printf("cosigned the checkpoint at size %" PRIu64 ":\n%s", size, fl_buf_cstr(&line));
	fl_signer_free(s);
	fl_buf_free(&line);
	return cli_finish_stdout();
}
