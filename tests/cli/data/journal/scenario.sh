# tests/cli/data/journal/scenario.sh: sourced by tests/cli/test_journal.sh after lib.sh. Records,
# with `fl`, a small ledger that exercises every posting of the journal (docs/JOURNAL.md):
# rates in currencies of 0, 2 and 3 decimals and a reversed rate; pledges, one with an earmark
# full of characters the tools treat as syntax; contributions named by their pledge, applied
# later by hand or never; settlement across currencies both ways (EUR paying a USD pledge, USD
# paying a JPY pledge); write-offs, one reversed; a match undone by unmatch, one undone by the
# reversal of its contribution and then unmatched (no effect left), one undone by the reversal
# of its pledge; donors whose codes hold '-'; a bank statement with a bank match; and a
# contribution in a currency whose pledge currency differs, reversed with its match.
# Each step must succeed: the caller checks $scenario_failed.
scenario_failed=0
s() {
	"$FUNDLEDGER" "$@" >>"$T/scenario.log" 2>&1 || {
		scenario_failed=1
		echo "# scenario step failed: fundledger $*" >&2
		tail -n 2 "$T/scenario.log" | sed 's/^/#   /' >&2
	}
}
FUNDLEDGER_NOW=2026-01-02T09:00:00Z
export FUNDLEDGER_NOW
s init --origin journal.example.org/test
s rate --currency EUR --rate 0.921 --date 2026-01-01                      # 1
s rate --currency JPY --rate 149.35 --date 2026-01-01                     # 2
s rate --currency KWD --rate 0.307 --date 2026-01-01                      # 3
s rate --currency GBP --rate 0.79 --date 2026-01-01                       # 4, reversed at 5
s reverse 4 --reason "keyed for the wrong month"                          # 5
s rate --currency CHF --rate 0.8901 --date 2026-01-01                     # 6
s pledge --donor DEU --fund VFTC --currency EUR --amount 500000 --years 2026 \
	--date 2026-01-10                                                  # 7
s pledge --donor JPN --fund UPRP --currency JPY --amount 20000000 --years 2026-2027 \
	--date 2026-01-10 --due 2026-06-30                                 # 8
s pledge --donor FDN-FORD --fund UPRI --currency USD --amount 100000 --years 2026 \
	--date 2026-01-12 --earmark 'UPR follow-up; "Pacific" | \ 50% — café'  # 9
s pledge --donor KWT --fund VFTC --currency KWD --amount 25000.500 --years 2026 \
	--date 2026-01-12                                                  # 10
s contribute --donor DEU --fund VFTC --currency EUR --amount 200000 --date 2026-01-20 \
	--bank-ref DE-2026-001 --pledge 7                                  # 11, match 12
s contribute --donor FDN-FORD --fund UPRI --currency EUR --amount 50000 --date 2026-01-21 \
	--bank-ref 'FF;"x"\y|z' --pledge 9                                 # 13, match 14 (EUR -> USD)
s contribute --donor JPN --fund UPRP --currency USD --amount 50000 --date 2026-01-22 \
	--bank-ref JP-2026-001                                             # 15
s match 15 8 --amount 3333.33 --reason 'part of it; to the 2026 instalment'  # 16 (USD -> JPY)
s contribute --donor KWT --fund VFTC --currency KWD --amount 10000.250 --date 2026-01-23 \
	--bank-ref KW-2026-001 --pledge 10                                 # 17, match 18
s writeoff 10 --amount 5000 --date 2026-02-01 --reason 'Board; decision "2026/1"'  # 19
s unmatch 18 --reason 'applied in error'                                  # 20
s writeoff 8 --amount 1000000 --date 2026-02-02 --reason 'withdrawn'      # 21
s reverse 21 --reason 'the donor confirmed the full amount'               # 22
s pledge --donor CHE --fund VFTC --currency CHF --amount 30000 --years 2026 \
	--date 2026-01-15                                                  # 23
s contribute --donor CHE --fund VFTC --currency CHF --amount 10000 --date 2026-01-25 \
	--bank-ref CH-2026-001                                             # 24
s match 24 23 --reason 'by hand'                                          # 25
s reverse 23 --reason 'pledge recorded twice'                             # 26: undoes 25
s contribute --donor DEU --fund VFTC --currency EUR --amount 100000 --date 2026-02-05 \
	--bank-ref DE-2026-002 --pledge 7                                  # 27, match 28
s reverse 27 --reason 'returned by the bank'                              # 29: undoes 28
s unmatch 28 --reason 'tidy up'                                           # 30: nothing left
s contribute --donor IND-ANON --fund UPRP --currency USD --amount 250.75 --date 2026-02-10 \
	--bank-ref UBS-20260210-000777                                     # 31
s pledge --donor FDN-FORD --fund UPRI --currency JPY --amount 1500000 --years 2026 \
	--date 2026-02-01                                                  # 32
s contribute --donor FDN-FORD --fund UPRI --currency KWD --amount 0.001 --date 2026-02-11 \
	--bank-ref FF-TINY --pledge 32                                     # 33, match 34 (KWD -> JPY)
s contribute --donor FDN-FORD --fund UPRI --currency CHF --amount 1000 --date 2026-02-12 \
	--bank-ref FF-CHF --pledge 32                                      # 35, match 36 (CHF -> JPY)
s reverse 35 --reason 'wrong fund'                                        # 37: undoes 36
cat >"$T/stmt.csv" <<'CSV'
statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance
UPRP-USD-2026-02,CH5604835012345678009,USD,2026-02-01,,opening,1000.00,,,,
UPRP-USD-2026-02,CH5604835012345678009,USD,2026-02-10,2026-02-10,credit,250.75,UBS-20260210-000777,,Private donor,Donation
UPRP-USD-2026-02,CH5604835012345678009,USD,2026-02-27,,debit,45.00,UBS-20260227-FEE0001,,,Account fee
UPRP-USD-2026-02,CH5604835012345678009,USD,2026-02-28,,closing,1205.75,,,,
CSV
s statement import "$T/stmt.csv"                                          # 38, lines 39-40
s match 39 31 --reason 'by reference'                                     # 41
