/* Placeholder until the issue that owns 'validate' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate validate: not implemented yet\n");
	return SM_EXIT_USAGE;
}
