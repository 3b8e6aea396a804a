/*
 * The sources of the credential chain that run a program or talk HTTP
 * (creds_sources.c), for creds.c. Each returns 1 with out's keys,
 * expiration and source set, 0 when the source is not configured, -1 with
 * a diagnostic that names the source and never a key or token.
 */
#ifndef SM_AWS_CREDS_INTERNAL_H
#define SM_AWS_CREDS_INTERNAL_H

#include "aws/creds.h"
#include "base/diag.h"
#include "base/strbuf.h"

/* credential_process: the command split like a shell would (no shell), its JSON read. */
int creds_from_process(const char *profile, const char *command, struct aws_creds *out,
		       struct diag_list *dl);

struct creds_sso {
	const char *profile;	   /* for messages: "aws sso login --profile X" */
	const char *session;	   /* sso_session, or NULL for the legacy form */
	const char *start_url;	   /* sso_start_url */
	const char *sso_region;	   /* sso_region */
	const char *account_id;	   /* sso_account_id */
	const char *role_name;	   /* sso_role_name */
	const char *endpoint_flag; /* --endpoint-url, or NULL */
};

/* The AWS CLI's cached SSO token, then the portal's GetRoleCredentials. */
int creds_from_sso(const struct creds_sso *sso, struct aws_creds *out, struct diag_list *dl);

/* AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI (0 when neither is set). */
int creds_from_container(struct aws_creds *out, struct diag_list *dl);

/* EC2 instance metadata, IMDSv2 (0 when disabled or not reachable). */
int creds_from_imds(struct aws_creds *out, struct diag_list *dl);

/* The whole file into `out`; -1 with errno set. */
int creds_read_file(const char *path, struct strbuf *out);

/* The container endpoint for a RELATIVE_URI or FULL_URI, for tests; NULL when unset. */
char *creds_container_url(const char *relative, const char *full);

#endif
