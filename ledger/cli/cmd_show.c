/*
 * cmd_show.c: fundledger show SEQ. One entry in full, as log's CSV or JSON record
 * (docs/OUTPUT.md), or its canonical bytes in hex (the exact input of its SHA-256 hash:
 * `show N --format hex | xxd -r -p | sha256sum`).
 */
#include <unistd.h>

#include "output.h"

int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_format fmt = FMT_TEXT;
	fl_buf canon = FL_BUF_INIT;
	fl_entry e;
	unsigned char hash[FL_HASH_LEN];
	uint64_t seq, by = 0;
	int rc, err;

	if ((rc = cli_format_only(argc, argv, &fmt, 1)) != 0)
		return rc;
	if (argc - optind != 1)
		return cli_usage_error("show takes one entry: a sequence number or ref");
	if ((err = cli_seq(ctx, &seq, argv[optind], "entry")) < 0 ||
	    (err = fl_ledger_get(ctx->ledger, seq, &e, hash, &canon)) < 0 ||
	    (err = fl_ledger_reversed_by(ctx->ledger, seq, &by)) < 0) {
		fl_buf_free(&canon);
		return cli_fail(err);
	}
	if (fmt == FMT_HEX) {
		for (size_t i = 0; i < canon.len; i++)
			printf("%02x", canon.data[i]);
		putchar('\n');
	} else if (fmt == FMT_CSV) {
		/* log's columns, one row. */
		cli_entry_csv_header(stdout);
		cli_entry_csv(ctx, stdout, &e, hash, by);
	} else if (fmt == FMT_JSON) {
		cli_entry_json(ctx, stdout, &e, hash, by);
		putchar('\n');
	} else {
		cli_entry_detail(ctx, stdout, &e, hash, by);
	}
	fl_buf_free(&canon);
	return cli_finish_stdout();
}
