/* base/region.h: the one check of region names (issue 19 item 11). */
#include "base/region.h"

#include "support/test.h"

TEST(real_regions_pass)
{
	static const char *const ok[] = {
		"us-east-1",	  "us-west-2",	    "eu-central-1", "ap-southeast-2", "sa-east-1",
		"us-gov-west-1", "cn-northwest-1", "il-central-1", "ap-northeast-3", "me-south-1",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(region_name_valid(ok[i]));
}

TEST(anything_else_fails)
{
	static const char *const bad[] = {
		"",
		"us",
		"us-east",
		"us-1",
		"useast-1",
		"US-EAST-1",
		"us-east-1 ",
		"us-east-1/",
		"us-east-1.",
		"x@127.0.0.1:9/",
		"../../etc/passwd",
		"us-east-1/../../x",
		"us--east-1",
		"us-east-1a",
		"u1-east-1",
		"us-east-aaaaaaaaaaaaaaaaaaaaaaaaaa-1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (region_name_valid(bad[i])) {
			printf("#   accepted '%s'\n", bad[i]);
			CHECK(!region_name_valid(bad[i]));
		}
	CHECK(!region_name_valid(NULL));
}

TEST(check_names_the_source)
{
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(region_check("us-east-1", "--region", &dl) == 0 && dl.nr == 0);
	CHECK(region_check("x@h/", "AWS_REGION", &dl) == -1 && dl.nr == 1);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "'x@h/' (AWS_REGION)"));
	diag_list_release(&dl);
}

int main(void)
{
	RUN(real_regions_pass);
	RUN(anything_else_fails);
	RUN(check_names_the_source);
	return test_done();
}
