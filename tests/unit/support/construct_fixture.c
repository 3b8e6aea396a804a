/* A scratch app for the construct tests (construct_fixture.h). */
#include "construct_fixture.h"

#include "analysis/check.h"
#include "test.h"

static struct sm_app *app;
static struct sm_stack *stack;

struct sm_stack *cf_scratch(void)
{
	sm_app_free(app);
	app = sm_app_new();
	/* accepted findings expand into cdk-nag IDs, as the command's */
	sm_app_set_rule_catalog(app, check_rule_nag_ids);
	stack = sm_stack_new(app, "Scratch", &(struct sm_stack_props){.region = "eu-west-1"});
	return stack;
}

void cf_release(void)
{
	sm_app_free(app);
	app = NULL;
	stack = NULL;
}

const json_t *cf_resolved(void)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int rc = sm_app_resolve(app, &dl);
	if (rc < 0)
		diag_print_all(stdout, &dl, false);
	CHECK(rc == 0);
	diag_list_release(&dl);
	return sm_stack_template(stack);
}

const json_t *cf_resource(const char *id)
{
	return json_object_get(json_object_get(cf_resolved(), "Resources"), id);
}

bool cf_has(const char *id, const char *pattern)
{
	const json_t *r = cf_resource(id);
	json_t *p = json_loads(pattern, 0, NULL);
	bool ok = r && p && json_subset(p, json_object_get(r, "Properties"));
	if (!ok)
		printf("#   %s lacks %s\n", id, pattern);
	json_decref(p);
	return ok;
}

bool cf_depends(const char *id, const char *on)
{
	size_t i;
	const json_t *d;
	json_array_foreach(json_object_get(cf_resource(id), "DependsOn"), i, d)
	{
		if (!strcmp(json_string_value(d), on))
			return true;
	}
	return false;
}

bool cf_fails_naming(const char *key)
{
	struct diag_list dl = DIAG_LIST_INIT;
	bool named = false;
	int rc = sm_app_resolve(app, &dl);
	for (size_t i = 0; i < dl.nr; i++)
		named |= strstr(dl.items[i].message, key) != NULL;
	if (rc == 0 || !named) {
		printf("#   no error names %s:\n", key);
		diag_print_all(stdout, &dl, false);
	}
	diag_list_release(&dl);
	return rc < 0 && named;
}

struct sm_resource *cf_any(const char *id, const char *type)
{
	return sm_resource_new(stack, id, type, NULL);
}
