// SPDX-License-Identifier: MIT
/*
 * cardsnoop CLI host tests: what people type.
 *
 * numbers TCase (num.c):
 *   u64_decimal:        decimal up to 2^64-1; one more is -ERANGE
 *   u64_hex:            0x, upper/lower case, '_' between digits
 *   u64_separators:     '_' only between digits
 *   u64_suffix:         K/M/G/T/E (and KiB forms) only with CLI_NUM_SUFFIX
 *   u64_suffix_overflow:16E does not fit: -ERANGE
 *   u64_junk:           empty, signs, blanks, letters: -EINVAL
 *   range:              VA:SIZE, and each way to get it wrong
 *   hexbytes:           "deadbeef", separators, 0x; odd and bad digits
 *   pid:                positive decimal that fits pid_t
 * args TCase (args.c, cli_parse()):
 *   no_command, unknown_command, help_global, help_command, help_word,
 *   help_every_command, version:            the exits of cli_parse()
 *   maps_pid, common_before_after:          where common options go
 *   option_not_for_command:                 a known option at the wrong place
 *   missing_pid, kernel_no_pid, kernel_and_pid, kernel_and_client
 *   read_args, read_size_zero, read_bad_va, read_missing_size
 *   write_hex_or_file:                      exactly one of --hex and -i
 *   dump_needs_output, dump_range, dump_bad_range
 *   exec_dashdash, exec_options_after_pid, exec_without_dashdash,
 *   exec_no_cmd, exec_kernel, exec_extra_arg
 *   json_and_raw, json_global, missing_argument, unrecognized_long,
 *   unrecognized_short, o_means_file_or_columns, client_zero, ring_last,
 *   bad_card
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "cstest.h"
#include "cli_test.h"

/* ------------------------------------------------------------------ numbers */

START_TEST(u64_decimal)
{
	uint64_t v;

	ck_assert_int_eq(cli_parse_u64("0", 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(cli_parse_u64("4096", 0, &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(cli_parse_u64("18446744073709551615", 0, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(cli_parse_u64("18446744073709551616", 0, &v), -ERANGE);
	/* leading zeros are decimal, not octal */
	ck_assert_int_eq(cli_parse_u64("010", 0, &v), 0);
	ck_assert_uint_eq(v, 10);
}
END_TEST

START_TEST(u64_hex)
{
	uint64_t v;

	ck_assert_int_eq(cli_parse_u64("0x10", 0, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(cli_parse_u64("0XfF", 0, &v), 0);
	ck_assert_uint_eq(v, 255);
	ck_assert_int_eq(cli_parse_u64("0xffff8000_00000000", 0, &v), 0);
	ck_assert_uint_eq(v, 0xffff800000000000ull);
	ck_assert_int_eq(cli_parse_u64("0xffffffffffffffff", 0, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(cli_parse_u64("0x1ffffffffffffffff", 0, &v), -ERANGE);
	ck_assert_int_eq(cli_parse_u64("0x", 0, &v), -EINVAL);
	ck_assert_int_eq(cli_parse_u64("0xg", 0, &v), -EINVAL);
}
END_TEST

START_TEST(u64_separators)
{
	uint64_t v;

	ck_assert_int_eq(cli_parse_u64("1_000", 0, &v), 0);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(cli_parse_u64("_1", 0, &v), -EINVAL);
	ck_assert_int_eq(cli_parse_u64("0x_1", 0, &v), -EINVAL);
	ck_assert_int_eq(cli_parse_u64("1__0", 0, &v), -EINVAL);
	ck_assert_int_eq(cli_parse_u64("10_", 0, &v), -EINVAL);
}
END_TEST

START_TEST(u64_suffix)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "4K", 4096 }, { "4k", 4096 }, { "64KiB", 65536 },
		{ "1M", 1 << 20 }, { "2G", 2ull << 30 }, { "1T", 1ull << 40 },
		{ "0x10K", 16384 }, { "15E", 15ull << 60 }, { "1_0M", 10 << 20 },
	};
	static const char *const bad[] = { "4KB", "4Q", "4 K", "K", "4Ki", "4KiBx" };
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(!cli_parse_u64(ok[i].s, CLI_NUM_SUFFIX, &v), "%s", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cli_parse_u64(bad[i], CLI_NUM_SUFFIX, &v) == -EINVAL,
			      "%s accepted", bad[i]);
	/* suffixes only where sizes and VAs are parsed */
	ck_assert_int_eq(cli_parse_u64("4K", 0, &v), -EINVAL);
}
END_TEST

START_TEST(u64_suffix_overflow)
{
	uint64_t v;

	ck_assert_int_eq(cli_parse_u64("16E", CLI_NUM_SUFFIX, &v), -ERANGE);
	ck_assert_int_eq(cli_parse_u64("0x100000000000000T", CLI_NUM_SUFFIX, &v),
			 -ERANGE);
}
END_TEST

START_TEST(u64_junk)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "abc",
					   "1.5", "0b101", "1e3" };
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cli_parse_u64(bad[i], CLI_NUM_SUFFIX, &v) == -EINVAL,
			      "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(cli_parse_u64(NULL, 0, &v), -EINVAL);
}
END_TEST

START_TEST(range)
{
	uint64_t va, size;

	ck_assert_int_eq(cli_parse_range("0x100000000:64K", &va, &size), 0);
	ck_assert_uint_eq(va, 0x100000000ull);
	ck_assert_uint_eq(size, 65536);
	ck_assert_int_eq(cli_parse_range("0xffff800000000000:4096", &va, &size), 0);
	ck_assert_uint_eq(va, 0xffff800000000000ull);
	ck_assert_int_eq(cli_parse_range("0x1000", &va, &size), -EINVAL);
	ck_assert_int_eq(cli_parse_range("0x1000:0", &va, &size), -EINVAL);
	ck_assert_int_eq(cli_parse_range("0x1000:", &va, &size), -EINVAL);
	ck_assert_int_eq(cli_parse_range(":4K", &va, &size), -EINVAL);
	ck_assert_int_eq(cli_parse_range("1:2:3", &va, &size), -EINVAL);
	ck_assert_int_eq(cli_parse_range("x:4K", &va, &size), -EINVAL);
}
END_TEST

START_TEST(hexbytes)
{
	static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef };
	static const char *const good[] = { "deadbeef", "DEADBEEF", "0xdeadbeef",
					    "de ad be ef", "de:ad:be:ef",
					    "dead_beef" };
	static const char *const bad[] = { "", "0x", "abc", "zz", "d e", "de ad b",
					   "dead-beef" };
	uint8_t *b;
	size_t i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(!cli_parse_hexbytes(good[i], &b, &n), "%s", good[i]);
		ck_assert_uint_eq(n, 4);
		ck_assert_mem_eq(b, want, 4);
		free(b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cli_parse_hexbytes(bad[i], &b, &n) == -EINVAL,
			      "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(pid)
{
	pid_t p;

	ck_assert_int_eq(cli_parse_pid("1", &p), 0);
	ck_assert_int_eq(p, 1);
	ck_assert_int_eq(cli_parse_pid("2147483647", &p), 0);
	ck_assert_int_eq(cli_parse_pid("0", &p), -EINVAL);
	ck_assert_int_eq(cli_parse_pid("-1", &p), -EINVAL);
	ck_assert_int_eq(cli_parse_pid("2147483648", &p), -EINVAL);
	ck_assert_int_eq(cli_parse_pid("12a", &p), -EINVAL);
	ck_assert_int_eq(cli_parse_pid("0x10", &p), -EINVAL);
	ck_assert_int_eq(cli_parse_pid("", &p), -EINVAL);
}
END_TEST

/* --------------------------------------------------------------------- args */

static struct cli_argv av;
static struct cli_capture cout, cerr;
static struct cli_opts o;

static void args_teardown(void)
{
	cli_argv_free(&av);
	cli_capture_free(&cout);
	cli_capture_free(&cerr);
}

/* Parse @line; the output and errors land in OUT and ERR. */
static int parse(const char *line)
{
	int ret;

	cli_argv_free(&av);
	cli_capture_free(&cout);
	cli_capture_free(&cerr);
	cli_argv_split(&av, line);
	cli_capture_open(&cout);
	cli_capture_open(&cerr);
	ret = cli_parse(av.argc, av.argv, &o, cout.f, cerr.f);
	cli_capture_text(&cout);
	cli_capture_text(&cerr);
	return ret;
}

#define OUT (cout.buf ? cout.buf : "")
#define ERR (cerr.buf ? cerr.buf : "")

/* A usage error: the message, then util-linux's errtryhelp line. */
#define ck_usage(line, msg, tryline)					\
	do {								\
		ck_assert_int_eq(parse(line), CLI_PARSE_USAGE);		\
		ck_assert_has(ERR, msg);				\
		ck_assert_has(ERR, tryline);				\
		ck_assert_str_eq(OUT, "");				\
	} while (0)

START_TEST(no_command)
{
	ck_usage("cardsnoop", "cardsnoop: no command given",
		 "Try 'cardsnoop --help' for more information.");
}
END_TEST

START_TEST(unknown_command)
{
	ck_usage("cardsnoop frob 1", "unknown command 'frob'",
		 "Try 'cardsnoop --help'");
}
END_TEST

START_TEST(help_global)
{
	const struct cli_command *c;

	ck_assert_int_eq(parse("cardsnoop --help"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "Usage:\n cardsnoop [options] <command>");
	ck_assert_has(OUT, "Common options");
	ck_assert_has(OUT, " -c, --card <n>");
	ck_assert_has(OUT, "     --drm-fd <fd>");
	ck_assert_has(OUT, " -h, --help");
	ck_assert_has(OUT, " -V, --version");
	ck_assert_has(OUT, "For more details see cardsnoop(1).");
	for (c = cli_commands; c->name; c++)
		ck_assert_has(OUT, c->synopsis);
	ck_assert_str_eq(ERR, "");
	ck_assert_int_eq(parse("cardsnoop -h"), CLI_PARSE_EXIT);
}
END_TEST

START_TEST(help_command)
{
	ck_assert_int_eq(parse("cardsnoop maps --help"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "Usage:\n cardsnoop maps [options] <pid>|--kernel");
	ck_assert_has(OUT, "Options:\n");
	ck_assert_has(OUT, " -o, --output <list>");
	ck_assert_has(OUT, "Available output columns");
	ck_assert_has(OUT, "PLACEMENT");
	ck_assert_has(OUT, "<string>");
	ck_assert_has(OUT, "<number>");
	/* read's -o is a file, not a column list */
	ck_assert_int_eq(parse("cardsnoop read -h"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, " -o, --output <file>");
	ck_assert_lacks(OUT, "<list>");
	ck_assert_lacks(OUT, "Available output columns");
}
END_TEST

START_TEST(help_word)
{
	ck_assert_int_eq(parse("cardsnoop help dump"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "cardsnoop dump [options]");
	ck_assert_int_eq(parse("cardsnoop help"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "Commands:");
	ck_usage("cardsnoop help frob", "unknown command 'frob'", "Try");
}
END_TEST

START_TEST(help_every_command)
{
	const struct cli_command *c;
	char line[64];

	for (c = cli_commands; c->name; c++) {
		snprintf(line, sizeof(line), "cardsnoop %s -h", c->name);
		ck_assert_int_eq(parse(line), CLI_PARSE_EXIT);
		ck_assert_has(OUT, c->synopsis);
		ck_assert_has(OUT, "For more details see cardsnoop(1).");
	}
}
END_TEST

START_TEST(version)
{
	ck_assert_int_eq(parse("cardsnoop -V"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "cardsnoop " CARDSNOOP_VERSION);
	ck_assert_int_eq(parse("cardsnoop maps --version"), CLI_PARSE_EXIT);
	ck_assert_has(OUT, "libcardsnoop");
}
END_TEST

START_TEST(maps_pid)
{
	ck_assert_int_eq(parse("cardsnoop maps 42"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.cmd->name, "maps");
	ck_assert_int_eq(o.pid, 42);
	ck_assert_int_eq(o.card, -1);
	ck_assert_int_eq(o.drm_fd, -1);
	ck_assert_uint_eq(o.client_id, 0);
	ck_assert(!o.kernel);
	ck_assert_int_eq(o.mode, CLI_OUT_TEXT);
	ck_assert_str_eq(ERR, "");
}
END_TEST

START_TEST(common_before_after)
{
	ck_assert_int_eq(parse("cardsnoop -c 1 maps --drm-fd 5 42 --client 7 --vm 3"),
			 CLI_PARSE_RUN);
	ck_assert_int_eq(o.card, 1);
	ck_assert_int_eq(o.drm_fd, 5);
	ck_assert_uint_eq(o.client_id, 7);
	ck_assert_uint_eq(o.vm_id, 3);
	ck_assert_int_eq(o.pid, 42);
	ck_assert_int_eq(parse("cardsnoop --card=2 read 42 0x1000 16"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.card, 2);
}
END_TEST

START_TEST(option_not_for_command)
{
	ck_usage("cardsnoop --drm-fd 3 list", "option '--drm-fd' does not apply to 'list'",
		 "Try 'cardsnoop list --help'");
	ck_usage("cardsnoop --json read 42 0 16", "option '--json' does not apply to 'read'",
		 "Try");
}
END_TEST

START_TEST(missing_pid)
{
	ck_usage("cardsnoop maps", "maps: no process given", "Try 'cardsnoop maps --help'");
	ck_usage("cardsnoop maps abc", "invalid process id: 'abc'", "Try");
}
END_TEST

START_TEST(kernel_no_pid)
{
	ck_assert_int_eq(parse("cardsnoop maps --kernel"), CLI_PARSE_RUN);
	ck_assert(o.kernel);
	ck_assert_int_eq(o.pid, 0);
	ck_assert_int_eq(parse("cardsnoop read --kernel 0xffff800000000000 64"),
			 CLI_PARSE_RUN);
	ck_assert_uint_eq(o.va, 0xffff800000000000ull);
	ck_assert_uint_eq(o.size, 64);
}
END_TEST

START_TEST(kernel_and_pid)
{
	ck_usage("cardsnoop maps --kernel 42", "unexpected argument: '42' (--kernel takes no process)",
		 "Try");
}
END_TEST

START_TEST(kernel_and_client)
{
	ck_usage("cardsnoop maps --kernel --client 3", "--kernel cannot be combined",
		 "Try");
}
END_TEST

START_TEST(read_args)
{
	ck_assert_int_eq(parse("cardsnoop read 42 0xffff8000_00001000 4K --raw -o out.bin -z"),
			 CLI_PARSE_RUN);
	ck_assert_uint_eq(o.va, 0xffff800000001000ull);
	ck_assert_uint_eq(o.size, 4096);
	ck_assert(o.raw);
	ck_assert(o.zero_holes);
	ck_assert_str_eq(o.outfile, "out.bin");
	ck_assert_int_eq(parse("cardsnoop read -v 42 4G 1M"), CLI_PARSE_RUN);
	ck_assert_uint_eq(o.va, 4ull << 30);
	ck_assert(o.no_squeeze);
}
END_TEST

START_TEST(read_size_zero)
{
	ck_usage("cardsnoop read 42 0x1000 0", "read: the size is 0", "Try");
}
END_TEST

START_TEST(read_bad_va)
{
	ck_usage("cardsnoop read 42 zz 16", "invalid VA: 'zz'", "Try 'cardsnoop read --help'");
	ck_usage("cardsnoop read 42 0x1000 16Q", "invalid size: '16Q'", "Try");
}
END_TEST

START_TEST(read_missing_size)
{
	ck_usage("cardsnoop read 42 0x1000", "read: no size given", "Try");
	ck_usage("cardsnoop read 42 0x1000 16 17", "unexpected argument: '17'", "Try");
}
END_TEST

START_TEST(write_hex_or_file)
{
	ck_assert_int_eq(parse("cardsnoop write 42 0x1000 --hex deadbeef"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.hex, "deadbeef");
	ck_assert_int_eq(parse("cardsnoop write 42 0x1000 -i -"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.infile, "-");
	ck_usage("cardsnoop write 42 0x1000", "exactly one of --hex <hex> and -i <file>", "Try");
	ck_usage("cardsnoop write 42 0x1000 -x 00 -i f", "exactly one of", "Try");
}
END_TEST

START_TEST(dump_needs_output)
{
	ck_usage("cardsnoop dump 42", "dump needs an output file: -o <file>", "Try");
	ck_assert_int_eq(parse("cardsnoop dump 42 -o core"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.outfile, "core");
	ck_assert(!o.has_range);
}
END_TEST

START_TEST(dump_range)
{
	ck_assert_int_eq(parse("cardsnoop dump 42 -o core --range 0x100000000:64K"),
			 CLI_PARSE_RUN);
	ck_assert(o.has_range);
	ck_assert_uint_eq(o.range_va, 0x100000000ull);
	ck_assert_uint_eq(o.range_size, 65536);
}
END_TEST

START_TEST(dump_bad_range)
{
	ck_usage("cardsnoop dump 42 -o core --range 0x1000", "invalid range: '0x1000' (expected <va>:<size>)",
		 "Try");
}
END_TEST

START_TEST(exec_dashdash)
{
	ck_assert_int_eq(parse("cardsnoop exec --fd 3 42 -- dd if=/dev/fd/3 -x"),
			 CLI_PARSE_RUN);
	ck_assert_int_eq(o.exec_fd, 3);
	ck_assert_int_eq(o.pid, 42);
	ck_assert_ptr_nonnull(o.exec_argv);
	ck_assert_str_eq(o.exec_argv[0], "dd");
	ck_assert_str_eq(o.exec_argv[1], "if=/dev/fd/3");
	ck_assert_str_eq(o.exec_argv[2], "-x");	/* not ours */
	ck_assert_ptr_null(o.exec_argv[3]);
	ck_assert(!o.write);
}
END_TEST

START_TEST(exec_options_after_pid)
{
	ck_assert_int_eq(parse("cardsnoop exec 42 --write -s 0x1000 -- od -c"),
			 CLI_PARSE_RUN);
	ck_assert(o.write);
	ck_assert(o.has_seek);
	ck_assert_uint_eq(o.seek_va, 0x1000);
	ck_assert_int_eq(o.exec_fd, 0);
	ck_assert_str_eq(o.exec_argv[0], "od");
	ck_assert_str_eq(o.exec_argv[1], "-c");
}
END_TEST

START_TEST(exec_without_dashdash)
{
	/* options stop at the pid: the rest is the command, -c included */
	ck_assert_int_eq(parse("cardsnoop exec -w 42 xxd -c 8"), CLI_PARSE_RUN);
	ck_assert(o.write);
	ck_assert_int_eq(o.card, -1);
	ck_assert_str_eq(o.exec_argv[0], "xxd");
	ck_assert_str_eq(o.exec_argv[1], "-c");
}
END_TEST

START_TEST(exec_no_cmd)
{
	ck_usage("cardsnoop exec 42 --", "exec: no command to run given after '--'", "Try");
	ck_usage("cardsnoop exec 42", "exec: no command to run given", "Try");
}
END_TEST

START_TEST(exec_kernel)
{
	ck_assert_int_eq(parse("cardsnoop exec --kernel -- xxd -l 64"), CLI_PARSE_RUN);
	ck_assert(o.kernel);
	ck_assert_str_eq(o.exec_argv[0], "xxd");
}
END_TEST

START_TEST(exec_extra_arg)
{
	ck_usage("cardsnoop exec 42 43 -- dd", "unexpected argument: '43'", "Try");
}
END_TEST

START_TEST(json_and_raw)
{
	ck_usage("cardsnoop maps 42 -J -r", "--json and --raw are alternatives", "Try");
}
END_TEST

START_TEST(json_global)
{
	ck_assert_int_eq(parse("cardsnoop --json clients"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.mode, CLI_OUT_JSON);
	ck_assert_int_eq(o.pid, 0);
	ck_assert_int_eq(parse("cardsnoop clients 7 -J"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.mode, CLI_OUT_JSON);
	ck_assert_int_eq(o.pid, 7);
	ck_assert_int_eq(parse("cardsnoop maps 7 -r -n -b"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.mode, CLI_OUT_RAW);
	ck_assert(o.noheadings);
	ck_assert(o.bytes);
}
END_TEST

START_TEST(missing_argument)
{
	ck_usage("cardsnoop maps 42 --client", "option '--client' requires an argument", "Try");
	ck_usage("cardsnoop maps 42 -c", "option '-c' requires an argument", "Try");
}
END_TEST

START_TEST(unrecognized_long)
{
	ck_usage("cardsnoop maps 42 --frob", "unrecognized option '--frob'",
		 "Try 'cardsnoop maps --help'");
	/* a command's option before the command */
	ck_usage("cardsnoop --raw maps 42", "unrecognized option '--raw' (command options go after the command)",
		 "Try 'cardsnoop --help'");
}
END_TEST

START_TEST(unrecognized_short)
{
	ck_usage("cardsnoop maps -q 42", "unrecognized option '-q'", "Try");
	ck_usage("cardsnoop list -w", "unrecognized option '-w'", "Try");
}
END_TEST

START_TEST(o_means_file_or_columns)
{
	ck_assert_int_eq(parse("cardsnoop read 42 0 1 -o file"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.outfile, "file");
	ck_assert_ptr_null(o.columns);
	ck_assert_int_eq(parse("cardsnoop maps 42 -o VA,SIZE --output-all"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.columns, "VA,SIZE");
	ck_assert_ptr_null(o.outfile);
	ck_assert(o.output_all);
}
END_TEST

START_TEST(client_zero)
{
	ck_usage("cardsnoop maps 42 --client 0", "invalid client id: '0' (client ids start at 1)",
		 "Try");
}
END_TEST

START_TEST(ring_last)
{
	ck_assert_int_eq(parse("cardsnoop ring --last 5 -c 1 -J"), CLI_PARSE_RUN);
	ck_assert_uint_eq(o.last, 5);
	ck_assert_int_eq(o.card, 1);
	ck_usage("cardsnoop ring --last 0", "invalid packet count: '0'", "Try");
	ck_usage("cardsnoop ring 42", "unexpected argument: '42'", "Try");
}
END_TEST

START_TEST(bad_card)
{
	ck_usage("cardsnoop -c x list", "invalid card number: 'x'", "Try");
	ck_usage("cardsnoop -c 99999999999 list", "invalid card number", "Try");
}
END_TEST

static Suite *cli_parse_suite(void)
{
	Suite *s = suite_create("cli_parse");
	TCase *tc;

	tc = tcase_create("numbers");
	tcase_add_test(tc, u64_decimal);
	tcase_add_test(tc, u64_hex);
	tcase_add_test(tc, u64_separators);
	tcase_add_test(tc, u64_suffix);
	tcase_add_test(tc, u64_suffix_overflow);
	tcase_add_test(tc, u64_junk);
	tcase_add_test(tc, range);
	tcase_add_test(tc, hexbytes);
	tcase_add_test(tc, pid);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_checked_fixture(tc, NULL, args_teardown);
	tcase_add_test(tc, no_command);
	tcase_add_test(tc, unknown_command);
	tcase_add_test(tc, help_global);
	tcase_add_test(tc, help_command);
	tcase_add_test(tc, help_word);
	tcase_add_test(tc, help_every_command);
	tcase_add_test(tc, version);
	tcase_add_test(tc, maps_pid);
	tcase_add_test(tc, common_before_after);
	tcase_add_test(tc, option_not_for_command);
	tcase_add_test(tc, missing_pid);
	tcase_add_test(tc, kernel_no_pid);
	tcase_add_test(tc, kernel_and_pid);
	tcase_add_test(tc, kernel_and_client);
	tcase_add_test(tc, read_args);
	tcase_add_test(tc, read_size_zero);
	tcase_add_test(tc, read_bad_va);
	tcase_add_test(tc, read_missing_size);
	tcase_add_test(tc, write_hex_or_file);
	tcase_add_test(tc, dump_needs_output);
	tcase_add_test(tc, dump_range);
	tcase_add_test(tc, dump_bad_range);
	tcase_add_test(tc, exec_dashdash);
	tcase_add_test(tc, exec_options_after_pid);
	tcase_add_test(tc, exec_without_dashdash);
	tcase_add_test(tc, exec_no_cmd);
	tcase_add_test(tc, exec_kernel);
	tcase_add_test(tc, exec_extra_arg);
	tcase_add_test(tc, json_and_raw);
	tcase_add_test(tc, json_global);
	tcase_add_test(tc, missing_argument);
	tcase_add_test(tc, unrecognized_long);
	tcase_add_test(tc, unrecognized_short);
	tcase_add_test(tc, o_means_file_or_columns);
	tcase_add_test(tc, client_zero);
	tcase_add_test(tc, ring_last);
	tcase_add_test(tc, bad_card);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_parse_suite());
}
