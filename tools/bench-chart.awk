# tools/bench-chart.awk: the results of tools/bench as an SVG line chart, on standard output.
#
#   awk -f tools/bench-chart.awk [-v y=ms|us_per_entry] [-v title=TEXT] results.tsv >bench.svg
#
# Input: the bench's results file, tab-separated, one line per size and measure after a header
# line: size (entries), measure, wall ms, cpu ms, peak KiB; "-" where a figure is missing.
# Output: log-scale x (entries), log-scale y (wall-clock ms, or with y=us_per_entry the wall
# time divided by the size, in microseconds per entry), one line with dots per measure, and a
# legend. Only the measures of the table in BEGIN are drawn, in its order: each fundledger
# measure in a colour of its own, its baseline (what a user would pick instead, or the
# physical ceiling) in the same colour, dashed or dotted. The other lines of the file (the
# statement's, whose sizes are lines, not entries, and the secondary measures) are left out;
# so are measures with no positive figure.
# POSIX awk only (mawk, gawk, busybox): no asort, no functions beyond log and exp.
BEGIN {
	FS = "\t"
	if (y == "") y = "ms"
	if (y != "ms" && y != "us_per_entry") { print "bench-chart.awk: y must be ms or us_per_entry" >"/dev/stderr"; bad = 1; exit 2 }
	W = 820; H = 480; L = 70; R = 230; T = 40; B = 50
	# measure|colour|dash (empty: solid)
	nstyle = split("import|#1f77b4|;sqlite3 .import|#1f77b4|6 4;" \
		"verify|#2ca02c|;openssl dgst -sha256|#2ca02c|6 4;" \
		"export --out DIR|#8c564b|;verify --bundle|#e377c2|;" \
		"report (html)|#d62728|;ledger bal|#d62728|6 4;hledger bal|#d62728|2 3;" \
		"reconcile|#9467bd|;proof inclusion|#ff7f0e|;proof consistency|#ff7f0e|6 4;" \
		"contribute (agent)|#17becf|;contribute (key file)|#17becf|6 4", style, ";")
	for (i = 1; i <= nstyle; i++) {
		split(style[i], f_, "|")
		order[f_[1]] = i; colour[i] = f_[2]; dash[i] = f_[3]; name[i] = f_[1]
	}
}
NR == 1 && $1 == "size" { next }
NF >= 3 && ($2 in order) && $1 + 0 > 0 && $3 != "-" && $3 + 0 > 0 {
	v = $3 + 0
	if (y == "us_per_entry") v = v * 1000 / ($1 + 0)
	if (!($2 in order)) next
	m = order[$2]
	k = ++np[m]
	px[m, k] = log($1 + 0) / log(10)
	py[m, k] = log(v) / log(10)
	if (!n++) { x0 = x1 = px[m, k]; y0 = y1 = py[m, k] }
	if (px[m, k] < x0) x0 = px[m, k]
	if (px[m, k] > x1) x1 = px[m, k]
	if (py[m, k] < y0) y0 = py[m, k]
	if (py[m, k] > y1) y1 = py[m, k]
}
function floor_(v) { return v == int(v) || v >= 0 ? int(v) : int(v) - 1 }
function ceil_(v) { return v == int(v) || v < 0 ? int(v) : int(v) + 1 }
function sx(v) { return L + (v - x0) * (W - L - R) / (x1 - x0) }
function sy(v) { return H - B - (v - y0) * (H - T - B) / (y1 - y0) }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
# pow10 E: 10^E as a short label: 10k, 1M, 0.01.
function label(e, v) {
	if (e >= 9) return (e == 9 ? 1 : 10 ^ (e - 9)) "G"
	if (e >= 6) return 10 ^ (e - 6) "M"
	if (e >= 3) return 10 ^ (e - 3) "k"
	if (e >= 0) return 10 ^ e
	v = "0."; while (++e < 0) v = v "0"
	return v "1"
}
END {
	if (bad) exit 2
	x0 = floor_(x0); x1 = ceil_(x1); y0 = floor_(y0); y1 = ceil_(y1)
	if (x1 == x0) { x0--; x1++ }
	if (y1 == y0) y1++
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H
	printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
	if (title == "") title = "fundledger bench: " (y == "ms" ? "wall-clock time" : "wall-clock time per entry")
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n", L, esc(title)
	for (e = x0; e <= x1; e++) {
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", sx(e), T, sx(e), H - B
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", sx(e), H - B + 18, label(e)
	}
	for (e = y0; e <= y1; e++) {
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, sy(e), W - R, sy(e)
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, sy(e) + 4, label(e)
	}
	printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", L, T, W - L - R, H - T - B
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">entries (log scale)</text>\n", L + (W - L - R) / 2, H - 12
	printf "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>\n", T + (H - T - B) / 2,
		y == "ms" ? "wall-clock ms (log scale)" : "wall-clock us per entry (log scale)"
	ly = T + 8
	for (m = 1; m <= nstyle; m++) {
		if (!np[m]) continue
		# The points of a measure by size (insertion sort: a handful of sizes).
		for (i = 2; i <= np[m]; i++)
			for (j = i; j > 1 && px[m, j - 1] > px[m, j]; j--) {
				t = px[m, j]; px[m, j] = px[m, j - 1]; px[m, j - 1] = t
				t = py[m, j]; py[m, j] = py[m, j - 1]; py[m, j - 1] = t
			}
		c = colour[m]
		d = dash[m] == "" ? "" : sprintf(" stroke-dasharray=\"%s\"", dash[m])
		pts = ""
		for (i = 1; i <= np[m]; i++) pts = pts sprintf("%s%.1f,%.1f", i > 1 ? " " : "", sx(px[m, i]), sy(py[m, i]))
		if (np[m] > 1) printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", pts, c, d
		for (i = 1; i <= np[m]; i++)
			printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s</title></circle>\n",
				sx(px[m, i]), sy(py[m, i]), c, esc(name[m])
		printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", W - R + 14, ly, W - R + 34, ly, c, d
		printf "<text x=\"%d\" y=\"%d\">%s</text>\n", W - R + 40, ly + 4, esc(name[m])
		ly += 18
	}
	printf "<text x=\"%d\" y=\"%d\" font-size=\"11\">dashed, dotted: baselines</text>\n", W - R + 14, ly + 8
	print "</svg>"
}
