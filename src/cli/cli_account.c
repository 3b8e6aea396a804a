/*
 * Who the credentials are (STS GetCallerIdentity), the account check that
 * deploy, destroy, bootstrap and preflight make before anything else, and the MFA
 * prompt of role profiles (cli_aws.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "aws/sts.h"
#include "base/common.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "lib/environments.h"
#include "lib/solemate_stack.h"

int cli_mfa_prompt(const char *profile, const char *serial, char *code, size_t size, void *arg)
{
	(void)arg;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO) || size < 2)
		return -1;
	/* not echoed, like the AWS CLI's getpass: echo off before the question */
	struct termios old, quiet;
	int restored = tcgetattr(STDIN_FILENO, &old);
	if (restored == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	fprintf(stderr, "Enter MFA code for %s (profile %s): ", serial, profile);
	fflush(stderr);
	char *line = fgets(code, (int)size, stdin);
	if (restored == 0)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fputc('\n', stderr);
	if (!line)
		return -1;
	code[strcspn(code, "\r\n")] = '\0';
	return *code ? 0 : -1;
}

int cli_aws_identity(struct cli_aws *ca, struct sts_identity *out, struct diag_list *dl)
{
	struct aws_creds creds = ca->s.creds; /* shallow: the provider is shared */
	struct aws_client c;
	aws_client_init(&c, &creds, ca->sts_endpoint_url);
	int rc = sts_get_caller_identity(&c, out, dl);
	pthread_mutex_lock(&ca->s.lock);
	ca->s.requests += c.requests;
	ca->s.retries += c.retries;
	pthread_mutex_unlock(&ca->s.lock);
	return rc;
}

int cli_aws_check_account(struct cli_aws *ca, const struct solemate_unit *u, struct diag_list *dl)
{
	const char *want = u->kind == CONFIG_BASELINE ? u->baseline.account_id : u->env.account_id;
	struct sts_identity id;
	if (cli_aws_identity(ca, &id, dl) < 0) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "cannot tell which AWS account the credentials (%s) "
					  "belong to: nothing was changed",
					  ca->s.creds.source);
		diag_set_hint(d, "solemate whoami shows what the credentials are");
		return SM_EXIT_FINDINGS; /* a failed call, as any other */
	}
	int code = SM_EXIT_OK;
	if (strcmp(id.account, want)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, u->file, 0, 0, NULL,
					  "the credentials belong to account %s (%s), but %s is "
					  "account %s (accountId): nothing was changed",
					  id.account, id.arn, u->name, want);
		diag_set_hint(d,
			      "use credentials of account %s (--profile, AWS_PROFILE), or fix "
			      "accountId in %s",
			      want, u->file);
		code = SM_EXIT_USAGE;
	}
	sts_identity_release(&id);
	return code;
}
