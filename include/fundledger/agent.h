/*
 * agent.h: a signing agent, as ssh-agent is for SSH keys. `fundledger agent` unlocks the
 * treasurer's key once and signs on request over a Unix stream socket; writers connect to it
 * instead of paying for the key's PBKDF2 unlock in every process. The private key never
 * leaves the agent; every signature it returns is verified here before it is used.
 *
 * The protocol (docs/AGENT.md): one request per connection.
 *   request  version (1 byte, FL_AGENT_VERSION) | type (1 byte) | length (4 bytes, big endian)
 *            | body (length bytes)
 *   reply    version (1 byte) | status (1 byte) | length (4 bytes, big endian) | body
 * Types: FL_AGENT_PUBKEY (empty body; reply: the 32-byte Ed25519 public key) and
 * FL_AGENT_SIGN (body: the message, at most FL_AGENT_MSG_MAX bytes; reply: the 64-byte
 * signature). Status FL_AGENT_OK, or FL_AGENT_ERROR with a short text body (at most
 * FL_AGENT_ERROR_MAX bytes).
 */
#ifndef FUNDLEDGER_AGENT_H
#define FUNDLEDGER_AGENT_H

#include "crypto.h"
#include "error.h"

#define FL_AGENT_VERSION 1
#define FL_AGENT_PUBKEY 1
#define FL_AGENT_SIGN 2
#define FL_AGENT_OK 0
#define FL_AGENT_ERROR 1
#define FL_AGENT_HEADER_LEN 6
/* The largest message the agent signs (checkpoint notes and cosignatures are far smaller). */
#define FL_AGENT_MSG_MAX 65536
#define FL_AGENT_ERROR_MAX 256
/* How long the agent waits for a whole request, and a client for a whole reply. */
#define FL_AGENT_TIMEOUT_SECONDS 5

/*
 * A signer whose key is held by the agent listening at socket_path. Asks the agent for its
 * public key (which fl_signer_public then returns) after checking that the agent runs as this
 * process's effective uid. fl_signer_sign opens a connection per signature and verifies the
 * signature with that public key before returning it (FL_ECRYPTO when it does not verify);
 * fl_signer_free releases it. fl_signer_save refuses it. FL_EIO when the agent cannot be
 * reached or does not answer, FL_EINVALID for a path too long for a socket or an agent of
 * another uid, FL_ECRYPTO for a malformed reply or one refusing the request.
 */
int fl_signer_connect(fl_signer **out, const char *socket_path) FL_WARN_UNUSED;

/*
 * The agent's side. fl_agent_listen creates a listening Unix stream socket at path, mode 0600,
 * into *out. It refuses (FL_EINVALID) a parent directory not owned by this process's
 * effective uid or writable by group or others, and a path too long for a socket; FL_EEXISTS
 * when path exists; FL_EIO otherwise.
 */
int fl_agent_listen(int *out, const char *path) FL_WARN_UNUSED;

/*
 * Accepts one connection on listen_fd and answers its one request with signer s. A peer of
 * another uid than this process's effective uid is closed unanswered (FL_EINVALID); a
 * malformed, oversized or unknown request gets an error reply (FL_EINVALID); a peer that sends
 * nothing for FL_AGENT_TIMEOUT_SECONDS is dropped (FL_EIO). The connection is closed in every
 * case and the caller can go on serving; the error says what happened, for a log.
 */
int fl_agent_serve(int listen_fd, const fl_signer *s) FL_WARN_UNUSED;

#endif
