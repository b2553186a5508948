/*
 * test_config.c: unit tests for the configuration loader (ledger/config.c), public API only.
 *
 * Run from the repository root: the shipped config/ must load with the expected funds, States
 * and currencies, and every fixture under tests/vectors/config/<case>/ must fail with its code
 * and the exact "FILE:LINE:COLUMN: " prefix (see tests/vectors/config/README.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fundledger/config.h"
#include "fundledger/error.h"
#include "fundledger/money.h"

#define VECTORS "tests/vectors/config/"

static void test_shipped_config(void **state)
{
	fl_config *cfg = NULL;
	size_t members = 0, observers = 0, per_group[6] = {0};
	const fl_fund *f;
	const fl_donor *d;
	const fl_currency *c;

	(void)state;
	assert_int_equal(fl_config_load(&cfg, "config/fundledger.yaml"), 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, "config/fundledger.yaml");
	assert_string_equal(cfg->ledger, "fundledger.db");
	assert_string_equal(cfg->origin, "fundledger.example.org/ohchr-voluntary-funds");
	assert_non_null(cfg->recorded_by);
	assert_string_equal(cfg->recorded_by, "treasurer");

	/* The iati block (docs/IATI.md) */
	assert_non_null(cfg->iati);
	assert_string_equal(cfg->iati->ref, "XM-DAC-41313");
	assert_string_equal(cfg->iati->type, "40");
	assert_string_equal(cfg->iati->name,
			    "Office of the United Nations High Commissioner for Human Rights");
	assert_string_equal(cfg->iati->lang, "en");
	assert_string_equal(cfg->iati->status, "2");
	assert_string_equal(fl_config_fund(cfg, "VFTC")->iati_start, "1987-03-10");
	assert_string_equal(fl_config_fund(cfg, "UPRI")->iati_start, "2007-09-28");
	/* No identifier is made up for a real State. */
	assert_null(fl_config_donor(cfg, "DEU")->iati_ref);

	/* Funds */
	assert_int_equal(cfg->n_funds, 3);
	f = fl_config_fund(cfg, "VFTC");
	assert_non_null(f);
	assert_string_equal(f->name, "United Nations Voluntary Fund for Technical Cooperation in "
				     "the Field of Human Rights");
	assert_int_equal(f->n_established_by, 2);
	assert_string_equal(f->established_by[0], "Commission on Human Rights resolution 1987/38");
	assert_string_equal(f->established_by[1],
			    "Economic and Social Council decision 1987/147");
	assert_string_equal(f->currency, "USD");
	f = fl_config_fund(cfg, "UPRP");
	assert_non_null(f);
	assert_string_equal(f->name,
			    "Voluntary Fund for Participation in the Universal Periodic Review");
	assert_int_equal(f->n_established_by, 3);
	assert_string_equal(f->established_by[2], "Human Rights Council resolution 51/30");
	f = fl_config_fund(cfg, "UPRI");
	assert_non_null(f);
	assert_string_equal(f->name, "Voluntary Fund for Financial and Technical Assistance in the "
				     "Implementation of the Universal Periodic Review");
	assert_int_equal(f->n_established_by, 3);
	for (size_t i = 0; i < cfg->n_funds; i++)
		assert_string_equal(cfg->funds[i].currency, "USD");
	assert_null(fl_config_fund(cfg, "VFTX"));
	assert_null(fl_config_fund(cfg, "vftc"));

	/* Donors */
	for (size_t i = 0; i < cfg->n_donors; i++) {
		d = &cfg->donors[i];
		if (i > 0)
			assert_true(strcmp(cfg->donors[i - 1].code, d->code) < 0);
		assert_true(d->name[0] != '\0');
		if (d->kind == FL_DONOR_MEMBER_STATE) {
			members++;
			assert_int_equal(strlen(d->code), 3);
			assert_int_not_equal(d->group, FL_GROUP_NONE);
		} else if (d->kind == FL_DONOR_OBSERVER_STATE) {
			observers++;
		} else {
			assert_int_equal(d->group, FL_GROUP_NONE);
		}
		if (d->kind == FL_DONOR_MEMBER_STATE)
			per_group[d->group]++;
	}
	assert_int_equal(members, 193);
	assert_int_equal(observers, 2);
	/* As un_states.csv gives them (the United States counted in its usual WEOG seat). */
	assert_int_equal(per_group[FL_GROUP_AFRICAN], 54);
	assert_int_equal(per_group[FL_GROUP_ASIA_PACIFIC], 54);
	assert_int_equal(per_group[FL_GROUP_EASTERN_EUROPEAN], 23);
	assert_int_equal(per_group[FL_GROUP_LATIN_AMERICAN_CARIBBEAN], 33);
	assert_int_equal(per_group[FL_GROUP_WEOG], 29);

	d = fl_config_donor(cfg, "VAT");
	assert_non_null(d);
	assert_string_equal(d->name, "Holy See");
	assert_int_equal(d->kind, FL_DONOR_OBSERVER_STATE);
	assert_int_equal(d->group, FL_GROUP_NONE);
	d = fl_config_donor(cfg, "PSE");
	assert_non_null(d);
	assert_string_equal(d->name, "State of Palestine");
	assert_int_equal(d->kind, FL_DONOR_OBSERVER_STATE);
	assert_int_equal(d->group, FL_GROUP_ASIA_PACIFIC);
	d = fl_config_donor(cfg, "CIV");
	assert_non_null(d);
	assert_string_equal(d->name, "C\xc3\xb4te d'Ivoire");
	assert_int_equal(d->group, FL_GROUP_AFRICAN);
	d = fl_config_donor(cfg, "NOR");
	assert_non_null(d);
	assert_string_equal(d->name, "Norway");
	assert_int_equal(d->group, FL_GROUP_WEOG);
	d = fl_config_donor(cfg, "GBR");
	assert_non_null(d);
	assert_string_equal(d->name, "United Kingdom of Great Britain and Northern Ireland");
	d = fl_config_donor(cfg, "EU");
	assert_non_null(d);
	assert_int_equal(d->kind, FL_DONOR_INTERGOVERNMENTAL);
	d = fl_config_donor(cfg, "PRIVATE-DONORS");
	assert_non_null(d);
	assert_int_equal(d->kind, FL_DONOR_PRIVATE);
	d = fl_config_donor(cfg, "IND-ANON");
	assert_non_null(d);
	assert_int_equal(d->kind, FL_DONOR_INDIVIDUAL);
	assert_null(fl_config_donor(cfg, "ZZZ"));
	assert_null(fl_config_donor(cfg, "fra"));
	assert_null(fl_config_donor(cfg, ""));
	assert_null(fl_config_donor(cfg, "A-CODE-FAR-LONGER-THAN-THIRTY-TWO-CHARACTERS"));

	/* Currencies */
	assert_true(cfg->n_currencies >= 30);
	for (size_t i = 0; i < cfg->n_currencies; i++) {
		c = &cfg->currencies[i];
		if (i > 0)
			assert_true(strcmp(cfg->currencies[i - 1].code, c->code) < 0);
		assert_int_equal(strlen(c->code), FL_CURRENCY_LEN);
		assert_true(c->minor_units <= FL_MINOR_UNITS_MAX);
	}
	c = fl_config_currency(cfg, "JPY");
	assert_non_null(c);
	assert_int_equal(c->minor_units, 0);
	c = fl_config_currency(cfg, "KWD");
	assert_non_null(c);
	assert_int_equal(c->minor_units, 3);
	c = fl_config_currency(cfg, "USD");
	assert_non_null(c);
	assert_int_equal(c->minor_units, 2);
	assert_string_equal(c->name, "US Dollar");
	static const char *const three[] = {"BHD", "OMR", "JOD", "TND", "LYD", "IQD"};
	for (size_t i = 0; i < sizeof(three) / sizeof(three[0]); i++) {
		c = fl_config_currency(cfg, three[i]);
		assert_non_null(c);
		assert_int_equal(c->minor_units, 3);
	}
	static const char *const zero[] = {"KRW", "ISK"};
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		c = fl_config_currency(cfg, zero[i]);
		assert_non_null(c);
		assert_int_equal(c->minor_units, 0);
	}
	static const char *const required[] = {
		"USD", "EUR", "CHF", "GBP", "JPY", "NOK", "SEK", "DKK", "CAD", "AUD", "NZD", "KRW",
		"ISK", "KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD", "QAR", "SAR", "AED", "CNY",
		"INR", "BRL", "MXN", "ZAR", "RUB", "TRY", "PLN", "CZK", "HUF", "THB", "MAD", "EGP"
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		assert_non_null(fl_config_currency(cfg, required[i]));
	assert_null(fl_config_currency(cfg, "XYZ"));
	assert_null(fl_config_currency(cfg, "usd"));

	fl_config_free(cfg);
}

/* A main file named without a directory: the other files are found beside it. */
static void test_load_from_its_directory(void **state)
{
	fl_config *cfg = NULL;

	(void)state;
	assert_int_equal(chdir("config"), 0);
	assert_int_equal(fl_config_load(&cfg, "fundledger.yaml"), 0);
	assert_int_equal(chdir(".."), 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, "fundledger.yaml");
	assert_int_equal(cfg->n_funds, 3);
	fl_config_free(cfg);
}

/* What the loader accepts: BOM, CRLF, quoting, document markers, %YAML, no implicit typing. */
static void test_minimal_config(void **state)
{
	fl_config *cfg = NULL;
	const fl_donor *d;
	const fl_currency *c;

	(void)state;
	assert_int_equal(fl_config_load(&cfg, VECTORS "ok-minimal/fundledger.yaml"), 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->ledger, "ledgers/minimal.db");
	assert_string_equal(cfg->origin, "example.org/minimal");
	assert_string_equal(cfg->recorded_by, "Zo\xc3\xab Treasurer");
	assert_int_equal(cfg->n_funds, 2);
	assert_null(cfg->iati); /* optional, and absent here */
	assert_string_equal(cfg->funds[0].iati_start, "");
	assert_string_equal(cfg->funds[0].code, "F1");
	assert_string_equal(cfg->funds[0].currency, "NOK");
	assert_string_equal(cfg->funds[1].code, "UPRP");
	d = fl_config_donor(cfg, "NO");
	assert_non_null(d);
	assert_string_equal(d->name, "NO");
	assert_int_equal(d->kind, FL_DONOR_PRIVATE);
	assert_string_equal(fl_config_donor(cfg, "CIV")->name, "C\xc3\xb4te d'Ivoire");
	c = fl_config_currency(cfg, "CLF");
	assert_non_null(c);
	assert_int_equal(c->minor_units, 4);
	c = fl_config_currency(cfg, "JPY");
	assert_non_null(c);
	assert_int_equal(c->minor_units, 0);
	assert_int_equal(cfg->currencies[0].code[0], 'C');
	fl_config_free(cfg);
}

/* One bad configuration and how it must fail. */
typedef struct {
	const char *dir;   /* under tests/vectors/config/ */
	const char *file;  /* the file at fault, in that directory */
	unsigned line, col;
	const char *what;  /* a part of the message after the prefix */
} bad_case;

static const bad_case bad_cases[] = {
	/* YAML features refused */
	{"anchor", "fundledger.yaml", 1, 9, "anchors are not allowed (&db)"},
	{"alias", "fundledger.yaml", 3, 14, "aliases are not allowed (*who)"},
	{"tag", "fundledger.yaml", 1, 9, "tags are not allowed (tag:yaml.org,2002:str)"},
	{"tag-directive", "fundledger.yaml", 1, 1, "%TAG directives are not allowed"},
	{"multiple-documents", "fundledger.yaml", 6, 1, "more than one YAML document"},
	{"key-not-string", "fundledger.yaml", 3, 3, "a mapping key must be a string"},
	{"deep-nesting", "fundledger.yaml", 3, 77, "nested deeper than 64 levels"},
	/* libyaml's own errors, translated */
	{"syntax-error", "fundledger.yaml", 2, 7,
	 "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 9)"},
	{"not-utf8", "fundledger.yaml", 3, 17, "invalid trailing UTF-8 octet (#73)"},
	{"control-char-raw", "fundledger.yaml", 3, 19, "control characters are not allowed (#01)"},
	{"bom-control-char", "fundledger.yaml", 1, 13, "control characters are not allowed (#01)"},
	{"utf16", "fundledger.yaml", 1, 1, "the file is UTF-16; it must be UTF-8"},
	/* strings */
	{"control-char-escape", "fundledger.yaml", 3, 14, "control character U+0001"},
	{"control-char-tab", "fundledger.yaml", 3, 14, "control character U+0009"},
	{"nul-escape", "fundledger.yaml", 3, 14, "control character U+0000"},
	{"donor-control-char", "donors.yaml", 4, 22, "control character U+0085"},
	{"empty-string", "fundledger.yaml", 3, 14, "'recorded_by' is an empty string"},
	{"donor-empty-name", "donors.yaml", 4, 22, "'name' is an empty string"},
	{"null-value", "fundledger.yaml", 1, 8, "'ledger' has no value"},
	{"leading-space", "fundledger.yaml", 3, 14, "leading or trailing spaces"},
	/* top level */
	{"empty-file", "fundledger.yaml", 1, 1, "the file is empty: expected a mapping"},
	{"top-sequence", "fundledger.yaml", 1, 1, "expected a mapping at the top level, not a sequence"},
	{"top-scalar", "fundledger.yaml", 1, 1, "expected a mapping at the top level, not a string"},
	{"currency-top-key", "currencies.yaml", 1, 1, "unknown key 'currency'"},
	{"currency-extra-top-key", "currencies.yaml", 3, 1, "unknown key 'funds'"},
	{"currency-empty-list", "currencies.yaml", 1, 13, "'currencies' is empty"},
	{"fund-empty-list", "funds.yaml", 1, 8, "'funds' is empty"},
	{"fund-list-mapping", "funds.yaml", 2, 3, "'funds' must be a sequence, not a mapping"},
	/* main file */
	{"unknown-key", "fundledger.yaml", 3, 1, "unknown key 'recorder' in the main configuration"},
	{"duplicate-key", "fundledger.yaml", 3, 1, "duplicate key 'origin'"},
	{"missing-key", "fundledger.yaml", 1, 1, "the main configuration has no 'origin'"},
	{"wrong-type-mapping", "fundledger.yaml", 1, 9, "'ledger' must be a string, not a mapping"},
	{"wrong-type-sequence", "fundledger.yaml", 2, 3,
	 "'ledger' must be a string, not a sequence"},
	{"origin-space", "fundledger.yaml", 2, 9, "'origin' must be printable ASCII without spaces"},
	{"origin-non-ascii", "fundledger.yaml", 2, 9, "'origin' must be printable ASCII"},
	{"origin-too-long", "fundledger.yaml", 2, 9, "'origin' is longer than 255 characters"},
	{"recorded-by-too-long", "fundledger.yaml", 3, 14,
	 "'recorded_by' is longer than 64 bytes"},
	/* the iati block, and a donor's iati_ref */
	{"iati-bad-ref", "fundledger.yaml", 8, 10, "'ref' 'XM DAC 41313' is not an IATI organisation"},
	{"iati-bad-type", "fundledger.yaml", 9, 11, "'type' '41' is not an IATI OrganisationType"},
	{"iati-missing-start", "fundledger.yaml", 12, 5, "activity_start has no date for fund UPRI"},
	{"iati-unknown-fund", "fundledger.yaml", 15, 5, "activity_start: no fund 'ABCD'"},
	{"iati-bad-date", "fundledger.yaml", 12, 11, "activity_start of VFTC: date '1987-02-30'"},
	{"donor-bad-iati-ref", "donors.yaml", 2, 97, "'iati_ref' 'FR/3' is not an IATI"},
	/* currencies */
	{"currency-minor-units-decimal", "currencies.yaml", 3, 42, "from 0 to 4, not '2.0'"},
	{"currency-minor-units-sign", "currencies.yaml", 3, 42, "from 0 to 4, not '+2'"},
	{"currency-minor-units-hex", "currencies.yaml", 3, 42, "from 0 to 4, not '0x2'"},
	{"currency-minor-units-leading-zero", "currencies.yaml", 3, 42, "from 0 to 4, not '02'"},
	{"currency-minor-units-negative", "currencies.yaml", 3, 42, "from 0 to 4, not '-1'"},
	{"currency-minor-units-range", "currencies.yaml", 3, 42, "from 0 to 4, not '5'"},
	{"currency-minor-units-huge", "currencies.yaml", 3, 42,
	 "from 0 to 4, not '99999999999999999999999'"},
	{"currency-minor-units-quoted", "currencies.yaml", 3, 42,
	 "'minor_units' must be a plain integer, without quotes"},
	{"currency-minor-units-missing", "currencies.yaml", 3, 5, "a currency has no 'minor_units'"},
	{"currency-code-lowercase", "currencies.yaml", 3, 12, "currency code 'eur' must be three"},
	{"currency-code-length", "currencies.yaml", 3, 12, "currency code 'EURO' must be three"},
	{"currency-duplicate-code", "currencies.yaml", 4, 12,
	 "duplicate currency code 'USD' (first at line 2)"},
	{"currency-not-mapping", "currencies.yaml", 3, 5, "a currency must be a mapping, not a string"},
	/* funds */
	{"fund-unknown-key", "funds.yaml", 7, 5, "unknown key 'board' in a fund"},
	{"fund-duplicate-key", "funds.yaml", 7, 5, "duplicate key 'name' in a fund"},
	{"fund-missing-currency", "funds.yaml", 7, 5, "a fund has no 'currency'"},
	{"fund-bad-code", "funds.yaml", 2, 11, "fund code 'vftc': a code must be"},
	{"fund-code-dash", "funds.yaml", 2, 11, "fund code '-VFTC': a code must be"},
	{"fund-code-too-long", "funds.yaml", 2, 11, "a code must be 2 to 32 characters"},
	{"fund-duplicate-code", "funds.yaml", 7, 11, "duplicate fund code 'VFTC' (first at line 2)"},
	{"fund-unknown-currency", "funds.yaml", 6, 15, "currency 'USN' of fund VFTC is not in "},
	{"fund-established-by-empty", "funds.yaml", 4, 21, "'established_by' is empty"},
	{"fund-established-by-string", "funds.yaml", 4, 21,
	 "'established_by' must be a sequence, not a string"},
	{"fund-established-by-item", "funds.yaml", 6, 9,
	 "'established_by' must be a string, not a mapping"},
	{"fund-name-mapping", "funds.yaml", 4, 7, "'name' must be a string, not a mapping"},
	/* donors */
	{"donor-unknown-key", "donors.yaml", 4, 63, "unknown key 'region' in a donor"},
	{"donor-duplicate-key", "donors.yaml", 4, 63, "duplicate key 'name' in a donor"},
	{"donor-missing-name", "donors.yaml", 4, 5, "a donor has no 'name'"},
	{"donor-unknown-kind", "donors.yaml", 4, 44, "unknown kind 'organization'"},
	{"donor-unknown-group", "donors.yaml", 4, 59, "unknown group 'Western European'"},
	{"donor-group-missing", "donors.yaml", 4, 5, "member State DEU has no 'group'"},
	{"donor-group-forbidden", "donors.yaml", 4, 70,
	 "'group' is only for States, not for kind 'foundation'"},
	{"donor-state-code", "donors.yaml", 4, 12, "code 'DE' of a State must be its ISO 3166-1"},
	{"donor-state-code-digits", "donors.yaml", 4, 12, "code 'D3U' of a State"},
	{"donor-bad-code", "donors.yaml", 4, 12, "donor code 'Private donors': a code must be"},
	{"donor-duplicate-code", "donors.yaml", 4, 12,
	 "duplicate donor code 'FRA' (first at line 2)"},
};

static void test_bad_config(void **state)
{
	const bad_case *bc = *state;
	char path[256], prefix[512];
	const char *msg;
	fl_config sentinel, *cfg = &sentinel;
	int n;

	n = snprintf(path, sizeof(path), VECTORS "%s/fundledger.yaml", bc->dir);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	n = snprintf(prefix, sizeof(prefix), VECTORS "%s/%s:%u:%u: ", bc->dir, bc->file, bc->line,
		     bc->col);
	assert_true(n > 0 && (size_t)n < sizeof(prefix));

	fl_error_clear();
	assert_int_equal(fl_config_load(&cfg, path), FL_ECONFIG);
	assert_ptr_equal(cfg, &sentinel); /* all or nothing: *out untouched */
	assert_int_equal(fl_error_code(), FL_ECONFIG);
	msg = fl_error_last();
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg + strlen(prefix), bc->what))
		fail_msg("%s:\n  got      \"%s\"\n  expected \"%s...%s...\"", bc->dir, msg, prefix,
			 bc->what);
}

static void test_missing_files(void **state)
{
	fl_config *cfg = NULL;

	(void)state;
	assert_int_equal(fl_config_load(&cfg, VECTORS "no-such-dir/fundledger.yaml"), FL_EIO);
	assert_null(cfg);
	assert_string_equal(fl_error_last(), VECTORS "no-such-dir/fundledger.yaml: cannot open: "
						 "No such file or directory");
	assert_int_equal(fl_config_load(&cfg, VECTORS "missing-sub-file/fundledger.yaml"), FL_EIO);
	assert_null(cfg);
	assert_string_equal(fl_error_last(), VECTORS "missing-sub-file/no-such-funds.yaml: cannot "
						 "open: No such file or directory");
	assert_int_equal(fl_config_load(&cfg, "config"), FL_EIO);
	assert_null(cfg);
	assert_string_equal(fl_error_last(), "config: cannot read: Is a directory");
}

static void test_bad_arguments(void **state)
{
	fl_config *cfg = NULL;

	(void)state;
	assert_int_equal(fl_config_load(NULL, "config/fundledger.yaml"), FL_EINVALID);
	assert_int_equal(fl_config_load(&cfg, NULL), FL_EINVALID);
	assert_null(cfg);
	fl_config_free(NULL);
	assert_null(fl_config_fund(NULL, "VFTC"));
	assert_null(fl_config_donor(NULL, "FRA"));
	assert_null(fl_config_currency(NULL, "USD"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fl_donor_kind_name(FL_DONOR_MEMBER_STATE), "member_state");
	assert_string_equal(fl_donor_kind_name(FL_DONOR_OBSERVER_STATE), "observer_state");
	assert_string_equal(fl_donor_kind_name(FL_DONOR_INTERGOVERNMENTAL), "intergovernmental");
	assert_string_equal(fl_donor_kind_name(FL_DONOR_FOUNDATION), "foundation");
	assert_string_equal(fl_donor_kind_name(FL_DONOR_PRIVATE), "private");
	assert_string_equal(fl_donor_kind_name(FL_DONOR_INDIVIDUAL), "individual");
	assert_string_equal(fl_donor_kind_name((fl_donor_kind)0), "");
	assert_string_equal(fl_donor_kind_name((fl_donor_kind)99), "");
	assert_string_equal(fl_group_name(FL_GROUP_NONE), "");
	assert_string_equal(fl_group_name(FL_GROUP_AFRICAN), "African");
	assert_string_equal(fl_group_name(FL_GROUP_ASIA_PACIFIC), "Asia-Pacific");
	assert_string_equal(fl_group_name(FL_GROUP_EASTERN_EUROPEAN), "Eastern European");
	assert_string_equal(fl_group_name(FL_GROUP_LATIN_AMERICAN_CARIBBEAN),
			    "Latin American and Caribbean");
	assert_string_equal(fl_group_name(FL_GROUP_WEOG), "Western European and Others");
	assert_string_equal(fl_group_name((fl_group)-1), "");
	assert_string_equal(fl_group_name((fl_group)99), "");
}

static void test_code_check(void **state)
{
	static const char *const good[] = {
		"VFTC", "A1", "00", "FDN-OSF", "PRIVATE-DONORS", "A-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	};
	static const char *const bad[] = {
		"", "A", "-AB", "vftc", "A B", "A_B", "A.B", "\xc3\x84\x42\x43",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(fl_code_check(good[i], strlen(good[i])), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fl_code_check(bad[i], strlen(bad[i])), FL_EINVALID);
	assert_int_equal(fl_code_check("A\0B", 3), FL_EINVALID);
	assert_int_equal(fl_code_check(NULL, 0), FL_EINVALID);
	/* Only len bytes count. */
	assert_int_equal(fl_code_check("VFTC-extra", 4), 0);
	assert_int_equal(fl_code_check("v", 1), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "2 to 32 characters"));
}

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

int main(void)
{
	struct CMUnitTest tests[8 + NBAD];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shipped_config);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_load_from_its_directory);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_minimal_config);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_missing_files);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_arguments);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_code_check);
	for (size_t i = 0; i < NBAD; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_bad_config,
								       (void *)&bad_cases[i]);
		tests[n].name = bad_cases[i].dir;
		n++;
	}
	return _cmocka_run_group_tests("config", tests, n, NULL, NULL);
}
