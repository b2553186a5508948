#!/bin/sh
# tests/cli/test_report_html.sh: the HTML annual report (ledger/report_html.c), read as a
# browser and a printer read it.
#
# The ledger is the fixed five-year sample of tests/cli/data/report/build.sh when that script
# is there (else the 2025 sample and its December statement, imported into a fresh ledger).
# The report is checked as a file (well-formed XML, nothing external, the headings, captions,
# scoped headers and labelled charts an accessible report needs, hostile narrative text
# escaped, the same bytes twice), then its integrity statement is followed to the letter
# (save the note, verify, run the command: the same file again), then it is printed to PDF
# and a screenshot by headless Chromium and read back with poppler: A4 pages, the running
# header and "Page N of M" on page 2, the chart's labels as text and its bars as pixels.
#
# Chromium and poppler-utils are required, not optional: without them this test fails
# (tools/deps.sh installs them). The first page and the screenshot are kept as PNG files in
# build/test-output/ (report-page1.png, report-screenshot.png) for a person to look at.
case $FUNDLEDGER in /*) ;; */*) FUNDLEDGER=$PWD/$FUNDLEDGER ;; esac
. "$ROOT/tests/cli/lib.sh"

CHROMIUM=${CHROMIUM:-chromium}
KEEP="$ROOT/build/test-output"
YEAR=2025
cd "$T" || exit 1

# ==== the tools =============================================================================
missing=""
for tool in "$CHROMIUM" pdfinfo pdftotext pdftoppm xmllint od awk; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	not_ok "the tools to render the report are installed (missing:$missing; run tools/deps.sh)"
	exit 1
fi
ok "chromium, poppler-utils and xmllint are installed"

# ==== the ledger ============================================================================
BUILD_SH="$ROOT/tests/cli/data/report/build.sh"
AT=""
if [ -f "$BUILD_SH" ]; then
	expect 0 "the five-year sample ledger is built" sh "$BUILD_SH" "$FUNDLEDGER" "$T/fixture"
	AT=$(sed -n 's/^checkpoint-2025 //p' "$OUT")
	export FUNDLEDGER_CONFIG="$T/fixture/fundledger.yaml"
	export FUNDLEDGER_LEDGER="$T/fixture/ledger.db"
	unset FUNDLEDGER_KEY
else
	cp "$ROOT/tools/sample/2025.csv" "$ROOT/tools/sample/2025-12-eur.camt053.xml" "$T"/
	expect 0 "a fresh ledger" fl init
	expect 0 "the 2025 sample is imported" fl import 2025.csv
	expect 0 "the December statement is imported" fl statement import 2025-12-eur.camt053.xml
fi

# A narrative whose texts hold every character HTML gives a meaning to.
cat >"$T/narrative.yaml" <<'EOF'
year: 2025
session: 61
introduction: |
  The Board of Trustees submits this report pursuant to resolution 18/18 & its paragraph 8.

  Its "technical cooperation" <script>alert('x')</script> programmes continued.
sessions:
  - title: Sixtieth session
    dates: 12 to 16 May 2025
    place: Geneva
    summary: The Board reviewed the Fund's programmes in the Pacific.
  - title: Sixty-first session
    dates: 17 to 21 November 2025
    place: Bangkok
members:
  - name: Ms. A. Chairperson
    group: African Group
    role: Chair
  - name: Mr. B. Member
    group: Western European and Others Group
findings:
  - Contributions grew, but from few donors.
recommendations:
  - States that have not yet contributed are encouraged to do so.
EOF

report() { fl report --year $YEAR --narrative narrative.yaml ${AT:+--at-checkpoint "$AT"} "$@"; }
H="$T/report.html"
expect 0 "report --format html writes the report" report --format html --out "$H"
expect 0 "the same report again" report --format html --out "$T/again.html"
if cmp -s "$H" "$T/again.html"; then ok "the same ledger gives the same bytes"; else
	not_ok "the same ledger gives the same bytes"; fi

# ==== the file ==============================================================================
if xmllint --noout "$H" 2>"$ERR"; then ok "the report is well-formed XML"; else
	not_ok "the report is well-formed XML"
	sed 's/^/#   /' "$ERR" | head -n 20
fi
contains "$H" '^<!DOCTYPE html>$' "it is an HTML5 document"
contains "$H" '<html lang="en">' "its language is English"
contains "$H" '<meta charset="utf-8" />' "it says it is UTF-8"
contains "$H" "<title>[^<]*annual report of the Board of Trustees for $YEAR</title>" \
	"it has a title"

# absent PATTERN DESCRIPTION: passes when grep does not find the extended regex.
absent() {
	if grep -Eqi -- "$1" "$H"; then
		not_ok "$2"
		grep -Eoi -- ".{0,40}$1.{0,40}" "$H" | head -n 3 | sed 's/^/#   /'
	else
		ok "$2"
	fi
}
absent '<script' "no script (the narrative's is escaped)"
contains "$H" '&lt;script&gt;alert\(&#39;x&#39;\)&lt;/script&gt;' \
	"the narrative's markup is shown as text"
contains "$H" '18/18 &amp; its paragraph 8' "an ampersand is escaped"
contains "$H" '&quot;technical cooperation&quot;' "quotes are escaped"
absent '(src|srcset|data|action|poster)=' "no resource is loaded from anywhere"
absent 'href="[^#]' "every link is to a fragment of the report"
absent 'url\(|@import' "the style sheet loads nothing"
absent '<(link|img|iframe|object|embed|base)[ >]' "no external element"
if grep -Eo '&[a-zA-Z][a-zA-Z0-9]*;' "$H" | grep -Ev '^&(amp|lt|gt|quot);$' | grep -q .; then
	not_ok "no named character reference beyond &amp; &lt; &gt; &quot;"
else
	ok "no named character reference beyond &amp; &lt; &gt; &quot;"
fi

# The print set-up: A4, margin boxes with the running header and the page numbers.
contains "$H" '@page \{ size: A4;' "the pages are A4"
contains "$H" '@top-left \{[^}]*content: "Annual report of the Board of Trustees for 2025"' \
	"a running header"
contains "$H" 'counter\(page\) " of " counter\(pages\)' "page numbers as Page N of M"
contains "$H" 'display: table-header-group' "table headers repeat on each page"
contains "$H" 'break-inside: avoid' "rows are not split across pages"

# The parts and their headings, in a proper outline (no level skipped).
for hd in "Work of the Board of Trustees in $YEAR" "Summary" \
	"Statement of contributions received in $YEAR" "Pledges made in $YEAR" \
	"Pledges outstanding at 31 December $YEAR" \
	"Contributions over five years and by regional group" \
	"States that have not contributed \\(resolution 18/18, paragraph 14\\)" \
	"Reconciliation status at 31 December $YEAR" "Integrity statement"; do
	contains "$H" "<h[2-4][^>]*>$hd</h[2-4]>" "a heading: $hd"
done
contains "$H" '<h1>United Nations voluntary funds administered by OHCHR: VFTC, UPRP and UPRI</h1>' \
	"the title names the three funds"
VFTC_NAME="United Nations Voluntary Fund for Technical Cooperation in the Field of Human Rights"
contains "$H" "<h2 id=\"s-VFTC\">$VFTC_NAME \\(VFTC\\)</h2>" \
	"each fund has its part, under its official name"
contains "$H" 'Sixty-first session' "the Council session in words"
same "$(grep -c '<h1' "$H")" 1 "one h1"
skip=$(grep -o '<h[1-6]' "$H" | tr -d '<h' | awk 'NR > 1 && $1 > prev + 1 { print prev "->" $1 }
	{ prev = $1 }' | head -n 1)
same "$skip" "" "headings never skip a level"

# Tables: a caption each, headers scoped, numbers right-aligned.
same "$(grep -c '<caption>' "$H")" "$(grep -c '<table' "$H")" "every table has a caption"
same "$(grep -o '<th[ >]' "$H" | grep -vc '<th ')" 0 "every header cell is scoped"
same "$(grep -o '<th [^>]*>' "$H" | grep -vc 'scope="\(col\|row\)"')" 0 \
	"every header cell says col or row"
contains "$H" 'class="num">1,042,970.38<' "amounts are formatted for the reader"
contains "$H" 'font-variant-numeric: tabular-nums' "figures are tabular"
contains "$H" '<strong class="flag">Overdue</strong>' "overdue pledges say so in words"
contains "$H" 'New donor</span>' "new donors are marked"

# Charts: each an image labelled by its own title and description, with a table beside it.
n_svg=$(grep -c '<svg ' "$H")
svg_re='<svg role="img" viewBox="[0-9 ]*" aria-labelledby="[^"]*-title [^"]*-desc">'
same "$(grep -c "$svg_re" "$H")" "$n_svg" \
	"every chart is role=img, labelled by its title and description"
same "$n_svg" 8 "two charts per part (all, VFTC, UPRP, UPRI)"
bad=""
# shellcheck disable=SC2013 # each word is an id
for id in $(grep -o 'aria-labelledby="[^"]*"' "$H" | sed 's/aria-labelledby="//; s/"$//'); do
	grep -q "id=\"$id\"" "$H" || bad="$bad $id"
done
same "$bad" "" "every aria-labelledby names an element of the report"
same "$(grep -c '<div class="chart-row">' "$H")" "$n_svg" "every chart has its table of figures"
rect_re='<rect class="bar[^"]*" x="[0-9]*" y="[0-9]*" width="[0-9]*" height="[0-9]*" />'
same "$(grep -o "$rect_re" "$H" | wc -l | tr -d ' ')" 48 \
	"bars with integer geometry: 5 years and 7 groups, 4 parts"

# ==== the integrity statement, followed to the letter ======================================
# The note is in <pre class="note"> (it ends with a line feed, so </pre> is on a line of its
# own); the commands are in the <pre> of the steps.
unescape() { sed "s/&lt;/</g; s/&gt;/>/g; s/&quot;/\"/g; s/&#39;/'/g; s/&amp;/\\&/g"; }
size=$(sed -n 's/.*Save the signed note above as <code>checkpoint-\([0-9]*\)\.txt.*/\1/p' "$H")
awk '/<pre class="note">/ { on = 1; sub(/.*<pre class="note">/, "") }
	on && /<\/pre>/ { sub(/<\/pre>.*/, ""); if ($0 != "") print; exit }
	on { print }' "$H" | unescape >"$T/checkpoint-$size.txt"
[ -n "$AT" ] && same "$size" "$AT" "the report names the checkpoint it was asked for"
cmds=$(grep -o '<pre>fundledger [^<]*</pre>' "$H" | sed 's/<pre>//; s/<\/pre>//' | unescape)
verify_cmd=$(printf '%s\n' "$cmds" | sed -n 1p)
report_cmd=$(printf '%s\n' "$cmds" | sed -n '/^fundledger report /p')
same "$verify_cmd" "fundledger verify --trusted checkpoint-$size.txt" \
	"step 1: verify against the note"
mkdir "$T/again" && cp "$T/checkpoint-$size.txt" "$T/narrative.yaml" "$T/again/"
cd "$T/again" || exit 1
# shellcheck disable=SC2086 # the commands are words without quotes, as printed
expect 0 "step 1: the ledger verifies against the saved note" fl ${verify_cmd#fundledger }
# shellcheck disable=SC2086
expect 0 "step 2: the report command runs" fl ${report_cmd#fundledger }
if cmp -s "$H" "$T/again/report-$YEAR-all.html"; then
	ok "step 2 reproduces the report byte for byte"
else
	not_ok "step 2 reproduces the report byte for byte ($report_cmd)"
fi
cd "$T" || exit 1

# ==== one fund ==============================================================================
expect 0 "a report for one fund" report --fund UPRP --format html --out "$T/uprp.html"
if xmllint --noout "$T/uprp.html" 2>/dev/null; then ok "... well-formed"; else
	not_ok "... well-formed"; fi
contains "$T/uprp.html" \
	'<h1>Voluntary Fund for Participation in the Universal Periodic Review</h1>' \
	"... titled with the fund's name"
same "$(grep -c '<svg ' "$T/uprp.html")" 2 "... with its two charts"

# ==== rendered by Chromium ==================================================================
# chrome FLAGS...: headless Chromium with a profile of its own, nothing fetched in the
# background; its chatter (D-Bus and the like) goes to a log.
chrome() {
	timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$T/chrome" "$@" >>"$T/chrome.log" 2>&1
}
chrome --print-to-pdf="$T/report.pdf" --no-pdf-header-footer "file://$H"
if [ -s "$T/report.pdf" ]; then ok "Chromium prints the report to PDF"; else
	not_ok "Chromium prints the report to PDF"
	tail -n 5 "$T/chrome.log" | sed 's/^/#   /'
fi
pdfinfo "$T/report.pdf" >"$T/pdfinfo" 2>&1
pages=$(sed -n 's/^Pages: *//p' "$T/pdfinfo")
if [ "${pages:-0}" -ge 20 ]; then ok "the PDF has $pages pages"; else
	not_ok "the PDF has at least 20 pages (got '${pages:-none}')"; fi
# Chromium writes A4 as 594.96 x 841.92 points: 595 x 842 rounded.
a4=$(sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p' "$T/pdfinfo" |
	awk '{ printf "%d x %d", $1 + 0.5, $2 + 0.5 }')
same "$a4" "595 x 842" "the pages are A4"

pdftotext -layout -f 2 -l 2 "$T/report.pdf" "$T/page2.txt"
contains "$T/page2.txt" "Annual report of the Board of Trustees for $YEAR" \
	"page 2 has the running header"
contains "$T/page2.txt" "Page 2 of $pages" "page 2 is numbered Page 2 of $pages"
pdftotext -layout -f 1 -l 1 "$T/report.pdf" "$T/page1.txt"
contains "$T/page1.txt" "Annual report of the Board of Trustees for $YEAR" "the cover has the title"

# The first figure's page: its labels are text (the unit and the five years of the trend).
fig=""
p=1
while [ "$p" -le "${pages:-0}" ]; do
	pdftotext -layout -f "$p" -l "$p" "$T/report.pdf" "$T/p.txt"
	if grep -q 'Figure 1\. Contributions received' "$T/p.txt"; then fig=$p; break; fi
	p=$((p + 1))
done
if [ -n "$fig" ]; then ok "the first chart is on page $fig"; else
	not_ok "the first chart is on some page"; fig=1; fi
pdftotext -layout -f "$fig" -l "$fig" "$T/report.pdf" "$T/fig.txt"
contains "$T/fig.txt" 'US\$ millions' "the chart's axis is labelled in millions"
contains "$T/fig.txt" '2021 +2022 +2023 +2024 +2025' "the chart's bars are labelled with the years"

# pixels PPM R G B: how many pixels of the binary PPM are within 3 of colour (R, G, B).
pixels() {
	hdr=$(head -n 3 "$1" | wc -c)
	tail -c +"$((hdr + 1))" "$1" | od -An -v -tu1 | awk -v r="$2" -v g="$3" -v b="$4" '
		function near(x, y) { return x - y <= 3 && y - x <= 3 }
		{ for (i = 1; i <= NF; i++) { c[k++] = $i; if (k == 3) {
			if (near(c[0], r) && near(c[1], g) && near(c[2], b)) n++; k = 0 } } }
		END { print n + 0 }'
}
pdftoppm -r 50 -f "$fig" -l "$fig" -singlefile "$T/report.pdf" "$T/fig"
# #009edb, the year's bar and the groups', is also the colour of a few rules (a page of
# tables has about 900 pixels of it); #8fd3f0, the bars of past years, is only theirs (and the
# 2025 sample alone has no past years).
past=$(pixels "$T/fig.ppm" 143 211 240)
current=$(pixels "$T/fig.ppm" 0 158 219)
if [ "$current" -ge 2000 ] && { [ -z "$AT" ] || [ "$past" -ge 2000 ]; }; then
	ok "the charts' bars are drawn ($current and $past pixels of their colours at 50 dpi)"
else
	not_ok "the charts' bars are drawn (only $current and $past pixels of their colours)"
fi

# The first page as PNG, and a screenshot as a browser shows the report; kept for a person
# to look at in build/test-output/.
mkdir -p "$KEEP"
pdftoppm -r 50 -png -f 1 -l 1 -singlefile "$T/report.pdf" "$T/page1"
chrome --screenshot="$T/screenshot.png" --window-size=1240,1754 --hide-scrollbars "file://$H"
for png in page1 screenshot; do
	magic=$(head -c 8 "$T/$png.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
	if [ "$magic" = 89504e470d0a1a0a ] && [ "$(wc -c <"$T/$png.png")" -gt 20000 ]; then
		ok "$png.png is a PNG image with something on it"
	else
		not_ok "$png.png is a PNG image with something on it"
	fi
done
# The PNG's IHDR: width and height, big-endian, at bytes 16 and 20.
dims=$(od -An -tu1 -j 16 -N 8 "$T/screenshot.png" | awk '{
	print ($1 * 16777216 + $2 * 65536 + $3 * 256 + $4) "x" \
		($5 * 16777216 + $6 * 65536 + $7 * 256 + $8) }')
same "$dims" "1240x1754" "the screenshot is 1240 x 1754"
if cp "$T/page1.png" "$KEEP/report-page1.png" &&
	cp "$T/screenshot.png" "$KEEP/report-screenshot.png"; then
	ok "the PNGs are kept in build/test-output/"
else
	not_ok "the PNGs are kept in build/test-output/"
fi
