/*
 * solemate: the command table and dispatch (git.c's `commands[]`). Adding a
 * command is one file src/cli/cmd_<name>.c and one line here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "cli/cli.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd_struct commands[] = {
	{"synth", cmd_synth, "synthesize the cloud assembly (templates + manifest.json)"},
	{"list", cmd_list, "list the stacks of each environment with resource counts"},
	{"validate", cmd_validate, "validate templates against the CloudFormation schemas"},
	{"check", cmd_check, "security and compliance rules (FSBP, PCI DSS, CIS, cdk-nag)"},
	{"reach", cmd_reach, "static network reachability between tiers"},
	{"diff", cmd_diff, "compare with the deployed stacks or another assembly"},
	{"bootstrap", cmd_bootstrap, "create the stack that holds uploaded templates"},
	{"preflight", cmd_preflight, "ask the account what the templates cannot tell (read-only)"},
	{"deploy", cmd_deploy, "deploy stacks through CloudFormation change sets"},
	{"failover", cmd_failover, "fail an environment over to its DR region"},
	{"destroy", cmd_destroy, "delete an environment's stacks"},
	{"cost", cmd_cost, "estimate the monthly cost"},
	{"graph", cmd_graph, "draw the architecture (dot, svg, mermaid)"},
	{"report", cmd_report, "one HTML page: diagram, inventory, findings, cost, SLOs"},
	{"whoami", cmd_whoami, "the AWS account, ARN and credential source in use"},
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: solemate <command> [options]\n\n"
		     "The SoleMate AWS infrastructure as code: synthesize, validate, check,\n"
		     "estimate, diff, deploy and destroy.\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'solemate <command> --help' tells more about a command.\n"
		     "\nexit codes: 0 success, 1 findings or a failed operation, 2 bad usage "
		     "or bad input\n"
		     "environment: NO_COLOR disables colour\n");
}

static const struct cmd_struct *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[NR_COMMANDS];

	for (size_t i = 0; i < NR_COMMANDS; i++)
		names[i] = commands[i].name;
	fprintf(stderr, "solemate: '%s' is not a command\n", name);
	const char *best = suggest_closest(name, names, NR_COMMANDS);
	if (best)
		fprintf(stderr, "  did you mean '%s'?\n", best);
	fprintf(stderr, "see 'solemate --help'\n");
	return SM_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2) {
		/* `solemate help CMD` is `solemate CMD --help` (git help's short form) */
		const struct cmd_struct *c = find_command(argv[2]);
		if (!c)
			return unknown_command(argv[2]);
		char *help_argv[] = {argv[2], (char *)"--help", NULL};
		return cli_finish_stdout(c->fn(2, help_argv));
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return cli_finish_stdout(SM_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
	    !strcmp(argv[1], "version")) {
		printf("solemate %s\n", SM_VERSION);
		return cli_finish_stdout(SM_EXIT_OK);
	}
	const struct cmd_struct *c = find_command(argv[1]);
	if (c) {
		/* each command parses its own options with its table (parse_options.h) */
		char **args = xcalloc((size_t)argc, sizeof(char *));
		memcpy(args, argv + 1, (size_t)(argc - 1) * sizeof(char *));
		int code = c->fn(argc - 1, args);
		free(args);
		return cli_finish_stdout(code);
	}
	return unknown_command(argv[1]);
}
