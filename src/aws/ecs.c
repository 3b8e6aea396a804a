/* ECS and Application Auto Scaling (ecs.h), through aws_json_call. */
#include "aws/ecs.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/describe.h"
#include "base/common.h"
#include "base/xalloc.h"

#define ECS_TARGET "AmazonEC2ContainerServiceV20141113."
#define AAS_TARGET "AnyScaleFrontendService."
#define AAS_DIMENSION "ecs:service:DesiredCount"

void ecs_service_release(struct ecs_service *s)
{
	free(s->name);
	free(s->status);
	free(s->rollout_state);
	free(s->rollout_reason);
	free(s->last_event);
	memset(s, 0, sizeof(*s));
}

bool ecs_service_stable(const struct ecs_service *s)
{
	return s->deployments == 1 && s->running == s->desired;
}

static char *jdup(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static long jlong(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? (long)json_number_value(v) : 0;
}

int ecs_describe_service(struct aws_client *c, const char *cluster, const char *service,
			 struct ecs_service *out, struct diag_list *dl)
{
	json_t *in = json_pack("{ss s[s]}", "cluster", cluster, "services", service), *ans;
	int rc = aws_json_call(c, "ecs", ECS_TARGET "DescribeServices", in, &ans, dl);
	json_decref(in);
	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return -1;
	json_t *s = json_array_get(json_object_get(ans, "services"), 0);
	if (!json_is_object(s)) {
		/* failures: [{"arn", "reason": "MISSING"}] for a service that does not exist */
		json_decref(ans);
		return 0;
	}
	out->name = jdup(s, "serviceName");
	out->status = jdup(s, "status");
	out->desired = jlong(s, "desiredCount");
	out->running = jlong(s, "runningCount");
	out->pending = jlong(s, "pendingCount");
	size_t i;
	json_t *d;
	json_array_foreach (json_object_get(s, "deployments"), i, d) {
		out->deployments++;
		const json_t *st = json_object_get(d, "status");
		if (json_is_string(st) && !strcmp(json_string_value(st), "PRIMARY")) {
			out->rollout_state = jdup(d, "rolloutState");
			out->rollout_reason = jdup(d, "rolloutStateReason");
		}
	}
	out->last_event = jdup(json_array_get(json_object_get(s, "events"), 0), "message");
	json_decref(ans);
	return 1;
}

int ecs_update_desired_count(struct aws_client *c, const char *cluster, const char *service,
			     long desired, struct diag_list *dl)
{
	json_t *in = json_pack("{ss ss sI}", "cluster", cluster, "service", service, "desiredCount",
			       (json_int_t)desired),
	       *ans;
	int rc = aws_json_call(c, "ecs", ECS_TARGET "UpdateService", in, &ans, dl);
	json_decref(in);
	json_decref(ans);
	return rc;
}

static char *resource_id(const char *cluster, const char *service)
{
	return xstrfmt("service/%s/%s", cluster, service);
}

int aas_describe_ecs_target(struct aws_client *c, const char *cluster, const char *service,
			    struct aas_target *out, struct diag_list *dl)
{
	char *id = resource_id(cluster, service);
	json_t *in = json_pack("{ss s[s] ss}", "ServiceNamespace", "ecs", "ResourceIds", id,
			       "ScalableDimension", AAS_DIMENSION),
	       *ans;
	int rc = aws_json_call(c, "application-autoscaling", AAS_TARGET "DescribeScalableTargets",
			       in, &ans, dl);
	json_decref(in);
	free(id);
	memset(out, 0, sizeof(*out));
	if (rc == 0) {
		json_t *t = json_array_get(json_object_get(ans, "ScalableTargets"), 0);
		if (json_is_object(t)) {
			out->registered = true;
			out->min = jlong(t, "MinCapacity");
			out->max = jlong(t, "MaxCapacity");
		}
	}
	json_decref(ans);
	return rc;
}

int aas_register_ecs_target(struct aws_client *c, const char *cluster, const char *service,
			    long min, long max, struct diag_list *dl)
{
	char *id = resource_id(cluster, service);
	json_t *in = json_pack("{ss ss ss sI sI}", "ServiceNamespace", "ecs", "ResourceId", id,
			       "ScalableDimension", AAS_DIMENSION, "MinCapacity", (json_int_t)min,
			       "MaxCapacity", (json_int_t)max),
	       *ans;
	int rc = aws_json_call(c, "application-autoscaling", AAS_TARGET "RegisterScalableTarget",
			       in, &ans, dl);
	json_decref(in);
	free(id);
	json_decref(ans);
	return rc;
}
