/*
 * The architecture as a graph, read from the templates of an assembly (not
 * from the app's C structs, so that it draws any CloudFormation a user hands
 * us): the internet, CloudFront distributions, WAF web ACLs, load balancers,
 * ECS services, Auto Scaling groups, RDS instances and read replicas,
 * buckets, NAT gateways, VPC endpoints and subnets, placed in a region, a
 * VPC, a tier (public/private/isolated, from the subnets' default routes)
 * and an availability zone; and the edges between them: the request flow,
 * the security-group rules that admit traffic from one group's members to
 * another's (with the port), origins, replication and log delivery.
 * References across stacks (Fn::ImportValue of another stack's Export, and
 * the cross-region parameters `deploy` fills in) lead to the producing
 * resource.
 *
 * A graph owns all its strings; graph_release() frees them. After
 * graph_build() the nodes are sorted by id and the edges by (from, to), so
 * that every writer's output is deterministic.
 */
#ifndef SM_GRAPH_H
#define SM_GRAPH_H

#include <stddef.h>

#include "analysis/assembly.h"
#include "base/diag.h"
#include "base/strbuf.h"

enum graph_kind {
	GRAPH_INTERNET,
	GRAPH_CDN,	/* AWS::CloudFront::Distribution */
	GRAPH_WAF,	/* AWS::WAFv2::WebACL */
	GRAPH_ALB,	/* AWS::ElasticLoadBalancingV2::LoadBalancer */
	GRAPH_SERVICE,	/* AWS::ECS::Service */
	GRAPH_ASG,	/* AWS::AutoScaling::AutoScalingGroup */
	GRAPH_DATABASE, /* AWS::RDS::DBInstance (primary or read replica) */
	GRAPH_BUCKET,	/* AWS::S3::Bucket */
	GRAPH_NAT,	/* AWS::EC2::NatGateway */
	GRAPH_ENDPOINT, /* AWS::EC2::VPCEndpoint (interface endpoints of a tier: one node) */
	GRAPH_SUBNET,	/* AWS::EC2::Subnet */
};

/* An edge is one or more of these between the same two nodes. */
enum graph_edge_flags {
	GRAPH_EDGE_REQUEST = 1 << 0,	 /* the request path (listener, target group, origin) */
	GRAPH_EDGE_SG = 1 << 1,		 /* a security-group rule admits from's members to to's */
	GRAPH_EDGE_ORIGIN = 1 << 2,	 /* CloudFront origin */
	GRAPH_EDGE_PROTECTS = 1 << 3,	 /* WAF web ACL attached to a distribution or ALB */
	GRAPH_EDGE_REPLICATION = 1 << 4, /* RDS read replica, S3 replication */
	GRAPH_EDGE_LOGS = 1 << 5,	 /* access logs delivered to a bucket */
	GRAPH_EDGE_EGRESS = 1 << 6,	 /* default route through a NAT gateway */
};

struct graph_node {
	char *id; /* unique, [A-Za-z0-9_]: "internet", "<stack>__<logical id>" */
	enum graph_kind kind;
	char *stack;	  /* NULL for the internet */
	char *logical_id; /* NULL for the internet and grouped endpoints */
	char *title;	  /* "ECS service Service" */
	char *detail;	  /* "FARGATE, 3 tasks (3..12), 0.25 vCPU / 512 MiB"; never NULL */
	char *region;	  /* NULL: global (internet, CloudFront, CLOUDFRONT-scope WAF) */
	char *vpc;	  /* "<stack>/<VPC logical id>", NULL outside a VPC */
	char *vpc_label;  /* "VPC Vpc 10.1.0.0/16", when vpc is set */
	const char *tier; /* "public", "private", "isolated", or NULL (several or none) */
	char *az;	  /* "AZ 1" (or a literal zone) when in exactly one zone, else NULL */
	/* capacity facts for the report (0 when not applicable) */
	long desired, min, max;
};

struct graph_edge {
	size_t from, to;     /* indices into nodes */
	unsigned flags;	     /* enum graph_edge_flags */
	struct strbuf label; /* "HTTPS 443 -> TargetGroup :8080" */
	struct strbuf ports; /* security-group ports, "tcp 8080" */
};

struct graph {
	struct graph_node *nodes;
	size_t node_nr, node_alloc;
	struct graph_edge *edges;
	size_t edge_nr, edge_alloc;
};

void graph_init(struct graph *g);
void graph_release(struct graph *g);

/*
 * Build the graph of every template of `a`. Never fails on odd templates
 * (what it cannot place is left ungrouped); notes go to `dl`.
 */
void graph_build(struct graph *g, struct sm_assembly *a, struct diag_list *dl);

/* The node of a resource, or NULL. */
const struct graph_node *graph_find(const struct graph *g, const char *stack,
				    const char *logical_id);
/* The edge from -> to (node ids), or NULL. */
const struct graph_edge *graph_find_edge(const struct graph *g, const char *from, const char *to);

/* Graphviz DOT: clusters region > VPC > tier > AZ. `title` may be NULL. */
void graph_write_dot(const struct graph *g, const char *title, struct strbuf *out);
/* Mermaid "flowchart LR" with the same nesting as subgraphs. */
void graph_write_mermaid(const struct graph *g, const char *title, struct strbuf *out);

/* Append `s` with & < > " ' as XML/HTML entities (labels here, and the report's page). */
void graph_escape_xml(struct strbuf *out, const char *s);

#define GRAPH_NO_GRAPHVIZ (-2)
/*
 * Run Graphviz `dot -Tsvg` (found in PATH) on `dot` and append the SVG to
 * `svg`. 0; -1 + diag when dot fails; GRAPH_NO_GRAPHVIZ + diag when it cannot
 * be run at all (not installed).
 */
int graph_render_svg(const char *dot, size_t len, struct strbuf *svg, struct diag_list *dl);

#endif
