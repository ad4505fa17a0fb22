// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): the command line.
 *
 *   cardsnoop [common options] <command> [options] [arguments]
 *
 * One table describes every option (names, argument, help, which commands
 * take it); the getopt_long() arrays, the checks and the Usage:/Options:
 * text of --help are all made from it, so they cannot disagree.  Options
 * are stable once shipped (util-linux's rule): add, never change.
 *
 * Nothing here exits or touches a GPU: cli_parse() returns what to do and
 * prints to the streams it is given, so the host tests drive it directly.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * struct cli_optdesc - one option
 * @bit: CLI_OPT_*.
 * @name: long name.
 * @short_opt: short letter, 0 for none.
 * @arg: argument placeholder for --help ("<n>"), NULL if none.
 * @help: one line.
 * @only: the one command that takes this variant (same @bit or same name
 *	with another meaning elsewhere: -o is a column list for tables and a
 *	file for read and dump), or NULL.
 */
struct cli_optdesc {
	uint64_t bit;
	const char *name;
	int short_opt;
	const char *arg;
	const char *help;
	const char *only;
};

static const struct cli_optdesc cli_optdescs[] = {
	{ CLI_OPT_CARD, "card", 'c', "<n>",
	  "the GPU /dev/dri/card<n>", NULL },
	{ CLI_OPT_DRM_FD, "drm-fd", 0, "<fd>",
	  "the target's DRM client: its file descriptor <fd>", NULL },
	{ CLI_OPT_CLIENT, "client", 0, "<id>",
	  "the target's DRM client: the one with drm-client-id <id>", NULL },
	{ CLI_OPT_VM, "vm", 0, "<id>",
	  "the client's VM <id>, for drivers with several per client", NULL },
	{ CLI_OPT_KERNEL, "kernel", 0, NULL,
	  "the GPU's kernel VM instead of a process's (root)", NULL },
	{ CLI_OPT_ALL, "all", 'a', NULL,
	  "also list GPUs without a snoop node", NULL },
	{ CLI_OPT_RAWBYTES, "raw", 'r', NULL,
	  "write the bytes as they are instead of a hexdump", "read" },
	{ CLI_OPT_OUTFILE, "output", 'o', "<file>",
	  "write the bytes to <file> (raw) instead of a hexdump", "read" },
	{ CLI_OPT_OUTFILE, "output", 'o', "<file>",
	  "the ELF core file to write (required)", "dump" },
	{ CLI_OPT_NO_SQUEEZE, "no-squeeze", 'v', NULL,
	  "show repeated lines instead of a '*'", NULL },
	{ CLI_OPT_ZERO_HOLES, "zero-holes", 'z', NULL,
	  "read unmapped addresses as zeros instead of stopping there", NULL },
	{ CLI_OPT_HEX, "hex", 'x', "<hex>",
	  "the bytes to write, in hex (\"deadbeef\", \"de ad be ef\")", NULL },
	{ CLI_OPT_INFILE, "input", 'i', "<file>",
	  "write the bytes of <file> ('-': standard input)", NULL },
	{ CLI_OPT_RANGE, "range", 0, "<va>:<size>",
	  "only the mappings in this range, clipped to it", NULL },
	{ CLI_OPT_WRITE, "write", 'w', NULL,
	  "attach read-write (default: read-only)", NULL },
	{ CLI_OPT_FD, "fd", 0, "<n>",
	  "give <cmd> the snoop file as descriptor <n> (default 0)", NULL },
	{ CLI_OPT_SEEK, "seek", 's', "<va>",
	  "set the snoop file's offset to <va> before running <cmd>", NULL },
	{ CLI_OPT_LAST, "last", 0, "<n>",
	  "only the last <n> packets", NULL },
	{ CLI_OPT_DUMP_IB, "dump-ib", 0, "<dir>",
	  "save each submitted IB as <dir>/ib-<seqno>-<va>.bin", NULL },
	{ CLI_OPT_COUNT, "count", 0, "<n>",
	  "stop after <n> events", NULL },
	{ CLI_OPT_TIMEOUT, "timeout", 0, "<seconds>",
	  "stop after <seconds> (status 1 if --count was not reached)", NULL },
	{ CLI_OPT_JSON, "json", 'J', NULL,
	  "use JSON output format", NULL },
	{ CLI_OPT_COLUMNS, "output", 'o', "<list>",
	  "the columns to show (+<list> adds to the default)", NULL },
	{ CLI_OPT_OUTPUT_ALL, "output-all", 0, NULL,
	  "show all columns", NULL },
	{ CLI_OPT_NOHEADINGS, "noheadings", 'n', NULL,
	  "do not print a header line", NULL },
	{ CLI_OPT_RAWTABLE, "raw", 'r', NULL,
	  "use the raw output format", NULL },
	{ CLI_OPT_BYTES, "bytes", 'b', NULL,
	  "print sizes in bytes rather than in human-readable form", NULL },
	{ CLI_OPT_HELP, "help", 'h', NULL, "display this help", NULL },
	{ CLI_OPT_VERSION, "version", 'V', NULL, "display version", NULL },
};

#define CLI_NOPTS CLI_ARRAY_SIZE(cli_optdescs)

/* Options of the program itself, before the command. */
#define CLI_OPTS_GLOBAL (CLI_OPTS_ATTACH | CLI_OPT_JSON | CLI_OPT_HELP | \
			 CLI_OPT_VERSION)

const struct cli_command cli_commands[] = {
	{ "list", cli_cmd_list, "",
	  "list [options]",
	  "GPUs with a snoop node",
	  "List the GPUs that have a snoop node: card, driver, PCI id and\n"
	  "name, VA bits, VRAM.",
	  CLI_OPT_CARD | CLI_OPT_ALL | CLI_OPTS_TABLE, cli_list_columns },
	{ "clients", cli_cmd_clients, "P",
	  "clients [options] [<pid>]",
	  "DRM clients of a process, or of all",
	  "List the DRM clients (open DRM files) of a process, or of every\n"
	  "process you may look at: pid, command, fd, card, client id, memory.",
	  CLI_OPT_CARD | CLI_OPTS_TABLE, cli_clients_columns },
	{ "maps", cli_cmd_maps, "p",
	  "maps [options] <pid>|--kernel",
	  "GPU mappings of a process",
	  "List a process's GPU mappings: VA range, size, buffer, offset in\n"
	  "the buffer, placement, permissions.",
	  CLI_OPTS_ATTACH | CLI_OPTS_TABLE, cli_maps_columns },
	{ "read", cli_cmd_read, "pvs",
	  "read [options] <pid>|--kernel <va> <size>",
	  "hexdump or raw bytes of GPU memory",
	  "Read <size> bytes of a process's GPU memory at <va>: a hexdump with\n"
	  "canonical GPU addresses, or the raw bytes.",
	  CLI_OPTS_ATTACH | CLI_OPT_RAWBYTES | CLI_OPT_OUTFILE |
	  CLI_OPT_NO_SQUEEZE | CLI_OPT_ZERO_HOLES, NULL },
	{ "write", cli_cmd_write, "pv",
	  "write [options] <pid>|--kernel <va> (--hex <hex> | -i <file>)",
	  "write bytes into GPU memory",
	  "Write bytes into a process's GPU memory at <va>.",
	  CLI_OPTS_ATTACH | CLI_OPT_HEX | CLI_OPT_INFILE, NULL },
	{ "dump", cli_cmd_dump, "p",
	  "dump [options] <pid>|--kernel -o <file>",
	  "GPU memory to an ELF core file",
	  "Write a process's GPU memory to an ELF core file: one PT_LOAD per\n"
	  "mapping at its GPU VA, notes with buffer, placement and permissions.\n"
	  "readelf(1) and gdb(1) read it; pages of zeros are left as holes.",
	  CLI_OPTS_ATTACH | CLI_OPT_OUTFILE | CLI_OPT_RANGE, NULL },
	{ "resolve", cli_cmd_resolve, "pv",
	  "resolve [options] <pid>|--kernel <va>",
	  "what backs one GPU VA",
	  "Show what backs one GPU VA of a process: mapping, buffer, offset,\n"
	  "placement, page size (and, for root, the physical address).",
	  CLI_OPTS_ATTACH | CLI_OPT_JSON, cli_resolve_columns },
	{ "exec", cli_cmd_exec, "pc",
	  "exec [options] <pid>|--kernel -- <cmd> [<arg>...]",
	  "run <cmd> on the attached snoop file",
	  "Run <cmd> with the attached snoop file as its descriptor 0 (or\n"
	  "--fd <n>): the file offset is the GPU VA, so dd, xxd, od and cmp\n"
	  "read the target's GPU memory.  Programs must use the inherited\n"
	  "descriptor: opening /dev/fd/<n> again gives a new, unattached file.",
	  CLI_OPTS_ATTACH | CLI_OPT_WRITE | CLI_OPT_FD | CLI_OPT_SEEK |
	  CLI_OPT_ZERO_HOLES, NULL },
	{ "watch", cli_cmd_watch, "p",
	  "watch [options] <pid>|--kernel",
	  "stream the changes of GPU memory as they happen",
	  "Print a line (a JSON object with --json) for each change of a\n"
	  "process's GPU address space as it happens: its mappings, replayed\n"
	  "first, then binds, unbinds, migrations, evictions, submissions and\n"
	  "GPU faults, until the process exits or watch is interrupted.",
	  CLI_OPTS_ATTACH | CLI_OPT_JSON | CLI_OPT_BYTES | CLI_OPT_DUMP_IB |
	  CLI_OPT_COUNT | CLI_OPT_TIMEOUT, NULL },
	{ "ring", cli_cmd_ring, "",
	  "ring [options]",
	  "decode simgpu's kernel ring: ring -> IB -> data",
	  "Decode simgpu's kernel ring (root): each packet, the client and IB\n"
	  "it points at, and the IB's commands read from that client's VM.",
	  CLI_OPT_CARD | CLI_OPT_JSON | CLI_OPT_LAST, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
};

const struct cli_command *cli_find_command(const char *name)
{
	const struct cli_command *c;

	for (c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static bool cli_opt_active(const struct cli_optdesc *d, uint64_t mask,
			   const struct cli_command *cmd)
{
	if (!(d->bit & mask))
		return false;
	if (d->only && (!cmd || strcmp(d->only, cmd->name)))
		return false;
	if (!d->only && cmd) {
		/* a command-specific variant of this option wins */
		size_t i;

		for (i = 0; i < CLI_NOPTS; i++)
			if (cli_optdescs[i].only &&
			    !strcmp(cli_optdescs[i].only, cmd->name) &&
			    !strcmp(cli_optdescs[i].name, d->name))
				return false;
	}
	return true;
}

static void cli_usage_options(uint64_t mask, const struct cli_command *cmd,
			      FILE *f)
{
	char left[64];
	size_t i;
	int n;

	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_optdesc *d = &cli_optdescs[i];

		if (!cli_opt_active(d, mask, cmd) ||
		    (d->bit & (CLI_OPT_HELP | CLI_OPT_VERSION)))
			continue;
		if (d->short_opt)
			n = snprintf(left, sizeof(left), " -%c, --%s",
				     d->short_opt, d->name);
		else
			n = snprintf(left, sizeof(left), "     --%s", d->name);
		if (d->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s",
				 d->arg);
		fprintf(f, "%-28s %s\n", left, d->help);
	}
	fputc('\n', f);
	fprintf(f, "%-28s %s\n", " -h, --help", "display this help");
	fprintf(f, "%-28s %s\n", " -V, --version", "display version");
}

void cli_usage(const struct cli_command *cmd, FILE *f)
{
	const struct cli_command *c;

	fputs("\nUsage:\n", f);
	if (!cmd) {
		fputs(" cardsnoop [options] <command> [<command options>] [<arguments>]\n\n"
		      "Read, write, map and dump the GPU memory of another process\n"
		      "through /dev/dri/cardN-snoop: the file offset is the GPU VA.\n"
		      "\nCommands:\n", f);
		for (c = cli_commands; c->name; c++) {
			if (strlen(c->synopsis) > 44)
				fprintf(f, " %s\n %-44s %s\n", c->synopsis, "",
					c->brief);
			else
				fprintf(f, " %-44s %s\n", c->synopsis, c->brief);
		}
		fputs("\nCommon options (before or after the command):\n", f);
		cli_usage_options(CLI_OPTS_GLOBAL, NULL, f);
		fputs("\nNumbers are decimal or 0x-hex; VAs and sizes also take K, M, G\n"
		      "and T suffixes, and VAs may be canonical (sign-extended).\n"
		      "Run 'cardsnoop <command> --help' for a command's options.\n", f);
	} else {
		fprintf(f, " cardsnoop %s\n\n%s\n\nOptions:\n", cmd->synopsis,
			cmd->summary);
		cli_usage_options(cmd->options, cmd, f);
		if (cmd->cols)
			cli_table_usage(cmd->cols, f);
	}
	fputs("\nFor more details see cardsnoop(1).\n", f);
}

static int cli_usage_error(const struct cli_command *cmd, FILE *errf,
			   const char *fmt, const char *a, const char *b)
{
	fprintf(errf, "%s: ", cli_progname);
	fprintf(errf, fmt, a, b);
	fputc('\n', errf);
	/* errtryhelp() */
	fprintf(errf, "Try '%s%s%s --help' for more information.\n",
		cli_progname, cmd ? " " : "", cmd ? cmd->name : "");
	return CLI_PARSE_USAGE;
}

static int cli_number_arg(const char *what, const char *s, uint64_t max,
			  unsigned int flags, uint64_t *v,
			  const struct cli_command *cmd, FILE *errf)
{
	int ret = cli_parse_u64(s, flags, v);

	if (ret || *v > max)
		return cli_usage_error(cmd, errf, "invalid %s: '%s'", what, s);
	return 0;
}

/* Apply option @d with argument @arg to @o. */
static int cli_apply(const struct cli_optdesc *d, const char *arg,
		     struct cli_opts *o, const struct cli_command *cmd,
		     FILE *errf)
{
	uint64_t v;
	int ret = 0;

	o->given |= d->bit;
	switch (d->bit) {
	case CLI_OPT_CARD:
		ret = cli_number_arg("card number", arg, INT_MAX, 0, &v, cmd, errf);
		o->card = (int)v;
		break;
	case CLI_OPT_DRM_FD:
		ret = cli_number_arg("file descriptor", arg, INT_MAX, 0, &v, cmd, errf);
		o->drm_fd = (int)v;
		break;
	case CLI_OPT_CLIENT:
		ret = cli_number_arg("client id", arg, UINT64_MAX, 0, &v, cmd, errf);
		if (!ret && !v)
			ret = cli_usage_error(cmd, errf, "invalid client id: '%s'%s",
					      arg, " (client ids start at 1)");
		o->client_id = v;
		break;
	case CLI_OPT_VM:
		ret = cli_number_arg("VM id", arg, UINT64_MAX, 0, &v, cmd, errf);
		o->vm_id = v;
		break;
	case CLI_OPT_KERNEL:
		o->kernel = true;
		break;
	case CLI_OPT_JSON:
		o->json = true;
		break;
	case CLI_OPT_COLUMNS:
		o->columns = arg;
		break;
	case CLI_OPT_OUTPUT_ALL:
		o->output_all = true;
		break;
	case CLI_OPT_NOHEADINGS:
		o->noheadings = true;
		break;
	case CLI_OPT_RAWTABLE:
		o->mode = CLI_OUT_RAW;
		break;
	case CLI_OPT_BYTES:
		o->bytes = true;
		break;
	case CLI_OPT_ALL:
		o->all = true;
		break;
	case CLI_OPT_RAWBYTES:
		o->raw = true;
		break;
	case CLI_OPT_OUTFILE:
		o->outfile = arg;
		break;
	case CLI_OPT_NO_SQUEEZE:
		o->no_squeeze = true;
		break;
	case CLI_OPT_ZERO_HOLES:
		o->zero_holes = true;
		break;
	case CLI_OPT_HEX:
		o->hex = arg;
		break;
	case CLI_OPT_INFILE:
		o->infile = arg;
		break;
	case CLI_OPT_RANGE:
		if (cli_parse_range(arg, &o->range_va, &o->range_size))
			ret = cli_usage_error(cmd, errf,
					      "invalid range: '%s'%s", arg,
					      " (expected <va>:<size>)");
		o->has_range = true;
		break;
	case CLI_OPT_WRITE:
		o->write = true;
		break;
	case CLI_OPT_FD:
		ret = cli_number_arg("file descriptor", arg, INT_MAX, 0, &v, cmd, errf);
		o->exec_fd = (int)v;
		break;
	case CLI_OPT_SEEK:
		ret = cli_number_arg("VA", arg, UINT64_MAX, CLI_NUM_SUFFIX,
				     &o->seek_va, cmd, errf);
		o->has_seek = true;
		break;
	case CLI_OPT_LAST:
		ret = cli_number_arg("packet count", arg, UINT64_MAX, 0,
				     &o->last, cmd, errf);
		if (!ret && !o->last)
			ret = cli_usage_error(cmd, errf, "invalid packet count: '%s'%s",
					      arg, "");
		break;
	case CLI_OPT_DUMP_IB:
		if (!*arg)
			ret = cli_usage_error(cmd, errf,
					      "invalid directory: '%s'%s", arg, "");
		o->dump_ib = arg;
		break;
	case CLI_OPT_COUNT:
		ret = cli_number_arg("event count", arg, UINT64_MAX, 0,
				     &o->count, cmd, errf);
		if (!ret && !o->count)
			ret = cli_usage_error(cmd, errf, "invalid event count: '%s'%s",
					      arg, " (at least 1)");
		break;
	case CLI_OPT_TIMEOUT:
		if (cli_parse_seconds(arg, &o->timeout_ms))
			ret = cli_usage_error(cmd, errf, "invalid timeout: '%s'%s",
					      arg, " (seconds, e.g. 10 or 0.5)");
		o->has_timeout = true;
		break;
	}
	return ret;
}

/*
 * One getopt_long() pass over @argv[0..@argc) with the options of @mask
 * (and @cmd's variants).  @plus: stop at the first non-option.
 */
static int cli_getopt(int argc, char **argv, uint64_t mask,
		      const struct cli_command *cmd, bool plus,
		      struct cli_opts *o, FILE *out, FILE *errf)
{
	struct option longopts[CLI_NOPTS + 1];
	const struct cli_optdesc *act[CLI_NOPTS];
	char shortopts[3 * CLI_NOPTS + 3], *sp = shortopts, optname[64];
	size_t i, n = 0;
	int c, ret;

	*sp++ = plus ? '+' : '-';
	if (!plus)
		sp--;	/* GNU permutation */
	*sp++ = ':';
	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_optdesc *d = &cli_optdescs[i];

		if (!cli_opt_active(d, mask, cmd))
			continue;
		act[n] = d;
		longopts[n] = (struct option){ d->name,
			d->arg ? required_argument : no_argument, NULL,
			256 + (int)n };
		if (d->short_opt) {
			*sp++ = (char)d->short_opt;
			if (d->arg)
				*sp++ = ':';
		}
		n++;
	}
	*sp = '\0';
	memset(&longopts[n], 0, sizeof(longopts[n]));

	optind = 0;	/* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_optdesc *d = NULL;

		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];

			if (optopt && optopt < 256)
				snprintf(optname, sizeof(optname), "-%c", optopt);
			else if (optopt >= 256)
				snprintf(optname, sizeof(optname), "--%s",
					 act[optopt - 256]->name);
			else
				snprintf(optname, sizeof(optname), "%s", bad);
			if (c == ':')
				return cli_usage_error(cmd, errf,
					"option '%s' requires an argument%s",
					optname, "");
			/* known elsewhere? say where it belongs */
			return cli_usage_error(cmd, errf,
				"unrecognized option '%s'%s", optname,
				cmd ? "" : " (command options go after the command)");
		}
		if (c >= 256) {
			d = act[c - 256];
		} else {
			for (i = 0; i < n && !d; i++)
				if (act[i]->short_opt == c)
					d = act[i];
		}
		if (!d)
			continue;	/* cannot happen */
		if (d->bit == CLI_OPT_HELP) {
			cli_usage(cmd, out);
			return CLI_PARSE_EXIT;
		}
		if (d->bit == CLI_OPT_VERSION) {
			fprintf(out, "cardsnoop %s (libcardsnoop %s)\n",
				CARDSNOOP_VERSION, cs_version());
			return CLI_PARSE_EXIT;
		}
		ret = cli_apply(d, optarg, o, cmd, errf);
		if (ret)
			return ret;
	}
	return CLI_PARSE_RUN;
}

static int cli_positional(struct cli_opts *o, const char *spec, char **args,
			  int nargs, FILE *errf)
{
	const struct cli_command *cmd = o->cmd;
	int i = 0;

	for (; *spec; spec++) {
		switch (*spec) {
		case 'p':
		case 'P':
			if (o->kernel)
				break;
			if (i >= nargs) {
				if (*spec == 'P')
					break;
				return cli_usage_error(cmd, errf,
					"%s: no process given%s", cmd->name,
					" (a pid, or --kernel)");
			}
			if (cli_parse_pid(args[i], &o->pid))
				return cli_usage_error(cmd, errf,
					"invalid process id: '%s'%s", args[i], "");
			i++;
			break;
		case 'v':
			if (i >= nargs)
				return cli_usage_error(cmd, errf,
					"%s: no VA given%s", cmd->name, "");
			if (cli_number_arg("VA", args[i], UINT64_MAX,
					   CLI_NUM_SUFFIX, &o->va, cmd, errf))
				return CLI_PARSE_USAGE;
			i++;
			break;
		case 's':
			if (i >= nargs)
				return cli_usage_error(cmd, errf,
					"%s: no size given%s", cmd->name, "");
			if (cli_number_arg("size", args[i], SIZE_MAX,
					   CLI_NUM_SUFFIX, &o->size, cmd, errf))
				return CLI_PARSE_USAGE;
			i++;
			break;
		case 'c':
			if (i >= nargs)
				return cli_usage_error(cmd, errf,
					"%s: no command to run given%s",
					cmd->name, " (cardsnoop exec <pid> -- <cmd>)");
			o->exec_argv = &args[i];
			i = nargs;
			break;
		}
	}
	if (i < nargs)
		return cli_usage_error(cmd, errf, "unexpected argument: '%s'%s",
				       args[i],
				       o->kernel && strchr(cmd->args, 'p') ?
				       " (--kernel takes no process)" : "");
	return CLI_PARSE_RUN;
}

/* Combinations that make no sense, each with its own message. */
static int cli_check(struct cli_opts *o, FILE *errf)
{
	const struct cli_command *cmd = o->cmd;
	size_t i;

	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_optdesc *d = &cli_optdescs[i];

		if ((o->given & d->bit) && !(cmd->options & d->bit))
			return cli_usage_error(cmd, errf,
				"option '--%s' does not apply to '%s'",
				d->name, cmd->name);
	}
	if (o->kernel && (o->given & (CLI_OPT_DRM_FD | CLI_OPT_CLIENT | CLI_OPT_VM)))
		return cli_usage_error(cmd, errf,
			"--kernel cannot be combined with %s%s",
			"--drm-fd, --client or --vm", "");
	if (o->json && o->mode == CLI_OUT_RAW)
		return cli_usage_error(cmd, errf,
			"--json and --raw are alternatives: pick one%s%s", "", "");
	if (o->json)
		o->mode = CLI_OUT_JSON;
	if (!strcmp(cmd->name, "write") && !!o->hex == !!o->infile)
		return cli_usage_error(cmd, errf,
			"write needs exactly one of --hex <hex> and -i <file>%s%s",
			"", "");
	if (!strcmp(cmd->name, "dump") && !o->outfile)
		return cli_usage_error(cmd, errf,
			"dump needs an output file: -o <file>%s%s", "", "");
	if (!strcmp(cmd->name, "read") && !o->size)
		return cli_usage_error(cmd, errf, "read: the size is 0%s%s", "", "");
	return CLI_PARSE_RUN;
}

int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *out,
	      FILE *errf)
{
	char **cargv;
	int cargc, dd, ret, i;

	memset(o, 0, sizeof(*o));
	o->card = -1;
	o->drm_fd = -1;
	o->mode = CLI_OUT_TEXT;

	/* cardsnoop [common options] <command> ... */
	ret = cli_getopt(argc, argv, CLI_OPTS_GLOBAL, NULL, true, o, out, errf);
	if (ret)
		return ret;
	if (optind >= argc)
		return cli_usage_error(NULL, errf, "no command given%s%s", "", "");
	if (!strcmp(argv[optind], "help")) {
		/* `cardsnoop help [<command>]` */
		o->cmd = optind + 1 < argc ? cli_find_command(argv[optind + 1]) : NULL;
		if (optind + 1 < argc && !o->cmd)
			return cli_usage_error(NULL, errf, "unknown command '%s'%s",
					       argv[optind + 1], "");
		cli_usage(o->cmd, out);
		return CLI_PARSE_EXIT;
	}
	o->cmd = cli_find_command(argv[optind]);
	if (!o->cmd)
		return cli_usage_error(NULL, errf, "unknown command '%s'%s",
				       argv[optind], "");

	/* <command> [options] [arguments]; argv[0] is the command name */
	cargv = argv + optind;
	cargc = argc - optind;
	dd = cargc;
	if (strchr(o->cmd->args, 'c')) {
		/* exec: everything after "--" belongs to <cmd> */
		for (i = 1; i < cargc; i++)
			if (!strcmp(cargv[i], "--")) {
				dd = i;
				break;
			}
	}
	ret = cli_getopt(dd, cargv, o->cmd->options | CLI_OPT_HELP | CLI_OPT_VERSION,
			 o->cmd, dd == cargc && strchr(o->cmd->args, 'c'),
			 o, out, errf);
	if (ret)
		return ret;
	if (dd < cargc) {
		/* exec: <pid> before "--", <cmd> after it */
		ret = cli_positional(o, "p", cargv + optind, dd - optind, errf);
		if (ret)
			return ret;
		if (dd + 1 >= cargc)
			return cli_usage_error(o->cmd, errf,
				"%s: no command to run given after '--'%s",
				o->cmd->name, "");
		o->exec_argv = &cargv[dd + 1];
	} else {
		ret = cli_positional(o, o->cmd->args, cargv + optind,
				     cargc - optind, errf);
		if (ret)
			return ret;
	}
	return cli_check(o, errf);
}
