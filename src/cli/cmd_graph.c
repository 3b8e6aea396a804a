/* solemate graph: the architecture drawn from the templates (DOT, SVG, Mermaid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "base/arena.h"
#include "base/fsutil.h"
#include "base/xalloc.h"
#include "cli/cli.h"

static const char graph_usage[] =
	"usage: solemate graph [--env NAME | --config FILE | PATH...] [--format dot|svg|mermaid]\n"
	"                      [--out FILE]\n"
	"\n"
	"Draw the architecture from the templates: the internet, CloudFront, WAF, load\n"
	"balancers, ECS services and Auto Scaling groups, databases and read replicas,\n"
	"buckets, NAT gateways and VPC endpoints, grouped by region, VPC, tier (public,\n"
	"private, isolated: from the subnets' default routes) and availability zone.\n"
	"Edges: the request path (bold), security-group rules that admit traffic\n"
	"between groups' members, with their ports (dashed), WAF attachments,\n"
	"replication and log delivery. References across stacks are followed.\n"
	"\n"
	"  --format FMT   dot (default; Graphviz), svg (runs Graphviz 'dot -Tsvg'),\n"
	"                 or mermaid (a flowchart for Markdown)\n"
	"  --out FILE     write FILE (atomically) instead of stdout\n"
	"\n"
	"example: solemate graph --env production --format svg --out production.svg\n"
	"\n"
	"exit: 0 drawn, 1 Graphviz failed, 2 bad usage, bad input or Graphviz missing\n";

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

	for (int i = 1; i < argc; i++) {
		int r = cli_inputs_parse_option(&in, argc, argv, &i, "graph");
		if (r < 0)
			return SM_EXIT_USAGE;
		if (r > 0)
			continue;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(graph_usage, stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "--out")) {
			if (i + 1 >= argc)
				return cli_usage_error("graph", "option '%s' needs a value",
						       argv[i]);
			if (!strcmp(argv[i++], "--out"))
				out_file = argv[i];
			else if (!strcmp(argv[i], "dot") || !strcmp(argv[i], "svg") ||
				 !strcmp(argv[i], "mermaid"))
				format = argv[i];
			else
				return cli_usage_error("graph",
						       "unknown format '%s' (dot, svg or mermaid)",
						       argv[i]);
		} else if (argv[i][0] == '-') {
			return cli_usage_error("graph", "unknown option '%s'", argv[i]);
		} else {
			cli_inputs_add_path(&in, argv, i);
		}
	}

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
