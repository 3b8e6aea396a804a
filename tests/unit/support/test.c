#include "test.h"

int test_failures_in_case;
int test_cases_failed;
int test_case_no;

int test_done(void)
{
	printf("1..%d\n", test_case_no);
	return test_cases_failed ? 1 : 0;
}

bool json_subset(const json_t *pattern, const json_t *value)
{
	if (json_is_object(pattern)) {
		const char *k;
		json_t *pv;
		if (!json_is_object(value))
			return false;
		json_object_foreach((json_t *)pattern, k, pv)
		{
			if (!json_subset(pv, json_object_get(value, k)))
				return false;
		}
		return true;
	}
	if (json_is_array(pattern)) {
		if (!json_is_array(value) || json_array_size(pattern) > json_array_size(value))
			return false;
		for (size_t i = 0; i < json_array_size(pattern); i++)
			if (!json_subset(json_array_get(pattern, i), json_array_get(value, i)))
				return false;
		return true;
	}
	return value && json_equal((json_t *)pattern, (json_t *)value);
}

const char *tmpl_find_resource(const json_t *tmpl, const char *type, const char *props_json)
{
	json_t *pattern = props_json ? json_loads(props_json, 0, NULL) : NULL;
	const char *id, *found = NULL;
	json_t *r;

	if (props_json && !pattern) {
		printf("#   bad pattern JSON: %s\n", props_json);
		return NULL;
	}
	json_object_foreach(json_object_get(tmpl, "Resources"), id, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "Type")) ?: "", type))
			continue;
		if (!pattern || json_subset(pattern, json_object_get(r, "Properties"))) {
			found = id;
			break;
		}
	}
	json_decref(pattern);
	return found;
}

size_t tmpl_count_resources(const json_t *tmpl, const char *type)
{
	const char *id;
	json_t *r;
	size_t n = 0;
	json_object_foreach(json_object_get(tmpl, "Resources"), id, r)
	{
		if (!strcmp(json_string_value(json_object_get(r, "Type")) ?: "", type))
			n++;
	}
	return n;
}
