/* The bootstrap stack (toolkit.h). */
#include "constructs/toolkit.h"
#include "base/common.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

struct sm_stack *toolkit_stack_new(struct sm_app *app, const char *name, const char *account,
				   const char *region)
{
	struct sm_stack *s = sm_stack_new(
		app, name,
		&(struct sm_stack_props){
			.account = account,
			.region = region,
			.description =
				"solemate bootstrap: the bucket deploy uploads large templates to",
			.termination_protection = true});
	struct bucket b;
	/* a template is read once, when its change set is created */
	static const struct bucket_lifecycle_rule rules[] = {
		{.id = "DeleteOldVersions", .noncurrent_days = 30},
		{.id = "AbortIncompleteUploads", .abort_incomplete_days = 1},
		{.id = "ExpireTemplates", .prefix = "templates/", .expiration_days = 365},
		{0}};
	bucket_new(s, "TemplatesBucket",
		   &(struct bucket_props){.lifecycle = rules, .retain_policy = "Retain"}, &b);
	/*
	 * A fixed name: deploy finds it from the stack's output anyway, but a
	 * named bucket survives the stack (Retain) recognisably, and updating
	 * an unnamed bucket trips moto (../shared/notes/moto.md).
	 */
	sm_resource_set(b.bucket, "BucketName",
			sm_fn_sub("solemate-toolkit-${AWS::AccountId}-${AWS::Region}"));
	accept_finding(b.bucket, "SM-S3-006",
		       "templates only: access logging would need a second bucket per "
		       "region for objects CloudFormation reads once");
	sm_stack_add_output(s, "BucketName", sm_ref(b.bucket),
			    "the bucket solemate deploy uploads templates to", NULL);
	return s;
}
