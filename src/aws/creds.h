/*
 * AWS credentials and region, found the way the AWS CLI finds them:
 *
 *   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *   2. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default
 *      ~/.aws/credentials), section [PROFILE];
 *   3. the config file (AWS_CONFIG_FILE, default ~/.aws/config), section
 *      [profile PROFILE] ([default] for the default profile).
 *
 * PROFILE is opts->profile (--profile), else AWS_PROFILE, else
 * AWS_DEFAULT_PROFILE, else "default". An explicit profile (flag or
 * AWS_PROFILE) wins over the environment keys, as in the AWS CLI.
 * The region is opts->region (--region), else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the profile's `region` in the config file, else
 * opts->fallback_region (the environment config's region).
 *
 * Secrets never appear in diagnostics: messages name the variable or file,
 * never a value.
 */
#ifndef SM_AWS_CREDS_H
#define SM_AWS_CREDS_H

#include "base/diag.h"

struct aws_creds {
	char *access_key;
	char *secret_key;
	char *session_token; /* NULL when none */
	char *region;
	char *profile; /* the profile used, or NULL for environment keys */
	char *source;  /* where the keys came from, for messages: "environment", a file path */
};

struct aws_creds_opts {
	const char *profile;         /* --profile, or NULL */
	const char *region;          /* --region, or NULL */
	const char *fallback_region; /* used when nothing else names one, may be NULL */
};

/*
 * 0, or -1 with a diagnostic saying what to set (no keys found, a profile
 * that does not exist, a file that cannot be parsed, no region).
 */
int aws_creds_load(const struct aws_creds_opts *opts, struct aws_creds *out, struct diag_list *dl);
void aws_creds_release(struct aws_creds *c);

#endif
