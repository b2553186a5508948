/*
 * testkit.h: shared by the unit tests that write to a ledger. Every batch ends with a signed
 * checkpoint, so a test ledger needs an authorised treasurer key: testkit_sign generates one
 * in memory, lists its verifier key in the loaded configuration and makes it the signer.
 */
#ifndef FUNDLEDGER_TESTKIT_H
#define FUNDLEDGER_TESTKIT_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fundledger/fundledger.h"

#define TESTKIT_KEY_NAME "unit.example.org/treasurer"

/* Removes a test ledger and the files SQLite keeps beside it. */
static inline void testkit_remove_ledger(const char *path)
{
	char p[256];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-journal", path);
	unlink(p);
}

/* The process's test key; freed at exit. */
static fl_signer *testkit_key;

static void testkit_free_key(void)
{
	fl_signer_free(testkit_key);
	testkit_key = NULL;
}

/* Lists the test key in cfg (once per cfg) and sets it as l's signer. 0 or -1. */
static int testkit_sign(fl_config *cfg, fl_ledger *l)
{
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_vkey *keys;
	fl_key_role *roles;
	if (!testkit_key) {
		if (fl_signer_generate(&testkit_key) != 0)
			return -1;
		atexit(testkit_free_key);
	}
	fl_signer_public(testkit_key, pub);
	if (!fl_config_key(cfg, FL_SIGTYPE_ED25519, pub, NULL)) {
		keys = realloc(cfg->keys, (cfg->n_keys + 1) * sizeof(*keys));
		if (!keys)
			return -1;
		cfg->keys = keys;
		roles = realloc(cfg->key_roles, (cfg->n_keys + 1) * sizeof(*roles));
		if (!roles)
			return -1;
		cfg->key_roles = roles;
		if (fl_vkey_make(&cfg->keys[cfg->n_keys], TESTKIT_KEY_NAME, FL_SIGTYPE_ED25519,
				 pub) != 0)
			return -1;
		cfg->key_roles[cfg->n_keys++] = FL_ROLE_TREASURER;
	}
	if (fl_ledger_set_signer(l, testkit_key) != 0) {
		fprintf(stderr, "testkit: %s\n", fl_error_last());
		return -1;
	}
	return 0;
}

#endif
