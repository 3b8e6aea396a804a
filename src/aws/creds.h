/*
 * AWS credentials and region, found the way the AWS SDKs' default chain
 * finds them, in its order (botocore's create_credential_resolver):
 *
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *      (+ AWS_SESSION_TOKEN), unless a profile is named explicitly;
 *   2. the profile's role_arn: STS AssumeRole with the keys of its
 *      source_profile (itself resolved the same way, chains of any length up
 *      to AWS_CREDS_MAX_HOPS) or its credential_source (Environment,
 *      Ec2InstanceMetadata, EcsContainer), with external_id,
 *      role_session_name, duration_seconds and mfa_serial (the code asked of
 *      opts->mfa_prompt); or its web_identity_token_file;
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      (+ AWS_ROLE_SESSION_NAME): STS AssumeRoleWithWebIdentity, unsigned;
 *   4. the profile's SSO (sso_session -> [sso-session NAME], or the legacy
 *      sso_start_url): the AWS CLI's token cache
 *      ~/.aws/sso/cache/<sha1 of the session name or start URL>.json, then
 *      the portal's GetRoleCredentials; an expired token is refused with
 *      "run aws sso login --profile X";
 *   5. static keys of [PROFILE] in the shared credentials file
 *      (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials);
 *   6. the profile's credential_process (run without a shell, its JSON read);
 *   7. static keys of the profile's section of the config file
 *      (AWS_CONFIG_FILE, default ~/.aws/config);
 *   8. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
 *      169.254.170.2) or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 *      or AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   9. EC2 instance metadata with an IMDSv2 token (not when
 *      AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT
 *      moves it).
 *
 * PROFILE is opts->profile (--profile), else AWS_PROFILE, else
 * AWS_DEFAULT_PROFILE, else "default". An explicit profile (flag or
 * AWS_PROFILE) wins over the environment keys. The region is opts->region
 * (--region), else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's
 * `region`, else opts->fallback_region.
 *
 * STS is reached at opts->endpoint_url (--endpoint-url), else
 * AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else sts.REGION.amazonaws.com
 * (aws_sts_endpoint_url); the SSO portal likewise with AWS_ENDPOINT_URL_SSO.
 *
 * Temporary keys (every source but static keys) carry their expiration and
 * a provider: the client asks aws_creds_keys() at each request, which
 * fetches new keys from the same source when the old ones are near their
 * end. Thread-safe.
 *
 * Secrets never appear in diagnostics: messages name the variable, file,
 * profile or URL, never a key, secret, session token or bearer token.
 */
#ifndef SM_AWS_CREDS_H
#define SM_AWS_CREDS_H

#include <stddef.h>
#include <time.h>

#include "base/diag.h"

/* Roles assumed one from another: a longer chain is a loop in the profiles. */
#define AWS_CREDS_MAX_HOPS 8

struct aws_creds_provider;

struct aws_creds {
	char *access_key; /* the keys first found; signing asks aws_creds_keys() */
	char *secret_key;
	char *session_token; /* NULL when none */
	char *region;
	char *profile;	   /* the profile used, or NULL (environment, container, instance) */
	char *source;	   /* which source of the chain, for messages and whoami (below) */
	time_t expiration; /* 0: the keys do not expire */
	/*
	 * Set for keys that expire: owned by the aws_creds that aws_creds_load
	 * filled (aws_creds_release frees it); shallow copies borrow it.
	 */
	struct aws_creds_provider *provider;
};

/*
 * Ask the user for the MFA code of `serial` (a terminal prompt). Writes a
 * NUL-terminated code into `code`; 0, or -1 when no code can be had (no
 * terminal, end of input).
 */
typedef int (*aws_mfa_prompt_fn)(const char *profile, const char *serial, char *code, size_t size,
				 void *arg);

struct aws_creds_opts {
	const char *profile;	      /* --profile, or NULL */
	const char *region;	      /* --region, or NULL */
	const char *fallback_region;  /* used when nothing else names one, may be NULL */
	const char *endpoint_url;     /* --endpoint-url, or NULL (see aws_sts_endpoint_url) */
	aws_mfa_prompt_fn mfa_prompt; /* NULL: a profile with mfa_serial is refused */
	void *mfa_arg;
};

/*
 * 0, or -1 with a diagnostic saying what to set (no keys found, a profile
 * that does not exist, a file that cannot be parsed, a source that failed,
 * no region). `source` is one of: "environment", "web-identity",
 * "profile NAME (FILE)", "profile NAME (assume-role ROLE_ARN)",
 * "profile NAME (credential_process)", "profile NAME (sso)",
 * "container", "ec2-instance-metadata (ROLE)".
 */
int aws_creds_load(const struct aws_creds_opts *opts, struct aws_creds *out, struct diag_list *dl);
void aws_creds_release(struct aws_creds *c);

/* The keys to sign with at this moment: copies, wiped on release. */
struct aws_keys {
	char *access_key, *secret_key, *session_token;
};

/*
 * The keys of `c` now: its provider's (refreshed first when they expire
 * within AWS_CREDS_REFRESH_MARGIN seconds, or within half their lifetime
 * for keys that live shorter than twice that), else its own. 0, or -1 when
 * the refresh failed and the old keys have expired (diagnostic).
 */
#define AWS_CREDS_REFRESH_MARGIN 300
int aws_creds_keys(const struct aws_creds *c, struct aws_keys *out, struct diag_list *dl);
void aws_keys_release(struct aws_keys *k);

/* How often the provider of `c` fetched keys (1 for the first), for tests. */
unsigned aws_creds_fetch_count(const struct aws_creds *c);

/* "2026-12-03T21:54:48Z", "...48.123Z", "...+00:00", "...UTC": seconds since the epoch, or -1. */
time_t aws_parse_time(const char *s);

#endif
