// SPDX-License-Identifier: MIT
/*
 * libcardsnoop host tests: GPU discovery (cs_get_devices()).  The build
 * machine has no GPU, so these check the contract; the VM suite checks what
 * is found on simgpu.
 *
 * bad_flags:        unknown flag bits are -EINVAL, with a message
 * bad_max:          a negative max is -EINVAL
 * count_then_fill:  NULL → count; the array gets that many sane entries
 * snoop_only:       CS_DEVICES_SNOOP_ONLY lists a subset with snoop nodes
 * max_zero:         max 0 stores nothing
 * free_null_safe:   cs_free_devices(NULL, n)
 */
#include <errno.h>

#include "cstest.h"
#include "lib_test.h"

#define MAXD 32

START_TEST(bad_flags)
{
	struct cs_error *err = cs_error_new();

	ck_assert_int_eq(cs_get_devices(1u << 7, NULL, 0, err), -EINVAL);
	ck_assert_str_eq(cs_error_message(err), "cs_get_devices: unknown flags 0x80");
	cs_error_free(err);
}
END_TEST

START_TEST(bad_max)
{
	struct cs_device *d[1];

	ck_assert_int_eq(cs_get_devices(0, d, -1, NULL), -EINVAL);
}
END_TEST

START_TEST(count_then_fill)
{
	struct cs_device *d[MAXD];
	int n, m, i;

	n = cs_get_devices(0, NULL, 0, NULL);
	ck_assert_int_ge(n, 0);
	m = cs_get_devices(0, d, MAXD, NULL);
	ck_assert_int_eq(m, n < MAXD ? n : MAXD);
	for (i = 0; i < m; i++) {
		ck_assert_uint_eq(d[i]->struct_size, sizeof(struct cs_device));
		ck_assert_int_ge(d[i]->card_index, 0);
		ck_assert_ptr_nonnull(d[i]->primary_node);
		if (i)
			ck_assert_int_lt(d[i - 1]->card_index, d[i]->card_index);
		if (!d[i]->snoop_node)
			ck_assert_int_eq(d[i]->info_status, -ENOENT);
	}
	cs_free_devices(d, m);
}
END_TEST

START_TEST(snoop_only)
{
	struct cs_device *d[MAXD];
	int all, n, i;

	all = cs_get_devices(0, NULL, 0, NULL);
	n = cs_get_devices(CS_DEVICES_SNOOP_ONLY, d, MAXD, NULL);
	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, all);
	for (i = 0; i < n; i++)
		ck_assert_ptr_nonnull(d[i]->snoop_node);
	cs_free_devices(d, n);
}
END_TEST

START_TEST(max_zero)
{
	struct cs_device *d[1] = { NULL };

	ck_assert_int_eq(cs_get_devices(0, d, 0, NULL), 0);
	ck_assert_ptr_null(d[0]);
}
END_TEST

START_TEST(free_null_safe)
{
	cs_free_devices(NULL, 4);
}
END_TEST

static Suite *devices_suite(void)
{
	Suite *s = suite_create("lib_devices");
	TCase *tc = tcase_create("contract");

	tcase_add_test(tc, bad_flags);
	tcase_add_test(tc, bad_max);
	tcase_add_test(tc, count_then_fill);
	tcase_add_test(tc, snoop_only);
	tcase_add_test(tc, max_zero);
	tcase_add_test(tc, free_null_safe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(devices_suite());
}
