/*
 * solemate whoami: which AWS account and principal the credentials are
 * (STS GetCallerIdentity, like `aws sts get-caller-identity`), and which
 * source of the chain supplied them (creds.h). No key, secret or token is
 * ever printed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/sts.h"
#include "base/common.h"
#include "base/json_io.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"

/* With no region anywhere, STS's own: us-east-1 (the global endpoint's). */
#define WHOAMI_FALLBACK_REGION "us-east-1"

static const struct cli_command_doc whoami_doc = {
	.name = "whoami",
	.description =
		"Show the AWS account, the ARN and the user ID the credentials belong to\n"
		"(STS GetCallerIdentity), and which source of the credential chain supplied\n"
		"them: environment, web-identity, a profile (static keys, assume-role,\n"
		"credential_process, sso), container or ec2-instance-metadata.\n",
	.after = "STS is reached at --endpoint-url, else AWS_ENDPOINT_URL_STS, else\n"
		 "AWS_ENDPOINT_URL.\n",
	.exit = "0 shown; 1 when STS refuses the credentials; 2 when there are none\n",
};

static void iso_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_whoami(int argc, char **argv)
{
	struct cli_aws_opts ao = {0};
	bool json = false;
	const char *format = "text";
	const struct cli_option options[] = {
		OPT_CHOICE(0, "format", &format, "text|json", "output format (default: text)"),
		OPT_SET_STRING("json", &format, "json", "the same as --format json"),
		OPT_AWS(&ao),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &whoami_doc);
	if (n < 0)
		return cli_parse_exit(n);
	json = !strcmp(format, "json");
	struct diag_list dl = DIAG_LIST_INIT;
	struct cli_aws ca;
	if (cli_aws_open(&ca, &ao, WHOAMI_FALLBACK_REGION, &dl) < 0) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	struct sts_identity id;
	int code = SM_EXIT_OK;
	if (cli_aws_identity(&ca, &id, &dl) < 0) {
		diag_add(&dl, DIAG_NOTE, NULL, 0, 0, NULL, "the credentials came from %s",
			 ca.s.creds.source);
		cli_print_diags(&dl);
		code = SM_EXIT_FINDINGS;
		goto out;
	}
	char expires[32] = "";
	if (ca.s.creds.expiration)
		iso_time(ca.s.creds.expiration, expires);
	if (json) {
		json_t *o = json_pack("{ss ss ss* ss ss* ss}", "account", id.account, "arn", id.arn,
				      "userId", id.user_id, "source", ca.s.creds.source, "profile",
				      ca.s.creds.profile, "region", ca.s.creds.region);
		if (*expires)
			json_object_set_new(o, "expiration", json_string(expires));
		char *s = jio_dump_json(o, NULL);
		fputs(s, stdout);
		free(s);
		json_decref(o);
	} else {
		printf("account  %s\n", id.account);
		printf("arn      %s\n", id.arn);
		if (id.user_id)
			printf("user id  %s\n", id.user_id);
		printf("source   %s\n", ca.s.creds.source);
		if (ca.s.creds.profile)
			printf("profile  %s\n", ca.s.creds.profile);
		printf("region   %s\n", ca.s.creds.region);
		if (*expires)
			printf("expires  %s\n", expires);
	}
	sts_identity_release(&id);
out:
	cli_aws_close(&ca);
	diag_list_release(&dl);
	return cli_finish_stdout(code);
}
