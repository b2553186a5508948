/*
 * writer.c: a test program that writes to a ledger as a treasurer would, many times in one
 * process, for tests/cli/test_concurrency.sh and test_backup.sh. Not a test itself.
 *
 *   writer -c CONFIG -d LEDGER -k KEYFILE -p PREFIX -n N [-g GOFILE] [-K K]
 *
 * Unlocks the key once ($FUNDLEDGER_PASSPHRASE), prints "ready", waits for GOFILE to exist
 * when given (so that two writers start together), then records N pledges, each in its own
 * signed batch with the idempotency key PREFIX-i, and after each commit prints
 * "ack SEQ KEY": a line printed is a write acknowledged. With -K it kills itself with
 * SIGKILL right after the K-th acknowledgement, leaving what it committed in the
 * write-ahead log. On a failure it prints "writer: MESSAGE" on stderr and exits with the
 * CLI's code for it (3 for a busy ledger, as for any runtime error).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fundledger/fundledger.h"

#define BY "writer"
#define AT "2026-03-01T12:00:00Z"

static int usage(void)
{
	fprintf(stderr, "usage: writer -c CONFIG -d LEDGER -k KEYFILE -p PREFIX -n N [-g GOFILE] "
			"[-K KILL_AFTER]\n");
	return 2;
}

static int fail(int code)
{
	fprintf(stderr, "writer: %s\n", fl_error_last());
	switch (code) {
	case FL_EVERIFY: return 1;
	case FL_EINVALID:
	case FL_ENOTFOUND:
	case FL_EEXISTS:
	case FL_ERANGE: return 2;
	default: return 3;
	}
}

/* Waits up to 60 s for path to exist. */
static int wait_for(const char *path)
{
	struct timespec pause = {0, 1000000};
	for (int i = 0; i < 60000; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return fl_error_set(FL_EIO, "%s did not appear", path);
}

int main(int argc, char **argv)
{
	const char *config = NULL, *ledger = NULL, *key = NULL, *prefix = NULL, *go = NULL;
	const char *pass = getenv("FUNDLEDGER_PASSPHRASE");
	long n = -1, kill_after = 0;
	fl_config *cfg = NULL;
	fl_ledger *l = NULL;
	fl_signer *signer = NULL;
	int c, err, rc = 0;

	while ((c = getopt(argc, argv, "c:d:k:p:n:g:K:")) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'd': ledger = optarg; break;
		case 'k': key = optarg; break;
		case 'p': prefix = optarg; break;
		case 'n': n = strtol(optarg, NULL, 10); break;
		case 'g': go = optarg; break;
		case 'K': kill_after = strtol(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (!config || !ledger || !key || !prefix || n < 0 || optind != argc || !pass ||
	    strlen(prefix) > 64)
		return usage();
	if ((err = fl_config_load(&cfg, config)) < 0 ||
	    (err = fl_ledger_open(&l, ledger, cfg, 0)) < 0 ||
	    (err = fl_signer_load(&signer, key, pass, strlen(pass))) < 0 ||
	    (err = fl_ledger_set_signer(l, signer)) < 0) {
		rc = fail(err);
		goto done;
	}
	printf("ready\n");
	fflush(stdout);
	if (go && (err = wait_for(go)) < 0) {
		rc = fail(err);
		goto done;
	}
	for (long i = 1; i <= n; i++) {
		fl_entry e;
		fl_append_status st;
		fl_entry_init(&e);
		e.kind = FL_KIND_PLEDGE;
		strcpy(e.donor, "NOR");
		strcpy(e.fund, "VFTC");
		strcpy(e.currency, "EUR");
		e.amount = 100 * i;
		strcpy(e.date, "2026-02-01");
		e.years[0] = 2026;
		e.n_years = 1;
		snprintf(e.idem, sizeof(e.idem), "%s-%ld", prefix, i);
		if ((err = fl_ledger_record(l, &e, BY, AT, &st)) < 0) {
			rc = fail(err);
			goto done;
		}
		if (st != FL_APPENDED) {
			rc = fail(fl_error_set(FL_EEXISTS, "%s was already recorded", e.idem));
			goto done;
		}
		printf("ack %llu %s\n", (unsigned long long)e.seq, e.idem);
		if (fflush(stdout) != 0) {
			rc = 3;
			goto done;
		}
		if (kill_after && i == kill_after)
			raise(SIGKILL);
	}
done:
	fl_ledger_free(l);
	fl_signer_free(signer);
	fl_config_free(cfg);
	return rc;
}
