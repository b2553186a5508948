/*
 * keys.c: reading verifier keys given on the command line (--key NAME+ID+BASE64, or a file
 * holding one per line) for the commands that verify without a configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_add_vkey(cli_vkeys *ks, const char *arg)
{
	FILE *f;
	char line[1024];
	if (strchr(arg, '+')) {
		if (ks->n == CLI_MAX_KEYS)
			return fl_error_set(FL_EINVALID, "more than %d keys", CLI_MAX_KEYS);
		if (fl_vkey_parse(&ks->keys[ks->n], arg, strlen(arg)) < 0)
			return fl_error_prefix("--key: ");
		ks->n++;
		return 0;
	}
	if (!(f = fopen(arg, "r")))
		return fl_error_set(FL_EINVALID, "--key '%.60s' is neither a verifier key "
						 "(NAME+KEYID+BASE64) nor a readable file", arg);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		if (ks->n == CLI_MAX_KEYS || fl_vkey_parse(&ks->keys[ks->n], line, n) < 0) {
			fclose(f);
			return ks->n == CLI_MAX_KEYS ? fl_error_set(FL_EINVALID, "too many keys")
						     : fl_error_prefix("%s: ", arg);
		}
		ks->n++;
	}
	fclose(f);
	return 0;
}

int cli_read_file(const char *path, fl_buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int err = 0;
	if (!f)
		return fl_error_set(FL_EIO, "%s: cannot open", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((err = fl_buf_put(out, chunk, n)) < 0)
			break;
	if (err == 0 && ferror(f))
		err = fl_error_set(FL_EIO, "%s: read error", path);
	if (f != stdin)
		fclose(f);
	return err;
}

int cli_write_out(const char *path, const fl_buf *data)
{
	FILE *f;
	if (!path || strcmp(path, "-") == 0) {
		fwrite(data->data, 1, data->len, stdout);
		return 0;
	}
	if (!(f = fopen(path, "wbx")))
		return fl_error_set(errno == EEXIST ? FL_EEXISTS : FL_EIO, "%s: %s", path,
				    strerror(errno));
	if (fwrite(data->data, 1, data->len, f) != data->len || fclose(f) != 0)
		return fl_error_set(FL_EIO, "%s: write failed", path);
	return 0;
}
