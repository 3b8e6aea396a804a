/*
 * Credentials and region lookup (creds.h): the order of the AWS CLI, INI
 * files with comments, spaces and CRLF, and diagnostics that say what to set
 * without ever showing a secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/creds.h"
#include "base/strbuf.h"
#include "support/test.h"

static char dir[64];
static char cred_path[128], config_path[128];

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID",  "AWS_SECRET_ACCESS_KEY",	     "AWS_SESSION_TOKEN",
	"AWS_PROFILE",	      "AWS_DEFAULT_PROFILE",	     "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/* A clean environment: no AWS variables, HOME in the temp dir, no files. */
static void reset(void)
{
	for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++)
		unsetenv(aws_vars[i]);
	setenv("HOME", dir, 1);
	/* never the real instance metadata address from a test */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unlink(cred_path);
	unlink(config_path);
}

static void files(const char *cred, const char *config)
{
	if (cred)
		write_file(cred_path, cred);
	if (config)
		write_file(config_path, config);
}

static char *all_messages(const struct diag_list *dl)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < dl->nr; i++)
		strbuf_addf(&sb, "%s|%s|%s\n", dl->items[i].file ? dl->items[i].file : "",
			    dl->items[i].message, dl->items[i].hint ? dl->items[i].hint : "");
	return strbuf_detach(&sb, NULL);
}

TEST(environment_keys_with_session_token)
{
	reset();
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	setenv("AWS_REGION", "eu-west-1", 1);
	files("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n",
	      NULL);
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){0}, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIAENV");
	CHECK_STR(c.secret_key, "envsecret");
	CHECK_STR(c.session_token, "envtoken");
	CHECK_STR(c.region, "eu-west-1");
	CHECK_STR(c.source, "environment");
	CHECK(c.profile == NULL);
	aws_creds_release(&c);
	diag_list_release(&dl);
}

TEST(credentials_file_default_profile_crlf_comments_spaces)
{
	reset();
	files("# keys\r\n; more comments\r\n[other]\r\naws_access_key_id=AKIAOTHER\r\n"
	      "aws_secret_access_key=othersecret\r\n\r\n[ default ]\r\n"
	      "  aws_access_key_id   =   AKIADEF  \r\nAWS_Secret_Access_Key=def secret\r\n",
	      "[default]\r\nregion = ap-south-1\r\ns3 =\r\n  max_concurrent_requests = 10\r\n");
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(NULL, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIADEF");
	CHECK_STR(c.secret_key, "def secret");
	CHECK(c.session_token == NULL);
	CHECK_STR(c.region, "ap-south-1");
	CHECK_STR(c.profile, "default");
	CHECK_CONTAINS(c.source, cred_path);
	CHECK(dl.nr == 0);
	aws_creds_release(&c);
	diag_list_release(&dl);
}

TEST(explicit_profile_wins_over_environment_keys)
{
	reset();
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	files("[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n"
	      "aws_session_token = devtoken\n",
	      "[profile dev]\nregion = us-west-2\n[default]\nregion = us-east-2\n");
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	/* the flag */
	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "dev"}, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIADEV");
	CHECK_STR(c.session_token, "devtoken");
	CHECK_STR(c.region, "us-west-2");
	CHECK_STR(c.profile, "dev");
	aws_creds_release(&c);
	/* AWS_PROFILE */
	setenv("AWS_PROFILE", "dev", 1);
	CHECK(aws_creds_load(NULL, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIADEV");
	aws_creds_release(&c);
	/* AWS_DEFAULT_PROFILE does not beat the environment keys */
	unsetenv("AWS_PROFILE");
	setenv("AWS_DEFAULT_PROFILE", "dev", 1);
	CHECK(aws_creds_load(NULL, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIAENV");
	CHECK_STR(c.region, "us-west-2"); /* but names the profile the region comes from */
	aws_creds_release(&c);
	CHECK(dl.nr == 0);
	diag_list_release(&dl);
}

TEST(keys_in_config_file_profile_section)
{
	reset();
	setenv("AWS_CONFIG_FILE", config_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
	files("[someone-else]\naws_access_key_id = X\naws_secret_access_key = Y\n",
	      "[profile ci]\naws_access_key_id = AKIACFG\naws_secret_access_key = cfgsecret\n"
	      "region = sa-east-1\n");
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "ci"}, &c, &dl) == 0);
	CHECK_STR(c.access_key, "AKIACFG");
	CHECK_CONTAINS(c.source, config_path);
	CHECK_STR(c.region, "sa-east-1");
	aws_creds_release(&c);
	diag_list_release(&dl);
}

TEST(region_order)
{
	reset();
	setenv("AWS_ACCESS_KEY_ID", "A", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "S", 1);
	files(NULL, "[default]\nregion = from-config\n");
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	struct aws_creds_opts o = {.region = "from-flag", .fallback_region = "from-env-config"};
	setenv("AWS_REGION", "aws-region", 1);
	setenv("AWS_DEFAULT_REGION", "aws-default-region", 1);
	CHECK(aws_creds_load(&o, &c, &dl) == 0);
	CHECK_STR(c.region, "from-flag");
	aws_creds_release(&c);
	o.region = NULL;
	CHECK(aws_creds_load(&o, &c, &dl) == 0);
	CHECK_STR(c.region, "aws-region");
	aws_creds_release(&c);
	unsetenv("AWS_REGION");
	CHECK(aws_creds_load(&o, &c, &dl) == 0);
	CHECK_STR(c.region, "aws-default-region");
	aws_creds_release(&c);
	unsetenv("AWS_DEFAULT_REGION");
	CHECK(aws_creds_load(&o, &c, &dl) == 0);
	CHECK_STR(c.region, "from-config");
	aws_creds_release(&c);
	unlink(config_path);
	CHECK(aws_creds_load(&o, &c, &dl) == 0);
	CHECK_STR(c.region, "from-env-config");
	aws_creds_release(&c);
	CHECK(dl.nr == 0);
	o.fallback_region = NULL;
	CHECK(aws_creds_load(&o, &c, &dl) == -1);
	CHECK(c.access_key == NULL && c.secret_key == NULL);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "no AWS region");
	CHECK_CONTAINS(m, "AWS_REGION");
	free(m);
	diag_list_release(&dl);
}

TEST(no_credentials_says_what_to_set)
{
	reset();
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.region = "us-east-1"}, &c, &dl) == -1);
	CHECK(dl.nr == 1);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "no AWS credentials");
	CHECK_CONTAINS(m, "AWS_ACCESS_KEY_ID");
	CHECK_CONTAINS(m, "AWS_SECRET_ACCESS_KEY");
	CHECK_CONTAINS(m, "AWS_PROFILE / --profile");
	free(m);
	diag_list_release(&dl);
}

TEST(unknown_profile_and_half_keys_never_show_secrets)
{
	reset();
	files("[half]\naws_secret_access_key = TOPSECRETVALUE\n", NULL);
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "nope", .region = "r"}, &c, &dl) ==
	      -1);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "profile 'nope' not found");
	free(m);
	diag_list_release(&dl);

	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "half", .region = "r"}, &c, &dl) ==
	      -1);
	m = all_messages(&dl);
	CHECK_CONTAINS(m, "has aws_secret_access_key but no aws_access_key_id");
	CHECK(strstr(m, "TOPSECRETVALUE") == NULL);
	free(m);
	diag_list_release(&dl);

	reset();
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRETVALUE", 1);
	CHECK(aws_creds_load(&(struct aws_creds_opts){.region = "r"}, &c, &dl) == -1);
	m = all_messages(&dl);
	CHECK_CONTAINS(m, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
	CHECK(strstr(m, "ENVSECRETVALUE") == NULL);
	free(m);
	diag_list_release(&dl);
}

TEST(malformed_file_names_line_not_text)
{
	reset();
	files("[default]\naws_access_key_id = AKIA\nSECRETLINEWITHOUTEQUALS\n", NULL);
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.region = "r"}, &c, &dl) == -1);
	CHECK(dl.nr == 1);
	if (dl.nr == 1) {
		CHECK_STR(dl.items[0].file, cred_path);
		CHECK(dl.items[0].line == 3);
		CHECK(strstr(dl.items[0].message, "SECRETLINE") == NULL);
	}
	diag_list_release(&dl);

	reset();
	files("[default\n", NULL);
	CHECK(aws_creds_load(&(struct aws_creds_opts){.region = "r"}, &c, &dl) == -1);
	CHECK(dl.nr == 1 && dl.items[0].line == 1);
	diag_list_release(&dl);
}

TEST(role_profile_with_a_missing_source_names_it)
{
	reset();
	files(NULL, "[profile admin]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d\n");
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "admin", .region = "r"}, &c,
			     &dl) == -1);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "source profile 'd' not found");
	free(m);
	diag_list_release(&dl);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sm-creds-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char awsdir[96];
	snprintf(awsdir, sizeof(awsdir), "%s/.aws", dir);
	if (mkdir(awsdir, 0700) != 0) {
		printf("Bail out! mkdir\n");
		return 1;
	}
	snprintf(cred_path, sizeof(cred_path), "%s/credentials", awsdir);
	snprintf(config_path, sizeof(config_path), "%s/config", awsdir);
	RUN(environment_keys_with_session_token);
	RUN(credentials_file_default_profile_crlf_comments_spaces);
	RUN(explicit_profile_wins_over_environment_keys);
	RUN(keys_in_config_file_profile_section);
	RUN(region_order);
	RUN(no_credentials_says_what_to_set);
	RUN(unknown_profile_and_half_keys_never_show_secrets);
	RUN(malformed_file_names_line_not_text);
	RUN(role_profile_with_a_missing_source_names_it);
	unlink(cred_path);
	unlink(config_path);
	rmdir(awsdir);
	rmdir(dir);
	return test_done();
}
