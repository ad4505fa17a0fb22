/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by libcardsnoop's host tests (tests/host/lib_*.c).
 */
#ifndef LIB_TEST_H
#define LIB_TEST_H

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cardsnoop.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * The repository's top directory: the tests link against
 * $(TOP)/build/lib/libcardsnoop.so.1, so it is two levels above the
 * library they loaded.  CS_TOP in the environment overrides.
 */
static inline const char *lib_test_top(void)
{
	static char top[PATH_MAX];
	Dl_info info;
	char *slash;
	int i;

	if (getenv("CS_TOP"))
		return getenv("CS_TOP");
	if (top[0])
		return top;
	if (!dladdr((void *)cs_version, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, top))
		return ".";
	for (i = 0; i < 3; i++) {	/* lib file, lib/, build/ */
		slash = strrchr(top, '/');
		if (slash)
			*slash = '\0';
	}
	return top;
}

/* $(TOP)/REL into @buf. */
static inline const char *lib_test_path(char *buf, size_t len, const char *rel)
{
	if (snprintf(buf, len, "%s/%s", lib_test_top(), rel) >= (int)len)
		buf[0] = '\0';
	return buf;
}

#endif
