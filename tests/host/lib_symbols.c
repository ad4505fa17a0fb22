// SPDX-License-Identifier: MIT
/*
 * libcardsnoop host tests: the ABI.  The built libcardsnoop.so.1 must export
 * exactly the symbols of the checked-in libcardsnoop/libcardsnoop.sym (as
 * libdrm's core-symbols-check does), each in a version node of
 * libcardsnoop.map, each declared in cardsnoop.h and with a manual page.
 *
 * exports_match_list:  nm -D of the library == libcardsnoop.sym
 * versioned:           every export carries a LIBCARDSNOOP_* version
 * map_matches_list:    the version script's globals == libcardsnoop.sym
 * soname:              the SONAME is libcardsnoop.so.1
 * declared_in_header:  every symbol is declared in cardsnoop.h
 * has_man_page:        every symbol has libcardsnoop/man/NAME.3
 * struct_sizes:        the ABI structs keep their v1 size and layout
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cstest.h"
#include "lib_test.h"

#define MAXSYM 256

struct symset {
	char *name[MAXSYM];
	char *version[MAXSYM];
	int n;
};

static void set_add(struct symset *s, const char *name, const char *version)
{
	ck_assert_int_lt(s->n, MAXSYM);
	s->name[s->n] = strdup(name);
	s->version[s->n] = version ? strdup(version) : NULL;
	s->n++;
}

static void set_free(struct symset *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		free(s->name[i]);
		free(s->version[i]);
	}
	s->n = 0;
}

static int set_find(const struct symset *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return -1;
}

static const char *so_path(char *buf, size_t len)
{
	return lib_test_path(buf, len, "build/lib/libcardsnoop.so.1");
}

/* The names of libcardsnoop.sym, comments and blank lines skipped. */
static void read_list(struct symset *s)
{
	char path[PATH_MAX], line[256];
	FILE *f;

	f = fopen(lib_test_path(path, sizeof(path),
				"libcardsnoop/libcardsnoop.sym"), "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		set_add(s, line, NULL);
	}
	fclose(f);
}

/* Defined dynamic symbols of the library, with their version. */
static void read_exports(struct symset *s)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64], line[512], type[8], sym[400];
	char *at;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s'",
		 so_path(path, sizeof(path)));
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%*s %7s %399s", type, sym) != 2)
			continue;
		if (!strcmp(type, "A"))
			continue;	/* the version node itself */
		at = strchr(sym, '@');
		if (at) {
			*at = '\0';
			at += at[1] == '@' ? 2 : 1;
		}
		set_add(s, sym, at);
	}
	ck_assert_int_eq(pclose(p), 0);
}

/* The names in the global: parts of libcardsnoop.map. */
static void read_map(struct symset *s)
{
	char path[PATH_MAX], line[256], *t;
	bool global = false;
	FILE *f;

	f = fopen(lib_test_path(path, sizeof(path),
				"libcardsnoop/libcardsnoop.map"), "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		t = line + strspn(line, " \t");
		t[strcspn(t, ";\n")] = '\0';
		if (!strcmp(t, "global:"))
			global = true;
		else if (!strcmp(t, "local:") || t[0] == '}')
			global = false;
		else if (global && t[0] && t[0] != '/' && t[0] != '*')
			set_add(s, t, NULL);
	}
	fclose(f);
}

START_TEST(exports_match_list)
{
	struct symset list = { 0 }, exp = { 0 };
	int i;

	read_list(&list);
	read_exports(&exp);
	ck_assert_int_gt(list.n, 0);
	for (i = 0; i < exp.n; i++)
		ck_assert_msg(set_find(&list, exp.name[i]) >= 0,
			      "%s is exported but not in libcardsnoop.sym",
			      exp.name[i]);
	for (i = 0; i < list.n; i++)
		ck_assert_msg(set_find(&exp, list.name[i]) >= 0,
			      "%s is in libcardsnoop.sym but not exported",
			      list.name[i]);
	set_free(&list);
	set_free(&exp);
}
END_TEST

START_TEST(versioned)
{
	struct symset exp = { 0 };
	int i;

	read_exports(&exp);
	for (i = 0; i < exp.n; i++)
		ck_assert_msg(exp.version[i] &&
			      !strncmp(exp.version[i], "LIBCARDSNOOP_", 13),
			      "%s has no LIBCARDSNOOP_ version", exp.name[i]);
	set_free(&exp);
}
END_TEST

START_TEST(map_matches_list)
{
	struct symset list = { 0 }, map = { 0 };
	int i;

	read_list(&list);
	read_map(&map);
	ck_assert_int_eq(map.n, list.n);
	for (i = 0; i < list.n; i++)
		ck_assert_msg(set_find(&map, list.name[i]) >= 0,
			      "%s is not in libcardsnoop.map", list.name[i]);
	set_free(&list);
	set_free(&map);
}
END_TEST

START_TEST(soname)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64], line[256];
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "objdump -p '%s'", so_path(path, sizeof(path)));
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "SONAME") && strstr(line, "libcardsnoop.so.1\n"))
			found = true;
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(found, "SONAME is not libcardsnoop.so.1");
}
END_TEST

START_TEST(declared_in_header)
{
	struct symset list = { 0 };
	char path[PATH_MAX], pat[128], *text;
	FILE *f;
	long len;
	int i;

	read_list(&list);
	f = fopen(lib_test_path(path, sizeof(path), "libcardsnoop/cardsnoop.h"),
		  "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	ck_assert_int_eq(fread(text, 1, len, f), len);
	fclose(f);
	for (i = 0; i < list.n; i++) {
		snprintf(pat, sizeof(pat), "%s(", list.name[i]);
		ck_assert_msg(strstr(text, pat), "%s is not declared in cardsnoop.h",
			      list.name[i]);
	}
	free(text);
	set_free(&list);
}
END_TEST

START_TEST(has_man_page)
{
	struct symset list = { 0 };
	char path[PATH_MAX], rel[128];
	int i;

	read_list(&list);
	for (i = 0; i < list.n; i++) {
		snprintf(rel, sizeof(rel), "libcardsnoop/man/%s.3", list.name[i]);
		ck_assert_msg(access(lib_test_path(path, sizeof(path), rel), R_OK) == 0,
			      "no manual page %s", rel);
	}
	ck_assert_int_eq(access(lib_test_path(path, sizeof(path),
					      "libcardsnoop/man/libcardsnoop.3"),
				R_OK), 0);
	set_free(&list);
}
END_TEST

/* Version 1 of the structs that cross the ABI: sizes and key offsets. */
START_TEST(struct_sizes)
{
	ck_assert_uint_eq(sizeof(struct cs_attach_opts), 32);
	ck_assert_uint_eq(offsetof(struct cs_attach_opts, vm_id), 24);
	ck_assert_uint_eq(sizeof(struct cs_roots), 24);
	ck_assert_uint_eq(sizeof(struct cs_mapping), 56);
	ck_assert_uint_eq(offsetof(struct cs_mapping, perms), 52);
	ck_assert_uint_eq(sizeof(struct cs_resolution), 104);
	ck_assert_uint_eq(offsetof(struct cs_resolution, snapshot_dirty), 100);
	ck_assert_uint_eq(sizeof(struct cs_vm), 32);
	ck_assert_uint_eq(offsetof(struct cs_snoop_info, comm), 96);
	ck_assert_uint_eq(offsetof(struct cs_device, caps), 112);
	ck_assert_uint_eq(offsetof(struct cs_client, keys), 88);
	ck_assert_uint_eq(sizeof(struct cs_memory_region), 56);
}
END_TEST

static Suite *symbols_suite(void)
{
	Suite *s = suite_create("lib_symbols");
	TCase *tc = tcase_create("abi");

	tcase_add_test(tc, exports_match_list);
	tcase_add_test(tc, versioned);
	tcase_add_test(tc, map_matches_list);
	tcase_add_test(tc, soname);
	tcase_add_test(tc, declared_in_header);
	tcase_add_test(tc, has_man_page);
	tcase_add_test(tc, struct_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(symbols_suite());
}
