/*
 * Credentials and region lookup (creds.h): the order of the AWS CLI, INI
 * files with comments, spaces and CRLF, and diagnostics that say what to set
 * without ever showing a secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/creds_internal.h"
#include "aws/sts.h"
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

TEST(times_as_aws_writes_them)
{
	CHECK(aws_parse_time("2026-12-03T21:54:48Z") == 1796334888);
	CHECK(aws_parse_time("2026-12-03T21:54:48.123Z") == 1796334888);
	CHECK(aws_parse_time("2026-12-03T22:54:48+01:00") == 1796334888);
	CHECK(aws_parse_time("2026-12-03T21:54:48UTC") == 1796334888); /* AWS CLI v1's cache */
	CHECK(aws_parse_time("2026-12-03 21:54:48") == -1);
	CHECK(aws_parse_time("2026-13-03T21:54:48Z") == -1);
	CHECK(aws_parse_time("tomorrow") == -1);
	CHECK(aws_parse_time(NULL) == -1);
}

TEST(sts_answers_parsed_and_bodies_encoded)
{
	static const char ok[] =
		"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		"<AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId>"
		"<SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>tok</SessionToken>"
		"<Expiration>2026-12-03T21:54:48Z</Expiration></Credentials>"
		"<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser>"
		"</AssumeRoleResult></AssumeRoleResponse>";
	struct aws_creds c = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(sts_parse_credentials(ok, sizeof(ok) - 1, "AssumeRole", &c, &dl) == 0);
	CHECK_STR(c.access_key, "ASIAX");
	CHECK_STR(c.session_token, "tok");
	CHECK(c.expiration == 1796334888);
	aws_creds_release(&c);
	/* a document without the secret: refused, and nothing of it quoted */
	static const char half[] =
		"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId>"
		"<SessionToken>VERYSECRETTOKEN</SessionToken></Credentials></AssumeRoleResult>"
		"</AssumeRoleResponse>";
	CHECK(sts_parse_credentials(half, sizeof(half) - 1, "AssumeRole", &c, &dl) == -1);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "STS AssumeRole: the answer lacks Credentials/SecretAccessKey");
	CHECK(!strstr(m, "VERYSECRETTOKEN"));
	free(m);
	diag_list_release(&dl);

	static const char who[] =
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:"
		"user/ci</Arn><UserId>AIDA</UserId><Account>123456789012</Account>"
		"</GetCallerIdentityResult></GetCallerIdentityResponse>";
	struct sts_identity id;
	CHECK(sts_parse_caller_identity(who, sizeof(who) - 1, &id, &dl) == 0);
	CHECK_STR(id.account, "123456789012");
	CHECK_STR(id.arn, "arn:aws:iam::123456789012:user/ci");
	sts_identity_release(&id);

	struct strbuf b = STRBUF_INIT;
	sts_assume_role_body("AssumeRole",
			     &(struct sts_assume_role_input){
				     .role_arn = "arn:aws:iam::1:role/a b",
				     .session_name = "s",
				     .external_id = "x&y",
				     .duration_seconds = 900,
				     .serial_number = "arn:aws:iam::1:mfa/u",
				     .token_code = "123456",
			     },
			     &b);
	CHECK_STR(b.buf, "Action=AssumeRole&Version=2011-06-15&DurationSeconds=900&ExternalId=x%26y"
			 "&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&RoleSessionName=s"
			 "&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fu&TokenCode=123456");
	strbuf_release(&b);
	diag_list_release(&dl);
}

TEST(endpoint_precedence_and_container_urls)
{
	reset();
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_STS");
	CHECK(aws_sts_endpoint_url(NULL) == NULL);
	setenv("AWS_ENDPOINT_URL", "http://global", 1);
	CHECK_STR(aws_sts_endpoint_url(NULL), "http://global");
	setenv("AWS_ENDPOINT_URL_STS", "http://sts-only", 1);
	CHECK_STR(aws_sts_endpoint_url(NULL), "http://sts-only");
	CHECK_STR(aws_sts_endpoint_url("http://flag"), "http://flag");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_STS");
	char *u = creds_container_url("/v2/credentials/abc", "http://ignored");
	CHECK_STR(u, "http://169.254.170.2/v2/credentials/abc");
	free(u);
	u = creds_container_url(NULL, "http://127.0.0.1:9/creds");
	CHECK_STR(u, "http://127.0.0.1:9/creds");
	free(u);
	CHECK(creds_container_url(NULL, NULL) == NULL);
}

/* A credential_process that hands out keys living `lifetime` seconds, a new key each call. */
static void short_lived_process(int lifetime)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "[profile short]\n"
		 "credential_process = sh -c 'n=$(cat %s/n 2>/dev/null || echo 0); "
		 "n=$((n+1)); echo $n > %s/n; "
		 "printf \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIA$n\\\", "
		 "\\\"SecretAccessKey\\\": \\\"s$n\\\", \\\"SessionToken\\\": \\\"t$n\\\", "
		 "\\\"Expiration\\\": \\\"%%s\\\"}\" $(date -u -d @$(($(date +%%s)+%d)) "
		 "+%%Y-%%m-%%dT%%H:%%M:%%SZ)'\n",
		 dir, dir, lifetime);
	files(NULL, text);
}

TEST(temporary_keys_refreshed_half_way_through_a_short_life)
{
	reset();
	char n[96];
	snprintf(n, sizeof(n), "%s/n", dir);
	unlink(n);
	short_lived_process(2);
	struct aws_creds c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(aws_creds_load(&(struct aws_creds_opts){.profile = "short", .region = "r"}, &c,
			     &dl) == 0);
	CHECK_STR(c.access_key, "AKIA1");
	CHECK(c.provider != NULL && c.expiration > 0);
	CHECK_CONTAINS(c.source, "credential_process");
	struct aws_keys k;
	CHECK(aws_creds_keys(&c, &k, &dl) == 0);
	CHECK_STR(k.access_key, "AKIA1"); /* fresh: no refresh */
	aws_keys_release(&k);
	sleep(2); /* past half of its life (and its end): the next request gets new keys */
	CHECK(aws_creds_keys(&c, &k, &dl) == 0);
	CHECK_STR(k.access_key, "AKIA2");
	CHECK_STR(k.secret_key, "s2");
	CHECK_STR(k.session_token, "t2");
	CHECK(aws_creds_fetch_count(&c) == 2);
	aws_keys_release(&k);
	/* the process now fails and the keys have expired: an error, not old keys */
	files(NULL, "[profile short]\ncredential_process = sh -c 'exit 7'\n");
	sleep(2);
	CHECK(aws_creds_keys(&c, &k, &dl) == -1);
	char *m = all_messages(&dl);
	CHECK_CONTAINS(m, "expired");
	CHECK_CONTAINS(m, "exit status 7");
	free(m);
	aws_creds_release(&c);
	diag_list_release(&dl);
	unlink(n);
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
	RUN(times_as_aws_writes_them);
	RUN(sts_answers_parsed_and_bodies_encoded);
	RUN(endpoint_precedence_and_container_urls);
	RUN(temporary_keys_refreshed_half_way_through_a_short_life);
	unlink(cred_path);
	unlink(config_path);
	rmdir(awsdir);
	rmdir(dir);
	return test_done();
}
