/*
 * crypto_int.h: the one internal door into fl_signer for signers whose private key lives
 * elsewhere (ledger/agent.c: a key held by `fundledger agent`).
 *
 * A delegated signer has no key of its own: fl_signer_public returns the public key given
 * here, fl_signer_sign calls `sign`, and fl_signer_free calls `release` on `ctx`. It cannot
 * be saved (fl_signer_save refuses it). `sign` fills sig and returns 0, or returns a negative
 * FL_E* code with the error set; it must itself check that sig verifies with pub.
 */
#ifndef FUNDLEDGER_CRYPTO_INT_H
#define FUNDLEDGER_CRYPTO_INT_H

#include "fundledger/crypto.h"

typedef int (*fl_signer_sign_fn)(void *ctx, unsigned char sig[FL_ED25519_SIG_LEN],
				 const void *msg, size_t len);
typedef void (*fl_signer_release_fn)(void *ctx);

/*
 * A signer that delegates to sign(ctx, ...). On success *out owns ctx (released with
 * fl_signer_free); on failure the caller still owns it. 0 or FL_ENOMEM.
 */
int fl_signer_delegate(fl_signer **out, const unsigned char pub[FL_ED25519_PUB_LEN],
		       fl_signer_sign_fn sign, fl_signer_release_fn release,
		       void *ctx) FL_WARN_UNUSED;

#endif
