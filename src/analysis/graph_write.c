/*
 * Writers of the architecture graph (graph.h): Graphviz DOT with clusters
 * region > VPC > tier > AZ, Mermaid flowcharts with the same nesting, and
 * SVG by running Graphviz's `dot` as a subprocess.
 */
#include "analysis/graph.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/common.h"
#include "base/xalloc.h"

extern char **environ;

#define LEVELS 4       /* region, VPC, tier, AZ */
#define DETAIL_LINE 30 /* characters a line of a node's detail, in DOT */
/*
 * Bytes of one label drawn: Graphviz's lexer refuses a token past 16 KiB
 * ("syntax error", measured with dot 2.43 on a 17,000-character logical
 * ID), and a label that long says nothing more in a drawing.
 */
#define LABEL_MAX 1024

static const char *const tier_order[] = {"public", "private", "isolated"};

static int tier_rank(const char *tier)
{
	for (int i = 0; tier && i < 3; i++)
		if (!strcmp(tier, tier_order[i]))
			return i + 1;
	return 0;
}

/* The clusters a node sits in, outermost first; NULL where it stops. */
static void path_of(const struct graph_node *n, const char *path[LEVELS])
{
	memset(path, 0, sizeof(*path) * LEVELS);
	if (n->kind == GRAPH_INTERNET)
		return;
	path[0] = n->region ? n->region : "";
	if (!n->vpc)
		return;
	path[1] = n->vpc;
	if (!n->tier)
		return;
	path[2] = n->tier;
	path[3] = n->az;
}

static int cmp_str0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static const struct graph *sort_graph_ctx;

/* Nodes in cluster order: internet, global, then regions; VPC; tier; zone; id. */
static int cmp_placed(const void *x, const void *y)
{
	const struct graph_node *a = &sort_graph_ctx->nodes[*(const size_t *)x];
	const struct graph_node *b = &sort_graph_ctx->nodes[*(const size_t *)y];
	const char *pa[LEVELS], *pb[LEVELS];
	int c;
	path_of(a, pa);
	path_of(b, pb);
	if ((!pa[0]) != (!pb[0]))
		return pa[0] ? 1 : -1;
	for (int i = 0; i < LEVELS; i++) {
		if (i == 2 && (c = tier_rank(pa[2]) - tier_rank(pb[2])))
			return c;
		if ((c = cmp_str0(pa[i], pb[i])))
			return c;
	}
	return strcmp(a->id, b->id);
}

static size_t *placed_order(const struct graph *g)
{
	size_t *order = xcalloc(g->node_nr + 1, sizeof(*order));
	for (size_t i = 0; i < g->node_nr; i++)
		order[i] = i;
	sort_graph_ctx = g;
	if (g->node_nr)
		qsort(order, g->node_nr, sizeof(*order), cmp_placed);
	return order;
}

static char *cluster_label(const struct graph_node *n, int level)
{
	switch (level) {
	case 0:
		return xstrdup(n->region ? (*n->region ? n->region : "region not set")
					 : "Global (CloudFront edge)");
	case 1:
		return xstrdup(n->vpc_label ? n->vpc_label : n->vpc);
	case 2:
		return xstrfmt("%s tier", n->tier);
	default:
		return xstrdup(n->az);
	}
}

/* How a writer opens and closes a cluster and writes a node. */
struct syntax {
	void (*open)(struct strbuf *out, int depth, size_t cluster, int level, const char *label,
		     const struct graph_node *n);
	void (*close)(struct strbuf *out, int depth);
	void (*node)(struct strbuf *out, int depth, const struct graph_node *n);
};

/* Walk the nodes in cluster order, opening and closing the clusters around them. */
static void write_nested(const struct graph *g, const struct syntax *s, struct strbuf *out)
{
	size_t *order = placed_order(g);
	const char *open[LEVELS] = {0};
	int depth = 0;
	size_t clusters = 0;
	for (size_t k = 0; k < g->node_nr; k++) {
		const struct graph_node *n = &g->nodes[order[k]];
		const char *path[LEVELS];
		path_of(n, path);
		int keep = 0;
		while (keep < depth && path[keep] && !cmp_str0(open[keep], path[keep]))
			keep++;
		while (depth > keep)
			s->close(out, depth--);
		for (; depth < LEVELS && path[depth]; depth++) {
			char *label = cluster_label(n, depth);
			s->open(out, depth + 1, clusters++, depth, label, n);
			free(label);
			open[depth] = path[depth];
		}
		s->node(out, depth + 1, n);
	}
	while (depth > 0)
		s->close(out, depth--);
	free(order);
}

static void indent(struct strbuf *out, int depth)
{
	for (int i = 0; i < depth; i++)
		strbuf_addch(out, '\t');
}

/* ---- DOT ---- */

struct escape {
	char c;
	const char *as;
};

static void add_escaped(struct strbuf *out, const char *s, const struct escape *map)
{
	for (; *s; s++) {
		const struct escape *e = map;
		while (e->as && e->c != *s)
			e++;
		if (e->as)
			strbuf_addstr(out, e->as);
		else
			strbuf_addch(out, *s);
	}
}

/*
 * `s`, or a copy cut to LABEL_MAX bytes at a character boundary and marked
 * "...", owned by *owned (NULL when `s` is returned as it is).
 */
static const char *clipped(const char *s, char **owned)
{
	size_t n = strlen(s);
	*owned = NULL;
	if (n <= LABEL_MAX)
		return s;
	n = LABEL_MAX;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80) /* UTF-8 continuation */
		n--;
	*owned = xstrfmt("%.*s...", (int)n, s);
	return *owned;
}

static void dot_quoted(struct strbuf *out, const char *s)
{
	static const struct escape dot[] = {
		{'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {0, NULL}};
	char *owned;
	strbuf_addch(out, '"');
	add_escaped(out, clipped(s, &owned), dot);
	strbuf_addch(out, '"');
	free(owned);
}

void graph_escape_xml(struct strbuf *out, const char *s)
{
	static const struct escape xml[] = {{'<', "&lt;"},   {'>', "&gt;"},   {'&', "&amp;"},
					    {'"', "&quot;"}, {'\'', "&#39;"}, {0, NULL}};
	add_escaped(out, s, xml);
}

/* Text inside an HTML-like label: XML-escaped, newlines as breaks. */
static void dot_html_text(struct strbuf *out, const char *text)
{
	char *owned;
	const char *s = clipped(text, &owned);
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		char *line = xstrndup(s, (size_t)(nl - s));
		graph_escape_xml(out, line);
		strbuf_addstr(out, "<br/>");
		free(line);
	}
	graph_escape_xml(out, s);
	free(owned);
}

struct style {
	const char *fill, *stroke, *shape;
};

static struct style style_of(enum graph_kind k)
{
	switch (k) {
	case GRAPH_INTERNET:
		return (struct style){"#f2f2f2", "#6b6b6b", "ellipse"};
	case GRAPH_CDN:
		return (struct style){"#ece3ff", "#8c4fff", "box"};
	case GRAPH_WAF:
		return (struct style){"#fbdde2", "#dd344c", "box"};
	case GRAPH_ALB:
		return (struct style){"#ece3ff", "#8c4fff", "box"};
	case GRAPH_SERVICE:
	case GRAPH_ASG:
		return (struct style){"#fde6cc", "#ed7100", "box"};
	case GRAPH_DATABASE:
		return (struct style){"#dde1fb", "#3b48cc", "cylinder"};
	case GRAPH_BUCKET:
		return (struct style){"#e7f2d0", "#7aa116", "folder"};
	case GRAPH_NAT:
	case GRAPH_ENDPOINT:
		return (struct style){"#ece3ff", "#8c4fff", "box"};
	case GRAPH_SUBNET:
		return (struct style){"#ffffff", "#9a9a9a", "note"};
	}
	return (struct style){"#ffffff", "#000000", "box"};
}

static const char *const tier_fill[] = {"#ffffff", "#eef7ee", "#eef3fb", "#f7eef7"};

static void dot_open(struct strbuf *out, int depth, size_t cluster, int level, const char *label,
		     const struct graph_node *n)
{
	indent(out, depth);
	strbuf_addf(out, "subgraph cluster_%zu {\n", cluster);
	indent(out, depth + 1);
	strbuf_addstr(out, "label=");
	dot_quoted(out, label);
	strbuf_addstr(out, "; ");
	if (level == 0)
		strbuf_addstr(out, "style=\"dashed,rounded\"; color=\"#6b6b6b\";");
	else if (level == 1)
		strbuf_addstr(out, "style=\"rounded\"; color=\"#8c4fff\"; penwidth=1.5;");
	else if (level == 2)
		strbuf_addf(out, "style=\"filled,rounded\"; color=\"#b0b0b0\"; fillcolor=\"%s\";",
			    tier_fill[tier_rank(n->tier)]);
	else
		strbuf_addstr(out, "style=\"dashed\"; color=\"#9a9a9a\";");
	strbuf_addch(out, '\n');
}

static void dot_close(struct strbuf *out, int depth)
{
	indent(out, depth);
	strbuf_addstr(out, "}\n");
}

/*
 * Break a ", "-separated detail into lines of about `width` characters: a
 * node's width sets its rank's, and one long list widens the whole drawing.
 */
static char *wrap(const char *s, size_t width)
{
	struct strbuf sb = STRBUF_INIT;
	size_t line = 0;
	while (*s) {
		const char *comma = strstr(s, ", ");
		size_t n = comma ? (size_t)(comma - s) + 1 : strlen(s);
		if (line && line + n > width) {
			strbuf_addch(&sb, '\n');
			line = 0;
		} else if (line) {
			strbuf_addch(&sb, ' ');
			line++;
		}
		strbuf_add(&sb, s, n);
		line += n;
		s += n + (comma ? 1 : 0);
	}
	return strbuf_detach(&sb, NULL);
}

static void dot_node(struct strbuf *out, int depth, const struct graph_node *n)
{
	struct style st = style_of(n->kind);
	indent(out, depth);
	strbuf_addf(out, "%s [shape=%s, fillcolor=\"%s\", color=\"%s\", label=<<b>", n->id,
		    st.shape, st.fill, st.stroke);
	dot_html_text(out, n->title);
	strbuf_addstr(out, "</b>");
	if (*n->detail) {
		char *detail = wrap(n->detail, DETAIL_LINE);
		strbuf_addstr(out, "<br/><font point-size=\"10\">");
		dot_html_text(out, detail);
		strbuf_addstr(out, "</font>");
		free(detail);
	}
	strbuf_addstr(out, ">];\n");
}

static char *edge_label(const struct graph_edge *e)
{
	if (!e->ports.len)
		return xstrdup(e->label.buf);
	if (!e->label.len)
		return xstrdup(e->ports.buf);
	return xstrfmt("%s\n(SG %s)", e->label.buf, e->ports.buf);
}

static const char *dot_edge_style(unsigned f)
{
	if (f & GRAPH_EDGE_REQUEST)
		return "color=\"#1f5fbf\", penwidth=2";
	if (f & GRAPH_EDGE_PROTECTS)
		return "color=\"#dd344c\", style=dashed, arrowhead=none";
	if (f & GRAPH_EDGE_SG)
		return "color=\"#444444\", style=dashed";
	if (f & GRAPH_EDGE_REPLICATION)
		return "color=\"#3b48cc\", style=dotted, penwidth=1.5";
	if (f & GRAPH_EDGE_EGRESS)
		return "color=\"#8c8c8c\", constraint=false";
	return "color=\"#7aa116\", style=dotted, constraint=false"; /* logs */
}

/*
 * Subnets, NAT gateways and endpoints have no edge that ranks them; left
 * alone, dot puts them in the first column, far from their tier's resources.
 * Rank them with the tier's first resource (the ALB, the service, the
 * database).
 */
static bool unranked(enum graph_kind k)
{
	return k == GRAPH_SUBNET || k == GRAPH_NAT || k == GRAPH_ENDPOINT;
}

static void dot_tier_ranks(const struct graph *g, struct strbuf *out)
{
	size_t *order = placed_order(g);
	for (size_t k = 0; k < g->node_nr;) {
		const struct graph_node *first = &g->nodes[order[k]];
		size_t end = k, anchor = SIZE_MAX, members = 0;
		while (end < g->node_nr && first->tier && g->nodes[order[end]].tier &&
		       !strcmp(g->nodes[order[end]].tier, first->tier) &&
		       !cmp_str0(g->nodes[order[end]].vpc, first->vpc))
			end++;
		for (size_t i = k; i < end; i++) {
			enum graph_kind kind = g->nodes[order[i]].kind;
			if (unranked(kind))
				members++;
			else if (anchor == SIZE_MAX)
				anchor = order[i];
		}
		if (members && anchor != SIZE_MAX) {
			strbuf_addf(out, "\t{ rank=same; %s;", g->nodes[anchor].id);
			for (size_t i = k; i < end; i++)
				if (order[i] != anchor && unranked(g->nodes[order[i]].kind))
					strbuf_addf(out, " %s;", g->nodes[order[i]].id);
			strbuf_addstr(out, " }\n");
		}
		k = end > k ? end : k + 1;
	}
	free(order);
}

void graph_write_dot(const struct graph *g, const char *title, struct strbuf *out)
{
	static const struct syntax dot = {dot_open, dot_close, dot_node};
	strbuf_addstr(out,
		      "digraph solemate {\n"
		      "\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.25, "
		      "ranksep=0.7, newrank=true, labelloc=t");
	if (title) {
		strbuf_addstr(out, ", label=");
		dot_quoted(out, title);
	}
	strbuf_addstr(out, "];\n\tnode [style=\"filled,rounded\", fontname=\"Helvetica\", "
			   "fontsize=12, margin=\"0.12,0.06\"];\n"
			   "\tedge [fontname=\"Helvetica\", fontsize=9];\n");
	write_nested(g, &dot, out);
	dot_tier_ranks(g, out);
	for (size_t i = 0; i < g->edge_nr; i++) {
		const struct graph_edge *e = &g->edges[i];
		char *label = edge_label(e);
		strbuf_addf(out, "\t%s -> %s [%s", g->nodes[e->from].id, g->nodes[e->to].id,
			    dot_edge_style(e->flags));
		if (*label) {
			strbuf_addstr(out, ", label=");
			dot_quoted(out, label);
		}
		strbuf_addstr(out, "];\n");
		free(label);
	}
	strbuf_addstr(out, "}\n");
}

/* ---- Mermaid ---- */

/* Mermaid's entity codes (#quot; and numeric #60;) inside a quoted label. */
static void mermaid_text(struct strbuf *out, const char *s)
{
	static const struct escape mm[] = {{'"', "#quot;"}, {'<', "#60;"},  {'>', "#62;"},
					   {'#', "#35;"},   {'|', "#124;"}, {'\n', "<br/>"},
					   {0, NULL}};
	char *owned;
	add_escaped(out, clipped(s, &owned), mm);
	free(owned);
}

static void mm_open(struct strbuf *out, int depth, size_t cluster, int level, const char *label,
		    const struct graph_node *n)
{
	indent(out, depth);
	strbuf_addf(out, "subgraph g%zu[\"", cluster);
	mermaid_text(out, label);
	strbuf_addstr(out, "\"]\n");
}

static void mm_close(struct strbuf *out, int depth)
{
	indent(out, depth);
	strbuf_addstr(out, "end\n");
}

static void mm_node(struct strbuf *out, int depth, const struct graph_node *n)
{
	indent(out, depth);
	strbuf_addstr(out, n->id);
	bool round = n->kind == GRAPH_INTERNET;
	bool db = n->kind == GRAPH_DATABASE;
	strbuf_addstr(out, round ? "((\"" : db ? "[(\"" : "[\"");
	mermaid_text(out, n->title);
	if (*n->detail) {
		strbuf_addstr(out, "<br/><small>");
		mermaid_text(out, n->detail);
		strbuf_addstr(out, "</small>");
	}
	strbuf_addstr(out, round ? "\"))\n" : db ? "\")]\n" : "\"]\n");
}

static const char *const kind_class[] = {
	[GRAPH_INTERNET] = "internet", [GRAPH_CDN] = "network",	    [GRAPH_WAF] = "security",
	[GRAPH_ALB] = "network",       [GRAPH_SERVICE] = "compute", [GRAPH_ASG] = "compute",
	[GRAPH_DATABASE] = "database", [GRAPH_BUCKET] = "storage",  [GRAPH_NAT] = "network",
	[GRAPH_ENDPOINT] = "network",  [GRAPH_SUBNET] = "subnet",
};

void graph_write_mermaid(const struct graph *g, const char *title, struct strbuf *out)
{
	static const struct syntax mm = {mm_open, mm_close, mm_node};
	if (title) {
		strbuf_addstr(out, "---\ntitle: ");
		mermaid_text(out, title);
		strbuf_addstr(out, "\n---\n");
	}
	strbuf_addstr(out, "flowchart LR\n");
	write_nested(g, &mm, out);
	for (size_t i = 0; i < g->edge_nr; i++) {
		const struct graph_edge *e = &g->edges[i];
		unsigned f = e->flags;
		const char *arrow = f & GRAPH_EDGE_REQUEST    ? "==>"
				    : f & GRAPH_EDGE_PROTECTS ? "-.-"
				    : f & (GRAPH_EDGE_SG | GRAPH_EDGE_REPLICATION | GRAPH_EDGE_LOGS)
					    ? "-.->"
					    : "-->";
		char *label = edge_label(e);
		strbuf_addf(out, "\t%s %s", g->nodes[e->from].id, arrow);
		if (*label) {
			strbuf_addstr(out, "|\"");
			mermaid_text(out, label);
			strbuf_addstr(out, "\"|");
		}
		strbuf_addf(out, " %s\n", g->nodes[e->to].id);
		free(label);
	}
	strbuf_addstr(out, "\tclassDef internet fill:#f2f2f2,stroke:#6b6b6b\n"
			   "\tclassDef network fill:#ece3ff,stroke:#8c4fff\n"
			   "\tclassDef security fill:#fbdde2,stroke:#dd344c\n"
			   "\tclassDef compute fill:#fde6cc,stroke:#ed7100\n"
			   "\tclassDef database fill:#dde1fb,stroke:#3b48cc\n"
			   "\tclassDef storage fill:#e7f2d0,stroke:#7aa116\n"
			   "\tclassDef subnet fill:#ffffff,stroke:#9a9a9a,stroke-dasharray:3 3\n");
	for (size_t c = 0; c < sizeof(kind_class) / sizeof(kind_class[0]); c++) {
		bool first = true;
		for (size_t i = 0; i < g->node_nr; i++) {
			if (g->nodes[i].kind != c)
				continue;
			strbuf_addstr(out, first ? "\tclass " : ",");
			strbuf_addstr(out, g->nodes[i].id);
			first = false;
		}
		if (!first)
			strbuf_addf(out, " %s\n", kind_class[c]);
	}
}

/* ---- SVG through Graphviz ---- */

/*
 * Feed `in` to the child's stdin while collecting its stdout and stderr, with
 * poll(): dot may start writing before it has read everything, and a pipe
 * holds only 64 KiB, so writing all and then reading could deadlock.
 */
static void pump(int in_fd, const char *in, size_t len, int out_fd, struct strbuf *out, int err_fd,
		 struct strbuf *err)
{
	size_t done = 0;
	struct pollfd p[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	if (!len) {
		close(in_fd);
		p[0].fd = -1;
	}
	while (p[0].fd >= 0 || p[1].fd >= 0 || p[2].fd >= 0) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].fd >= 0 && p[0].revents) {
			ssize_t n =
				(p[0].revents & POLLOUT) ? write(in_fd, in + done, len - done) : -1;
			if (n > 0)
				done += (size_t)n;
			if (n < 0 || done == len) {
				close(in_fd);
				p[0].fd = -1;
			}
		}
		for (int i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char buf[8192];
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n > 0) {
				strbuf_add(i == 1 ? out : err, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
}

int graph_render_svg(const char *dot, size_t len, struct strbuf *svg, struct diag_list *dl)
{
	int in[2], out[2], err[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		goto no_pipe;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		goto no_pipe;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		goto no_pipe;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	char *argv[] = {"dot", "-Tsvg", NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (rc) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "cannot run Graphviz 'dot': %s", strerror(rc));
		diag_set_hint(d, "install Graphviz (Debian: apt-get install graphviz), or use "
				 "--format dot or mermaid");
		return GRAPH_NO_GRAPHVIZ;
	}
	/* a dot that exits early must not kill us with SIGPIPE: see the write error instead */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	struct strbuf errors = STRBUF_INIT;
	size_t before = svg->len;
	pump(in[1], dot, len, out[0], svg, err[0], &errors);
	sigaction(SIGPIPE, &old, NULL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int ret = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || svg->len == before) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "Graphviz 'dot' failed (%s %d): %s",
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 errors.len ? errors.buf : "no message");
		strbuf_setlen(svg, before);
		ret = -1;
	}
	strbuf_release(&errors);
	return ret;
no_pipe:
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "cannot create a pipe: %s", strerror(errno));
	return -1;
}
