/*
 * STS (sts.h): form bodies as the API reference names the parameters,
 * answers parsed like CloudFormation's (aws_xml_result).
 */
#include "aws/dynlib.h" /* first: libxml2 through the pointers loaded on first use */

#include "aws/sts.h"

#include <stdlib.h>
#include <string.h>

#include "aws/cfn_parse.h"
#include "aws/xml.h"
#include "base/common.h"
#include "base/xalloc.h"

const char *aws_service_endpoint_url(const char *flag_url, const char *service_var)
{
	if (flag_url && *flag_url)
		return flag_url;
	const char *v = getenv(service_var);
	if (v && *v)
		return v;
	v = getenv("AWS_ENDPOINT_URL");
	return v && *v ? v : NULL;
}

const char *aws_sts_endpoint_url(const char *flag_url)
{
	return aws_service_endpoint_url(flag_url, "AWS_ENDPOINT_URL_STS");
}

static void body_start(struct strbuf *sb, const char *action)
{
	strbuf_addf(sb, "Action=%s&Version=%s", action, STS_API_VERSION);
}

void sts_assume_role_body(const char *action, const struct sts_assume_role_input *in,
			  struct strbuf *out)
{
	body_start(out, action);
	if (in->duration_seconds > 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", in->duration_seconds);
		cfn_body_add(out, "DurationSeconds", n);
	}
	cfn_body_add(out, "ExternalId", in->external_id);
	cfn_body_add(out, "RoleArn", in->role_arn);
	cfn_body_add(out, "RoleSessionName", in->session_name);
	if (in->serial_number && in->token_code) {
		cfn_body_add(out, "SerialNumber", in->serial_number);
		cfn_body_add(out, "TokenCode", in->token_code);
	}
	cfn_body_add(out, "WebIdentityToken", in->web_identity_token);
}

static int post(struct aws_client *c, const struct strbuf *body, bool anonymous,
		struct aws_response *resp, struct diag_list *dl)
{
	struct aws_request req = {
		.service = "sts",
		.method = "POST",
		.path = "/",
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.body = body->buf,
		.body_len = body->len,
		.anonymous = anonymous,
	};
	aws_response_init(resp);
	return aws_send(c, &req, resp, dl);
}

int sts_parse_credentials(const char *xml, size_t len, const char *action, struct aws_creds *out,
			  struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = aws_xml_result(xml, len, "STS", action, &doc, dl);
	if (!r)
		return -1;
	xmlNodePtr cr = aws_xml_child(r, "Credentials");
	char *ak = aws_xml_path_text(cr, "AccessKeyId");
	char *sk = aws_xml_path_text(cr, "SecretAccessKey");
	char *token = aws_xml_path_text(cr, "SessionToken");
	char *exp = aws_xml_path_text(cr, "Expiration");
	time_t t = exp ? aws_parse_time(exp) : -1;
	free(exp);
	xmlFreeDoc(doc);
	if (!ak || !sk || !token || t < 0) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "STS %s: the answer lacks %s", action,
			 !ak	  ? "Credentials/AccessKeyId"
			 : !sk	  ? "Credentials/SecretAccessKey"
			 : !token ? "Credentials/SessionToken"
				  : "a valid Credentials/Expiration");
		free(ak);
		if (sk)
			explicit_bzero(sk, strlen(sk));
		free(sk);
		if (token)
			explicit_bzero(token, strlen(token));
		free(token);
		return -1;
	}
	out->access_key = ak;
	out->secret_key = sk;
	out->session_token = token;
	out->expiration = t;
	return 0;
}

static int assume(struct aws_client *c, const char *action, const struct sts_assume_role_input *in,
		  struct aws_creds *out, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	struct aws_response resp;
	sts_assume_role_body(action, in, &body);
	bool anonymous = !strcmp(action, "AssumeRoleWithWebIdentity");
	int rc = post(c, &body, anonymous, &resp, dl);
	/* the body holds the web identity token or the MFA code */
	explicit_bzero(body.buf, body.len);
	strbuf_release(&body);
	if (rc == 0)
		rc = sts_parse_credentials(resp.body.buf, resp.body.len, action, out, dl);
	if (resp.body.len)
		explicit_bzero(resp.body.buf, resp.body.len);
	aws_response_release(&resp);
	return rc;
}

int sts_assume_role(struct aws_client *c, const struct sts_assume_role_input *in,
		    struct aws_creds *out, struct diag_list *dl)
{
	return assume(c, "AssumeRole", in, out, dl);
}

int sts_assume_role_with_web_identity(struct aws_client *c, const struct sts_assume_role_input *in,
				      struct aws_creds *out, struct diag_list *dl)
{
	return assume(c, "AssumeRoleWithWebIdentity", in, out, dl);
}

int sts_parse_caller_identity(const char *xml, size_t len, struct sts_identity *out,
			      struct diag_list *dl)
{
	xmlDocPtr doc;
	memset(out, 0, sizeof(*out));
	xmlNodePtr r = aws_xml_result(xml, len, "STS", "GetCallerIdentity", &doc, dl);
	if (!r)
		return -1;
	out->account = aws_xml_path_text(r, "Account");
	out->arn = aws_xml_path_text(r, "Arn");
	out->user_id = aws_xml_path_text(r, "UserId");
	xmlFreeDoc(doc);
	if (!out->account || !out->arn) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "STS GetCallerIdentity: the answer lacks %s",
			 !out->account ? "Account" : "Arn");
		sts_identity_release(out);
		return -1;
	}
	return 0;
}

int sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	struct aws_response resp;
	memset(out, 0, sizeof(*out));
	body_start(&body, "GetCallerIdentity");
	int rc = post(c, &body, false, &resp, dl);
	strbuf_release(&body);
	if (rc == 0)
		rc = sts_parse_caller_identity(resp.body.buf, resp.body.len, out, dl);
	aws_response_release(&resp);
	return rc;
}

void sts_identity_release(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}
