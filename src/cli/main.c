/*
 * solemate: the command table and dispatch (git.c's `commands[]`). Adding a
 * command is one file src/cli/cmd_<name>.c and one line here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The spellings every command accepts, normalised once here so that each
 * command's loop sees one form: `--opt=value` becomes `--opt value` (a value
 * may itself hold '='), `-q` is `--quiet`, `-h` is `--help`; `--no-color`
 * is NO_COLOR for this run (https://no-color.org) and leaves argv. Nothing
 * after a `--` is touched. Returns the new argc; `out` has room for 2*argc;
 * the strings split off are also put in `owned` (room for argc), for the caller
 * to free.
 */
static int normalise_args(int argc, char **argv, char **out, char **owned, int *owned_nr)
{
	int n = 0;
	bool rest = false;

	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (rest || i == 0 || a[0] != '-') {
			out[n++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			rest = true;
			out[n++] = a;
		} else if (!strcmp(a, "--no-color")) {
			setenv("NO_COLOR", "1", 1);
		} else if (!strcmp(a, "-q")) {
			out[n++] = (char *)"--quiet";
		} else if (!strcmp(a, "-h")) {
			out[n++] = (char *)"--help";
		} else if (a[1] == '-' && strchr(a, '=')) {
			char *eq = strchr(a, '=');
			out[n++] = owned[(*owned_nr)++] = xstrndup(a, (size_t)(eq - a));
			out[n++] = eq + 1;
		} else {
			out[n++] = a;
		}
	}
	out[n] = NULL;
	return n;
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
		char **args = xcalloc(2 * (size_t)argc + 1, sizeof(char *));
		char **owned = xcalloc((size_t)argc + 1, sizeof(char *));
		int owned_nr = 0;
		int nr = normalise_args(argc - 1, argv + 1, args, owned, &owned_nr);
		int code = c->fn(nr, args);
		/* the command may keep pointers into args until it returns, not after */
		for (int i = 0; i < owned_nr; i++)
			free(owned[i]);
		free(owned);
		free(args);
		return cli_finish_stdout(code);
	}
	return unknown_command(argv[1]);
}
