/*
 * fuzz_note.c: fuzz target for the C2SP text formats of note.h: signed notes, verifier keys,
 * checkpoints, tlog-proof files and fundledger's consistency proof files.
 *
 * Every parser sees the input. Invariants, abort() on a violation: no crash or leak; every
 * failure is FL_EINVALID or FL_EVERIFY with a printable message; a note that verifies has
 * its text inside the input and ending in a newline; a parsed checkpoint formats back to the
 * first three lines of its text; a parsed proof file formats back to exactly the input (the
 * formats are canonical: base64 and decimals have one spelling each).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fundledger/buf.h"
#include "fundledger/error.h"
#include "fundledger/note.h"

#define FUZZ_OWN_CHECK
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_note: invariant violated: %s (input %zu bytes); last error: %s\n",
		what, size, fl_error_last());
	(void)data;
	abort();
}

#define CHECK(cond, what)                                  \
	do {                                               \
		if (!(cond))                               \
			fail(what, data, size);            \
	} while (0)

/* Public test keys: Go's sumdb note package (PeterNeumann, EnochRoot). */
static const char *const VKEYS[] = {
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	"EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	fl_vkey keys[2];
	size_t n_keys = 0;
	fl_note_result r;
	fl_checkpoint cp;
	fl_tlog_proof tp;
	fl_consistency_proof cpf;
	fl_vkey vk;
	fl_buf b = FL_BUF_INIT;
	int err;

	for (size_t i = 0; i < 2; i++)
		if (fl_vkey_parse(&keys[n_keys], VKEYS[i], strlen(VKEYS[i])) == 0)
			n_keys++;

	/* Signed note. */
	err = fl_note_verify(&r, s, size, keys, n_keys);
	CHECK(err == 0 || err == FL_EINVALID || err == FL_EVERIFY, "note: unexpected code");
	if (err < 0)
		CHECK(printable(fl_error_last()), "note: message not printable");
	else
		CHECK(r.text_len > 0 && r.text_len <= size && s[r.text_len - 1] == '\n' &&
			      r.n_verified >= 1 && r.n_verified <= r.n_sigs,
		      "note: verified without a proper text");

	/* Checkpoint text: a successful parse formats back to its first three lines. */
	if (fl_checkpoint_parse(&cp, s, size) == 0) {
		CHECK(fl_checkpoint_format(&b, &cp) == 0, "checkpoint: format failed");
		CHECK(b.len <= size && memcmp(b.data, s, b.len) == 0,
		      "checkpoint: does not format back to its text");
		fl_buf_reset(&b);
	} else {
		CHECK(printable(fl_error_last()), "checkpoint: message not printable");
	}

	/* Verifier key. */
	if (fl_vkey_parse(&vk, s, size) == 0) {
		CHECK(fl_vkey_format(&b, &vk) == 0, "vkey: format failed");
		CHECK(b.len == size, "vkey: formats to another length");
		fl_buf_reset(&b);
	}

	/* tlog-proof: canonical, so it formats back byte for byte. */
	if (fl_tlog_proof_parse(&tp, s, size) == 0) {
		CHECK(fl_tlog_proof_format(&b, tp.index, (const fl_hash *)tp.path, tp.n, tp.extra.data,
					   tp.extra.len, tp.note, tp.note_len) == 0,
		      "tlog-proof: format failed");
		CHECK(b.len == size && memcmp(b.data, s, size) == 0,
		      "tlog-proof: does not format back to the input");
		fl_buf_reset(&b);
		fl_tlog_proof_free(&tp);
	} else {
		CHECK(printable(fl_error_last()), "tlog-proof: message not printable");
	}

	/* Consistency proof file. */
	if (fl_consistency_proof_parse(&cpf, s, size) == 0) {
		CHECK(cpf.note1 >= s && cpf.note2 >= cpf.note1 && cpf.note2 + cpf.note2_len == s + size,
		      "consistency: notes outside the input");
		CHECK(fl_consistency_proof_format(&b, cpf.size1, cpf.size2, (const fl_hash *)cpf.path,
						  cpf.n, cpf.note1, cpf.note1_len, cpf.note2,
						  cpf.note2_len) == 0,
		      "consistency: format failed");
		CHECK(b.len == size && memcmp(b.data, s, size) == 0,
		      "consistency: does not format back to the input");
	}
	fl_buf_free(&b);
	return 0;
}
