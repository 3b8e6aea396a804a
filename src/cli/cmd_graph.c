/* Placeholder until the issue that owns 'graph' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_graph(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate graph: not implemented yet\n");
	return SM_EXIT_USAGE;
}
