/*
 * The one stateful predicate (cfn_schema_is_stateful): the registry
 * schema's isStateful, which diff, the deploy plan and deploy's change table
 * ask; it knows every type diff once listed by hand, and is false for a
 * type without data, an unknown type and a missing schema.
 */
#include "analysis/schema.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "support/test.h"

TEST(stateful_from_the_schema)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *s = cfn_schema_load(NULL, &dl);
	CHECK(s != NULL);
	/* the types diff listed beside the schema ("these hold data whatever it says") */
	static const char *const data[] = {
		"AWS::S3::Bucket",	    "AWS::RDS::DBInstance",	"AWS::RDS::DBCluster",
		"AWS::KMS::Key",	    "AWS::Logs::LogGroup",	"AWS::DynamoDB::Table",
		"AWS::EFS::FileSystem",	    "AWS::SecretsManager::Secret", "AWS::Backup::BackupVault",
		"AWS::SQS::Queue",	    NULL};
	for (int i = 0; data[i]; i++)
		CHECK(cfn_schema_is_stateful(s, data[i]));
	CHECK(!cfn_schema_is_stateful(s, "AWS::EC2::SecurityGroup"));
	CHECK(!cfn_schema_is_stateful(s, "AWS::IAM::Role"));
	CHECK(!cfn_schema_is_stateful(s, "AWS::Nope::Nothing"));
	CHECK(!cfn_schema_is_stateful(s, ""));
	CHECK(!cfn_schema_is_stateful(s, NULL));
	CHECK(!cfn_schema_is_stateful(NULL, "AWS::S3::Bucket"));
	cfn_schema_free(s);
	diag_list_release(&dl);
}

/*
 * The data file is searched in place (a binary search over its bytes, no
 * index): every R, T and X line of it is found by its key, with its record,
 * and keys between or around them are not. Fails when the file is out of the
 * order the search needs (header, R by type, T by numeric id, X by type).
 */
TEST(every_record_found_in_place)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *s = cfn_schema_load(NULL, &dl);
	char *path = fs_data_path("cfn-schema.txt");
	size_t len, lines = 0, found = 0;
	char *text = fs_read_file(path, &len, &dl);
	CHECK(s != NULL && text != NULL);
	for (char *line = text; s && text && line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		*nl = '\0';
		char *tab = line[0] != '#' ? strchr(line + 2, '\t') : NULL;
		if (tab) {
			*tab = '\0';
			json_t *want = json_loads(tab + 1, 0, NULL);
			const json_t *got = line[0] == 'R'   ? cfn_schema_resource(s, line + 2)
					    : line[0] == 'T' ? cfn_schema_property_type(s, line + 2)
							     : cfn_schema_extension_rules(s, line + 2);
			if (line[0] == 'X')
				found += json_equal(json_object_get(want, "r"), got) ? 1 : 0;
			else
				found += json_equal(want, got) ? 1 : 0;
			lines++;
			json_decref(want);
		}
		line = nl + 1;
	}
	CHECK(lines > 11000);
	CHECK(found == lines);
	/* before the first, after the last, between two, a prefix of one */
	CHECK(s && !cfn_schema_resource(s, "AAA::Nothing"));
	CHECK(s && !cfn_schema_resource(s, "Zzz::Nothing"));
	CHECK(s && !cfn_schema_resource(s, "AWS::S3::Bucke"));
	CHECK(s && !cfn_schema_resource(s, "AWS::S3::BucketZ"));
	CHECK(s && cfn_schema_resource(s, "AWS::S3::Bucket"));
	CHECK(s && !cfn_schema_property_type(s, "0"));
	CHECK(s && !cfn_schema_property_type(s, "99999999"));
	CHECK(s && !cfn_schema_property_type(s, ""));
	CHECK(s && !cfn_schema_extension_rules(s, "AWS::S3::Nothing"));
	/* a second asking answers the same record */
	CHECK(s && cfn_schema_resource(s, "AWS::S3::Bucket") ==
			   cfn_schema_resource(s, "AWS::S3::Bucket"));
	/* the closest type for a misspelling, and none for nonsense */
	const char *c = s ? cfn_schema_closest_type(s, "AWS::S3::Buckt") : NULL;
	CHECK(c && !strcmp(c, "AWS::S3::Bucket"));
	CHECK(s && !cfn_schema_closest_type(s, "qqqqqqqqqqqqqqqqqqqqqqq"));
	CHECK(s && strstr(cfn_schema_source(s), "aws-service-spec"));
	free(text);
	free(path);
	cfn_schema_free(s);
	diag_list_release(&dl);
}

/* The patterns of the data: strings of a constraint's "p" list, an extension's "pattern". */
static void collect_patterns(const json_t *v, json_t *out)
{
	const char *k;
	json_t *x;
	size_t i;
	json_object_foreach ((json_t *)v, k, x) {
		if (!strcmp(k, "p") && json_is_array(x))
			json_array_foreach (x, i, v)
				if (json_is_string(v))
					json_object_set(out, json_string_value(v), json_true());
		if (!strcmp(k, "pattern") && json_is_string(x))
			json_object_set(out, json_string_value(x), json_true());
		collect_patterns(x, out);
	}
	json_array_foreach (v, i, x)
		collect_patterns(x, out);
}

/*
 * cfn_schema_match decides the simple shapes of pattern (^[SET]+$, ^(a|b)$,
 * ...) without regcomp: on every pattern of the data, and on shapes it must
 * leave to regexec, each text gets regexec's answer.
 */
TEST(match_agrees_with_regexec)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *s = cfn_schema_load(NULL, &dl);
	char *path = fs_data_path("cfn-schema.txt");
	size_t len, pairs = 0, agree = 0;
	char *text = fs_read_file(path, &len, &dl);
	CHECK(s != NULL && text != NULL);
	json_t *pats = json_object();
	for (char *line = text; text && line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		*nl = '\0';
		char *tab = line[0] != '#' ? strchr(line + 2, '\t') : NULL;
		json_t *rec = tab ? json_loads(tab + 1, 0, NULL) : NULL;
		collect_patterns(rec, pats);
		json_decref(rec);
		line = nl + 1;
	}
	static const char *const extra[] = {
		"^[a-z]+$",	"^[^:]",	  "^[]a-z]*$",	 "^[a-c-]+$",	 "^[-a]+$",
		"^[z-a]+$",	"^[[:alpha:]]+$", "^[\\d]+$",	 "^[a]{2,3}$",	 "^[a]{2}$",
		"^[a]{2,}$",	"^[a]{3,2}$",	  "^([ab])+$",	 "^(ab|cd)$",	 "^(ab|cd)",
		"^(ab|)$",	"^(a.b)$",	  "^[a-z]+",	 "^[a-z]+$x",	 "^[^\n]*$",
		"^[A-z]+$",	"^[0-9a-f]{8}$", "^(sigv4)$",	 "^[]]+$",	 "[a-z]+$",
		"^[a-z][0-9]$", NULL};
	for (int i = 0; extra[i]; i++)
		json_object_set(pats, extra[i], json_true());
	static const char *const texts[] = {
		"",	       "a",	     "ab",	 "cd",	     "abc",	  "aab",       "ABC",
		"Az",	       "a-b",	     "-",	 "]",	     "a]b",	  "sigv4",     "x1",
		"1",	       "20",	     "0123456789abcdef",	     "deadbeef",  "a b",
		"a\nb",	       ":x",	     "x:y",	 "abcd:ef",  "\\",	  "[a]",       "caf\xc3\xa9",
		"arn:aws:s3:::bucket",	     "SolemateProductionAlb",	     "us-east-1", "foo.fifo",
		"z",	       "zzzzzzzzz", NULL};
	const char *ere;
	json_t *one;
	json_object_foreach (pats, ere, one) {
		regex_t re;
		bool ok = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0;
		for (int i = 0; s && texts[i]; i++) {
			int want = ok ? regexec(&re, texts[i], 0, NULL, 0) == 0 : -1;
			int got = cfn_schema_match(s, ere, texts[i]);
			pairs++;
			if (got == want)
				agree++;
			else
				fprintf(stderr, "# '%s' on '%s': %d, regexec %d\n", ere, texts[i], got,
					want);
		}
		if (ok)
			regfree(&re);
	}
	CHECK(json_object_size(pats) > 1000);
	CHECK(pairs > 0 && agree == pairs);
	json_decref(pats);
	free(text);
	free(path);
	cfn_schema_free(s);
	diag_list_release(&dl);
}

int main(void)
{
	RUN(stateful_from_the_schema);
	RUN(every_record_found_in_place);
	RUN(match_agrees_with_regexec);
	return test_done();
}
