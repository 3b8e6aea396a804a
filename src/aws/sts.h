/*
 * The AWS STS calls the credential chain and the account check need, over
 * the signed client (Query API, Version=2011-06-15, form-encoded POST, XML
 * answers): AssumeRole, AssumeRoleWithWebIdentity (sent unsigned, as the
 * SDKs do: it needs no keys) and GetCallerIdentity.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *
 * Every function returns 0, or -1 with a diagnostic "STS ACTION: ..."; the
 * keys handed out are never part of one.
 */
#ifndef SM_AWS_STS_H
#define SM_AWS_STS_H

#include <stddef.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "base/diag.h"

#define STS_API_VERSION "2011-06-15"

/*
 * Where STS is: `flag_url` (--endpoint-url), else AWS_ENDPOINT_URL_STS, else
 * AWS_ENDPOINT_URL, else NULL (the regional endpoint
 * https://sts.REGION.amazonaws.com). The order of the AWS docs' "Service-
 * specific endpoints": command line, service variable, global variable.
 */
const char *aws_sts_endpoint_url(const char *flag_url);
/* The same rule for another service's variable (AWS_ENDPOINT_URL_SSO). */
const char *aws_service_endpoint_url(const char *flag_url, const char *service_var);

struct sts_assume_role_input {
	const char *role_arn;
	const char *session_name;	/* RoleSessionName */
	const char *external_id;	/* or NULL */
	int duration_seconds;		/* 0: STS's default (3600) */
	const char *serial_number;	/* mfa_serial, or NULL */
	const char *token_code;		/* the MFA code, with serial_number */
	const char *web_identity_token; /* AssumeRoleWithWebIdentity only */
};

/* The keys and expiration into out->access_key, secret_key, session_token, expiration. */
int sts_assume_role(struct aws_client *c, const struct sts_assume_role_input *in,
		    struct aws_creds *out, struct diag_list *dl);
int sts_assume_role_with_web_identity(struct aws_client *c, const struct sts_assume_role_input *in,
				      struct aws_creds *out, struct diag_list *dl);

struct sts_identity {
	char *account, *arn, *user_id;
};

int sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct diag_list *dl);
void sts_identity_release(struct sts_identity *id);

/* The parsers, for tests: `action` is "AssumeRole" or "AssumeRoleWithWebIdentity". */
int sts_parse_credentials(const char *xml, size_t len, const char *action, struct aws_creds *out,
			  struct diag_list *dl);
int sts_parse_caller_identity(const char *xml, size_t len, struct sts_identity *out,
			      struct diag_list *dl);
/* The form body of AssumeRole / AssumeRoleWithWebIdentity. */
void sts_assume_role_body(const char *action, const struct sts_assume_role_input *in,
			  struct strbuf *out);

#endif
