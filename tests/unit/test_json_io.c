/* JSON/YAML I/O: round trips, CloudFormation short-form tags, positions, hostile input. */
#include <stdlib.h>
#include <string.h>

#include "base/json_io.h"
#include "support/test.h"

TEST(yaml_round_trip_keeps_types_of_tricky_strings)
{
	struct diag_list dl = DIAG_LIST_INIT;
	json_t *v = json_pack("{ss ss ss ss ss ss ss ss ss ss si sb sf sn s[]}", "date",
			      "2010-09-09", "octal", "0755", "yes", "yes", "empty", "", "sexa",
			      "1:30", "inf", ".inf", "null", "null", "neg", "-x", "colon",
			      "a: b", "hash", "#x", "int", 42, "bool", 1, "real", 1.5, "nul",
			      "list");
	char *y = jio_dump_yaml(v, NULL);
	CHECK(y != NULL);
	json_t *back = y ? jio_load_yaml("t.yaml", y, strlen(y), &dl) : NULL;
	CHECK(back && json_equal(v, back));
	if (back && !json_equal(v, back))
		printf("#   %s\n", y);
	json_decref(back);
	json_decref(v);
	free(y);
	diag_list_release(&dl);
}

TEST(yaml_short_form_tags)
{
	const char *y = "A: !Ref Vpc\nB: !GetAtt Db.Endpoint.Address\nC: !Sub '${AWS::Region}-x'\n"
			"D: !Join [',', [a, b]]\nE: !If [C, 1, 2]\n";
	struct diag_list dl = DIAG_LIST_INIT;
	json_t *v = jio_load_yaml("t.yaml", y, strlen(y), &dl);
	CHECK(v != NULL);
	char *s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"A\":{\"Ref\":\"Vpc\"},\"B\":{\"Fn::GetAtt\":[\"Db\",\"Endpoint.Address\"]},"
		     "\"C\":{\"Fn::Sub\":\"${AWS::Region}-x\"},\"D\":{\"Fn::Join\":[\",\",[\"a\",\"b\"]]},"
		     "\"E\":{\"Fn::If\":[\"C\",1,2]}}");
	free(s);
	json_decref(v);
	diag_list_release(&dl);
}

TEST(yaml_errors_have_positions)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *bad = "a: 1\nb: [1, 2\n";
	CHECK(jio_load_yaml("bad.yaml", bad, strlen(bad), &dl) == NULL);
	CHECK(dl.nr == 1 && dl.items[0].line >= 2);
	diag_list_release(&dl);
	const char *unknown = "a: !Bogus x\n";
	CHECK(jio_load_yaml("u.yaml", unknown, strlen(unknown), &dl) == NULL);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "!Bogus"));
	diag_list_release(&dl);
	const char *alias = "a: &x 1\nb: *x\n";
	CHECK(jio_load_yaml("a.yaml", alias, strlen(alias), &dl) == NULL);
	diag_list_release(&dl);
	const char *dup = "a: 1\na: 2\n";
	CHECK(jio_load_yaml("d.yaml", dup, strlen(dup), &dl) == NULL);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "duplicate"));
	diag_list_release(&dl);
}

TEST(deep_nesting_is_refused_not_crashed)
{
	struct diag_list dl = DIAG_LIST_INIT;
	size_t n = 200000;
	char *deep = malloc(n + 1);
	memset(deep, '[', n);
	deep[n] = '\0';
	CHECK(jio_load_json("deep.json", deep, n, &dl) == NULL);
	CHECK(jio_load_yaml("deep.yaml", deep, n, &dl) == NULL);
	CHECK(dl.nr == 2);
	free(deep);
	diag_list_release(&dl);
}

TEST(positions_by_path)
{
	const char *text = "{\n  \"a\": {\n    \"b\": [10,\n      20]\n  }\n}\n";
	struct jio_posmap *pm = jio_posmap_build(text, strlen(text));
	int line = 0, col = 0;
	CHECK(jio_posmap_lookup(pm, "a.b", &line, &col) && line == 3 && col == 5);
	CHECK(jio_posmap_lookup(pm, "a.b[1]", &line, &col) && line == 4 && col == 7);
	CHECK(!jio_posmap_lookup(pm, "a.c", &line, &col));
	jio_posmap_free(pm);
}

TEST(json_dump_is_one_space_indented_with_newline)
{
	json_t *v = json_pack("{s{si}}", "a", "b", 1);
	char *s = jio_dump_json(v, NULL);
	CHECK_STR(s, "{\n \"a\": {\n  \"b\": 1\n }\n}\n");
	free(s);
	json_decref(v);
}

/* Our fast writer produces exactly jansson's bytes. */
TEST(fast_json_writer_matches_jansson)
{
	struct diag_list dl = DIAG_LIST_INIT;
	json_t *v = json_pack("{s{ss ss ss si sf sf s[] s{} sn sb sb}}", "a", "ctl",
			      "\x01\x1f\\\"\n\r\t\b\f/x", "utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x91\x9f",
			      "del", "\x7f", "int", -42, "real", 0.1, "whole", 3.0, "ea", "eo", "n",
			      "t", 1, "f", 0);
	json_t *nested = json_array();
	json_array_append_new(nested, json_pack("[i[s]{s[]}]", 1, "x", "k"));
	json_object_set_new(v, "nested", nested);
	char *ours = jio_dump_json(v, NULL);
	char *theirs = json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	size_t n = strlen(theirs);
	CHECK(strncmp(ours, theirs, n) == 0 && ours[n] == '\n' && ours[n + 1] == '\0');
	if (strncmp(ours, theirs, n))
		printf("# ours:\n%s\n# theirs:\n%s\n", ours, theirs);
	free(ours);
	free(theirs);
	json_decref(v);
	diag_list_release(&dl);
}

int main(void)
{
	RUN(fast_json_writer_matches_jansson);
	RUN(yaml_round_trip_keeps_types_of_tricky_strings);
	RUN(yaml_short_form_tags);
	RUN(yaml_errors_have_positions);
	RUN(deep_nesting_is_refused_not_crashed);
	RUN(positions_by_path);
	RUN(json_dump_is_one_space_indented_with_newline);
	return test_done();
}
