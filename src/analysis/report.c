/*
 * The facts of `solemate report` (report.h): one JSON document from the
 * inventory, check, cost, slo and graph analyses. The page is written from
 * it by report_html.c.
 */
#include "analysis/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "analysis/check_ctx.h" /* jget, jstr */
#include "analysis/cost.h"
#include "analysis/latency.h"
#include "analysis/secrets.h"
#include "analysis/slo.h"
#include "base/common.h"
#include "base/xalloc.h"

#define VALUE_TEXT_MAX 140
#define LIST_ITEMS_MAX 6
#define FALLBACK_PROPS 3

/* The properties worth a column in the inventory, by type (others: the first few scalars). */
static const char *const key_props[][9] = {
	{"AWS::EC2::VPC", "CidrBlock", NULL},
	{"AWS::EC2::Subnet", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch", NULL},
	{"AWS::EC2::SecurityGroup", "GroupDescription", NULL},
	{"AWS::EC2::SecurityGroupIngress", "IpProtocol", "FromPort", "ToPort", "CidrIp",
	 "SourceSecurityGroupId", NULL},
	{"AWS::EC2::SecurityGroupEgress", "IpProtocol", "FromPort", "ToPort", "CidrIp",
	 "DestinationSecurityGroupId", NULL},
	{"AWS::EC2::Route", "DestinationCidrBlock", "GatewayId", "NatGatewayId", NULL},
	{"AWS::EC2::NetworkAclEntry", "RuleNumber", "Egress", "RuleAction", "Protocol", "CidrBlock",
	 "PortRange.From", "PortRange.To", NULL},
	{"AWS::EC2::NatGateway", "SubnetId", NULL},
	{"AWS::EC2::VPCEndpoint", "ServiceName", "VpcEndpointType", NULL},
	{"AWS::RDS::DBInstance", "Engine", "EngineVersion", "DBInstanceClass", "MultiAZ",
	 "AllocatedStorage", "StorageEncrypted", "SourceDBInstanceIdentifier", NULL},
	{"AWS::S3::Bucket", "BucketName", "VersioningConfiguration.Status", NULL},
	{"AWS::ECS::Service", "DesiredCount", "LaunchType", "EnableExecuteCommand", NULL},
	{"AWS::ECS::TaskDefinition", "Cpu", "Memory", "NetworkMode", NULL},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Type", "Scheme", NULL},
	{"AWS::ElasticLoadBalancingV2::Listener", "Protocol", "Port", "SslPolicy", NULL},
	{"AWS::ElasticLoadBalancingV2::TargetGroup", "Protocol", "Port", "TargetType",
	 "HealthCheckPath", NULL},
	{"AWS::AutoScaling::AutoScalingGroup", "MinSize", "MaxSize", "DesiredCapacity", NULL},
	{"AWS::ApplicationAutoScaling::ScalableTarget", "MinCapacity", "MaxCapacity", NULL},
	{"AWS::CloudFront::Distribution", "DistributionConfig.Aliases",
	 "DistributionConfig.PriceClass", "DistributionConfig.HttpVersion", NULL},
	{"AWS::WAFv2::WebACL", "Scope", NULL},
	{"AWS::KMS::Key", "EnableKeyRotation", "Description", NULL},
	{"AWS::Logs::LogGroup", "RetentionInDays", NULL},
	{"AWS::CloudWatch::Alarm", "MetricName", "ComparisonOperator", "Threshold", NULL},
	{NULL},
};

static void value_text(const json_t *v, struct strbuf *sb);

static void list_text(const json_t *arr, const char *sep, struct strbuf *sb)
{
	size_t i;
	json_t *x;
	json_array_foreach (arr, i, x) {
		if (i == LIST_ITEMS_MAX) {
			strbuf_addf(sb, "%s… (%zu)", sep, json_array_size(arr));
			break;
		}
		if (i)
			strbuf_addstr(sb, sep);
		value_text(x, sb);
	}
}

/* A property value as a reader wants it: references as arrows, functions flattened. */
static void value_text(const json_t *v, struct strbuf *sb)
{
	const json_t *x;
	if (json_is_string(v)) {
		strbuf_addstr(sb, json_string_value(v));
	} else if (json_is_integer(v)) {
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		strbuf_addf(sb, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		strbuf_addstr(sb, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v)) {
		list_text(v, ", ", sb);
	} else if ((x = json_object_get(v, "Ref"))) {
		strbuf_addstr(sb, "→ ");
		value_text(x, sb);
	} else if ((x = json_object_get(v, "Fn::GetAtt"))) {
		strbuf_addstr(sb, "→ ");
		list_text(x, ".", sb);
	} else if ((x = json_object_get(v, "Fn::ImportValue"))) {
		strbuf_addstr(sb, "⇐ ");
		value_text(x, sb);
	} else if ((x = json_object_get(v, "Fn::Sub"))) {
		value_text(json_is_array(x) ? json_array_get(x, 0) : x, sb);
	} else if ((x = json_object_get(v, "Fn::Join"))) {
		list_text(json_array_get(x, 1), jstr(json_array_get(x, 0)) ?: "", sb);
	} else if ((x = json_object_get(v, "Fn::Select")) &&
		   json_object_get(json_array_get(x, 1), "Fn::GetAZs")) {
		strbuf_addf(sb, "AZ %lld", (long long)json_integer_value(json_array_get(x, 0)) + 1);
	} else if (json_is_object(v)) {
		strbuf_addstr(sb, "{…}");
	}
}

static void add_prop(json_t *props, const char *name, const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;
	value_text(v, &sb);
	if (sb.len > VALUE_TEXT_MAX) {
		strbuf_setlen(&sb, VALUE_TEXT_MAX);
		/* do not cut a UTF-8 sequence in two */
		while (sb.len && ((unsigned char)sb.buf[sb.len - 1] & 0xC0) == 0x80)
			strbuf_setlen(&sb, sb.len - 1);
		if (sb.len && (unsigned char)sb.buf[sb.len - 1] >= 0xC0)
			strbuf_setlen(&sb, sb.len - 1);
		strbuf_addstr(&sb, "…");
	}
	if (sb.len)
		json_object_set_new(props, name, json_string(sb.buf));
	strbuf_release(&sb);
}

/*
 * A property as add_prop() shows it, or SECRET_MASK when it holds a secret;
 * a secret of the template (`secrets`, secret_strings()) copied into another
 * property is masked where it stands.
 */
static void add_prop_safe(json_t *props, const json_t *tmpl, const json_t *secrets,
			  const char *type, const char *name, const json_t *v)
{
	if (secret_property(type, name) || secret_value(tmpl, v)) {
		json_object_set_new(props, name, json_string(SECRET_MASK));
		return;
	}
	add_prop(props, name, v);
	char *m = secret_mask_text(secrets, json_string_value(json_object_get(props, name)));
	if (m)
		json_object_set_new(props, name, json_string(m));
	free(m);
}

static json_t *key_properties(const json_t *tmpl, const json_t *secrets, const char *type,
			      const json_t *res)
{
	json_t *props = json_object();
	const json_t *p = json_object_get(res, "Properties");
	int row = 0;
	while (key_props[row][0] && strcmp(key_props[row][0], type ? type : ""))
		row++;
	if (key_props[row][0]) {
		for (int k = 1; key_props[row][k]; k++)
			if (jget(p, key_props[row][k]))
				add_prop_safe(props, tmpl, secrets, type, key_props[row][k],
					      jget(p, key_props[row][k]));
	} else {
		const char *name;
		json_t *v;
		int n = 0;
		json_object_foreach ((json_t *)p, name, v) {
			if (n == FALLBACK_PROPS)
				break;
			if (json_is_object(v) && !json_object_get(v, "Ref") &&
			    !json_object_get(v, "Fn::ImportValue") &&
			    !json_object_get(v, "Fn::Sub"))
				continue;
			if (json_is_array(v) && json_is_object(json_array_get(v, 0)))
				continue;
			add_prop_safe(props, tmpl, secrets, type, name, v);
			n++;
		}
	}
	if (json_object_get(res, "DeletionPolicy"))
		add_prop(props, "DeletionPolicy", json_object_get(res, "DeletionPolicy"));
	return props;
}

static double stack_monthly(const struct cost_report *c, const char *stack)
{
	for (size_t i = 0; c && i < c->stacks_nr; i++)
		if (!strcmp(c->stacks[i].name, stack))
			return c->stacks[i].monthly;
	return -1;
}

static json_t *inventory(const struct sm_assembly *a, const struct cost_report *cost,
			 size_t *resources)
{
	json_t *stacks = json_array();
	*resources = 0;
	for (size_t i = 0; i < a->nr; i++) {
		const struct sm_template *t = &a->items[i];
		json_t *list = json_array(), *secrets = secret_strings(t->tmpl);
		const char *id;
		json_t *r;
		json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
			const char *type = jstr(json_object_get(r, "Type"));
			json_array_append_new(list,
					      json_pack("{ss ss* so}", "logicalId", id, "type",
							type, "properties",
							key_properties(t->tmpl, secrets, type, r)));
		}
		json_decref(secrets);
		*resources += json_array_size(list);
		json_t *s = json_pack("{ss ss* so}", "name", t->stack_name, "region", t->region,
				      "resources", list);
		double m = stack_monthly(cost, t->stack_name);
		json_object_set_new(s, "monthly", m >= 0 ? json_real(m) : json_null());
		json_array_append_new(stacks, s);
	}
	return stacks;
}

static const char *sev_name(enum sm_severity s)
{
	return s == SM_SEV_ERROR ? "error" : s == SM_SEV_WARNING ? "warning" : "info";
}

static int cmp_finding(const void *x, const void *y)
{
	const struct sm_finding *a = *(const struct sm_finding *const *)x;
	const struct sm_finding *b = *(const struct sm_finding *const *)y;
	int c;
	if (a->suppressed != b->suppressed)
		return a->suppressed ? 1 : -1;
	if (a->rule->severity != b->rule->severity)
		return (int)a->rule->severity - (int)b->rule->severity;
	if ((c = strcmp(a->stack ?: "", b->stack ?: "")))
		return c;
	if ((c = strcmp(a->logical_id ?: "", b->logical_id ?: "")))
		return c;
	if ((c = strcmp(a->rule->id, b->rule->id)))
		return c;
	return strcmp(a->message, b->message);
}

/* Unsuppressed first, by severity; suppressed ones too, with their reasons. */
static json_t *findings(struct sm_assembly *a, json_t *counts)
{
	struct sm_findings f = SM_FINDINGS_INIT;
	check_assembly(a, &f);
	const struct sm_finding **order = xcalloc(f.nr + 1, sizeof(*order));
	for (size_t i = 0; i < f.nr; i++)
		order[i] = &f.items[i];
	if (f.nr)
		qsort(order, f.nr, sizeof(*order), cmp_finding);
	json_t *list = json_array();
	size_t suppressed = 0;
	for (size_t i = 0; i < f.nr; i++) {
		const struct sm_finding *x = order[i];
		suppressed += x->suppressed;
		json_array_append_new(
			list, json_pack("{ss ss ss ss ss* ss ss sb ss*}", "rule", x->rule->id,
					"severity", sev_name(x->rule->severity), "title",
					x->rule->title, "stack", x->stack, "resource",
					x->logical_id, "message", x->message, "fix", x->rule->fix,
					"suppressed", x->suppressed, "reason", x->suppress_reason));
	}
	json_object_set_new(counts, "error",
			    json_integer((json_int_t)check_count(&f, SM_SEV_ERROR)));
	json_object_set_new(counts, "warning",
			    json_integer((json_int_t)check_count(&f, SM_SEV_WARNING)));
	json_object_set_new(counts, "info", json_integer((json_int_t)check_count(&f, SM_SEV_INFO)));
	json_object_set_new(counts, "suppressed", json_integer((json_int_t)suppressed));
	free(order);
	sm_findings_release(&f);
	return list;
}

/* An analysis that failed: its diagnostics become warnings, its first message an "errors" entry. */
static void degrade(json_t *errors, const char *what, struct diag_list *from, struct diag_list *dl)
{
	json_array_append_new(errors,
			      json_sprintf("%s not available: %s", what,
					   from->nr ? from->items[0].message : "unknown error"));
	for (size_t i = 0; i < from->nr; i++)
		from->items[i].severity = DIAG_WARNING;
	diag_list_move(dl, from);
}

static void set_copy(json_t *o, const char *key, const json_t *v)
{
	json_object_set_new(o, key, v ? json_deep_copy(v) : json_null());
}

static json_t *summary(const json_t *facts, size_t stacks, size_t resources, json_t *counts)
{
	const json_t *cost = json_object_get(facts, "cost");
	const json_t *av = json_object_get(facts, "availability");
	const json_t *cap = json_object_get(facts, "capacity");
	json_t *s = json_pack("{sI sI}", "stacks", (json_int_t)stacks, "resources",
			      (json_int_t)resources);
	set_copy(s, "monthlyCost", jget(cost, "monthlyTotal"));
	set_copy(s, "currency", jget(cost, "currency"));
	set_copy(s, "budget", jget(cost, "budget.monthly"));
	/* a product of no components is 1, not an availability: say "not evaluated" (null) */
	bool path = json_array_size(json_object_get(av, "components")) > 0;
	set_copy(s, "availability", path ? jget(av, "composite") : NULL);
	json_object_set_new(s, "availabilityTarget", json_real(SLO_AVAILABILITY_TARGET));
	set_copy(s, "availabilityMeets", path ? jget(av, "meets") : NULL);
	bool known = json_is_true(json_object_get(cap, "known"));
	set_copy(s, "concurrentUsers", known ? jget(cap, "maxConcurrentUsers") : NULL);
	set_copy(s, "targetUsers", jget(cap, "targetUsers"));
	set_copy(s, "capacityMeets", known ? jget(cap, "meetsTarget") : NULL);
	json_object_set_new(s, "findings", counts);
	return s;
}

json_t *report_facts(struct sm_assembly *a, const struct graph *g, const struct report_options *o,
		     struct diag_list *dl)
{
	json_t *facts = json_object(), *errors = json_array(), *counts = json_object();
	struct cost_report cost = COST_REPORT_INIT;
	struct slo_report slo = SLO_REPORT_INIT;
	struct diag_list sub = DIAG_LIST_INIT;
	bool have_cost = false;

	json_object_set_new(facts, "environment",
			    json_string(o->environment ? o->environment : "templates"));
	json_object_set_new(facts, "title",
			    json_string(o->title	 ? o->title
					: o->environment ? o->environment
							 : "templates"));
	json_object_set_new(facts, "generator",
			    json_string(o->generator ? o->generator : "solemate"));
	if (cost_estimate(a, o->ctx, o->prices_dir, &cost, &sub) == 0) {
		have_cost = true;
		json_object_set_new(facts, "cost", cost_report_json(&cost));
	} else {
		json_object_set_new(facts, "cost", json_null());
		degrade(errors, "cost", &sub, dl);
	}
	diag_list_release(&sub);
	if (slo_evaluate(a, o->ctx, o->slas_file, o->prices_dir, &slo, &sub) == 0) {
		json_object_set_new(facts, "availability",
				    slo_availability_json(&slo.availability));
		json_object_set_new(facts, "capacity", slo_capacity_json(&slo.capacity));
	} else {
		json_object_set_new(facts, "availability", json_null());
		json_object_set_new(facts, "capacity", json_null());
		degrade(errors, "availability and capacity", &sub, dl);
	}
	diag_list_release(&sub);
	json_object_set_new(facts, "latency", latency_evaluate(a, o->ctx));
	set_copy(facts, "metricsCost", o->metrics_cost);

	size_t resources;
	json_object_set_new(facts, "stacks", inventory(a, have_cost ? &cost : NULL, &resources));
	json_object_set_new(facts, "findings", findings(a, counts));
	size_t sg_edges = 0;
	for (size_t i = 0; i < g->edge_nr; i++)
		sg_edges += (g->edges[i].flags & GRAPH_EDGE_SG) != 0;
	json_object_set_new(facts, "diagram",
			    json_pack("{sI sI sI}", "nodes", (json_int_t)g->node_nr, "edges",
				      (json_int_t)g->edge_nr, "securityGroupEdges",
				      (json_int_t)sg_edges));
	json_object_set_new(facts, "summary", summary(facts, a->nr, resources, counts));
	json_object_set_new(facts, "errors", errors);
	cost_report_release(&cost);
	slo_report_release(&slo);
	return facts;
}
