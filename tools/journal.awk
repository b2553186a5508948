# tools/journal.awk: a ledger's entries as a Ledger CLI journal (https://ledger-cli.org), for
# tools/bench, which times `ledger -f JOURNAL bal` against `fundledger report`.
#
#   fundledger log --format csv | awk -f tools/journal.awk > ledger.journal
#
# Columns are found by name in the header row. Each pledge, contribution, write-off and match
# becomes a transaction of two postings in one currency, with the amounts as the log prints them
# (a currency's decimals come from the amounts; a match's settled amount, in minor units of its
# pledge's currency, gets that currency's decimals):
#   pledge        Assets:Receivable:FUND:DONOR       / Income:Pledged:FUND
#   contribution  Assets:Bank:FUND                   / Income:Contributions:FUND:DONOR
#   writeoff      Expenses:WrittenOff:FUND           / Assets:Receivable:FUND:DONOR
#   match         Income:Pledged:FUND (the pledge's) / Assets:Receivable:FUND:DONOR, in the
#                 pledge's currency, dated as its contribution (a match has no date)
# so that a pledge paid in full leaves nothing receivable and nothing pledged, only the bank and
# the contributions. Each rate is a price directive, the US dollar value of one unit (1 / rate;
# floating point is fine here, it is only for `-X USD`). Reversed entries are left out, with the
# matches of a reversed pledge or contribution, and the reversals themselves: as in fundledger, a
# reversed entry never counts, whatever the reversal's date (an entry's row names its reverser,
# so one pass does). Statements and bank lines have no counterpart and are left out too. On
# stderr at the end: the number of transactions and of prices written.
BEGIN {
	FS = ","
	ntx = 0
	nprice = 0
}

# csv LINE: splits a line with quoted fields into f[1..nf] (RFC 4180; no field spans lines).
function csv(line,    i, c, v, q, n, len) {
	n = 0
	v = ""
	q = 0
	len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") {
					v = v "\""
					i++
				} else
					q = 0
			} else
				v = v c
		} else if (c == "\"")
			q = 1
		else if (c == ",") {
			f[++n] = v
			v = ""
		} else
			v = v c
	}
	f[++n] = v
	return n
}

# decimals AMOUNT: the number of digits after the point.
function decimals(a,    p) {
	p = index(a, ".")
	return p ? length(a) - p : 0
}

# minor UNITS CCY: minor units as an amount with the currency's decimals.
function minor(u, ccy,    d, s) {
	d = (ccy in dec) ? dec[ccy] : 2
	if (d == 0)
		return u
	s = u
	while (length(s) <= d)
		s = "0" s
	return substr(s, 1, length(s) - d) "." substr(s, length(s) - d + 1)
}

# tx DATE PAYEE DEBIT CREDIT AMOUNT CCY: one balanced transaction.
function tx(date, payee, dr, cr, amt, ccy) {
	printf "%s * %s\n    %s  %s %s\n    %s  -%s %s\n\n", date, payee, dr, amt, ccy, cr, amt, ccy
	ntx++
}

NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	split("seq kind date fund donor currency amount rate pledge reversed_by contribution " \
	    "settled recorded_at", need, " ")
	for (i in need)
		if (!(need[i] in col)) {
			printf "journal.awk: the log has no column '%s'\n", need[i] > "/dev/stderr"
			bad = 1
			exit 1
		}
	cSEQ = col["seq"]
	cKIND = col["kind"]
	cDATE = col["date"]
	cFUND = col["fund"]
	cDONOR = col["donor"]
	cCCY = col["currency"]
	cAMT = col["amount"]
	cRATE = col["rate"]
	cPLEDGE = col["pledge"]
	cREVBY = col["reversed_by"]
	cCONTRIB = col["contribution"]
	cSETTLED = col["settled"]
	cAT = col["recorded_at"]
	next
}

{
	if (index($0, "\""))
		csv($0)
	else
		split($0, f, ",")
	kind = f[cKIND]
	seq = f[cSEQ]
	if (f[cREVBY] != "") {
		gone[seq] = 1
		next
	}
	ccy = f[cCCY]
	amt = f[cAMT]
	if (amt != "" && !(ccy in dec))
		dec[ccy] = decimals(amt)
	fund = f[cFUND]
	donor = f[cDONOR]
	if (kind == "pledge") {
		pccy[seq] = ccy
		pfund[seq] = fund
		date = f[cDATE]
		dr = "Assets:Receivable:" fund ":" donor
		cr = "Income:Pledged:" fund
		payee = donor " pledge"
	} else if (kind == "contribution") {
		cdate[seq] = date = f[cDATE]
		dr = "Assets:Bank:" fund
		cr = "Income:Contributions:" fund ":" donor
		payee = donor " contribution"
	} else if (kind == "writeoff") {
		date = f[cDATE]
		dr = "Expenses:WrittenOff:" fund
		cr = "Assets:Receivable:" fund ":" donor
		payee = donor " write-off"
	} else if (kind == "match") {
		p = f[cPLEDGE]
		c = f[cCONTRIB]
		if ((p in gone) || (c in gone))
			next
		if (p in pccy && pccy[p] != ccy) {
			ccy = pccy[p]
			amt = minor(f[cSETTLED], ccy)
		}
		if (f[cSETTLED] + 0 == 0)
			next
		date = (c in cdate) ? cdate[c] : substr(f[cAT], 1, 10)
		dr = "Income:Pledged:" ((p in pfund) ? pfund[p] : fund)
		cr = "Assets:Receivable:" fund ":" donor
		payee = donor " match"
	} else if (kind == "rate") {
		if (f[cRATE] + 0 > 0) {
			printf "P %s %s %.10g USD\n", f[cDATE], ccy, 1 / f[cRATE]
			nprice++
		}
		next
	} else
		next
	tx(date, payee, dr, cr, amt, ccy)
}

END {
	if (!bad)
		printf "%d transactions, %d prices\n", ntx, nprice > "/dev/stderr"
}
