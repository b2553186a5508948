/*
 * fuzz_config.c: fuzz target for the YAML configuration loader (config.h).
 *
 * Input: one selector byte, then the text of one file. The selector (byte % 4) says which file
 * the text replaces: 0 the main file fundledger.yaml, 1 currencies.yaml, 2 funds.yaml,
 * 3 donors.yaml. The other three are small good files built in below, so every input reaches
 * the file it targets. They live in a private temporary directory ($TMPDIR, else /dev/shm,
 * else /tmp) made on the first call and removed at exit; each input is written over its file, loaded with fl_config_load from that
 * directory, and the good text is put back.
 *
 * The main file names the other files by path. So that an input cannot make the loader read
 * outside the directory (/dev/zero, a FIFO), a main-file input holding '/' or "2f"/"2F" (the
 * hex of '/' in YAML escapes) is skipped.
 *
 * Invariants: a failure is FL_ECONFIG, FL_EIO or FL_ENOMEM, leaves the output alone, and has a
 * message that starts with the path of a file in the directory and is valid UTF-8 without
 * control characters (values are quoted only after they pass the text check). A success is a
 * well-formed configuration: arrays sorted by code without duplicates and found by the
 * look-ups, codes and names valid, every fund's currency configured, groups only and always
 * where the kind requires them. It is freed with fl_config_free; LeakSanitizer (libFuzzer, or
 * a sanitizer build of the replay) reports anything left behind. abort() on a violation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/config.h"
#include "fundledger/entry.h"
#include "fundledger/error.h"
#include "fundledger/money.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { F_MAIN, F_CURRENCIES, F_FUNDS, F_DONORS, N_FILES };

static const char *const NAMES[N_FILES] = {"fundledger.yaml", "currencies.yaml", "funds.yaml",
					   "donors.yaml"};

static const char *const GOOD[N_FILES] = {
	"ledger: fuzz.db\n"
	"origin: fuzz.example.org/ledger\n"
	"recorded_by: fuzzer\n"
	"funds: funds.yaml\n"
	"donors: donors.yaml\n"
	"currencies: currencies.yaml\n",

	"currencies:\n"
	"  - {code: USD, name: US Dollar, minor_units: 2}\n"
	"  - {code: EUR, name: Euro, minor_units: 2}\n"
	"  - {code: JPY, name: Yen, minor_units: 0}\n"
	"  - {code: KWD, name: Kuwaiti Dinar, minor_units: 3}\n"
	"  - {code: CLF, name: Unidad de Fomento, minor_units: 4}\n",

	"funds:\n"
	"  - code: VFTC\n"
	"    name: Voluntary Fund for Technical Cooperation in the Field of Human Rights\n"
	"    established_by:\n"
	"      - Commission on Human Rights resolution 1987/38\n"
	"    currency: USD\n"
	"  - code: UPRP\n"
	"    name: Voluntary Fund for Participation in the Universal Periodic Review\n"
	"    established_by: [Human Rights Council resolution 6/17]\n"
	"    currency: USD\n",

	"donors:\n"
	"  - {code: NOR, name: Norway, kind: member_state, group: Western European and Others}\n"
	"  - {code: VAT, name: Holy See, kind: observer_state}\n"
	"  - {code: EU, name: European Union, kind: intergovernmental}\n"
	"  - {code: FORD-FDN, name: Ford Foundation, kind: foundation}\n",
};

static char g_path[N_FILES][128];
static const uint8_t *g_data;
static size_t g_size;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_config: invariant violated: %s (input %zu bytes, file %s: ", what,
		g_size, g_size ? NAMES[g_data[0] % N_FILES] : "-");
	if (g_size)
		fuzz_show_input(g_data + 1, g_size - 1, 200);
	fprintf(stderr, "); last error: %s\n", fl_error_last());
	fuzz_tmpdir_remove();
	abort();
}

static void write_file(const char *path, const void *p, size_t n)
{
	CHECK(fuzz_write_file(path, p, n) == 0, "harness: cannot write a temporary file");
}

static void setup(void)
{
	if (g_path[0][0])
		return;
	CHECK(fuzz_tmpdir("fuzz_config") != NULL, "harness: cannot make a temporary directory");
	for (size_t i = 0; i < N_FILES; i++) {
		snprintf(g_path[i], sizeof(g_path[i]), "%s/%s", fuzz_dir, NAMES[i]);
		write_file(g_path[i], GOOD[i], strlen(GOOD[i]));
	}
}

static int has_text(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static int ccy_ok(const char *s)
{
	if (strlen(s) != FL_CURRENCY_LEN)
		return 0;
	for (size_t i = 0; i < FL_CURRENCY_LEN; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/* A string value: non-empty UTF-8 without controls or outer spaces. */
static int str_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && s[0] != ' ' && s[n - 1] != ' ' && fl_utf8_check(s, n) == 0;
}

static void check_config(const fl_config *cfg)
{
	CHECK(strcmp(cfg->path, g_path[F_MAIN]) == 0, "cfg->path is not the path given");
	CHECK(str_ok(cfg->ledger), "bad ledger path");
	CHECK(str_ok(cfg->origin) && strlen(cfg->origin) <= 255, "bad origin");
	for (const char *p = cfg->origin; *p; p++)
		CHECK(*p > ' ' && *p <= '~', "origin is not printable ASCII without spaces");
	CHECK(!cfg->recorded_by || str_ok(cfg->recorded_by), "bad recorded_by");

	CHECK(cfg->n_currencies > 0 && cfg->currencies, "no currencies");
	for (size_t i = 0; i < cfg->n_currencies; i++) {
		const fl_currency *c = &cfg->currencies[i];
		CHECK(ccy_ok(c->code), "bad currency code");
		CHECK(str_ok(c->name), "bad currency name");
		CHECK(c->minor_units <= FL_MINOR_UNITS_MAX, "minor_units out of range");
		CHECK(!i || strcmp(cfg->currencies[i - 1].code, c->code) < 0,
		      "currencies not sorted or duplicated");
		CHECK(fl_config_currency(cfg, c->code) == c, "currency look-up misses");
	}
	CHECK(cfg->n_funds > 0 && cfg->funds, "no funds");
	for (size_t i = 0; i < cfg->n_funds; i++) {
		const fl_fund *f = &cfg->funds[i];
		CHECK(fl_code_check(f->code, strlen(f->code)) == 0, "bad fund code");
		CHECK(str_ok(f->name), "bad fund name");
		CHECK(f->n_established_by > 0, "fund without established_by");
		for (size_t k = 0; k < f->n_established_by; k++)
			CHECK(str_ok(f->established_by[k]), "bad established_by");
		CHECK(fl_config_currency(cfg, f->currency) != NULL, "fund currency not configured");
		CHECK(!i || strcmp(cfg->funds[i - 1].code, f->code) < 0,
		      "funds not sorted or duplicated");
		CHECK(fl_config_fund(cfg, f->code) == f, "fund look-up misses");
	}
	CHECK(cfg->n_donors > 0 && cfg->donors, "no donors");
	for (size_t i = 0; i < cfg->n_donors; i++) {
		const fl_donor *d = &cfg->donors[i];
		int state = d->kind == FL_DONOR_MEMBER_STATE || d->kind == FL_DONOR_OBSERVER_STATE;
		CHECK(fl_code_check(d->code, strlen(d->code)) == 0, "bad donor code");
		CHECK(!state || ccy_ok(d->code), "State code is not three letters");
		CHECK(str_ok(d->name), "bad donor name");
		CHECK(d->kind >= FL_DONOR_MEMBER_STATE && d->kind <= FL_DONOR_INDIVIDUAL &&
			      fl_donor_kind_name(d->kind)[0] != '\0',
		      "donor kind out of range");
		CHECK(d->group >= FL_GROUP_NONE && d->group <= FL_GROUP_WEOG, "group out of range");
		CHECK(state || d->group == FL_GROUP_NONE, "a group on a donor that is not a State");
		CHECK(d->kind != FL_DONOR_MEMBER_STATE || d->group != FL_GROUP_NONE,
		      "member State without a group");
		CHECK(!i || strcmp(cfg->donors[i - 1].code, d->code) < 0,
		      "donors not sorted or duplicated");
		CHECK(fl_config_donor(cfg, d->code) == d, "donor look-up misses");
	}
	CHECK(fl_config_fund(cfg, "") == NULL && fl_config_donor(cfg, "") == NULL &&
		      fl_config_currency(cfg, "") == NULL,
	      "look-up of the empty code found something");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_config *cfg = NULL;
	unsigned which;
	int rc;

	if (size < 1)
		return 0;
	which = data[0] % N_FILES;
	if (which == F_MAIN && (memchr(data, '/', size) || has_text(data, size, "2f") ||
				has_text(data, size, "2F")))
		return 0;
	g_data = data;
	g_size = size;
	setup();
	write_file(g_path[which], data + 1, size - 1);

	fl_error_clear();
	rc = fl_config_load(&cfg, g_path[F_MAIN]);
	if (rc == 0) {
		CHECK(cfg != NULL, "fl_config_load succeeded without a configuration");
		check_config(cfg);
		fl_config_free(cfg);
	} else {
		const char *msg = fl_error_last();
		size_t dl = strlen(fuzz_dir);
		CHECK(rc == FL_ECONFIG || rc == FL_EIO || rc == FL_ENOMEM,
		      "fl_config_load failed with an unexpected code");
		CHECK(cfg == NULL, "fl_config_load wrote its output on failure");
		CHECK(fl_error_code() == rc, "error record does not hold the returned code");
		if (rc != FL_ENOMEM)
			CHECK(strncmp(msg, fuzz_dir, dl) == 0 && msg[dl] == '/',
			      "config error message does not start with the file's path");
		CHECK(fl_utf8_check(msg, strlen(msg)) == 0,
		      "config error message is not UTF-8 free of control characters");
	}
	write_file(g_path[which], GOOD[which], strlen(GOOD[which]));
	return 0;
}
