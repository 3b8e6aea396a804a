/*
 * Preflight of the service quotas the templates would meet (preflight_int.h).
 *
 * Each quota: what the templates create (per region; NAT gateways per
 * Availability Zone), what the account already holds (an EC2 Describe* or
 * RDS's own account attributes), and the quota itself, read from Service
 * Quotas (GetServiceQuota, else GetAWSDefaultServiceQuota when no value is
 * applied). When Service Quotas does not answer, the documented default is
 * assumed and an excess is a warning (the account may have more); with the
 * quota read, an excess is an error: the CREATE fails.
 *
 * Quota codes and defaults: Amazon VPC quotas
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html:
 * VPCs per Region L-F678F1CE, internet gateways per Region L-A4707A72, NAT
 * gateways per Availability Zone L-FE5A380F, 5 each), EC2-VPC Elastic IPs
 * L-0263D0A3, 5
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit),
 * Fargate On-Demand vCPU resource count L-3032A538, no fixed default (new
 * accounts start lower,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html), RDS DB
 * instances from DescribeAccountAttributes (used and max,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeAccountAttributes.html).
 */
#include <stdlib.h>
#include <string.h>

#include "aws/describe.h"
#include "base/common.h"
#include "base/xalloc.h"
#include "lifecycle/preflight_int.h"

struct quota {
	const char *what; /* "VPCs" */
	const char *type; /* the resource type that counts */
	const char *service_code, *quota_code, *quota_name;
	double documented_default; /* 0: none */
	const char *usage_action, *usage_set, *usage_form;
	bool per_az;
};

static const struct quota quotas[] = {
	{"VPCs", "AWS::EC2::VPC", "vpc", "L-F678F1CE", "VPCs per Region", 5, "DescribeVpcs",
	 "vpcSet", NULL, false},
	{"Elastic IPs", "AWS::EC2::EIP", "ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5,
	 "DescribeAddresses", "addressesSet", NULL, false},
	{"internet gateways", "AWS::EC2::InternetGateway", "vpc", "L-A4707A72",
	 "Internet gateways per Region", 5, "DescribeInternetGateways", "internetGatewaySet", NULL,
	 false},
	{"NAT gateways", "AWS::EC2::NatGateway", "vpc", "L-FE5A380F",
	 "NAT gateways per Availability Zone", 5, "DescribeNatGateways", "natGatewaySet",
	 "&Filter.1.Name=state&Filter.1.Value.1=pending&Filter.1.Value.2=available", true},
};

static const char *type_of(const json_t *res)
{
	return json_string_value(json_object_get(res, "Type")) ?: "";
}

/* The Availability Zone of a NAT gateway's subnet, as the template writes it (a key). */
static char *nat_zone(const json_t *resources, const json_t *nat, const char *id)
{
	const json_t *sub = json_object_get(json_object_get(nat, "Properties"), "SubnetId");
	const char *ref = json_string_value(json_object_get(sub, "Ref"));
	const json_t *az = ref ? json_object_get(json_object_get(json_object_get(resources, ref),
								 "Properties"),
						 "AvailabilityZone")
			       : NULL;
	if (!az) /* unknown: a zone of its own (an excess is never invented) */
		return xstrfmt("?%s", id);
	return json_dumps(az, JSON_COMPACT | JSON_SORT_KEYS);
}

/* Each resource of `type` in the templates of `region`, with its template's Resources. */
typedef void (*each_fn)(const json_t *resources, const char *id, const json_t *res, void *ctx);

static void each_resource(struct sm_assembly *a, const struct pf_opts *o, const char *region,
			  const char *type, each_fn fn, void *ctx)
{
	for (size_t i = 0; i < a->nr; i++) {
		const char *rg = pf_stack_region(o, &a->items[i]);
		if (!rg || strcmp(rg, region))
			continue;
		const json_t *resources = json_object_get(a->items[i].tmpl, "Resources");
		const char *id;
		json_t *res;
		json_object_foreach ((json_t *)resources, id, res) {
			if (!strcmp(type_of(res), type))
				fn(resources, id, res, ctx);
		}
	}
}

struct need {
	size_t n;      /* resources, or the most in one zone */
	json_t *zones; /* zone -> count, per-zone quotas only */
};

static void count_one(const json_t *resources, const char *id, const json_t *res, void *ctx)
{
	struct need *nd = ctx;
	if (!nd->zones) {
		nd->n++;
		return;
	}
	char *z = nat_zone(resources, res, id);
	json_int_t k = json_integer_value(json_object_get(nd->zones, z)) + 1;
	json_object_set_new(nd->zones, z, json_integer(k));
	if ((size_t)k > nd->n)
		nd->n = (size_t)k;
	free(z);
}

/* What the templates of `region` create: a count, or the most in one zone. */
static size_t need_in(struct sm_assembly *a, const struct pf_opts *o, const char *region,
		      const struct quota *q)
{
	struct need nd = {0, q->per_az ? json_object() : NULL};
	each_resource(a, o, region, q->type, count_one, &nd);
	json_decref(nd.zones);
	return nd.n;
}

/* The quota's value: from Service Quotas, else the documented default (*assumed). */
static bool quota_value(struct aws_client *c, const char *service, const char *code, double dflt,
			double *value, bool *assumed, char **why)
{
	struct diag_list dl = DIAG_LIST_INIT;
	bool is_default;
	*assumed = false;
	*why = NULL;
	if (sq_quota_value(c, service, code, value, &is_default, &dl) == 0)
		return true;
	*why = xstrdup(dl.nr ? dl.items[0].message : "no answer");
	diag_list_release(&dl);
	if (dflt <= 0)
		return false;
	*value = dflt;
	*assumed = true;
	return true;
}

static void check_quota(struct sm_assembly *a, const struct pf_opts *o, const char *region,
			const struct quota *q, struct pf_report *r)
{
	size_t need = need_in(a, o, region, q), have = 0;
	struct aws_client *c = need ? o->client(o->client_ctx, region) : NULL;
	if (!c)
		return;
	char *subject =
		xstrfmt("%s %s (%s %s)", region, q->quota_name, q->service_code, q->quota_code);
	struct diag_list dl = DIAG_LIST_INIT;
	double quota;
	bool assumed;
	char *why = NULL;
	if (ec2_count_items(c, q->usage_action, q->usage_set, q->usage_form, &have, &dl) < 0) {
		pf_unanswered(r, "quota", subject, &dl);
	} else if (!quota_value(c, q->service_code, q->quota_code, q->documented_default, &quota,
				&assumed, &why)) {
		pf_report_add(r, PF_WARNING, "quota", subject, "Check the quota by hand.",
			      "could not check: %s", why);
	} else if (q->per_az && (double)need > quota) {
		pf_report_add(r, assumed ? PF_WARNING : PF_ERROR, "quota", subject,
			      "Ask Service Quotas for more, or spread the gateways over more "
			      "zones.",
			      "the stacks create %zu %s in one Availability Zone; the quota is "
			      "%.0f%s",
			      need, q->what, quota, assumed ? " (the default; not readable)" : "");
	} else if ((double)(need + have) > quota) {
		/* per zone: the account's gateways may sit in other zones, so only a warning */
		enum pf_severity sev = assumed || q->per_az ? PF_WARNING : PF_ERROR;
		pf_report_add(
			r, sev, "quota", subject,
			"Release unused ones or ask Service Quotas for more before deploying.",
			"the stacks create %zu %s%s in %s where the account holds %zu; the "
			"%squota is %.0f",
			need, q->what, q->per_az ? " in one zone" : "", region, have,
			assumed ? "default " : "", quota);
	}
	free(why);
	free(subject);
}

/* ---- Fargate vCPUs: tasks (at creation and at the scaling maximum) times their CPU ---- */

static bool on_fargate(const json_t *p)
{
	if (!strcmp(json_string_value(json_object_get(p, "LaunchType")) ?: "", "FARGATE"))
		return true;
	size_t i;
	json_t *s;
	json_array_foreach (json_object_get(p, "CapacityProviderStrategy"), i, s) {
		if (!strcmp(json_string_value(json_object_get(s, "CapacityProvider")) ?: "",
			    "FARGATE"))
			return true;
	}
	return false;
}

/* Task CPU units: "256", "1024", 512, or "1 vCPU" (the forms TaskDefinition's Cpu takes). */
static double task_vcpus(const json_t *td)
{
	const json_t *cpu = json_object_get(json_object_get(td, "Properties"), "Cpu");
	if (json_is_number(cpu))
		return json_number_value(cpu) / 1024.0;
	const char *s = json_string_value(cpu);
	if (!s)
		return 0;
	char *end;
	double v = strtod(s, &end);
	return strstr(end, "vCPU") || strstr(end, "vcpu") ? v : v / 1024.0;
}

static bool mentions(const json_t *v, const char *id)
{
	if (json_is_string(v))
		return !strcmp(json_string_value(v), id);
	size_t i;
	const char *k;
	json_t *x;
	if (json_is_array(v))
		json_array_foreach ((json_t *)v, i, x) {
			if (mentions(x, id))
				return true;
		}
	if (json_is_object(v))
		json_object_foreach ((json_t *)v, k, x) {
			if (mentions(x, id))
				return true;
		}
	return false;
}

/* The scaling maximum of service `id` (a ScalableTarget whose ResourceId names it), else 0. */
static double max_tasks(const json_t *resources, const char *id)
{
	const char *k;
	json_t *res;
	json_object_foreach ((json_t *)resources, k, res) {
		const json_t *p = json_object_get(res, "Properties");
		if (!strcmp(type_of(res), "AWS::ApplicationAutoScaling::ScalableTarget") &&
		    mentions(json_object_get(p, "ResourceId"), id) &&
		    json_is_number(json_object_get(p, "MaxCapacity")))
			return json_number_value(json_object_get(p, "MaxCapacity"));
	}
	return 0;
}

struct vcpus {
	double at_create, at_max;
};

static void add_service(const json_t *resources, const char *id, const json_t *res, void *ctx)
{
	struct vcpus *v = ctx;
	const json_t *p = json_object_get(res, "Properties");
	if (!on_fargate(p))
		return;
	const char *td =
		json_string_value(json_object_get(json_object_get(p, "TaskDefinition"), "Ref"));
	double cpu = td ? task_vcpus(json_object_get(resources, td)) : 0;
	const json_t *dc = json_object_get(p, "DesiredCount");
	double desired = json_is_number(dc) ? json_number_value(dc) : 1;
	double mx = max_tasks(resources, id);
	v->at_create += desired * cpu;
	v->at_max += (mx > desired ? mx : desired) * cpu;
}

static void check_fargate(struct sm_assembly *a, const struct pf_opts *o, const char *region,
			  struct pf_report *r)
{
	struct vcpus v = {0, 0};
	double quota;
	each_resource(a, o, region, "AWS::ECS::Service", add_service, &v);
	double at_create = v.at_create, at_max = v.at_max;
	struct aws_client *c = at_create > 0 ? o->client(o->client_ctx, region) : NULL;
	if (!c)
		return;
	char *subject =
		xstrfmt("%s Fargate On-Demand vCPU resource count (fargate L-3032A538)", region);
	bool assumed;
	char *why;
	if (!quota_value(c, "fargate", "L-3032A538", 0, &quota, &assumed, &why))
		pf_report_add(r, PF_WARNING, "quota", subject,
			      "Check the quota in Service Quotas (new accounts start low).",
			      "could not check: %s", why);
	else if (at_create > quota)
		pf_report_add(r, PF_ERROR, "quota", subject,
			      "Ask Service Quotas for more vCPUs before deploying.",
			      "the services start %.2f Fargate vCPUs in %s; the quota is %.0f: "
			      "tasks would not be placed",
			      at_create, region, quota);
	else if (at_max > quota)
		pf_report_add(r, PF_WARNING, "quota", subject,
			      "Ask Service Quotas for more vCPUs, or lower the scaling maximum.",
			      "at their scaling maximum the services run %.2f Fargate vCPUs in %s; "
			      "the quota is %.0f (tasks already running count too)",
			      at_max, region, quota);
	free(why);
	free(subject);
}

static void check_rds_instances(struct sm_assembly *a, const struct pf_opts *o, const char *region,
				struct pf_report *r)
{
	struct need nd = {0, NULL};
	each_resource(a, o, region, "AWS::RDS::DBInstance", count_one, &nd);
	size_t need = nd.n;
	struct aws_client *c = need ? o->client(o->client_ctx, region) : NULL;
	if (!c)
		return;
	char *subject = xstrfmt("%s DB instances (rds L-7B6409FD)", region);
	double used = 0, max = 0;
	bool found;
	struct diag_list dl = DIAG_LIST_INIT;
	if (rds_account_quota(c, "DBInstances", &used, &max, &found, &dl) < 0)
		pf_unanswered(r, "quota", subject, &dl);
	else if (!found)
		pf_report_add(r, PF_WARNING, "quota", subject, "Check the quota by hand.",
			      "could not check: RDS DescribeAccountAttributes lists no DBInstances "
			      "quota");
	else if ((double)need + used > max)
		pf_report_add(
			r, PF_ERROR, "quota", subject,
			"Delete unused instances or ask Service Quotas for more before "
			"deploying.",
			"the stacks create %zu DB instance%s in %s where the account has %.0f; "
			"the quota is %.0f (InstanceQuotaExceeded)",
			need, need == 1 ? "" : "s", region, used, max);
	free(subject);
}

void pf_check_quotas(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	json_t *regions = json_object();
	for (size_t i = 0; i < a->nr; i++) {
		const char *rg = pf_stack_region(o, &a->items[i]);
		if (rg)
			json_object_set_new(regions, rg, json_true());
	}
	const char *region;
	json_t *x;
	json_object_foreach (regions, region, x) {
		for (size_t k = 0; k < sizeof(quotas) / sizeof(quotas[0]); k++)
			check_quota(a, o, region, &quotas[k], r);
		check_fargate(a, o, region, r);
		check_rds_instances(a, o, region, r);
	}
	json_decref(regions);
}
