// SPDX-License-Identifier: MIT
/*
 * libcardsnoop host tests: canonical GPU virtual addresses
 * (cs_va_to_offset(), cs_offset_to_va()).
 *
 * va_to_offset_low:        addresses below 2^(bits-1) are their own offset
 * va_to_offset_high:       sign-extended addresses lose the extension
 * va_to_offset_file_form:  the file-offset form of the high half is accepted
 * va_to_offset_bad:        neither form is -EINVAL
 * va_bits_bad:             0 and > 64 VA bits are -EINVAL
 * va_bits_64:              a full 64-bit space keeps every address
 * offset_to_va:            offsets come back canonical
 * round_trip:              offset → VA → offset is the identity for each width
 */
#include <errno.h>
#include <stdint.h>

#include "cstest.h"
#include "lib_test.h"

struct va_case {
	unsigned int bits;
	uint64_t va;
	int ret;
	uint64_t offset;
};

static void check_cases(const struct va_case *c, size_t n)
{
	uint64_t off;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		off = 0xdeadbeef;
		ret = cs_va_to_offset(c[i].bits, c[i].va, &off);
		ck_assert_msg(ret == c[i].ret,
			      "bits %u va 0x%llx: ret %d, expected %d",
			      c[i].bits, (unsigned long long)c[i].va, ret,
			      c[i].ret);
		if (!ret)
			ck_assert_msg(off == c[i].offset,
				      "bits %u va 0x%llx: offset 0x%llx, expected 0x%llx",
				      c[i].bits, (unsigned long long)c[i].va,
				      (unsigned long long)off,
				      (unsigned long long)c[i].offset);
		else
			ck_assert_msg(off == 0xdeadbeef,
				      "offset written on failure");
	}
}

/* Addresses below 2^(bits-1) are their own offset. */
START_TEST(va_to_offset_low)
{
	static const struct va_case c[] = {
		{ 48, 0, 0, 0 },
		{ 48, 0x1000, 0, 0x1000 },
		{ 48, 0x7fffffffffffull, 0, 0x7fffffffffffull },
		{ 32, 0x7fffffff, 0, 0x7fffffff },
		{ 1, 0, 0, 0 },
		{ 57, 0xffffffffffffffull, 0, 0xffffffffffffffull },
	};

	check_cases(c, ARRAY_SIZE(c));
}
END_TEST

/* Sign-extended addresses lose the extension. */
START_TEST(va_to_offset_high)
{
	static const struct va_case c[] = {
		{ 48, 0xffff800000000000ull, 0, 0x800000000000ull },
		{ 48, 0xffffffffffffffffull, 0, 0xffffffffffffull },
		{ 48, 0xffff800000001234ull, 0, 0x800000001234ull },
		{ 32, 0xffffffff80000000ull, 0, 0x80000000ull },
		{ 47, 0xffffc00000000000ull, 0, 0x400000000000ull },
		{ 57, 0xff00000000000000ull, 0, 0x100000000000000ull },
		{ 63, 0xc000000000000000ull, 0, 0x4000000000000000ull },
		{ 1, 0xffffffffffffffffull, 0, 1 },
	};

	check_cases(c, ARRAY_SIZE(c));
}
END_TEST

/* The file-offset form of the high half (below 2^bits) is accepted. */
START_TEST(va_to_offset_file_form)
{
	static const struct va_case c[] = {
		{ 48, 0x800000000000ull, 0, 0x800000000000ull },
		{ 48, 0xffffffffffffull, 0, 0xffffffffffffull },
		{ 32, 0xffffffffull, 0, 0xffffffffull },
	};

	check_cases(c, ARRAY_SIZE(c));
}
END_TEST

/* Neither canonical nor below 2^bits: -EINVAL. */
START_TEST(va_to_offset_bad)
{
	static const struct va_case c[] = {
		/* just above the space, no sign extension */
		{ 48, 0x1000000000000ull, -EINVAL, 0 },
		/* upper bits set but bit 47 clear */
		{ 48, 0xffff000000000000ull, -EINVAL, 0 },
		{ 48, 0xffff7fffffffffffull, -EINVAL, 0 },
		/* partial sign extension */
		{ 48, 0x7fff800000000000ull, -EINVAL, 0 },
		{ 48, 0xfffe800000000000ull, -EINVAL, 0 },
		{ 32, 0x100000000ull, -EINVAL, 0 },
		{ 32, 0xffffffff00000000ull, -EINVAL, 0 },
		{ 63, 0x8000000000000000ull, -EINVAL, 0 },
	};

	check_cases(c, ARRAY_SIZE(c));
}
END_TEST

/* 0 and more than 64 VA bits are -EINVAL. */
START_TEST(va_bits_bad)
{
	uint64_t off;

	ck_assert_int_eq(cs_va_to_offset(0, 0, &off), -EINVAL);
	ck_assert_int_eq(cs_va_to_offset(65, 0, &off), -EINVAL);
	ck_assert_int_eq(cs_va_to_offset(UINT32_MAX, 0, &off), -EINVAL);
}
END_TEST

/* A 64-bit space keeps every address. */
START_TEST(va_bits_64)
{
	static const struct va_case c[] = {
		{ 64, 0, 0, 0 },
		{ 64, 0x8000000000000000ull, 0, 0x8000000000000000ull },
		{ 64, UINT64_MAX, 0, UINT64_MAX },
	};

	check_cases(c, ARRAY_SIZE(c));
	ck_assert_uint_eq(cs_offset_to_va(64, 0x8000000000000000ull),
			  0x8000000000000000ull);
}
END_TEST

/* Offsets come back canonical; out-of-range offsets unchanged. */
START_TEST(offset_to_va)
{
	ck_assert_uint_eq(cs_offset_to_va(48, 0), 0);
	ck_assert_uint_eq(cs_offset_to_va(48, 0x7fffffffffffull),
			  0x7fffffffffffull);
	ck_assert_uint_eq(cs_offset_to_va(48, 0x800000000000ull),
			  0xffff800000000000ull);
	ck_assert_uint_eq(cs_offset_to_va(48, 0xffffffffffffull),
			  0xffffffffffffffffull);
	/* SEEK_END / SEEK_HOLE at the end: 2^bits has no canonical form */
	ck_assert_uint_eq(cs_offset_to_va(48, 1ull << 48), 1ull << 48);
	ck_assert_uint_eq(cs_offset_to_va(32, 0x80000000ull),
			  0xffffffff80000000ull);
	ck_assert_uint_eq(cs_offset_to_va(1, 1), UINT64_MAX);
	ck_assert_uint_eq(cs_offset_to_va(0, 0x1234), 0x1234);
	ck_assert_uint_eq(cs_offset_to_va(70, 0x1234), 0x1234);
}
END_TEST

/* offset → VA → offset is the identity, for every width. */
START_TEST(round_trip)
{
	static const uint64_t probes[] = { 0, 1, 0x1000, 0x5555555555555555ull,
					   UINT64_MAX };
	unsigned int bits;
	uint64_t off, back, limit;
	size_t i;

	for (bits = 1; bits < 64; bits++) {
		limit = 1ull << bits;
		for (i = 0; i < ARRAY_SIZE(probes); i++) {
			off = probes[i] & (limit - 1);
			ck_assert_int_eq(cs_va_to_offset(bits,
							 cs_offset_to_va(bits, off),
							 &back), 0);
			ck_assert_msg(back == off, "bits %u offset 0x%llx",
				      bits, (unsigned long long)off);
		}
	}
}
END_TEST

static Suite *va_suite(void)
{
	Suite *s = suite_create("lib_va");
	TCase *tc = tcase_create("canonical");

	tcase_add_test(tc, va_to_offset_low);
	tcase_add_test(tc, va_to_offset_high);
	tcase_add_test(tc, va_to_offset_file_form);
	tcase_add_test(tc, va_to_offset_bad);
	tcase_add_test(tc, va_bits_bad);
	tcase_add_test(tc, va_bits_64);
	tcase_add_test(tc, offset_to_va);
	tcase_add_test(tc, round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(va_suite());
}
