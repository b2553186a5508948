/*
 * fuzz_common.h: what the fuzz harnesses share. Included by each tests/fuzz/fuzz_*.c, which
 * is built alone (with libFuzzer, or with replay.c), so the helpers are static.
 */
#ifndef FUNDLEDGER_FUZZ_COMMON_H
#define FUNDLEDGER_FUZZ_COMMON_H

/* True when s is non-empty printable ASCII: what every error message must be. */
static int printable(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

#endif
