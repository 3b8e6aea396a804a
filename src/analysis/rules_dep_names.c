/*
 * Deployability rules on the names a template gives resources (SM-DEP-060,
 * 080): a name is unique where the service keeps it (S3 everywhere, IAM in
 * the account, most others in the account and Region), so two resources of
 * one scope cannot share it, and a resource that outlives its stack keeps
 * it from the stack's next creation.
 */
#include <stdlib.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"
#include "base/xalloc.h"

static const struct sm_rule_meta dep_name_clash = DEP_RULE(
	"060", SM_SEV_ERROR, "Same explicit physical name for two resources of one scope",
	"A name you give a resource must be unique where the service keeps it (S3 bucket names "
	"everywhere, IAM names in the account, most others in the account and Region): the "
	"second "
	"CREATE fails with 'already exists', whichever stack it is in.",
	"Drop the explicit name (CloudFormation generates a unique one) or make it unique, e.g. "
	"with the stack or environment name in it.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html");

static const struct sm_rule_meta dep_retained_name = DEP_RULE(
	"080", SM_SEV_ERROR, "Retained resource with a physical name fixed across stacks",
	"DeletionPolicy Retain (and RetainExceptOnCreate) leaves the resource in place when its "
	"stack is deleted, and with it the name, which is unique where the service keeps it: the "
	"next creation of the stack (after a destroy, in a rebuilt environment) fails on it with "
	"'already exists'. Snapshot deletes the resource once its snapshot is taken, and acts as "
	"Delete on the types without snapshots, so it frees the name.",
	"Drop the explicit name (CloudFormation generates one per stack), or put in it what "
	"differs "
	"for every stack created under the name: the stack's ID (the first group of its UUID: "
	"Fn::Select 0 of Fn::Split '-' of Fn::Select 2 of Fn::Split '/' of AWS::StackId). The "
	"stack's name is not enough: the next stack has the same.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
	"aws-attribute-deletionpolicy.html");

/* ---- SM-DEP-060: explicit names ---- */

enum name_scope { SCOPE_GLOBAL, SCOPE_ACCOUNT, SCOPE_REGION };

static const struct {
	const char *type, *prop;
	enum name_scope scope;
} named[] = {
	{"AWS::S3::Bucket", "BucketName", SCOPE_GLOBAL},
	{"AWS::IAM::Role", "RoleName", SCOPE_ACCOUNT},
	{"AWS::IAM::ManagedPolicy", "ManagedPolicyName", SCOPE_ACCOUNT},
	{"AWS::IAM::User", "UserName", SCOPE_ACCOUNT},
	{"AWS::IAM::Group", "GroupName", SCOPE_ACCOUNT},
	{"AWS::IAM::InstanceProfile", "InstanceProfileName", SCOPE_ACCOUNT},
	{"AWS::Logs::LogGroup", "LogGroupName", SCOPE_REGION},
	{"AWS::DynamoDB::Table", "TableName", SCOPE_REGION},
	{"AWS::Lambda::Function", "FunctionName", SCOPE_REGION},
	{"AWS::SQS::Queue", "QueueName", SCOPE_REGION},
	{"AWS::RDS::DBInstance", "DBInstanceIdentifier", SCOPE_REGION},
	{"AWS::RDS::DBCluster", "DBClusterIdentifier", SCOPE_REGION},
	{"AWS::ECS::Cluster", "ClusterName", SCOPE_REGION},
	{"AWS::ECR::Repository", "RepositoryName", SCOPE_REGION},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Name", SCOPE_REGION},
	{"AWS::ElasticLoadBalancingV2::TargetGroup", "Name", SCOPE_REGION},
	{"AWS::SecretsManager::Secret", "Name", SCOPE_REGION},
	{"AWS::SSM::Parameter", "Name", SCOPE_REGION},
	{"AWS::KMS::Alias", "AliasName", SCOPE_REGION},
	{"AWS::Kinesis::Stream", "Name", SCOPE_REGION},
	{"AWS::StepFunctions::StateMachine", "StateMachineName", SCOPE_REGION},
	{"AWS::Backup::BackupVault", "BackupVaultName", SCOPE_REGION},
};
#define NR_NAMED (sizeof(named) / sizeof(named[0]))

/* Where the service keeps the name: "type|name", plus the account and the Region it depends on. */
static char *name_key(const struct sm_template *t, size_t k, const char *name)
{
	return xstrfmt("%s\x1f%s\x1f%s\x1f%s", named[k].scope == SCOPE_GLOBAL ? "" : t->account ?: "",
		       named[k].scope == SCOPE_REGION ? t->region ?: "" : "", named[k].type, name);
}

static size_t named_index(const char *type)
{
	size_t k;
	/* every type here is "AWS::X...": compare the service's first letter before the rest */
	for (k = 0; k < NR_NAMED; k++)
		if (strlen(type) > 5 && named[k].type[5] == type[5] && !strcmp(named[k].type, type))
			break;
	return k;
}

/* Every explicit name of the set -> "TEMPLATE-INDEX RESOURCE" of its first holder, in
 * assembly order (each template as check sees it first: its default world). */
static const json_t *names_index(struct check_ctx *c)
{
	if (c->run->names)
		return c->run->names;
	json_t *idx = c->run->names = json_object();
	for (size_t ti = 0; ti < c->a->nr; ti++) {
		const struct sm_template *t = &c->a->items[ti];
		const char *id;
		json_t *r;
		json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
			size_t k = named_index(res_type(r));
			const char *name = k < NR_NAMED
						   ? jstr(jget(json_object_get(r, "Properties"),
							       named[k].prop))
						   : NULL;
			if (!name || !*name)
				continue;
			char *key = name_key(t, k, name);
			if (!json_object_get(idx, key))
				json_object_set_new(idx, key, json_sprintf("%zu %s", ti, id));
			free(key);
		}
	}
	return idx;
}

static void name_clash(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t k = named_index(res_type(r));
	const char *name = k < NR_NAMED ? jstr(json_object_get(p, named[k].prop)) : NULL;
	if (!name || !*name)
		return;
	char *key = name_key(c->t, k, name);
	const char *first = jstr(json_object_get(names_index(c), key));
	free(key);
	char *self = xstrfmt("%zu %s", (size_t)(c->t - c->a->items), id);
	if (first && strcmp(first, self)) {
		size_t ti = strtoul(first, NULL, 10);
		check_report(c, &dep_name_clash, id, named[k].prop,
			     "'%s' is named '%s', as '%s' of stack %s already is", id, name,
			     strchr(first, ' ') + 1, c->a->items[ti].stack_name ?: "?");
	}
	free(self);
}

/* ---- SM-DEP-080: names that outlive their stack ---- */

#define NAME_HOPS 8 /* references followed from one name before it counts as unknown */

static bool varies(struct check_ctx *c, struct sm_template *t, const json_t *v, int hops);

/*
 * Does resource `id` of `t` get a physical ID that differs for every stack
 * created under the name? Its Ref is its name: generated unless the template
 * names it, then that name decides. A type without a name in the table: its
 * ID is generated (a VPC's, a distribution's).
 */
static bool resource_varies(struct check_ctx *c, struct sm_template *t, const char *id, int hops)
{
	const json_t *r = json_object_get(json_object_get(t->tmpl, "Resources"), id);
	size_t k = named_index(res_type(r));
	const json_t *name =
		k < NR_NAMED ? json_object_get(json_object_get(r, "Properties"), named[k].prop)
			     : NULL;
	return !name || varies(c, t, name, hops + 1);
}

/* A reference by logical ID (the part of ${X.Attr} before the dot) of `t`. */
static bool id_varies(struct check_ctx *c, struct sm_template *t, const char *id, size_t len,
		      bool attribute, int hops)
{
	char *name = xstrndup(id, len);
	bool out;
	if (!strcmp(name, "AWS::StackId"))
		out = true;
	else if (!strncmp(name, "AWS::", 5))
		out = false; /* the stack's name, account, Region: the same for the next stack */
	else if (json_object_get(json_object_get(t->tmpl, "Resources"), name))
		/* an attribute (an ARN, an endpoint) may embed a generated part: not judged */
		out = attribute || resource_varies(c, t, name, hops);
	else {
		/* a parameter: its value, unless synth made it of another region's output */
		json_t *ref = json_pack("{ss}", "Ref", name);
		struct sm_rref rr = sm_resolve(c->a, t, ref);
		json_decref(ref);
		out = rr.id && rr.t != t && sm_rref_resource(rr)
			      ? resource_varies(c, rr.t, rr.id, hops)
			      : false;
	}
	free(name);
	return out;
}

struct sub_walk {
	struct check_ctx *c;
	struct sm_template *t;
	const json_t *vars;
	int hops;
	bool varies;
};

/* One ${X} or ${X.Attr} (`id` points into the string: X is `len` bytes, a '.' may follow). */
static bool sub_ref(void *arg, const char *id, size_t len)
{
	struct sub_walk *w = arg;
	char *key = xstrndup(id, len);
	const json_t *var = json_object_get(w->vars, key);
	free(key);
	w->varies = var ? varies(w->c, w->t, var, w->hops + 1)
			: id_varies(w->c, w->t, id, len, id[len] == '.', w->hops);
	return w->varies;
}

/*
 * Does value `v` of template `t` differ for every stack created under the
 * same name? A literal does not; AWS::StackId does; a reference follows what
 * it names (an import its export, in the exporting template); a function
 * varies when any of its arguments does. What cannot be told (too many hops,
 * an import of no template of the set) counts as varying: no finding.
 */
static bool varies(struct check_ctx *c, struct sm_template *t, const json_t *v, int hops)
{
	if (hops > NAME_HOPS)
		return true;
	if (!json_is_object(v) && !json_is_array(v))
		return false;
	if (json_is_object(v) && json_object_size(v) == 1) {
		const char *ref = jstr(json_object_get(v, "Ref"));
		if (ref)
			return id_varies(c, t, ref, strlen(ref), false, hops);
		if (json_object_get(v, "Fn::GetAtt")) {
			const char *id = sm_ref_id(t, v);
			return !id || id_varies(c, t, id, strlen(id), true, hops);
		}
		if (json_object_get(v, "Fn::ImportValue")) {
			struct sm_template *et = t;
			const json_t *value = sm_follow_imports(c->a, &et, v);
			return !value || varies(c, et, value, hops + 1);
		}
		const json_t *sub = json_object_get(v, "Fn::Sub");
		if (sub) {
			struct sub_walk w = {c, t, json_array_get(sub, 1), hops, false};
			const json_t *text = json_is_array(sub) ? json_array_get(sub, 0) : sub;
			if (!json_is_string(text))
				return true;
			/* the text's references alone: a variable's value is judged where it is
			 * used */
			json_t *only = json_pack("{sO}", "Fn::Sub", text);
			sm_refs_each(only, sub_ref, &w);
			json_decref(only);
			return w.varies;
		}
	}
	size_t i;
	const char *k;
	json_t *x;
	if (json_is_array(v)) {
		json_array_foreach ((json_t *)v, i, x)
			if (varies(c, t, x, hops))
				return true;
		return false;
	}
	json_object_foreach ((json_t *)v, k, x)
		if (varies(c, t, x, hops))
			return true;
	return false;
}

static void retained_name(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *dp = jstr(json_object_get(r, "DeletionPolicy")) ?: "Delete";
	if (strcmp(dp, "Retain") && strcmp(dp, "RetainExceptOnCreate"))
		return;
	size_t k = named_index(res_type(r));
	const json_t *name = k < NR_NAMED ? json_object_get(p, named[k].prop) : NULL;
	if (!name || varies(c, c->t, name, 0))
		return;
	const char *text = jstr(name);
	check_report(c, &dep_retained_name, id, named[k].prop,
		     "'%s' outlives its stack (DeletionPolicy %s) under %s%s%s, which the stack's "
		     "next creation gives it again",
		     id, dp, text ? "the name '" : "a name fixed across stacks", text ?: "",
		     text ? "'" : "");
}

const struct resource_rule check_rules_dep_names[] = {
	{&dep_name_clash, "*", name_clash},
	{&dep_retained_name, "*", retained_name},
	{NULL, NULL, NULL},
};
