/*
 * validate: IAM policy documents in every property that holds one, against
 * the IAM policy grammar
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): Version,
 * Statement, the statement's elements, Effect, actions of the form service:Action, principals, and
 * the condition operators
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * A resource-based policy needs a Principal; an identity policy takes none.
 */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <string.h>

#include "analysis/schema.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

enum policy_kind { IDENTITY, RESOURCE };

/* type, property path below Properties ("[]" walks a list), kind */
static const struct {
	const char *type, *prop, *sub;
	enum policy_kind kind;
} policy_props[] = {
	{"AWS::IAM::Policy", "PolicyDocument", NULL, IDENTITY},
	{"AWS::IAM::ManagedPolicy", "PolicyDocument", NULL, IDENTITY},
	{"AWS::IAM::RolePolicy", "PolicyDocument", NULL, IDENTITY},
	{"AWS::IAM::UserPolicy", "PolicyDocument", NULL, IDENTITY},
	{"AWS::IAM::GroupPolicy", "PolicyDocument", NULL, IDENTITY},
	{"AWS::IAM::Role", "Policies", "PolicyDocument", IDENTITY},
	{"AWS::IAM::User", "Policies", "PolicyDocument", IDENTITY},
	{"AWS::IAM::Group", "Policies", "PolicyDocument", IDENTITY},
	{"AWS::IAM::Role", "AssumeRolePolicyDocument", NULL, RESOURCE},
	{"AWS::S3::BucketPolicy", "PolicyDocument", NULL, RESOURCE},
	{"AWS::SNS::TopicPolicy", "PolicyDocument", NULL, RESOURCE},
	{"AWS::SQS::QueuePolicy", "PolicyDocument", NULL, RESOURCE},
	{"AWS::KMS::Key", "KeyPolicy", NULL, RESOURCE},
	{"AWS::ECR::Repository", "RepositoryPolicyText", NULL, RESOURCE},
	{"AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", NULL, RESOURCE},
	{"AWS::Backup::BackupVault", "AccessPolicy", NULL, RESOURCE},
	{"AWS::EFS::FileSystem", "FileSystemPolicy", NULL, RESOURCE},
	{"AWS::OpenSearchService::Domain", "AccessPolicies", NULL, RESOURCE},
	{"AWS::Elasticsearch::Domain", "AccessPolicies", NULL, RESOURCE},
	{"AWS::ApiGateway::RestApi", "Policy", NULL, RESOURCE},
	{"AWS::Logs::ResourcePolicy", "PolicyDocument", NULL, RESOURCE},
};

static const char *const statement_keys[] = {"Sid",	  "Effect",    "Principal", "NotPrincipal",
					     "Action",	  "NotAction", "Resource",  "NotResource",
					     "Condition", NULL};
static const char *const principal_keys[] = {"AWS", "Service", "Federated", "CanonicalUser", NULL};
static const char *const operators[] = {"StringEquals",
					"StringNotEquals",
					"StringEqualsIgnoreCase",
					"StringNotEqualsIgnoreCase",
					"StringLike",
					"StringNotLike",
					"NumericEquals",
					"NumericNotEquals",
					"NumericLessThan",
					"NumericLessThanEquals",
					"NumericGreaterThan",
					"NumericGreaterThanEquals",
					"DateEquals",
					"DateNotEquals",
					"DateLessThan",
					"DateLessThanEquals",
					"DateGreaterThan",
					"DateGreaterThanEquals",
					"Bool",
					"BinaryEquals",
					"IpAddress",
					"NotIpAddress",
					"ArnEquals",
					"ArnLike",
					"ArnNotEquals",
					"ArnNotLike",
					"Null",
					NULL};

static bool listed(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* [ForAllValues:|ForAnyValue:]Operator[IfExists] */
static bool valid_operator(const char *op)
{
	if (!strncmp(op, "ForAllValues:", 13))
		op += 13;
	else if (!strncmp(op, "ForAnyValue:", 12))
		op += 12;
	size_t n = strlen(op);
	char *base = xstrndup(op, n > 8 && !strcmp(op + n - 8, "IfExists") ? n - 8 : n);
	bool ok = listed(base, operators);
	free(base);
	return ok;
}

/* "*" or service:Action, where the action may use * and ? wildcards */
static bool valid_action(const char *a)
{
	if (!strcmp(a, "*"))
		return true;
	const char *colon = strchr(a, ':');
	if (!colon || colon == a || !colon[1])
		return false;
	for (const char *p = a; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '*' && *p != '?' && *p != '-' && *p != '_')
			return false;
	return true;
}

static void check_action(struct vctx *c, const char *a, const char *path)
{
	if (!valid_action(a)) {
		struct diag *d =
			vd_report(c, DIAG_ERROR, path, "'%s' is not an action (service:Action)", a);
		diag_set_hint(d, "for example s3:GetObject, or s3:Get* with a wildcard");
	}
}

/*
 * A Resource is "*" or an ARN: arn:partition:service:region:account:resource,
 * the region and account possibly empty
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
 * A bucket name or a queue name alone is the usual slip (cfn-lint E3510, E3514).
 */
#define ARN_ERE "^arn:(aws[A-Za-z-]*|\\*):[^:]+:[^:]*(:([0-9]{12}|\\*|aws)?:.+|)$"

static void check_resource(struct vctx *c, const char *r, const char *path)
{
	if (strcmp(r, "*") && !cfn_schema_match(c->schema, ARN_ERE, r)) {
		struct diag *d = vd_report(c, DIAG_ERROR, path, "'%s' is not an ARN nor \"*\"", r);
		diag_set_hint(d, "for example arn:aws:s3:::bucket/* or !GetAtt Res.Arn");
	}
}

/* `check` on the string `v`, or on each string of the list `v` (an element
 * such as Action takes either); values resolved at deploy are left alone. */
static void each_string(struct vctx *c, const json_t *v, struct strbuf *path,
			void (*check)(struct vctx *, const char *, const char *))
{
	size_t base = path->len, i;
	json_t *x;
	if (json_is_string(v))
		check(c, json_string_value(v), path->buf);
	json_array_foreach (v, i, x) {
		vd_path_index(path, i);
		each_string(c, x, path, check);
		strbuf_setlen(path, base);
	}
}

static void check_principal(struct vctx *c, const json_t *p, const char *path)
{
	if (vd_is_intrinsic(p))
		return;
	if (json_is_string(p)) {
		if (strcmp(json_string_value(p), "*"))
			vd_report(c, DIAG_ERROR, path,
				  "a Principal is \"*\" or an object such as {\"AWS\": ARN}, "
				  "{\"Service\": ...}");
		return;
	}
	if (!json_is_object(p)) {
		vd_report(c, DIAG_ERROR, path, "a Principal is \"*\" or an object");
		return;
	}
	const char *k;
	json_t *x;
	json_object_foreach ((json_t *)p, k, x) {
		if (!listed(k, principal_keys))
			vd_report(c, DIAG_ERROR, path,
				  "'%s' is not a principal type (AWS, Service, Federated, "
				  "CanonicalUser)",
				  k);
	}
}

static void check_statement(struct vctx *c, const json_t *st, enum policy_kind kind,
			    struct strbuf *path)
{
	const char *k;
	json_t *x;
	size_t base = path->len;
	if (vd_is_intrinsic(st))
		return;
	if (!json_is_object(st)) {
		vd_report(c, DIAG_ERROR, path->buf, "a statement must be an object");
		return;
	}
	json_object_foreach ((json_t *)st, k, x) {
		vd_path_key(path, k);
		if (!listed(k, statement_keys)) {
			vd_report(c, DIAG_ERROR, path->buf,
				  "a policy statement has no element '%s'", k);
		} else if (!strcmp(k, "Effect")) {
			const char *e = json_string_value(x);
			if (!vd_is_intrinsic(x) &&
			    (!e || (strcmp(e, "Allow") && strcmp(e, "Deny"))))
				vd_report(c, DIAG_ERROR, path->buf, "Effect must be Allow or Deny");
		} else if (!strcmp(k, "Action") || !strcmp(k, "NotAction")) {
			each_string(c, x, path, check_action);
		} else if (!strcmp(k, "Resource") || !strcmp(k, "NotResource")) {
			each_string(c, x, path, check_resource);
		} else if (!strcmp(k, "Principal") || !strcmp(k, "NotPrincipal")) {
			if (kind == IDENTITY)
				vd_report(
					c, DIAG_ERROR, path->buf,
					"an identity policy takes no %s: it applies to whom it is "
					"attached to",
					k);
			else
				check_principal(c, x, path->buf);
		} else if (!strcmp(k, "Condition") && json_is_object(x)) {
			const char *op;
			json_t *y;
			json_object_foreach (x, op, y) {
				if (!valid_operator(op))
					vd_report(c, DIAG_ERROR, path->buf,
						  "'%s' is not a condition operator", op);
			}
		}
		strbuf_setlen(path, base);
	}
	if (!json_object_get(st, "Effect"))
		vd_report(c, DIAG_ERROR, path->buf, "a policy statement needs an Effect");
	if (!json_object_get(st, "Action") && !json_object_get(st, "NotAction"))
		vd_report(c, DIAG_ERROR, path->buf,
			  "a policy statement needs an Action or NotAction");
	if (kind == RESOURCE && !json_object_get(st, "Principal") &&
	    !json_object_get(st, "NotPrincipal"))
		vd_report(c, DIAG_ERROR, path->buf,
			  "a statement of a resource-based policy needs a Principal");
	if (kind == IDENTITY && !json_object_get(st, "Resource") &&
	    !json_object_get(st, "NotResource"))
		vd_report(c, DIAG_ERROR, path->buf,
			  "a statement of an identity policy needs a Resource or NotResource");
}

static void check_policy(struct vctx *c, const json_t *doc, enum policy_kind kind,
			 struct strbuf *path)
{
	json_t *parsed = NULL;
	if (json_is_string(doc)) /* a policy given as JSON text */
		doc = parsed = json_loads(json_string_value(doc), 0, NULL);
	if (!json_is_object(doc) || vd_is_intrinsic(doc))
		goto out;
	const char *ver = json_string_value(json_object_get(doc, "Version"));
	if (ver && strcmp(ver, "2012-10-17") && strcmp(ver, "2008-10-17")) {
		size_t base = path->len;
		strbuf_addstr(path, ".Version");
		vd_report(c, DIAG_ERROR, path->buf,
			  "policy Version '%s' is not 2012-10-17 or 2008-10-17", ver);
		strbuf_setlen(path, base);
	}
	const json_t *st = json_object_get(doc, "Statement");
	size_t base = path->len;
	strbuf_addstr(path, ".Statement");
	if (json_is_array(st)) {
		size_t i, sbase = path->len;
		json_t *x;
		json_array_foreach (st, i, x) {
			vd_path_index(path, i);
			check_statement(c, x, kind, path);
			strbuf_setlen(path, sbase);
		}
	} else if (st) {
		check_statement(c, st, kind, path);
	} else {
		strbuf_setlen(path, base);
		vd_report(c, DIAG_ERROR, path->buf, "a policy document needs a Statement");
	}
	strbuf_setlen(path, base);
out:
	json_decref(parsed);
}

void vd_check_policies(struct vctx *c, const char *type, const json_t *props, struct strbuf *path)
{
	size_t base = path->len;
	for (size_t i = 0; i < sizeof(policy_props) / sizeof(policy_props[0]); i++) {
		if (strcmp(type, policy_props[i].type))
			continue;
		const json_t *v = json_object_get(props, policy_props[i].prop);
		vd_path_key(path, policy_props[i].prop);
		if (!policy_props[i].sub) {
			check_policy(c, v, policy_props[i].kind, path);
		} else {
			size_t j, lbase = path->len;
			json_t *x;
			json_array_foreach (v, j, x) {
				vd_path_index(path, j);
				vd_path_key(path, policy_props[i].sub);
				check_policy(c, json_object_get(x, policy_props[i].sub),
					     policy_props[i].kind, path);
				strbuf_setlen(path, lbase);
			}
		}
		strbuf_setlen(path, base);
	}
}
