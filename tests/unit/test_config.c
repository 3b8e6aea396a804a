/*
 * Configuration: the shipped files load, defaults apply, derived values are
 * right, and config/schema.json is what the key table generates.
 * SM_WRITE_SCHEMA=1 rewrites config/schema.json instead (make config-schema).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/context.h"
#include "base/arena.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/xalloc.h"
#include "lib/environments.h"
#include "base/pg_versions.h"
#include "lib/solemate_stack.h"
#include "support/test.h"

TEST(staging_loads_with_prd_values)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_load("config/staging.json", &c, &dl) == 0);
	diag_print_all(stdout, &dl, false);
	CHECK_STR(c.environment, "staging");
	CHECK_STR(c.vpc_cidr, "10.0.0.0/16");
	CHECK_STR(c.database_instance_type, "t3.micro");
	CHECK_STR(c.database_instance_class, "db.t3.micro");
	CHECK(c.ecs_desired_count == 1);
	CHECK_STR(c.domain_name, "staging.solemate.com");
	CHECK_STR(c.certificate_arn, "arn:aws:acm:us-east-1:123456789012:certificate/staging-cert");
	CHECK_STR(c.stack_prefix, "SolemateStaging");
	/* defaults from the key table */
	CHECK(c.usage.target_concurrent_users == 50000);
	CHECK_STR(c.health_check_path, "/");
	CHECK_STR(c.container_user, "101:101");
	CHECK(c.health_check_command == NULL); /* derived from the port and path */
	env_config_release(&c);
	diag_list_release(&dl);
}

TEST(production_loads_with_prd_values)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_load("config/production.json", &c, &dl) == 0);
	CHECK_STR(c.vpc_cidr, "10.1.0.0/16");
	/* the PRD's sample t3.small cannot hold 50,000 users' connections (issue 18) */
	CHECK_STR(c.database_instance_type, "m6g.large");
	CHECK(c.ecs_max_capacity == 60);
	CHECK(c.ecs_desired_count == 3);
	CHECK_STR(c.domain_name, "solemate.com");
	CHECK_STR(c.certificate_arn,
		  "arn:aws:acm:us-east-1:123456789012:certificate/production-cert");
	CHECK(c.database_multi_az);
	CHECK(c.database_read_replicas >= 1);
	CHECK(c.database_backup_retention_days == 30);
	env_config_release(&c);
	diag_list_release(&dl);
}

TEST(every_error_is_reported_not_just_the_first)
{
	const char *text = "{\"environment\": \"staging\", \"region\": \"mars-1\", \"vpcCidr\": 5,"
			   " \"maxAzs\": 9}";
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_parse("mem.json", text, strlen(text), &c, &dl) < 0);
	/* region, vpcCidr type, maxAzs range, and the missing required keys */
	CHECK(diag_count(&dl, DIAG_ERROR) >= 3 + 6);
	for (size_t i = 0; i < dl.nr; i++)
		CHECK_STR(dl.items[i].file, "mem.json");
	diag_list_release(&dl);
}

/* `path` holds what `gen` says (SM_WRITE_SCHEMA=1: write it there instead). */
static void check_schema_file(const char *path, const json_t *gen)
{
	size_t len;
	char *text = jio_dump_json(gen, &len);
	struct diag_list dl = DIAG_LIST_INIT;
	if (getenv("SM_WRITE_SCHEMA")) {
		CHECK(fs_write_atomic(path, text, len, &dl) == 0);
	} else {
		char *onfile = fs_read_file(path, NULL, &dl);
		CHECK(onfile != NULL);
		if (onfile && strcmp(onfile, text))
			printf("#   %s is stale: run 'make config-schema'\n", path);
		CHECK(onfile && !strcmp(onfile, text));
		free(onfile);
	}
	free(text);
	diag_list_release(&dl);
}

TEST(schema_file_matches_key_table)
{
	json_t *gen = env_config_json_schema();
	check_schema_file("config/schema.json", gen);
	/* every documented key is in the schema */
	json_t *props = json_object_get(gen, "properties");
	CHECK(json_object_get(props, "vpcCidr") && json_object_get(props, "certificateArn"));
	CHECK(json_is_false(json_object_get(gen, "additionalProperties")));
	json_decref(gen);
}

TEST(baseline_schema_file_matches_its_key_table)
{
	json_t *gen = baseline_config_json_schema();
	check_schema_file("config/baseline.schema.json", gen);
	json_t *props = json_object_get(gen, "properties");
	CHECK(json_object_get(props, "accountId") && json_object_get(props, "kind"));
	CHECK(!json_object_get(props, "vpcCidr"));
	json_decref(gen);
}

TEST(baseline_loads_and_names_its_stack_for_the_account)
{
	struct solemate_unit u;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(solemate_unit_load("config/baseline.json", NULL, 0, &u, &dl) == 0);
	diag_print_all(stdout, &dl, false);
	CHECK(u.kind == CONFIG_BASELINE && u.protect);
	CHECK_STR(u.name, "baseline");
	CHECK_STR(u.baseline.account_id, "123456789012");
	CHECK_STR(u.baseline.region, "us-east-1");
	CHECK_STR(u.baseline.stack_name, "SolemateBaseline-123456789012-us-east-1");
	CHECK(u.baseline.log_retention_days == 365);
	solemate_unit_release(&u);
	CHECK(solemate_unit_load("config/staging.json", NULL, 0, &u, &dl) == 0);
	CHECK(u.kind == CONFIG_ENVIRONMENT && !u.protect);
	CHECK_STR(u.name, "staging");
	solemate_unit_release(&u);
	/* no environment configures the singletons any more */
	json_t *schema = env_config_json_schema();
	CHECK(!json_object_get(json_object_get(schema, "properties"), "accountBaseline"));
	json_decref(schema);
	diag_list_release(&dl);
}

TEST(config_kind_picks_the_loader)
{
	struct diag_list dl = DIAG_LIST_INIT;
	enum config_kind k;
	const char *env = "{\"environment\": \"staging\"}";
	const char *base = "{\"kind\": \"accountBaseline\"}";
	const char *bad = "{\n  \"kind\": \"accountbaseline\"\n}";
	CHECK(config_kind_of("e.json", env, strlen(env), &k, &dl) == 0 && k == CONFIG_ENVIRONMENT);
	CHECK(config_kind_of("b.json", base, strlen(base), &k, &dl) == 0 && k == CONFIG_BASELINE);
	CHECK(config_kind_of("x.json", bad, strlen(bad), &k, &dl) < 0);
	CHECK(dl.nr == 1 && dl.items[0].line == 2 && strstr(dl.items[0].message, "accountBaseline"));
	diag_list_release(&dl);
	/* a baseline missing its account, and an environment's key in it */
	const char *wrong = "{\"kind\": \"accountBaseline\", \"region\": \"us-east-1\","
			    " \"vpcCidr\": \"10.0.0.0/16\", \"alarmEmail\": \"a@b.co\","
			    " \"owner\": \"o\", \"costCenter\": \"c\"}";
	struct baseline_config b;
	CHECK(baseline_config_parse("w.json", wrong, strlen(wrong), NULL, 0, &b, &dl) < 0);
	bool unknown = false, missing = false;
	for (size_t i = 0; i < dl.nr; i++) {
		unknown |= strstr(dl.items[i].message, "unknown key 'vpcCidr'") != NULL;
		missing |= strstr(dl.items[i].message, "missing required key 'accountId'") != NULL;
	}
	CHECK(unknown && missing);
	diag_list_release(&dl);
}

TEST(shipped_configs_conform_to_their_schema_keys)
{
	/* every key in the shipped files is a schema property (editor completion works) */
	const char *files[] = { "config/staging.json", "config/production.json" };
	json_t *schema = env_config_json_schema();
	json_t *props = json_object_get(schema, "properties");
	for (size_t i = 0; i < 2; i++) {
		struct diag_list dl = DIAG_LIST_INIT;
		json_t *v = jio_load_file(files[i], &dl);
		const char *k;
		json_t *x;
		CHECK(v != NULL);
		json_object_foreach(v, k, x)
		{
			if (!json_object_get(props, k))
				printf("#   %s: key %s not in schema\n", files[i], k);
			CHECK(json_object_get(props, k) != NULL);
		}
		json_decref(v);
		diag_list_release(&dl);
	}
	json_decref(schema);
}

/* item 1 of issue 12: RDS refuses instances on minors past their standard support */
/* the one reader of a version: exactly MAJOR.MINOR in digits (sscanf took signs and spaces) */
TEST(engine_versions_are_read_exactly)
{
	int ma = 0, mi = 0;
	CHECK(pg_version_parse("16.11", &ma, &mi) == 0 && ma == 16 && mi == 11);
	CHECK(pg_version_parse("17.0", &ma, &mi) == 0 && ma == 17 && mi == 0);
	static const char *const bad[] = {"16",	  "16.",   ".4",	   "16.4.1", " 16.4", "16. 4",
					  "+16.4", "16.+4", "0.4",	   "16.4 ",  "",	"1234567890.1",
					  "latest", NULL};
	for (int i = 0; bad[i]; i++) {
		if (pg_version_parse(bad[i], &ma, &mi) == 0)
			printf("#   accepted '%s'\n", bad[i]);
		CHECK(pg_version_parse(bad[i], &ma, &mi) == -1);
	}
	CHECK(pg_version_parse(NULL, &ma, &mi) == -1);
}

TEST(engine_versions_follow_the_dated_calendar)
{
	struct pg_versions pv;
	struct pg_verdict v;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(pg_versions_load("data/rds-postgres-versions.json", &pv, &dl) == 0);
	diag_print_all(stdout, &dl, false);
	pg_versions_check(&pv, "16.6", "2026-04-30", &v);
	CHECK(v.support == PG_SUPPORTED);
	pg_versions_check(&pv, "16.6", "2026-05-01", &v); /* AWS Health: no new instances */
	CHECK(v.support == PG_MINOR_ENDED);
	CHECK_STR(v.no_new_from, "2026-05-01");
	CHECK_STR(v.ended, "2026-05-31");
	pg_versions_check(&pv, "13.20", "2026-02-28", &v);
	CHECK(v.support == PG_MAJOR_ENDED && v.major == 13);
	CHECK_STR(v.ended, "2026-02-28");
	pg_versions_check(&pv, "16.11", "2026-12-03", &v);
	CHECK(v.support == PG_SUPPORTED);
	pg_versions_check(&pv, "16.11", "2029-02-28", &v); /* the major's end bounds it */
	CHECK(v.support == PG_MAJOR_ENDED);
	pg_versions_check(&pv, "16.9", "2026-12-03", &v);
	CHECK(v.support == PG_UNKNOWN_MINOR);
	pg_versions_check(&pv, "19.1", "2026-12-03", &v);
	CHECK(v.support == PG_UNKNOWN_MAJOR);
	pg_versions_check(&pv, "16", "2026-12-03", &v);
	CHECK(v.support == PG_MALFORMED);
	char *same = pg_versions_supported(&pv, "2026-12-03", 16);
	CHECK_STR(same, "16.11");
	free(same);
	char *all = pg_versions_supported(&pv, "2026-12-03", 0);
	CHECK_STR(all, "14.20, 15.15, 16.11, 17.7, 18.1");
	free(all);
	/* the default is one RDS creates instances on */
	pg_versions_check(&pv, pg_versions_default(&pv), "2026-12-03", &v);
	CHECK(v.support == PG_SUPPORTED);
	pg_versions_free(&pv);
	diag_list_release(&dl);
}

/* the configurations of --env all and check's rules share one parse of the file */
TEST(versions_file_is_read_once_per_process)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const struct pg_versions *a = pg_versions_shared(&dl), *b = pg_versions_shared(&dl);
	CHECK(a && a == b && diag_count(&dl, DIAG_ERROR) == 0);
	const json_t *root = a ? a->root : NULL;
	CHECK(a && pg_versions_shared(&dl)->root == root); /* not parsed again */
	/* read under an arena, it goes with the arena and is read again after it */
	arena_begin();
	bool arena = arena_active();
	const struct pg_versions *c = pg_versions_shared(&dl);
	CHECK(c && c->root == root); /* made before the arena: still good */
	arena_end();
	if (arena) {
		/* force a read inside an arena: forget the one made outside by a path change */
		setenv("SOLEMATE_DATA", "data", 1);
		arena_begin();
		const struct pg_versions *d = pg_versions_shared(&dl);
		CHECK(d && pg_versions_default(d));
		arena_end();
		const struct pg_versions *e = pg_versions_shared(&dl);
		CHECK(e && pg_versions_default(e) && !strcmp(pg_versions_default(e), "16.11"));
		unsetenv("SOLEMATE_DATA");
	}
	diag_list_release(&dl);
}

TEST(engine_version_is_checked_at_load_and_defaults_to_a_supported_one)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	size_t len;
	char *text = fs_read_file("config/staging.json", &len, &dl);
	CHECK(text != NULL);
	/* no databaseEngineVersion: the data file's default */
	json_t *j = json_loads(text, 0, NULL);
	json_object_del(j, "databaseEngineVersion");
	char *nokey = json_dumps(j, 0);
	CHECK(env_config_parse("nokey.json", nokey, strlen(nokey), &c, &dl) == 0);
	CHECK_STR(c.database_engine_version, "16.11");
	env_config_release(&c);
	/* 16.6: accepted before RDS stopped creating it, refused after */
	json_object_set_new(j, "databaseEngineVersion", json_string("16.6"));
	char *old = json_dumps(j, 0);
	setenv("SOLEMATE_TODAY", "2026-04-30", 1);
	CHECK(env_config_parse("old.json", old, strlen(old), &c, &dl) == 0);
	env_config_release(&c);
	unsetenv("SOLEMATE_TODAY");
	CHECK(env_config_parse("old.json", old, strlen(old), &c, &dl) < 0);
	CHECK(dl.nr >= 1);
	CHECK_STR(dl.items[dl.nr - 1].file, "old.json");
	CHECK_STR(dl.items[dl.nr - 1].path, "databaseEngineVersion");
	CHECK_CONTAINS(dl.items[dl.nr - 1].message, "ended on 2026-05-31");
	free(old);
	free(nokey);
	json_decref(j);
	free(text);
	diag_list_release(&dl);
}

/* issue 12 item 3: the PRD's placeholder ARNs synthesize, but are not deployable */
TEST(placeholder_certificates_are_not_deployable)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_load("config/production.json", &c, &dl) == 0);
	CHECK(env_config_check_deployable(&c, &dl) < 0);
	CHECK(dl.nr == 2);
	CHECK_STR(dl.items[0].file, "config/production.json");
	CHECK_STR(dl.items[0].path, "certificateArn");
	CHECK(dl.items[0].line > 1);
	CHECK_CONTAINS(dl.items[0].message, "certificate/production-cert");
	/* the standby's load balancer, in the DR region, has its own (issue 18) */
	CHECK_STR(dl.items[1].path, "drAlbCertificateArn");
	CHECK_CONTAINS(dl.items[1].message, "certificate/production-dr-cert");
	CHECK_CONTAINS(dl.items[1].hint, "us-west-2");
	free(c.dr_alb_certificate_arn);
	c.dr_alb_certificate_arn = xstrdup("arn:aws:acm:us-west-2:123456789012:certificate/"
					   "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
	/* a certificate ACM issued: a UUID in the right region */
	free(c.certificate_arn);
	c.certificate_arn = xstrdup("arn:aws:acm:us-east-1:123456789012:certificate/"
				    "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
	diag_list_release(&dl);
	CHECK(env_config_check_deployable(&c, &dl) == 0);
	/* one letter off the UUID's alphabet, or a group too short */
	c.certificate_arn[strlen(c.certificate_arn) - 1] = 'g';
	CHECK(env_config_check_deployable(&c, &dl) < 0);
	free(c.certificate_arn);
	c.certificate_arn = xstrdup("arn:aws:acm:us-east-1:123456789012:certificate/"
				    "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5");
	CHECK(env_config_check_deployable(&c, &dl) < 0);
	env_config_release(&c);
	diag_list_release(&dl);
	/* with a hosted zone the certificates are ours: deployable without an ARN */
	CHECK(env_config_load("tests/fixtures/config/good/production-with-zone.json", &c, &dl) == 0);
	CHECK(c.certificate_arn == NULL);
	CHECK(env_config_check_deployable(&c, &dl) == 0);
	env_config_release(&c);
	diag_list_release(&dl);
}

/*
 * The usage defaults a configuration without "usage" gets (the key table,
 * config/schema.json) are the analysis layer's (sm_usage_defaults), which
 * cost and slo use without a configuration: the two tables must agree.
 */
TEST(usage_defaults_agree_with_the_analysis_table)
{
	static const char minimal[] =
		"{\"environment\":\"defaults\",\"region\":\"us-east-1\",\"accountId\":"
		"\"123456789012\",\"vpcCidr\":\"10.0.0.0/16\",\"databaseInstanceType\":\"t3.micro\","
		"\"ecsDesiredCount\":1,\"domainName\":\"example.com\",\"certificateArn\":"
		"\"arn:aws:acm:us-east-1:123456789012:certificate/defaults\",\"alarmEmail\":"
		"\"ops@example.com\",\"monthlyBudget\":1,\"owner\":\"defaults\","
		"\"costCenter\":\"defaults\"}";
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_parse("(defaults)", minimal, sizeof(minimal) - 1, &c, &dl) == 0);
	for (size_t i = 0; i < dl.nr; i++)
		printf("#   %s\n", dl.items[i].message);
	/* same fields in the same order (cli_context.c copies them by name) */
	CHECK(sizeof(c.usage) == sizeof(sm_usage_defaults));
	CHECK(memcmp(&c.usage, &sm_usage_defaults, sizeof(sm_usage_defaults)) == 0);
	env_config_release(&c);
	diag_list_release(&dl);
}

/* issue 18: drReadiness and its companions are checked when the file loads */
static int load_staging_with(const char *const *sets, size_t n, struct env_config *c,
			     struct diag_list *dl)
{
	size_t len;
	char *text = fs_read_file("config/staging.json", &len, dl);
	int r = env_config_parse_with("config/staging.json", text, len, sets, n, c, dl);
	free(text);
	return r;
}

TEST(dr_readiness_is_validated_at_load)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	/* default: none, no DR region */
	CHECK(load_staging_with(NULL, 0, &c, &dl) == 0);
	CHECK(c.dr_readiness == DR_NONE && c.dr_region == NULL);
	env_config_release(&c);
	/* a readiness brings the default DR region */
	const char *br[] = {"drReadiness=backup-restore"};
	CHECK(load_staging_with(br, 1, &c, &dl) == 0);
	CHECK(c.dr_readiness == DR_BACKUP_RESTORE);
	CHECK_STR(c.dr_region, "us-west-2");
	env_config_release(&c);
	/* an unknown level names the four */
	const char *bad[] = {"drReadiness=hot-standby"};
	CHECK(load_staging_with(bad, 1, &c, &dl) < 0);
	CHECK_STR(dl.items[dl.nr - 1].path, "drReadiness");
	CHECK_CONTAINS(dl.items[dl.nr - 1].hint, "none, backup-restore, pilot-light, warm-standby");
	diag_list_release(&dl);
	/* the DR region must be another region */
	const char *same[] = {"drReadiness=backup-restore", "drRegion=us-east-1"};
	CHECK(load_staging_with(same, 2, &c, &dl) < 0);
	CHECK_STR(dl.items[dl.nr - 1].path, "drRegion");
	CHECK_CONTAINS(dl.items[dl.nr - 1].message, "must differ from region");
	diag_list_release(&dl);
	/* a standby needs a certificate in its region, and a VPC of its own */
	const char *nocert[] = {"drReadiness=pilot-light"};
	CHECK(load_staging_with(nocert, 1, &c, &dl) < 0);
	CHECK_STR(dl.items[dl.nr - 1].path, "drReadiness");
	CHECK_CONTAINS(dl.items[dl.nr - 1].message, "drAlbCertificateArn");
	diag_list_release(&dl);
	const char *wrongregion[] = {
		"drReadiness=pilot-light",
		"drAlbCertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/x"};
	CHECK(load_staging_with(wrongregion, 2, &c, &dl) < 0);
	CHECK_STR(dl.items[dl.nr - 1].path, "drAlbCertificateArn");
	CHECK_CONTAINS(dl.items[dl.nr - 1].message, "must be in us-west-2");
	diag_list_release(&dl);
	const char *overlap[] = {
		"drReadiness=warm-standby", "drVpcCidr=10.0.128.0/17",
		"drAlbCertificateArn=arn:aws:acm:us-west-2:123456789012:certificate/x"};
	CHECK(load_staging_with(overlap, 3, &c, &dl) < 0);
	CHECK_STR(dl.items[dl.nr - 1].path, "drVpcCidr");
	CHECK_CONTAINS(dl.items[dl.nr - 1].message, "overlaps vpcCidr 10.0.0.0/16");
	diag_list_release(&dl);
	CHECK(load_staging_with(overlap, 2, &c, &dl) < 0); /* without the certificate */
	diag_list_release(&dl);
	const char *good[] = {
		"drReadiness=warm-standby",
		"drAlbCertificateArn=arn:aws:acm:us-west-2:123456789012:certificate/x"};
	CHECK(load_staging_with(good, 2, &c, &dl) == 0);
	CHECK(c.dr_readiness == DR_WARM_STANDBY && c.dr_standby_tasks == 2);
	CHECK_STR(c.dr_vpc_cidr, "10.2.0.0/16");
	env_config_release(&c);
	diag_list_release(&dl);
}

int main(void)
{
	RUN(staging_loads_with_prd_values);
	RUN(usage_defaults_agree_with_the_analysis_table);
	RUN(production_loads_with_prd_values);
	RUN(every_error_is_reported_not_just_the_first);
	RUN(schema_file_matches_key_table);
	RUN(baseline_schema_file_matches_its_key_table);
	RUN(baseline_loads_and_names_its_stack_for_the_account);
	RUN(config_kind_picks_the_loader);
	RUN(shipped_configs_conform_to_their_schema_keys);
	RUN(engine_versions_follow_the_dated_calendar);
	RUN(versions_file_is_read_once_per_process);
	RUN(placeholder_certificates_are_not_deployable);
	RUN(dr_readiness_is_validated_at_load);
	RUN(engine_version_is_checked_at_load_and_defaults_to_a_supported_one);
	RUN(engine_versions_are_read_exactly);
	return test_done();
}
