/* Placeholder until the issue that owns 'reach' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_reach(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate reach: not implemented yet\n");
	return SM_EXIT_USAGE;
}
