/*
 * Preflight (preflight.h). Each check reads the templates, asks AWS through
 * the read-only calls of aws/describe.h, and says what to do.
 */
#include "lifecycle/preflight.h"
#include "lifecycle/preflight_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/refs.h"
#include "aws/cfn.h"
#include "aws/describe.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct pf_finding *pf_report_add(struct pf_report *r, enum pf_severity sev, const char *check,
				 const char *subject, const char *fix, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->items, r->nr + 1, r->alloc);
	struct pf_finding *f = &r->items[r->nr++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->check = xstrdup(check);
	f->subject = xstrdup(subject);
	f->fix = xstrdup(fix);
	f->message = strbuf_detach(&sb, NULL);
	return f;
}

/* AWS did not answer: the check could not be made (a warning, never a pass). */
void pf_unanswered(struct pf_report *r, const char *check, const char *subject,
		   struct diag_list *dl)
{
	pf_report_add(r, PF_WARNING, check, subject,
		      "Give the deploying identity the read-only permission named above, or check "
		      "by hand.",
		      "could not check: %s", dl->nr ? dl->items[0].message : "no answer");
	diag_list_release(dl);
}

const char *pf_key_for(const struct pf_opts *o, const char *value, const char *dflt)
{
	for (size_t i = 0; i < o->keys_nr; i++)
		if (o->keys[i].value && !strcmp(o->keys[i].value, value))
			return o->keys[i].name;
	return dflt;
}

const char *pf_stack_region(const struct pf_opts *o, const struct sm_template *t)
{
	return t->region ? t->region : o->region;
}

/* ---- certificates ---- */

/* arn:aws:acm:REGION:ACCOUNT(12 digits):certificate/UUID */
static bool acm_arn_shape(const char *arn, char *region, size_t n)
{
	const char *p = arn;
	if (strncmp(p, "arn:aws", 7) || !(p = strstr(p, ":acm:")))
		return false;
	p += 5;
	size_t rl = strcspn(p, ":");
	if (!rl || rl >= n)
		return false;
	memcpy(region, p, rl);
	region[rl] = '\0';
	p += rl + 1;
	for (int i = 0; i < 12; i++, p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (strncmp(p, ":certificate/", 13))
		return false;
	p += 13;
	if (strlen(p) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? p[i] != '-'
							      : !isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

struct cert_use {
	const char *arn;
	bool cloudfront;
	json_t *names;	   /* the names served with it (distribution aliases) */
	const char *where; /* "Stack/LogicalId" of the first use */
};

static void collect_acm(const json_t *v, struct sm_template *t, const char *id, bool cloudfront,
			const json_t *aliases, json_t *uses)
{
	if (json_is_string(v) && !strncmp(json_string_value(v), "arn:aws", 7) &&
	    strstr(json_string_value(v), ":acm:")) {
		const char *arn = json_string_value(v);
		json_t *u = json_object_get(uses, arn);
		if (!u) {
			u = json_pack("{sb s[] ss}", "cloudfront", 0, "names", "where", "");
			char *w = xstrfmt("%s/%s", t->stack_name, id);
			json_object_set_new(u, "where", json_string(w));
			free(w);
			json_object_set_new(uses, arn, u);
		}
		if (cloudfront)
			json_object_set_new(u, "cloudfront", json_true());
		json_array_extend(json_object_get(u, "names"), (json_t *)aliases);
		return;
	}
	size_t i;
	const char *k;
	json_t *x;
	if (json_is_array(v))
		json_array_foreach ((json_t *)v, i, x) {
			collect_acm(x, t, id, cloudfront, aliases, uses);
		}
	else if (json_is_object(v))
		json_object_foreach ((json_t *)v, k, x) {
			collect_acm(x, t, id, cloudfront, aliases, uses);
		}
}

/* Does a certificate name (exact, or "*.example.com" one label deep) cover `host`? */
static bool covers(const char *cert_name, const char *host)
{
	if (!strcasecmp(cert_name, host))
		return true;
	if (strncmp(cert_name, "*.", 2))
		return false;
	const char *dot = strchr(host, '.');
	return dot && !strcasecmp(dot + 1, cert_name + 2);
}

static bool cert_covers(const json_t *cert, const char *host)
{
	if (covers(json_string_value(json_object_get(cert, "DomainName")) ?: "", host))
		return true;
	size_t i;
	json_t *s;
	json_array_foreach (json_object_get(cert, "SubjectAlternativeNames"), i, s) {
		if (covers(json_string_value(s) ?: "", host))
			return true;
	}
	return false;
}

static void check_certificates(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	json_t *uses = json_object();
	struct sm_resource_iter it;
	sm_foreach_resource (a, &it) {
		bool cf = !strcmp(it.type, "AWS::CloudFront::Distribution");
		const json_t *aliases =
			json_object_get(json_object_get(it.props, "DistributionConfig"), "Aliases");
		json_t *none = json_array();
		collect_acm(it.props, it.t, it.id, cf, json_is_array(aliases) ? aliases : none,
			    uses);
		json_decref(none);
	}
	const char *arn;
	json_t *u;
	json_object_foreach (uses, arn, u) {
		const char *where = json_string_value(json_object_get(u, "where"));
		const char *key = pf_key_for(o, arn, where);
		char region[32];
		if (!acm_arn_shape(arn, region, sizeof(region))) {
			struct pf_finding *f =
				pf_report_add(r, PF_ERROR, "certificate", key,
					      "Request a certificate in ACM (us-east-1 for "
					      "CloudFront), validate it, and set "
					      "its ARN in the configuration; or name a "
					      "hostedZoneId so that the stacks create "
					      "a DNS-validated one.",
					      "%s is not an ACM certificate ARN "
					      "(arn:aws:acm:REGION:ACCOUNT:certificate/UUID): "
					      "a placeholder CloudFormation would refuse",
					      arn);
			f->bad_input = true;
			continue;
		}
		bool cloudfront = json_is_true(json_object_get(u, "cloudfront"));
		if (cloudfront && strcmp(region, "us-east-1"))
			pf_report_add(
				r, PF_ERROR, "certificate", key,
				"Request or import the certificate in us-east-1 and use that ARN.",
				"%s is in %s, but CloudFront takes certificates from us-east-1 "
				"only",
				arn, region);
		struct aws_client *c = o->client(o->client_ctx, region);
		if (!c)
			continue;
		json_t *cert = NULL;
		struct diag_list dl = DIAG_LIST_INIT;
		if (acm_describe_certificate(c, arn, &cert, &dl) < 0) {
			pf_unanswered(r, "certificate", key, &dl);
			continue;
		}
		if (!cert) {
			pf_report_add(
				r, PF_ERROR, "certificate", key,
				"Use the ARN of a certificate of this account and region (aws acm "
				"list-certificates --region REGION).",
				"%s does not exist in this account", arn);
			continue;
		}
		const char *status = json_string_value(json_object_get(cert, "Status")) ?: "?";
		if (strcmp(status, "ISSUED"))
			pf_report_add(r, PF_ERROR, "certificate", key,
				      "Complete the validation (the DNS records ACM asks for) or "
				      "request a "
				      "new "
				      "certificate; CloudFront and load balancers take ISSUED "
				      "certificates "
				      "only.",
				      "%s is %s, not ISSUED", arn, status);
		size_t i;
		json_t *n;
		json_array_foreach (json_object_get(u, "names"), i, n) {
			if (json_is_string(n) && !cert_covers(cert, json_string_value(n)))
				pf_report_add(r, PF_ERROR, "certificate", key,
					      "Request a certificate whose names include it (or a "
					      "wildcard "
					      "one label "
					      "up), or serve another name.",
					      "%s does not cover %s, which %s serves with it", arn,
					      json_string_value(n), where);
		}
		json_decref(cert);
	}
	json_decref(uses);
}

/* ---- RDS orderability ---- */

static void check_rds(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	struct sm_resource_iter it;
	sm_foreach_resource (a, &it) {
		const json_t *p = it.props;
		const char *engine = json_string_value(json_object_get(p, "Engine"));
		const char *ver = json_string_value(json_object_get(p, "EngineVersion"));
		const char *cls = json_string_value(json_object_get(p, "DBInstanceClass"));
		if (strcmp(it.type, "AWS::RDS::DBInstance") || !engine || !cls)
			continue;
		const char *region = pf_stack_region(o, it.t);
		struct aws_client *c = region ? o->client(o->client_ctx, region) : NULL;
		if (!c)
			continue;
		char *subject = xstrfmt("%s/%s", it.t->stack_name, it.id);
		size_t n = 0;
		struct diag_list dl = DIAG_LIST_INIT;
		size_t any = 1;
		if (rds_orderable_count(c, engine, ver, cls, &n, &dl) < 0 ||
		    (!n && rds_orderable_count(c, engine, NULL, NULL, &any, &dl) < 0))
			pf_unanswered(r, "rds", subject, &dl);
		else if (!n && !any) /* the endpoint lists nothing for the engine: it cannot
					tell */
			pf_report_add(r, PF_WARNING, "rds", subject,
				      "Check the version and class with aws rds "
				      "describe-orderable-db-instance-options.",
				      "could not check: the endpoint lists no orderable "
				      "option for "
				      "%s at all",
				      engine);
		else if (!n)
			pf_report_add(r, PF_ERROR, "rds", pf_key_for(o, ver ? ver : "", subject),
				      "Pick a version and class that aws rds "
				      "describe-orderable-db-instance-options "
				      "lists for the region (databaseEngineVersion, "
				      "databaseInstanceClass).",
				      "%s %s on %s is not orderable in %s (%s)", engine,
				      ver ? ver : "(default)", cls, region, subject);
		free(subject);
	}
}

/* ---- account singletons and quotas ---- */

size_t pf_count_type(struct sm_template *t, const char *type, const json_t **first,
		     const char **id_out)
{
	size_t n = 0;
	const char *id;
	json_t *res;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
		if (!strcmp(json_string_value(json_object_get(res, "Type")) ?: "", type)) {
			if (!n && first)
				*first = res;
			if (!n && id_out)
				*id_out = id;
			n++;
		}
	}
	return n;
}

/* A recorder CloudFormation made for this stack (its generated name holds the stack or logical ID).
 */
static bool ours(const json_t *names, const char *stack, const char *id)
{
	size_t i;
	json_t *n;
	json_array_foreach (names, i, n) {
		const char *s = json_string_value(n) ?: "";
		if (strstr(s, stack) || strstr(s, id))
			return true;
	}
	return false;
}

/* The stack is deployed already: its singletons are the ones the account holds. */
bool pf_stack_exists(struct aws_client *c, const char *stack)
{
	struct cfn_stack s;
	struct diag_list dl = DIAG_LIST_INIT;
	int rc = cfn_describe_stack(c, stack, &s, &dl);
	if (rc >= 0)
		cfn_stack_release(&s);
	diag_list_release(&dl);
	return rc == 1;
}

static void check_singletons(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		const char *region = pf_stack_region(o, t);
		struct aws_client *c = region ? o->client(o->client_ctx, region) : NULL;
		const char *id = NULL;
		if (!c)
			continue;
		const char *rule_id = NULL;
		if (!pf_count_type(t, "AWS::Config::ConfigurationRecorder", NULL, NULL) &&
		    pf_count_type(t, "AWS::Config::ConfigRule", NULL, &rule_id)) {
			/* rules without a recorder of their own: the account's must exist */
			char *subject = xstrfmt("%s/%s", t->stack_name, rule_id);
			json_t *names = NULL;
			struct diag_list dl = DIAG_LIST_INIT;
			if (config_recorders(c, &names, &dl) < 0)
				pf_unanswered(r, "config", subject, &dl);
			else if (!json_array_size(names))
				pf_report_add(
					r, PF_ERROR, "config", subject,
					"Set the baseline's configRecorder to \"create\", or "
					"set up AWS Config in the region first.",
					"the template creates Config rules but no recorder, and "
					"the account has no configuration recorder in %s: "
					"PutConfigRule fails "
					"(NoAvailableConfigurationRecorderException)",
					region);
			json_decref(names);
			free(subject);
		}
		if (pf_count_type(t, "AWS::Config::ConfigurationRecorder", NULL, &id)) {
			char *subject = xstrfmt("%s/%s", t->stack_name, id);
			json_t *names = NULL;
			struct diag_list dl = DIAG_LIST_INIT;
			if (config_recorders(c, &names, &dl) < 0)
				pf_unanswered(r, "config", subject, &dl);
			else if (json_array_size(names) && !ours(names, t->stack_name, id) &&
				 !pf_stack_exists(c, t->stack_name))
				pf_report_add(
					r, PF_ERROR, "config", subject,
					"Set the baseline's configRecorder to \"existing\" to use "
					"the account's recorder, or delete it.",
					"the account already has configuration recorder '%s' in "
					"%s; "
					"AWS Config "
					"allows one per region "
					"(MaxNumberOfConfigurationRecordersExceededException)",
					json_string_value(json_array_get(names, 0)), region);
			json_decref(names);
			free(subject);
		}
		const json_t *mon = NULL;
		if (pf_count_type(t, "AWS::CE::AnomalyMonitor", &mon, &id)) {
			const json_t *p = json_object_get(mon, "Properties");
			const char *dim = json_string_value(json_object_get(p, "MonitorDimension"));
			char *subject = xstrfmt("%s/%s", t->stack_name, id);
			json_t *mons = NULL;
			struct diag_list dl = DIAG_LIST_INIT;
			struct aws_client *ce = o->client(o->client_ctx, "us-east-1");
			if (dim && ce && ce_anomaly_monitors(ce, &mons, &dl) < 0) {
				pf_unanswered(r, "anomaly-monitor", subject, &dl);
			} else if (dim) {
				size_t k;
				json_t *m;
				json_array_foreach (mons, k, m) {
					const char *md = json_string_value(
						json_object_get(m, "MonitorDimension"));
					const char *mn =
						json_string_value(json_object_get(m, "MonitorName"))
							?: "";
					const char *want =
						json_string_value(json_object_get(p, "MonitorName"))
							?: "";
					if (md && !strcmp(md, dim) && strcmp(mn, want)) {
						pf_report_add(
							r, PF_ERROR, "anomaly-monitor", subject,
							"Keep one monitor of this dimension per "
							"account: set the baseline's "
							"costAnomalyMonitorArn to the existing "
							"one's ARN, or delete it.",
							"the account already has anomaly monitor "
							"'%s' "
							"of dimension %s; Cost "
							"Anomaly Detection allows one",
							json_string_value(
								json_object_get(m, "MonitorName"))
								?: "?",
							dim);
						break;
					}
				}
			}
			json_decref(mons);
			free(subject);
		}
	}
}

/*
 * ECS's service-linked role: ECS creates AWSServiceRoleForECS with an
 * account's first cluster, but can refuse that very cluster before the new
 * role is usable ("Unable to assume the service linked role. Please verify
 * that the ECS service linked role exists"), and the stack rolls back
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html;
 * https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/818).
 * A warning: ECS may well create it in time. The stacks cannot declare the
 * role, which fails in every account that has it.
 */
static void check_ecs_service_role(struct sm_assembly *a, const struct pf_opts *o,
				   struct pf_report *r)
{
	struct sm_resource_iter it;
	char *subject = NULL;
	sm_foreach_resource (a, &it) {
		if (!strcmp(it.type, "AWS::ECS::Cluster")) {
			subject = xstrfmt("%s/%s", it.t->stack_name, it.id);
			break;
		}
	}
	/* IAM is global: one client, signed for us-east-1 */
	struct aws_client *c = subject ? o->client(o->client_ctx, "us-east-1") : NULL;
	bool exists = true;
	struct diag_list dl = DIAG_LIST_INIT;
	if (c && iam_role_exists(c, "AWSServiceRoleForECS", &exists, &dl) < 0)
		pf_unanswered(r, "service-role", subject, &dl);
	else if (!exists)
		pf_report_add(r, PF_WARNING, "service-role", subject,
			      "Create it once in this account: aws iam create-service-linked-role "
			      "--aws-service-name ecs.amazonaws.com",
			      "the account has no ECS service-linked role (AWSServiceRoleForECS): "
			      "ECS creates it with the first cluster, but can refuse %s before the "
			      "role is usable (\"Unable to assume the service linked role\"), and "
			      "the stack rolls back",
			      subject);
	free(subject);
}

void preflight_run(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *out)
{
	check_certificates(a, o, out);
	check_rds(a, o, out);
	check_singletons(a, o, out);
	check_ecs_service_role(a, o, out);
	pf_check_hosted_zones(a, o, out);
	pf_check_buckets(a, o, out);
	pf_check_quotas(a, o, out);
}

size_t pf_count(const struct pf_report *r, enum pf_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nr; i++)
		n += r->items[i].severity == sev;
	return n;
}

bool pf_has_bad_input(const struct pf_report *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->items[i].bad_input)
			return true;
	return false;
}

void pf_report_release(struct pf_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->items[i].check);
		free(r->items[i].subject);
		free(r->items[i].message);
		free(r->items[i].fix);
	}
	free(r->items);
	r->items = NULL;
	r->nr = r->alloc = 0;
}
