/*
 * A small test harness printing TAP ("ok N - name" / "not ok N - name"), so
 * that tests/run.sh can count cases across every test program.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(name); return test_done(); }
 */
#ifndef SM_TEST_H
#define SM_TEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

extern int test_failures_in_case;
extern int test_cases_failed;
extern int test_case_no;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                                          \
	do {                                                                               \
		test_failures_in_case = 0;                                                 \
		test_##name();                                                             \
		test_case_no++;                                                            \
		if (test_failures_in_case)                                                 \
			test_cases_failed++;                                               \
		printf("%sok %d - %s\n", test_failures_in_case ? "not " : "", test_case_no,  \
		       #name);                                                             \
		fflush(stdout);                                                            \
	} while (0)

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
			test_failures_in_case++;                                           \
		}                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *a_ = (a), *b_ = (b);                                           \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                        \
			printf("#   %s:%d: '%s' != '%s'\n", __FILE__, __LINE__,              \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                    \
			test_failures_in_case++;                                           \
		}                                                                          \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
	do {                                                                               \
		const char *h_ = (hay), *n_ = (needle);                                    \
		if (!h_ || !strstr(h_, n_)) {                                              \
			printf("#   %s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__,  \
			       h_ ? h_ : "(null)", n_);                                    \
			test_failures_in_case++;                                           \
		}                                                                          \
	} while (0)

int test_done(void);

/*
 * CDK-assertions-style helpers over a template: the first resource of `type`
 * whose properties contain `props` (a JSON subset: every key/value of
 * `props` must match, recursively; arrays must match element-wise as
 * subsets, in order). Returns the logical ID or NULL.
 */
const char *tmpl_find_resource(const json_t *tmpl, const char *type, const char *props_json);
size_t tmpl_count_resources(const json_t *tmpl, const char *type);
/* Deep subset match, as above. */
bool json_subset(const json_t *pattern, const json_t *value);

#endif
