/*
 * cmd_agent.c: fundledger agent [--socket PATH] [--lifetime SECONDS] unlocks the treasurer's
 * key once (-k or $FUNDLEDGER_KEY, its passphrase as for any write) and signs on request over a
 * Unix socket (ledger/agent.c, docs/AGENT.md), in the foreground, until SIGTERM, SIGINT or
 * SIGHUP or the end of its lifetime; then it removes its socket, and the directory it made for
 * it. It prints one line for the shell, FUNDLEDGER_AGENT=PATH; export FUNDLEDGER_AGENT, and
 * says on standard error which key it holds; then it closes standard output, so that
 * eval "$(fundledger agent &)" works. It never daemonises itself: run it with & or under a
 * service manager.
 *
 * Signals reach the loop through a pipe (the handler writes a byte, poll wakes up), so a
 * signal between two polls is never lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* The longest lifetime accepted: ten years, in seconds. */
#define LIFETIME_MAX 315360000L

static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	int saved = errno;
	stop_signal = sig;
	if (write(stop_pipe[1], "x", 1) < 0) {
		/* The pipe is full: a byte is already waiting, which is enough. */
	}
	errno = saved;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Prints s for a POSIX shell: as is when it holds only safe characters, else single-quoted. */
static void shell_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			   "/._-+,:@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* A fresh private directory for the socket: $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp. */
static int make_socket_dir(char *dir, size_t cap)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	if ((size_t)snprintf(dir, cap, "%s/fundledger-XXXXXX", base) >= cap)
		return fl_error_set(FL_EINVALID, "%s: directory name too long", base);
	if (!mkdtemp(dir))
		return fl_error_set(FL_EIO, "%s: cannot make a directory for the agent's socket: %s",
				    base, strerror(errno));
	return 0;
}

static int catch_signals(void)
{
	struct sigaction sa;
	if (pipe(stop_pipe) != 0)
		return fl_error_set(FL_EIO, "pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC);
	fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	/* SIGINT and SIGHUP stay ignored when they are: a shell ignores SIGINT for a background
	 * job of a command substitution (`eval "$(fundledger agent &)"`), and nohup ignores
	 * SIGHUP; taking them over would let the next Ctrl-C at the prompt stop the agent. */
	for (int i = 0; i < 2; i++) {
		int sig = i ? SIGHUP : SIGINT;
		struct sigaction old;
		if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sig, &sa, NULL);
	}
	/* A client that goes away before its reply must not end the agent. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Says on stderr which key the agent holds and whether the configuration authorises it. */
static void describe_key(const cli_ctx *ctx, const fl_signer *s, const char *path)
{
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_key_role role;
	const fl_vkey *k;
	fl_buf b64 = FL_BUF_INIT;

	fl_signer_public(s, pub);
	k = fl_config_key(ctx->cfg, FL_SIGTYPE_ED25519, pub, &role);
	if (k)
		fprintf(stderr, "fundledger agent: signing with %s+%08lx (%s in %s) at %s, pid %ld\n",
			k->name, (unsigned long)k->id, fl_role_name(role), ctx->config_path, path,
			(long)getpid());
	else if (fl_base64_encode(&b64, pub, sizeof(pub)) == 0)
		fprintf(stderr, "fundledger agent: warning: the key %s (Ed25519 public key %s) is not "
				"listed in %s; writes that use this agent with that configuration will "
				"be refused\n",
			ctx->key_path, fl_buf_cstr(&b64), ctx->config_path);
	fl_buf_free(&b64);
}

int cmd_agent(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"socket", required_argument, NULL, 's'},
					     {"lifetime", required_argument, NULL, 'l'},
					     {NULL, 0, NULL, 0}};
	const char *socket_opt = NULL;
	char dir[4096] = "", path[4096];
	struct stat bound;
	fl_signer *s = NULL;
	long lifetime = 0;
	int64_t deadline = 0;
	int c, err, fd = -1, made_dir = 0, listening = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': socket_opt = optarg; break;
		case 'l':
			errno = 0;
			lifetime = strtol(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || lifetime < 1 ||
			    lifetime > LIFETIME_MAX)
				return cli_usage_error("--lifetime takes a number of seconds, 1 to %ld",
						       LIFETIME_MAX);
			break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("agent: unexpected argument '%.40s'", argv[optind]);
	if (!ctx->key_path)
		return cli_usage_error("agent holds the treasurer's key: give it with -k KEYFILE or "
				       "FUNDLEDGER_KEY");
	if (socket_opt && !*socket_opt)
		return cli_usage_error("--socket takes a path");
	/* The key first: a wrong passphrase leaves no socket or directory behind. */
	if ((err = cli_load_key(ctx, ctx->key_path, &s)) < 0)
		return cli_fail(err);
	if (socket_opt) {
		/* Absolute, so that FUNDLEDGER_AGENT works from any directory. */
		char cwd[2048] = "";
		if (socket_opt[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
			err = fl_error_set(FL_EIO, "current directory: %s", strerror(errno));
			goto done;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", cwd, *cwd ? "/" : "",
				     socket_opt) >= sizeof(path)) {
			err = fl_error_set(FL_EINVALID, "--socket: path too long");
			goto done;
		}
	} else {
		if ((err = make_socket_dir(dir, sizeof(dir))) < 0)
			goto done;
		made_dir = 1;
		if ((size_t)snprintf(path, sizeof(path), "%s/agent.sock", dir) >= sizeof(path)) {
			err = fl_error_set(FL_EINVALID, "%s: directory name too long", dir);
			goto done;
		}
	}
	if ((err = catch_signals()) < 0 || (err = fl_agent_listen(&fd, path)) < 0)
		goto done;
	if (lstat(path, &bound) != 0) {
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
		unlink(path);
		goto done;
	}
	listening = 1;
	if (lifetime)
		deadline = mono_ms() + (int64_t)lifetime * 1000;
	fputs("FUNDLEDGER_AGENT=", stdout);
	shell_word(stdout, path);
	fputs("; export FUNDLEDGER_AGENT\n", stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err = fl_error_set(FL_EIO, "standard output: %s", strerror(errno));
		goto done;
	}
	/* Nothing more goes to standard output: closing it ends a command substitution, so
	 * that eval "$(fundledger agent &)" returns as soon as the agent listens. */
	if (!freopen("/dev/null", "w", stdout)) {
		err = fl_error_set(FL_EIO, "/dev/null: %s", strerror(errno));
		goto done;
	}
	describe_key(ctx, s, path);

	while (!stop_signal) {
		struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN},
					{.fd = stop_pipe[0], .events = POLLIN}};
		int timeout = -1, pr;
		if (deadline) {
			int64_t left = deadline - mono_ms();
			if (left <= 0)
				break;
			timeout = left > 60000 ? 60000 : (int)left;
		}
		pr = poll(pfd, 2, timeout);
		if (pr < 0 && errno != EINTR) {
			err = fl_error_set(FL_EIO, "poll: %s", strerror(errno));
			break;
		}
		if (pr > 0 && (pfd[0].revents & POLLIN) && !stop_signal &&
		    fl_agent_serve(fd, s) < 0) {
			fprintf(stderr, "fundledger agent: %s\n", fl_error_last());
			/* accept can keep failing (EMFILE, ENOBUFS) while the socket stays readable:
			 * pause rather than spin. */
			if (fl_error_code() == FL_EIO)
				poll(NULL, 0, 100);
		}
	}
	if (err == 0)
		fprintf(stderr, "fundledger agent: stopped (%s)\n",
			stop_signal ? "signal" : "lifetime ended");
done:
	if (fd >= 0)
		close(fd);
	if (listening) {
		/* Only the socket we made: not whatever may have been put in its place since. */
		struct stat now;
		if (lstat(path, &now) == 0 && now.st_dev == bound.st_dev &&
		    now.st_ino == bound.st_ino)
			unlink(path);
	}
	if (made_dir)
		rmdir(dir);
	for (int i = 0; i < 2; i++)
		if (stop_pipe[i] >= 0)
			close(stop_pipe[i]);
	fl_signer_free(s);
	if (err < 0)
		return cli_fail(err);
	return EXIT_OK;
}
