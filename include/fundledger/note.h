/*
 * note.h: C2SP signed notes, verifier keys, checkpoints, cosignatures and proof files.
 *
 *   signed note     text ending in "\n", a blank line, then lines "— NAME BASE64(id || sig)\n"
 *   key ID          first 4 bytes (big-endian) of SHA-256(NAME || "\n" || type || public key)
 *   verifier key    NAME+XXXXXXXX+BASE64(type || public key)
 *   checkpoint      note text "ORIGIN\nSIZE\nBASE64(ROOT)\n" [extension lines]
 *   cosignature     type 0x04: signs "cosignature/v1\ntime T\n" || checkpoint text; the
 *                   signature field is T (u64be) || Ed25519 signature
 *   tlog-proof      "c2sp.org/tlog-proof@v1\n" ["extra B64\n"] "index N\n" B64 hash lines,
 *                   "\n", then the signed checkpoint
 *
 * Verification follows the C2SP rules: signatures from unknown (name, key ID) pairs are
 * ignored; a known key whose signature fails rejects the note; at least one known signature
 * must verify; control characters other than "\n" and malformed lines are rejected.
 */
#ifndef FUNDLEDGER_NOTE_H
#define FUNDLEDGER_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "merkle.h"

#define FL_KEY_NAME_MAX 128
#define FL_NOTE_MAX_SIGS 64
#define FL_NOTE_MAX_LEN (64 * 1024)
#define FL_ORIGIN_LEN_MAX 255

/* Signature types of C2SP signed-note. */
enum { FL_SIGTYPE_ED25519 = 0x01, FL_SIGTYPE_COSIGNATURE = 0x04 };

/* A verifier key: who may sign, and how. */
typedef struct {
	char name[FL_KEY_NAME_MAX + 1];
	unsigned char type; /* FL_SIGTYPE_* */
	uint32_t id;
	unsigned char pub[FL_ED25519_PUB_LEN];
} fl_vkey;

/* 0 when name is a valid key name: non-empty UTF-8, no spaces, '+' or control characters. */
int fl_key_name_check(const char *name) FL_WARN_UNUSED;

/* Builds a verifier key (computing its key ID). */
int fl_vkey_make(fl_vkey *out, const char *name, unsigned char type,
		 const unsigned char pub[FL_ED25519_PUB_LEN]) FL_WARN_UNUSED;

/* Parses NAME+XXXXXXXX+BASE64; the ID must match the one computed from the key. */
int fl_vkey_parse(fl_vkey *out, const char *s, size_t len) FL_WARN_UNUSED;

/* Appends the NAME+XXXXXXXX+BASE64 form. */
int fl_vkey_format(fl_buf *out, const fl_vkey *k) FL_WARN_UNUSED;

/* Appends a signature line "— NAME BASE64\n" over note text. */
int fl_note_sign(fl_buf *out, const char *text, size_t len, const char *name,
		 const fl_signer *s) FL_WARN_UNUSED;

/* Appends a tlog-cosignature/v1 line over checkpoint text, made at `timestamp`. */
int fl_note_cosign(fl_buf *out, const char *text, size_t len, const char *name,
		   const fl_signer *s, uint64_t timestamp) FL_WARN_UNUSED;

/* What fl_note_verify found. */
typedef struct {
	size_t text_len;                        /* the signed text is note[0..text_len) */
	size_t n_sigs;                          /* signature lines in the note */
	size_t n_verified;                      /* of which verified by a known key */
	const fl_vkey *verified[FL_NOTE_MAX_SIGS];
	uint64_t timestamp[FL_NOTE_MAX_SIGS];   /* cosignature times (0 for plain signatures) */
} fl_note_result;

/*
 * Verifies a signed note against known keys (plain Ed25519 and cosignature keys alike).
 * 0 when at least one known signature verifies and none fails; FL_EVERIFY when a known
 * signature fails or none is known; FL_EINVALID for a malformed note.
 */
int fl_note_verify(fl_note_result *out, const char *note, size_t len, const fl_vkey *keys,
		   size_t n_keys) FL_WARN_UNUSED;

/* Splits a note into text and signature block without verifying; FL_EINVALID if malformed. */
int fl_note_split(const char *note, size_t len, size_t *text_len) FL_WARN_UNUSED;

/*
 * fundledger's checkpoint extension line: "fundledger.previous <size>", the size of the
 * checkpoint signed before this one (0 for the first), so that the checkpoints form a chain.
 */
#define FL_CHECKPOINT_PREVIOUS "fundledger.previous"

typedef struct {
	char origin[FL_ORIGIN_LEN_MAX + 1];
	uint64_t size;
	fl_hash root;
	int has_previous;  /* a "fundledger.previous" extension line was present */
	uint64_t previous;
} fl_checkpoint;

/* Appends the checkpoint text "ORIGIN\nSIZE\nBASE64\n". */
int fl_checkpoint_format(fl_buf *out, const fl_checkpoint *c) FL_WARN_UNUSED;

/*
 * Parses checkpoint text (a note's text). Extension lines are allowed; fundledger.previous is
 * read into has_previous/previous, and refused when malformed or given twice.
 */
int fl_checkpoint_parse(fl_checkpoint *out, const char *text, size_t len) FL_WARN_UNUSED;

/* A parsed c2sp.org/tlog-proof@v1 file; note points into the parsed input. */
typedef struct {
	uint64_t index;
	fl_hash path[FL_MERKLE_MAX_PROOF];
	size_t n;
	fl_buf extra;       /* decoded extra data (empty when absent); owned */
	const char *note;   /* the signed checkpoint */
	size_t note_len;
} fl_tlog_proof;

int fl_tlog_proof_format(fl_buf *out, uint64_t index, const fl_hash *path, size_t n,
			 const void *extra, size_t extra_len, const char *note,
			 size_t note_len) FL_WARN_UNUSED;
/* Parses; release with fl_tlog_proof_free. FL_EINVALID if malformed. */
int fl_tlog_proof_parse(fl_tlog_proof *out, const char *data, size_t len) FL_WARN_UNUSED;
void fl_tlog_proof_free(fl_tlog_proof *p);

/*
 * fundledger's consistency proof file (docs/FORMAT.md): "fundledger/consistency-proof@v1\n",
 * "sizes M N\n", base64 hash lines, "\n", the signed checkpoint at M, the one at N.
 */
typedef struct {
	uint64_t size1, size2;
	fl_hash path[FL_MERKLE_MAX_PROOF];
	size_t n;
	const char *note1, *note2; /* point into the parsed input */
	size_t note1_len, note2_len;
} fl_consistency_proof;

int fl_consistency_proof_format(fl_buf *out, uint64_t size1, uint64_t size2, const fl_hash *path,
				size_t n, const char *note1, size_t len1, const char *note2,
				size_t len2) FL_WARN_UNUSED;
int fl_consistency_proof_parse(fl_consistency_proof *out, const char *data,
			       size_t len) FL_WARN_UNUSED;

#endif
