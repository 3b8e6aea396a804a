/* solemate list: the stacks of each environment, with resource counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/json_io.h"
#include "cli/cli.h"

static const struct cli_command_doc list_doc = {
	.name = "list",
	.description = "List the stacks each environment synthesizes to, their region, the stacks\n"
		       "they depend on and how many resources each holds. Nothing is written.\n"
		       "Without --env or --config: every environment and the baseline.\n",
	.exit = "0 listed, 2 bad usage or input\n",
};

int cmd_list(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *format = "text";
	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &format, "text|json", "output format (default: text)"),
		OPT_SET_STRING("json", &format, "json", "the same as --format json"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &list_doc);
	if (n < 0)
		return cli_parse_exit(n);
	bool json = !strcmp(format, "json");
	if (!in.env_nr && !in.config_nr)
		in.envs[in.env_nr++] = "all";

	struct sm_app *app = cli_build_app(&in, &dl);
	if (!app) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < sm_app_stack_count(app); i++) {
		const struct sm_stack *s = sm_app_stack_at(app, i);
		json_t *deps = json_array();
		for (size_t j = 0; j < sm_stack_dependency_count(s); j++)
			json_array_append_new(
				deps, json_string(sm_stack_name(sm_stack_dependency_at(s, j))));
		json_array_append_new(arr, json_pack("{ss ss* sI so}", "stack", sm_stack_name(s),
						     "region", sm_stack_region(s), "resources",
						     (json_int_t)sm_stack_resource_count(s),
						     "dependsOn", deps));
	}
	if (json) {
		char *s = jio_dump_json(arr, NULL);
		fputs(s, stdout);
		free(s);
	} else {
		size_t k;
		json_t *e;
		printf("%-40s %-14s %9s  %s\n", "STACK", "REGION", "RESOURCES", "DEPENDS ON");
		json_array_foreach (arr, k, e) {
			printf("%-40s %-14s %9" JSON_INTEGER_FORMAT "  ",
			       json_string_value(json_object_get(e, "stack")),
			       json_string_value(json_object_get(e, "region"))
				       ? json_string_value(json_object_get(e, "region"))
				       : "-",
			       json_integer_value(json_object_get(e, "resources")));
			size_t j;
			json_t *d;
			json_array_foreach (json_object_get(e, "dependsOn"), j, d) {
				printf("%s%s", j ? ", " : "", json_string_value(d));
			}
			printf("\n");
		}
	}
	json_decref(arr);
	sm_app_free(app);
	diag_list_release(&dl);
	return SM_EXIT_OK;
}
