/* Assemblies built in memory by the analysis tests. */
#ifndef SM_TEST_ASSEMBLY_FIXTURE_H
#define SM_TEST_ASSEMBLY_FIXTURE_H

#include "analysis/assembly.h"

/*
 * Initialize `a` with one template per member of the JSON object `text`
 * ({"Stack": {"Resources": {...}}, ...}), each named after its member, in
 * `region`. A text that is not JSON is printed as a TAP comment (the test's
 * checks then fail on the empty assembly).
 */
void test_assembly_from_json(struct sm_assembly *a, const char *text, const char *region);

#endif
