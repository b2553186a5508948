/*
 * test_agent.c: unit tests for the signing agent's library side (agent.h): an agent served by
 * a forked child with fl_agent_serve, and a client from fl_signer_connect, through a real
 * socket. What the command line cannot reach is here: the 64 KiB boundary of a signed message
 * (the limit itself, and one byte more, refused before anything is sent), fl_signer_save
 * refusing a signer without a key of its own, and fl_agent_listen's refusals by path.
 * tests/cli/test_agent.sh covers the command, peers of another uid and rogue agents.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fundledger/fundledger.h"

static char dir_[64];
static char sock_[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir_, "/tmp/fl-test-agent-XXXXXX");
	if (!mkdtemp(dir_))
		return -1;
	snprintf(sock_, sizeof(sock_), "%s/a.sock", dir_);
	return 0;
}

static int teardown(void **state)
{
	char p[128];
	(void)state;
	unlink(sock_);
	snprintf(p, sizeof(p), "%s/open", dir_);
	rmdir(p);
	rmdir(dir_);
	return 0;
}

/* A child that answers exactly n connections with s, then exits 0 (1 on an error). */
static pid_t serve(int fd, const fl_signer *s, int n)
{
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		alarm(60); /* a failed test must not leave it waiting forever */
		for (int i = 0; i < n; i++)
			bad |= fl_agent_serve(fd, s) < 0;
		_exit(bad);
	}
	return pid;
}

static void test_sign_through_agent(void **state)
{
	fl_signer *key = NULL, *agent = NULL;
	unsigned char pub[FL_ED25519_PUB_LEN], apub[FL_ED25519_PUB_LEN], sig[FL_ED25519_SIG_LEN];
	unsigned char *big;
	char path[256];
	int fd = -1, status = -1;
	pid_t pid;
	(void)state;

	assert_int_equal(fl_signer_generate(&key), 0);
	assert_int_equal(fl_agent_listen(&fd, sock_), 0);
	/* Three connections: the public key, a short message, a message of the maximum size. */
	pid = serve(fd, key, 3);
	assert_true(pid > 0);
	/* After the fork: the serving child must not hold a block only the parent can free
	 * (valgrind checks the child's leaks when it exits). */
	big = calloc(1, FL_AGENT_MSG_MAX + 1);
	assert_non_null(big);

	assert_int_equal(fl_signer_connect(&agent, sock_), 0);
	fl_signer_public(key, pub);
	fl_signer_public(agent, apub);
	assert_memory_equal(pub, apub, sizeof(pub));
	assert_int_equal(fl_signer_sign(agent, sig, "checkpoint", 10), 0);
	assert_int_equal(fl_ed25519_verify(pub, sig, "checkpoint", 10), 0);
	memset(big, 'x', FL_AGENT_MSG_MAX + 1);
	assert_int_equal(fl_signer_sign(agent, sig, big, FL_AGENT_MSG_MAX), 0);
	assert_int_equal(fl_ed25519_verify(pub, sig, big, FL_AGENT_MSG_MAX), 0);
	/* One byte more is refused by the client: the agent (gone after three) is not asked. */
	assert_int_equal(fl_signer_sign(agent, sig, big, FL_AGENT_MSG_MAX + 1), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "more than the signing agent signs"));
	/* An agent's key is not ours to write to a file. */
	snprintf(path, sizeof(path), "%s/k.key", dir_);
	assert_int_equal(fl_signer_save(agent, path, "pass", 4), FL_EINVALID);
	assert_int_equal(access(path, F_OK), -1);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	unlink(sock_);
	fl_signer_free(agent);
	fl_signer_free(key);
	free(big);
}

static void test_listen_and_connect_refuse(void **state)
{
	char path[256], open_dir[128];
	int fd = -1, fd2 = -1;
	(void)state;

	/* Nobody listening. */
	assert_int_equal(fl_signer_connect(&(fl_signer *){NULL}, sock_), FL_EIO);
	assert_non_null(strstr(fl_error_last(), "cannot reach the signing agent at"));
	/* A path longer than a socket address holds, on either side. */
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = 0;
	assert_int_equal(fl_agent_listen(&fd, path), FL_EINVALID);
	assert_int_equal(fl_signer_connect(&(fl_signer *){NULL}, path), FL_EINVALID);
	/* An existing path. */
	assert_int_equal(fl_agent_listen(&fd, sock_), 0);
	assert_int_equal(fl_agent_listen(&fd2, sock_), FL_EEXISTS);
	close(fd);
	unlink(sock_);
	/* A directory others may write. */
	snprintf(open_dir, sizeof(open_dir), "%s/open", dir_);
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0757), 0);
	snprintf(path, sizeof(path), "%s/a.sock", open_dir);
	assert_int_equal(fl_agent_listen(&fd, path), FL_EINVALID);
	assert_non_null(strstr(fl_error_last(), "mode 0757"));
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_through_agent),
	    cmocka_unit_test(test_listen_and_connect_refuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
