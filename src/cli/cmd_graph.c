/* solemate graph: the architecture drawn from the templates (DOT, SVG, Mermaid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/xalloc.h"
#include "cli/cli.h"

static const struct cli_command_doc graph_doc = {
	.name = "graph",
	.args = "[PATH...]",
	.max_args = -1,
	.description =
		"Draw the architecture from the templates: the internet, CloudFront, WAF, load\n"
		"balancers, ECS services and Auto Scaling groups, databases and read replicas,\n"
		"buckets, NAT gateways and VPC endpoints, grouped by region, VPC, tier (public,\n"
		"private, isolated: from the subnets' default routes) and availability zone.\n"
		"Edges: the request path (bold), security-group rules that admit traffic\n"
		"between groups' members, with their ports (dashed), WAF attachments,\n"
		"replication and log delivery. References across stacks are followed.\n",
	.after = "example: solemate graph --env production --format svg --out production.svg\n",
	.exit = "0 drawn, 1 Graphviz failed, 2 bad usage, bad input or Graphviz missing\n",
};

static int emit(const char *out_file, const struct strbuf *sb)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int code = SM_EXIT_OK;
	if (!out_file) {
		fwrite(sb->buf, 1, sb->len, stdout);
	} else if (fs_write_atomic(out_file, sb->buf, sb->len, &dl) < 0) {
		cli_print_diags(&dl);
		code = SM_EXIT_FINDINGS;
	}
	diag_list_release(&dl);
	return code;
}

int cmd_graph(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *format = "dot", *out_file = NULL;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &format, "dot|svg|mermaid",
			   "dot (default; Graphviz), svg (runs Graphviz 'dot -Tsvg'),\n"
			   "or mermaid (a flowchart for Markdown)"),
		OPT_FILE('o', "out", &out_file, "FILE",
			 "write FILE (atomically) instead of stdout"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &graph_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);

	if (out_file && !*out_file)
		return cli_usage_error("graph", "--out needs a file name, not ''");
	struct sm_assembly a;
	/* the templates and every value derived from them live until exit: one arena */
	arena_begin();
	sm_assembly_init(&a);
	if (cli_inputs_load(&in, &a, &dl) < 0) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		sm_assembly_release(&a);
		arena_end();
		return SM_EXIT_USAGE;
	}
	struct graph g;
	graph_init(&g);
	graph_build(&g, &a, &dl);
	char *title = in.env_nr == 1 && strcmp(in.envs[0], "all")
			      ? xstrfmt("SoleMate %s", in.envs[0])
			      : xstrdup("SoleMate");
	struct strbuf text = STRBUF_INIT, svg = STRBUF_INIT;
	int code = SM_EXIT_OK;
	if (!strcmp(format, "mermaid")) {
		graph_write_mermaid(&g, title, &text);
		code = emit(out_file, &text);
	} else {
		graph_write_dot(&g, title, &text);
		if (!strcmp(format, "dot")) {
			code = emit(out_file, &text);
		} else {
			int r = graph_render_svg(text.buf, text.len, &svg, &dl);
			if (r < 0) {
				cli_print_diags(&dl);
				code = r == GRAPH_NO_GRAPHVIZ ? SM_EXIT_USAGE : SM_EXIT_FINDINGS;
			} else {
				code = emit(out_file, &svg);
			}
		}
	}
	free(title);
	strbuf_release(&text);
	strbuf_release(&svg);
	graph_release(&g);
	sm_assembly_release(&a);
	diag_list_release(&dl);
	arena_end();
	return code;
}
