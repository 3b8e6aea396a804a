/*
 * Deployability rules (SM-DEP-056..059): what runs code needs to start: an
 * ECS task its execution role and that role's access to the task's secrets,
 * a Lambda function environment names it may set, and a queue polled by a
 * function a visibility timeout that outlasts the function.
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
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
	"without secretsmanager:GetSecretValue (or ssm:GetParameters) on it, every task stops "
	"with "
	"ResourceInitializationError and the service never becomes stable.",
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
		return !arn && (strstr(jstr(res), ":secretsmanager:") || strstr(jstr(res), ":ssm:"))
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
			/* AWS's execution role policy grants no secrets; another one may */
			if (!json_is_string(x) ||
			    !strstr(jstr(x),
				    "policy/service-role/AmazonECSTaskExecutionRolePolicy"))
				g = GRANT_UNKNOWN;
			continue;
		}
		if ((one = doc_grants(c, jget(mp, "Properties.PolicyDocument"), action, sw, sid,
				      arn)) == GRANT_YES)
			return one;
		if (one == GRANT_UNKNOWN)
			g = one;
	}
	const char *pid;
	json_t *pol;
	json_object_foreach (json_object_get(rw->tmpl, "Resources"), pid, pol) {
		const char *t = res_type(pol);
		if (strcmp(t, "AWS::IAM::Policy") && strcmp(t, "AWS::IAM::ManagedPolicy") &&
		    strcmp(t, "AWS::IAM::RolePolicy"))
			continue;
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
	if (role_grants(c, rw, rid, role, action, sw, sid, arn) == GRANT_NO)
		check_report(c, &dep_exec_secret, id, "ContainerDefinitions",
			     "task definition '%s': secret %s comes from %s, which execution role "
			     "'%s' has no %s on",
			     id, jstr(json_object_get(secret, "Name")) ?: "?", sid ? sid : arn, rid,
			     action);
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

static void lambda_env(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
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
	{&dep_sqs_visibility, "AWS::Lambda::EventSourceMapping", event_source},
	{NULL, NULL, NULL},
};
