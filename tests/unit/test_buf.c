/*
 * test_buf.c: unit tests for buf.h, the growable byte buffer.
 *
 * Checks the invariant the header promises (data[len] == 0 whenever data != NULL), growth
 * across many reallocations with the contents intact, printf appending, the big-endian
 * integer writers against hand-written bytes, reset keeping memory, and overflow refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fundledger/buf.h"
#include "fundledger/error.h"

static void assert_terminated(const fl_buf *b)
{
	assert_non_null(b->data);
	assert_true(b->len < b->cap);
	assert_int_equal(b->data[b->len], 0);
}

static void test_init_and_empty(void **state)
{
	fl_buf b = FL_BUF_INIT;
	(void)state;

	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(fl_buf_cstr(&b), "");
	fl_buf_reset(&b); /* safe on a never-grown buffer */
	assert_null(b.data);
	fl_buf_free(&b); /* and so is free */
	assert_null(b.data);

	/* Appending nothing still makes a valid C string. */
	assert_int_equal(fl_buf_put(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	assert_terminated(&b);
	assert_string_equal(fl_buf_cstr(&b), "");
	assert_int_equal(fl_buf_puts(&b, ""), 0);
	assert_int_equal(b.len, 0);
	fl_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_growth_keeps_contents(void **state)
{
	fl_buf b = FL_BUF_INIT;
	size_t total = 0, reallocs = 0, last_cap = 0;
	(void)state;

	/* 10000 appends of varying sizes: contents must be exactly the pattern. */
	for (size_t i = 0; i < 10000; i++) {
		unsigned char chunk[7];
		size_t n = i % 7 + 1;
		for (size_t k = 0; k < n; k++)
			chunk[k] = (unsigned char)(total + k);
		assert_int_equal(fl_buf_put(&b, chunk, n), 0);
		total += n;
		assert_int_equal(b.len, total);
		assert_terminated(&b);
		if (b.cap != last_cap) {
			reallocs++;
			last_cap = b.cap;
		}
	}
	for (size_t i = 0; i < total; i++)
		if (b.data[i] != (unsigned char)i)
			fail_msg("byte %zu is %u, want %u", i, b.data[i], (unsigned)(unsigned char)i);
	/* Growth is geometric: ~40000 bytes from 64 is about 10 doublings, not thousands. */
	assert_true(reallocs <= 16);
	assert_true(b.cap >= total + 1);

	/* fl_buf_grow reserves room without changing the contents. */
	{
		size_t len = b.len;
		assert_int_equal(fl_buf_grow(&b, 100000), 0);
		assert_int_equal(b.len, len);
		assert_true(b.cap >= len + 100000 + 1);
		assert_terminated(&b);
	}
	fl_buf_free(&b);
}

static void test_puts_putc_embedded_nul(void **state)
{
	fl_buf b = FL_BUF_INIT;
	(void)state;

	assert_int_equal(fl_buf_puts(&b, "fund"), 0);
	assert_int_equal(fl_buf_putc(&b, '-'), 0);
	assert_int_equal(fl_buf_puts(&b, "ledger"), 0);
	assert_string_equal(fl_buf_cstr(&b), "fund-ledger");
	assert_int_equal(b.len, 11);
	/* Binary data with NULs: len counts them, the terminator still follows. */
	assert_int_equal(fl_buf_put(&b, "\0a\0", 3), 0);
	assert_int_equal(b.len, 14);
	assert_memory_equal(b.data + 11, "\0a\0", 3);
	assert_terminated(&b);
	assert_int_equal(fl_buf_putc(&b, 0), 0);
	assert_int_equal(b.len, 15);
	assert_terminated(&b);
	fl_buf_free(&b);
}

static void test_printf(void **state)
{
	fl_buf b = FL_BUF_INIT;
	char big[1000];
	(void)state;

	assert_int_equal(fl_buf_printf(&b, "entry %d of %s", 7, "VFTC"), 0);
	assert_string_equal(fl_buf_cstr(&b), "entry 7 of VFTC");
	assert_int_equal(b.len, 15);
	/* Appends, does not overwrite. */
	assert_int_equal(fl_buf_printf(&b, "; %05.1f%%|%llu", 2.5, 18446744073709551615ull), 0);
	assert_string_equal(fl_buf_cstr(&b), "entry 7 of VFTC; 002.5%|18446744073709551615");
	assert_terminated(&b);
	/* An empty expansion adds nothing. */
	{
		size_t len = b.len;
		assert_int_equal(fl_buf_printf(&b, "%s", ""), 0);
		assert_int_equal(b.len, len);
	}
	/* Longer than the initial capacity and than what is left. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	fl_buf_reset(&b);
	assert_int_equal(fl_buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, 1001);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[999], 'x');
	assert_int_equal(b.data[1000], '>');
	assert_terminated(&b);
	assert_int_equal(fl_buf_printf(&b, "%s", big), 0);
	assert_int_equal(b.len, 1001 + 999);
	assert_int_equal(strlen(fl_buf_cstr(&b)), 2000);
	fl_buf_free(&b);
}

static void test_big_endian(void **state)
{
	fl_buf b = FL_BUF_INIT;
	static const unsigned char want[] = {
		0x00, 0x00,                                     /* u16 0 */
		0x12, 0x34,                                     /* u16 0x1234 */
		0xff, 0xfe,                                     /* u16 65534 */
		0x07, 0xea,                                     /* u16 2026 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* u64 1 */
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, /* u64 0x0123456789abcdef */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* u64 max */
		0x00, 0x00, 0x00, 0x00, 0x95, 0x02, 0xf9, 0x00, /* u64 2500000000 */
	};
	(void)state;

	assert_int_equal(fl_buf_put_u16be(&b, 0), 0);
	assert_int_equal(fl_buf_put_u16be(&b, 0x1234), 0);
	assert_int_equal(fl_buf_put_u16be(&b, 65534), 0);
	assert_int_equal(fl_buf_put_u16be(&b, 2026), 0);
	assert_int_equal(fl_buf_put_u64be(&b, 1), 0);
	assert_int_equal(fl_buf_put_u64be(&b, UINT64_C(0x0123456789abcdef)), 0);
	assert_int_equal(fl_buf_put_u64be(&b, UINT64_MAX), 0);
	assert_int_equal(fl_buf_put_u64be(&b, UINT64_C(2500000000)), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	assert_terminated(&b);
	fl_buf_free(&b);
}

static void test_reset_keeps_memory(void **state)
{
	fl_buf b = FL_BUF_INIT;
	unsigned char *data;
	size_t cap;
	(void)state;

	assert_int_equal(fl_buf_puts(&b, "some text that will be dropped"), 0);
	data = b.data;
	cap = b.cap;
	fl_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.data[0], 0);
	assert_string_equal(fl_buf_cstr(&b), "");
	/* Reuse after reset writes from the start. */
	assert_int_equal(fl_buf_puts(&b, "new"), 0);
	assert_string_equal(fl_buf_cstr(&b), "new");
	assert_int_equal(b.len, 3);
	assert_ptr_equal(b.data, data);
	fl_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(fl_buf_cstr(&b), "");
	/* A freed buffer can be used again. */
	assert_int_equal(fl_buf_puts(&b, "again"), 0);
	assert_string_equal(fl_buf_cstr(&b), "again");
	fl_buf_free(&b);
}

static void test_overflow_refused(void **state)
{
	fl_buf b = FL_BUF_INIT;
	(void)state;

	assert_int_equal(fl_buf_puts(&b, "keep"), 0);
	fl_error_clear();
	/* len + extra + 1 would wrap around. */
	assert_int_equal(fl_buf_grow(&b, SIZE_MAX), FL_ERANGE);
	assert_int_equal(fl_error_code(), FL_ERANGE);
	assert_string_equal(fl_error_last(), "buffer size overflow");
	assert_int_equal(fl_buf_grow(&b, SIZE_MAX - 4), FL_ERANGE);
	/* Does not wrap, but doubling the capacity would. */
	assert_int_equal(fl_buf_grow(&b, SIZE_MAX - 5), FL_ERANGE);
	/* Representable, but the doubled capacity cannot reach it: refused before realloc. */
	assert_int_equal(fl_buf_grow(&b, SIZE_MAX / 2 + 1), FL_ERANGE);
	/* The buffer is untouched by the refusals. */
	assert_int_equal(b.len, 4);
	assert_string_equal(fl_buf_cstr(&b), "keep");
	assert_int_equal(fl_buf_put(&b, "x", SIZE_MAX), FL_ERANGE);
	assert_string_equal(fl_buf_cstr(&b), "keep");
	fl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_empty),
		cmocka_unit_test(test_growth_keeps_contents),
		cmocka_unit_test(test_puts_putc_embedded_nul),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_overflow_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
