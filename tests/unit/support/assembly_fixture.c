/* Assemblies built in memory (assembly_fixture.h). */
#include "assembly_fixture.h"

#include <stdio.h>

void test_assembly_from_json(struct sm_assembly *a, const char *text, const char *region)
{
	json_error_t err;
	json_t *all = json_loads(text, 0, &err);
	if (!all)
		printf("# bad test JSON: %s (col %d)\n", err.text, err.column);
	sm_assembly_init(a);
	const char *name;
	json_t *tmpl;
	json_object_foreach (all, name, tmpl)
		sm_assembly_add(a, name, name, region, json_incref(tmpl));
	json_decref(all);
}
