/*
 * audit.c: checkpoints, cosignatures, proofs and export bundles (audit.h).
 *
 * Proofs are cut at signed checkpoint sizes only, so that everything handed to an auditor is
 * anchored in a signature. Proof hashes come from the stored Merkle tiles (O(log n) reads);
 * the proof then verifies against the signed root, so a damaged tile gives a proof that fails,
 * never a false one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fundledger/audit.h"
#include "fundledger/verify.h"
#include "ledger_int.h"
#include "tree_int.h"

int fl_audit_checkpoint(fl_ledger *l, uint64_t size, uint64_t *size_out, fl_buf *note)
{
	fl_store *s = fl_ledger_store(l);
	int err;
	if ((err = fl_store_checkpoint_get(s, size, size_out, note)) < 0)
		return err;
	return fl_store_cosignatures(s, *size_out, note);
}

int fl_audit_cosign(fl_ledger *l, const fl_signer *signer, uint64_t timestamp, uint64_t *size_out,
		    fl_buf *line)
{
	const fl_config *cfg = fl_ledger_config(l);
	fl_store *s = fl_ledger_store(l);
	unsigned char pub[FL_ED25519_PUB_LEN];
	fl_verify_result vr;
	fl_key_role role;
	const fl_vkey *k;
	fl_buf note = FL_BUF_INIT, existing = FL_BUF_INIT;
	size_t text_len;
	int err;

	fl_signer_public(signer, pub);
	if (!cfg || !(k = fl_config_key(cfg, FL_SIGTYPE_COSIGNATURE, pub, &role)) ||
	    role != FL_ROLE_AUDITOR)
		return fl_error_set(FL_EINVALID, "this key is not an authorised auditor key");
	/* A cosignature says the log is consistent: check everything first. */
	if ((err = fl_verify_ledger(&vr, l, NULL)) < 0)
		return fl_error_prefix("not cosigning: ");
	if ((err = fl_store_checkpoint_get(s, 0, size_out, &note)) < 0)
		goto done;
	if ((err = fl_store_cosignatures(s, *size_out, &existing)) < 0)
		goto done;
	{
		/* One cosignature per auditor key per checkpoint. */
		fl_buf prefix = FL_BUF_INIT;
		if ((err = fl_buf_printf(&prefix, "\xe2\x80\x94 %s ", k->name)) == 0 && existing.len &&
		    strstr(fl_buf_cstr(&existing), fl_buf_cstr(&prefix)))
			err = fl_error_set(FL_EEXISTS, "%s has already cosigned the checkpoint at size "
						       "%" PRIu64, k->name, *size_out);
		fl_buf_free(&prefix);
		if (err < 0)
			goto done;
	}
	if ((err = fl_note_split((const char *)note.data, note.len, &text_len)) < 0 ||
	    (err = fl_note_cosign(line, (const char *)note.data, text_len, k->name, signer,
				  timestamp)) < 0)
		goto done;
	err = fl_store_cosignature_put(s, *size_out, k->name, fl_buf_cstr(line));
done:
	fl_buf_free(&note);
	fl_buf_free(&existing);
	return err;
}

int fl_audit_inclusion_proof(fl_buf *out, fl_ledger *l, uint64_t seq, uint64_t size)
{
	fl_store *s = fl_ledger_store(l);
	fl_tree_reader r;
	fl_buf note = FL_BUF_INIT, canon = FL_BUF_INIT;
	fl_hash path[FL_MERKLE_MAX_PROOF];
	uint64_t cp_size;
	size_t n;
	int err;

	fl_tree_reader_init(&r, s);
	if ((err = fl_audit_checkpoint(l, size, &cp_size, &note)) < 0)
		goto done;
	if (seq == 0 || seq > cp_size) {
		err = fl_error_set(FL_EINVALID, "entry %" PRIu64 " is not in the checkpoint of size "
						"%" PRIu64, seq, cp_size);
		goto done;
	}
	if ((err = fl_store_get(s, seq, &canon, NULL)) < 0 ||
	    (err = fl_merkle_inclusion_proof(fl_tree_node, &r, seq - 1, cp_size, path, &n)) < 0)
		goto done;
	err = fl_tlog_proof_format(out, seq - 1, (const fl_hash *)path, n, canon.data, canon.len,
				   (const char *)note.data, note.len);
done:
	fl_tree_reader_free(&r);
	fl_buf_free(&note);
	fl_buf_free(&canon);
	return err;
}

int fl_audit_consistency_proof(fl_buf *out, fl_ledger *l, uint64_t from, uint64_t to)
{
	fl_store *s = fl_ledger_store(l);
	fl_tree_reader r;
	fl_buf n1 = FL_BUF_INIT, n2 = FL_BUF_INIT;
	fl_hash path[FL_MERKLE_MAX_PROOF];
	uint64_t s1, s2;
	size_t n;
	int err;

	fl_tree_reader_init(&r, s);
	if (from == 0) {
		err = fl_error_set(FL_EINVALID, "a consistency proof starts at a size of at least 1");
		goto done;
	}
	if ((err = fl_audit_checkpoint(l, from, &s1, &n1)) < 0 ||
	    (err = fl_audit_checkpoint(l, to, &s2, &n2)) < 0)
		goto done;
	if (s1 > s2) {
		err = fl_error_set(FL_EINVALID, "size %" PRIu64 " is after %" PRIu64, s1, s2);
		goto done;
	}
	if ((err = fl_merkle_consistency_proof(fl_tree_node, &r, s1, s2, path, &n)) < 0)
		goto done;
	err = fl_consistency_proof_format(out, s1, s2, (const fl_hash *)path, n, (const char *)n1.data, n1.len,
					  (const char *)n2.data, n2.len);
done:
	fl_tree_reader_free(&r);
	fl_buf_free(&n1);
	fl_buf_free(&n2);
	return err;
}

/* Verifies a checkpoint note with the given keys: at least one plain note signature. */
static int verify_cp(const char *note, size_t len, const fl_vkey *keys, size_t n_keys,
		     fl_checkpoint *cp, size_t *sigs)
{
	fl_note_result r;
	size_t plain = 0;
	int err;
	if ((err = fl_note_verify(&r, note, len, keys, n_keys)) < 0)
		return err;
	for (size_t i = 0; i < r.n_verified; i++)
		if (r.verified[i]->type == FL_SIGTYPE_ED25519)
			plain++;
	if (plain == 0)
		return fl_error_set(FL_EVERIFY, "checkpoint: no signature by the log's key");
	*sigs += r.n_verified;
	return fl_checkpoint_parse(cp, note, r.text_len);
}

static int is_hex_text(const unsigned char *p, size_t n)
{
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		      (p[i] >= 'A' && p[i] <= 'F')))
			return 0;
	return 1;
}

int fl_audit_verify_proof(fl_proof_result *out, const char *data, size_t len,
			  const fl_vkey *keys, size_t n_keys, const void *entry, size_t entry_len)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (len >= 23 && memcmp(data, "c2sp.org/tlog-proof@v1\n", 23) == 0) {
		fl_tlog_proof p;
		fl_hash leaf;
		if ((err = fl_tlog_proof_parse(&p, data, len)) < 0)
			return err;
		out->inclusion = 1;
		if ((err = verify_cp(p.note, p.note_len, keys, n_keys, &out->cp, &out->signatures)) < 0)
			goto incl_done;
		if (entry) {
			const unsigned char *e = entry;
			/* The entry file may hold the bytes, or their hex (show --format hex). */
			if (is_hex_text(e, entry_len)) {
				size_t n = entry_len;
				while (n && (e[n - 1] == '\n' || e[n - 1] == '\r'))
					n--;
				if ((err = fl_buf_grow(&out->entry, n / 2)) < 0 ||
				    (err = fl_hex_decode(out->entry.data, n / 2, (const char *)e, n)) < 0)
					goto incl_done;
				out->entry.len = n / 2;
			} else if ((err = fl_buf_put(&out->entry, entry, entry_len)) < 0) {
				goto incl_done;
			}
			if (p.extra.len && (p.extra.len != out->entry.len ||
					    memcmp(p.extra.data, out->entry.data, p.extra.len) != 0)) {
				err = fl_error_set(FL_EVERIFY, "the entry given is not the one in the proof");
				goto incl_done;
			}
		} else if (p.extra.len) {
			if ((err = fl_buf_put(&out->entry, p.extra.data, p.extra.len)) < 0)
				goto incl_done;
		} else {
			err = fl_error_set(FL_EINVALID, "the proof carries no entry; give it with --entry");
			goto incl_done;
		}
		out->seq = p.index + 1;
		if ((err = fl_merkle_leaf_hash(leaf, out->entry.data, out->entry.len)) < 0 ||
		    (err = fl_merkle_verify_inclusion(leaf, p.index, out->cp.size, (const fl_hash *)p.path, p.n,
						      out->cp.root)) < 0)
			goto incl_done;
	incl_done:
		fl_tlog_proof_free(&p);
		return err;
	}
	if (len >= 32 && memcmp(data, "fundledger/consistency-proof@v1\n", 32) == 0) {
		fl_consistency_proof p;
		if ((err = fl_consistency_proof_parse(&p, data, len)) < 0)
			return err;
		if ((err = verify_cp(p.note1, p.note1_len, keys, n_keys, &out->old, &out->signatures)) < 0 ||
		    (err = verify_cp(p.note2, p.note2_len, keys, n_keys, &out->cp, &out->signatures)) < 0)
			return err;
		if (strcmp(out->old.origin, out->cp.origin) != 0)
			return fl_error_set(FL_EVERIFY, "the two checkpoints are of different logs");
		if (out->old.size != p.size1 || out->cp.size != p.size2)
			return fl_error_set(FL_EVERIFY, "the sizes line does not match the checkpoints");
		return fl_merkle_verify_consistency(p.size1, p.size2, out->old.root, out->cp.root,
						    (const fl_hash *)p.path, p.n);
	}
	return fl_error_set(FL_EINVALID, "not a proof file (c2sp.org/tlog-proof@v1 or "
					 "fundledger/consistency-proof@v1)");
}

void fl_proof_result_free(fl_proof_result *r)
{
	fl_buf_free(&r->entry);
}

/* ---- export ---- */

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4200 + 32];
	FILE *f;
	int err = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wbx")))
		return fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
	if (len && fwrite(data, 1, len, f) != len)
		err = fl_error_set(FL_EIO, "%s: write failed", path);
	if ((fflush(f) != 0 || fsync(fileno(f)) != 0) && err == 0)
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
	if (fclose(f) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
	return err;
}

static int put_be(FILE *f, uint64_t v, int bytes)
{
	unsigned char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	return fwrite(x, 1, (size_t)bytes, f) == (size_t)bytes ? 0 : fl_error_set(FL_EIO, "write failed");
}

static int rm_tree(const char *dir)
{
	static const char *const files[] = {"MANIFEST", "entries", "entries.idx", "checkpoints",
					    "keys", "currencies"};
	char path[4200 + 32];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int fl_audit_export(fl_ledger *l, const char *dir, uint64_t *entries_out)
{
	fl_store *s = fl_ledger_store(l);
	const fl_config *cfg = fl_ledger_config(l);
	fl_store_iter *it = NULL;
	fl_store_cp_iter *cps = NULL;
	fl_buf text = FL_BUF_INIT;
	fl_verify_result vr;
	char tmp[4200], path[4200 + 32];
	FILE *entries = NULL, *index = NULL;
	struct stat st;
	fl_row row;
	uint64_t offset = 0, size;
	const char *cp;
	size_t cp_len;
	int err, rc, made = 0;

	if (!cfg)
		return fl_error_set(FL_EINVALID, "export needs a configuration");
	if (strlen(dir) > 4000)
		return fl_error_set(FL_EINVALID, "export path too long");
	if (stat(dir, &st) == 0)
		return fl_error_set(FL_EEXISTS, "%s already exists", dir);
	/* Export only what verifies, so that a bundle never carries damage forward silently. */
	if ((err = fl_verify_ledger(&vr, l, NULL)) < 0)
		return fl_error_prefix("not exporting: ");
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dir, (long)getpid());
	if (mkdir(tmp, 0755) != 0)
		return fl_error_set(FL_EIO, "%s: %s", tmp, strerror(errno));
	made = 1;
	snprintf(path, sizeof(path), "%s/entries", tmp);
	if (!(entries = fopen(path, "wbx"))) {
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	snprintf(path, sizeof(path), "%s/entries.idx", tmp);
	if (!(index = fopen(path, "wbx"))) {
		err = fl_error_set(FL_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if ((err = fl_store_iter_new(&it, s, NULL)) < 0)
		goto done;
	while ((rc = fl_store_iter_next(it, &row)) == 1) {
		fl_ledger_progress(l, row.seq, vr.entries);
		if ((err = put_be(index, offset, 8)) < 0 || (err = put_be(entries, row.canon_len, 4)) < 0)
			goto done;
		if (fwrite(row.canon, 1, row.canon_len, entries) != row.canon_len) {
			err = fl_error_set(FL_EIO, "write failed");
			goto done;
		}
		offset += 4 + (uint64_t)row.canon_len;
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	if (fflush(entries) != 0 || fsync(fileno(entries)) != 0 || fflush(index) != 0 ||
	    fsync(fileno(index)) != 0) {
		err = fl_error_set(FL_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	/* Checkpoints, each with its cosignatures. */
	if ((err = fl_store_cp_iter_new(&cps, s)) < 0)
		goto done;
	while ((rc = fl_store_cp_iter_next(cps, &size, &cp, &cp_len)) == 1) {
		if ((err = fl_buf_put(&text, cp, cp_len)) < 0 ||
		    (err = fl_store_cosignatures(s, size, &text)) < 0)
			goto done;
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	if ((err = write_file(tmp, "checkpoints", text.data, text.len)) < 0)
		goto done;
	fl_buf_reset(&text);
	for (size_t i = 0; i < cfg->n_keys && err == 0; i++) {
		if ((err = fl_buf_printf(&text, "%s ", fl_role_name(cfg->key_roles[i]))) == 0 &&
		    (err = fl_vkey_format(&text, &cfg->keys[i])) == 0)
			err = fl_buf_putc(&text, '\n');
	}
	if (err < 0 || (err = write_file(tmp, "keys", text.data, text.len)) < 0)
		goto done;
	fl_buf_reset(&text);
	for (size_t i = 0; i < cfg->n_currencies && err == 0; i++)
		err = fl_buf_printf(&text, "%s %u\n", cfg->currencies[i].code,
				    cfg->currencies[i].minor_units);
	if (err < 0 || (err = write_file(tmp, "currencies", text.data, text.len)) < 0)
		goto done;
	fl_buf_reset(&text);
	{
		char head[FL_HASH_HEX_LEN + 1];
		fl_hex_encode(head, vr.head, FL_HASH_LEN);
		if ((err = fl_buf_printf(&text, "fundledger-bundle/v1\norigin %s\nentries %" PRIu64
						"\nhead %s\nroot ",
					 fl_ledger_origin(l), vr.entries, head)) < 0 ||
		    (err = fl_base64_encode(&text, vr.root, FL_HASH_LEN)) < 0 ||
		    (err = fl_buf_putc(&text, '\n')) < 0 ||
		    (err = write_file(tmp, "MANIFEST", text.data, text.len)) < 0)
			goto done;
	}
	if (rename(tmp, dir) != 0) {
		err = fl_error_set(FL_EIO, "%s: %s", dir, strerror(errno));
		goto done;
	}
	made = 0;
	*entries_out = vr.entries;
done:
	fl_store_iter_free(it);
	fl_store_cp_iter_free(cps);
	if (entries && fclose(entries) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: close failed", tmp);
	if (index && fclose(index) != 0 && err == 0)
		err = fl_error_set(FL_EIO, "%s: close failed", tmp);
	if (made)
		rm_tree(tmp);
	fl_buf_free(&text);
	return err;
}
