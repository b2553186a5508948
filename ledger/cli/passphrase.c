/*
 * passphrase.c: where a private key's passphrase comes from, in this order: a
 * --passphrase-file, $FUNDLEDGER_PASSPHRASE, or a prompt on the terminal with echo off.
 * The caller wipes the buffer (fl_wipe) when done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static int read_fd_line(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	char c;
	ssize_t r;
	while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
		if (n + 1 >= cap)
			return fl_error_set(FL_EINVALID, "passphrase longer than %zu bytes", cap - 2);
		buf[n++] = c;
	}
	if (r < 0)
		return fl_error_set(FL_EIO, "reading the passphrase: %s", strerror(errno));
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	*len = n;
	return 0;
}

static int prompt(const char *text, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), err, restore = 0;
	if (fd < 0)
		return fl_error_set(FL_EINVALID, "no passphrase: use --passphrase-file, set "
						 "FUNDLEDGER_PASSPHRASE, or run from a terminal");
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, text, strlen(text)) < 0) {
		/* The prompt is a courtesy; reading still works. */
	}
	err = read_fd_line(fd, buf, cap, len);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* as above */
	}
	close(fd);
	return err;
}

int cli_passphrase(const char *file, const char *what, int confirm, char *buf, size_t cap,
		   size_t *len)
{
	const char *env = getenv("FUNDLEDGER_PASSPHRASE");
	char again[CLI_PASSPHRASE_MAX];
	size_t len2;
	int err;

	if (file) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fl_error_set(FL_EIO, "%s: %s", file, strerror(errno));
		err = read_fd_line(fd, buf, cap, len);
		close(fd);
	} else if (env && *env) {
		*len = strlen(env);
		if (*len + 1 > cap)
			return fl_error_set(FL_EINVALID, "FUNDLEDGER_PASSPHRASE is too long");
		memcpy(buf, env, *len + 1);
		err = 0;
	} else {
		char text[160];
		snprintf(text, sizeof(text), "Passphrase for %s: ", what);
		if ((err = prompt(text, buf, cap, len)) < 0)
			return err;
		if (confirm) {
			err = prompt("Again: ", again, sizeof(again), &len2);
			if (err == 0 && (len2 != *len || memcmp(again, buf, len2) != 0))
				err = fl_error_set(FL_EINVALID, "the passphrases do not match");
			fl_wipe(again, sizeof(again));
		}
	}
	if (err == 0 && *len == 0)
		err = fl_error_set(FL_EINVALID, "empty passphrase");
	return err;
}

int cli_load_key(const cli_ctx *ctx, const char *path, fl_signer **out)
{
	char pass[CLI_PASSPHRASE_MAX];
	size_t len = 0;
	int err = cli_passphrase(ctx->passphrase_file, path, 0, pass, sizeof(pass), &len);
	if (err == 0)
		err = fl_signer_load(out, path, pass, len);
	fl_wipe(pass, sizeof(pass));
	return err;
}
