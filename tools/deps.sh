#!/bin/sh
# Installs the Debian packages fundledger needs to build and test. As root it runs apt-get;
# otherwise it prints the command to run. `tools/deps.sh --fuzz` adds clang and libFuzzer for
# `make fuzz`.
#
#   build:   build-essential pkg-config libssl-dev libsqlite3-dev libyaml-dev libxml2-dev
#   tests:   libcmocka-dev sqlite3 openssl xxd (hex and hashes in CLI tests), jq (JSON
#            output checks), groff-base (the man page is rendered with warnings on)
#   report:  chromium, poppler-utils, fonts-dejavu-core (the report test renders the HTML
#            report to PDF and PNG in headless Chromium and reads the pages back)
#   faults:  fiu-utils (fiu-run injects random I/O errors in tests/cli/test_faults.sh),
#            valgrind (make valgrind, which .ci/run also runs)
#   journal: ledger, hledger, beancount (tests/cli/test_journal.sh checks that each tool accepts
#            `export --format ledger|hledger|beancount` and that its balances equal ours;
#            ledger is also the baseline of the report in tools/bench)
#   bench:   libxml2-utils (xmllint, the baseline of the statement import in tools/bench)
set -eu
PKGS="build-essential pkg-config libssl-dev libsqlite3-dev libyaml-dev libxml2-dev libcmocka-dev sqlite3 openssl xxd jq groff-base libxml2-utils chromium poppler-utils fonts-dejavu-core ledger hledger beancount fiu-utils valgrind"
if [ "${1:-}" = "--fuzz" ]; then
	PKGS="$PKGS clang libclang-rt-14-dev"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "fundledger: missing packages:$missing" >&2
	echo "run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
