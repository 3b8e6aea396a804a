/* Placeholder until the issue that owns 'report' lands: refuses honestly. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "solemate report: not implemented yet\n");
	return SM_EXIT_USAGE;
}
