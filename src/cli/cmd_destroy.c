/* Placeholder until the issue that owns 'destroy' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_destroy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate destroy: not implemented yet\n");
	return SM_EXIT_USAGE;
}
