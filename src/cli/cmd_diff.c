/*
 * 'diff' is not built yet (issue 5); the command exists so that the table,
 * --help and the exit codes are stable. It refuses honestly.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_diff(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: solemate diff ...\n\nnot implemented yet (issue 5): nothing is done.\n");
		return SM_EXIT_OK;
	}
	fprintf(stderr, "solemate diff: not implemented yet (issue 5)\n");
	return SM_EXIT_USAGE;
}
