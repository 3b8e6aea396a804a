/*
 * Building the architecture graph from the templates (graph.h): nodes and
 * their placement. The edges are found by graph_edges.c, the writers (DOT,
 * Mermaid, SVG through Graphviz) are in graph_write.c.
 */
#include "analysis/graph.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check_ctx.h" /* jget, jstr */
#include "analysis/graph_int.h"
#include "analysis/secrets.h"
#include "base/common.h"
#include "base/xalloc.h"

/* ---- references ---- */

struct sm_rref gb_resolve(struct builder *b, struct sm_template *t, const json_t *v)
{
	struct sm_rref r = sm_resolve(b->a, t, v);
	return sm_rref_resource(r) ? r : (struct sm_rref){t, NULL};
}

long gb_num_of(const json_t *v, long dflt)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(json_string_value(v), NULL, 10);
	return dflt;
}

/* ---- nodes ---- */

/*
 * Bytes of a node ID kept as written: Graphviz's lexer refuses a token past
 * 16 KiB, so a longer ID (a hostile template's; CloudFormation's own limit
 * is 255) keeps its start and ends with a hash of the whole, which keeps
 * IDs distinct.
 */
#define NODE_ID_MAX 512

static char *node_id(const char *stack, const char *logical_id)
{
	char *id = stack ? xstrfmt("%s__%s", stack, logical_id) : xstrdup(logical_id);
	for (char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	if (strlen(id) > NODE_ID_MAX) {
		uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, of the unsanitized name */
		for (const char *p = stack ? stack : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3u;
		h *= 0x100000001b3u; /* a NUL between the two */
		for (const char *p = logical_id; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3u;
		char *cut = xstrfmt("%.*s_%016llx", NODE_ID_MAX, id, (unsigned long long)h);
		free(id);
		id = cut;
	}
	return id;
}

/* ---- the builder's index ---- */

/* `list`, then the template's place in the assembly (or '-'), then the ID. */
static char *index_key(struct builder *b, char list, struct sm_rref r)
{
	if (!r.t)
		return xstrfmt("%c - %s", list, r.id);
	return xstrfmt("%c %zu %s", list, (size_t)(r.t - b->a->items), r.id);
}

/* Remember entry `i` for `r` unless one came first (a scan in order finds the first). */
static void index_first(struct builder *b, char list, struct sm_rref r, size_t i)
{
	if (!r.id)
		return;
	char *key = index_key(b, list, r);
	if (!json_object_get(b->index, key))
		json_object_set_new_nocheck(b->index, key, json_integer((json_int_t)i));
	free(key);
}

static json_int_t index_get(struct builder *b, char list, struct sm_rref r)
{
	if (!r.id)
		return -1;
	char *key = index_key(b, list, r);
	const json_t *v = json_object_get(b->index, key);
	free(key);
	return v ? json_integer_value(v) : -1;
}

static void index_append(struct builder *b, char list, struct sm_rref r, size_t i)
{
	char *key = index_key(b, list, r);
	json_t *arr = json_object_get(b->index, key);
	if (!arr) {
		arr = json_array();
		json_object_set_new_nocheck(b->index, key, arr);
	}
	json_array_append_new(arr, json_integer((json_int_t)i));
	free(key);
}

const json_t *gb_entries(struct builder *b, char list, struct sm_rref r)
{
	if (!r.id)
		return NULL;
	char *key = index_key(b, list, r);
	const json_t *v = json_object_get(b->index, key);
	free(key);
	return v;
}

static void node_release(struct graph_node *n)
{
	free(n->id);
	free(n->stack);
	free(n->logical_id);
	free(n->title);
	free(n->detail);
	free(n->region);
	free(n->vpc);
	free(n->vpc_label);
	free(n->az);
}

static size_t find_node_id(const struct graph *g, const char *id)
{
	for (size_t i = 0; i < g->node_nr; i++)
		if (!strcmp(g->nodes[i].id, id))
			return i;
	return NO_NODE;
}

static size_t add_node(struct builder *b, enum graph_kind kind, struct sm_rref r, const char *title,
		       char *detail /* stolen */)
{
	struct graph *g = b->g;
	ALLOC_GROW(g->nodes, g->node_nr + 1, g->node_alloc);
	struct graph_node *n = &g->nodes[g->node_nr];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->id = node_id(r.t ? r.t->stack_name : NULL, r.id);
	n->stack = r.t ? xstrdup(r.t->stack_name) : NULL;
	n->logical_id = r.t ? xstrdup(r.id) : NULL;
	n->title = xstrdup(title);
	n->detail = detail ? detail : xstrdup("");
	n->region = r.t && r.t->region ? xstrdup(r.t->region) : NULL;
	if (r.t && !r.t->region)
		n->region = xstrdup("region not set");
	ALLOC_GROW(b->res, b->res_nr + 1, b->res_alloc);
	b->res[b->res_nr].r = r;
	index_first(b, 'r', r, b->res_nr);
	b->res[b->res_nr++].node = g->node_nr;
	return g->node_nr++;
}

size_t gb_node_of(struct builder *b, struct sm_rref r)
{
	json_int_t i = index_get(b, 'r', r);
	return i < 0 ? NO_NODE : b->res[i].node;
}

size_t gb_internet(struct builder *b)
{
	if (b->internet == NO_NODE) {
		b->internet = add_node(b, GRAPH_INTERNET, (struct sm_rref){NULL, "internet"},
				       "Internet", xstrdup("users"));
		b->g->nodes[b->internet].region = NULL;
	}
	return b->internet;
}

static struct subnet_info *subnet_of(struct builder *b, struct sm_rref r)
{
	json_int_t i = index_get(b, 's', r);
	return i < 0 ? NULL : &b->sn[i];
}

/* Put node `n` in the VPC, tier and zone of `subnets` (an array of references). */
static void place(struct builder *b, size_t n, struct sm_template *t, const json_t *subnets)
{
	struct graph_node *node = &b->g->nodes[n];
	const struct subnet_info *first = NULL;
	bool one_tier = true, one_az = true, one_vpc = true;
	size_t i;
	json_t *x;
	json_array_foreach (subnets, i, x) {
		const struct subnet_info *s = subnet_of(b, gb_resolve(b, t, x));
		if (!s)
			continue;
		if (!first) {
			first = s;
			continue;
		}
		one_vpc &= sm_rref_same(s->vpc, first->vpc);
		one_tier &= s->tier == first->tier;
		one_az &= !strcmp(b->g->nodes[s->node].az ?: "", b->g->nodes[first->node].az ?: "");
	}
	/* a subnet without a resolvable VpcId places nothing (issue 19, item 4) */
	if (!first || !one_vpc || !first->vpc.id)
		return;
	const struct graph_node *sn = &b->g->nodes[first->node];
	node->vpc = xstrdup(sn->vpc);
	node->vpc_label = xstrdup(sn->vpc_label);
	free(node->region);
	node->region = sn->region ? xstrdup(sn->region) : NULL;
	node->tier = one_tier ? first->tier : NULL;
	node->az = one_tier && one_az && sn->az ? xstrdup(sn->az) : NULL;
}

static void add_member(struct builder *b, size_t n, struct sm_template *t, const json_t *sgs)
{
	size_t i;
	json_t *x;
	json_array_foreach (sgs, i, x) {
		struct sm_rref sg = gb_resolve(b, t, x);
		if (!sg.id)
			continue;
		ALLOC_GROW(b->mem, b->mem_nr + 1, b->mem_alloc);
		index_append(b, 'm', sg, b->mem_nr);
		b->mem[b->mem_nr].sg = sg;
		b->mem[b->mem_nr++].node = n;
	}
}

static void add_target(struct builder *b, size_t n, struct sm_template *t, const json_t *tg)
{
	struct sm_rref r = gb_resolve(b, t, tg);
	if (!r.id)
		return;
	ALLOC_GROW(b->tgt, b->tgt_nr + 1, b->tgt_alloc);
	index_append(b, 't', r, b->tgt_nr);
	b->tgt[b->tgt_nr].tg = r;
	b->tgt[b->tgt_nr++].node = n;
}

/* ---- edges ---- */

struct graph_edge *gb_edge(struct builder *b, size_t from, size_t to, unsigned flags)
{
	struct graph *g = b->g;
	char *key = xstrfmt("e %zu %zu", from, to);
	const json_t *at = json_object_get(b->index, key);
	if (at) {
		free(key);
		g->edges[json_integer_value(at)].flags |= flags;
		return &g->edges[json_integer_value(at)];
	}
	json_object_set_new_nocheck(b->index, key, json_integer((json_int_t)g->edge_nr));
	free(key);
	ALLOC_GROW(g->edges, g->edge_nr + 1, g->edge_alloc);
	struct graph_edge *e = &g->edges[g->edge_nr++];
	e->from = from;
	e->to = to;
	e->flags = flags;
	strbuf_init(&e->label, 0);
	strbuf_init(&e->ports, 0);
	return e;
}

/* Append `part` to a ", "-separated list unless it is there already. */
void gb_list_add(struct strbuf *sb, const char *part)
{
	size_t n = strlen(part);
	for (const char *p = sb->buf; (p = strstr(p, part)); p++)
		if ((p == sb->buf || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
	if (sb->len)
		strbuf_addstr(sb, ", ");
	strbuf_addstr(sb, part);
}

void gb_link(struct builder *b, size_t from, size_t to, unsigned flags, const char *label)
{
	if (from == NO_NODE || to == NO_NODE || from == to)
		return;
	struct graph_edge *e = gb_edge(b, from, to, flags);
	if (label && *label)
		gb_list_add(&e->label, label);
}

/* ---- pass 1: subnets, with their VPC and zone ---- */

static void vpc_label(struct builder *b, struct sm_rref vpc, struct graph_node *n)
{
	n->vpc = xstrfmt("%s/%s", vpc.t->stack_name, vpc.id);
	const char *cidr = jstr(json_object_get(sm_rref_props(vpc), "CidrBlock"));
	n->vpc_label = cidr ? xstrfmt("VPC %s %s", vpc.id, cidr) : xstrfmt("VPC %s", vpc.id);
}

static char *zone_of(const json_t *az)
{
	const json_t *sel = json_object_get(az, "Fn::Select");
	if (json_is_string(az))
		return xstrdup(json_string_value(az));
	if (json_is_array(sel) && json_is_integer(json_array_get(sel, 0)) &&
	    json_object_get(json_array_get(sel, 1), "Fn::GetAZs"))
		return xstrfmt("AZ %lld",
			       (long long)json_integer_value(json_array_get(sel, 0)) + 1);
	return NULL;
}

/* The CDK's subnet-type tag, then the Name tag: only when the routes say nothing. */
static const char *tier_from_tags(const json_t *props)
{
	size_t i;
	json_t *tag;
	json_array_foreach (json_object_get(props, "Tags"), i, tag) {
		const char *k = jstr(json_object_get(tag, "Key")) ?: "";
		const char *v = jstr(json_object_get(tag, "Value")) ?: "";
		if (strcmp(k, "aws-cdk:subnet-type") && strcmp(k, "Name"))
			continue;
		if (strcasestr(v, "public"))
			return "public";
		if (strcasestr(v, "private"))
			return "private";
		if (strcasestr(v, "isolated"))
			return "isolated";
	}
	return NULL;
}

static void load_subnets(struct builder *b, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		if (strcmp(jstr(json_object_get(r, "Type")) ?: "", "AWS::EC2::Subnet"))
			continue;
		const json_t *p = json_object_get(r, "Properties");
		struct sm_rref sr = {t, id};
		const char *cidr = jstr(json_object_get(p, "CidrBlock"));
		size_t n = add_node(b, GRAPH_SUBNET, sr, id, xstrdup(cidr ? cidr : ""));
		struct sm_rref vpc = gb_resolve(b, t, json_object_get(p, "VpcId"));
		if (vpc.id)
			vpc_label(b, vpc, &b->g->nodes[n]);
		b->g->nodes[n].az = zone_of(json_object_get(p, "AvailabilityZone"));
		ALLOC_GROW(b->sn, b->sn_nr + 1, b->sn_alloc);
		index_first(b, 's', sr, b->sn_nr);
		struct subnet_info *s = &b->sn[b->sn_nr++];
		memset(s, 0, sizeof(*s));
		s->r = sr;
		s->node = n;
		s->vpc = vpc;
		s->tier = tier_from_tags(p);
	}
}

/* ---- pass 2: tiers from the default routes (as reach.c decides them) ---- */

static void route_tiers(struct builder *b, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		if (strcmp(jstr(json_object_get(r, "Type")) ?: "",
			   "AWS::EC2::SubnetRouteTableAssociation"))
			continue;
		const json_t *p = json_object_get(r, "Properties");
		struct subnet_info *s =
			subnet_of(b, gb_resolve(b, t, json_object_get(p, "SubnetId")));
		struct sm_rref rt = gb_resolve(b, t, json_object_get(p, "RouteTableId"));
		if (!s || !rt.id)
			continue;
		s->routed = true;
		s->tier = "isolated";
		for (size_t k = 0; k < b->a->nr; k++) {
			struct sm_template *o = &b->a->items[k];
			const char *rid;
			json_t *rr;
			json_object_foreach (json_object_get(o->tmpl, "Resources"), rid, rr) {
				const json_t *rp = json_object_get(rr, "Properties");
				if (strcmp(jstr(json_object_get(rr, "Type")) ?: "",
					   "AWS::EC2::Route") ||
				    strcmp(jstr(json_object_get(rp, "DestinationCidrBlock")) ?: "",
					   "0.0.0.0/0") ||
				    !sm_rref_same(
					    gb_resolve(b, o, json_object_get(rp, "RouteTableId")),
					    rt))
					continue;
				if (json_object_get(rp, "GatewayId")) {
					s->tier = "public";
				} else if (json_object_get(rp, "NatGatewayId")) {
					s->tier = "private";
					s->nat = gb_resolve(b, o,
							    json_object_get(rp, "NatGatewayId"));
				} else if (json_object_get(rp, "TransitGatewayId")) {
					s->tier = "private";
				}
			}
		}
	}
}

/* ---- pass 3: the resources drawn ---- */

static char *service_detail(struct builder *b, struct sm_template *t, const char *id,
			    const json_t *p, struct graph_node *n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *launch = jstr(json_object_get(p, "LaunchType"));
	if (!launch)
		launch =
			jstr(jget(json_array_get(json_object_get(p, "CapacityProviderStrategy"), 0),
				  "CapacityProvider"));
	n->desired = gb_num_of(json_object_get(p, "DesiredCount"), 1);
	n->min = n->max = n->desired;
	/* the Application Auto Scaling target whose ResourceId joins in this service */
	const char *sid;
	json_t *sr;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), sid, sr) {
		const json_t *sp = json_object_get(sr, "Properties");
		if (strcmp(jstr(json_object_get(sr, "Type")) ?: "",
			   "AWS::ApplicationAutoScaling::ScalableTarget"))
			continue;
		size_t i;
		json_t *part;
		json_array_foreach (json_array_get(jget(sp, "ResourceId.Fn::Join"), 1), i, part) {
			if (ref_target(part) && !strcmp(ref_target(part), id)) {
				n->min = gb_num_of(json_object_get(sp, "MinCapacity"), n->min);
				n->max = gb_num_of(json_object_get(sp, "MaxCapacity"), n->max);
			}
		}
	}
	strbuf_addf(&sb, "%s%s%ld task%s", launch ? launch : "", launch ? ", " : "", n->desired,
		    n->desired == 1 ? "" : "s");
	if (n->min != n->desired || n->max != n->desired)
		strbuf_addf(&sb, " (autoscaling %ld..%ld)", n->min, n->max);
	const json_t *td = sm_rref_props(gb_resolve(b, t, json_object_get(p, "TaskDefinition")));
	const char *cpu = jstr(json_object_get(td, "Cpu")),
		   *mem = jstr(json_object_get(td, "Memory"));
	if (cpu && mem)
		strbuf_addf(&sb, ", %.2g vCPU / %s MiB", strtod(cpu, NULL) / 1024, mem);
	return strbuf_detach(&sb, NULL);
}

static char *asg_detail(struct builder *b, struct sm_template *t, const json_t *p,
			struct graph_node *n)
{
	const json_t *lt =
		sm_rref_props(gb_resolve(b, t, jget(p, "LaunchTemplate.LaunchTemplateId")));
	const char *type = jstr(jget(lt, "LaunchTemplateData.InstanceType"));
	n->min = gb_num_of(json_object_get(p, "MinSize"), 0);
	n->max = gb_num_of(json_object_get(p, "MaxSize"), n->min);
	n->desired = gb_num_of(json_object_get(p, "DesiredCapacity"), n->min);
	return xstrfmt("%s%s%ld..%ld instances", type ? type : "", type ? ", " : "", n->min,
		       n->max);
}

static char *db_detail(struct builder *b, struct sm_template *t, const json_t *p)
{
	struct strbuf sb = STRBUF_INIT;
	const char *engine = jstr(json_object_get(p, "Engine"));
	const char *version = jstr(json_object_get(p, "EngineVersion"));
	const char *cls = jstr(json_object_get(p, "DBInstanceClass"));
	struct sm_rref src = gb_resolve(b, t, json_object_get(p, "SourceDBInstanceIdentifier"));
	if (src.id)
		strbuf_addf(&sb, "read replica of %s", src.id);
	else if (engine)
		strbuf_addf(&sb, "%s%s%s", engine, version ? " " : "", version ? version : "");
	if (cls)
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", cls);
	if (jtrue(json_object_get(p, "MultiAZ")))
		strbuf_addf(&sb, "%sMulti-AZ", sb.len ? ", " : "");
	long gb = gb_num_of(json_object_get(p, "AllocatedStorage"), 0);
	if (gb)
		strbuf_addf(&sb, ", %ld GB", gb);
	return strbuf_detach(&sb, NULL);
}

static char *bucket_detail(const json_t *p)
{
	struct strbuf sb = STRBUF_INIT;
	const char *name = jstr(json_object_get(p, "BucketName"));
	if (name)
		strbuf_addstr(&sb, name);
	if (!strcmp(jstr(jget(p, "VersioningConfiguration.Status")) ?: "", "Enabled"))
		strbuf_addf(&sb, "%sversioned", sb.len ? ", " : "");
	const char *sse = jstr(jget(json_array_get(jget(p, "BucketEncryption."
							   "ServerSideEncryptionConfiguration"),
						   0),
				    "ServerSideEncryptionByDefault.SSEAlgorithm"));
	if (sse)
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", sse);
	return strbuf_detach(&sb, NULL);
}

/* "com.amazonaws.${AWS::Region}.ecr.api" -> "ecr.api" */
static const char *endpoint_service(const json_t *p)
{
	const json_t *v = json_object_get(p, "ServiceName");
	const char *s = jstr(v) ?: jstr(json_object_get(v, "Fn::Sub")) ?: "?";
	const char *r = strstr(s, "${AWS::Region}.");
	if (r)
		return r + strlen("${AWS::Region}.");
	if (!strncmp(s, "com.amazonaws.", 14) && strchr(s + 14, '.'))
		return strchr(s + 14, '.') + 1;
	return s;
}

static void add_endpoint(struct builder *b, struct sm_template *t, const char *id, const json_t *p)
{
	const char *svc = endpoint_service(p);
	if (strcmp(jstr(json_object_get(p, "VpcEndpointType")) ?: "Gateway", "Interface")) {
		char *title = xstrfmt("%s gateway endpoint", svc);
		size_t n = add_node(b, GRAPH_ENDPOINT, (struct sm_rref){t, id}, title, xstrdup(id));
		free(title);
		struct sm_rref vpc = gb_resolve(b, t, json_object_get(p, "VpcId"));
		if (vpc.id) {
			vpc_label(b, vpc, &b->g->nodes[n]);
			free(b->g->nodes[n].region);
			b->g->nodes[n].region = xstrdup(t->region ? t->region : "region not set");
		}
		return;
	}
	/* interface endpoints of one tier are drawn as one node listing their services */
	struct graph_node probe = {0};
	size_t tmp = add_node(b, GRAPH_ENDPOINT, (struct sm_rref){t, id}, "", NULL);
	place(b, tmp, t, json_object_get(p, "SubnetIds"));
	probe = b->g->nodes[tmp];
	char *group = xstrfmt("InterfaceEndpoints_%s", probe.tier ? probe.tier : "vpc");
	char *gid = node_id(t->stack_name, group);
	size_t n = find_node_id(b->g, gid);
	if (n == NO_NODE) {
		struct graph_node *x = &b->g->nodes[tmp];
		free(x->id);
		x->id = gid;
		gid = NULL;
		free(x->logical_id);
		x->logical_id = NULL;
		free(x->title);
		x->title = xstrdup("Interface endpoints");
		n = tmp;
	} else {
		/* merge into the group: the temporary node becomes an alias of it */
		node_release(&b->g->nodes[tmp]);
		b->g->node_nr--;
		b->res[b->res_nr - 1].node = n;
	}
	free(gid);
	free(group);
	struct graph_node *x = &b->g->nodes[n];
	struct strbuf d = STRBUF_INIT;
	strbuf_addstr(&d, x->detail);
	gb_list_add(&d, svc);
	free(x->detail);
	x->detail = strbuf_detach(&d, NULL);
	add_member(b, n, t, json_object_get(p, "SecurityGroupIds"));
}

static void load_resources(struct builder *b, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		const char *type = jstr(json_object_get(r, "Type"));
		const json_t *p = json_object_get(r, "Properties");
		struct sm_rref me = {t, id};
		char *title = NULL;
		size_t n;
		if (!type)
			continue;
		if (!strcmp(type, "AWS::CloudFront::Distribution")) {
			const json_t *aliases = jget(p, "DistributionConfig.Aliases");
			struct strbuf d = STRBUF_INIT;
			size_t i;
			json_t *x;
			json_array_foreach (aliases, i, x) {
				if (jstr(x))
					gb_list_add(&d, jstr(x));
			}
			title = xstrfmt("CloudFront %s", id);
			n = add_node(b, GRAPH_CDN, me, title, strbuf_detach(&d, NULL));
			free(b->g->nodes[n].region);
			b->g->nodes[n].region = NULL; /* served from the edge, not a region */
		} else if (!strcmp(type, "AWS::WAFv2::WebACL")) {
			bool edge = !strcmp(jstr(json_object_get(p, "Scope")) ?: "", "CLOUDFRONT");
			title = xstrfmt("WAF %s", id);
			n = add_node(b, GRAPH_WAF, me, title,
				     xstrfmt("%zu rules, %s",
					     json_array_size(json_object_get(p, "Rules")),
					     edge ? "CloudFront scope" : "regional"));
			if (edge) {
				free(b->g->nodes[n].region);
				b->g->nodes[n].region = NULL;
			}
		} else if (!strcmp(type, "AWS::ElasticLoadBalancingV2::LoadBalancer")) {
			const char *scheme =
				jstr(json_object_get(p, "Scheme")) ?: "internet-facing";
			const char *lbtype = jstr(json_object_get(p, "Type")) ?: "application";
			title = xstrfmt("%s %s", strcmp(lbtype, "network") ? "ALB" : "NLB", id);
			n = add_node(b, GRAPH_ALB, me, title, xstrdup(scheme));
			place(b, n, t, json_object_get(p, "Subnets"));
			add_member(b, n, t, json_object_get(p, "SecurityGroups"));
		} else if (!strcmp(type, "AWS::ECS::Service")) {
			const json_t *vpc = jget(p, "NetworkConfiguration.AwsvpcConfiguration");
			title = xstrfmt("ECS service %s", id);
			n = add_node(b, GRAPH_SERVICE, me, title, NULL);
			free(b->g->nodes[n].detail);
			b->g->nodes[n].detail = service_detail(b, t, id, p, &b->g->nodes[n]);
			place(b, n, t, json_object_get(vpc, "Subnets"));
			add_member(b, n, t, json_object_get(vpc, "SecurityGroups"));
			size_t i;
			json_t *lb;
			json_array_foreach (json_object_get(p, "LoadBalancers"), i, lb) {
				add_target(b, n, t, json_object_get(lb, "TargetGroupArn"));
			}
		} else if (!strcmp(type, "AWS::AutoScaling::AutoScalingGroup")) {
			title = xstrfmt("Auto Scaling group %s", id);
			n = add_node(b, GRAPH_ASG, me, title, NULL);
			free(b->g->nodes[n].detail);
			b->g->nodes[n].detail = asg_detail(b, t, p, &b->g->nodes[n]);
			place(b, n, t, json_object_get(p, "VPCZoneIdentifier"));
			const json_t *lt = sm_rref_props(
				gb_resolve(b, t, jget(p, "LaunchTemplate.LaunchTemplateId")));
			add_member(b, n, t, jget(lt, "LaunchTemplateData.SecurityGroupIds"));
			size_t i;
			json_t *tg;
			json_array_foreach (json_object_get(p, "TargetGroupARNs"), i, tg) {
				add_target(b, n, t, tg);
			}
		} else if (!strcmp(type, "AWS::RDS::DBInstance")) {
			bool replica = json_object_get(p, "SourceDBInstanceIdentifier") != NULL;
			title = xstrfmt("RDS %s%s", replica ? "replica " : "", id);
			n = add_node(b, GRAPH_DATABASE, me, title, db_detail(b, t, p));
			struct sm_rref src = me;
			if (replica)
				src = gb_resolve(b, t,
						 json_object_get(p, "SourceDBInstanceIdentifier"));
			struct sm_rref group = gb_resolve(
				b, src.t, json_object_get(sm_rref_props(src), "DBSubnetGroupName"));
			if (group.id)
				place(b, n, group.t,
				      json_object_get(sm_rref_props(group), "SubnetIds"));
			add_member(b, n, t, json_object_get(p, "VPCSecurityGroups"));
		} else if (!strcmp(type, "AWS::S3::Bucket")) {
			title = xstrfmt("S3 %s", id);
			add_node(b, GRAPH_BUCKET, me, title, bucket_detail(p));
		} else if (!strcmp(type, "AWS::EC2::NatGateway")) {
			title = xstrfmt("NAT %s", id);
			n = add_node(b, GRAPH_NAT, me, title, xstrdup("NAT gateway"));
			json_t *one = json_pack("[O]", json_object_get(p, "SubnetId"));
			place(b, n, t, one);
			json_decref(one);
		} else if (!strcmp(type, "AWS::EC2::VPCEndpoint")) {
			add_endpoint(b, t, id, p);
		}
		free(title);
	}
}

/* ---- no secret in a label (issue 19, item 9) ---- */

static void mask_strbuf(const json_t *secrets, struct strbuf *sb)
{
	char *m = secret_mask_text(secrets, sb->buf);
	if (m) {
		strbuf_reset(sb);
		strbuf_addstr(sb, m);
		free(m);
	}
}

/* A secret of any template (secret_strings()) copied into a name, a detail or a label is masked. */
static void mask_secrets(struct builder *b)
{
	json_t *secrets = json_object();
	for (size_t i = 0; i < b->a->nr; i++)
		secret_strings_add(secrets, b->a->items[i].tmpl);
	for (size_t i = 0; json_object_size(secrets) && i < b->g->node_nr; i++) {
		struct graph_node *n = &b->g->nodes[i];
		secret_mask_inplace(secrets, &n->title);
		secret_mask_inplace(secrets, &n->detail);
		if (n->vpc_label)
			secret_mask_inplace(secrets, &n->vpc_label);
	}
	for (size_t i = 0; json_object_size(secrets) && i < b->g->edge_nr; i++) {
		mask_strbuf(secrets, &b->g->edges[i].label);
		mask_strbuf(secrets, &b->g->edges[i].ports);
	}
	json_decref(secrets);
}

/* ---- sorting, lookups, lifecycle ---- */

static int cmp_node(const void *x, const void *y)
{
	return strcmp(((const struct graph_node *)x)->id, ((const struct graph_node *)y)->id);
}

/* The first node of id `id` in the nodes sorted by id, by bisection. */
static size_t find_sorted_id(const struct graph *g, const char *id)
{
	size_t lo = 0, hi = g->node_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(g->nodes[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->node_nr && !strcmp(g->nodes[lo].id, id) ? lo : NO_NODE;
}

static int cmp_edge(const void *x, const void *y)
{
	const struct graph_edge *a = x, *b = y;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

static void sort_graph(struct graph *g)
{
	/* sort the nodes by id, then renumber the edges' ends (a node's first
	 * place for its id, as a scan would find it) */
	char **old = xcalloc(g->node_nr + 1, sizeof(*old));
	for (size_t i = 0; i < g->node_nr; i++)
		old[i] = g->nodes[i].id;
	if (g->node_nr)
		qsort(g->nodes, g->node_nr, sizeof(*g->nodes), cmp_node);
	size_t *map = xcalloc(g->node_nr + 1, sizeof(*map));
	for (size_t i = 0; i < g->node_nr; i++)
		map[i] = find_sorted_id(g, old[i]);
	for (size_t i = 0; i < g->edge_nr; i++) {
		g->edges[i].from = map[g->edges[i].from];
		g->edges[i].to = map[g->edges[i].to];
	}
	if (g->edge_nr)
		qsort(g->edges, g->edge_nr, sizeof(*g->edges), cmp_edge);
	free(map);
	free(old);
}

void graph_build(struct graph *g, struct sm_assembly *a, struct diag_list *dl)
{
	struct builder b = {.g = g, .a = a, .dl = dl, .internet = NO_NODE, .index = json_object()};
	for (size_t i = 0; i < a->nr; i++)
		load_subnets(&b, &a->items[i]);
	for (size_t i = 0; i < a->nr; i++)
		route_tiers(&b, &a->items[i]);
	for (size_t i = 0; i < b.sn_nr; i++)
		b.g->nodes[b.sn[i].node].tier = b.sn[i].tier;
	for (size_t i = 0; i < a->nr; i++)
		load_resources(&b, &a->items[i]);
	for (size_t i = 0; i < a->nr; i++)
		gb_load_edges(&b, &a->items[i]);
	gb_nat_edges(&b);
	mask_secrets(&b);
	for (size_t i = 0; i < b.sn_nr; i++)
		if (!b.sn[i].tier)
			diag_add(dl, DIAG_NOTE, b.sn[i].r.t->file, 0, 0, NULL,
				 "subnet '%s': no route table association nor tag tells its tier",
				 b.sn[i].r.id);
	sort_graph(g);
	free(b.res);
	free(b.sn);
	free(b.mem);
	free(b.tgt);
	json_decref(b.index);
}

const struct graph_node *graph_find(const struct graph *g, const char *stack,
				    const char *logical_id)
{
	char *id = node_id(stack, logical_id);
	size_t i = find_node_id(g, id);
	free(id);
	return i == NO_NODE ? NULL : &g->nodes[i];
}

const struct graph_edge *graph_find_edge(const struct graph *g, const char *from, const char *to)
{
	size_t f = find_node_id(g, from), t = find_node_id(g, to);
	for (size_t i = 0; f != NO_NODE && t != NO_NODE && i < g->edge_nr; i++)
		if (g->edges[i].from == f && g->edges[i].to == t)
			return &g->edges[i];
	return NULL;
}

void graph_init(struct graph *g)
{
	memset(g, 0, sizeof(*g));
}

void graph_release(struct graph *g)
{
	for (size_t i = 0; i < g->node_nr; i++)
		node_release(&g->nodes[i]);
	for (size_t i = 0; i < g->edge_nr; i++) {
		strbuf_release(&g->edges[i].label);
		strbuf_release(&g->edges[i].ports);
	}
	free(g->nodes);
	free(g->edges);
	graph_init(g);
}
