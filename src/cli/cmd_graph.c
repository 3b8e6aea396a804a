/*
 * 'graph' is not built yet (issue 6); the command exists so that the table,
 * --help and the exit codes are stable. It refuses honestly.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_graph(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: solemate graph ...\n\nnot implemented yet (issue 6): nothing is done.\n");
		return SM_EXIT_OK;
	}
	fprintf(stderr, "solemate graph: not implemented yet (issue 6)\n");
	return SM_EXIT_USAGE;
}
