/* Placeholder until the issue that owns 'check' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate check: not implemented yet\n");
	return SM_EXIT_USAGE;
}
