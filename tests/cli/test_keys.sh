#!/bin/sh
# tests/cli/test_keys.sh: private keys (fundledger key generate, and their loading for a write).
# A key is an Ed25519 key in encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256 at 600000
# iterations, AES-256-CBC), written with mode 0600 and never over an existing file; its
# verifier key is the C2SP one. Loading refuses symbolic links, keys readable by group or
# others, unencrypted keys and wrong passphrases, and says where a passphrase can come from when
# there is none. Each refused write leaves the ledger as it was.
. "$ROOT/tests/cli/lib.sh"
cd "$T" || exit 1
expect 0 "init" fl init

# mode FILE: the permission string of FILE, e.g. -rw-------.
mode() { ls -ld "$1" | cut -c1-10; }
# b64hex B64: the bytes of a base64 string, in hex.
b64hex() { printf '%s\n' "$1" | openssl base64 -d -A | xxd -p | tr -d '\n'; }
# state: entries, checkpoints and verify's first line.
state() {
	echo "$(count) $(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM checkpoints') \
$(fl verify 2>&1 | head -n 1)"
}
# write [ARGS...]: one small write (a rate for a new day each time), with global ARGS first.
day=10
write() {
	day=$((day + 1))
	"$FUNDLEDGER" "$@" rate --currency EUR --rate 0.921 --date "2026-01-$day"
}

# ---- key generate ----
(umask 0 && "$FUNDLEDGER" key generate --name test.example/k1 --out k1.key >"$OUT" 2>"$ERR")
same "$?" 0 "key generate (under umask 0)"
same "$(mode k1.key)" "-rw-------" "the key file has mode 0600 whatever the umask"
contains "$OUT" '^test\.example/k1\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' "stdout: the verifier key NAME+ID+KEY"
VK1=$(cat "$OUT")
same "$(cat "$ERR")" "wrote k1.key: Ed25519, PKCS#8 encrypted with PBKDF2-HMAC-SHA256 (600000 iterations) \
and AES-256-CBC, mode 0600
add this verifier key to the configuration's keys, with role treasurer:" "stderr: what was written"
same "$(head -n 1 k1.key)" "-----BEGIN ENCRYPTED PRIVATE KEY-----" "the file starts as encrypted PKCS#8 PEM"
same "$(tail -n 1 k1.key)" "-----END ENCRYPTED PRIVATE KEY-----" "and ends as one"

# What openssl sees in it.
openssl asn1parse -in k1.key >asn1 2>&1
contains asn1 ':PBES2$' "asn1parse: PBES2"
contains asn1 ':PBKDF2$' "asn1parse: PBKDF2"
contains asn1 'prim: INTEGER +:0927C0$' "asn1parse: 0x0927C0 = 600000 iterations"
contains asn1 ':hmacWithSHA256$' "asn1parse: PBKDF2 with HMAC-SHA256"
contains asn1 ':aes-256-cbc$' "asn1parse: AES-256-CBC"
expect 0 "openssl decrypts it with the passphrase" \
	openssl pkcs8 -in k1.key -passin env:FUNDLEDGER_PASSPHRASE -topk8 -nocrypt
same "$(head -n 1 "$OUT")" "-----BEGIN PRIVATE KEY-----" "decrypted: a plain PKCS#8 key"
cp "$OUT" k1.plain
chmod 600 k1.plain
openssl pkey -in k1.plain -noout -text >k1.text 2>&1
contains k1.text "^ED25519 Private-Key:" "decrypted: an Ed25519 key"
if FUNDLEDGER_PASSPHRASE=wrong openssl pkcs8 -in k1.key -passin env:FUNDLEDGER_PASSPHRASE \
	-topk8 -nocrypt >/dev/null 2>&1; then
	not_ok "openssl refuses the wrong passphrase (it decrypted)"
else
	ok "openssl refuses the wrong passphrase"
fi
# The verifier key is C2SP's: base64(0x01 || public key), key ID = SHA-256(name "\n" 0x01 key)[0:4].
PUB=$(openssl pkey -in k1.plain -pubout -outform DER | tail -c 32 | xxd -p | tr -d '\n')
same "$(b64hex "$(echo "$VK1" | cut -d+ -f3-)")" "01$PUB" "the verifier key holds type 0x01 and the public key"
ID=$({ printf 'test.example/k1\n'; printf '01%s' "$PUB" | xxd -r -p; } | sha256sum | cut -c1-8)
same "$(echo "$VK1" | cut -d+ -f2)" "$ID" "the key ID is the first 4 bytes of SHA-256(name, 0x0a, 0x01, key)"

cp k1.key k1.copy
expect 2 "key generate refuses an existing file" fl key generate --name test.example/k1 --out k1.key
same "$(cat "$ERR")" "fundledger: k1.key: File exists" "refused: the file exists"
same "$(cmp k1.key k1.copy && echo same)" same "the existing key is untouched"
same "$(cat "$OUT")" "" "no verifier key printed"
ln -s nowhere.key dangling.key
expect 2 "key generate refuses a symbolic link, even a dangling one" \
	fl key generate --name test.example/k1 --out dangling.key
same "$([ -e nowhere.key ] || echo absent)" absent "nothing written through the link"
expect 0 "key generate with the default file name" fl key generate --name test.example/k2
contains "$ERR" "^wrote k2\.key: " "the default file is NAME's last part, .key"
same "$(mode k2.key)" "-rw-------" "k2.key: mode 0600"
expect 0 "key generate --role auditor" fl key generate --name test.example/a1 --role auditor --out a1.key
VKA=$(cat "$OUT")
same "$(b64hex "$(echo "$VKA" | cut -d+ -f3-)" | cut -c1-2)" 04 "an auditor key is a cosignature key (type 0x04)"
contains "$ERR" "with role auditor:$" "stderr: role auditor"
expect 2 "key generate --role other is refused" fl key generate --name test.example/x --role other --out x.key
expect 2 "a key name with a space is refused" fl key generate --name "bad name" --out x.key
expect 2 "a key name with '+' is refused" fl key generate --name "bad+name" --out x.key
expect 2 "key generate without --name is refused" fl key generate --out x.key
same "$([ -e x.key ] || echo absent)" absent "no key file from the refused commands"

# ---- the verifier key goes into the configuration, and the key signs ----
printf '  - vkey: "%s"\n    role: treasurer\n' "$VK1" >>fundledger.yaml
BEFORE=$(state)
expect 0 "a write signed with the new key" write -k k1.key
same "$(count)" 1 "one entry"
fl checkpoint >cp1
contains cp1 "^— test\.example/k1 " "the checkpoint is signed by test.example/k1"
same "$(sed -n 4p cp1)" "fundledger.previous 0" "the first checkpoint follows none"
expect 0 "the new verifier key verifies the checkpoint" fl checkpoint verify --key "$VK1" cp1
expect 0 "verify" fl verify
contains "$OUT" "^root [^ ]+, 1 signed checkpoints, 0 cosignatures$" "verify: one checkpoint"

# ---- loading refuses ----
BEFORE=$(state)
# refused CODE REGEX DESCRIPTION ARGS...: a write with the global ARGS exits CODE, says REGEX,
# and writes nothing.
refused() {
	rcode=$1
	rre=$2
	rdesc=$3
	shift 3
	expect "$rcode" "$rdesc" write "$@"
	contains "$ERR" "$rre" "$rdesc: the message"
	same "$(state)" "$BEFORE" "$rdesc: nothing written"
}
ln -s k1.key link.key
refused 2 "^fundledger: link\.key: refusing a private key reached through a symbolic link$" \
	"a key reached through a symbolic link is refused" -k link.key
chmod 640 k1.key
refused 2 "^fundledger: k1\.key: private key is accessible by group or others \(mode 0640\); run chmod 600$" \
	"a key readable by its group (0640) is refused" -k k1.key
chmod 604 k1.key
refused 2 "^fundledger: k1\.key: private key is accessible by group or others \(mode 0604\); run chmod 600$" \
	"a key readable by others (0604) is refused" -k k1.key
chmod 600 k1.key
PASS=$FUNDLEDGER_PASSPHRASE
FUNDLEDGER_PASSPHRASE=wrong
refused 3 "^fundledger: k1\.key: wrong passphrase, or a damaged key file$" \
	"a wrong passphrase is refused" -k k1.key
FUNDLEDGER_PASSPHRASE=$PASS
printf 'wrong\n' >wrong.pass
chmod 600 wrong.pass
refused 3 "^fundledger: k1\.key: wrong passphrase, or a damaged key file$" \
	"a wrong passphrase from a file is refused" -k k1.key --passphrase-file wrong.pass
refused 2 "^fundledger: k1\.plain: not an encrypted PKCS#8 key$" \
	"an unencrypted key is refused" -k k1.plain
# A damaged key: one base64 character of the encrypted key changed (line 5 of the PEM).
awk 'NR == 5 { c = substr($0, 10, 1) == "A" ? "B" : "A"; $0 = substr($0, 1, 9) c substr($0, 11) }
	{ print }' \
	k1.key >damaged.key
chmod 600 damaged.key
refused 3 "^fundledger: damaged\.key: wrong passphrase, or a damaged key file$" \
	"a damaged key is refused" -k damaged.key
mkdir dir.key
refused 2 "^fundledger: dir\.key: a private key must be a regular file$" \
	"a directory is not a key" -k dir.key
refused 3 "^fundledger: missing\.key: No such file or directory$" "a missing key file" -k missing.key
refused 2 "^fundledger: this key is not an authorised treasurer key in " \
	"an auditor key cannot sign the log" -k a1.key
refused 2 "^fundledger: this key is not an authorised treasurer key in " \
	"a key not in the configuration cannot sign the log" -k k2.key
if [ "$(id -u)" -eq 0 ]; then
	cp -p k1.key theirs.key
	chown 65534 theirs.key
	refused 2 "^fundledger: theirs\.key: private key is owned by another user$" \
		"a key owned by another user is refused" -k theirs.key
else
	echo "ok - # SKIP a key owned by another user: needs root to chown the file"
fi
# The refused loads wrote nothing (their checks are above); a key of mode 0400 is fine.
chmod 400 k1.key
expect 0 "a read-only key (0400) is accepted" write -k k1.key
chmod 600 k1.key
same "$(count)" 2 "two entries"

# ---- where the passphrase comes from ----
printf '%s\n' "$FUNDLEDGER_PASSPHRASE" >good.pass
printf '%s\r\n' "$FUNDLEDGER_PASSPHRASE" >crlf.pass
: >empty.pass
expect 0 "--passphrase-file, with FUNDLEDGER_PASSPHRASE unset" \
	env -u FUNDLEDGER_PASSPHRASE "$FUNDLEDGER" --passphrase-file good.pass \
	rate --currency JPY --rate 156.5 --date 2026-01-01
expect 0 "--passphrase-file wins over a wrong FUNDLEDGER_PASSPHRASE" \
	env FUNDLEDGER_PASSPHRASE=wrong "$FUNDLEDGER" --passphrase-file good.pass \
	rate --currency JPY --rate 156.6 --date 2026-01-02
expect 0 "a passphrase file ending in CR LF" write --passphrase-file crlf.pass
same "$(count)" 5 "five entries"
# The chain of checkpoints runs across signing keys: 2 was signed by k1, 3 by the treasurer.
fl checkpoint --size 2 >cp2
fl checkpoint --size 3 >cp3
same "$(sed -n 4p cp2; grep -c '^— test\.example/k1 ' cp2)" "fundledger.previous 1
1" "the checkpoint at 2: signed by test.example/k1, after the one at 1"
same "$(sed -n 4p cp3; grep -c '^— test\.example/treasurer ' cp3)" "fundledger.previous 2
1" "the checkpoint at 3: signed by test.example/treasurer, after the one at 2"
BEFORE=$(state)
refused 2 "^fundledger: empty passphrase$" "an empty passphrase file is refused" \
	--passphrase-file empty.pass
refused 3 "^fundledger: nope\.pass: No such file or directory$" "a missing passphrase file" \
	--passphrase-file nope.pass

# No passphrase anywhere and no terminal: a clear error, not a hang. setsid puts the command in
# a new session, which has no controlling terminal, and stdin is /dev/null.
NOPASS="fundledger: no passphrase: use --passphrase-file, set FUNDLEDGER_PASSPHRASE, or run from a terminal"
if command -v setsid >/dev/null 2>&1; then
	NOTTY="setsid -w"
else
	echo "# setsid is missing: running without it (the test still needs no terminal to pass)"
	NOTTY=""
fi
expect 2 "a write with no passphrase and no terminal is refused" \
	env -u FUNDLEDGER_PASSPHRASE $NOTTY "$FUNDLEDGER" rate --currency EUR --rate 0.95 \
	--date 2026-02-01 </dev/null
same "$(cat "$ERR")" "$NOPASS" "no passphrase: the message says where one can come from"
same "$(state)" "$BEFORE" "no passphrase: nothing written"
expect 2 "an empty FUNDLEDGER_PASSPHRASE counts as none" \
	env FUNDLEDGER_PASSPHRASE= $NOTTY "$FUNDLEDGER" rate --currency EUR --rate 0.95 \
	--date 2026-02-01 </dev/null
same "$(cat "$ERR")" "$NOPASS" "empty FUNDLEDGER_PASSPHRASE: the same message"
expect 2 "key generate with no passphrase and no terminal is refused" \
	env -u FUNDLEDGER_PASSPHRASE $NOTTY "$FUNDLEDGER" key generate --name test.example/k3 \
	--out k3.key </dev/null
same "$(cat "$ERR")" "$NOPASS" "key generate: the same message"
same "$([ -e k3.key ] || echo absent)" absent "key generate: no key file written"
expect 0 "key generate with --passphrase-file" \
	env -u FUNDLEDGER_PASSPHRASE "$FUNDLEDGER" --passphrase-file good.pass key generate \
	--name test.example/k3 --out k3.key
expect 0 "the key made with the file's passphrase decrypts with it" \
	openssl pkey -in k3.key -passin file:good.pass -noout
same "$(state)" "$BEFORE" "the refused commands wrote nothing"
expect 0 "the ledger verifies" fl verify
contains "$OUT" "^OK 5 entries, " "five entries in the end"
