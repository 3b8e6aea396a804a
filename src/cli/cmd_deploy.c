/* Placeholder until the issue that owns 'deploy' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_deploy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate deploy: not implemented yet\n");
	return SM_EXIT_USAGE;
}
