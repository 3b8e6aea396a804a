/* solemate synth: write the cloud assembly of one or more environments. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "cli/cli.h"

static const char synth_usage[] =
	"usage: solemate synth [--env NAME|all]... [--config FILE]... [--out DIR]\n"
	"                      [--format json|yaml] [--quiet]\n"
	"\n"
	"Synthesize the SoleMate infrastructure into a cloud assembly that the AWS\n"
	"CDK CLI reads: DIR/manifest.json and one DIR/<Stack>.template.json per stack.\n"
	"The directory is replaced as a whole only when synthesis succeeds, and only\n"
	"when it is empty or holds a cloud assembly (a manifest.json, ours or the\n"
	"CDK's); anything else, a file or a symbolic link is refused (exit 2).\n"
	"\n"
	"  --env NAME       environment from <config-dir>/NAME.json ('baseline': the\n"
	"                   account baseline); 'all' for every file there, baseline\n"
	"                   included (the default when no --env/--config is given)\n"
	"  --config FILE    environment from any file\n"
	"  --config-dir DIR where --env looks (default: the nearest config/ up from\n"
	"                   here, or $SOLEMATE_CONFIG_DIR)\n"
	"  --set KEY=VALUE  override a configuration key for this run (repeatable;\n"
	"                   nested keys as usage.KEY); every --env command takes it\n"
	"  --out DIR        output directory (default: cdk.out)\n"
	"  --format FMT     json (default) or yaml templates\n"
	"  --quiet          print nothing on success\n";

int cmd_synth(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *out = "cdk.out";
	enum sm_format fmt = SM_FORMAT_JSON;
	bool quiet = false;
	int code = SM_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		int r = cli_inputs_parse_option(&in, argc, argv, &i, "synth");
		if (r < 0)
			return SM_EXIT_USAGE;
		if (r > 0)
			continue;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(synth_usage, stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
			if (++i >= argc)
				return cli_usage_error("synth", "option '--out' needs a value");
			out = argv[i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			out = argv[i] + 6;
		} else if (!strcmp(argv[i], "--format") || !strncmp(argv[i], "--format=", 9)) {
			const char *v =
				argv[i][8] == '=' ? argv[i] + 9 : (++i < argc ? argv[i] : NULL);
			if (!v)
				return cli_usage_error("synth", "option '--format' needs a value");
			if (!strcmp(v, "json"))
				fmt = SM_FORMAT_JSON;
			else if (!strcmp(v, "yaml"))
				fmt = SM_FORMAT_YAML;
			else
				return cli_usage_error("synth",
						       "unknown format '%s' (json or yaml)", v);
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = true;
		} else {
			return cli_usage_error("synth", "unknown option '%s'", argv[i]);
		}
	}
	if (!*out)
		return cli_usage_error("synth", "--out needs a directory name, not ''");
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
