/*
 * solemate report: one self-contained HTML page per environment (diagram,
 * inventory, findings, cost, availability, capacity), or the same facts as
 * JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "analysis/report.h"
#include "analysis/tradeoff.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "lib/environments.h"

static const struct cli_command_doc report_doc = {
	.name = "report",
	.args = "[PATH...]",
	.max_args = -1,
	.description =
		"Write one self-contained HTML page per environment: a summary (stacks,\n"
		"resources, monthly cost, composite availability against 99.9 %, capacity\n"
		"against the target users, findings by severity), the architecture diagram\n"
		"(inline SVG, from Graphviz), the findings of 'check' with their fixes and\n"
		"accepted risks, the cost table, availability, capacity, and the inventory by\n"
		"stack. The page has no script and loads nothing from the network.\n",
	.after = "Without Graphviz the page says the diagram is not available; a missing price\n"
		 "or SLA file leaves those sections marked not available (and warns), as does a\n"
		 "price file older than 180 days.\n",
	.exit = "0 written (findings and targets missed are in the report), 1 cannot\n"
		"write, 2 bad usage or bad input\n",
};

struct report_opts {
	const char *format, *out, *prices, *slas;
};

/* One page: an environment (with its config), a config file, or the PATHs given. */
/* Where the value of an option that takes one goes, or NULL. */
static int write_output(const char *path, const struct strbuf *sb)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int code = SM_EXIT_OK;
	if (!strcmp(path, "-")) {
		fwrite(sb->buf, 1, sb->len, stdout);
	} else if (fs_write_atomic(path, sb->buf, sb->len, &dl) < 0) {
		cli_print_diags(&dl);
		code = SM_EXIT_FINDINGS;
	}
	diag_list_release(&dl);
	return code;
}

/* The diagram as SVG, or NULL with the reason in *note. */
static char *diagram(const struct graph *g, const char *title, char **note)
{
	struct strbuf dot = STRBUF_INIT, svg = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	graph_write_dot(g, title, &dot);
	char *out = NULL;
	if (graph_render_svg(dot.buf, dot.len, &svg, &dl) == 0) {
		out = strbuf_detach(&svg, NULL);
	} else {
		*note = xstrdup(dl.nr ? dl.items[0].message : "Graphviz failed");
		fprintf(stderr, "solemate report: warning: %s%s%s\n", *note,
			dl.nr && dl.items[0].hint ? "; " : "",
			dl.nr && dl.items[0].hint ? dl.items[0].hint : "");
	}
	strbuf_release(&dot);
	strbuf_release(&svg);
	diag_list_release(&dl);
	return out;
}

static int run_unit(const struct cli_unit *u, const struct report_opts *o, bool several)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct env_config cfg;
	bool have_cfg = false;
	struct sm_assembly a;
	struct graph g;
	int code = SM_EXIT_USAGE;

	sm_assembly_init(&a);
	graph_init(&g);
	if (cli_unit_load(u, &cfg, &have_cfg, &a, &dl) < 0)
		goto out;
	graph_build(&g, &a, &dl);
	struct sm_context ctx;
	cli_context_from_config(have_cfg ? &cfg : NULL, &ctx);
	/* the project tag of the configuration (default "SoleMate"), never for bare templates */
	char *title = have_cfg && cfg.project && *cfg.project
			      ? xstrfmt("%s %s", cfg.project, u->name)
			      : xstrdup(u->name);
	struct report_options ro = {
		.environment = u->name,
		.title = title,
		.ctx = &ctx,
		.prices_dir = o->prices,
		.slas_file = o->slas,
		.generator = "solemate " SM_VERSION,
	};
	struct tradeoff_report t = TRADEOFF_REPORT_INIT;
	json_t *metrics = NULL;
	if (have_cfg) {
		cli_tradeoff_evaluate(u, &cfg, &a, &ctx, o->prices, o->slas, &t);
		metrics = tradeoff_json(&t);
		ro.metrics_cost = metrics;
	}
	json_t *facts = report_facts(&a, &g, &ro, &dl);
	struct strbuf page = STRBUF_INIT;
	char *path = o->out ? xstrdup(o->out) : NULL;
	if (!strcmp(o->format, "json")) {
		char *s = jio_dump_json(facts, NULL); /* malloc, not the arena */
		strbuf_addstr(&page, s);
		free(s);
		if (!path)
			path = xstrdup("-");
	} else {
		char *note = NULL;
		char *svg = diagram(&g, title, &note);
		report_write_html(facts, svg, note, &page);
		free(svg);
		free(note);
		if (!path)
			path = xstrfmt("report-%s.html", u->name);
	}
	cli_print_diags(&dl); /* warnings: sections not available */
	diag_list_release(&dl);
	code = write_output(path, &page);
	if (code == SM_EXIT_OK && strcmp(path, "-"))
		printf("wrote %s%s%s\n", path, several ? " for " : "", several ? u->name : "");
	free(path);
	strbuf_release(&page);
	json_decref(facts);
	json_decref(metrics);
	tradeoff_report_release(&t);
	free(title);
out:
	cli_print_diags(&dl);
	diag_list_release(&dl);
	graph_release(&g);
	sm_assembly_release(&a);
	if (have_cfg)
		env_config_release(&cfg);
	return code;
}

int cmd_report(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct report_opts o = {.format = "html"};
	struct diag_list dl = DIAG_LIST_INIT;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &o.format, "html|json",
			   "html (default) or json (the same facts, for machines)"),
		OPT_FILE('o', "out", &o.out, "FILE",
			 "where to write (atomically); '-' for stdout. Default: html\n"
			 "to report-NAME.html in the current directory (one file per\n"
			 "environment with --env all), json to stdout"),
		OPT_FILE(0, "prices", &o.prices, "DIR",
			 "price files directory (default: data/prices)"),
		OPT_FILE(0, "slas", &o.slas, "FILE", "SLA data file (default: data/slas.json)"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &report_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);
	if (!in.env_nr && !in.config_nr && !in.path_nr)
		return cli_usage_error("report", "name the environment: --env NAME (or --env all, "
						 "--config FILE, PATH...)");

	struct cli_unit *units = NULL;
	size_t nr = cli_split_units(&in, &units, &dl);
	int code = SM_EXIT_OK;
	if (dl.nr) {
		cli_print_diags(&dl);
		code = SM_EXIT_USAGE;
	} else if (nr > 1 && (o.out || !strcmp(o.format, "json"))) {
		code = cli_usage_error("report",
				       "%zu environments: one %s at a time (--env NAME), "
				       "or html with the default file names",
				       nr, o.out ? "--out FILE" : "JSON document");
	}
	for (size_t i = 0; code == SM_EXIT_OK && i < nr; i++) {
		/* the templates and every value derived from them live until the page is out */
		arena_begin();
		int r = run_unit(&units[i], &o, nr > 1);
		arena_end();
		if (r > code)
			code = r;
	}
	cli_units_free(units, nr);
	diag_list_release(&dl);
	return code;
}
