/*
 * cmd_key.c: fundledger key generate. Writes an Ed25519 private key as encrypted PKCS#8 PEM
 * (mode 0600, never over an existing file) and prints its C2SP verifier key on stdout, for
 * the configuration's `keys` list. A treasurer key is a note key (type 0x01); an auditor key
 * is a tlog-cosignature key (type 0x04).
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static void default_path(char *out, size_t n, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t i = 0;
	base = base && base[1] ? base + 1 : name;
	for (; *base && i + 5 < n; base++)
		out[i++] = (char)((*base >= 'a' && *base <= 'z') || (*base >= 'A' && *base <= 'Z') ||
					  (*base >= '0' && *base <= '9') || *base == '-' ||
					  *base == '_' || *base == '.'
				  ? *base
				  : '_');
	memcpy(out + i, ".key", 5);
}

int cmd_key(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'}, {"role", required_argument, NULL, 'r'},
		{"out", required_argument, NULL, 'o'},  {NULL, 0, NULL, 0}};
	const char *name = NULL, *role = "treasurer", *out = NULL;
	char path[512], pass[CLI_PASSPHRASE_MAX];
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_signer *s = NULL;
	fl_vkey vk;
	fl_buf line = FL_BUF_INIT;
	size_t len = 0;
	unsigned char type;
	int c, err;

	if (argc < 2 || strcmp(argv[1], "generate") != 0)
		return cli_usage_error("key: expected 'key generate --name NAME'");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_bad_option(argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("key generate: unexpected argument '%.40s'", argv[optind]);
	if (!name)
		return cli_usage_error("key generate needs --name NAME");
	if (strcmp(role, "treasurer") == 0)
		type = FL_SIGTYPE_ED25519;
	else if (strcmp(role, "auditor") == 0)
		type = FL_SIGTYPE_COSIGNATURE;
	else
		return cli_usage_error("--role is treasurer or auditor");
	if (fl_key_name_check(name) < 0)
		return cli_fail(FL_EINVALID);
	if (!out) {
		default_path(path, sizeof(path), name);
		out = path;
	}
	if ((err = cli_passphrase(ctx->passphrase_file, out, 1, pass, sizeof(pass), &len)) < 0 ||
	    (err = fl_signer_generate(&s)) < 0 || (err = fl_signer_save(s, out, pass, len)) < 0)
		goto done;
	fl_signer_public(s, pub);
	if ((err = fl_vkey_make(&vk, name, type, pub)) < 0 || (err = fl_vkey_format(&line, &vk)) < 0)
		goto done;
	fprintf(stderr, "wrote %s: Ed25519, PKCS#8 encrypted with PBKDF2-HMAC-SHA256 (%d "
			"iterations) and AES-256-CBC, mode 0600\n"
			"add this verifier key to the configuration's keys, with role %s:\n",
		out, FL_KEY_KDF_ITERATIONS, role);
	printf("%s\n", fl_buf_cstr(&line));
done:
	fl_wipe(pass, sizeof(pass));
	fl_signer_free(s);
	fl_buf_free(&line);
	if (err < 0)
		return cli_fail(err);
	return cli_finish_stdout();
}
