/*
 * AWS Backup, with the defaults a security engineer expects (the CDK's
 * backup.BackupVault, BackupPlan with a daily rule and addSelection):
 *
 *   backup_vault_new  encrypted with a customer key, kept when its stack
 *                     goes (AWS Backup refuses to delete a vault that holds
 *                     recovery points), named "<stack>-vault-<first group of
 *                     the stack's ID>": a vault name is unique in the
 *                     account and region, and a retained vault keeps it
 *                     (CreateBackupVault, backupVaultName)
 *   backup_plan_new   one daily rule into a vault, recovery points deleted
 *                     after `delete_after_days`, each optionally copied to a
 *                     vault of another region; the resources selected by
 *                     their ARNs, backed up by a role AWS Backup assumes
 *                     with AWS's service policies for backups and restores
 *                     of RDS and S3
 *
 * Logical IDs come from the caller's `id`. Handles are borrowed.
 */
#ifndef SM_CONSTRUCT_BACKUP_H
#define SM_CONSTRUCT_BACKUP_H

#include "engine/engine.h"

#define BACKUP_MAX_RESOURCES 8

struct backup_vault_props {
	const struct sm_resource *kms_key; /* required: EncryptionKeyArn */
	const char *removal_policy;	   /* default "Retain" */
};
struct sm_resource *backup_vault_new(struct sm_stack *s, const char *id,
				     const struct backup_vault_props *props);

struct backup_plan_props {
	const struct sm_resource *vault; /* required: TargetBackupVault */
	int delete_after_days;		 /* required: the rule's Lifecycle */
	const char *schedule;		 /* default "cron(0 5 * * ? *)": daily, 05:00 UTC */
	int start_window_minutes;	 /* default 60 */
	int completion_window_minutes;	 /* default 180 */
	/* NULL: no copy; else each recovery point is copied there, kept as long */
	const struct sm_resource *copy_to;
	const char *selection_name; /* required */
	/*
	 * What is backed up, NULL-terminated within the array: RDS instances
	 * (their DBInstanceArn) and S3 buckets (their Arn); at least one.
	 */
	const struct sm_resource *resources[BACKUP_MAX_RESOURCES];
};

struct backup_plan {
	struct sm_resource *plan;      /* <id>Plan, named "${AWS::StackName}-daily" */
	struct sm_resource *role;      /* <id>Role (and its policy) */
	struct sm_resource *selection; /* <id>Selection */
};
void backup_plan_new(struct sm_stack *s, const char *id, const struct backup_plan_props *props,
		     struct backup_plan *out);

#endif
