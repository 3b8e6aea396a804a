/*
 * Shared by the files that build the architecture graph (graph.c: nodes and
 * placement; graph_edges.c: edges). Not a public header: see graph.h.
 */
#ifndef SM_GRAPH_INT_H
#define SM_GRAPH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/graph.h"
#include "analysis/refs.h"

#define NO_NODE SIZE_MAX

struct subnet_info {
	struct sm_rref r;
	size_t node;
	struct sm_rref vpc;
	const char *tier;
	struct sm_rref nat; /* default route through this NAT gateway */
	bool routed;	    /* an explicit route table association was found */
};

struct member { /* node `node` is in security group `sg` */
	struct sm_rref sg;
	size_t node;
};

struct target { /* node `node` is registered in target group `tg` */
	struct sm_rref tg;
	size_t node;
};

struct builder {
	struct graph *g;
	struct sm_assembly *a;
	struct diag_list *dl;
	struct {
		struct sm_rref r;
		size_t node;
	} * res;
	size_t res_nr, res_alloc;
	struct subnet_info *sn;
	size_t sn_nr, sn_alloc;
	struct member *mem;
	size_t mem_nr, mem_alloc;
	struct target *tgt;
	size_t tgt_nr, tgt_alloc;
	size_t internet;
	/*
	 * Hash lookups instead of scans (issue 19, item 13: 200,000 resources):
	 * gb_key() of a resource -> the first res / sn entry, the member / target
	 * entries of a security group / target group (arrays, in the order
	 * added); "from to" -> the edge between two nodes.
	 */
	json_t *index;
};

/* The resource `v` names (sm_resolve), or {t, NULL} when it names no resource. */
struct sm_rref gb_resolve(struct builder *b, struct sm_template *t, const json_t *v);
long gb_num_of(const json_t *v, long dflt);

/* Nodes: the one drawing a resource (NO_NODE when none), the internet (made on first use). */
size_t gb_node_of(struct builder *b, struct sm_rref r);
/* The entries of `list` ('m' members, 't' targets) for `r`, an array (borrowed), or NULL. */
const json_t *gb_entries(struct builder *b, char list, struct sm_rref r);
size_t gb_internet(struct builder *b);

/* Edges: find or add from -> to with `flags`; gb_link also adds `label` to its label list. */
struct graph_edge *gb_edge(struct builder *b, size_t from, size_t to, unsigned flags);
void gb_link(struct builder *b, size_t from, size_t to, unsigned flags, const char *label);
/* Append `part` to a ", "-separated list unless it is there already. */
void gb_list_add(struct strbuf *sb, const char *part);

/* Pass 4: the edges of template `t`; then subnet -> NAT -> internet egress. */
void gb_load_edges(struct builder *b, struct sm_template *t);
void gb_nat_edges(struct builder *b);

#endif
