/*
 * The edges of the architecture graph (graph.h): the request path through
 * listeners, target groups and CloudFront origins, the security-group rules
 * that admit one group's members to another's, WAF attachments, replication,
 * log delivery and NAT egress. The nodes are made first, by graph.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/check_ctx.h" /* jget, jstr */
#include "analysis/graph_int.h"
#include "base/common.h"
#include "base/xalloc.h"

static void port_text(const json_t *rule, struct strbuf *out)
{
	const json_t *pv = json_object_get(rule, "IpProtocol");
	const char *proto = jstr(pv);
	long from = gb_num_of(json_object_get(rule, "FromPort"), -1);
	long to = gb_num_of(json_object_get(rule, "ToPort"), from);
	if ((proto && !strcmp(proto, "-1")) || gb_num_of(pv, 0) == -1) {
		strbuf_addstr(out, "all traffic");
		return;
	}
	if (!proto || !strcmp(proto, "6"))
		proto = "tcp";
	else if (!strcmp(proto, "17"))
		proto = "udp";
	if (from == to || to < 0)
		strbuf_addf(out, "%s %ld", proto, from);
	else
		strbuf_addf(out, "%s %ld-%ld", proto, from, to);
}

static bool is_public(const struct graph_node *n)
{
	return n->kind == GRAPH_ALB ? strcmp(n->detail, "internal") != 0
				    : n->tier && !strcmp(n->tier, "public");
}

/* An ingress rule of group `sg`: its source group's members reach its members. */
static void sg_rule(struct builder *b, struct sm_template *t, struct sm_rref sg, const json_t *rule)
{
	struct strbuf ports = STRBUF_INIT;
	port_text(rule, &ports);
	const char *cidr =
		jstr(json_object_get(rule, "CidrIp")) ?: jstr(json_object_get(rule, "CidrIpv6"));
	bool world = cidr && (!strcmp(cidr, "0.0.0.0/0") || !strcmp(cidr, "::/0"));
	struct sm_rref src = gb_resolve(b, t, json_object_get(rule, "SourceSecurityGroupId"));
	const json_t *members = gb_entries(b, 'm', sg), *sources = gb_entries(b, 'm', src);
	size_t i, k;
	json_t *x, *y;
	json_array_foreach (members, i, x) {
		size_t to = b->mem[json_integer_value(x)].node;
		if (world && is_public(&b->g->nodes[to])) {
			struct graph_edge *e = gb_edge(b, gb_internet(b), to, GRAPH_EDGE_SG);
			gb_list_add(&e->ports, ports.buf);
		}
		json_array_foreach (sources, k, y) {
			size_t from = b->mem[json_integer_value(y)].node;
			if (from == to)
				continue;
			struct graph_edge *e = gb_edge(b, from, to, GRAPH_EDGE_SG);
			gb_list_add(&e->ports, ports.buf);
		}
	}
	strbuf_release(&ports);
}

static void listener_edges(struct builder *b, struct sm_template *t, const json_t *p,
			   const json_t *actions, size_t alb)
{
	char *front = xstrfmt("%s %ld", jstr(json_object_get(p, "Protocol")) ?: "TCP",
			      gb_num_of(json_object_get(p, "Port"), 0));
	size_t i;
	json_t *act;
	json_array_foreach (actions, i, act) {
		const char *type = jstr(json_object_get(act, "Type")) ?: "";
		if (!strcmp(type, "redirect") && is_public(&b->g->nodes[alb])) {
			char *l = xstrfmt("%s (redirect)", front);
			gb_link(b, gb_internet(b), alb, GRAPH_EDGE_REQUEST, l);
			free(l);
		}
		if (strcmp(type, "forward"))
			continue;
		if (is_public(&b->g->nodes[alb]))
			gb_link(b, gb_internet(b), alb, GRAPH_EDGE_REQUEST, front);
		json_t *one = json_pack("[{sO*}]", "TargetGroupArn",
					json_object_get(act, "TargetGroupArn"));
		const json_t *tgs = json_object_get(act, "TargetGroupArn")
					    ? one
					    : jget(act, "ForwardConfig.TargetGroups");
		size_t j;
		json_t *x;
		json_array_foreach (tgs, j, x) {
			struct sm_rref tg = gb_resolve(b, t, json_object_get(x, "TargetGroupArn"));
			const json_t *tp = sm_rref_props(tg);
			char *l = xstrfmt("%s → %s %ld", front,
					  jstr(json_object_get(tp, "Protocol")) ?: "",
					  gb_num_of(json_object_get(tp, "Port"), 0));
			size_t k;
			json_t *y;
			json_array_foreach (gb_entries(b, 't', tg), k, y)
				gb_link(b, alb, b->tgt[json_integer_value(y)].node,
					GRAPH_EDGE_REQUEST, l);
			free(l);
		}
		json_decref(one);
	}
	free(front);
}

static bool same_dns_name(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	na -= na && a[na - 1] == '.';
	nb -= nb && b[nb - 1] == '.';
	return na == nb && !strncasecmp(a, b, na);
}

/*
 * An origin given by name: the node behind the Route 53 alias record of that
 * name in any template of the assembly (origin.<domain> -> load balancer),
 * else the origin as a reference.
 */
static size_t origin_node(struct builder *b, struct sm_template *t, const json_t *domain)
{
	const char *name = json_string_value(domain);
	for (size_t k = 0; name && k < b->a->nr; k++) {
		struct sm_template *rt = &b->a->items[k];
		const char *id;
		json_t *r;
		json_object_foreach (json_object_get(rt->tmpl, "Resources"), id, r) {
			const char *rn = jstr(jget(r, "Properties.Name"));
			const json_t *target = jget(r, "Properties.AliasTarget.DNSName");
			if (target && rn && same_dns_name(rn, name) &&
			    !strcmp(jstr(json_object_get(r, "Type")) ?: "",
				    "AWS::Route53::RecordSet"))
				return gb_node_of(b, gb_resolve(b, rt, target));
		}
	}
	return gb_node_of(b, gb_resolve(b, t, domain));
}

static void cdn_edges(struct builder *b, struct sm_template *t, size_t cdn, const json_t *cfg)
{
	gb_link(b, gb_internet(b), cdn, GRAPH_EDGE_REQUEST, "HTTPS");
	gb_link(b, gb_node_of(b, gb_resolve(b, t, json_object_get(cfg, "WebACLId"))), cdn,
		GRAPH_EDGE_PROTECTS, "filters");
	gb_link(b, cdn, gb_node_of(b, gb_resolve(b, t, jget(cfg, "Logging.Bucket"))),
		GRAPH_EDGE_LOGS, "access logs");
	size_t i;
	json_t *o;
	json_array_foreach (json_object_get(cfg, "Origins"), i, o) {
		char *l = xstrfmt("origin '%s'%s", jstr(json_object_get(o, "Id")) ?: "?",
				  json_object_get(o, "OriginAccessControlId") ? " (OAC)" : "");
		gb_link(b, cdn, origin_node(b, t, json_object_get(o, "DomainName")),
			GRAPH_EDGE_REQUEST | GRAPH_EDGE_ORIGIN, l);
		free(l);
	}
}

void gb_load_edges(struct builder *b, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		const char *type = jstr(json_object_get(r, "Type"));
		const json_t *p = json_object_get(r, "Properties");
		struct sm_rref me = {t, id};
		size_t i;
		json_t *x;
		if (!type)
			continue;
		if (!strcmp(type, "AWS::EC2::SecurityGroup")) {
			json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, x) {
				sg_rule(b, t, me, x);
			}
		} else if (!strcmp(type, "AWS::EC2::SecurityGroupIngress")) {
			struct sm_rref g = gb_resolve(b, t, json_object_get(p, "GroupId"));
			if (g.id)
				sg_rule(b, t, g, p);
		} else if (!strcmp(type, "AWS::ElasticLoadBalancingV2::Listener")) {
			size_t alb = gb_node_of(
				b, gb_resolve(b, t, json_object_get(p, "LoadBalancerArn")));
			if (alb != NO_NODE)
				listener_edges(b, t, p, json_object_get(p, "DefaultActions"), alb);
		} else if (!strcmp(type, "AWS::ElasticLoadBalancingV2::ListenerRule")) {
			struct sm_rref l = gb_resolve(b, t, json_object_get(p, "ListenerArn"));
			size_t alb = gb_node_of(b, gb_resolve(b, l.t,
							      json_object_get(sm_rref_props(l),
									      "LoadBalancerArn")));
			if (alb != NO_NODE)
				listener_edges(b, l.t, sm_rref_props(l),
					       json_object_get(p, "Actions"), alb);
		} else if (!strcmp(type, "AWS::ElasticLoadBalancingV2::LoadBalancer")) {
			json_array_foreach (json_object_get(p, "LoadBalancerAttributes"), i, x) {
				if (!strcmp(jstr(json_object_get(x, "Key")) ?: "",
					    "access_logs.s3.bucket"))
					gb_link(b, gb_node_of(b, me),
						gb_node_of(b,
							   gb_resolve(b, t,
								      json_object_get(x, "Value"))),
						GRAPH_EDGE_LOGS, "access logs");
			}
		} else if (!strcmp(type, "AWS::CloudFront::Distribution")) {
			cdn_edges(b, t, gb_node_of(b, me),
				  json_object_get(p, "DistributionConfig"));
		} else if (!strcmp(type, "AWS::WAFv2::WebACLAssociation")) {
			gb_link(b, gb_node_of(b, gb_resolve(b, t, json_object_get(p, "WebACLArn"))),
				gb_node_of(b, gb_resolve(b, t, json_object_get(p, "ResourceArn"))),
				GRAPH_EDGE_PROTECTS, "filters");
		} else if (!strcmp(type, "AWS::RDS::DBInstance")) {
			gb_link(b,
				gb_node_of(b, gb_resolve(b, t,
							 json_object_get(
								 p, "SourceDBInstanceIdentifier"))),
				gb_node_of(b, me), GRAPH_EDGE_REPLICATION, "replication");
		} else if (!strcmp(type, "AWS::S3::Bucket")) {
			gb_link(b, gb_node_of(b, me),
				gb_node_of(b, gb_resolve(b, t,
							 jget(p, "LoggingConfiguration."
								 "DestinationBucketName"))),
				GRAPH_EDGE_LOGS, "access logs");
			json_array_foreach (jget(p, "ReplicationConfiguration.Rules"), i, x) {
				gb_link(b, gb_node_of(b, me),
					gb_node_of(b,
						   gb_resolve(b, t, jget(x, "Destination.Bucket"))),
					GRAPH_EDGE_REPLICATION, "replication");
			}
		}
	}
}

void gb_nat_edges(struct builder *b)
{
	for (size_t i = 0; i < b->sn_nr; i++) {
		size_t nat = gb_node_of(b, b->sn[i].nat);
		if (nat == NO_NODE)
			continue;
		gb_link(b, b->sn[i].node, nat, GRAPH_EDGE_EGRESS, "0.0.0.0/0");
		gb_link(b, nat, gb_internet(b), GRAPH_EDGE_EGRESS, "egress");
	}
}
