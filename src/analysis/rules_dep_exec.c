/*
 * Deployability rules (SM-DEP-056..059, 066): what runs code needs to start:
 * an ECS task its execution role and that role's access to the task's secrets
 * and their keys, a Lambda function in a VPC the right to make its interfaces,
 * a Lambda function environment names it may set, and a queue polled by a
 * function a visibility timeout that outlasts the function.
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_exec_role = DEP_RULE(
	"056", SM_SEV_ERROR, "Task definition needs an execution role it does not have",
	"The ECS agent pulls images, sends awslogs output and fetches secrets with the task "
	"execution role: RegisterTaskDefinition refuses a Fargate task using the awslogs driver "
	"without one ('Fargate requires task definition to have execution role ARN to support log "
	"driver awslogs'), and a task whose containers name Secrets or RepositoryCredentials, or "
	"that pulls from a private ECR repository on Fargate, cannot start without it.",
	"Set ExecutionRoleArn to a role trusted by ecs-tasks.amazonaws.com with "
	"AmazonECSTaskExecutionRolePolicy and read access to the task's secrets.",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html");
static const struct sm_rule_meta dep_exec_secret = DEP_RULE(
	"057", SM_SEV_ERROR, "Task secret the execution role may not read",
	"ECS fetches each container secret with the execution role before the container starts: "
	"without secretsmanager:GetSecretValue (or ssm:GetParameters) on it, or, for a secret "
	"encrypted with a customer managed key, without kms:Decrypt on that key (granted by the "
	"role's policies where the key policy lets IAM decide, or by the key policy itself), every "
	"task stops with ResourceInitializationError and the service never becomes stable.",
	"Allow the execution role secretsmanager:GetSecretValue on the secret (ssm:GetParameters "
	"on the parameter), and kms:Decrypt on a customer managed key that encrypts it.",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
	"secrets-envvar-secrets-manager.html");
static const struct sm_rule_meta dep_lambda_env = DEP_RULE(
	"058", SM_SEV_ERROR, "Lambda environment variable with a reserved name",
	"Lambda sets these variables itself: CreateFunction answers InvalidParameterValueException "
	"('the environment variables you have provided contains reserved keys that are currently "
	"not supported for modification').",
	"Rename the variable (APP_REGION rather than AWS_REGION); read the runtime's own value "
	"instead of setting it.",
	"https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html");
static const struct sm_rule_meta dep_lambda_vpc = DEP_RULE(
	"066", SM_SEV_ERROR,
	"Lambda function in a VPC whose role may not manage network interfaces",
	"Lambda creates the function's network interfaces with its execution role: CreateFunction "
	"with VpcConfig fails ('The provided execution role does not have permissions to call "
	"CreateNetworkInterface on EC2') unless the role allows ec2:CreateNetworkInterface, "
	"ec2:DescribeNetworkInterfaces and ec2:DeleteNetworkInterface (on every resource).",
	"Attach the AWS managed policy AWSLambdaVPCAccessExecutionRole (or "
	"AWSLambdaENIManagementAccess) to the role, or allow those three actions on \"*\".",
	"https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html");
static const struct sm_rule_meta dep_sqs_visibility = DEP_RULE(
	"059", SM_SEV_ERROR, "Queue visibility timeout shorter than the function that polls it",
	"Lambda refuses an SQS event source mapping when the function's timeout exceeds the "
	"queue's "
	"visibility timeout ('Queue visibility timeout: 30 seconds is less than Function timeout')",
	"Set the queue's VisibilityTimeout to at least the function's Timeout (AWS recommends six "
	"times it); defaults are 30 s and 3 s.",
	"https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html");

/* ---- SM-DEP-056: the execution role ---- */

static bool has_string(const json_t *v, const char *needle)
{
	if (json_is_string(v))
		return strstr(jstr(v), needle) != NULL;
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, k, x) {
			if (has_string(x, needle))
				return true;
		}
	}
	json_array_foreach (v, i, x) {
		if (has_string(x, needle))
			return true;
	}
	return false;
}

/* Why container `ct` needs an execution role, or NULL. */
static const char *needs_exec_role(const json_t *ct, bool fargate)
{
	if (json_array_size(json_object_get(ct, "Secrets")))
		return "names Secrets";
	if (json_array_size(jget(ct, "LogConfiguration.SecretOptions")))
		return "has log driver SecretOptions";
	if (json_object_get(ct, "RepositoryCredentials"))
		return "uses RepositoryCredentials (private registry authentication)";
	if (!fargate)
		return NULL;
	if (!strcmp(jstr(jget(ct, "LogConfiguration.LogDriver")) ?: "", "awslogs"))
		return "logs with the awslogs driver on Fargate";
	if (has_string(json_object_get(ct, "Image"), ".dkr.ecr."))
		return "pulls from a private ECR repository on Fargate";
	return NULL;
}

/* ---- SM-DEP-057: can the role read the secret? ---- */

/* The first resource a value refers to (Ref, GetAtt, ImportValue, anywhere inside). */
static const json_t *first_resource(struct check_ctx *c, const json_t *v, struct sm_template **w,
				    const char **id)
{
	const json_t *r = resource_at(c, v, w, id);
	if (r)
		return r;
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, k, x) {
			if ((r = first_resource(c, x, w, id)))
				return r;
		}
	}
	json_array_foreach (v, i, x) {
		if ((r = first_resource(c, x, w, id)))
			return r;
	}
	return NULL;
}

enum grant { GRANT_NO, GRANT_YES, GRANT_UNKNOWN };

/* Does one Resource entry cover the secret (stack sw, id sid)? */
static enum grant resource_covers(struct check_ctx *c, const json_t *res, struct sm_template *sw,
				  const char *sid, const char *arn)
{
	if (json_is_string(res)) {
		if (!strcmp(jstr(res), "*") || (arn && iam_glob(jstr(res), arn)))
			return GRANT_YES;
		/* a pattern of the service may match the ARN CloudFormation gives the secret */
		return !arn && (strstr(jstr(res), ":secretsmanager:") ||
				strstr(jstr(res), ":ssm:") || strstr(jstr(res), ":kms:"))
			       ? GRANT_UNKNOWN
			       : GRANT_NO;
	}
	struct sm_template *w;
	const char *rid;
	const json_t *r = first_resource(c, res, &w, &rid);
	if (r && sid)
		return w == sw && !strcmp(rid, sid) ? GRANT_YES : GRANT_NO;
	return GRANT_UNKNOWN; /* an expression we do not evaluate */
}

static enum grant doc_grants(struct check_ctx *c, const json_t *doc, const char *action,
			     struct sm_template *sw, const char *sid, const char *arn)
{
	enum grant best = GRANT_NO;
	size_t i;
	json_t *st;
	json_array_foreach (json_object_get(doc, "Statement"), i, st) {
		if (strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow"))
			continue;
		if (json_object_get(st, "NotAction") || json_object_get(st, "NotResource"))
			return GRANT_UNKNOWN;
		if (!iam_actions_cover(json_object_get(st, "Action"), action))
			continue;
		const json_t *res = json_object_get(st, "Resource");
		size_t k;
		json_t *x;
		enum grant g =
			json_is_array(res) ? GRANT_NO : resource_covers(c, res, sw, sid, arn);
		json_array_foreach (res, k, x) {
			enum grant one = resource_covers(c, x, sw, sid, arn);
			if (one == GRANT_YES || (one == GRANT_UNKNOWN && g == GRANT_NO))
				g = one;
		}
		if (g == GRANT_YES)
			return g;
		if (g == GRANT_UNKNOWN)
			best = g;
	}
	return best;
}

/* AWS managed policies that allow only logs, image pulls and traces (their JSON documents in the
 * AWS Managed Policy Reference): a role holding them has no secret, key or interface by them. */
static bool grants_none(const json_t *arn)
{
	static const char *const names[] = {
		"policy/service-role/AmazonECSTaskExecutionRolePolicy",
		"policy/service-role/AWSLambdaBasicExecutionRole",
		"policy/AWSXRayDaemonWriteAccess",
		NULL,
	};
	for (int i = 0; names[i]; i++)
		if (has_string(arn, names[i]))
			return true;
	return false;
}

/* Every policy attached to role `rid` (in stack rw): inline, AWS::IAM::Policy, ManagedPolicy. */
static enum grant role_grants(struct check_ctx *c, struct sm_template *rw, const char *rid,
			      const json_t *role, const char *action, struct sm_template *sw,
			      const char *sid, const char *arn)
{
	enum grant g = GRANT_NO, one;
	size_t i;
	json_t *x;
	json_array_foreach (jget(role, "Properties.Policies"), i, x) {
		if ((one = doc_grants(c, json_object_get(x, "PolicyDocument"), action, sw, sid,
				      arn)) == GRANT_YES)
			return one;
		if (one == GRANT_UNKNOWN)
			g = one;
	}
	json_array_foreach (jget(role, "Properties.ManagedPolicyArns"), i, x) {
		const json_t *mp = resource_at(c, x, NULL, NULL);
		if (!mp) {
			/* AWS's execution role policies grant no secrets, keys or interfaces;
			 * another one may */
			if (!grants_none(x))
				g = GRANT_UNKNOWN;
			continue;
		}
		if ((one = doc_grants(c, jget(mp, "Properties.PolicyDocument"), action, sw, sid,
				      arn)) == GRANT_YES)
			return one;
		if (one == GRANT_UNKNOWN)
			g = one;
	}
	static const char *const policies[] = {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
					       "AWS::IAM::RolePolicy", NULL};
	struct typed_iter pi;
	for (const struct typed_res *px = typed_iter_first(&pi, c, rw, policies); px;
	     px = typed_iter_next(&pi)) {
		const json_t *pol = px->res;
		bool attached = false;
		json_array_foreach (jget(pol, "Properties.Roles"), i, x) {
			attached |= value_refers(x, rid);
		}
		attached |= value_refers(jget(pol, "Properties.RoleName"), rid);
		if (!attached)
			continue;
		if ((one = doc_grants(c, jget(pol, "Properties.PolicyDocument"), action, sw, sid,
				      arn)) == GRANT_YES)
			return one;
		if (one == GRANT_UNKNOWN)
			g = one;
	}
	return g;
}

/* Does a key policy principal stand for the account (IAM policies then decide), or everyone? */
static bool principal_is_account(const json_t *st)
{
	const json_t *p = json_object_get(st, "Principal");
	if (json_is_string(p))
		return !strcmp(jstr(p), "*");
	const json_t *aws = json_object_get(p, "AWS");
	return has_string(aws, ":root") || has_string(aws, "AWS::AccountId") ||
	       (json_is_string(aws) && !strcmp(jstr(aws), "*"));
}

/* Does a key policy principal name role (rw, rid)? `kc` is the key's stack. */
static bool principal_is_role(struct check_ctx *kc, const json_t *st, struct sm_template *rw,
			      const char *rid)
{
	const json_t *aws = jget(st, "Principal.AWS");
	size_t i;
	json_t *x;
	struct sm_template *w;
	const char *id;
	if (!json_is_array(aws))
		return resource_at(kc, aws, &w, &id) && w == rw && !strcmp(id, rid);
	json_array_foreach (aws, i, x) {
		if (resource_at(kc, x, &w, &id) && w == rw && !strcmp(id, rid))
			return true;
	}
	return false;
}

/*
 * A secret encrypted with a customer managed key: ECS decrypts it with the
 * execution role, so the key policy must let the role (or the account's IAM
 * policies, and then the role's) use kms:Decrypt.
 */
static void secret_key_access(struct check_ctx *c, const char *id, const char *name,
			      struct sm_template *sw, const char *sid, const json_t *kv,
			      struct sm_template *rw, const char *rid, const json_t *role)
{
	static const char action[] = "kms:Decrypt";
	const char *here = c->t->region;
	if (sw->region && here && strcmp(sw->region, here)) {
		/* a task in another Region reads the secret's replica there, encrypted with
		 * the key its ReplicaRegions entry names (the AWS managed key by default) */
		const json_t *secret = sm_rref_resource((struct sm_rref){sw, sid}), *rep,
			     *found = NULL;
		size_t i;
		json_array_foreach (jget(secret, "Properties.ReplicaRegions"), i, rep) {
			if (!strcmp(jstr(json_object_get(rep, "Region")) ?: "", here))
				found = rep;
		}
		if (!found)
			return; /* no replica there: the secret does not exist for the task */
		kv = json_object_get(found, "KmsKeyId");
	}
	if (!kv || (json_is_string(kv) && strstr(jstr(kv), "alias/aws/")))
		return; /* the AWS managed key: its policy allows the account's principals */
	struct check_ctx kc = *c;
	kc.t = sw;
	struct sm_template *kw;
	const char *kid;
	const json_t *key = resource_at(&kc, kv, &kw, &kid);
	if (!key) {
		const char *arn = jstr(kv);
		if (arn && !strncmp(arn, "arn:", 4) &&
		    role_grants(c, rw, rid, role, action, NULL, NULL, arn) == GRANT_NO)
			check_report(
				c, &dep_exec_secret, id, "ContainerDefinitions",
				"task definition '%s': secret %s is encrypted with key %s, which "
				"execution role '%s' has no %s on",
				id, name, arn, rid, action);
		return;
	}
	if (strcmp(res_type(key), "AWS::KMS::Key"))
		return; /* an alias or a replica key: its policy is elsewhere */
	const json_t *doc = jget(key, "Properties.KeyPolicy");
	if (!doc)
		return;
	kc.t = kw;
	bool by_iam = false;
	size_t i;
	json_t *stmt;
	json_array_foreach (json_object_get(doc, "Statement"), i, stmt) {
		if (strcmp(jstr(json_object_get(stmt, "Effect")) ?: "", "Allow") ||
		    !iam_actions_cover(json_object_get(stmt, "Action"), action))
			continue;
		if (principal_is_role(&kc, stmt, rw, rid))
			return; /* the key policy names the role */
		by_iam |= principal_is_account(stmt);
	}
	if (!by_iam)
		check_report(c, &dep_exec_secret, id, "ContainerDefinitions",
			     "task definition '%s': secret %s is encrypted with key '%s', whose "
			     "policy neither allows execution role '%s' %s nor lets IAM policies "
			     "grant it",
			     id, name, kid, rid, action);
	else if (role_grants(c, rw, rid, role, action, kw, kid, NULL) == GRANT_NO)
		check_report(c, &dep_exec_secret, id, "ContainerDefinitions",
			     "task definition '%s': secret %s is encrypted with key '%s', which "
			     "execution role '%s' has no %s on",
			     id, name, kid, rid, action);
}

static void secret_access(struct check_ctx *c, const char *id, const json_t *exec,
			  const json_t *secret)
{
	struct sm_template *rw, *sw = NULL;
	const char *rid, *sid = NULL;
	const json_t *role = resource_at(c, exec, &rw, &rid);
	if (!role || strcmp(res_type(role), "AWS::IAM::Role"))
		return; /* a role made elsewhere: its policies are not ours to see */
	const json_t *from = json_object_get(secret, "ValueFrom");
	const char *arn = jstr(from);
	const json_t *s = arn ? NULL : first_resource(c, from, &sw, &sid);
	const char *st = s ? res_type(s) : "";
	const char *action;
	if (!strcmp(st, "AWS::SecretsManager::Secret") ||
	    (arn && !strncmp(arn, "arn:", 4) && strstr(arn, ":secretsmanager:")))
		action = "secretsmanager:GetSecretValue";
	else if (!strcmp(st, "AWS::SSM::Parameter") || (arn && strstr(arn, ":ssm:")))
		action = "ssm:GetParameters";
	else
		return; /* a bare parameter name, or something we cannot place */
	if (arn && !strchr(arn, ':'))
		return;
	const char *name = jstr(json_object_get(secret, "Name")) ?: "?";
	if (role_grants(c, rw, rid, role, action, sw, sid, arn) == GRANT_NO) {
		check_report(c, &dep_exec_secret, id, "ContainerDefinitions",
			     "task definition '%s': secret %s comes from %s, which execution role "
			     "'%s' has no %s on",
			     id, name, sid ? sid : arn, rid, action);
		return;
	}
	if (s && !strcmp(st, "AWS::SecretsManager::Secret"))
		secret_key_access(c, id, name, sw, sid, jget(s, "Properties.KmsKeyId"), rw, rid,
				  role);
}

static void task_definition(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	bool fargate = task_is_fargate(p);
	const json_t *exec = json_object_get(p, "ExecutionRoleArn");
	size_t i;
	json_t *ct;
	json_array_foreach (json_object_get(p, "ContainerDefinitions"), i, ct) {
		const char *why = exec ? NULL : needs_exec_role(ct, fargate);
		if (why) {
			check_report(c, &dep_exec_role, id, "ExecutionRoleArn",
				     "container '%s' of task definition '%s' %s, but the task has "
				     "no ExecutionRoleArn",
				     jstr(json_object_get(ct, "Name")) ?: "?", id, why);
			return;
		}
		size_t k;
		json_t *s;
		json_array_foreach (json_object_get(ct, "Secrets"), k, s) {
			if (exec)
				secret_access(c, id, exec, s);
		}
	}
	(void)r;
}

/* ---- SM-DEP-058: reserved Lambda variables ---- */

static const char *const reserved_env[] = {
	"_HANDLER",
	"_X_AMZN_TRACE_ID",
	"AWS_DEFAULT_REGION",
	"AWS_REGION",
	"AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
	"AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE",
	"AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY",
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API",
	"LAMBDA_TASK_ROOT",
	"LAMBDA_RUNTIME_DIR",
	NULL,
};

/* ---- SM-DEP-066: a function in a VPC manages its network interfaces ---- */

static const char *const eni_actions[] = {"ec2:CreateNetworkInterface",
					  "ec2:DescribeNetworkInterfaces",
					  "ec2:DeleteNetworkInterface", NULL};

static void lambda_vpc(struct check_ctx *c, const char *id, const json_t *p)
{
	if (!json_array_size(jget(p, "VpcConfig.SubnetIds")))
		return;
	struct sm_template *rw;
	const char *rid;
	const json_t *role = resource_at(c, json_object_get(p, "Role"), &rw, &rid);
	if (!role || strcmp(res_type(role), "AWS::IAM::Role"))
		return; /* a role made elsewhere: its policies are not ours to see */
	size_t i;
	json_t *x;
	json_array_foreach (jget(role, "Properties.ManagedPolicyArns"), i, x) {
		if (has_string(x, "AWSLambdaVPCAccessExecutionRole") ||
		    has_string(x, "AWSLambdaENIManagementAccess"))
			return;
	}
	for (int a = 0; eni_actions[a]; a++)
		if (role_grants(c, rw, rid, role, eni_actions[a], NULL, NULL, "*") == GRANT_NO) {
			check_report(c, &dep_lambda_vpc, id, "VpcConfig",
				     "function '%s' runs in a VPC, but its role '%s' has no %s", id,
				     rid, eni_actions[a]);
			return;
		}
}

static void lambda_env(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	lambda_vpc(c, id, p);
	const char *k;
	json_t *v;
	json_object_foreach ((json_t *)jget(p, "Environment.Variables"), k, v) {
		for (int i = 0; reserved_env[i]; i++)
			if (!strcmp(k, reserved_env[i]))
				check_report(c, &dep_lambda_env, id, "Environment.Variables",
					     "function '%s' sets %s, which Lambda reserves", id, k);
	}
	(void)r;
}

/* ---- SM-DEP-059: queue visibility ---- */

static void event_source(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *qid, *fid;
	const json_t *q = resource_at(c, json_object_get(p, "EventSourceArn"), NULL, &qid);
	const json_t *fn = resource_at(c, json_object_get(p, "FunctionName"), NULL, &fid);
	if (!q || !fn || strcmp(res_type(q), "AWS::SQS::Queue") ||
	    strcmp(res_type(fn), "AWS::Lambda::Function"))
		return;
	const json_t *vt = jget(q, "Properties.VisibilityTimeout"),
		     *ft = jget(fn, "Properties.Timeout");
	long visibility = vt ? jnum(vt, -1) : 30, timeout = ft ? jnum(ft, -1) : 3;
	if (visibility >= 0 && timeout >= 0 && timeout > visibility)
		check_report(c, &dep_sqs_visibility, id, "EventSourceArn",
			     "function '%s' runs up to %ld s, longer than the %ld s visibility "
			     "timeout of queue '%s'",
			     fid, timeout, visibility, qid);
	(void)r;
}

const struct resource_rule check_rules_dep_exec[] = {
	{&dep_exec_role, "AWS::ECS::TaskDefinition", task_definition},
	{&dep_exec_secret, "-", NULL},
	{&dep_lambda_env, "AWS::Lambda::Function", lambda_env},
	{&dep_lambda_vpc, "-", NULL},
	{&dep_sqs_visibility, "AWS::Lambda::EventSourceMapping", event_source},
	{NULL, NULL, NULL},
};
