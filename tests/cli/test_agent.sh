#!/bin/sh
# tests/cli/test_agent.sh: the signing agent (fundledger agent, docs/AGENT.md).
#
# The agent unlocks the treasurer's key once and signs for writes that find it through
# $FUNDLEDGER_AGENT, with no passphrase and no key file in their environment; what they write
# verifies with the treasurer's verifier key. Its socket is 0600 in a 0700 directory, gone when
# it stops (SIGTERM, or --lifetime). It answers only its own uid (SO_PEERCRED), refuses garbage,
# unknown and oversized requests and goes on serving, and drops a client that sends nothing.
# A write refuses an agent holding a key the configuration does not list, an agent that has
# stopped (without asking for a passphrase), an agent of another uid, and an agent whose
# signature does not verify; each refusal leaves the ledger as it was.
# Agents are polled for with bounded loops (slow under valgrind) and all are stopped on exit.
. "$ROOT/tests/cli/lib.sh"
cd "$T" || exit 1

PEER="$T/agent_peer.py"
cp "$ROOT/tests/cli/agent_peer.py" "$PEER"
chmod 644 "$PEER"
PIDS=""
# Every agent and rogue this script started is stopped, and waited for, whatever happens.
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
}
trap 'stop_all; rm -rf "$T"' EXIT

# wait_for FILE PATTERN: waits (at most 120 s, for valgrind) until FILE holds PATTERN.
wait_for() {
	i=0
	while [ "$i" -lt 1200 ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_exit PID: waits (at most 120 s) until PID has exited; then `wait` gives its status.
# A child that has exited stays a zombie (state Z) until waited for.
wait_exit() {
	i=0
	while [ "$i" -lt 1200 ]; do
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ] && return 0
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
mode() { ls -ld "$1" | cut -c1-10; }
peer() { python3 "$PEER" client "$@"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# A python3 that uid 65534 may run (a python3 first on root's PATH may live under /root).
NOBODY_PY=/usr/bin/python3
[ -x "$NOBODY_PY" ] || NOBODY_PY=$(command -v python3)
# state: entries, checkpoints and verify's first line.
state() {
	echo "$(count) $(sqlite3 -readonly "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM checkpoints') \
$(fl verify 2>&1 | head -n 1)"
}
# nokey CMD...: CMD with neither a key file nor a passphrase in its environment, and no terminal
# input, so that only an agent can sign for it.
nokey() { env -u FUNDLEDGER_KEY -u FUNDLEDGER_PASSPHRASE "$@" </dev/null; }

expect 0 "init" fl init
expect 0 "a rate, signed with the key file" fl rate --currency EUR --rate 0.921 --date 2026-01-01
printf '%s\n' "$FUNDLEDGER_PASSPHRASE" >pass
chmod 600 pass
mkdir run && chmod 700 run
unset XDG_RUNTIME_DIR
export TMPDIR="$T/run"

# ---- usage ----
expect 2 "agent without a key is a usage error" nokey "$FUNDLEDGER" agent
contains "$ERR" "^fundledger: agent holds the treasurer's key: give it with -k KEYFILE or FUNDLEDGER_KEY$" \
	"and says how to give one"
expect 2 "--lifetime 0 is refused" fl agent --lifetime 0
expect 2 "--lifetime abc is refused" fl agent --lifetime abc
expect 2 "an extra argument is refused" fl agent extra
expect 3 "a wrong passphrase: no agent" env FUNDLEDGER_PASSPHRASE=wrong "$FUNDLEDGER" agent
contains "$ERR" "wrong passphrase" "the message says why"
same "$(ls -A run)" "" "and no socket directory is left behind"

# ---- the agent, started as a user would: eval "$(fundledger agent &)" ----
eval "$(env -u FUNDLEDGER_PASSPHRASE "$FUNDLEDGER" --passphrase-file pass agent 2>agent1.err &)"
wait_for agent1.err "pid [0-9]+$" || not_ok "the agent says it listens (it did not)"
A1PID=$(sed -n 's/.* pid \([0-9]*\)$/\1/p' agent1.err)
PIDS="$PIDS $A1PID"
case "${FUNDLEDGER_AGENT:-}" in
"$T"/run/fundledger-??????/agent.sock) ok "eval of its output sets FUNDLEDGER_AGENT ($FUNDLEDGER_AGENT)" ;;
*) not_ok "eval of its output sets FUNDLEDGER_AGENT (got '${FUNDLEDGER_AGENT:-}')" ;;
esac
A1=$FUNDLEDGER_AGENT
A1DIR=$(dirname "$A1")
same "$(mode "$A1")" "srw-------" "the socket has mode 0600"
same "$(mode "$A1DIR")" "drwx------" "in a fresh directory of mode 0700"
contains agent1.err "^fundledger agent: signing with test\.example/treasurer\+[0-9a-f]{8} \(treasurer in $T/fundledger\.yaml\) at $A1, pid [0-9]+$" \
	"stderr names the key, its role and the socket"

# ---- writes through it, with no passphrase and no key file ----
expect 0 "contribute signs through the agent" nokey "$FUNDLEDGER" contribute --donor USA \
	--fund UPRP --currency USD --amount 250000 --date 2026-02-02 --bank-ref US-1
contains "$OUT" "^recorded entry 2 \(contribution\)" "the contribution is entry 2"
expect 0 "pledge signs through the agent" nokey "$FUNDLEDGER" pledge --donor DEU --fund VFTC \
	--currency EUR --amount 1000.00 --years 2026 --date 2026-02-03
expect 0 "rate signs through the agent" nokey "$FUNDLEDGER" rate --currency EUR --rate 0.93 \
	--date 2026-02-04
same "$(count)" 4 "four entries"
expect 0 "verify" fl verify
contains "$OUT" "^root [^ ]+, 4 signed checkpoints, 0 cosignatures$" "verify: every checkpoint verifies"
fl checkpoint >cp
expect 0 "the latest checkpoint verifies with the treasurer's verifier key" \
	fl checkpoint verify --key "$(cat treasurer.vkey)" cp
contains "$OUT" "^checkpoint: origin .*, size 4, root " "the checkpoint covers the agent's writes"
expect 2 "without the agent, the same environment cannot write" \
	env -u FUNDLEDGER_AGENT -u FUNDLEDGER_KEY -u FUNDLEDGER_PASSPHRASE \
	"$FUNDLEDGER" rate --currency EUR --rate 0.94 --date 2026-02-05
contains "$ERR" "or a signing agent with FUNDLEDGER_AGENT$" "and the message mentions the agent"
same "$(count)" 4 "nothing written"

# ---- the protocol, by hand ----
PUBHEX=$(cut -d+ -f3- treasurer.vkey | openssl base64 -d -A | tail -c 32 | xxd -p | tr -d '\n')
same "$(peer "$A1" pubkey)" "ok 32 $PUBHEX" "a public key request returns the treasurer's public key"
same "$(peer "$A1" garbage)" "error unsupported protocol version (this agent speaks version 1)" \
	"garbage gets an error reply"
same "$(peer "$A1" version2)" "error unsupported protocol version (this agent speaks version 1)" \
	"version 2 gets an error reply"
same "$(peer "$A1" type9)" "error unknown request type" "an unknown request type gets an error reply"
same "$(peer "$A1" oversized)" "error message too long (at most 65536 bytes)" \
	"a sign request declaring 2 GiB is refused before it is read"
same "$(peer "$A1" pubkey-body)" "error a public key request has no body" \
	"a public key request with a body is refused"
same "$(peer "$A1" truncated)" "closed" "a request cut short is dropped"
same "$(peer "$A1" silent)" "closed" "a client that sends nothing is dropped after the timeout"
peer "$A1" sign >sig
SIG=$(cut -d' ' -f3 sig)
same "$(cut -d' ' -f1-2 sig)" "ok 64" "the agent still serves: a signature of 64 bytes"
printf '302a300506032b6570032100%s' "$PUBHEX" | xxd -r -p >pub.der
printf '%s' "$SIG" | xxd -r -p >sig.bin
printf 'hello' >msg
expect 0 "the signature verifies with openssl" \
	openssl pkeyutl -verify -pubin -keyform DER -inkey pub.der -rawin -in msg -sigfile sig.bin
contains agent1.err "^fundledger agent: refused a request: message too long" \
	"the agent logs what it refused"
expect 0 "and writes still sign through it" nokey "$FUNDLEDGER" rate --currency EUR \
	--rate 0.95 --date 2026-02-06
same "$(count)" 5 "five entries"

# ---- SO_PEERCRED: another uid gets nothing, even when it can reach the socket ----
chmod 711 "$T" "$T/run" "$A1DIR"
chmod 666 "$A1"
same "$(as_nobody "$NOBODY_PY" "$PEER" client "$A1" pubkey)" "closed" \
	"uid 65534 gets no public key from root's agent"
same "$(as_nobody "$NOBODY_PY" "$PEER" client "$A1" sign)" "closed" "nor a signature"
contains agent1.err "^fundledger agent: refused a connection from uid 65534 \(not 0\)$" \
	"the agent logs the refused uid"
chmod 700 "$T" "$T/run" "$A1DIR"
chmod 600 "$A1"
same "$(peer "$A1" pubkey)" "ok 32 $PUBHEX" "and still serves its own uid"

# ---- an agent holding another key ----
"$FUNDLEDGER" key generate --name test.example/other --out other.key >/dev/null 2>&1 &&
	fast_key other.key
mkdir sock && chmod 700 sock
"$FUNDLEDGER" -k other.key agent --socket "$T/sock/other.sock" >agent2.out 2>agent2.err </dev/null &
PIDS="$PIDS $!"
A2PID=$!
wait_for agent2.out "^FUNDLEDGER_AGENT=" || not_ok "the second agent listens (it did not)"
same "$(cat agent2.out)" "FUNDLEDGER_AGENT=$T/sock/other.sock; export FUNDLEDGER_AGENT" \
	"--socket: the line names that path"
same "$(mode sock/other.sock)" "srw-------" "--socket: mode 0600"
contains agent2.err "^fundledger agent: warning: the key other\.key \(Ed25519 public key [A-Za-z0-9+/=]{44}\) is not listed in $T/fundledger\.yaml" \
	"the agent warns that the configuration does not list its key"
BEFORE=$(state)
expect 2 "a write through an agent with an unlisted key is refused" \
	nokey FUNDLEDGER_AGENT="$T/sock/other.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.96 --date 2026-02-07
same "$(cat "$ERR")" "fundledger: this key is not an authorised treasurer key in $T/fundledger.yaml" \
	"the message says the key is not authorised"
same "$(state)" "$BEFORE" "nothing written"

# ---- --socket refusals ----
expect 2 "--socket refuses an existing path" fl agent --socket "$T/sock/other.sock"
contains "$ERR" "^fundledger: $T/sock/other\.sock exists; remove it, or choose another path$" \
	"and says so"
mkdir open && chmod 770 open
expect 2 "--socket refuses a directory its group may write" fl agent --socket "$T/open/a.sock"
contains "$ERR" "^fundledger: $T/open: the agent's socket must be in a directory of its own user that group and others cannot write \(owner uid 0, mode 0770\)$" \
	"and says why"
mkdir theirs && chown 65534 theirs && chmod 700 theirs
expect 2 "--socket refuses a directory of another user" fl agent --socket "$T/theirs/a.sock"
contains "$ERR" "owner uid 65534, mode 0700" "and says whose it is"
same "$(ls -A open theirs)" "open:

theirs:" "no socket was made in either"

# ---- SIGTERM stops an agent and removes its socket and directory ----
kill -TERM "$A2PID"
wait_exit "$A2PID" || not_ok "the second agent exits on SIGTERM (it did not)"
wait "$A2PID"
same "$?" 0 "SIGTERM: the agent exits 0"
same "$([ -e sock/other.sock ] || echo gone)" gone "SIGTERM: its socket is removed"
same "$([ -d sock ] && echo kept)" kept "and the directory it did not make is kept"
contains agent2.err "^fundledger agent: stopped \(signal\)$" "SIGTERM: it says it stopped"
kill -TERM "$A1PID"
wait_exit "$A1PID" || not_ok "the first agent exits on SIGTERM (it did not)"
same "$([ -e "$A1" ] || echo gone)" gone "the default socket is removed"
same "$([ -e "$A1DIR" ] || echo gone)" gone "and so is the directory the agent made"
same "$(ls -A run)" "" "nothing is left under TMPDIR"

# ---- a stopped agent: a clear error, no prompt, nothing written ----
BEFORE=$(state)
expect 3 "a write through a stopped agent fails" nokey "$FUNDLEDGER" rate --currency EUR \
	--rate 0.97 --date 2026-02-08
same "$(cat "$ERR")" "fundledger: cannot reach the signing agent at $A1: No such file or directory (FUNDLEDGER_AGENT); unset FUNDLEDGER_AGENT to use the key file" \
	"the message names the socket and says to unset FUNDLEDGER_AGENT"
expect 3 "even with a key file and its passphrase at hand, no fall back" \
	fl rate --currency EUR --rate 0.97 --date 2026-02-08
same "$(state)" "$BEFORE" "nothing written"
unset FUNDLEDGER_AGENT

# ---- --lifetime ----
"$FUNDLEDGER" agent --lifetime 1 --socket sock/short.sock >agent3.out 2>agent3.err </dev/null &
A3PID=$!
PIDS="$PIDS $A3PID"
wait_exit "$A3PID" || not_ok "--lifetime 1: the agent ends by itself (it did not)"
wait "$A3PID"
same "$?" 0 "--lifetime 1: the agent exits 0"
same "$(cat agent3.out)" "FUNDLEDGER_AGENT=$T/sock/short.sock; export FUNDLEDGER_AGENT" \
	"--lifetime 1: it listened first, and printed the relative --socket as an absolute path"
contains agent3.err "^fundledger agent: stopped \(lifetime ended\)$" "--lifetime 1: it says why it stopped"
same "$([ -e sock/short.sock ] || echo gone)" gone "--lifetime 1: its socket is removed"

# ---- SIGINT and SIGHUP: taken when they are not ignored, left alone when they are ----
# A shell ignores SIGINT for a background job of a command substitution (the documented
# `eval "$(fundledger agent &)"`), and nohup ignores SIGHUP: such an agent must survive them.
sh -c 'trap "" INT HUP; exec "$0" agent --socket "$1" >agent4.out 2>agent4.err </dev/null' \
	"$FUNDLEDGER" "$T/sock/ign.sock" &
A4PID=$!
PIDS="$PIDS $A4PID"
wait_for agent4.out "^FUNDLEDGER_AGENT=" || not_ok "the agent with SIGINT and SIGHUP ignored listens (it did not)"
kill -INT "$A4PID"
kill -HUP "$A4PID"
i=0
while [ "$i" -lt 20 ] && kill -0 "$A4PID" 2>/dev/null &&
	[ "$(sed 's/.*) //' "/proc/$A4PID/stat" 2>/dev/null | cut -c1)" != Z ]; do
	sleep 0.1
	i=$((i + 1))
done
same "$(sed 's/.*) //' "/proc/$A4PID/stat" 2>/dev/null | cut -c1 | tr -d 'Z' | grep -c .)" 1 \
	"an agent started with SIGINT and SIGHUP ignored is still running 2 s after both"
BEFORE=$(count)
expect 0 "and it still signs" nokey env \
	FUNDLEDGER_AGENT="$T/sock/ign.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.96 --date 2026-01-20
same "$(count)" $((BEFORE + 1)) "its write is recorded"
kill -TERM "$A4PID"
wait_exit "$A4PID" || not_ok "it still exits on SIGTERM (it did not)"
# A background job of a script starts with SIGINT ignored, which sh cannot undo: python3 sets
# it back to the default before starting the agent.
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$FUNDLEDGER" agent --socket "$T/sock/int.sock" \
	>agent5.out 2>agent5.err </dev/null &
A5PID=$!
PIDS="$PIDS $A5PID"
wait_for agent5.out "^FUNDLEDGER_AGENT=" || not_ok "the fifth agent listens (it did not)"
kill -INT "$A5PID"
wait_exit "$A5PID" || not_ok "an agent whose SIGINT is not ignored exits on it (it did not)"
wait "$A5PID"
same "$?" 0 "SIGINT, when not ignored, stops the agent cleanly (exit 0)"
same "$([ -e sock/int.sock ] || echo gone)" gone "and removes its socket"

# ---- rogue agents ----
# rogue MODE: a fake agent at $T/sock/rogue.sock that reports the treasurer's public key.
rogue() {
	rm -f sock/rogue.sock sock/ready
	python3 "$PEER" rogue "$T/sock/rogue.sock" "$PUBHEX" "$1" "$T/sock/ready" >/dev/null 2>&1 &
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for sock/ready ready || not_ok "the rogue agent listens (it did not)"
}
BEFORE=$(state)
rogue badsig
expect 3 "a signature that does not verify fails the write" \
	nokey FUNDLEDGER_AGENT="$T/sock/rogue.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.98 --date 2026-02-09
same "$(cat "$ERR")" "fundledger: the signing agent at $T/sock/rogue.sock returned a signature that does not verify with its public key; nothing was signed" \
	"the message says the agent's signature does not verify"
same "$(state)" "$BEFORE" "nothing stored"
kill "$RPID"
rogue short
expect 3 "a signature of 10 bytes fails the write" \
	nokey FUNDLEDGER_AGENT="$T/sock/rogue.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.98 --date 2026-02-09
contains "$ERR" "sent a malformed reply \(status 0, 10 bytes\)$" "as a malformed reply"
kill "$RPID"
rogue error
expect 3 "an agent's error reply fails the write" \
	nokey FUNDLEDGER_AGENT="$T/sock/rogue.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.98 --date 2026-02-09
contains "$ERR" "^fundledger: the signing agent at $T/sock/rogue\.sock refused: key locked$" \
	"with the agent's reason"
same "$(state)" "$BEFORE" "nothing stored"
kill "$RPID"
# An agent of another uid is refused by the client, whatever it would sign.
mkdir nob && chown 65534:65534 nob && chmod 700 nob && chmod 711 "$T"
# setpriv itself, not the as_nobody function: $! must be the process that becomes python.
setpriv --reuid=65534 --regid=65534 --clear-groups "$NOBODY_PY" "$PEER" rogue \
	"$T/nob/rogue.sock" "$PUBHEX" badsig "$T/nob/ready" >/dev/null 2>&1 &
RPID=$!
PIDS="$PIDS $RPID"
wait_for nob/ready ready || not_ok "nobody's agent listens (it did not)"
expect 2 "an agent running as another uid is refused" \
	nokey FUNDLEDGER_AGENT="$T/nob/rogue.sock" "$FUNDLEDGER" rate --currency EUR --rate 0.98 --date 2026-02-09
contains "$ERR" "^fundledger: the signing agent at $T/nob/rogue\.sock runs as uid 65534, not as uid 0; refusing it" \
	"the message names both uids"
same "$(state)" "$BEFORE" "nothing stored"
chmod 700 "$T"
stop_all
