/*
 * Deployability rule SM-DEP-095: a role handed to a service whose trust
 * policy does not let that service assume it. The service assumes the role
 * with its own principal (ecs-tasks, lambda, monitoring.rds, ...): some
 * refuse the role at create, the others deploy and fail at their first use.
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_trust = DEP_RULE(
	"095", SM_SEV_ERROR, "Role handed to a service its trust policy does not admit",
	"A service uses a role by assuming it with its own service principal, which the role's "
	"trust policy (AssumeRolePolicyDocument) must allow sts:AssumeRole. Lambda, RDS enhanced "
	"monitoring, CloudTrail, AWS Config, Step Functions, CodeBuild and Firehose refuse such a "
	"role at create ('cannot be assumed by Lambda', InvalidCloudWatchLogsRoleArnException, "
	"InsufficientDeliveryPolicyException); ECS tasks stop at start, an instance profile's "
	"instances have no credentials, flow logs, backups, replication and rule targets fail at "
	"every use.",
	"Add a statement to the role's AssumeRolePolicyDocument: Effect Allow, Principal Service "
	"the principal named in the finding, Action sts:AssumeRole (or use a role made for that "
	"service).",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html");

/* Where a resource hands a role to a service, and the service's principal. */
static const struct role_use {
	const char *type, *path, *principal;
} uses[] = {
	{"AWS::ECS::TaskDefinition", "TaskRoleArn", "ecs-tasks.amazonaws.com"},
	{"AWS::ECS::TaskDefinition", "ExecutionRoleArn", "ecs-tasks.amazonaws.com"},
	{"AWS::RDS::DBInstance", "MonitoringRoleArn", "monitoring.rds.amazonaws.com"},
	{"AWS::RDS::DBCluster", "MonitoringRoleArn", "monitoring.rds.amazonaws.com"},
	{"AWS::EC2::FlowLog", "DeliverLogsPermissionArn", "vpc-flow-logs.amazonaws.com"},
	{"AWS::CloudTrail::Trail", "CloudWatchLogsRoleArn", "cloudtrail.amazonaws.com"},
	{"AWS::Config::ConfigurationRecorder", "RoleARN", "config.amazonaws.com"},
	{"AWS::Lambda::Function", "Role", "lambda.amazonaws.com"},
	{"AWS::IAM::InstanceProfile", "Roles", "ec2.amazonaws.com"},
	{"AWS::Backup::BackupSelection", "BackupSelection.IamRoleArn", "backup.amazonaws.com"},
	{"AWS::S3::Bucket", "ReplicationConfiguration.Role", "s3.amazonaws.com"},
	{"AWS::StepFunctions::StateMachine", "RoleArn", "states.amazonaws.com"},
	{"AWS::CodeBuild::Project", "ServiceRole", "codebuild.amazonaws.com"},
	{"AWS::Events::Rule", "Targets.RoleArn", "events.amazonaws.com"},
	{"AWS::Scheduler::Schedule", "Target.RoleArn", "scheduler.amazonaws.com"},
	{"AWS::KinesisFirehose::DeliveryStream", "ExtendedS3DestinationConfiguration.RoleARN",
	 "firehose.amazonaws.com"},
	{"AWS::KinesisFirehose::DeliveryStream", "S3DestinationConfiguration.RoleARN",
	 "firehose.amazonaws.com"},
	{NULL, NULL, NULL},
};

/* Does principal `p` name service `svc` ("x.amazonaws.com"), globally or by Region? */
static bool names_service(const char *p, const char *svc)
{
	if (!strcmp(p, svc) || !strcmp(p, "*"))
		return true;
	const char *dot = strchr(svc, '.');
	size_t head = dot ? (size_t)(dot - svc) + 1 : 0;
	return head && !strncmp(p, svc, head) &&
	       (strstr(p + head, ".amazonaws.com") || strstr(p + head, ".amazonaws.com.cn"));
}

/* Does a trust statement's principal admit `svc` (an expression: perhaps, so yes)? */
static bool principal_admits(const json_t *pr, const char *svc)
{
	if (json_is_string(pr))
		return !strcmp(jstr(pr), "*");
	const json_t *any = json_object_get(pr, "AWS");
	if (json_is_string(any) && !strcmp(jstr(any), "*"))
		return true;
	const json_t *s = json_object_get(pr, "Service");
	if (json_is_string(s))
		return names_service(jstr(s), svc);
	if (!json_is_array(s))
		return s != NULL; /* an intrinsic: cannot tell */
	size_t i;
	json_t *x;
	json_array_foreach (s, i, x) {
		if (!json_is_string(x) || names_service(jstr(x), svc))
			return true;
	}
	return false;
}

static bool trusts(const json_t *role, const char *svc)
{
	const json_t *doc = jget(role, "Properties.AssumeRolePolicyDocument");
	const json_t *sts = json_object_get(doc, "Statement");
	if (!json_is_array(sts))
		return !json_is_object(sts) ||
		       principal_admits(json_object_get(sts, "Principal"), svc);
	size_t i;
	json_t *st;
	json_array_foreach (sts, i, st) {
		if (!json_is_object(st))
			return true; /* an intrinsic: cannot tell */
		if (strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow"))
			continue;
		const json_t *act = json_object_get(st, "Action");
		if (act && !iam_actions_cover(act, "sts:AssumeRole"))
			continue;
		if (principal_admits(json_object_get(st, "Principal"), svc))
			return true;
	}
	return false;
}

static void judge(struct check_ctx *c, const char *id, const struct role_use *u, const json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x)
			judge(c, id, u, x);
		return;
	}
	const char *rid;
	const json_t *role = resource_at(c, v, NULL, &rid);
	if (!role || strcmp(res_type(role), "AWS::IAM::Role") || trusts(role, u->principal))
		return;
	check_report(c, &dep_trust, id, u->path,
		     "'%s' hands role '%s' to %s (%s), and the role's trust policy does not let "
		     "%s assume it",
		     id, rid, u->principal, u->path, u->principal);
}

/* The value at a dotted path, through one array level ("Targets.RoleArn"). */
static void at_path(struct check_ctx *c, const char *id, const struct role_use *u, const json_t *p)
{
	const char *dot = strchr(u->path, '.');
	if (!dot) {
		judge(c, id, u, json_object_get(p, u->path));
		return;
	}
	char head[64];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - u->path), u->path);
	const json_t *mid = json_object_get(p, head);
	if (!json_is_array(mid)) {
		judge(c, id, u, jget(mid, dot + 1));
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach (mid, i, x)
		judge(c, id, u, jget(x, dot + 1));
}

static void role_user(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = res_type(r);
	for (const struct role_use *u = uses; u->type; u++)
		if (!strcmp(u->type, type))
			at_path(c, id, u, p);
}

const struct resource_rule check_rules_dep_trust[] = {
	{&dep_trust, "AWS::ECS::TaskDefinition", role_user},
	{&dep_trust, "AWS::RDS::DBInstance", role_user},
	{&dep_trust, "AWS::RDS::DBCluster", role_user},
	{&dep_trust, "AWS::EC2::FlowLog", role_user},
	{&dep_trust, "AWS::CloudTrail::Trail", role_user},
	{&dep_trust, "AWS::Config::ConfigurationRecorder", role_user},
	{&dep_trust, "AWS::Lambda::Function", role_user},
	{&dep_trust, "AWS::IAM::InstanceProfile", role_user},
	{&dep_trust, "AWS::Backup::BackupSelection", role_user},
	{&dep_trust, "AWS::S3::Bucket", role_user},
	{&dep_trust, "AWS::StepFunctions::StateMachine", role_user},
	{&dep_trust, "AWS::CodeBuild::Project", role_user},
	{&dep_trust, "AWS::Events::Rule", role_user},
	{&dep_trust, "AWS::Scheduler::Schedule", role_user},
	{&dep_trust, "AWS::KinesisFirehose::DeliveryStream", role_user},
	{NULL, NULL, NULL},
};
