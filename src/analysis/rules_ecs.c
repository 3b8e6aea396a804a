/* check rules: ECS clusters, task definitions and services. */
#include <ctype.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta ro_root = {
	"SM-ECS-001",
	SM_SEV_WARNING,
	"Container with a writable root file system",
	"A read-only root stops an attacker from planting tools or changing binaries.",
	"Set ReadonlyRootFilesystem true; mount a volume for what must be written.",
	"FSBP ECS.5",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta privileged = {"SM-ECS-002",
					       SM_SEV_ERROR,
					       "Privileged container",
					       "A privileged container has root on the host.",
					       "Remove Privileged.",
					       "FSBP ECS.4",
					       NULL,
					       NULL,
					       NULL,
					       NULL};
static const struct sm_rule_meta root_user = {
	"SM-ECS-003",
	SM_SEV_WARNING,
	"Container runs as root",
	"A process running as root turns a container escape into host compromise.",
	"Set User to a non-root UID (e.g. 1000:1000).",
	"FSBP ECS.x; CIS Docker 4.1",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta no_logs = {
	"SM-ECS-004",
	SM_SEV_ERROR,
	"Container without log configuration",
	"Without logs there is no record of what the application did (PCI DSS 10.2).",
	"Set LogConfiguration (awslogs) on every container.",
	"FSBP ECS.9; PCI DSS 10.2",
	"AwsSolutions-ECS7",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta env_secret = {
	"SM-ECS-005", SM_SEV_ERROR, "Secret in a plain container environment variable",
	"Environment values are readable by anyone who can describe the task definition.",
	"Use Secrets (ValueFrom a Secrets Manager or SSM SecureString ARN).",
	"FSBP ECS.8; PCI DSS 8.2.1", "AwsSolutions-ECS2", NULL, NULL,
	/* nag_partial: ECS2: every plain variable; this: a secret in one */
	"AwsSolutions-ECS2"};
static const struct sm_rule_meta public_task = {
	"SM-ECS-006",
	SM_SEV_ERROR,
	"ECS service assigns public IP addresses",
	"Tasks with public IPs are reachable from the internet, bypassing the load balancer.",
	"Set AssignPublicIp DISABLED and run tasks in private subnets.",
	"FSBP ECS.2",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta insights = {
	"SM-ECS-007",
	SM_SEV_WARNING,
	"ECS cluster without Container Insights",
	"Per-task CPU, memory and network metrics are how capacity problems are found.",
	"Set ClusterSettings containerInsights to enabled.",
	"FSBP ECS.12",
	"AwsSolutions-ECS4",
	NULL,
	NULL,
	NULL};

static bool looks_secret(const char *name)
{
	static const char *const words[] = {"PASSWORD", "SECRET",      "TOKEN",	     "API_KEY",
					    "APIKEY",	"PRIVATE_KEY", "CREDENTIAL", NULL};
	char up[128];
	size_t i = 0;
	for (; i < sizeof(up) - 1 && name[i]; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[i] = '\0';
	for (int w = 0; words[w]; w++)
		if (strstr(up, words[w]))
			return true;
	return false;
}

static void task_definition(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i, k;
	json_t *ct, *e;
	json_array_foreach (json_object_get(p, "ContainerDefinitions"), i, ct) {
		const char *name = jstr(json_object_get(ct, "Name")) ?: "?";
		if (!jtrue(json_object_get(ct, "ReadonlyRootFilesystem")))
			check_report(c, &ro_root, id, "ContainerDefinitions",
				     "container '%s' of '%s' has a writable root", name, id);
		if (jtrue(json_object_get(ct, "Privileged")))
			check_report(c, &privileged, id, "ContainerDefinitions",
				     "container '%s' of '%s' is privileged", name, id);
		const char *user = jstr(json_object_get(ct, "User"));
		if (!user || !strcmp(user, "root") || !strcmp(user, "0") || !strncmp(user, "0:", 2))
			check_report(c, &root_user, id, "ContainerDefinitions",
				     "container '%s' of '%s' runs as root", name, id);
		if (!json_object_get(ct, "LogConfiguration"))
			check_report(c, &no_logs, id, "ContainerDefinitions",
				     "container '%s' of '%s' has no logs", name, id);
		json_array_foreach (json_object_get(ct, "Environment"), k, e) {
			const char *n = jstr(json_object_get(e, "Name"));
			if (n && looks_secret(n))
				check_report(c, &env_secret, id, "ContainerDefinitions",
					     "container '%s' of '%s' has %s in plain environment",
					     name, id, n);
		}
	}
	(void)r;
}

static void service(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!strcmp(jstr(jget(p, "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp")) ?: "",
		    "ENABLED"))
		check_report(c, &public_task, id, "NetworkConfiguration",
			     "service '%s' gives its tasks public IPs", id);
	(void)r;
}

static void cluster(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *s;
	bool on = false;
	json_array_foreach (json_object_get(p, "ClusterSettings"), i, s) {
		const char *v = jstr(json_object_get(s, "Value")) ?: "";
		if (!strcmp(jstr(json_object_get(s, "Name")) ?: "", "containerInsights") &&
		    (!strcmp(v, "enabled") || !strcmp(v, "enhanced")))
			on = true;
	}
	if (!on)
		check_report(c, &insights, id, "ClusterSettings",
			     "cluster '%s' has no Container Insights", id);
	(void)r;
}

const struct resource_rule check_rules_ecs[] = {
	{&ro_root, "AWS::ECS::TaskDefinition", task_definition},
	{&privileged, "-", NULL},
	{&root_user, "-", NULL},
	{&no_logs, "-", NULL},
	{&env_secret, "-", NULL},
	{&public_task, "AWS::ECS::Service", service},
	{&insights, "AWS::ECS::Cluster", cluster},
	{NULL, NULL, NULL},
};
