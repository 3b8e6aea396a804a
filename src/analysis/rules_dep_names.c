/*
 * Deployability rules on the names a template gives resources (SM-DEP-060,
 * 080): a name is unique where the service keeps it (S3 everywhere, IAM in
 * the account, most others in the account and Region), so two resources of
 * one scope cannot share it, and a resource that outlives its stack keeps
 * it from the stack's next creation. IAM names (SM-DEP-084, 086) have a
 * length and characters IAM checks, also of a name made with Fn::Sub or
 * Fn::Join.
 */
#include <limits.h>
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

static const struct sm_rule_meta dep_iam_name = DEP_RULE(
	"084", SM_SEV_ERROR,
	"IAM name or path longer than IAM takes, or with characters it refuses",
	"IAM takes role and user names of at most 64 characters, group, managed policy, instance "
	"profile and inline policy names of at most 128, of letters, digits and +=,.@_- only, and "
	"paths that begin and end with '/' (512 at most): CreateRole and the others refuse "
	"anything else (ValidationError), also when Fn::Sub or Fn::Join builds the name, as "
	"soon as its literal parts and the values it takes (the stack's name, the Region) are "
	"too long.",
	"Shorten the name (the literal parts, or what it takes from the stack's name), keep to "
	"the allowed characters, or omit the name and let CloudFormation generate one.",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html");
static const struct sm_rule_meta dep_name_length = DEP_RULE(
	"087", SM_SEV_ERROR, "Physical name longer than its service takes, once built",
	"A name made with Fn::Join or Fn::Sub of an environment's or a stack's name is refused "
	"by the service when the built name passes its limit: a backup vault's name has 2-50 "
	"letters, digits, hyphens and underscores (CreateBackupVault), a DB instance or cluster "
	"identifier at most 63 characters (CreateDBInstance), a load balancer's or target "
	"group's name at most 32 (CreateLoadBalancer, CreateTargetGroup). A long environment "
	"name is enough.",
	"Shorten the literal parts (the environment's name), or omit the name and let "
	"CloudFormation generate one.",
	"https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html");
static const struct sm_rule_meta dep_iam_name_stack = DEP_RULE(
	"086", SM_SEV_WARNING, "IAM name built from a stack name that can push it over IAM's limit",
	"A stack's name may have up to 128 characters: an IAM name made with ${AWS::StackName} "
	"is refused (ValidationError) when the stack is created under a name long enough to take "
	"it past IAM's limit (64 characters for roles and users, 128 for the others), which the "
	"template alone cannot rule out.",
	"Take a short part of the stack's identity instead (Fn::Select of Fn::Split of "
	"AWS::StackId), shorten the literal parts, or omit the name.",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html");

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

/* ---- SM-DEP-084, 086: IAM names ---- */

#define LEN_UNBOUNDED (LONG_MAX / 4)
#define STACK_NAME_MAX 128

static const struct {
	const char *type, *prop;
	long max;
	bool entity; /* a named entity (letters, digits and +=,.@_- only), not an inline policy */
} iam_named[] = {
	{"AWS::IAM::Role", "RoleName", 64, true},
	{"AWS::IAM::User", "UserName", 64, true},
	{"AWS::IAM::Group", "GroupName", 128, true},
	{"AWS::IAM::ManagedPolicy", "ManagedPolicyName", 128, true},
	{"AWS::IAM::InstanceProfile", "InstanceProfileName", 128, true},
	{"AWS::IAM::Policy", "PolicyName", 128, false},
	{"AWS::IAM::RolePolicy", "PolicyName", 128, false},
	{"AWS::IAM::UserPolicy", "PolicyName", 128, false},
	{"AWS::IAM::GroupPolicy", "PolicyName", 128, false},
};

/* The lengths a name can take, and the first character of its literal parts IAM refuses. */
struct name_span {
	const struct sm_template *t;
	bool stack_known; /* the stack's name is the one it is created under */
	long min, max;
	bool from_stack; /* a part is the stack's name */
	char bad;
};

static void span_add(struct name_span *s, long lo, long hi)
{
	s->min += lo;
	s->max = s->max >= LEN_UNBOUNDED || hi >= LEN_UNBOUNDED ? LEN_UNBOUNDED : s->max + hi;
}

static bool iam_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("+=,.@_-", ch));
}

static void span_literal(struct name_span *s, const char *text, size_t n)
{
	for (size_t i = 0; i < n && !s->bad; i++)
		if (!iam_char(text[i]))
			s->bad = text[i];
	span_add(s, (long)n, (long)n);
}

/* ${X} or {"Ref": X}: a pseudo parameter's length, the stack's name, or any (one at least). */
static void span_ref(struct name_span *s, const char *name, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && !memcmp(name, lit, len))
	if (IS("AWS::StackName")) {
		s->from_stack = true;
		long n = (long)strlen(s->t->stack_name ?: "");
		if (s->stack_known && n)
			span_add(s, n, n);
		else
			span_add(s, 1, STACK_NAME_MAX);
	} else if (IS("AWS::AccountId")) {
		span_add(s, 12, 12);
	} else if (IS("AWS::Region")) {
		long n = s->t->region ? (long)strlen(s->t->region) : 0;
		span_add(s, n ? n : 9, n ? n : 14);
	} else if (IS("AWS::Partition")) {
		span_add(s, 3, 10);
	} else if (IS("AWS::URLSuffix")) {
		span_add(s, 13, 16);
	} else {
		span_add(s, 0, LEN_UNBOUNDED); /* a parameter may be empty, an attribute anything */
	}
#undef IS
}

static void span_of(struct name_span *s, const json_t *v);

static void span_sub(struct name_span *s, const char *text, const json_t *vars)
{
	const char *p = text;
	while (*p) {
		const char *open = strstr(p, "${");
		size_t lit = open ? (size_t)(open - p) : strlen(p);
		span_literal(s, p, lit);
		if (!open)
			return;
		const char *close = strchr(open, '}');
		if (!close) {
			span_literal(s, open, strlen(open));
			return;
		}
		size_t n = (size_t)(close - open - 2);
		if (open[2] == '!') { /* ${!Literal} is the text "${Literal}" */
			span_literal(s, "$", 1);
			span_literal(s, "{", 1);
			span_literal(s, open + 3, n - 1);
			span_literal(s, "}", 1);
		} else {
			char key[256];
			const json_t *var = NULL;
			if (n < sizeof(key)) {
				memcpy(key, open + 2, n);
				key[n] = '\0';
				var = json_object_get(vars, key);
			}
			if (var)
				span_of(s, var);
			else if (memchr(open + 2, '.', n))
				span_add(s, 0, LEN_UNBOUNDED); /* ${X.Attr} */
			else
				span_ref(s, open + 2, n);
		}
		p = close + 1;
	}
}

/* The lengths value `v` can take once CloudFormation resolves it. */
static void span_of(struct name_span *s, const json_t *v)
{
	if (json_is_string(v)) {
		span_literal(s, jstr(v), strlen(jstr(v)));
		return;
	}
	/* an intrinsic is an object of one key: anything else is unbounded */
	bool one = json_object_size(v) == 1;
	const char *ref = one ? jstr(json_object_get(v, "Ref")) : NULL;
	const json_t *sub = one ? json_object_get(v, "Fn::Sub") : NULL;
	const json_t *join = one ? json_object_get(v, "Fn::Join") : NULL;
	if (ref) {
		span_ref(s, ref, strlen(ref));
	} else if (sub) {
		const char *text = json_is_array(sub) ? jstr(json_array_get(sub, 0)) : jstr(sub);
		if (text)
			span_sub(s, text, json_array_get(sub, 1));
		else
			span_add(s, 0, LEN_UNBOUNDED);
	} else if (join && json_is_string(json_array_get(join, 0)) &&
		   json_is_array(json_array_get(join, 1))) {
		const char *delim = jstr(json_array_get(join, 0));
		size_t i;
		json_t *x;
		json_array_foreach (json_array_get(join, 1), i, x) {
			if (i)
				span_literal(s, delim, strlen(delim));
			span_of(s, x);
		}
	} else {
		/* GetAtt, ImportValue, Select, a list join, not an intrinsic */
		span_add(s, 0, LEN_UNBOUNDED);
	}
}

/* ---- SM-DEP-087: other names with a length limit, as built ---- */

static const struct {
	const char *type, *prop;
	long max;
} limited[] = {
	{"AWS::Backup::BackupVault", "BackupVaultName", 50},
	{"AWS::RDS::DBInstance", "DBInstanceIdentifier", 63},
	{"AWS::RDS::DBCluster", "DBClusterIdentifier", 63},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Name", 32},
	{"AWS::ElasticLoadBalancingV2::TargetGroup", "Name", 32},
};

static void name_length(struct check_ctx *c, const char *id, const json_t *p, const char *type)
{
	for (size_t k = 0; k < sizeof(limited) / sizeof(limited[0]); k++) {
		const json_t *v;
		if (limited[k].type[5] != type[5] || strcmp(limited[k].type, type) ||
		    !(v = json_object_get(p, limited[k].prop)) || json_is_string(v))
			continue; /* a literal's length is validate's (the schema's maxLength) */
		struct name_span s = {.t = c->t, .stack_known = c->t->protection_known};
		span_of(&s, v);
		if (s.min > limited[k].max)
			check_report(c, &dep_name_length, id, limited[k].prop,
				     "%s of '%s' has at least %ld characters once built%s%s%s; the "
				     "service takes %ld at most",
				     limited[k].prop, id, s.min,
				     s.from_stack && s.stack_known ? " with the stack's name '"
								   : "",
				     s.from_stack && s.stack_known ? c->t->stack_name : "",
				     s.from_stack && s.stack_known ? "'" : "", limited[k].max);
	}
}

static void iam_name_value(struct check_ctx *c, const char *id, const json_t *v, const char *prop,
			   long max, bool entity)
{
	struct name_span s = {.t = c->t, .stack_known = c->t->protection_known};
	span_of(&s, v);
	const char *lit = jstr(v);
	if (s.min > max) {
		check_report(c, &dep_iam_name, id, prop,
			     "%s of '%s' %s %ld characters%s%s%s; IAM takes %ld at most", prop, id,
			     lit ? "has" : "has at least", s.min,
			     s.from_stack && s.stack_known ? " with the stack's name '" : "",
			     s.from_stack && s.stack_known ? c->t->stack_name : "",
			     s.from_stack && s.stack_known ? "'" : "", max);
		return;
	}
	if (entity && s.bad) {
		check_report(c, &dep_iam_name, id, prop,
			     "%s of '%s' holds '%c', which IAM refuses in names (letters, digits "
			     "and +=,.@_- only)",
			     prop, id, s.bad);
		return;
	}
	if (s.from_stack && !s.stack_known && s.min + STACK_NAME_MAX - 1 > max)
		check_report(c, &dep_iam_name_stack, id, prop,
			     "%s of '%s' takes the stack's name: past %ld characters of stack name "
			     "it is longer than IAM's %ld",
			     prop, id, max - (s.min - 1), max);
}

/* A literal Path: '/' alone or "/a/b/", printable ASCII without spaces, 512 at most. */
static void iam_path(struct check_ctx *c, const char *id, const json_t *v, bool policy)
{
	const char *p = jstr(v);
	if (!p)
		return;
	size_t n = strlen(p);
	bool ok = n >= 1 && n <= 512 && p[0] == '/' && p[n - 1] == '/';
	for (size_t i = 0; ok && i < n; i++)
		ok = policy ? p[i] == '/' || iam_char(p[i]) : p[i] >= 0x21 && p[i] <= 0x7e;
	ok = ok && !strstr(p, "//");
	if (!ok)
		check_report(c, &dep_iam_name, id, "Path",
			     "Path '%s' of '%s' is not one IAM takes (it begins and ends with '/', "
			     "%s, 512 characters at most)",
			     p, id,
			     policy ? "letters, digits and +=,.@_- between the slashes"
				    : "printable characters without spaces");
}

static void iam_names(struct check_ctx *c, const char *id, const json_t *p, const char *type)
{
	for (size_t k = 0; k < sizeof(iam_named) / sizeof(iam_named[0]); k++) {
		if (strcmp(iam_named[k].type, type))
			continue;
		const json_t *name = json_object_get(p, iam_named[k].prop);
		if (name)
			iam_name_value(c, id, name, iam_named[k].prop, iam_named[k].max,
				       iam_named[k].entity);
		if (iam_named[k].entity)
			iam_path(c, id, json_object_get(p, "Path"),
				 !strcmp(type, "AWS::IAM::ManagedPolicy"));
	}
	/* the inline policies of a role, user or group */
	size_t i;
	json_t *pol;
	json_array_foreach (json_object_get(p, "Policies"), i, pol) {
		const json_t *name = json_object_get(pol, "PolicyName");
		if (name)
			iam_name_value(c, id, name, "Policies", 128, false);
	}
}

/* One entry for the names with limits (SM-DEP-084, 087): one type read per resource, cheaper
 * than an entry per type in the table. */
static void name_limits(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = res_type(r);
	if (!strncmp(type, "AWS::IAM::", 10))
		iam_names(c, id, p, type);
	else if (strlen(type) > 5)
		name_length(c, id, p, type);
}

const struct resource_rule check_rules_dep_names[] = {
	{&dep_name_clash, "*", name_clash}, {&dep_retained_name, "*", retained_name},
	{&dep_iam_name, "*", name_limits},  {&dep_iam_name_stack, "-", NULL},
	{&dep_name_length, "-", NULL},	    {NULL, NULL, NULL},
};
