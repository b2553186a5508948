#!/bin/sh
# test_bench.sh: `make bench` (tools/bench) runs to the end and produces its table, its
# targets, results.tsv and the chart; tools/bench-chart.awk draws a known input as the golden
# SVG. The bench runs at two tiny sizes with one run of everything, so this checks that every
# step works, not how fast: the figures themselves are the bench's business (docs/PERFORMANCE.md).
. "$ROOT/tests/cli/lib.sh"

D="$ROOT/tests/cli/data/bench"

# ---- the chart, on a fixed input ----
expect 0 "bench-chart.awk draws the fixed results" awk -f "$ROOT/tools/bench-chart.awk" "$D/results.tsv"
cp "$OUT" "$T/chart.svg"
if cmp -s "$T/chart.svg" "$D/bench.svg"; then
	ok "the chart is the golden SVG, byte for byte"
else
	not_ok "the chart differs from the golden SVG: $(diff "$D/bench.svg" "$T/chart.svg" | head -n 5)"
fi
expect 0 "the chart is well-formed XML" xmllint --noout "$T/chart.svg"
# import and sqlite3 .import have two sizes each, verify two, openssl one ("-" at 1000);
# the statement's lines and a measure the chart does not know are left out.
same "$(grep -c '<polyline' "$T/chart.svg")" 3 "one line for each measure with two sizes"
same "$(grep -c '<circle' "$T/chart.svg")" 8 "a dot for each positive figure of a drawn measure"
same "$(grep -c 'stroke-dasharray' "$T/chart.svg")" 3 "the baselines are dashed: sqlite3 line and legend, openssl legend (one point, no line)"
if grep -q 'statement import\|made-up' "$T/chart.svg"; then
	not_ok "the chart draws a measure it should leave out"
else
	ok "the chart leaves out the statement's lines and unknown measures"
fi
expect 2 "bench-chart.awk refuses an unknown y" awk -v y=bogus -f "$ROOT/tools/bench-chart.awk" "$D/results.tsv"
contains "$ERR" "y must be ms or us_per_entry" "and says why"

# ---- the bench, at two tiny sizes ----
# bench SIZES OUT [VAR=VALUE...]: tools/bench at SIZES, its results copied to OUT.
asan_small_quarantine
bench() {
	s_=$1
	o_=$2
	shift 2
	env FUNDLEDGER="$FUNDLEDGER" BENCH_TOOLS="${BUILD:?}/tools" TMPDIR="$T" BENCH_PERF=0 \
		BENCH_RUNS=2 BENCH_REPEAT=1 BENCH_STMT_LINES=100 BENCH_CORRECTIONS=4 \
		BENCH_SIZES="$s_" BENCH_OUT="$o_" "$@" sh "$ROOT/tools/bench"
}
expect 1 "a size that is not a number is refused" bench "1000 ten" "$T/bad"
contains "$ERR" "'ten' is not a number" "and named"
expect 1 "BENCH_MAX below the smallest size is refused" bench "" "$T/bad" BENCH_MAX=5
contains "$ERR" "below the smallest size" "and said"
expect 1 "a size under 100 is refused" bench "50" "$T/bad"
contains "$ERR" "50 is too small" "and said"
same "$(if [ -e "$T/bad" ]; then echo written; fi)" "" "a refused bench writes no results"

expect 0 "the bench runs at 600 and 1500 entries" bench "600 1500" "$T/res"
cp "$OUT" "$T/bench.out"
# Ledger CLI and hledger are optional to the bench (tools/deps.sh installs both): their lines
# are expected when they are installed.
LEDGER=0
HLEDGER=0
command -v ledger >/dev/null 2>&1 && LEDGER=1
command -v hledger >/dev/null 2>&1 && HLEDGER=1
for n in 600 1500; do
	for t in "import within 1.5x of sqlite3 .import" "verify within 3x of openssl dgst -sha256" \
		"year report (HTML) >= 20x faster than ledger bal" \
		"single signed append <= 15 ms (key file, median)" \
		"inclusion proof <= 10 ms, in-process" "consistency proof <= 10 ms, in-process"; do
		case $t in *"ledger bal") [ "$LEDGER" = 1 ] || continue ;; esac
		if grep -q "^  $t  *$n: [0-9.]*[x ].*\(MET\|MISSED\)" "$T/bench.out"; then
			ok "target at $n: $t"
		else
			not_ok "no verdict at $n for: $t"
		fi
	done
done
for t in verify "report (html)" reconcile; do
	if grep -q "^  $t peak RSS flat from 100k (10%)  *1500: [0-9.]*x of 600 (no size of 100000 or more)  \(MET\|MISSED\)" \
		"$T/bench.out"; then
		ok "memory target: $t, 1500 against 600"
	else
		not_ok "no memory verdict for $t"
	fi
done
# The signing agent's line, when this fundledger has an agent (docs/AGENT.md).
AGENT=0
"$FUNDLEDGER" help agent >/dev/null 2>&1 && AGENT=1
if [ "$AGENT" = 1 ]; then
	for n in 600 1500; do
		if grep -q "^  single signed append <= 15 ms (agent, median)  *$n: [0-9.]* ms  \(MET\|MISSED\)" "$T/bench.out"; then
			ok "append through the agent measured at $n"
		else
			not_ok "no append through the agent at $n"
		fi
	done
fi
# results.tsv: every measure at both sizes, with positive times.
R="$T/res/results.tsv"
same "$(head -n 1 "$R" 2>/dev/null)" "$(printf 'size\tmeasure\twall_ms\tcpu_ms\tpeak_kib')" "results.tsv's header"
for n in 600 1500; do
	for m in import "sqlite3 .import" verify "openssl dgst -sha256" "export --out DIR" "verify --bundle" \
		"proof inclusion" "proof consistency" reconcile "report (html)" "report (json)" \
		"ledger bal" "hledger bal" "contribute (key file)" "correction (key file)"; do
		[ "$m" != "ledger bal" ] || [ "$LEDGER" = 1 ] || continue
		[ "$m" != "hledger bal" ] || [ "$HLEDGER" = 1 ] || continue
		if awk -F '\t' -v n="$n" -v m="$m" '$1 == n && $2 == m && $3 + 0 > 0 && $4 + 0 > 0 { f = 1 }
			END { exit !f }' "$R"; then
			ok "results.tsv: $m at $n"
		else
			not_ok "results.tsv has no positive $m at $n"
		fi
	done
done
same "$(awk -F '\t' '$1 == 600 && $2 == "verify" && $5 + 0 > 1000 { print "rss" }' "$R")" rss \
	"results.tsv: verify's peak RSS"
expect 0 "the bench's chart is well-formed XML" xmllint --noout "$T/res/bench.svg"
LINES=$((11 + AGENT + LEDGER + HLEDGER))
same "$(grep -c '<polyline' "$T/res/bench.svg")" "$LINES" \
	"the bench's chart: a line for each of the $LINES measures drawn at two sizes"
if ls -d "$T"/fundledger-bench.* >/dev/null 2>&1; then
	not_ok "the bench left its work directory behind"
else
	ok "the bench removed its work directory"
fi
