#include "analysis/reach.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/refs.h"
#include "base/cidr.h"
#include "base/common.h"
#include "base/xalloc.h"

#define EPHEMERAL_FROM 1024
#define EPHEMERAL_TO 65535

struct nacl_entry {
	long num;
	bool egress, allow;
	long proto; /* -1 all, 6 tcp */
	long from, to;
	unsigned addr, mask;
	const char *label; /* logical ID of the entry */
};

struct sg_rule {
	bool egress;
	long proto, from, to;
	bool has_cidr;
	unsigned addr, mask;
	struct sm_rref peer; /* source/destination group, when no CIDR */
	const char *label;
	bool prefix_list; /* a managed prefix list: some addresses of the internet */
};

struct sg {
	struct sm_rref r;
	struct sg_rule *rules;
	size_t nr, alloc;
};

struct subnet {
	struct sm_rref r;
	char *cidr_text;
	unsigned addr, mask;
	const char *vpc; /* VPC logical ID (same template) */
	struct sm_template *vpc_t;
	enum { ROUTE_NONE, ROUTE_NAT, ROUTE_IGW } route;
	const char *route_label;
	struct sm_rref nacl;
};

struct placement {
	const char *role; /* alb, app, database, instances */
	struct sm_rref r;
	bool public_ip; /* internet-facing LB, public IP assigned, publicly accessible DB */
	struct subnet **subnets;
	size_t subnet_nr;
	struct sg **sgs;
	size_t sg_nr;
};

/* A route, listed once: a subnet's association looked for it in every resource. */
struct route {
	struct sm_template *t;
	const char *id;
	const json_t *props;
};

struct reach_model {
	struct sm_assembly *a;
	struct subnet *subnets;
	size_t subnet_nr, subnet_alloc;
	struct sg *sgs;
	size_t sg_nr, sg_alloc;
	json_t *sg_index; /* "<template index> <logical id>" -> index in sgs */
	struct nacl_entry *entries;
	struct sm_rref *entry_nacl;
	size_t entry_nr, entry_alloc;
	struct placement *pl;
	size_t pl_nr, pl_alloc;
	struct route *routes; /* every AWS::EC2::Route of the assembly, in order */
	size_t route_nr, route_alloc;
};

/* ---- reading templates ---- */

static const char *s_(const json_t *v)
{
	return json_string_value(v);
}

/* Follow Ref / GetAtt / Sub / ImportValue / cross-region parameters: the assembly's resolver. */
static struct sm_rref resolve(struct reach_model *m, struct sm_template *t, const json_t *v)
{
	return sm_resolve(m->a, t, v);
}

static const json_t *prop(struct sm_rref r, const char *name)
{
	return json_object_get(sm_rref_props(r), name);
}

static bool parse_cidr(const char *s, unsigned *addr, unsigned *mask)
{
	uint32_t a;
	int p;
	if (cidr_parse(s, &a, &p) < 0)
		return false;
	*addr = a;
	*mask = p ? 0xffffffffu << (32 - p) : 0;
	*addr &= *mask;
	return true;
}

/* Does CIDR (addr, mask) contain the whole of (addr2, mask2)? */
static bool contains(unsigned addr, unsigned mask, unsigned addr2, unsigned mask2)
{
	return (mask & mask2) == mask && (addr2 & mask) == addr;
}

static long num(const json_t *v, long dflt)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(s_(v), NULL, 10);
	return dflt;
}

static long proto_of(const json_t *v)
{
	const char *s = s_(v);
	if (s && (!strcmp(s, "tcp") || !strcmp(s, "6")))
		return 6;
	if (s && (!strcmp(s, "-1") || !strcmp(s, "all")))
		return -1;
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	return 0; /* udp, icmp: not TCP */
}

static struct sg *sg_get(struct reach_model *m, struct sm_rref r)
{
	/* a hash lookup, not a scan: templates with thousands of groups (issue 19) */
	char *key = r.id ? xstrfmt("%zu %s", (size_t)(r.t - m->a->items), r.id) : NULL;
	const json_t *at = key ? json_object_get(m->sg_index, key) : NULL;
	if (at) {
		free(key);
		return &m->sgs[json_integer_value(at)];
	}
	if (key)
		json_object_set_new(m->sg_index, key, json_integer((json_int_t)m->sg_nr));
	free(key);
	ALLOC_GROW(m->sgs, m->sg_nr + 1, m->sg_alloc);
	struct sg *g = &m->sgs[m->sg_nr++];
	memset(g, 0, sizeof(*g));
	g->r = r;
	return g;
}

static void sg_add_rule(struct reach_model *m, struct sm_template *t, struct sg *g,
			const json_t *rule, bool egress, const char *label)
{
	ALLOC_GROW(g->rules, g->nr + 1, g->alloc);
	struct sg_rule *r = &g->rules[g->nr++];
	memset(r, 0, sizeof(*r));
	r->egress = egress;
	r->label = label;
	r->proto = proto_of(json_object_get(rule, "IpProtocol"));
	r->from = r->proto == -1 ? 0 : num(json_object_get(rule, "FromPort"), 0);
	r->to = r->proto == -1 ? 65535 : num(json_object_get(rule, "ToPort"), r->from);
	const char *cidr = s_(json_object_get(rule, "CidrIp"));
	if (cidr && parse_cidr(cidr, &r->addr, &r->mask)) {
		r->has_cidr = true;
	} else if (json_object_get(rule,
				   egress ? "DestinationPrefixListId" : "SourcePrefixListId")) {
		r->prefix_list = true;
	} else {
		const json_t *peer = json_object_get(rule, egress ? "DestinationSecurityGroupId"
								  : "SourceSecurityGroupId");
		r->peer = resolve(m, t, peer);
	}
}

static void load_template(struct reach_model *m, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		const char *type = sm_resource_type_of(r);
		const json_t *p = json_object_get(r, "Properties");
		if (!type)
			continue;
		if (!strcmp(type, "AWS::EC2::Subnet")) {
			ALLOC_GROW(m->subnets, m->subnet_nr + 1, m->subnet_alloc);
			struct subnet *s = &m->subnets[m->subnet_nr++];
			memset(s, 0, sizeof(*s));
			s->r = (struct sm_rref){t, id};
			s->cidr_text = xstrdup(s_(json_object_get(p, "CidrBlock")) ?: "?");
			parse_cidr(s->cidr_text, &s->addr, &s->mask);
			struct sm_rref v = resolve(m, t, json_object_get(p, "VpcId"));
			s->vpc = v.id;
			s->vpc_t = v.t;
		} else if (!strcmp(type, "AWS::EC2::SecurityGroup")) {
			struct sg *g = sg_get(m, (struct sm_rref){t, id});
			size_t i;
			json_t *x;
			json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, x) {
				sg_add_rule(m, t, g, x, false, id);
			}
			json_array_foreach (json_object_get(p, "SecurityGroupEgress"), i, x) {
				sg_add_rule(m, t, g, x, true, id);
			}
			if (!json_object_get(p,
					     "SecurityGroupEgress")) { /* AWS default: all egress */
				json_t *all = json_pack("{ss ss}", "IpProtocol", "-1", "CidrIp",
							"0.0.0.0/0");
				sg_add_rule(m, t, g, all, true, id);
				json_decref(all);
			}
		} else if (!strcmp(type, "AWS::EC2::NetworkAclEntry")) {
			ALLOC_GROW(m->entries, m->entry_nr + 1, m->entry_alloc);
			m->entry_nacl =
				xrealloc(m->entry_nacl, sizeof(struct sm_rref) * m->entry_alloc);
			struct nacl_entry *e = &m->entries[m->entry_nr];
			m->entry_nacl[m->entry_nr] =
				resolve(m, t, json_object_get(p, "NetworkAclId"));
			m->entry_nr++;
			e->num = num(json_object_get(p, "RuleNumber"), 32767);
			e->egress = json_is_true(json_object_get(p, "Egress")) ||
				    !strcmp(s_(json_object_get(p, "Egress")) ?: "", "true");
			e->allow = !strcmp(s_(json_object_get(p, "RuleAction")) ?: "", "allow");
			e->proto = num(json_object_get(p, "Protocol"), -1);
			e->from = e->proto == -1
					  ? 0
					  : num(json_object_get(json_object_get(p, "PortRange"),
								"From"),
						0);
			e->to = e->proto == -1 ? 65535
					       : num(json_object_get(
							     json_object_get(p, "PortRange"), "To"),
						     65535);
			if (!parse_cidr(s_(json_object_get(p, "CidrBlock")), &e->addr, &e->mask))
				e->addr = e->mask =
					0xffffffffu; /* IPv6 or unknown: matches nothing IPv4 */
			e->label = id;
		} else if (!strcmp(type, "AWS::EC2::Route")) {
			ALLOC_GROW(m->routes, m->route_nr + 1, m->route_alloc);
			m->routes[m->route_nr++] = (struct route){t, id, p};
		}
	}
}

/* Second pass: things that refer to subnets and groups loaded above. */
static void link_template(struct reach_model *m, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		const char *type = sm_resource_type_of(r);
		const json_t *p = json_object_get(r, "Properties");
		if (!type)
			continue;
		if (!strcmp(type, "AWS::EC2::SecurityGroupIngress") ||
		    !strcmp(type, "AWS::EC2::SecurityGroupEgress")) {
			struct sm_rref g = resolve(m, t, json_object_get(p, "GroupId"));
			if (g.id)
				sg_add_rule(m, t, sg_get(m, g), p,
					    !strcmp(type, "AWS::EC2::SecurityGroupEgress"), id);
		} else if (!strcmp(type, "AWS::EC2::SubnetNetworkAclAssociation")) {
			struct sm_rref sn = resolve(m, t, json_object_get(p, "SubnetId"));
			for (size_t i = 0; i < m->subnet_nr; i++)
				if (sm_rref_same(m->subnets[i].r, sn))
					m->subnets[i].nacl =
						resolve(m, t, json_object_get(p, "NetworkAclId"));
		} else if (!strcmp(type, "AWS::EC2::SubnetRouteTableAssociation")) {
			struct sm_rref sn = resolve(m, t, json_object_get(p, "SubnetId"));
			struct sm_rref rt = resolve(m, t, json_object_get(p, "RouteTableId"));
			/* find the default route of that table */
			for (size_t k = 0; k < m->route_nr; k++) {
				const struct route *ro = &m->routes[k];
				const json_t *rp = ro->props;
				if (!sm_rref_same(
					    resolve(m, ro->t, json_object_get(rp, "RouteTableId")),
					    rt))
					continue;
				if (strcmp(s_(json_object_get(rp, "DestinationCidrBlock")) ?: "",
					   "0.0.0.0/0"))
					continue;
				for (size_t i = 0; i < m->subnet_nr; i++) {
					if (!sm_rref_same(m->subnets[i].r, sn))
						continue;
					m->subnets[i].route = json_object_get(rp, "GatewayId")
								      ? ROUTE_IGW
							      : json_object_get(rp, "NatGatewayId")
								      ? ROUTE_NAT
								      : m->subnets[i].route;
					m->subnets[i].route_label = ro->id;
				}
			}
		}
	}
}

static void place(struct reach_model *m, struct sm_template *t, const char *role, const char *id,
		  bool public_ip, const json_t *subnets, const json_t *sgs)
{
	ALLOC_GROW(m->pl, m->pl_nr + 1, m->pl_alloc);
	struct placement *pl = &m->pl[m->pl_nr++];
	memset(pl, 0, sizeof(*pl));
	pl->role = role;
	pl->r = (struct sm_rref){t, id};
	pl->public_ip = public_ip;
	pl->subnets = xcalloc(json_array_size(subnets) + 1, sizeof(*pl->subnets));
	pl->sgs = xcalloc(json_array_size(sgs) + 1, sizeof(*pl->sgs));
	size_t i;
	json_t *x;
	json_array_foreach (subnets, i, x) {
		struct sm_rref sn = resolve(m, t, x);
		for (size_t k = 0; k < m->subnet_nr; k++)
			if (sm_rref_same(m->subnets[k].r, sn))
				pl->subnets[pl->subnet_nr++] = &m->subnets[k];
	}
	json_array_foreach (sgs, i, x) {
		struct sm_rref g = resolve(m, t, x);
		if (g.id)
			pl->sgs[pl->sg_nr++] = sg_get(m, g);
	}
}

static void placements(struct reach_model *m, struct sm_template *t)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
		const char *type = sm_resource_type_of(r);
		const json_t *p = json_object_get(r, "Properties");
		if (!type)
			continue;
		if (!strcmp(type, "AWS::ElasticLoadBalancingV2::LoadBalancer")) {
			place(m, t, "alb", id,
			      strcmp(s_(json_object_get(p, "Scheme")) ?: "", "internal") != 0,
			      json_object_get(p, "Subnets"), json_object_get(p, "SecurityGroups"));
		} else if (!strcmp(type, "AWS::ECS::Service")) {
			const json_t *vpc = json_object_get(
				json_object_get(p, "NetworkConfiguration"), "AwsvpcConfiguration");
			place(m, t, "app", id,
			      !strcmp(s_(json_object_get(vpc, "AssignPublicIp")) ?: "", "ENABLED"),
			      json_object_get(vpc, "Subnets"),
			      json_object_get(vpc, "SecurityGroups"));
		} else if (!strcmp(type, "AWS::RDS::DBInstance")) {
			struct sm_rref sg = resolve(m, t, json_object_get(p, "DBSubnetGroupName"));
			const json_t *subnets = prop(sg, "SubnetIds");
			if (!subnets && json_object_get(p, "SourceDBInstanceIdentifier")) {
				struct sm_rref src = resolve(
					m, t, json_object_get(p, "SourceDBInstanceIdentifier"));
				subnets = prop(resolve(m, src.t, prop(src, "DBSubnetGroupName")),
					       "SubnetIds");
			}
			place(m, t, "database", id,
			      json_is_true(json_object_get(p, "PubliclyAccessible")), subnets,
			      json_object_get(p, "VPCSecurityGroups"));
		} else if (!strcmp(type, "AWS::AutoScaling::AutoScalingGroup")) {
			struct sm_rref lt =
				resolve(m, t,
					json_object_get(json_object_get(p, "LaunchTemplate"),
							"LaunchTemplateId"));
			const json_t *data = prop(lt, "LaunchTemplateData");
			place(m, t, "instances", id, false, json_object_get(p, "VPCZoneIdentifier"),
			      json_object_get(data, "SecurityGroupIds"));
		}
	}
}

struct reach_model *reach_model_build(struct sm_assembly *a)
{
	struct reach_model *m = xcalloc(1, sizeof(*m));
	m->a = a;
	m->sg_index = json_object();
	for (size_t i = 0; i < a->nr; i++)
		load_template(m, &a->items[i]);
	for (size_t i = 0; i < a->nr; i++)
		link_template(m, &a->items[i]);
	for (size_t i = 0; i < a->nr; i++)
		placements(m, &a->items[i]);
	return m;
}

void reach_model_free(struct reach_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->subnet_nr; i++)
		free(m->subnets[i].cidr_text);
	for (size_t i = 0; i < m->sg_nr; i++)
		free(m->sgs[i].rules);
	for (size_t i = 0; i < m->pl_nr; i++) {
		free(m->pl[i].subnets);
		free(m->pl[i].sgs);
	}
	free(m->subnets);
	free(m->sgs);
	json_decref(m->sg_index);
	free(m->entries);
	free(m->entry_nacl);
	free(m->pl);
	free(m->routes);
	free(m);
}

/* ---- evaluation ---- */

/*
 * NACL decision for TCP ports [from, to] to/from CIDR (addr, mask): rules in
 * number order, the first that matches decides. `label` is the deciding
 * entry (or NULL for the implicit deny).
 */
static bool nacl_allows(struct reach_model *m, struct sm_rref nacl, bool egress, long from, long to,
			unsigned addr, unsigned mask, const char **label)
{
	*label = NULL;
	if (!nacl.id)
		return true; /* the VPC's default NACL allows everything */
	const struct nacl_entry *best = NULL;
	for (size_t i = 0; i < m->entry_nr; i++) {
		const struct nacl_entry *e = &m->entries[i];
		/* the integer tests first: the NACL's name is compared for the few left */
		if (e->egress != egress)
			continue;
		if (e->proto != -1 && e->proto != 6)
			continue;
		if (!(e->from <= from && to <= e->to) &&
		    !(e->allow == false && e->from <= to && from <= e->to))
			continue;
		if (!contains(e->addr, e->mask, addr, mask))
			continue;
		if (!sm_rref_same(m->entry_nacl[i], nacl))
			continue;
		if (!best || e->num < best->num)
			best = e;
	}
	if (best)
		*label = best->label;
	return best && best->allow;
}

static bool sg_allows(struct reach_model *m, struct sg **groups, size_t n, bool egress, long port,
		      unsigned addr, unsigned mask, struct sg **peers, size_t peer_nr,
		      const char **label)
{
	(void)m;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < groups[i]->nr; k++) {
			const struct sg_rule *r = &groups[i]->rules[k];
			if (r->egress != egress || (r->proto != 6 && r->proto != -1) ||
			    port < r->from || port > r->to)
				continue;
			if (r->has_cidr && contains(r->addr, r->mask, addr, mask)) {
				*label = r->label;
				return true;
			}
			for (size_t p = 0; !r->has_cidr && !r->prefix_list && p < peer_nr; p++)
				if (sm_rref_same(r->peer, peers[p]->r)) {
					*label = r->label;
					return true;
				}
		}
	}
	return false;
}

static bool matches(const struct placement *pl, const char *name)
{
	if (!strcmp(name, pl->r.id))
		return true;
	if (!strcmp(pl->role, "app") && (!strcmp(name, "app") || !strcmp(name, "application") ||
					 !strcmp(name, "service") || !strcmp(name, "ecs")))
		return true;
	if (!strcmp(pl->role, "alb") &&
	    (!strcmp(name, "alb") || !strcmp(name, "loadbalancer") || !strcmp(name, "lb")))
		return true;
	if (!strcmp(pl->role, "database") &&
	    (!strcmp(name, "database") || !strcmp(name, "db") || !strcmp(name, "rds")))
		return true;
	if (!strcmp(pl->role, "instances") &&
	    (!strcmp(name, "instances") || !strcmp(name, "asg") || !strcmp(name, "ec2")))
		return true;
	return false;
}

static bool tier_is(const struct subnet *s, const char *tier)
{
	return (!strcmp(tier, "public") && s->route == ROUTE_IGW) ||
	       (!strcmp(tier, "private") && s->route == ROUTE_NAT) ||
	       (!strcmp(tier, "isolated") && s->route == ROUTE_NONE);
}

static void known_names(struct reach_model *m, struct strbuf *sb)
{
	strbuf_addstr(sb, "known: internet, public, private, isolated");
	for (size_t i = 0; i < m->pl_nr; i++)
		strbuf_addf(sb, ", %s (%s)", m->pl[i].role, m->pl[i].r.id);
}

/* The label of an inbound rule that admits TCP `port` from a managed prefix list, or NULL. */
static const char *prefix_list_rule(struct sg **groups, size_t n, long port)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < groups[i]->nr; k++) {
			const struct sg_rule *r = &groups[i]->rules[k];
			if (!r->egress && r->prefix_list && (r->proto == 6 || r->proto == -1) &&
			    port >= r->from && port <= r->to)
				return r->label;
		}
	return NULL;
}

/* internet -> placement */
static int from_internet(struct reach_model *m, struct placement *d, int port, struct strbuf *ex)
{
	const char *label;
	if (!d->public_ip) {
		strbuf_addf(
			ex,
			"not reachable: %s '%s' has no public address (internal, no public IP)\n",
			d->role, d->r.id);
		return 0;
	}
	for (size_t i = 0; i < d->subnet_nr; i++) {
		struct subnet *s = d->subnets[i];
		if (s->route != ROUTE_IGW) {
			strbuf_addf(
				ex,
				"not reachable: subnet %s has no route to an internet gateway\n",
				s->r.id);
			continue;
		}
		if (!nacl_allows(m, s->nacl, false, port, port, 0, 0, &label)) {
			strbuf_addf(ex,
				    "not reachable: network ACL %s of subnet %s does not allow TCP "
				    "%d from 0.0.0.0/0 (%s)\n",
				    s->nacl.id, s->r.id, port, label ? label : "implicit deny");
			continue;
		}
		const char *in_label = label;
		if (!nacl_allows(m, s->nacl, true, EPHEMERAL_FROM, EPHEMERAL_TO, 0, 0, &label)) {
			strbuf_addf(ex,
				    "not reachable: network ACL %s of subnet %s blocks the return "
				    "traffic (ephemeral ports to 0.0.0.0/0; %s)\n",
				    s->nacl.id, s->r.id, label ? label : "no allow rule");
			continue;
		}
		const char *sg_label;
		const char *only = "";
		if (!sg_allows(m, d->sgs, d->sg_nr, false, port, 0, 0, NULL, 0, &sg_label)) {
			sg_label = prefix_list_rule(d->sgs, d->sg_nr, port);
			if (!sg_label) {
				strbuf_addf(ex,
					    "not reachable: no security group of %s allows TCP %d "
					    "from 0.0.0.0/0\n",
					    d->r.id, port);
				continue;
			}
			only = " (only from the addresses of its managed prefix list)";
		}
		strbuf_reset(ex);
		strbuf_addf(ex,
			    "reachable: internet -> internet gateway (route %s) -> subnet %s (%s)\n"
			    "  -> network ACL %s in: %s; return: %s\n  -> security group rule of "
			    "%s%s -> %s '%s' :%d\n",
			    s->route_label ? s->route_label : "?", s->r.id, s->cidr_text,
			    s->nacl.id ? s->nacl.id : "default", in_label ? in_label : "default",
			    label ? label : "default", sg_label, only, d->role, d->r.id, port);
		return 1;
	}
	return 0;
}

/* A line of why a path is not there, unless the caller wants no text (ex NULL). */
__attribute__((format(printf, 2, 3))) static void why_not(struct strbuf *ex, const char *fmt, ...)
{
	if (!ex)
		return;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(ex, fmt, ap);
	va_end(ap);
}

/*
 * placement -> placement: is there a TCP path on `port` from `src` to `d`: 1 with the path in `ex`
 * (reset), else 0 with a line per subnet pair of why not added to it. With ex
 * NULL, the answer alone: the invariants ask hundreds of pairs and want the
 * text of a path found only (vsnprintf of the lines was 0.6M instructions).
 */
static int between(struct reach_model *m, struct placement *src, struct placement *d, int port,
		   struct strbuf *ex)
{
	const char *l1, *l2, *l3, *l4, *sg1, *sg2;
	for (size_t i = 0; i < src->subnet_nr; i++) {
		for (size_t j = 0; j < d->subnet_nr; j++) {
			struct subnet *a = src->subnets[i], *b = d->subnets[j];
			if (a->vpc && b->vpc && (a->vpc_t != b->vpc_t || strcmp(a->vpc, b->vpc)))
				continue;
			if (!sm_rref_same(a->nacl, b->nacl) || a != b) {
				if (!nacl_allows(m, a->nacl, true, port, port, b->addr, b->mask,
						 &l1)) {
					why_not(ex,
						"not reachable: network ACL %s of %s does not "
						"allow TCP %d out to %s (%s)\n",
						a->nacl.id, a->r.id, port, b->cidr_text,
						l1 ? l1 : "implicit deny");
					continue;
				}
				if (!nacl_allows(m, b->nacl, false, port, port, a->addr, a->mask,
						 &l2)) {
					why_not(ex,
						"not reachable: network ACL %s of %s does not "
						"allow TCP %d in from %s (%s)\n",
						b->nacl.id, b->r.id, port, a->cidr_text,
						l2 ? l2 : "implicit deny");
					continue;
				}
				if (!nacl_allows(m, b->nacl, true, EPHEMERAL_FROM, EPHEMERAL_TO,
						 a->addr, a->mask, &l3)) {
					why_not(ex,
						"not reachable: network ACL %s of %s blocks the "
						"return traffic to %s (ephemeral ports; %s)\n",
						b->nacl.id, b->r.id, a->cidr_text,
						l3 ? l3 : "no allow rule");
					continue;
				}
				if (!nacl_allows(m, a->nacl, false, EPHEMERAL_FROM, EPHEMERAL_TO,
						 b->addr, b->mask, &l4)) {
					why_not(ex,
						"not reachable: network ACL %s of %s blocks the "
						"return traffic from %s (ephemeral ports; %s)\n",
						a->nacl.id, a->r.id, b->cidr_text,
						l4 ? l4 : "no allow rule");
					continue;
				}
			} else {
				l1 = l2 = l3 = l4 = "same subnet";
			}
			if (!sg_allows(m, src->sgs, src->sg_nr, true, port, b->addr, b->mask,
				       d->sgs, d->sg_nr, &sg1)) {
				why_not(ex,
					"not reachable: no security group of %s allows TCP %d "
					"out to %s\n",
					src->r.id, port, d->r.id);
				continue;
			}
			if (!sg_allows(m, d->sgs, d->sg_nr, false, port, a->addr, a->mask, src->sgs,
				       src->sg_nr, &sg2)) {
				why_not(ex,
					"not reachable: no security group of %s allows TCP %d "
					"in from %s\n",
					d->r.id, port, src->r.id);
				continue;
			}
			if (!ex)
				return 1;
			strbuf_reset(ex);
			strbuf_addf(ex,
				    "reachable: %s '%s' (subnet %s, %s) -> NACL out %s, in %s, "
				    "returns %s/%s\n"
				    "  -> security groups: egress %s, ingress %s -> %s '%s' "
				    "(subnet %s, %s) :%d\n",
				    src->role, src->r.id, a->r.id, a->cidr_text,
				    l1 ? l1 : "default", l2 ? l2 : "default", l3 ? l3 : "default",
				    l4 ? l4 : "default", sg1, sg2, d->role, d->r.id, b->r.id,
				    b->cidr_text, port);
			return 1;
		}
	}
	return 0;
}

int reach_query(struct reach_model *m, const char *from, const char *to, int port,
		struct strbuf *ex)
{
	bool any_to = false, any_from = !strcmp(from, "internet");
	for (size_t j = 0; j < m->pl_nr; j++) {
		bool to_match = matches(&m->pl[j], to);
		for (size_t k = 0; !to_match && k < m->pl[j].subnet_nr; k++)
			to_match = tier_is(m->pl[j].subnets[k], to);
		if (!to_match)
			continue;
		any_to = true;
		if (!strcmp(from, "internet")) {
			struct strbuf one = STRBUF_INIT;
			int r = from_internet(m, &m->pl[j], port, &one);
			if (r == 1) {
				strbuf_reset(ex);
				strbuf_addstr(ex, one.buf);
				strbuf_release(&one);
				return 1;
			}
			strbuf_addstr(ex, one.buf);
			strbuf_release(&one);
			continue;
		}
		for (size_t i = 0; i < m->pl_nr; i++) {
			bool from_match = matches(&m->pl[i], from);
			for (size_t k = 0; !from_match && k < m->pl[i].subnet_nr; k++)
				from_match = tier_is(m->pl[i].subnets[k], from);
			if (!from_match || i == j)
				continue;
			any_from = true;
			struct strbuf one = STRBUF_INIT;
			if (between(m, &m->pl[i], &m->pl[j], port, &one) == 1) {
				strbuf_reset(ex);
				strbuf_addstr(ex, one.buf);
				strbuf_release(&one);
				return 1;
			}
			strbuf_addstr(ex, one.buf);
			strbuf_release(&one);
		}
	}
	if (!any_to || !any_from) {
		strbuf_reset(ex);
		strbuf_addf(ex, "unknown %s '%s'; ", !any_to ? "destination" : "source",
			    !any_to ? to : from);
		known_names(m, ex);
		return -1;
	}
	return 0;
}

/* ---- the design's invariants, as check rules ---- */

static const struct sm_rule_meta net_db = {
	"SM-NET-101",
	SM_SEV_ERROR,
	"Database reachable from outside the application tier",
	"Only the application may open connections to the database (PCI DSS 1.3: the card-data "
	"environment is segmented).",
	"Allow 5432 on the database's security group from the application's group only.",
	"PCI DSS 1.3.1; PCI DSS 1.3.2",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta net_app = {
	"SM-NET-102",
	SM_SEV_ERROR,
	"Application reachable other than through the load balancer",
	"Traffic that bypasses the load balancer bypasses its TLS policy and WAF.",
	"Allow the container port on the application's group from the load balancer's group only.",
	"PCI DSS 1.3.1; PCI DSS 6.4",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta net_internet = {
	"SM-NET-103",
	SM_SEV_ERROR,
	"Private or isolated tier reachable from the internet",
	"Only the public tier's load balancer should accept connections from the internet.",
	"Remove public addresses, routes to the internet gateway or open rules on private "
	"resources.",
	"PCI DSS 1.3.1; FSBP EC2.18",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta net_isolated = {
	"SM-NET-104",
	SM_SEV_ERROR,
	"Database subnet routed to the internet",
	"The isolated tier must have no route out of the VPC, so data cannot be sent out from it.",
	"Remove the 0.0.0.0/0 route (IGW or NAT) from the database subnets' route tables.",
	"PCI DSS 1.3.4",
	NULL,
	NULL,
	NULL,
	NULL};

/* Paths the design needs that the network blocks (deployability: it deploys, nothing works). */
static const struct sm_rule_meta net_lb_app = {
	.id = "SM-DEP-030",
	.severity = SM_SEV_ERROR,
	.title = "Load balancer cannot reach the port its targets listen on",
	.why = "The security groups or network ACLs between the load balancer and the service "
	       "block "
	       "the container port: every health check fails, ECS replaces the tasks in a loop and "
	       "the deployment circuit breaker fails the stack.",
	.fix = "Allow the container port on the service's security group from the load balancer's "
	       "group (and its egress on the load balancer's group); open the NACLs both ways.",
	.controls = "AWS deploy-time behaviour",
	.packs = "deploy",
	.doc = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	       "target-group-register-targets.html#target-security-groups",
};
static const struct sm_rule_meta net_app_db = {
	.id = "SM-DEP-031",
	.severity = SM_SEV_ERROR,
	.title = "No application can reach the database",
	.why = "A database that no application's network path reaches serves nobody: connections "
	       "time out at the first query.",
	.fix = "Allow the database port on the database's security group from the application's "
	       "group, with the route tables and NACLs of both tiers letting it through.",
	.controls = "AWS deploy-time behaviour",
	.packs = "deploy",
	.doc = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html",
};

const struct sm_rule_meta *const *reach_rules(void)
{
	static const struct sm_rule_meta *const rules[] = {
		&net_db, &net_app, &net_internet, &net_isolated, &net_lb_app, &net_app_db, NULL};
	return rules;
}

static const int probe_ports[] = {22, 80, 443, 3389, 5432, 8080};

static void finding(struct sm_findings *out, const struct sm_rule_meta *r, struct placement *p,
		    const char *msg, const struct strbuf *why)
{
	struct sm_finding *f = sm_findings_add(out, r, p->r.t->stack_name, p->r.t->file, p->r.id,
					       NULL, "%s: %s", msg, why->buf);
	/* a finding on a resource carries its suppressions, as the resource rules do */
	const json_t *list = json_object_get(
		json_object_get(json_object_get(sm_rref_resource(p->r), "Metadata"), "cdk_nag"),
		"rules_to_suppress");
	size_t i;
	json_t *s;
	json_array_foreach (list, i, s) {
		const char *id = json_string_value(json_object_get(s, "id"));
		const char *reason = json_string_value(json_object_get(s, "reason"));
		if (id && !strcmp(id, r->id) && reason && strlen(reason) >= 10) {
			f->suppressed = true;
			f->suppress_reason = xstrdup(reason);
		}
	}
}

static long int_of(const json_t *v, long dflt)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v) && *json_string_value(v))
		return strtol(json_string_value(v), NULL, 10);
	return dflt;
}

/* The paths the design needs: load balancer -> each balanced container port; app -> database. */
static void required_paths(struct reach_model *m, struct sm_findings *out)
{
	struct strbuf ex = STRBUF_INIT;
	bool any_app = false;
	for (size_t j = 0; j < m->pl_nr; j++)
		any_app |= !strcmp(m->pl[j].role, "app");
	for (size_t j = 0; j < m->pl_nr; j++) {
		struct placement *d = &m->pl[j];
		const json_t *props = json_object_get(sm_rref_resource(d->r), "Properties");
		if (!strcmp(d->role, "app")) {
			size_t k;
			json_t *lb;
			json_array_foreach (json_object_get(props, "LoadBalancers"), k, lb) {
				long port = int_of(json_object_get(lb, "ContainerPort"), -1);
				bool reached = false, any_lb = false;
				strbuf_reset(&ex);
				for (size_t i = 0; i < m->pl_nr && !reached && port > 0; i++) {
					if (i == j || strcmp(m->pl[i].role, "alb"))
						continue;
					any_lb = true;
					reached = between(m, &m->pl[i], d, (int)port, &ex) == 1;
				}
				if (any_lb && !reached)
					finding(out, &net_lb_app, d,
						"no load balancer reaches the container port", &ex);
			}
		}
		if (!strcmp(d->role, "database") && any_app &&
		    !json_object_get(props, "SourceDBInstanceIdentifier")) {
			const char *engine =
				json_string_value(json_object_get(props, "Engine")) ?: "";
			long port = int_of(json_object_get(props, "Port"),
					   strstr(engine, "postgres")	 ? 5432
					   : strstr(engine, "sqlserver") ? 1433
					   : strstr(engine, "oracle")	 ? 1521
									 : 3306);
			bool reached = false;
			strbuf_reset(&ex);
			for (size_t i = 0; i < m->pl_nr && !reached; i++)
				if (i != j && !strcmp(m->pl[i].role, "app"))
					reached = between(m, &m->pl[i], d, (int)port, &ex) == 1;
			if (!reached)
				finding(out, &net_app_db, d,
					"no application reaches the database port", &ex);
		}
	}
	strbuf_release(&ex);
}

void reach_check_invariants(struct sm_assembly *a, struct sm_findings *out)
{
	struct reach_model *m = reach_model_build(a);
	struct strbuf ex = STRBUF_INIT;
	required_paths(m, out);
	for (size_t j = 0; j < m->pl_nr; j++) {
		struct placement *d = &m->pl[j];
		if (!strcmp(d->role, "database")) {
			for (size_t k = 0; k < d->subnet_nr; k++)
				if (d->subnets[k]->route != ROUTE_NONE) {
					strbuf_reset(&ex);
					strbuf_addf(&ex, "subnet %s has a default route (%s)",
						    d->subnets[k]->r.id,
						    d->subnets[k]->route_label
							    ? d->subnets[k]->route_label
							    : "?");
					finding(out, &net_isolated, d, "database subnet routed out",
						&ex);
					break;
				}
			for (size_t i = 0; i < m->pl_nr; i++) {
				struct placement *s = &m->pl[i];
				if (i == j || !strcmp(s->role, "app") ||
				    !strcmp(s->role, "instances") || !strcmp(s->role, "database"))
					continue;
				/* the text only for a path found (again, the same answer) */
				strbuf_reset(&ex);
				if (between(m, s, d, 5432, NULL) == 1 &&
				    between(m, s, d, 5432, &ex) == 1)
					finding(out, &net_db, d,
						"reachable from a non-application resource", &ex);
			}
		}
		if (!strcmp(d->role, "app") || !strcmp(d->role, "instances")) {
			for (size_t i = 0; i < m->pl_nr; i++) {
				struct placement *s = &m->pl[i];
				if (i == j || strcmp(s->role, "database"))
					continue;
				for (size_t p = 0; p < sizeof(probe_ports) / sizeof(probe_ports[0]);
				     p++) {
					strbuf_reset(&ex);
					if (between(m, s, d, probe_ports[p], NULL) == 1 &&
					    between(m, s, d, probe_ports[p], &ex) == 1) {
						finding(out, &net_app, d,
							"reachable from the database tier", &ex);
						break;
					}
				}
			}
		}
		bool inner = false;
		for (size_t k = 0; k < d->subnet_nr; k++)
			inner |= d->subnets[k]->route != ROUTE_IGW;
		if (inner || strcmp(d->role, "alb")) {
			for (size_t p = 0; p < sizeof(probe_ports) / sizeof(probe_ports[0]); p++) {
				strbuf_reset(&ex);
				if (from_internet(m, d, probe_ports[p], &ex) == 1) {
					finding(out,
						strcmp(d->role, "app") ? &net_internet : &net_app,
						d, "reachable from the internet", &ex);
					break;
				}
			}
		}
	}
	strbuf_release(&ex);
	reach_model_free(m);
}
