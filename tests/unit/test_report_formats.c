/* base/junit.h and base/markdown.h: the escaping the CI reports rest on (issue 15). */
#include "base/junit.h"
#include "base/markdown.h"

#include "support/test.h"

static char *esc(void (*fn)(struct strbuf *, const char *), const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	fn(&sb, s);
	return strbuf_detach(&sb, NULL);
}

#define CHECK_ESC(fn, in, want)                                                                    \
	do {                                                                                       \
		char *got_ = esc(fn, in);                                                          \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

TEST(xml_escapes_markup_and_what_xml_forbids)
{
	CHECK_ESC(xml_escape, "a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;");
	CHECK_ESC(xml_escape, "tab\tnl\ncr\r", "tab\tnl\ncr\r");
	/* C0 controls, a lone continuation byte, a truncated sequence, U+FFFE */
	CHECK_ESC(xml_escape, "x\x01y", "x\xEF\xBF\xBDy");
	CHECK_ESC(xml_escape, "\x80", "\xEF\xBF\xBD");
	CHECK_ESC(xml_escape, "\xC3", "\xEF\xBF\xBD");
	CHECK_ESC(xml_escape, "\xEF\xBF\xBE", "\xEF\xBF\xBD");
	CHECK_ESC(xml_escape, "\xC3\xA9\xF0\x9F\x98\x80", "\xC3\xA9\xF0\x9F\x98\x80"); /* é 😀 */
}

TEST(markdown_text_cannot_change_the_layout)
{
	CHECK_ESC(md_text, "a|b *c* <i>\nd", "a\\|b \\*c\\* \\<i\\> d");
	CHECK_ESC(md_text, "[x](http://e)", "\\[x\\]\\(http://e\\)");
}

TEST(code_spans_fence_past_the_backticks_they_hold)
{
	static const struct {
		const char *in;
		bool table;
		const char *want;
	} cases[] = {
		{"plain", false, "`plain`"},	      {"a`b", false, "``a`b``"},
		{"a``b`", false, "``` a``b` ```"}, {"a|b", true, "`a\\|b`"},
		{"a|b", false, "`a|b`"},	      {"", false, "` `"},
		{"x\ny\x01", false, "`x y`"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		md_code(&sb, cases[i].in, cases[i].table);
		CHECK_STR(sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

TEST(junit_counts_and_one_failure_per_case)
{
	struct junit_report r = JUNIT_REPORT_INIT;
	struct junit_suite *s = junit_suite_add(&r, "Stack", "pkg");
	struct junit_case *a = junit_case_add(s, "Stack", "passes");
	struct junit_case *b = junit_case_add(s, "Stack", "fails");
	junit_case_fail(b, "error", "first %d", 1);
	junit_case_fail(b, "warning", "second");
	CHECK(!a->failure_type && junit_suite_failures(s) == 1);
	CHECK_STR(b->failure_type, "error");
	CHECK_STR(b->failure_message, "first 1");
	struct strbuf out = STRBUF_INIT;
	junit_write(&r, "2026-12-04T00:00:00", "host", &out);
	CHECK_CONTAINS(out.buf, "tests=\"2\" failures=\"1\" errors=\"0\"");
	CHECK_CONTAINS(out.buf, "<property name=\"generator\" value=\"solemate\"/>");
	CHECK_CONTAINS(out.buf, "<system-out></system-out>\n    <system-err/>");
	strbuf_release(&out);
	junit_report_release(&r);
}

TEST(junit_timestamp_follows_source_date_epoch)
{
	char ts[20];
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	junit_timestamp(ts);
	CHECK_STR(ts, "2023-11-14T22:13:20");
	unsetenv("SOURCE_DATE_EPOCH");
}

int main(void)
{
	RUN(xml_escapes_markup_and_what_xml_forbids);
	RUN(markdown_text_cannot_change_the_layout);
	RUN(code_spans_fence_past_the_backticks_they_hold);
	RUN(junit_counts_and_one_failure_per_case);
	RUN(junit_timestamp_follows_source_date_epoch);
	return test_done();
}
