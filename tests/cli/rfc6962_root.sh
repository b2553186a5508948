#!/bin/sh
# tests/cli/rfc6962_root.sh: an independent RFC 6962 Merkle tree hash, for checking
# fundledger's roots without its code.
#
# Usage: sh rfc6962_root.sh [hex|base64] <LEAVES
#   LEAVES: one leaf per line, as hex ("-" for the empty leaf), e.g. the output of
#   `fundledger show N --format hex` for N = 1, 2, ... Prints the tree head MTH(D[n]) in hex
#   (the default) or base64.
#
# It follows the RFC's definition literally, unlike the library (which keeps a frontier and
# stored tiles): awk expands the recursion
#   MTH({})    = SHA-256()
#   MTH({d0})  = SHA-256(0x00 || d0)
#   MTH(D[n])  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of 2 < n
# into a list of nodes, each with its two children and its height above the leaves. Every
# hash is computed by xxd and `openssl dgst -sha256`: the leaves one file each, then the nodes
# of one height at a time (all 65-byte inputs, cut apart with split), so that a tree of a few
# hundred leaves costs a few hundred processes rather than thousands.
set -u
fmt=${1:-hex}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/leaf" "$tmp/node"

# digests DIR: "NAME HASH" for every file of DIR, in name order.
digests() {
	(cd "$1" && openssl dgst -sha256 -r -- *) | sed 's/^\([0-9a-f]\{64\}\) \*\(.*\)$/\2 \1/'
}

# Leaves: lower-case hex without spaces, one per line.
tr -d ' \r' | tr 'A-F' 'a-f' | grep -v '^$' >"$tmp/leaves"
n=$(wc -l <"$tmp/leaves" | tr -d ' ')
if [ "$n" -eq 0 ]; then
	root=$(openssl dgst -sha256 -r </dev/null | cut -c1-64)
else
	# Leaf hashes: file L000001 holds 0x00 || leaf 1, and so on.
	i=0
	while read -r leaf; do
		i=$((i + 1))
		[ "$leaf" = - ] && leaf=""
		xxd -r -p >"$tmp/leaf/$(printf 'L%06d' "$i")" <<EOF
00$leaf
EOF
	done <"$tmp/leaves"
	digests "$tmp/leaf" >"$tmp/hashes"
	# The nodes: "HEIGHT ID LEFT RIGHT", ids N1, N2, ... in the order the recursion meets them.
	awk -v n="$n" '
		function mth(lo, hi,   k, l, r, hl, hr, id) {
			if (hi - lo == 1) { height = 0; return sprintf("L%06d", lo + 1) }
			k = 1
			while (k * 2 < hi - lo) k *= 2
			l = mth(lo, lo + k); hl = height
			r = mth(lo + k, hi); hr = height
			height = (hl > hr ? hl : hr) + 1
			id = "N" (++count)
			print height, id, l, r
			return id
		}
		BEGIN { root = mth(0, n); print root > "/dev/stderr" }' >"$tmp/nodes" 2>"$tmp/root_id"
	h=1
	while grep -q "^$h " "$tmp/nodes"; do
		# Every node of this height: 0x01 || left || right, hashed in one pass.
		awk -v h="$h" -v out="$tmp/ids" '
			NR == FNR { hash[$1] = $2; next }
			$1 == h { print "01" hash[$3] hash[$4]; print $2 > out }' \
			"$tmp/hashes" "$tmp/nodes" | xxd -r -p >"$tmp/level"
		rm -f "$tmp/node"/*
		(cd "$tmp/node" && split -b 65 -a 6 "$tmp/level" x)
		digests "$tmp/node" | awk '{ print $2 }' | paste -d ' ' "$tmp/ids" - >>"$tmp/hashes"
		h=$((h + 1))
	done
	root=$(awk -v id="$(cat "$tmp/root_id")" '$1 == id { print $2 }' "$tmp/hashes")
fi
case $fmt in
hex) echo "$root" ;;
base64) printf '%s' "$root" | xxd -r -p | openssl base64 -A; echo ;;
*) echo "usage: rfc6962_root.sh [hex|base64] <leaves" >&2; exit 2 ;;
esac
