/* base/date.h: the one reader of YYYY-MM-DD dates */
#include "base/date.h"
#include "support/test.h"

TEST(dates_of_the_calendar_are_read)
{
	struct date d;
	CHECK(date_parse("2026-12-04", &d));
	CHECK(d.year == 2026 && d.month == 12 && d.day == 4);
	CHECK(date_parse("2024-02-29", NULL)); /* a leap year */
	CHECK(date_parse("2000-02-29", NULL)); /* divisible by 400 */
	CHECK(date_parse("0001-01-31", NULL));
}

TEST(what_is_not_a_date_is_refused)
{
	static const char *const bad[] = {"2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01",
					  "2026-00-10", "2026-01-00", "2026-1-01",  "2026-01-1",
					  "+026-01-01", "2026-01- 1", " 2026-01-01", "2026/01/01",
					  "2026-01-01T", "20260101",  "",	    NULL};
	for (int i = 0; bad[i]; i++) {
		if (date_parse(bad[i], NULL))
			printf("#   accepted '%s'\n", bad[i]);
		CHECK(!date_parse(bad[i], NULL));
	}
	CHECK(!date_parse(NULL, NULL));
}

TEST(timestamps_as_aws_writes_them)
{
	CHECK(date_parse_timestamp("2026-12-03T21:54:48Z") == 1796334888);
	CHECK(date_parse_timestamp("2026-12-03T22:54:48+01:00") == 1796334888);
	CHECK(date_parse_timestamp("2026-12-03T21:54:48") == 1796334888);
	/* what sscanf's %d let through: short fields, signs, spaces; days the calendar lacks */
	CHECK(date_parse_timestamp("2026-12-3T21:54:48Z") == -1);
	CHECK(date_parse_timestamp("2026-12-03T21:54:+8Z") == -1);
	CHECK(date_parse_timestamp("2026-12-03T 1:54:48Z") == -1);
	CHECK(date_parse_timestamp("2026-02-30T21:54:48Z") == -1);
	CHECK(date_parse_timestamp("2026-12-03T21:54:48+1:00") == -1);
	CHECK(date_parse_timestamp("2026-12-03T24:00:00Z") == -1);
}

int main(void)
{
	RUN(dates_of_the_calendar_are_read);
	RUN(what_is_not_a_date_is_refused);
	RUN(timestamps_as_aws_writes_them);
	return test_done();
}
