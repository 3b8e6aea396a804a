/*
 * Configuration: the shipped files load, defaults apply, derived values are
 * right, and config/schema.json is what the key table generates.
 * SM_WRITE_SCHEMA=1 rewrites config/schema.json instead (make config-schema).
 */
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/json_io.h"
#include "lib/environments.h"
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
	CHECK_STR(c.health_check_path, "/health");
	env_config_release(&c);
	diag_list_release(&dl);
}

TEST(production_loads_with_prd_values)
{
	struct env_config c;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(env_config_load("config/production.json", &c, &dl) == 0);
	CHECK_STR(c.vpc_cidr, "10.1.0.0/16");
	CHECK_STR(c.database_instance_type, "t3.small");
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

TEST(schema_file_matches_key_table)
{
	json_t *gen = env_config_json_schema();
	size_t len;
	char *text = jio_dump_json(gen, &len);
	struct diag_list dl = DIAG_LIST_INIT;
	if (getenv("SM_WRITE_SCHEMA")) {
		CHECK(fs_write_atomic("config/schema.json", text, len, &dl) == 0);
	} else {
		char *onfile = fs_read_file("config/schema.json", NULL, &dl);
		CHECK(onfile != NULL);
		if (onfile && strcmp(onfile, text))
			printf("#   config/schema.json is stale: run 'make config-schema'\n");
		CHECK(onfile && !strcmp(onfile, text));
		free(onfile);
	}
	/* every documented key is in the schema */
	json_t *props = json_object_get(gen, "properties");
	CHECK(json_object_get(props, "vpcCidr") && json_object_get(props, "certificateArn"));
	CHECK(json_is_false(json_object_get(gen, "additionalProperties")));
	free(text);
	json_decref(gen);
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

int main(void)
{
	RUN(staging_loads_with_prd_values);
	RUN(production_loads_with_prd_values);
	RUN(every_error_is_reported_not_just_the_first);
	RUN(schema_file_matches_key_table);
	RUN(shipped_configs_conform_to_their_schema_keys);
	return test_done();
}
