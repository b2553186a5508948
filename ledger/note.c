/*
 * note.c: C2SP signed notes (signed-note), verifier keys, checkpoints (tlog-checkpoint),
 * cosignatures (tlog-cosignature, Ed25519 type 0x04), proof files (tlog-proof) and
 * fundledger's consistency proof file. See note.h for the formats.
 *
 * Parsers here read untrusted text: every length is bounded, every line must be exactly of
 * its form, and anything else is FL_EINVALID. Verification decisions return FL_EVERIFY.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fundledger/entry.h"
#include "fundledger/note.h"

static const char DASH[] = "\xe2\x80\x94 "; /* U+2014 and a space */
#define DASH_LEN 4
static const char PROOF_HEADER[] = "c2sp.org/tlog-proof@v1\n";
static const char CONS_HEADER[] = "fundledger/consistency-proof@v1\n";

/* True when s[i..] starts a Unicode space (other than ASCII space, checked separately). */
static int unicode_space(const unsigned char *s, size_t n, size_t i)
{
	if (n - i >= 2 && s[i] == 0xc2 && (s[i + 1] == 0x85 || s[i + 1] == 0xa0))
		return 1;
	if (n - i >= 3 && s[i] == 0xe1 && s[i + 1] == 0x9a && s[i + 2] == 0x80)
		return 1; /* U+1680 */
	if (n - i >= 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
	    (s[i + 2] <= 0x8a || s[i + 2] == 0xa8 || s[i + 2] == 0xa9 || s[i + 2] == 0xaf))
		return 1; /* U+2000..U+200A, U+2028, U+2029, U+202F */
	if (n - i >= 3 && s[i] == 0xe2 && s[i + 1] == 0x81 && s[i + 2] == 0x9f)
		return 1; /* U+205F */
	if (n - i >= 3 && s[i] == 0xe3 && s[i + 1] == 0x80 && s[i + 2] == 0x80)
		return 1; /* U+3000 */
	return 0;
}

static int name_check(const char *name, size_t n)
{
	if (n == 0 || n > FL_KEY_NAME_MAX)
		return fl_error_set(FL_EINVALID, "key name must be 1 to %d bytes", FL_KEY_NAME_MAX);
	if (fl_utf8_check(name, n) < 0)
		return fl_error_prefix("key name: ");
	for (size_t i = 0; i < n; i++)
		if (name[i] == ' ' || name[i] == '+' ||
		    unicode_space((const unsigned char *)name, n, i))
			return fl_error_set(FL_EINVALID, "key name may not contain spaces or '+'");
	return 0;
}

int fl_key_name_check(const char *name)
{
	return name_check(name, strlen(name));
}

static int key_id(uint32_t *out, const char *name, unsigned char type,
		  const unsigned char pub[FL_ED25519_PUB_LEN])
{
	fl_buf b = FL_BUF_INIT;
	unsigned char h[FL_HASH_LEN];
	int err;
	if ((err = fl_buf_puts(&b, name)) == 0 && (err = fl_buf_putc(&b, '\n')) == 0 &&
	    (err = fl_buf_putc(&b, type)) == 0 && (err = fl_buf_put(&b, pub, FL_ED25519_PUB_LEN)) == 0)
		err = fl_sha256(h, b.data, b.len);
	fl_buf_free(&b);
	if (err == 0)
		*out = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	return err;
}

int fl_vkey_make(fl_vkey *out, const char *name, unsigned char type,
		 const unsigned char pub[FL_ED25519_PUB_LEN])
{
	int err;
	if ((err = fl_key_name_check(name)) < 0)
		return err;
	if (type != FL_SIGTYPE_ED25519 && type != FL_SIGTYPE_COSIGNATURE)
		return fl_error_set(FL_EINVALID, "unsupported signature type 0x%02x", type);
	memset(out, 0, sizeof(*out));
	strcpy(out->name, name);
	out->type = type;
	memcpy(out->pub, pub, FL_ED25519_PUB_LEN);
	return key_id(&out->id, name, type, pub);
}

int fl_vkey_parse(fl_vkey *out, const char *s, size_t len)
{
	const char *p1 = memchr(s, '+', len), *p2;
	fl_buf raw = FL_BUF_INIT;
	char name[FL_KEY_NAME_MAX + 1];
	uint32_t id = 0;
	size_t nlen;
	int err;

	if (!p1)
		return fl_error_set(FL_EINVALID, "verifier key: expected NAME+KEYID+KEY");
	nlen = (size_t)(p1 - s);
	p2 = memchr(p1 + 1, '+', len - nlen - 1);
	if (!p2 || p2 - p1 != 9)
		return fl_error_set(FL_EINVALID, "verifier key: expected an 8-digit hex key ID");
	if ((err = name_check(s, nlen)) < 0)
		return fl_error_prefix("verifier key: ");
	for (const char *h = p1 + 1; h < p2; h++) {
		int v = (*h >= '0' && *h <= '9')   ? *h - '0'
			: (*h >= 'a' && *h <= 'f') ? *h - 'a' + 10
			: (*h >= 'A' && *h <= 'F') ? *h - 'A' + 10
						   : -1;
		if (v < 0)
			return fl_error_set(FL_EINVALID, "verifier key: key ID must be hex");
		id = id << 4 | (uint32_t)v;
	}
	if ((err = fl_base64_decode(&raw, p2 + 1, len - (size_t)(p2 + 1 - s))) < 0) {
		fl_error_prefix("verifier key: ");
		goto done;
	}
	if (raw.len != 1 + FL_ED25519_PUB_LEN) {
		err = fl_error_set(FL_EINVALID, "verifier key: expected a type byte and a 32-byte key");
		goto done;
	}
	memcpy(name, s, nlen);
	name[nlen] = 0;
	if ((err = fl_vkey_make(out, name, raw.data[0], raw.data + 1)) < 0)
		goto done;
	if (out->id != id)
		err = fl_error_set(FL_EINVALID, "verifier key: key ID %08" PRIx32 " does not match "
						"the key (%08" PRIx32 ")", id, out->id);
done:
	fl_buf_free(&raw);
	return err;
}

int fl_vkey_format(fl_buf *out, const fl_vkey *k)
{
	unsigned char raw[1 + FL_ED25519_PUB_LEN];
	int err;
	raw[0] = k->type;
	memcpy(raw + 1, k->pub, FL_ED25519_PUB_LEN);
	if ((err = fl_buf_printf(out, "%s+%08" PRIx32 "+", k->name, k->id)) < 0)
		return err;
	return fl_base64_encode(out, raw, sizeof(raw));
}

/* Appends "— NAME BASE64(id || payload)\n". */
static int sig_line(fl_buf *out, const char *name, uint32_t id, const unsigned char *payload,
		    size_t n)
{
	unsigned char raw[4 + 8 + FL_ED25519_SIG_LEN];
	int err;
	raw[0] = (unsigned char)(id >> 24);
	raw[1] = (unsigned char)(id >> 16);
	raw[2] = (unsigned char)(id >> 8);
	raw[3] = (unsigned char)id;
	memcpy(raw + 4, payload, n);
	if ((err = fl_buf_puts(out, DASH)) < 0 || (err = fl_buf_puts(out, name)) < 0 ||
	    (err = fl_buf_putc(out, ' ')) < 0 || (err = fl_base64_encode(out, raw, 4 + n)) < 0)
		return err;
	return fl_buf_putc(out, '\n');
}

/* Valid UTF-8 (C1 controls allowed, as in C2SP), checked by structure only. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i - 1 < k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Note text: ends with a newline; UTF-8; no control characters but the newline. */
static int check_text(const char *text, size_t len)
{
	if (len == 0 || text[len - 1] != '\n')
		return fl_error_set(FL_EINVALID, "note text must end with a newline");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			return fl_error_set(FL_EINVALID, "note text has a control character");
	if (!utf8_valid((const unsigned char *)text, len))
		return fl_error_set(FL_EINVALID, "note text is not UTF-8");
	return 0;
}

int fl_note_sign(fl_buf *out, const char *text, size_t len, const char *name, const fl_signer *s)
{
	unsigned char pub[FL_ED25519_PUB_LEN], sig[FL_ED25519_SIG_LEN];
	uint32_t id;
	int err;
	if ((err = check_text(text, len)) < 0 || (err = fl_key_name_check(name)) < 0)
		return err;
	fl_signer_public(s, pub);
	if ((err = key_id(&id, name, FL_SIGTYPE_ED25519, pub)) < 0 ||
	    (err = fl_signer_sign(s, sig, text, len)) < 0)
		return err;
	return sig_line(out, name, id, sig, sizeof(sig));
}

static int cosign_message(fl_buf *m, const char *text, size_t len, uint64_t t)
{
	int err;
	if ((err = fl_buf_printf(m, "cosignature/v1\ntime %" PRIu64 "\n", t)) < 0)
		return err;
	return fl_buf_put(m, text, len);
}

int fl_note_cosign(fl_buf *out, const char *text, size_t len, const char *name,
		   const fl_signer *s, uint64_t timestamp)
{
	unsigned char pub[FL_ED25519_PUB_LEN], payload[8 + FL_ED25519_SIG_LEN];
	fl_buf m = FL_BUF_INIT;
	uint32_t id;
	int err;

	if ((err = check_text(text, len)) < 0 || (err = fl_key_name_check(name)) < 0)
		return err;
	if (timestamp > INT64_MAX)
		return fl_error_set(FL_EINVALID, "cosignature time out of range");
	fl_signer_public(s, pub);
	for (int i = 0; i < 8; i++)
		payload[i] = (unsigned char)(timestamp >> (56 - 8 * i));
	if ((err = key_id(&id, name, FL_SIGTYPE_COSIGNATURE, pub)) < 0 ||
	    (err = cosign_message(&m, text, len, timestamp)) < 0 ||
	    (err = fl_signer_sign(s, payload + 8, m.data, m.len)) < 0)
		goto done;
	err = sig_line(out, name, id, payload, sizeof(payload));
done:
	fl_buf_free(&m);
	return err;
}

int fl_note_split(const char *note, size_t len, size_t *text_len)
{
	size_t i;
	if (len == 0 || len > FL_NOTE_MAX_LEN)
		return fl_error_set(FL_EINVALID, "note: empty or larger than %d bytes", FL_NOTE_MAX_LEN);
	if (note[len - 1] != '\n')
		return fl_error_set(FL_EINVALID, "note: does not end with a newline");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)note[i];
		if (c < 0x20 && c != '\n')
			return fl_error_set(FL_EINVALID, "note: control character at byte %zu", i);
	}
	/* The text ends at the last blank line. */
	for (i = len - 1; i > 0; i--)
		if (note[i] == '\n' && note[i - 1] == '\n')
			break;
	if (i == 0 || i + 1 >= len)
		return fl_error_set(FL_EINVALID, "note: no blank line before the signatures");
	if (i - 1 == 0)
		return fl_error_set(FL_EINVALID, "note: empty text");
	*text_len = i; /* note[0..i) ends with the text's final newline */
	/* The whole note must be UTF-8 (signature lines hold the em dash). */
	if (!utf8_valid((const unsigned char *)note, len))
		return fl_error_set(FL_EINVALID, "note: invalid UTF-8");
	return 0;
}

int fl_note_verify(fl_note_result *out, const char *note, size_t len, const fl_vkey *keys,
		   size_t n_keys)
{
	fl_buf raw = FL_BUF_INIT, msg = FL_BUF_INIT;
	size_t pos;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = fl_note_split(note, len, &out->text_len)) < 0)
		return err;
	pos = out->text_len + 1;
	while (pos < len) {
		const char *line = note + pos, *nl = memchr(line, '\n', len - pos), *sp;
		size_t n = (size_t)(nl - line), name_len;
		const fl_vkey *k = NULL;
		uint32_t id;

		if (out->n_sigs == FL_NOTE_MAX_SIGS) {
			err = fl_error_set(FL_EINVALID, "note: more than %d signatures", FL_NOTE_MAX_SIGS);
			goto done;
		}
		if (n < DASH_LEN || memcmp(line, DASH, DASH_LEN) != 0) {
			err = fl_error_set(FL_EINVALID, "note: a signature line must start with an "
							 "em dash (U+2014) and a space");
			goto done;
		}
		sp = memchr(line + DASH_LEN, ' ', n - DASH_LEN);
		if (!sp) {
			err = fl_error_set(FL_EINVALID, "note: signature line without a signature");
			goto done;
		}
		name_len = (size_t)(sp - line - DASH_LEN);
		if ((err = name_check(line + DASH_LEN, name_len)) < 0) {
			fl_error_prefix("note: ");
			goto done;
		}
		fl_buf_reset(&raw);
		if ((err = fl_base64_decode(&raw, sp + 1, (size_t)(nl - sp - 1))) < 0) {
			fl_error_prefix("note: signature: ");
			goto done;
		}
		if (raw.len < 5) {
			err = fl_error_set(FL_EINVALID, "note: signature too short");
			goto done;
		}
		out->n_sigs++;
		id = (uint32_t)raw.data[0] << 24 | (uint32_t)raw.data[1] << 16 |
		     (uint32_t)raw.data[2] << 8 | raw.data[3];
		for (size_t i = 0; i < n_keys && !k; i++)
			if (keys[i].id == id && strlen(keys[i].name) == name_len &&
			    memcmp(keys[i].name, line + DASH_LEN, name_len) == 0)
				k = &keys[i];
		pos += n + 1;
		if (!k)
			continue; /* unknown keys are ignored */
		if (k->type == FL_SIGTYPE_ED25519) {
			if (raw.len != 4 + FL_ED25519_SIG_LEN ||
			    fl_ed25519_verify(k->pub, raw.data + 4, note, out->text_len) < 0) {
				err = fl_error_set(FL_EVERIFY, "note: signature by %s does not verify",
						   k->name);
				goto done;
			}
			out->timestamp[out->n_verified] = 0;
		} else {
			uint64_t t = 0;
			if (raw.len != 4 + 8 + FL_ED25519_SIG_LEN) {
				err = fl_error_set(FL_EVERIFY, "note: cosignature by %s has a bad length",
						   k->name);
				goto done;
			}
			for (int i = 0; i < 8; i++)
				t = t << 8 | raw.data[4 + i];
			fl_buf_reset(&msg);
			if ((err = cosign_message(&msg, note, out->text_len, t)) < 0)
				goto done;
			if (t > INT64_MAX || fl_ed25519_verify(k->pub, raw.data + 12, msg.data, msg.len) < 0) {
				err = fl_error_set(FL_EVERIFY, "note: cosignature by %s does not verify",
						   k->name);
				goto done;
			}
			out->timestamp[out->n_verified] = t;
		}
		/* A key counts once, however many times its line is repeated (as in Go's note). */
		{
			size_t j;
			for (j = 0; j < out->n_verified; j++)
				if (out->verified[j] == k)
					break;
			if (j == out->n_verified)
				out->verified[out->n_verified++] = k;
		}
	}
	if (out->n_sigs == 0)
		err = fl_error_set(FL_EINVALID, "note: no signatures");
	else if (out->n_verified == 0)
		err = fl_error_set(FL_EVERIFY, "note: no signature from a known key");
done:
	fl_buf_free(&raw);
	fl_buf_free(&msg);
	return err;
}

int fl_checkpoint_format(fl_buf *out, const fl_checkpoint *c)
{
	int err;
	if ((err = fl_buf_printf(out, "%s\n%" PRIu64 "\n", c->origin, c->size)) < 0 ||
	    (err = fl_base64_encode(out, c->root, FL_HASH_LEN)) < 0)
		return err;
	return fl_buf_putc(out, '\n');
}

/* Reads one "\n"-terminated line at *pos; returns its length or -1. */
static long next_line(const char *s, size_t len, size_t *pos, const char **line)
{
	const char *nl;
	if (*pos >= len)
		return -1;
	nl = memchr(s + *pos, '\n', len - *pos);
	if (!nl)
		return -1;
	*line = s + *pos;
	*pos = (size_t)(nl - s) + 1;
	return (long)(nl - *line);
}

static int parse_u64(uint64_t *out, const char *s, size_t n)
{
	uint64_t v = 0;
	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return FL_EINVALID;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return FL_EINVALID;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_hash_b64(fl_hash out, const char *s, size_t n)
{
	fl_buf b = FL_BUF_INIT;
	int err = fl_base64_decode(&b, s, n);
	if (err == 0 && b.len != FL_HASH_LEN)
		err = fl_error_set(FL_EINVALID, "expected a 32-byte hash");
	if (err == 0)
		memcpy(out, b.data, FL_HASH_LEN);
	fl_buf_free(&b);
	return err;
}

int fl_checkpoint_parse(fl_checkpoint *out, const char *text, size_t len)
{
	size_t pos = 0;
	const char *line;
	long n;

	memset(out, 0, sizeof(*out));
	if ((n = next_line(text, len, &pos, &line)) <= 0 || (size_t)n > FL_ORIGIN_LEN_MAX)
		return fl_error_set(FL_EINVALID, "checkpoint: bad origin line");
	for (long i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return fl_error_set(FL_EINVALID, "checkpoint: control character in origin");
	memcpy(out->origin, line, (size_t)n);
	if ((n = next_line(text, len, &pos, &line)) < 0 || parse_u64(&out->size, line, (size_t)n) < 0)
		return fl_error_set(FL_EINVALID, "checkpoint: bad size line");
	if ((n = next_line(text, len, &pos, &line)) < 0 ||
	    parse_hash_b64(out->root, line, (size_t)n) < 0)
		return fl_error_set(FL_EINVALID, "checkpoint: bad root hash line");
	/* Extension lines: non-empty, newline-terminated; only fundledger's own is read. */
	while (pos < len) {
		size_t pl = strlen(FL_CHECKPOINT_PREVIOUS);
		if ((n = next_line(text, len, &pos, &line)) <= 0)
			return fl_error_set(FL_EINVALID, "checkpoint: bad extension line");
		if ((size_t)n > pl + 1 && memcmp(line, FL_CHECKPOINT_PREVIOUS, pl) == 0 &&
		    line[pl] == ' ') {
			if (out->has_previous ||
			    parse_u64(&out->previous, line + pl + 1, (size_t)n - pl - 1) < 0)
				return fl_error_set(FL_EINVALID, "checkpoint: bad %s line",
						    FL_CHECKPOINT_PREVIOUS);
			out->has_previous = 1;
		}
	}
	return 0;
}

static int put_hashes(fl_buf *out, const fl_hash *path, size_t n)
{
	int err;
	for (size_t i = 0; i < n; i++)
		if ((err = fl_base64_encode(out, path[i], FL_HASH_LEN)) < 0 ||
		    (err = fl_buf_putc(out, '\n')) < 0)
			return err;
	return 0;
}

/* Reads hash lines up to and including the blank line that ends them. */
static int read_hashes(const char *data, size_t len, size_t *pos, fl_hash *path, size_t *n)
{
	const char *line;
	long ln;
	*n = 0;
	for (;;) {
		if ((ln = next_line(data, len, pos, &line)) < 0)
			return fl_error_set(FL_EINVALID, "proof: missing blank line before the checkpoint");
		if (ln == 0)
			return 0;
		if (*n == FL_MERKLE_MAX_PROOF)
			return fl_error_set(FL_EINVALID, "proof: too many hashes");
		if (parse_hash_b64(path[*n], line, (size_t)ln) < 0)
			return fl_error_set(FL_EINVALID, "proof: bad hash line %zu", *n + 1);
		(*n)++;
	}
}

int fl_tlog_proof_format(fl_buf *out, uint64_t index, const fl_hash *path, size_t n,
			 const void *extra, size_t extra_len, const char *note, size_t note_len)
{
	int err;
	if ((err = fl_buf_puts(out, PROOF_HEADER)) < 0)
		return err;
	if (extra_len && ((err = fl_buf_puts(out, "extra ")) < 0 ||
			  (err = fl_base64_encode(out, extra, extra_len)) < 0 ||
			  (err = fl_buf_putc(out, '\n')) < 0))
		return err;
	if ((err = fl_buf_printf(out, "index %" PRIu64 "\n", index)) < 0 ||
	    (err = put_hashes(out, path, n)) < 0 || (err = fl_buf_putc(out, '\n')) < 0)
		return err;
	return fl_buf_put(out, note, note_len);
}

int fl_tlog_proof_parse(fl_tlog_proof *out, const char *data, size_t len)
{
	size_t pos = 0, hl = strlen(PROOF_HEADER);
	const char *line;
	long n;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < hl || memcmp(data, PROOF_HEADER, hl) != 0)
		return fl_error_set(FL_EINVALID, "proof: not a c2sp.org/tlog-proof@v1 file");
	pos = hl;
	if ((n = next_line(data, len, &pos, &line)) < 0)
		return fl_error_set(FL_EINVALID, "proof: truncated");
	if (n > 6 && memcmp(line, "extra ", 6) == 0) {
		if ((err = fl_base64_decode(&out->extra, line + 6, (size_t)n - 6)) < 0) {
			fl_tlog_proof_free(out);
			return fl_error_prefix("proof: extra: ");
		}
		if ((n = next_line(data, len, &pos, &line)) < 0) {
			fl_tlog_proof_free(out);
			return fl_error_set(FL_EINVALID, "proof: truncated");
		}
	}
	if (n < 7 || memcmp(line, "index ", 6) != 0 ||
	    parse_u64(&out->index, line + 6, (size_t)n - 6) < 0) {
		fl_tlog_proof_free(out);
		return fl_error_set(FL_EINVALID, "proof: bad index line");
	}
	if ((err = read_hashes(data, len, &pos, out->path, &out->n)) < 0) {
		fl_tlog_proof_free(out);
		return err;
	}
	out->note = data + pos;
	out->note_len = len - pos;
	return 0;
}

void fl_tlog_proof_free(fl_tlog_proof *p)
{
	fl_buf_free(&p->extra);
}

int fl_consistency_proof_format(fl_buf *out, uint64_t size1, uint64_t size2, const fl_hash *path,
				size_t n, const char *note1, size_t len1, const char *note2,
				size_t len2)
{
	int err;
	if ((err = fl_buf_puts(out, CONS_HEADER)) < 0 ||
	    (err = fl_buf_printf(out, "sizes %" PRIu64 " %" PRIu64 "\n", size1, size2)) < 0 ||
	    (err = put_hashes(out, path, n)) < 0 || (err = fl_buf_putc(out, '\n')) < 0 ||
	    (err = fl_buf_put(out, note1, len1)) < 0)
		return err;
	return fl_buf_put(out, note2, len2);
}

int fl_consistency_proof_parse(fl_consistency_proof *out, const char *data, size_t len)
{
	size_t pos, hl = strlen(CONS_HEADER), start;
	const char *line, *sp;
	long n;
	int err, in_sigs = 0;

	memset(out, 0, sizeof(*out));
	if (len < hl || memcmp(data, CONS_HEADER, hl) != 0)
		return fl_error_set(FL_EINVALID, "proof: not a fundledger consistency proof");
	pos = hl;
	if ((n = next_line(data, len, &pos, &line)) < 8 || memcmp(line, "sizes ", 6) != 0 ||
	    !(sp = memchr(line + 6, ' ', (size_t)n - 6)) ||
	    parse_u64(&out->size1, line + 6, (size_t)(sp - line - 6)) < 0 ||
	    parse_u64(&out->size2, sp + 1, (size_t)(line + n - sp - 1)) < 0)
		return fl_error_set(FL_EINVALID, "proof: bad sizes line");
	if ((err = read_hashes(data, len, &pos, out->path, &out->n)) < 0)
		return err;
	/* The first note runs to the end of its signature lines. */
	start = pos;
	while ((n = next_line(data, len, &pos, &line)) >= 0) {
		int is_sig = n >= DASH_LEN && memcmp(line, DASH, DASH_LEN) == 0;
		if (n == 0 && !in_sigs) {
			in_sigs = 1;
			continue;
		}
		if (in_sigs && !is_sig) {
			pos = (size_t)(line - data);
			break;
		}
	}
	if (!in_sigs || n < 0)
		return fl_error_set(FL_EINVALID, "proof: expected two signed checkpoints");
	out->note1 = data + start;
	out->note1_len = pos - start;
	out->note2 = data + pos;
	out->note2_len = len - pos;
	return 0;
}
