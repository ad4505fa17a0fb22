// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): look at and change another process's GPU memory through
 * /dev/dri/cardN-snoop.  main() only parses the command line (args.c) and
 * runs the command; see cardsnoop(1) for the commands and their output.
 *
 * Exit status: 0 success, 1 failure, 2 usage error (exec: the command's).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct cli_opts o;
	int ret;

	ret = cli_parse(argc, argv, &o, stdout, stderr);
	if (ret == CLI_PARSE_EXIT)
		return cli_close_stdout(CLI_EXIT_OK);
	if (ret != CLI_PARSE_RUN)
		return CLI_EXIT_USAGE;
	ret = o.cmd->run(&o);
	return cli_close_stdout(ret);
}
