/* Placeholder until the issue that owns 'diff' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate diff: not implemented yet\n");
	return SM_EXIT_USAGE;
}
