// SPDX-License-Identifier: MIT
/*
 * Packaging host tests: `make install DESTDIR=...` and the files that
 * distributions build packages from (kmod/dkms.conf, the udev rule).
 *
 * install TCase (one `make install DESTDIR=tmp` for all, PREFIX default):
 *   install_file_list:  exactly the files of fixtures/install/files.txt (with
 *                       every section-3 page of libcardsnoop/man), nothing missing or extra
 *   install_modes:      programs 0755, the rest 0644; libcardsnoop.so a link
 *                       to libcardsnoop.so.1
 *   install_pkgconfig:  the .pc names PREFIX, never the build tree or DESTDIR
 *   install_runs:       the installed cardsnoop runs and finds the installed
 *                       library (RUNPATH $ORIGIN/../lib)
 *   install_man_pages:  cardsnoop(1) renders without warnings and has the
 *                       sections; every man page renders
 * prefix TCase:
 *   install_prefix_usr: PREFIX=/usr puts the same files under usr/
 * packaging TCase:
 *   dkms_conf:          names the modules the build makes where it makes
 *                       them, the project's version, and guards that let
 *                       this kernel through
 *   udev_rule:          matches card<N>-snoop only; group and mode of the
 *                       render nodes in this system's rules
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cstest.h"
#include "cli_test.h"

static char destdir[64];
static char kver[128];

/* Run "make -C TOP @args" with a clean make environment; 0 on success. */
static int run_make(const char *args, char **out)
{
	char cmd[PATH_MAX * 2];

	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("MAKEOVERRIDES");
	snprintf(cmd, sizeof(cmd), "make --no-print-directory -C '%s' %s 2>&1",
		 cli_test_top(), args);
	return cli_test_sh(cmd, out, NULL);
}

static void rm_rf(const char *dir)
{
	char cmd[PATH_MAX + 16];

	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cli_test_sh(cmd, NULL, NULL);
}

static void install_into(const char *prefix)
{
	char args[PATH_MAX + 64], *out = NULL, *p;
	char cmd[PATH_MAX];
	int rc;

	strcpy(destdir, "/tmp/cli-install.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(destdir));
	snprintf(args, sizeof(args), "install DESTDIR='%s'%s%s", destdir,
		 prefix ? " PREFIX=" : "", prefix ? prefix : "");
	rc = run_make(args, &out);
	ck_assert_msg(rc == 0, "make %s failed:\n%s", args, out);
	free(out);

	/* the kernel release the build uses */
	snprintf(cmd, sizeof(cmd), "'%s/mk/kernel.sh' | sed -n 's/^KVER=//p'",
		 cli_test_top());
	ck_assert_int_eq(cli_test_sh(cmd, &out, NULL), 0);
	p = strchr(out, '\n');
	if (p)
		*p = '\0';
	snprintf(kver, sizeof(kver), "%s", out);
	free(out);
}

static void install_setup(void)
{
	install_into(NULL);
}

static void install_usr_setup(void)
{
	install_into("/usr");
}

static void install_teardown(void)
{
	rm_rf(destdir);
	destdir[0] = '\0';
}

/* ----------------------------------------------------- expected file list */

struct list {
	char **v;
	size_t n, cap;
};

static void list_add(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = strdup(s);
}

static void list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool list_has(const struct list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

/* @s with @from replaced by @to, into @buf. */
static void subst(char *buf, size_t len, const char *s, const char *from,
		  const char *to)
{
	const char *p = strstr(s, from);

	if (!p) {
		snprintf(buf, len, "%s", s);
		return;
	}
	snprintf(buf, len, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

static void expected_files(const char *prefix, struct list *want)
{
	char path[PATH_MAX], line[512], a[512], b[512];
	struct dirent *de;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tests/host/fixtures/install/files.txt",
		 cli_test_top());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!strcmp(line, "@MAN3@")) {
			snprintf(path, sizeof(path), "%s/libcardsnoop/man",
				 cli_test_top());
			d = opendir(path);
			ck_assert_ptr_nonnull(d);
			while ((de = readdir(d)))
				if (!fnmatch("*.3", de->d_name, 0)) {
					snprintf(a, sizeof(a), "%s/share/man/man3/%s",
						 prefix, de->d_name);
					list_add(want, a);
				}
			closedir(d);
			continue;
		}
		subst(a, sizeof(a), line, "@PREFIX@", prefix);
		subst(b, sizeof(b), a, "@KVER@", kver);
		list_add(want, b);
	}
	fclose(f);
}

static struct list found;
static size_t destlen;

static int collect(const char *fpath, const struct stat *st, int type,
		   struct FTW *ftw)
{
	if (type == FTW_F || type == FTW_SL)
		list_add(&found, fpath + destlen + 1);
	return 0;
}

static void check_file_list(const char *prefix)
{
	struct list want = { 0 };
	char missing[4096] = "", extra[4096] = "";
	size_t i;

	expected_files(prefix, &want);
	destlen = strlen(destdir);
	ck_assert_int_eq(nftw(destdir, collect, 16, FTW_PHYS), 0);
	for (i = 0; i < want.n; i++)
		if (!list_has(&found, want.v[i]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 " %s", want.v[i]);
	for (i = 0; i < found.n; i++)
		if (!list_has(&want, found.v[i]))
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
				 " %s", found.v[i]);
	ck_assert_msg(!missing[0] && !extra[0], "missing:%s\nunexpected:%s",
		      missing, extra);
	list_free(&want);
	list_free(&found);
}

START_TEST(install_file_list)
{
	check_file_list("usr/local");
}
END_TEST

START_TEST(install_prefix_usr)
{
	check_file_list("usr");
}
END_TEST

static mode_t mode_of(const char *rel)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", destdir, rel);
	ck_assert_msg(!lstat(path, &st), "%s: %s", rel, strerror(errno));
	return st.st_mode;
}

START_TEST(install_modes)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	ck_assert_uint_eq(mode_of("usr/local/bin/cardsnoop") & 07777, 0755);
	ck_assert_uint_eq(mode_of("usr/local/bin/simgpu-app") & 07777, 0755);
	ck_assert_uint_eq(mode_of("usr/local/share/man/man1/cardsnoop.1") & 07777, 0644);
	ck_assert_uint_eq(mode_of("usr/lib/udev/rules.d/70-cardsnoop.rules") & 07777, 0644);
	ck_assert_uint_eq(mode_of("usr/local/include/cardsnoop.h") & 07777, 0644);
	ck_assert_uint_eq(mode_of("usr/local/lib/libcardsnoop.a") & 07777, 0644);
	ck_assert(S_ISREG(mode_of("usr/local/lib/libcardsnoop.so.1")));
	ck_assert(S_ISLNK(mode_of("usr/local/lib/libcardsnoop.so")));
	snprintf(path, sizeof(path), "%s/usr/local/lib/libcardsnoop.so", destdir);
	n = readlink(path, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, "libcardsnoop.so.1");
	snprintf(path, sizeof(path), "lib/modules/%s/updates/cardsnoop.ko", kver);
	ck_assert_uint_eq(mode_of(path) & 07777, 0644);
}
END_TEST

START_TEST(install_pkgconfig)
{
	char path[PATH_MAX], *text;
	int fd;

	snprintf(path, sizeof(path), "%s/usr/local/lib/pkgconfig/libcardsnoop.pc",
		 destdir);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	text = cli_test_slurp_fd(fd);
	close(fd);
	ck_assert_has(text, "prefix=/usr/local");
	ck_assert_has(text, "Name: libcardsnoop");
	ck_assert_lacks(text, destdir);
	ck_assert_lacks(text, "/build/");
	free(text);
}
END_TEST

START_TEST(install_runs)
{
	char bin[PATH_MAX], *out = NULL, *err = NULL, cmd[PATH_MAX + 64];
	char *argv[] = { bin, "--version", NULL };

	snprintf(bin, sizeof(bin), "%s/usr/local/bin/cardsnoop", destdir);
	ck_assert_int_eq(cli_test_run(argv, &out, &err), 0);
	ck_assert_has(out, "cardsnoop " CARDSNOOP_VERSION);
	free(out);
	free(err);
	/* the library it loads is the installed one */
	snprintf(cmd, sizeof(cmd), "ldd '%s' | grep libcardsnoop", bin);
	ck_assert_int_eq(cli_test_sh(cmd, &out, NULL), 0);
	ck_assert_has(out, destdir);
	free(out);
}
END_TEST

START_TEST(install_man_pages)
{
	static const char *const sections[] = {
		"\nNAME\n", "\nSYNOPSIS\n", "\nDESCRIPTION\n", "\nOPTIONS\n",
		"\nOUTPUT COLUMNS\n", "\nJSON OUTPUT\n", "\nEXIT STATUS\n",
		"\nSEE ALSO\n",
	};
	char cmd[PATH_MAX + 128], *out = NULL, *err = NULL;
	size_t i;

	snprintf(cmd, sizeof(cmd),
		 "MANWIDTH=80 man --warnings -l '%s/usr/local/share/man/man1/cardsnoop.1'",
		 destdir);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 0);
	ck_assert_msg(!err[0], "man warnings: %s", err);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		ck_assert_has(out, sections[i]);
	free(out);
	free(err);
	/* every installed page renders */
	snprintf(cmd, sizeof(cmd),
		 "for f in '%s'/usr/local/share/man/man*/*; do "
		 "MANWIDTH=80 man -l \"$f\" >/dev/null || echo \"$f\"; done",
		 destdir);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 0);
	ck_assert_msg(!out[0], "these do not render: %s", out);
	free(out);
	free(err);
}
END_TEST

/* -------------------------------------------------------------- packaging */

/* Evaluate @expr in bash after sourcing kmod/dkms.conf as DKMS does. */
static char *dkms_eval(const char *expr)
{
	char cmd[PATH_MAX + 512], *out = NULL;

	snprintf(cmd, sizeof(cmd),
		 "bash -c 'kernel_source_dir=/KSRC; dkms_tree=/TREE; "
		 ". \"%s/kmod/dkms.conf\" && %s'", cli_test_top(), expr);
	ck_assert_int_eq(cli_test_sh(cmd, &out, NULL), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

START_TEST(dkms_conf)
{
	char path[PATH_MAX], *v, *name, *loc, cmd[PATH_MAX + 256], *out;
	char expr[128];
	struct stat st;
	int i;

	v = dkms_eval("echo $PACKAGE_NAME-$PACKAGE_VERSION");
	ck_assert_str_eq(v, "cardsnoop-" CARDSNOOP_VERSION);
	free(v);
	v = dkms_eval("echo \"${MAKE[0]}\"");
	ck_assert_str_eq(v, "make -C /KSRC M=/TREE/cardsnoop/" CARDSNOOP_VERSION
			 "/build modules");
	free(v);
	v = dkms_eval("echo $AUTOINSTALL");
	ck_assert_str_eq(v, "yes");
	free(v);

	/* each module is where the Kbuild of kmod/ makes it */
	for (i = 0; i < 2; i++) {
		snprintf(expr, sizeof(expr), "echo ${BUILT_MODULE_NAME[%d]}", i);
		name = dkms_eval(expr);
		snprintf(expr, sizeof(expr), "echo ${BUILT_MODULE_LOCATION[%d]}", i);
		loc = dkms_eval(expr);
		snprintf(path, sizeof(path), "%s/kmod/%s%s.ko", cli_test_top(), loc, name);
		ck_assert_msg(!stat(path, &st), "%s: %s", path, strerror(errno));
		snprintf(expr, sizeof(expr), "echo ${DEST_MODULE_LOCATION[%d]}", i);
		free(name);
		free(loc);
		v = dkms_eval(expr);
		ck_assert_str_eq(v, "/updates/dkms");
		free(v);
	}

	/* the guards let the kernel we build for through */
	v = dkms_eval("echo $BUILD_EXCLUSIVE_CONFIG");
	ck_assert_has(v, "CONFIG_DRM_GPUVM");
	ck_assert_has(v, "CONFIG_DRM_TTM");
	free(v);
	ck_assert_int_eq(run_make("-s kernel-check >/dev/null", NULL), 0);
	snprintf(cmd, sizeof(cmd),
		 "eval \"$('%s/mk/kernel.sh')\"; for c in $(bash -c '. \"%s/kmod/dkms.conf\"; "
		 "echo $BUILD_EXCLUSIVE_CONFIG'); do grep -Eq \"^$c=(y|m)$\" \"$KDIR/.config\" "
		 "|| echo \"$c\"; done",
		 cli_test_top(), cli_test_top());
	ck_assert_int_eq(cli_test_sh(cmd, &out, NULL), 0);
	ck_assert_msg(!out[0], "not set in the kernel's .config: %s", out);
	free(out);
	snprintf(cmd, sizeof(cmd),
		 "eval \"$('%s/mk/kernel.sh')\"; bash -c '. \"%s/kmod/dkms.conf\"; "
		 "[[ $0 =~ $BUILD_EXCLUSIVE_KERNEL ]] && ! [[ 6.1.0-28-amd64 =~ $BUILD_EXCLUSIVE_KERNEL ]]' \"$KVER\"",
		 cli_test_top(), cli_test_top());
	ck_assert_int_eq(cli_test_sh(cmd, NULL, NULL), 0);
}
END_TEST

START_TEST(udev_rule)
{
	char path[PATH_MAX], *text, *kernel, *q, *out = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/udev/70-cardsnoop.rules", cli_test_top());
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	text = cli_test_slurp_fd(fd);
	close(fd);
	ck_assert_has(text, "SUBSYSTEM==\"misc\"");
	kernel = strstr(text, "KERNEL==\"");
	ck_assert_ptr_nonnull(kernel);
	kernel += strlen("KERNEL==\"");
	q = strchr(kernel, '"');
	ck_assert_ptr_nonnull(q);
	*q = '\0';
	ck_assert_int_eq(fnmatch(kernel, "card0-snoop", 0), 0);
	ck_assert_int_eq(fnmatch(kernel, "card12-snoop", 0), 0);
	ck_assert_int_ne(fnmatch(kernel, "card0", 0), 0);
	ck_assert_int_ne(fnmatch(kernel, "renderD128", 0), 0);
	ck_assert_int_ne(fnmatch(kernel, "card-snoop", 0), 0);
	*q = '"';
	ck_assert_has(text, "GROUP=\"render\"");
	ck_assert_has(text, "MODE=\"0660\"");
	ck_assert_has(text, "TAG+=\"uaccess\"");
	/* as this system's udev treats render nodes, where it has the rules */
	if (!cli_test_sh("grep -h 'KERNEL==\"renderD\\*\", GROUP=' "
			 "/usr/lib/udev/rules.d/50-udev-default.rules", &out, NULL)) {
		ck_assert_has(out, "GROUP=\"render\"");
		ck_assert_has(out, "MODE=\"0660\"");
	}
	free(out);
	free(text);
}
END_TEST

static Suite *cli_install_suite(void)
{
	Suite *s = suite_create("cli_install");
	TCase *tc;

	tc = tcase_create("install");
	tcase_add_unchecked_fixture(tc, install_setup, install_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, install_file_list);
	tcase_add_test(tc, install_modes);
	tcase_add_test(tc, install_pkgconfig);
	tcase_add_test(tc, install_runs);
	tcase_add_test(tc, install_man_pages);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	tcase_add_unchecked_fixture(tc, install_usr_setup, install_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, install_prefix_usr);
	suite_add_tcase(s, tc);

	tc = tcase_create("packaging");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dkms_conf);
	tcase_add_test(tc, udev_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_install_suite());
}
