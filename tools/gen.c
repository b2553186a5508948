/*
 * gen.c: synthetic input for the benchmark (tools/bench): a ledger CSV in the layout that
 * `fundledger import` reads (docs/CSV.md), and bank statements in camt.053.001.08
 * (docs/STATEMENTS.md) for `fundledger statement import`.
 *
 *   gen [-s SEED] [-o OPEN] [-b STATEMENT] N DONORS_FILE > ledger.csv
 *   gen [-s SEED] -x N DONORS_FILE > statement.xml
 *
 * The same arguments give the same bytes (a fixed splitmix64 generator, integers only).
 * DONORS_FILE lists donor codes, one per line; they must be codes the configuration knows
 * (tools/bench takes them from config/donors.yaml).
 *
 * The ledger CSV imports into an empty ledger as exactly N entries, without a single replay:
 * every row has its own ref (R-CCY-YYYY-MM, P0000001, C0000002, ...) and every contribution its
 * own bank ref. A contribution that names its pledge counts twice, since the import follows it
 * with the match that applies it (docs/RECONCILE.md).
 *
 * The rows cover 120 months from January 2016 (fewer when N is small). Each month opens with
 * the UN operational rates of its 12 non-USD currencies, effective on the 1st, so every
 * contribution has a rate in force. Then:
 *   - the settled history: pledges of the donors to the three funds in their home currency
 *     (one year or three), each paid in one to three contributions that name it; a payment
 *     before the last is now and then made in another currency (US dollars, or euros for a
 *     dollar pledge), and the last one pays exactly what is left, so that every pledge of the
 *     history ends "paid". The converted payments use the formula of docs/RECONCILE.md
 *     (through US dollars at the month's rates, one rounding half to even), as the ledger does.
 *   - with -o OPEN, the open items, in the last three months, about OPEN of them whatever N
 *     is: OPEN/2 pledges with something outstanding (a quarter of them partly paid, some of
 *     those in another currency; some for three years, some due next year, most overdue at the
 *     start of 2026), and OPEN/2 contributions that name no pledge: the exact outstanding
 *     amount of an open pledge of the donor, in its currency or converted to dollars, what two
 *     of its pledges have outstanding together, a part payment, or a gift from a donor with
 *     nothing pledged to that fund. At most two more open pledges fill N exactly.
 * The open items are drawn from a sequence of their own, so they are the same at every N that
 * has the same number of months (120 from N = 72,000): `fundledger reconcile` has the same open
 * items to hold over a ledger of 100,000 entries as of 1,000,000, and the memory of the two
 * runs can be compared.
 *
 * -b STATEMENT also writes, to the file STATEMENT, a camt.053.001.08 document with two
 * statements (a USD and a EUR account) for the last month of the open items: credits that
 * carry a contribution's bank ref as their reference or end-to-end id, credits that only have
 * its amount and name the donor, credits with no contribution, bank fees and a returned
 * payment; and contributions of that month with no line.
 *
 * -x N writes, instead of a ledger, a camt.053.001.08 document with one statement of N booked
 * entries on a USD account over 2025: credits (four in five private donations of USD 20 to
 * 2,000, the rest contributions of the donors, most with an end-to-end id) and, one in fifty, a
 * debit (a fee, or a payment returned to its sender). Every entry has its own AcctSvcrRef, and
 * the opening balance plus the credits minus the debits is the closing balance.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONTHS_MAX 120
#define FIRST_YEAR 2016
#define DONORS_MAX 1024
#define CODE_MAX 32
#define N_FUNDS 3
#define TAIL_MONTHS 3
#define POOL_MAX 4096	    /* pledges of the history being paid at any one time */
#define RATE_SCALE 1000000u /* rates are millionths of a unit per US dollar */
#define CAMT_NS "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

__extension__ typedef unsigned __int128 u128;

typedef struct {
	const char *code;
	unsigned minor_units;
	uint64_t base_rate; /* units per USD, millionths */
	uint64_t mul, div;  /* a USD amount times mul/div is roughly this currency */
} currency;

/* USD first: it needs no rate. EUR second: tools/bench's statements use both. */
static const currency CCY[] = {
    {"USD", 2, 1000000, 1, 1},	 {"EUR", 2, 920000, 9, 10},	{"CHF", 2, 890000, 9, 10},
    {"GBP", 2, 780000, 4, 5},	 {"JPY", 0, 145000000, 145, 1}, {"NOK", 2, 10600000, 21, 2},
    {"SEK", 2, 10400000, 21, 2}, {"DKK", 2, 6850000, 7, 1},	{"CAD", 2, 1360000, 27, 20},
    {"AUD", 2, 1520000, 3, 2},	 {"KWD", 3, 306000, 3, 10},	{"KRW", 0, 1350000000, 1350, 1},
    {"QAR", 2, 3640000, 91, 25},
};
#define N_CCY (sizeof(CCY) / sizeof(CCY[0]))
#define USD 0u
#define EUR 1u

static const char *const FUNDS[N_FUNDS] = {"VFTC", "UPRP", "UPRI"};
static const uint64_t POW10[] = {1, 10, 100, 1000};

static uint64_t state;
static char donors[DONORS_MAX][CODE_MAX + 1];
static size_t n_donors;
static uint64_t rates[N_CCY]; /* in force in month `rates_month` */
static uint64_t months, rates_month, row;

/* splitmix64: small, fast and the same on every platform. */
static uint64_t next(void)
{
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for the sizes used here. */
static uint64_t below(uint64_t n)
{
	return next() % n;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen [-s SEED] [-o OPEN] [-b STATEMENT] N DONORS_FILE > ledger.csv\n"
			"       gen [-s SEED] -x N DONORS_FILE > statement.xml\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static size_t read_donors(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = 0;
	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 0;
	}
	while (n < DONORS_MAX && fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, " \t\r\n");
		if (len == 0)
			continue;
		if (len > CODE_MAX) {
			fprintf(stderr, "gen: %s: code '%.40s' is too long\n", path, line);
			n = 0;
			break;
		}
		memcpy(donors[n], line, len);
		donors[n][len] = 0;
		n++;
	}
	fclose(f);
	if (n == 0)
		fprintf(stderr, "gen: %s: no donor codes\n", path);
	return n;
}

/* ---- amounts, rates, dates ---- */

/* An amount of minor units as the decimal text the importers take. */
static void put_amount(FILE *f, uint64_t minor, unsigned mu)
{
	if (mu == 0)
		fprintf(f, "%" PRIu64, minor);
	else
		fprintf(f, "%" PRIu64 ".%0*" PRIu64, minor / POW10[mu], (int)mu, minor % POW10[mu]);
}

/* A rate in millionths, with its trailing zeros dropped ("0.92", "145.3"). */
static void put_rate(uint64_t r)
{
	char frac[8];
	int k = 6;
	snprintf(frac, sizeof(frac), "%06" PRIu64, r % 1000000);
	while (k > 1 && frac[k - 1] == '0')
		k--;
	frac[k] = 0;
	printf("%" PRIu64 ".%s", r / 1000000, frac);
}

/* The rate of currency c in force now (RATE_SCALE for USD). */
static uint64_t rate_of(unsigned c)
{
	return c == USD ? RATE_SCALE : rates[c];
}

/*
 * What `amount` of currency `from` settles of a pledge in currency `to`, at this month's rates:
 * amount * 10^mu(to) * rate(to) / (10^mu(from) * rate(from)), rounded half to even once, as
 * the ledger computes a match's settled amount (docs/RECONCILE.md).
 */
static uint64_t convert(uint64_t amount, unsigned from, unsigned to)
{
	u128 num = (u128)amount * POW10[CCY[to].minor_units] * rate_of(to);
	u128 den = (u128)rate_of(from) * POW10[CCY[from].minor_units];
	u128 q = num / den, r = num % den;
	if (r * 2 > den || (r * 2 == den && (q & 1)))
		q++;
	return (uint64_t)q;
}

/* A donor's contribution size in US dollars: mostly tens of thousands, a few millions. */
static uint64_t usd_size(void)
{
	uint64_t r = below(100);
	if (r < 60)
		return 5000 + below(95000);
	if (r < 95)
		return 100000 + below(900000);
	return 1000000 + below(4000000);
}

/* Minor units of currency c worth about `usd` dollars, with random small change. */
static uint64_t in_currency(unsigned c, uint64_t usd)
{
	uint64_t units = usd * CCY[c].mul / CCY[c].div;
	uint64_t minor = units * POW10[CCY[c].minor_units];
	if (CCY[c].minor_units && below(4) == 0)
		minor += below(POW10[CCY[c].minor_units]);
	return minor ? minor : 1;
}

static unsigned year_of(uint64_t m)
{
	return (unsigned)(FIRST_YEAR + m / 12);
}

static unsigned month_of(uint64_t m)
{
	return (unsigned)(m % 12 + 1);
}

/* The month's rates: a random walk of at most 1% a month, kept within 30% of base. */
static void emit_rates(uint64_t m)
{
	for (unsigned c = 1; c < N_CCY; c++) {
		uint64_t base = CCY[c].base_rate, step = rates[c] / 100 * below(101) / 100;
		if (below(2))
			rates[c] =
			    rates[c] + step > base / 10 * 13 ? rates[c] - step : rates[c] + step;
		else
			rates[c] =
			    rates[c] - step < base / 10 * 7 ? rates[c] + step : rates[c] - step;
		row++;
		printf("rate,R-%s-%u-%02u,,,%s,,%u-%02u-01,,,,,,,,", CCY[c].code, year_of(m),
		       month_of(m), CCY[c].code, year_of(m), month_of(m));
		put_rate(rates[c]);
		putchar('\n');
	}
}

/* Rows dated in month m come next: the rates of every month up to m first. */
static void enter_month(uint64_t m)
{
	while (rates_month < m + 1 && rates_month < months)
		emit_rates(rates_month++);
}

/* ---- ledger rows ---- */

typedef struct {
	uint64_t row; /* P<row> is its ref */
	size_t donor;
	unsigned fund, ccy;
	uint64_t outstanding; /* pledge currency */
	unsigned payments;    /* left to make, in the history */
	int targeted;	      /* an open item some receipt of the tail already aims at */
} pledge;

/* A pledge dated day `day` of month m; years_kind 0: for that year, 1: for three years from
 * it, 2: for the next year. Returns its row. */
static uint64_t emit_pledge(size_t d, unsigned fund, unsigned ccy, uint64_t amount, uint64_t m,
			    unsigned day, unsigned years_kind)
{
	unsigned y = year_of(m);
	row++;
	printf("pledge,P%07" PRIu64 ",%s,%s,%s,", row, FUNDS[fund], donors[d], CCY[ccy].code);
	put_amount(stdout, amount, CCY[ccy].minor_units);
	printf(",%u-%02u-%02u,", y, month_of(m), day);
	if (years_kind == 1)
		printf("%u-%u", y, y + 2);
	else if (years_kind == 2)
		printf("%u", y + 1);
	else
		printf("%u", y);
	/* A due date on or after the pledge date (days are 1 to 28): the end of June or
	 * December of its first year. */
	if (below(4) == 0)
		printf(",%u-%s", years_kind == 2 ? y + 1 : y,
		       month_of(m) <= 6 && below(2) ? "06-30" : "12-28");
	else
		putchar(',');
	printf(",%s", below(10) == 0 ? "Country programmes in Africa" : "");
	if (below(3) == 0)
		printf(",DR/%u/%06" PRIu64, y, below(1000000));
	else
		putchar(',');
	printf(",%s,,,\n", below(8) == 0 ? "Note verbale" : "");
	return row;
}

/* A contribution; `named` is the pledge's row, or 0. Returns its row. */
static uint64_t emit_contribution(size_t d, unsigned fund, unsigned ccy, uint64_t amount,
				  uint64_t m, unsigned day, uint64_t named)
{
	unsigned y = year_of(m), mo = month_of(m);
	row++;
	printf("contribution,C%07" PRIu64 ",%s,%s,%s,", row, FUNDS[fund], donors[d], CCY[ccy].code);
	put_amount(stdout, amount, CCY[ccy].minor_units);
	printf(",%u-%02u-%02u,,,,,,JPM-%u%02u%02u-%07" PRIu64 ",", y, mo, day, y, mo, day, row);
	if (named)
		printf("P%07" PRIu64, named);
	printf(",\n");
	return row;
}

/* Another currency than the pledge's for a payment: dollars, or euros for a dollar pledge. */
static unsigned other_ccy(unsigned ccy)
{
	return ccy == USD ? EUR : USD;
}

/*
 * The settled history: `budget` entries over months [0, span). Returns the entries left over
 * (0 to 2), which the open items take.
 */
static uint64_t history(uint64_t budget, uint64_t span)
{
	static pledge pool[POOL_MAX];
	size_t pending = 0;
	uint64_t reserved = 0, emitted = 0;

	for (;;) {
		uint64_t left = budget - reserved,
			 pos = emitted * span * 28 / (budget ? budget : 1);
		uint64_t m = pos / 28;
		unsigned day = (unsigned)(1 + pos % 28);
		int create = left >= 3 && (pending == 0 || (pending < POOL_MAX && below(3) == 0));
		if (!create && pending == 0)
			break;
		enter_month(m);
		if (create) {
			/* 1 + 2k entries: the pledge, k contributions, each with its match. */
			pledge *p = &pool[pending++];
			uint64_t k = 1 + below(3);
			if (1 + 2 * k > left)
				k = (left - 1) / 2;
			if (k > 3)
				k = 3;
			p->donor = (size_t)below(n_donors);
			{
				uint64_t f = below(10);
				p->fund = f < 6 ? 0 : f < 8 ? 2 : 1;
			}
			p->ccy = (unsigned)(p->donor % N_CCY);
			p->outstanding = in_currency(p->ccy, usd_size());
			p->payments = (unsigned)k;
			p->row = emit_pledge(p->donor, p->fund, p->ccy, p->outstanding, m, day,
					     k == 3 && below(2) ? 1 : 0);
			reserved += 1 + 2 * k;
			emitted += 1;
		} else {
			size_t i = (size_t)below(pending);
			pledge *p = &pool[i];
			unsigned c = p->ccy;
			uint64_t amount, settles;
			if (p->payments == 1) {
				amount = settles = p->outstanding;
			} else {
				uint64_t part = p->outstanding / p->payments;
				amount = settles = part;
				if (below(8) == 0) {
					/* Worth about the same in another currency; what it settles
					 * is the conversion back, at this month's rates. */
					unsigned o = other_ccy(p->ccy);
					uint64_t a = convert(part, p->ccy, o),
						 s = a ? convert(a, o, p->ccy) : 0;
					if (s > 0 && s < p->outstanding) {
						c = o;
						amount = a;
						settles = s;
					}
				}
			}
			emit_contribution(p->donor, p->fund, c, amount, m, day, p->row);
			p->outstanding -= settles;
			emitted += 2;
			if (--p->payments == 0)
				*p = pool[--pending];
		}
	}
	return budget - reserved;
}

/* ---- open items ---- */

/* A contribution of the last month in USD or EUR, for the bank statement. */
typedef struct {
	uint64_t row;
	size_t donor;
	unsigned ccy, day;
	uint64_t amount;
} receipt;

typedef struct {
	pledge *open;
	size_t n_open;
	unsigned short per_pair[DONORS_MAX][N_FUNDS]; /* open pledges of each donor to each fund */
	receipt *last; /* contributions of the last month, USD or EUR */
	size_t n_last;
} tail_state;

static void keep_receipt(tail_state *t, uint64_t m, size_t d, unsigned ccy, uint64_t amount,
			 unsigned day, uint64_t r)
{
	if (m + 1 != months || (ccy != USD && ccy != EUR))
		return;
	t->last[t->n_last].row = r;
	t->last[t->n_last].donor = d;
	t->last[t->n_last].ccy = ccy;
	t->last[t->n_last].day = day;
	t->last[t->n_last].amount = amount;
	t->n_last++;
}

/* An open pledge no receipt aims at yet, or NULL. */
static pledge *pick_open(tail_state *t)
{
	if (t->n_open == 0)
		return NULL;
	for (size_t tries = 0, i = (size_t)below(t->n_open); tries < t->n_open;
	     tries++, i = (i + 1) % t->n_open)
		if (!t->open[i].targeted)
			return &t->open[i];
	return NULL;
}

/* A receipt that names no pledge, of one of five kinds (see the file comment). */
static void unnamed_receipt(tail_state *t, uint64_t m, unsigned day)
{
	uint64_t kind = below(20);
	pledge *p = kind < 16 ? pick_open(t) : NULL;
	size_t d;
	unsigned fund, ccy;
	uint64_t amount, r;

	if (p && kind < 7) {
		/* Exactly what the pledge has outstanding. */
		p->targeted = 1;
		d = p->donor, fund = p->fund, ccy = p->ccy, amount = p->outstanding;
	} else if (p && kind < 10) {
		/* The same, in dollars (or euros for a dollar pledge), within the tolerance. */
		p->targeted = 1;
		d = p->donor, fund = p->fund, ccy = other_ccy(p->ccy);
		amount = convert(p->outstanding, p->ccy, ccy);
	} else if (p && kind < 12) {
		/* What this pledge and another of the donor to the fund have outstanding. */
		pledge *q = NULL;
		for (size_t i = 0; i < t->n_open && !q; i++)
			if (&t->open[i] != p && !t->open[i].targeted &&
			    t->open[i].donor == p->donor && t->open[i].fund == p->fund &&
			    t->open[i].ccy == p->ccy)
				q = &t->open[i];
		p->targeted = 1;
		d = p->donor, fund = p->fund, ccy = p->ccy, amount = p->outstanding;
		if (q) {
			q->targeted = 1;
			amount += q->outstanding;
		}
	} else if (p) {
		/* A part payment. */
		d = p->donor, fund = p->fund, ccy = p->ccy;
		amount = p->outstanding / (2 + below(3));
	} else {
		/* A gift to a fund the donor has nothing open with. */
		d = (size_t)below(n_donors);
		fund = (unsigned)below(N_FUNDS);
		for (size_t tries = 0; tries < n_donors * N_FUNDS && t->per_pair[d][fund];
		     tries++) {
			if (++fund == N_FUNDS) {
				fund = 0;
				d = (d + 1) % n_donors;
			}
		}
		ccy = below(3) ? (unsigned)(d % N_CCY) : USD;
		amount = in_currency(ccy, usd_size());
	}
	r = emit_contribution(d, fund, ccy, amount ? amount : 1, m, day, 0);
	keep_receipt(t, m, d, ccy, amount ? amount : 1, day, r);
}

/*
 * The open items over the last TAIL_MONTHS months from `first`: n_pledges open pledges, of
 * which n_partial get a named part payment, and n_receipts receipts that name no pledge.
 */
static void open_items(tail_state *t, uint64_t first, uint64_t n_pledges, uint64_t n_partial,
		       uint64_t n_receipts)
{
	uint64_t span = months - first;
	for (uint64_t k = 0; k < span; k++) {
		uint64_t m = first + k;
		uint64_t np = n_pledges * (k + 1) / span - n_pledges * k / span;
		uint64_t npp = n_partial * (k + 1) / span - n_partial * k / span;
		uint64_t nr = n_receipts * (k + 1) / span - n_receipts * k / span;
		enter_month(m);
		/* Pledges in the first ten days, payments after. */
		for (uint64_t i = 0; i < np; i++) {
			pledge *p = &t->open[t->n_open++];
			/* A quarter for three years, three in twenty for next year. */
			uint64_t y = below(20);
			unsigned years = y < 5 ? 1 : y < 8 ? 2 : 0;
			memset(p, 0, sizeof(*p));
			p->donor = (size_t)below(n_donors);
			p->fund = (unsigned)below(N_FUNDS);
			p->ccy = (unsigned)(p->donor % N_CCY);
			p->outstanding = in_currency(p->ccy, usd_size());
			p->row = emit_pledge(p->donor, p->fund, p->ccy, p->outstanding, m,
					     (unsigned)(1 + i * 10 / np), years);
			t->per_pair[p->donor][p->fund]++;
		}
		for (uint64_t i = 0; i < npp; i++) {
			pledge *p = pick_open(t);
			unsigned day = (unsigned)(11 + i * 18 / npp), c;
			uint64_t amount, settles;
			if (!p)
				break;
			p->targeted = 1; /* partly paid: leave it out of the exact matches */
			c = p->ccy;
			amount = settles = p->outstanding / (2 + below(2));
			if (below(4) == 0) {
				c = other_ccy(p->ccy);
				amount = convert(settles, p->ccy, c);
				settles = convert(amount, c, p->ccy);
			}
			if (amount == 0 || settles == 0 || settles >= p->outstanding) {
				c = p->ccy;
				amount = settles = 1;
			}
			keep_receipt(
			    t, m, p->donor, c, amount, day,
			    emit_contribution(p->donor, p->fund, c, amount, m, day, p->row));
			p->outstanding -= settles;
		}
		for (uint64_t i = 0; i < nr; i++)
			unnamed_receipt(t, m, (unsigned)(11 + i * 18 / nr));
	}
}

/* ---- camt.053 ---- */

typedef struct {
	uint64_t amount;
	int credit, reversal;
	unsigned day;	      /* of the month (the bank statement) or of the year (-x) */
	char ref[36];	      /* AcctSvcrRef */
	char e2e[36];	      /* EndToEndId, "" for none */
	char debtor[80];      /* "" for none */
	char remittance[120]; /* "" for none */
} camt_line;

/* An IBAN with its check digits (ISO 13616: mod 97 of the rearranged digits is 1). */
static void iban(char out[35], const char *country, const char *bban)
{
	char t[80];
	unsigned rem = 0;
	snprintf(t, sizeof(t), "%s%s00", bban, country);
	for (const char *c = t; *c; c++) {
		unsigned v =
		    *c >= 'A' && *c <= 'Z' ? (unsigned)(*c - 'A' + 10) : (unsigned)(*c - '0');
		rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
	}
	snprintf(out, 35, "%s%02u%s", country, 98 - rem, bban);
}

static void date_of_year(char out[16], unsigned year, unsigned yday)
{
	static const unsigned len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned m = 0;
	while (m < 11 && yday >= len[m])
		yday -= len[m++];
	snprintf(out, 16, "%u-%02u-%02u", year % 10000u, m + 1, yday % 31u + 1);
}

static void camt_begin(FILE *f, const char *msg_id, const char *created)
{
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Document xmlns=\"" CAMT_NS "\">\n"
		"  <BkToCstmrStmt>\n"
		"    <GrpHdr>\n"
		"      <MsgId>%s</MsgId>\n"
		"      <CreDtTm>%s</CreDtTm>\n"
		"    </GrpHdr>\n",
		msg_id, created);
}

static void camt_end(FILE *f)
{
	fputs("  </BkToCstmrStmt>\n</Document>\n", f);
}

static void camt_balance(FILE *f, const char *type, int64_t amount, unsigned ccy, const char *date)
{
	fprintf(f,
		"      <Bal>\n        <Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp>\n"
		"        <Amt Ccy=\"%s\">",
		type, CCY[ccy].code);
	put_amount(f, (uint64_t)(amount < 0 ? -amount : amount), CCY[ccy].minor_units);
	fprintf(f,
		"</Amt>\n        <CdtDbtInd>%s</CdtDbtInd>\n        <Dt><Dt>%s</Dt></Dt>\n"
		"      </Bal>\n",
		amount < 0 ? "DBIT" : "CRDT", date);
}

/* The statement header, up to its balances. */
static void camt_stmt_begin(FILE *f, const char *id, const char *account, unsigned ccy,
			    const char *from, const char *to, int64_t opening, int64_t closing)
{
	fprintf(f,
		"    <Stmt>\n      <Id>%s</Id>\n      <CreDtTm>%sT06:00:00+01:00</CreDtTm>\n"
		"      <FrToDt>\n        <FrDtTm>%sT00:00:00+01:00</FrDtTm>\n"
		"        <ToDtTm>%sT23:59:59+01:00</ToDtTm>\n      </FrToDt>\n"
		"      <Acct>\n        <Id><IBAN>%s</IBAN></Id>\n        <Ccy>%s</Ccy>\n"
		"        <Nm>OHCHR voluntary funds %s</Nm>\n      </Acct>\n",
		id, to, from, to, account, CCY[ccy].code, CCY[ccy].code);
	camt_balance(f, "OPBD", opening, ccy, from);
	camt_balance(f, "CLBD", closing, ccy, to);
}

/* One booked entry; `date` is its booking and value date. */
static void camt_entry(FILE *f, const camt_line *l, unsigned ccy, const char *date)
{
	fprintf(f, "      <Ntry>\n        <Amt Ccy=\"%s\">", CCY[ccy].code);
	put_amount(f, l->amount, CCY[ccy].minor_units);
	fprintf(f, "</Amt>\n        <CdtDbtInd>%s</CdtDbtInd>\n", l->credit ? "CRDT" : "DBIT");
	if (l->reversal)
		fputs("        <RvslInd>true</RvslInd>\n", f);
	fprintf(f,
		"        <Sts><Cd>BOOK</Cd></Sts>\n        <BookgDt><Dt>%s</Dt></BookgDt>\n"
		"        <ValDt><Dt>%s</Dt></ValDt>\n        <AcctSvcrRef>%s</AcctSvcrRef>\n"
		"        <BkTxCd><Domn><Cd>%s</Cd><Fmly><Cd>%s</Cd><SubFmlyCd>%s</SubFmlyCd>"
		"</Fmly></Domn></BkTxCd>\n",
		date, date, l->ref, l->credit || l->reversal ? "PMNT" : "ACMT",
		l->credit     ? "RCDT"
		: l->reversal ? "ICDT"
			      : "MDOP",
		l->credit     ? "ESCT"
		: l->reversal ? "RRTN"
			      : "CHRG");
	if (l->e2e[0] || l->debtor[0] || l->remittance[0]) {
		fputs("        <NtryDtls>\n          <TxDtls>\n", f);
		if (l->e2e[0])
			fprintf(f, "            <Refs><EndToEndId>%s</EndToEndId></Refs>\n",
				l->e2e);
		if (l->debtor[0])
			fprintf(f,
				"            <RltdPties><Dbtr><Pty><Nm>%s</Nm></Pty></Dbtr>"
				"</RltdPties>\n",
				l->debtor);
		if (l->remittance[0])
			fprintf(f, "            <RmtInf><Ustrd>%s</Ustrd></RmtInf>\n",
				l->remittance);
		fputs("          </TxDtls>\n        </NtryDtls>\n", f);
	} else if (!l->credit) {
		fputs("        <AddtlNtryInf>Account charges</AddtlNtryInf>\n", f);
	}
	fputs("      </Ntry>\n", f);
}

static int64_t signed_amount(const camt_line *l)
{
	return l->credit ? (int64_t)l->amount : -(int64_t)l->amount;
}

/* Entry i of n of the -x statement, from the generator's current state. */
static void synth_line(camt_line *l, uint64_t i, uint64_t n)
{
	size_t d = (size_t)below(n_donors);
	memset(l, 0, sizeof(*l));
	l->day = (unsigned)(i * 365 / n);
	snprintf(l->ref, sizeof(l->ref), "CITI25%010" PRIu64, i + 1);
	if (below(50) == 0) {
		l->credit = 0;
		if (below(2)) {
			l->amount = 500 + below(20000); /* a fee */
		} else {
			l->reversal = 1; /* a payment returned to its sender */
			l->amount = in_currency(USD, usd_size());
			snprintf(l->debtor, sizeof(l->debtor), "Government of %s", donors[d]);
			snprintf(l->remittance, sizeof(l->remittance),
				 "Returned: beneficiary account details incomplete");
		}
		return;
	}
	l->credit = 1;
	if (below(5)) {
		/* Most entries of a busy account are private donations, USD 20 to 2,000. */
		l->amount = (20 + below(1981)) * 100 + (below(4) ? 0 : below(100));
		snprintf(l->debtor, sizeof(l->debtor), "Private donor %06" PRIu64, below(200000));
		if (below(2))
			snprintf(l->remittance, sizeof(l->remittance), "Donation %s",
				 FUNDS[below(N_FUNDS)]);
		return;
	}
	l->amount = in_currency(USD, usd_size());
	if (below(10) < 7)
		snprintf(l->e2e, sizeof(l->e2e), "%s-%s-%06" PRIu64, donors[d],
			 FUNDS[below(N_FUNDS)], below(1000000));
	snprintf(l->debtor, sizeof(l->debtor), "%s %s",
		 below(2) ? "Ministry of Foreign Affairs" : "Government of", donors[d]);
	if (below(4))
		snprintf(l->remittance, sizeof(l->remittance),
			 "Contribution of %s to %s 2025, ref DR/2025/%06" PRIu64, donors[d],
			 FUNDS[below(N_FUNDS)], below(1000000));
}

/* -x N: one statement of n booked entries over 2025, in two passes over the same numbers. */
static int big_statement(uint64_t n)
{
	uint64_t saved = state;
	int64_t opening = 250000000, closing = opening;
	camt_line l;
	char account[35], date[16];

	for (uint64_t i = 0; i < n; i++) {
		synth_line(&l, i, n);
		closing += signed_amount(&l);
	}
	state = saved;
	iban(account, "US", "00210000000012345678"); /* not a real scheme; any BBAN will do */
	camt_begin(stdout, "CITI-053-20260102-01", "2026-01-02T06:00:00+01:00");
	camt_stmt_begin(stdout, "UNOG-USD-2025", account, USD, "2025-01-01", "2025-12-31", opening,
			closing);
	for (uint64_t i = 0; i < n; i++) {
		synth_line(&l, i, n);
		date_of_year(date, 2025, l.day);
		camt_entry(stdout, &l, USD, date);
	}
	fputs("    </Stmt>\n", stdout);
	camt_end(stdout);
	return 0;
}

static int cmp_line_day(const void *a, const void *b)
{
	const camt_line *x = a, *y = b;
	return x->day != y->day ? (x->day < y->day ? -1 : 1) : strcmp(x->ref, y->ref);
}

/*
 * -b FILE: the USD and EUR statements of the last month: lines for most of its receipts (by
 * reference, by end-to-end id, by amount alone), lines with no receipt, fees and a return.
 */
static int bank_statement(const char *path, const tail_state *t)
{
	FILE *f = fopen(path, "w");
	unsigned y = year_of(months - 1), mo = month_of(months - 1);
	char from[16], to[16];

	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof(from), "%u-%02u-01", y, mo);
	snprintf(to, sizeof(to), "%u-%02u-28", y, mo);
	{
		char msg[40], created[40];
		snprintf(msg, sizeof(msg), "JPM-053-%u%02u28-01", y, mo);
		snprintf(created, sizeof(created), "%u-%02u-28T18:00:00+01:00", y, mo);
		camt_begin(f, msg, created);
	}
	for (unsigned ccy = USD; ccy <= EUR; ccy++) {
		camt_line *lines = calloc(t->n_last * 2 + 16, sizeof(*lines));
		size_t n = 0, extra = 0, seqno = 0;
		int64_t opening = 100000000, closing = opening;
		char id[40], account[35], date[16];
		if (!lines) {
			fclose(f);
			fprintf(stderr, "gen: out of memory\n");
			return -1;
		}
		for (size_t i = 0; i < t->n_last; i++) {
			const receipt *r = &t->last[i];
			camt_line *l = &lines[n];
			uint64_t k = below(10);
			if (r->ccy != ccy || k == 9) /* 1 in 10: in the ledger, not in the bank */
				continue;
			memset(l, 0, sizeof(*l));
			l->credit = 1;
			l->amount = r->amount;
			l->day = r->day + (unsigned)below(3); /* value dated up to 2 days later */
			if (l->day > 28)
				l->day = 28;
			snprintf(l->debtor, sizeof(l->debtor), "Government of %s",
				 donors[r->donor]);
			if (k < 5) {
				/* The bank's reference is the contribution's bank ref; 1 in 10 of
				 * these arrive with a charge deducted. */
				snprintf(l->ref, sizeof(l->ref), "JPM-%u%02u%02u-%07" PRIu64, y, mo,
					 r->day, r->row);
				if (below(10) == 0 && l->amount > 2500)
					l->amount -= 2500;
			} else if (k < 7) {
				snprintf(l->ref, sizeof(l->ref), "JPM%s%u%02u%06zu", CCY[ccy].code,
					 y, mo, ++seqno);
				snprintf(l->e2e, sizeof(l->e2e), "JPM-%u%02u%02u-%07" PRIu64, y, mo,
					 r->day, r->row);
			} else {
				snprintf(l->ref, sizeof(l->ref), "JPM%s%u%02u%06zu", CCY[ccy].code,
					 y, mo, ++seqno);
				snprintf(l->remittance, sizeof(l->remittance), "Contribution %s %s",
					 donors[r->donor], CCY[ccy].code);
			}
			n++;
		}
		/* Lines the ledger does not have: credits, fees, and one credit returned. */
		extra = n / 10 + 3;
		for (size_t i = 0; i < extra; i++) {
			camt_line *l = &lines[n++];
			memset(l, 0, sizeof(*l));
			l->day = (unsigned)(1 + below(28));
			snprintf(l->ref, sizeof(l->ref), "JPM%s%u%02u%06zu", CCY[ccy].code, y, mo,
				 ++seqno);
			if (i % 3 == 2) {
				l->amount = 1000 + below(9000);
			} else {
				l->credit = 1;
				l->amount = in_currency(ccy, usd_size());
				snprintf(l->debtor, sizeof(l->debtor), "Friends of the Funds %zu",
					 i);
			}
		}
		{
			camt_line *l = &lines[n++];
			*l = lines[0];
			l->credit = 0;
			l->reversal = 1;
			l->day = 28;
			snprintf(l->ref, sizeof(l->ref), "JPM%s%u%02u%06zu", CCY[ccy].code, y, mo,
				 ++seqno);
			snprintf(l->remittance, sizeof(l->remittance), "Returned: account closed");
		}
		qsort(lines, n, sizeof(*lines), cmp_line_day);
		for (size_t i = 0; i < n; i++)
			closing += signed_amount(&lines[i]);
		snprintf(id, sizeof(id), "VF-%s-%u-%02u", CCY[ccy].code, y, mo);
		iban(account, "CH", ccy == USD ? "0024024012345678U" : "0024024012345678E");
		camt_stmt_begin(f, id, account, ccy, from, to, opening, closing);
		for (size_t i = 0; i < n; i++) {
			snprintf(date, sizeof(date), "%u-%02u-%02u", y, mo, lines[i].day);
			camt_entry(f, &lines[i], ccy, date);
		}
		fputs("    </Stmt>\n", f);
		free(lines);
	}
	camt_end(f);
	if (fclose(f) != 0) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	static tail_state tail;
	uint64_t n, seed = 1, open = 0, xml = 0, body, span, np, npp, nr, cost, spare;
	const char *stmt = NULL;
	int argi = 1, rc = 0;

	while (argi + 1 < argc && argv[argi][0] == '-' && argv[argi][1] && !argv[argi][2]) {
		char o = argv[argi][1];
		if (o == 's' && parse_u64(argv[argi + 1], &seed) == 0)
			;
		else if (o == 'o' && parse_u64(argv[argi + 1], &open) == 0)
			;
		else if (o == 'b')
			stmt = argv[argi + 1];
		else if (o == 'x')
			xml = 1;
		else
			return usage();
		if (o == 'x')
			argi += 1;
		else
			argi += 2;
	}
	if (argc - argi != 2 || parse_u64(argv[argi], &n) < 0 || n == 0 || (xml && (open || stmt)))
		return usage();
	if (!(n_donors = read_donors(argv[argi + 1])))
		return 2;
	state = seed;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	for (size_t c = 0; c < N_CCY; c++)
		rates[c] = CCY[c].base_rate;

	if (xml) {
		if (big_statement(n) < 0) {
			fprintf(stderr, "gen: %s\n", strerror(errno));
			return 1;
		}
		goto flush;
	}

	/* Rates stay under 2% of the entries; at least one month. */
	months = n / (50 * (N_CCY - 1));
	if (months > MONTHS_MAX)
		months = MONTHS_MAX;
	if (months == 0)
		months = 1;
	np = open / 2;
	npp = np / 4;
	nr = open - np;
	cost = np + 2 * npp + nr;
	if (n < months * (N_CCY - 1) + cost) {
		fprintf(stderr,
			"gen: N must be at least %" PRIu64 " (a month of rates and %" PRIu64
			" open items)\n",
			(uint64_t)(months * (N_CCY - 1) + cost), open);
		return 2;
	}
	if (stmt && open == 0) {
		fprintf(stderr,
			"gen: -b needs -o: the statement is of the open items' last month\n");
		return 2;
	}
	body = n - months * (N_CCY - 1) - cost;
	span = open && months > TAIL_MONTHS ? months - TAIL_MONTHS : months;

	puts("kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref,announcement,"
	     "bank_ref,pledge,rate");
	spare = history(body, span);
	if (open) {
		uint64_t first = months > TAIL_MONTHS ? months - TAIL_MONTHS : months - 1;
		tail.open = calloc(np + spare, sizeof(*tail.open));
		tail.last = calloc(npp + nr + 1, sizeof(*tail.last));
		if (!tail.open || !tail.last) {
			fprintf(stderr, "gen: out of memory\n");
			return 1;
		}
		/* A fresh sequence: the same open items, drawn the same way, whatever N is. */
		state = seed ^ UINT64_C(0x6f70656e6974656d);
		open_items(&tail, first, np + spare, npp, nr);
	} else {
		/* The history could not use the last one or two entries: pledges of the last
		 * month, not yet paid. */
		enter_month(months - 1);
		for (uint64_t i = 0; i < spare; i++) {
			size_t d = (size_t)below(n_donors);
			unsigned c = (unsigned)(d % N_CCY);
			emit_pledge(d, (unsigned)i, c, in_currency(c, usd_size()), months - 1, 28,
				    0);
		}
	}
	enter_month(months - 1);
	if (stmt && bank_statement(stmt, &tail) < 0)
		rc = 1;
	free(tail.open);
	free(tail.last);
flush:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gen: error writing output: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}
