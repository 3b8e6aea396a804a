/* solemate synth: write the cloud assembly of one or more environments. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/common.h"
#include "cli/cli.h"

static const struct cli_command_doc synth_doc = {
	.name = "synth",
	.description =
		"Synthesize the SoleMate infrastructure into a cloud assembly that the AWS\n"
		"CDK CLI reads: DIR/manifest.json and one DIR/<Stack>.template.json per stack.\n"
		"The directory is replaced as a whole only when synthesis succeeds, and only\n"
		"when it is empty or holds a cloud assembly (a manifest.json, ours or the\n"
		"CDK's); anything else, a file or a symbolic link is refused (exit 2).\n"
		"Without --env or --config: every environment and the baseline (--env all).\n",
	.exit = "0 synthesized, 1 cannot write, 2 bad usage or bad input\n",
};

int cmd_synth(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *out = "cdk.out";
	enum sm_format fmt = SM_FORMAT_JSON;
	bool quiet = false;
	int code = SM_EXIT_OK;

	const char *format = "json";
	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_FILE('o', "out", &out, "DIR", "output directory (default: cdk.out)"),
		OPT_CHOICE(0, "format", &format, "json|yaml",
			   "the templates' format (default: json)"),
		OPT_END(),
	};
	int parsed = cli_parse_options(argc, argv, options, &synth_doc);
	if (parsed < 0)
		return cli_parse_exit(parsed);
	if (!strcmp(format, "yaml"))
		fmt = SM_FORMAT_YAML;
	quiet = cli_quiet;
	if (!in.env_nr && !in.config_nr)
		in.envs[in.env_nr++] = "all";

	/* every JSON value of this run lives exactly as long as the app: one arena */
	arena_begin();
	struct sm_app *app = cli_build_app(&in, &dl);
	if (!app) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		arena_end();
		return SM_EXIT_USAGE;
	}
	int r = sm_app_synth(app, out, fmt, &dl);
	if (r < 0) {
		cli_print_diags(&dl);
		code = r == -2 ? SM_EXIT_USAGE : SM_EXIT_FINDINGS;
		goto done;
	}
	cli_print_diags(&dl); /* warnings, if any */
	if (!quiet) {
		size_t total = 0, n = sm_app_stack_count(app);
		for (size_t i = 0; i < n; i++) {
			const struct sm_stack *s = sm_app_stack_at(app, i);
			size_t nr = sm_stack_resource_count(s);
			total += nr;
			printf("  %-40s %-14s %4zu resources\n", sm_stack_name(s),
			       sm_stack_region(s) ? sm_stack_region(s) : "(any region)", nr);
		}
		printf("synthesized %zu stack%s, %zu resources, into %s/\n", n, n == 1 ? "" : "s",
		       total, out);
	}
done:
	sm_app_free(app);
	arena_end();
	diag_list_release(&dl);
	return code;
}
