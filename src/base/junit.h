/*
 * JUnit XML reports, for CI systems that read test results (GitLab's merge
 * request widget, Jenkins, Azure Pipelines, GitHub's test reporters).
 *
 * There is no standard, but two schemas everyone checks against: the
 * Ant-derived JUnit.xsd (windyroad, strict: every testsuite carries name,
 * timestamp, hostname, tests, failures, errors, time, and in <testsuites>
 * package and id; <properties>, <system-out> and <system-err> are present;
 * a testcase holds at most one <failure> or <error>, and nothing else) and
 * Jenkins' junit-10.xsd (loose, but <properties> needs a <property>). The
 * writer emits what both accept: tests/cli/junit.sh validates against both.
 *
 * A report owns its strings (copied in); junit_report_release() frees them.
 */
#ifndef SM_JUNIT_H
#define SM_JUNIT_H

#include <stddef.h>

#include "base/strbuf.h"

struct junit_case {
	char *classname, *name;
	char *failure_type;    /* NULL: the case passed */
	char *failure_message; /* one line */
	struct strbuf detail;  /* the failure's text */
};

struct junit_suite {
	char *name, *package;
	struct junit_case *cases;
	size_t nr, alloc;
	struct strbuf out; /* <system-out> */
};

struct junit_report {
	struct junit_suite *suites;
	size_t nr, alloc;
	char *property_name, *property_value; /* every suite's one <property> */
};

#define JUNIT_REPORT_INIT                                                                          \
	{                                                                                          \
		NULL, 0, 0, NULL, NULL                                                             \
	}

/* The property each suite carries ("solemate", the version). */
void junit_report_set_property(struct junit_report *r, const char *name, const char *value);
struct junit_suite *junit_suite_add(struct junit_report *r, const char *name, const char *package);
struct junit_case *junit_case_add(struct junit_suite *s, const char *classname, const char *name);
/*
 * Mark a case failed (type "error", "warning", ...; message one line); the
 * detail text is appended to c->detail by the caller. A case fails once: a
 * second call keeps the first type and message.
 */
void junit_case_fail(struct junit_case *c, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t junit_suite_failures(const struct junit_suite *s);

/*
 * The document into `out`. `timestamp` is "YYYY-MM-DDTHH:MM:SS" (UTC, no
 * zone: the strict schema's pattern); junit_timestamp() gives the current
 * time, or SOURCE_DATE_EPOCH's when set (reproducible reports).
 */
void junit_write(const struct junit_report *r, const char *timestamp, const char *hostname,
		 struct strbuf *out);
void junit_timestamp(char buf[20]);
void junit_report_release(struct junit_report *r);

/*
 * Append `s` to XML character data or an attribute value: &, <, >, " and '
 * escaped, characters XML 1.0 does not allow (C0 controls but tab, newline
 * and carriage return; bytes that are not UTF-8) as U+FFFD.
 */
void xml_escape(struct strbuf *out, const char *s);

#endif
