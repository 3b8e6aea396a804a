/* JUnit XML reports (junit.h). */
#include "base/junit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/common.h"
#include "base/json_io_int.h"
#include "base/xalloc.h"

void xml_escape(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x80) {
			unsigned cp = 0;
			size_t n = jio_utf8_decode(p, end, &cp);
			/* XML 1.0's Char excludes U+FFFE and U+FFFF (2.2) */
			if (!n || cp == 0xFFFE || cp == 0xFFFF) {
				strbuf_addstr(out, "\xEF\xBF\xBD");
				p += n ? n : 1;
			} else {
				strbuf_add(out, p, n);
				p += n;
			}
			continue;
		}
		switch (c) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		case '\'':
			strbuf_addstr(out, "&apos;");
			break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				strbuf_addstr(out, "\xEF\xBF\xBD");
			else
				strbuf_addch(out, (char)c);
		}
		p++;
	}
}

void junit_report_set_property(struct junit_report *r, const char *name, const char *value)
{
	free(r->property_name);
	free(r->property_value);
	r->property_name = xstrdup(name);
	r->property_value = xstrdup(value);
}

struct junit_suite *junit_suite_add(struct junit_report *r, const char *name, const char *package)
{
	ALLOC_GROW(r->suites, r->nr + 1, r->alloc);
	struct junit_suite *s = &r->suites[r->nr++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->package = xstrdup(package);
	strbuf_init(&s->out, 0);
	return s;
}

struct junit_case *junit_case_add(struct junit_suite *s, const char *classname, const char *name)
{
	ALLOC_GROW(s->cases, s->nr + 1, s->alloc);
	struct junit_case *c = &s->cases[s->nr++];
	memset(c, 0, sizeof(*c));
	c->classname = xstrdup(classname);
	c->name = xstrdup(name);
	strbuf_init(&c->detail, 0);
	return c;
}

void junit_case_fail(struct junit_case *c, const char *type, const char *fmt, ...)
{
	if (c->failure_type)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	c->failure_type = xstrdup(type);
	c->failure_message = strbuf_detach(&sb, NULL);
}

size_t junit_suite_failures(const struct junit_suite *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nr; i++)
		n += s->cases[i].failure_type != NULL;
	return n;
}

/* name="value" with the value escaped; xs:token attributes must not be empty */
static void attr(struct strbuf *out, const char *name, const char *value)
{
	strbuf_addf(out, " %s=\"", name);
	xml_escape(out, value && *value ? value : "-");
	strbuf_addch(out, '"');
}

static void write_case(const struct junit_case *c, struct strbuf *out)
{
	strbuf_addstr(out, "    <testcase");
	attr(out, "classname", c->classname);
	attr(out, "name", c->name);
	strbuf_addstr(out, " time=\"0\"");
	if (!c->failure_type) {
		strbuf_addstr(out, "/>\n");
		return;
	}
	strbuf_addstr(out, ">\n      <failure");
	attr(out, "type", c->failure_type);
	attr(out, "message", c->failure_message);
	strbuf_addch(out, '>');
	xml_escape(out, c->detail.buf);
	strbuf_addstr(out, "</failure>\n    </testcase>\n");
}

void junit_write(const struct junit_report *r, const char *timestamp, const char *hostname,
		 struct strbuf *out)
{
	strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (size_t i = 0; i < r->nr; i++) {
		const struct junit_suite *s = &r->suites[i];
		strbuf_addstr(out, "  <testsuite");
		attr(out, "name", s->name);
		attr(out, "package", s->package);
		strbuf_addf(out, " id=\"%zu\"", i);
		attr(out, "timestamp", timestamp);
		attr(out, "hostname", hostname);
		strbuf_addf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"0\">\n",
			    s->nr, junit_suite_failures(s));
		strbuf_addstr(out, "    <properties>\n      <property");
		attr(out, "name", r->property_name ? r->property_name : "generator");
		attr(out, "value", r->property_value ? r->property_value : "solemate");
		strbuf_addstr(out, "/>\n    </properties>\n");
		for (size_t j = 0; j < s->nr; j++)
			write_case(&s->cases[j], out);
		strbuf_addstr(out, "    <system-out>");
		xml_escape(out, s->out.buf);
		strbuf_addstr(out, "</system-out>\n    <system-err/>\n  </testsuite>\n");
	}
	strbuf_addstr(out, "</testsuites>\n");
}

void junit_timestamp(char buf[20])
{
	time_t now = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 0)
			now = (time_t)v;
	}
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, 20, "%Y-%m-%dT%H:%M:%S", &tm);
}

void junit_report_release(struct junit_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct junit_suite *s = &r->suites[i];
		for (size_t j = 0; j < s->nr; j++) {
			struct junit_case *c = &s->cases[j];
			free(c->classname);
			free(c->name);
			free(c->failure_type);
			free(c->failure_message);
			strbuf_release(&c->detail);
		}
		free(s->cases);
		free(s->name);
		free(s->package);
		strbuf_release(&s->out);
	}
	free(r->suites);
	free(r->property_name);
	free(r->property_value);
	memset(r, 0, sizeof(*r));
}
