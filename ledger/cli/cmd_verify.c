/*
 * cmd_verify.c: fundledger verify. "OK <n> entries, head <hex>" and exit 0, or the first bad
 * entry and exit 1.
 */
#include <inttypes.h>

#include "cli.h"

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
	fl_verify_result r;
	char hex[FL_HASH_HEX_LEN + 1];
	int err;
	(void)argv;
	if (argc != 1)
		return cli_usage_error("verify takes no arguments");
	err = fl_verify_ledger(&r, ctx->ledger);
	if (err < 0) {
		if (err == FL_EVERIFY)
			fprintf(stderr, "FAILED at entry %" PRIu64 " (%" PRIu64
					" entries before it verified)\n",
				r.bad_seq, r.entries);
		return cli_fail(err);
	}
	fl_hex_encode(hex, r.head, FL_HASH_LEN);
	printf("OK %" PRIu64 " entries, head %s\n", r.entries, hex);
	return cli_finish_stdout();
}
