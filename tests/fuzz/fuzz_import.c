/*
 * fuzz_import.c: fuzz target for the CSV import of pledges, contributions and rates (import.h:
 * fl_import_csv_mem, the layout of docs/CSV.md), into a real ledger. fuzz_csv covers the CSV
 * reader alone; this covers what `fundledger import FILE.csv` does with the records: columns,
 * values, references to pledges and rates, replays, and the one batch they are written in.
 *
 * Input: the CSV text. Once per process a ledger is made in a private temporary directory
 * ($TMPDIR, else /dev/shm, else /tmp; removed at exit by the process that made it, in
 * LLVMFuzzerInitialize) with the shipped configuration
 * (FL_CONFIG_DIR/fundledger.yaml) and a treasurer key made in memory, and filled from BASE
 * below (rates, pledges and a contribution that inputs can refer to by ref); its file is kept
 * in memory. Each input starts from a fresh copy of that file.
 *
 * Invariants, abort() on a violation:
 *   - a failure is FL_EINVALID, FL_ENOTFOUND, FL_EEXISTS or FL_ENOMEM; its message is
 *     "t.csv:LINE: ..." with LINE within the input, valid UTF-8 without control characters;
 *     nothing was written (the entry count and head are unchanged) and the ledger verifies;
 *   - a success wrote exactly `appended` entries, numbered first..last right after the old
 *     head, and no more than two per row (a contribution naming its pledge adds its match);
 *     the ledger verifies (fl_verify_ledger: chain, tree, signed checkpoints, references and
 *     USD figures); importing the same text again succeeds, writes nothing, and counts every
 *     row as already recorded (docs/CSV.md, "References and replays");
 *   - no leaks (LeakSanitizer, valgrind).
 */
#include <errno.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/config.h"
#include "fundledger/crypto.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fundledger/import.h"
#include "fundledger/ledger.h"
#include "fundledger/note.h"
#include "fundledger/verify.h"
#include "fuzz_common.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FL_CONFIG_DIR
#define FL_CONFIG_DIR "config"
#endif

#define NAME "t.csv"
#define BY "fuzzer"
#define AT "2026-03-01T12:00:00Z"
#define ORIGIN "fuzz.example.org/import"

/* What the ledger holds before each input: references for the inputs to use. */
static const char BASE[] =
	"kind,ref,fund,donor,currency,amount,date,years,due,pledge,rate,bank_ref\n"
	"rate,R-EUR,,,EUR,,2025-12-01,,,,0.921,\n"
	"rate,R-JPY,,,JPY,,2025-12-01,,,,156.5,\n"
	"rate,R-KWD,,,KWD,,2025-12-01,,,,0.307,\n"
	"pledge,P-DEU,VFTC,DEU,EUR,1000000.00,2026-01-15,2026;2027,2026-06-30,,,\n"
	"pledge,P-JPN,UPRI,JPN,JPY,20000000,2026-01-20,2026,,,,\n"
	"pledge,P-USA,UPRP,USA,USD,250000,2026-01-10,2026,,,,\n"
	"contribution,C-DEU-1,VFTC,DEU,EUR,500000.00,2026-02-01,,,P-DEU,,BNK-1\n";

static char g_path[128];
static unsigned char *g_base;
static size_t g_base_len;
static fl_config *g_cfg;
static fl_signer *g_key;
static const uint8_t *g_data;
static size_t g_size;

static void cleanup(void);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_import: invariant violated: %s (input %zu bytes: ", what, g_size);
	fuzz_show_input(g_data, g_size, 200);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	cleanup();
	abort();
}

/* The ledger file and what SQLite may keep beside it. */
static void remove_ledger(void)
{
	static const char *const SUFFIX[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", g_path, SUFFIX[i]);
		unlink(p);
	}
}

/* At exit, in the process that made the directory (replay's children share the parent's). */
static void cleanup(void)
{
	if (!fuzz_dir[0] || getpid() != fuzz_dir_owner)
		return;
	fuzz_tmpdir_remove();
	free(g_base);
	g_base = NULL;
	fl_config_free(g_cfg);
	g_cfg = NULL;
	fl_signer_free(g_key);
	g_key = NULL;
}

static fl_ledger *open_ledger(void)
{
	fl_ledger *l = NULL;
	CHECK(fl_ledger_open(&l, g_path, g_cfg, 0) == 0, "harness: cannot open the ledger");
	CHECK(fl_ledger_set_signer(l, g_key) == 0, "harness: the key is refused");
	return l;
}

/* Makes the ledger once and keeps its file in memory. */
static void setup(void)
{
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_import_stats st;
	fl_ledger *l;
	FILE *f;
	long n = 0;

	if (g_path[0])
		return;
	CHECK(fuzz_tmpdir("fuzz_import") != NULL, "harness: cannot make a temporary directory");
	atexit(cleanup);
	snprintf(g_path, sizeof(g_path), "%s/ledger.db", fuzz_dir);
	CHECK(fl_config_load(&g_cfg, FL_CONFIG_DIR "/fundledger.yaml") == 0,
	      "harness: cannot load the shipped configuration");
	CHECK(fl_signer_generate(&g_key) == 0, "harness: cannot make a key");
	fl_signer_public(g_key, pub);
	/* Authorise the key as the unit tests' testkit.h does. */
	{
		fl_vkey *keys = realloc(g_cfg->keys, (g_cfg->n_keys + 1) * sizeof(*keys));
		fl_key_role *roles;
		CHECK(keys != NULL, "harness: out of memory");
		g_cfg->keys = keys;
		roles = realloc(g_cfg->key_roles, (g_cfg->n_keys + 1) * sizeof(*roles));
		CHECK(roles != NULL, "harness: out of memory");
		g_cfg->key_roles = roles;
		CHECK(fl_vkey_make(&g_cfg->keys[g_cfg->n_keys], "fuzz.example.org/treasurer",
				   FL_SIGTYPE_ED25519, pub) == 0,
		      "harness: vkey");
		g_cfg->key_roles[g_cfg->n_keys++] = FL_ROLE_TREASURER;
	}
	CHECK(fl_ledger_init(g_path, ORIGIN, "2026-01-01T00:00:00Z") == 0,
	      "harness: cannot make the ledger");
	l = open_ledger();
	CHECK(fl_import_csv_mem(&st, l, "base.csv", BASE, sizeof(BASE) - 1, BY, AT) == 0,
	      "harness: the base rows do not import");
	fl_ledger_free(l);
	/* Closed, so the file is whole (no -wal left to read). */
	f = fopen(g_path, "rb");
	CHECK(f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0,
	      "harness: cannot read the ledger file");
	g_base_len = (size_t)n;
	g_base = malloc(g_base_len);
	CHECK(g_base && fread(g_base, 1, g_base_len, f) == g_base_len, "harness: read");
	fclose(f);
}

/* Once per process, under libFuzzer and replay.c alike (replay's children share it). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

static void fresh_ledger(void)
{
	FILE *f;
	remove_ledger();
	f = fopen(g_path, "wb");
	CHECK(f && fwrite(g_base, 1, g_base_len, f) == g_base_len && fclose(f) == 0,
	      "harness: cannot write the ledger file");
}

static void verifies(fl_ledger *l, uint64_t count)
{
	fl_verify_result vr;
	CHECK(fl_verify_ledger(&vr, l, NULL) == 0, "the ledger does not verify");
	CHECK(vr.entries == count, "verify counts another number of entries");
}

/* "t.csv:LINE: ..." with 1 <= LINE <= the lines of the input (plus one for a last line). */
static int located(const char *msg)
{
	size_t lines = 1;
	unsigned long long n = 0;
	const char *p = msg + strlen(NAME ":");

	if (strncmp(msg, NAME ":", strlen(NAME ":")) != 0 || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > 100000000)
			return 0;
		n = n * 10 + (unsigned long long)(*p - '0');
	}
	for (size_t i = 0; i < g_size; i++)
		lines += g_data[i] == '\n' || g_data[i] == '\r';
	return p[0] == ':' && p[1] == ' ' && p[2] != 0 && n <= lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *csv = data ? (const char *)data : "";
	unsigned char head0[FL_HASH_LEN], head1[FL_HASH_LEN];
	uint64_t count0, count1;
	fl_import_stats st, again;
	fl_ledger *l;
	int rc;

	g_data = data;
	g_size = size;
	setup();
	fresh_ledger();
	l = open_ledger();
	CHECK(fl_ledger_head(l, &count0, head0) == 0, "harness: head");

	fl_error_clear();
	rc = fl_import_csv_mem(&st, l, NAME, csv, size, BY, AT);
	CHECK(fl_ledger_head(l, &count1, head1) == 0, "head after the import");
	if (rc == 0) {
		CHECK(count1 == count0 + st.appended, "the ledger grew by another number of entries");
		CHECK(st.appended <= 2 * st.rows && st.replayed <= st.rows,
		      "more entries or replays than the rows allow");
		CHECK(st.appended ? st.first == count0 + 1 && st.last == count1
				  : st.first == 0 && st.last == 0,
		      "first..last is not the range written");
		verifies(l, count1);
		/* Again: nothing new, every row a replay. */
		fl_error_clear();
		CHECK(fl_import_csv_mem(&again, l, NAME, csv, size, BY, AT) == 0,
		      "importing the same text again fails");
		CHECK(again.appended == 0 && again.rows == st.rows && again.replayed == st.rows,
		      "importing the same text again is not all replays");
		CHECK(fl_ledger_head(l, &count0, head0) == 0 && count0 == count1 &&
			      memcmp(head0, head1, FL_HASH_LEN) == 0,
		      "importing the same text again changed the ledger");
	} else {
		char msg[FL_ERROR_MAX];
		int text_ok;
		CHECK(rc == FL_EINVALID || rc == FL_ENOTFOUND || rc == FL_EEXISTS ||
			      rc == FL_ENOMEM,
		      "failed with an undocumented code");
		CHECK(fl_error_code() == rc, "the error record does not hold the returned code");
		snprintf(msg, sizeof(msg), "%s", fl_error_last());
		CHECK(rc == FL_ENOMEM || located(msg), "the message is not 't.csv:LINE: ...'");
		/* fl_utf8_check sets its own message: put the import's back for fail(). */
		text_ok = fl_utf8_check(msg, strlen(msg)) == 0;
		fl_error_set(rc, "%s", msg);
		CHECK(text_ok, "the message is not UTF-8 free of control characters");
		CHECK(count1 == count0 && memcmp(head0, head1, FL_HASH_LEN) == 0,
		      "a failed import wrote something");
		CHECK(st.appended == 0 && st.first == 0 && st.last == 0,
		      "a failed import reports entries written");
		verifies(l, count1);
	}
	fl_ledger_free(l);
	return 0;
}
