#!/bin/sh
# test_install.sh: `make install` into a temporary DESTDIR, and what it installed.
#
# The install builds in its own directory ($T/build, never build/ or the BUILD under test, so
# that it works the same under `make sanitize` and in a fresh clone), without optimisation to
# keep it quick. Then: the installed program runs; every command has its installed man page;
# the completion file is in place; and a small C program compiles and links against the
# installed header and static library with nothing but
# `pkg-config --cflags --libs --static fundledger`, and gives the right answers.
. "$ROOT/tests/cli/lib.sh"

D=$T/dest
# The suite may itself run inside make (make test, make sanitize): none of that make's
# variables (BUILD, SAN, OPT) may reach this one through the environment.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SAN -u CFLAGS -u LDFLAGS \
	make -C "$ROOT" -s install DESTDIR="$D" PREFIX=/usr INSTALL_BUILD="$T/build" OPT=-O0 CI=true \
	>"$T/make.log" 2>&1
rc=$?
same "$rc" 0 "make install DESTDIR=... PREFIX=/usr succeeds"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/make.log" | tail -n 30

expect 0 "the installed program runs --version" "$D/usr/bin/fundledger" --version
contains "$OUT" '^fundledger [0-9]+\.[0-9]+\.[0-9]+ \(entry format v[0-9]+\)$' "and prints its version"
version=$(sed -n 's/^fundledger \([^ ]*\) .*/\1/p' "$OUT")
[ -f "$D/usr/share/fundledger/fundledger.yaml" ]
same $? 0 "the default configuration is installed in /usr/share/fundledger"

# Man pages: fundledger(1) and one per command of the table.
sed -n 's/^[[:space:]]*{"\([a-z]*\)", cmd_[a-z]*,.*/\1/p' "$ROOT/ledger/cli/main.c" >"$T/commands"
[ -f "$D/usr/share/man/man1/fundledger.1" ]
same $? 0 "fundledger.1 is installed"
missing=""
while read -r c; do
	[ -s "$D/usr/share/man/man1/fundledger-$c.1" ] || missing="$missing $c"
done <"$T/commands"
same "$missing" "" "every command's page fundledger-COMMAND.1 is installed ($(wc -l <"$T/commands" | tr -d ' ') commands)"
same "$(ls "$D/usr/share/man/man1" | grep -c '^fundledger-.*\.1$')" "$(wc -l <"$T/commands" | tr -d ' ')" \
	"and no other fundledger-*.1 page"

# Completion, where bash-completion looks for it, and it defines the completion.
C=$D/usr/share/bash-completion/completions/fundledger
cmp -s "$C" "$ROOT/tools/completion/fundledger.bash"
same $? 0 "the bash completion is installed as share/bash-completion/completions/fundledger"
bash -c ". '$C' && complete -p fundledger" >"$OUT" 2>&1
contains "$OUT" '^complete .*-F _fundledger fundledger$' "sourcing it registers _fundledger for fundledger"

# The library, its headers and fundledger.pc.
PC=$D/usr/lib/pkgconfig/fundledger.pc
for f in "$D/usr/lib/libfundledger.a" "$D/usr/include/fundledger/fundledger.h" "$PC"; do
	[ -s "$f" ]
	same $? 0 "installed: ${f#"$D"}"
done
missing=""
for h in "$ROOT"/include/fundledger/*.h; do
	cmp -s "$h" "$D/usr/include/fundledger/$(basename "$h")" || missing="$missing $(basename "$h")"
done
same "$missing" "" "every public header is installed in include/fundledger"
contains "$PC" '^prefix=/usr$' "fundledger.pc has prefix=/usr"
same "$(sed -n 's/^Version: //p' "$PC")" "$version" "fundledger.pc's Version is what the program reports ($version)"
contains "$PC" '^Requires\.private: libcrypto sqlite3 yaml-0\.1 libxml-2\.0$' \
	"fundledger.pc requires the four libraries privately"

# --define-prefix: prefix is taken from where the .pc file is, so the flags name $D/usr.
export PKG_CONFIG_PATH="$D/usr/lib/pkgconfig"
unset PKG_CONFIG_LIBDIR
same "$(pkg-config --define-prefix --modversion fundledger)" "$version" "pkg-config --modversion fundledger"
flags=$(pkg-config --define-prefix --cflags --libs --static fundledger)
same $? 0 "pkg-config --cflags --libs --static fundledger ($flags)"
case " $flags " in
*" -I$D/usr/include "*" -L$D/usr/lib "*"-lfundledger "*"-lcrypto "*) ok "the flags name the installed tree and the libraries" ;;
*) not_ok "the flags name the installed tree and the libraries ($flags)" ;;
esac
cat >"$T/prog.c" <<'C'
/* Uses the installed library: parses an amount and hashes a string. */
#include <stdio.h>
#include <string.h>

#include <fundledger/fundledger.h>

int main(void)
{
	int64_t cents;
	unsigned char h[FL_HASH_LEN];
	char hex[2 * FL_HASH_LEN + 1];
	if (fl_money_parse(&cents, "1250.50", 7, 2) < 0 || fl_sha256(h, "abc", 3) < 0)
		return 1;
	fl_hex_encode(hex, h, sizeof(h));
	printf("%lld %s\n", (long long)cents, hex);
	return 0;
}
C
# shellcheck disable=SC2086 # the flags are words
cc -std=c11 -Wall -Wextra -Werror -o "$T/prog" "$T/prog.c" $flags 2>"$ERR"
rc=$?
same "$rc:$(cat "$ERR")" "0:" "a C program compiles and links with pkg-config's flags alone"
expect 0 "and runs" "$T/prog"
same "$(cat "$OUT")" "125050 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" \
	"it parses 1250.50 as 125050 cents and hashes 'abc' to the SHA-256 of FIPS 180-2"
