/* Placeholder until the issue that owns 'cost' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_cost(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate cost: not implemented yet\n");
	return SM_EXIT_USAGE;
}
