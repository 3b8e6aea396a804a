/* solemate reach: static network reachability between tiers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/reach.h"
#include "base/arena.h"
#include "base/common.h"
#include "cli/cli.h"

static const struct cli_command_doc reach_doc = {
	.name = "reach",
	.usage = "[--env NAME | --config FILE | PATH...] --from SRC --to DST:PORT\n"
		 "[--env NAME | --config FILE | PATH...] --matrix",
	.max_args = -1,
	.description =
		"Answer, from the templates alone, whether SRC can open a TCP connection to DST\n"
		"on PORT: routes, network ACLs (both directions, ephemeral return ports) and\n"
		"security groups (by CIDR or source group), across stacks. Prints the path,\n"
		"or the first rule that blocks it.\n"
		"\n"
		"SRC and DST: internet (SRC only), alb, app, database, instances, a tier\n"
		"(public, private, isolated) or a resource's logical ID.\n",
	.exit = "0 reachable, 1 not reachable, 2 bad usage or unknown name\n",
};

static void matrix(struct reach_model *m)
{
	static const char *const from[] = {"internet", "alb", "app", "database"};
	static const struct {
		const char *to;
		int port;
	} to[] = {{"alb", 443}, {"app", 8080}, {"database", 5432}};
	printf("%-10s", "from \\ to");
	for (size_t j = 0; j < 3; j++)
		printf("  %-14s", to[j].to);
	printf("\n");
	for (size_t i = 0; i < 4; i++) {
		printf("%-10s", from[i]);
		for (size_t j = 0; j < 3; j++) {
			struct strbuf ex = STRBUF_INIT;
			char cell[32];
			int r = strcmp(from[i], to[j].to)
					? reach_query(m, from[i], to[j].to, to[j].port, &ex)
					: -2;
			snprintf(cell, sizeof(cell), "%s:%d %s", "", to[j].port,
				 r == 1	  ? "yes"
				 : r == 0 ? "no"
					  : "-");
			printf("  %-14s", cell + 1);
			strbuf_release(&ex);
		}
		printf("\n");
	}
}

int cmd_reach(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *from = NULL, *to = NULL;
	bool show_matrix = false;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_STRING_F(0, "from", &from, "SRC", "where the connection starts",
			     CLI_OPT_NONEMPTY),
		OPT_STRING_F(0, "to", &to, "DST:PORT", "where it goes, and the TCP port",
			     CLI_OPT_NONEMPTY),
		OPT_BOOL(0, "matrix", &show_matrix,
			 "reachability between the roles on their ports"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &reach_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);
	int port = 0;
	char *dst = NULL;
	if (!show_matrix) {
		if (!from || !to)
			return cli_usage_error("reach",
					       "give --from SRC and --to DST:PORT (or --matrix)");
		const char *colon = strrchr(to, ':');
		char *end = NULL;
		long p = colon ? strtol(colon + 1, &end, 10) : 0;
		if (!colon || !end || *end || p < 1 || p > 65535)
			return cli_usage_error(
				"reach", "'--to %s' needs a port: DST:PORT, e.g. database:5432",
				to);
		port = (int)p;
		dst = strndup(to, (size_t)(colon - to));
	}
	struct sm_assembly a;
	/* the templates and every value derived from them live until exit: one arena */
	arena_begin();
	sm_assembly_init(&a);
	if (cli_inputs_load(&in, &a, &dl) < 0) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		sm_assembly_release(&a);
		free(dst);
		return SM_EXIT_USAGE;
	}
	struct reach_model *m = reach_model_build(&a);
	int code = SM_EXIT_OK;
	if (show_matrix) {
		matrix(m);
	} else {
		struct strbuf ex = STRBUF_INIT;
		int r = reach_query(m, from, dst, port, &ex);
		if (r < 0) {
			fprintf(stderr, "solemate reach: %s\n", ex.buf);
			code = SM_EXIT_USAGE;
		} else {
			fputs(ex.buf, stdout);
			if (r == 0)
				printf("%s -> %s:%d: not reachable\n", from, dst, port);
			code = r ? SM_EXIT_OK : SM_EXIT_FINDINGS;
		}
		strbuf_release(&ex);
	}
	reach_model_free(m);
	sm_assembly_release(&a);
	diag_list_release(&dl);
	free(dst);
	arena_end();
	return code;
}
