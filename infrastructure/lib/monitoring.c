/*
 * FR-6 monitoring (the topic only, for now; alarms and dashboard follow).
 */
#include "lib/monitoring.h"

#include <stdlib.h>

#include "base/xalloc.h"

struct sm_resource *monitoring_add_topic(struct sm_stack *data, const struct env_config *cfg,
					 const struct security_keys *keys)
{
	struct sm_resource *t = sm_resource_new(
		data, "AlarmTopic", "AWS::SNS::Topic",
		json_pack("{so ss}", "KmsMasterKeyId", sm_getatt(keys->logs_key, "Arn"),
			  "DisplayName", "SoleMate alarms"));
	sm_resource_new(data, "AlarmTopicPolicy", "AWS::SNS::TopicPolicy",
			json_pack("{s[o] s{ss s[{ss ss s{ss} ss so s{s{ss}}}]}}", "Topics",
				  sm_ref(t), "PolicyDocument", "Version", "2012-10-17",
				  "Statement", "Sid", "DenyInsecureTransport", "Effect", "Deny",
				  "Principal", "AWS", "*", "Action", "sns:Publish", "Resource",
				  sm_ref(t), "Condition", "Bool", "aws:SecureTransport",
				  "false"));
	sm_resource_new(data, "AlarmEmail", "AWS::SNS::Subscription",
			json_pack("{so ss ss}", "TopicArn", sm_ref(t), "Protocol", "email",
				  "Endpoint", cfg->alarm_email));
	sm_stack_add_output(data, "AlarmTopicArn", sm_ref(t), "Where alarms are sent", NULL);
	return t;
}

int monitoring_build(struct sm_stack *stack, struct sm_stack *edge_stack,
		     struct sm_stack *baseline, const struct env_config *cfg,
		     const struct security_keys *keys, struct sm_resource *topic,
		     const struct compute *cp, const struct database *db,
		     const struct edge *edge, struct diag_list *dl)
{
	return 0;
}
