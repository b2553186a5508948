/*
 * gen.c: a synthetic ledger CSV for the benchmark (tools/bench), in the layout that
 * `fundledger import` reads (docs/CSV.md).
 *
 *   gen [-s SEED] N DONORS_FILE > ledger.csv
 *
 * Writes a header and exactly N data rows, the same bytes for the same arguments (a fixed
 * splitmix64 generator, integers only). DONORS_FILE lists donor codes, one per line; they must
 * be codes the configuration knows (tools/bench takes them from config/donors.yaml).
 *
 * The rows cover 120 months from January 2016 (fewer when N is small). Each month opens with
 * the UN operational rates of its 12 non-USD currencies, effective on the 1st, so every
 * contribution has a rate in force; then come pledges (3 in 10 rows) and contributions (the
 * rest), dated through the month. Half of the contributions pay an earlier pledge of the same
 * donor to the same fund, naming it by its ref. Every row has its own ref (R-CCY-YYYY-MM,
 * P0000001, C0000002, ...) and every contribution its own bank ref, so the file imports into
 * an empty ledger without a single replay, and the ref column is a natural unique key.
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

typedef struct {
	const char *code;
	unsigned minor_units;
	uint64_t base_rate; /* units per USD, millionths */
	uint64_t mul, div;  /* a USD amount times mul/div is roughly this currency */
} currency;

/* USD first: it needs no rate. */
static const currency CCY[] = {
    {"USD", 2, 1000000, 1, 1},	 {"EUR", 2, 920000, 9, 10},	{"CHF", 2, 890000, 9, 10},
    {"GBP", 2, 780000, 4, 5},	 {"JPY", 0, 145000000, 145, 1}, {"NOK", 2, 10600000, 21, 2},
    {"SEK", 2, 10400000, 21, 2}, {"DKK", 2, 6850000, 7, 1},	{"CAD", 2, 1360000, 27, 20},
    {"AUD", 2, 1520000, 3, 2},	 {"KWD", 3, 306000, 3, 10},	{"KRW", 0, 1350000000, 1350, 1},
    {"QAR", 2, 3640000, 91, 25},
};
#define N_CCY (sizeof(CCY) / sizeof(CCY[0]))

static const char *const FUNDS[N_FUNDS] = {"VFTC", "UPRP", "UPRI"};

typedef struct {
	uint64_t ref;	 /* the pledge's row number; 0 when the donor has none to this fund */
	uint64_t amount; /* minor units */
	unsigned ccy;
	unsigned year;
} open_pledge;

static uint64_t state;

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
	fprintf(stderr, "usage: gen [-s SEED] N DONORS_FILE > ledger.csv\n");
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

static size_t read_donors(const char *path, char codes[][CODE_MAX + 1])
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
		memcpy(codes[n], line, len);
		codes[n][len] = 0;
		n++;
	}
	fclose(f);
	if (n == 0)
		fprintf(stderr, "gen: %s: no donor codes\n", path);
	return n;
}

/* An amount of minor units as the decimal text the importer takes. */
static void put_amount(uint64_t minor, unsigned mu)
{
	static const uint64_t pow10[] = {1, 10, 100, 1000};
	if (mu == 0)
		printf("%" PRIu64, minor);
	else
		printf("%" PRIu64 ".%0*" PRIu64, minor / pow10[mu], (int)mu, minor % pow10[mu]);
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
	static const uint64_t pow10[] = {1, 10, 100, 1000};
	uint64_t units = usd * CCY[c].mul / CCY[c].div;
	uint64_t minor = units * pow10[CCY[c].minor_units];
	if (CCY[c].minor_units && below(4) == 0)
		minor += below(pow10[CCY[c].minor_units]);
	return minor ? minor : 1;
}

int main(int argc, char **argv)
{
	static char donors[DONORS_MAX][CODE_MAX + 1];
	static open_pledge pledges[DONORS_MAX][N_FUNDS];
	uint64_t n, seed = 1, rates[N_CCY], row = 0, months, body, per, extra;
	size_t n_donors;
	int argi = 1;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		if (parse_u64(argv[2], &seed) < 0)
			return usage();
		argi = 3;
	}
	if (argc - argi != 2 || parse_u64(argv[argi], &n) < 0 || n == 0)
		return usage();
	if (!(n_donors = read_donors(argv[argi + 1], donors)))
		return 2;
	state = seed;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);

	/* Rates stay under 2% of the rows; at least one month. */
	months = n / (50 * (N_CCY - 1));
	if (months > MONTHS_MAX)
		months = MONTHS_MAX;
	if (months == 0)
		months = 1;
	if (n < months * (N_CCY - 1)) {
		fprintf(stderr, "gen: N must be at least %zu (one month of rates)\n", N_CCY - 1);
		return 2;
	}
	body = n - months * (N_CCY - 1);
	per = body / months;
	extra = body % months;
	for (size_t c = 0; c < N_CCY; c++)
		rates[c] = CCY[c].base_rate;

	puts("kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref,announcement,"
	     "bank_ref,pledge,rate");
	for (uint64_t m = 0; m < months; m++) {
		unsigned year = (unsigned)(FIRST_YEAR + m / 12), month = (unsigned)(m % 12 + 1);
		uint64_t count = per + (m >= months - extra ? 1 : 0);

		/* The month's rates: a random walk of at most 1% a month, kept within 30% of base.
		 */
		for (unsigned c = 1; c < N_CCY; c++) {
			uint64_t base = CCY[c].base_rate, step = rates[c] / 100 * below(101) / 100;
			if (below(2))
				rates[c] = rates[c] + step > base / 10 * 13 ? rates[c] - step
									    : rates[c] + step;
			else
				rates[c] = rates[c] - step < base / 10 * 7 ? rates[c] + step
									   : rates[c] - step;
			row++;
			printf("rate,R-%s-%u-%02u,,,%s,,%u-%02u-01,,,,,,,,", CCY[c].code, year,
			       month, CCY[c].code, year, month);
			put_rate(rates[c]);
			putchar('\n');
		}
		for (uint64_t i = 0; i < count; i++) {
			unsigned day = (unsigned)(1 + i * 28 / count);
			size_t d = (size_t)below(n_donors);
			uint64_t f = below(10);
			unsigned fund = f < 6 ? 0 : f < 8 ? 2 : 1;
			unsigned home = (unsigned)(d % N_CCY);
			open_pledge *p = &pledges[d][fund];
			row++;
			if (below(10) < 3) {
				/* A pledge in the donor's currency, for this year or three. */
				p->ref = row;
				p->ccy = home;
				p->amount = in_currency(home, usd_size());
				p->year = year;
				printf("pledge,P%07" PRIu64 ",%s,%s,%s,", row, FUNDS[fund],
				       donors[d], CCY[home].code);
				put_amount(p->amount, CCY[home].minor_units);
				printf(",%u-%02u-%02u,", year, month, day);
				if (below(5) == 0)
					printf("%u-%u", year, year + 2);
				else
					printf("%u", year);
				if (below(4) == 0)
					printf(",%u-12-31", year);
				else
					putchar(',');
				printf(",%s", below(10) == 0 ? "Country programmes in Africa" : "");
				if (below(3) == 0)
					printf(",DR/%u/%06" PRIu64, year, below(1000000));
				else
					putchar(',');
				printf(",%s,,,\n", below(8) == 0 ? "Note verbale" : "");
			} else if (p->ref && below(2)) {
				/* Pays the open pledge, in its currency or now and then in dollars.
				 */
				unsigned c = below(10) ? p->ccy : 0;
				uint64_t amount = c == p->ccy ? p->amount / (1 + below(3))
							      : in_currency(0, usd_size());
				printf("contribution,C%07" PRIu64 ",%s,%s,%s,", row, FUNDS[fund],
				       donors[d], CCY[c].code);
				put_amount(amount ? amount : 1, CCY[c].minor_units);
				printf(",%u-%02u-%02u,,,,,,JPM-%u%02u%02u-%07" PRIu64 ",P%07" PRIu64
				       ",\n",
				       year, month, day, year, month, day, row, p->ref);
			} else {
				/* Not tied to a pledge. */
				unsigned c = below(3) ? home : 0;
				printf("contribution,C%07" PRIu64 ",%s,%s,%s,", row, FUNDS[fund],
				       donors[d], CCY[c].code);
				put_amount(in_currency(c, usd_size()), CCY[c].minor_units);
				printf(",%u-%02u-%02u,,,,,,JPM-%u%02u%02u-%07" PRIu64 ",,\n", year,
				       month, day, year, month, day, row);
			}
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gen: error writing output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
