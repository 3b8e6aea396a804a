/* Placeholder until the issue that owns 'bootstrap' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_bootstrap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate bootstrap: not implemented yet\n");
	return SM_EXIT_USAGE;
}
