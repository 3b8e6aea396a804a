/* AWS Backup vaults and plans (backup.h). */
#include "constructs/backup.h"

#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

#define DAILY_AT_FIVE_UTC "cron(0 5 * * ? *)"
#define START_WINDOW_MINUTES 60
#define COMPLETION_WINDOW_MINUTES 180

/*
 * "<stack>-vault-<first group of the stack's ID>": a vault outlives its stack
 * (AWS Backup refuses to delete one that holds recovery points), and its
 * name is unique in the account and region (CreateBackupVault,
 * backupVaultName), so a fixed "<stack>-vault" made the next CREATE of the
 * same stack fail with AlreadyExistsException: an environment destroyed and
 * deployed again could not be rebuilt. The stack ID's first group (8 hex
 * digits) keeps the name within the 50 characters the API allows.
 */
static json_t *vault_name(void)
{
	return sm_fn_join(
		"-", json_pack("[o s o]", sm_aws_stack_name(), "vault", sm_stack_instance_id()));
}

struct sm_resource *backup_vault_new(struct sm_stack *s, const char *id,
				     const struct backup_vault_props *p)
{
	struct sm_resource *vault =
		sm_resource_new(s, id, "AWS::Backup::BackupVault",
				json_pack("{so so}", "BackupVaultName", vault_name(),
					  "EncryptionKeyArn", sm_getatt(p->kms_key, "Arn")));
	secure_retain(vault, p->removal_policy ? p->removal_policy : "Retain");
	return vault;
}

/* The ARN AWS Backup selects a resource by; NULL for a type this construct does not back up. */
static json_t *resource_arn(const struct sm_resource *r)
{
	if (!strcmp(sm_resource_type(r), "AWS::RDS::DBInstance"))
		return sm_getatt(r, "DBInstanceArn");
	if (!strcmp(sm_resource_type(r), "AWS::S3::Bucket"))
		return sm_getatt(r, "Arn");
	return NULL;
}

/* The selection's ARNs, or NULL (none, or one of a type not backed up): the pack fails naming it.
 */
static json_t *selected_arns(const struct backup_plan_props *p)
{
	json_t *arns = json_array();
	for (int i = 0; i < BACKUP_MAX_RESOURCES && p->resources[i]; i++) {
		json_t *arn = resource_arn(p->resources[i]);
		if (!arn) {
			json_decref(arns);
			return NULL;
		}
		json_array_append_new(arns, arn);
	}
	if (!json_array_size(arns)) {
		json_decref(arns);
		return NULL;
	}
	return arns;
}

/*
 * The role AWS Backup assumes: AWS's service policies for backups and
 * restores of the types it supports (RDS) and of S3, whose backups need
 * their own (AWS Backup developer guide, "Managed policies for AWS Backup").
 */
static struct sm_resource *backup_role(struct sm_stack *s, const char *id)
{
	static const char *const managed[] = {"service-role/AWSBackupServiceRolePolicyForBackup",
					      "service-role/AWSBackupServiceRolePolicyForRestores",
					      "AWSBackupServiceRolePolicyForS3Backup",
					      "AWSBackupServiceRolePolicyForS3Restore", NULL};
	char *rid = xstrfmt("%sRole", id);
	struct sm_resource *role = iam_role_new(s, rid, "backup.amazonaws.com", NULL, managed);
	free(rid);
	/*
	 * cdk-nag's own: AwsSolutions-IAM4 flags any AWS managed policy, and no
	 * rule of ours does (SM-IAM-005 answers to it for AdministratorAccess only)
	 */
	nag_suppress(role,
		     "the AWS Backup service policies, maintained by AWS for the resource types "
		     "Backup supports (RDS, S3)",
		     "AwsSolutions-IAM4", NULL);
	return role;
}

void backup_plan_new(struct sm_stack *s, const char *id, const struct backup_plan_props *p,
		     struct backup_plan *out)
{
	json_t *rule =
		json_pack("{ss so ss si si s{si}}", "RuleName", "Daily", "TargetBackupVault",
			  sm_ref(p->vault), "ScheduleExpression",
			  p->schedule ? p->schedule : DAILY_AT_FIVE_UTC, "StartWindowMinutes",
			  p->start_window_minutes ? p->start_window_minutes : START_WINDOW_MINUTES,
			  "CompletionWindowMinutes",
			  p->completion_window_minutes ? p->completion_window_minutes
						       : COMPLETION_WINDOW_MINUTES,
			  "Lifecycle", "DeleteAfterDays", p->delete_after_days);
	/*
	 * A copy in another region outlives both the region and a logical
	 * error a replica would have replicated (AWS Backup, "Creating backup
	 * copies across AWS Regions").
	 */
	if (p->copy_to)
		json_object_set_new(rule, "CopyActions",
				    json_pack("[{so s{si}}]", "DestinationBackupVaultArn",
					      sm_getatt(p->copy_to, "BackupVaultArn"), "Lifecycle",
					      "DeleteAfterDays", p->delete_after_days));
	char *rid = xstrfmt("%sPlan", id);
	out->plan = sm_resource_new(s, rid, "AWS::Backup::BackupPlan",
				    json_pack("{s{so s[o]}}", "BackupPlan", "BackupPlanName",
					      sm_fn_sub("${AWS::StackName}-daily"),
					      "BackupPlanRule", rule));
	free(rid);
	out->role = backup_role(s, id);
	rid = xstrfmt("%sSelection", id);
	out->selection = sm_resource_new(
		s, rid, "AWS::Backup::BackupSelection",
		json_pack("{so s{ss so so}}", "BackupPlanId", sm_ref(out->plan), "BackupSelection",
			  "SelectionName", p->selection_name, "IamRoleArn",
			  sm_getatt(out->role, "Arn"), "Resources", selected_arns(p)));
	free(rid);
}
