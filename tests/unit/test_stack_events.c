/*
 * Reading a deploy from its stack events: settled or not, the root cause of
 * a failure (not the cascade of cancellations), resources done, the bar.
 */
#include <string.h>

#include "aws/stack_events.h"
#include "support/test.h"

static json_t *ev(const char *ts, const char *id, const char *status, const char *reason)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "eventId", ts, "timestamp", ts,
			 "logicalId", id, "type", "AWS::X::Y", "status", status, "reason",
			 reason ? reason : "");
}

TEST(status_states)
{
	CHECK(stack_status_state("CREATE_COMPLETE") == STACK_OK);
	CHECK(stack_status_state("UPDATE_COMPLETE") == STACK_OK);
	CHECK(stack_status_state("DELETE_COMPLETE") == STACK_OK);
	CHECK(stack_status_state("CREATE_IN_PROGRESS") == STACK_IN_PROGRESS);
	CHECK(stack_status_state("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") == STACK_IN_PROGRESS);
	CHECK(stack_status_state("ROLLBACK_IN_PROGRESS") == STACK_IN_PROGRESS);
	CHECK(stack_status_state("ROLLBACK_COMPLETE") == STACK_FAILED);
	CHECK(stack_status_state("UPDATE_ROLLBACK_COMPLETE") == STACK_FAILED);
	CHECK(stack_status_state("CREATE_FAILED") == STACK_FAILED);
	CHECK(stack_status_state("DELETE_FAILED") == STACK_FAILED);
	CHECK(stack_status_state("REVIEW_IN_PROGRESS") == STACK_IN_PROGRESS);
	CHECK(stack_status_state("") == STACK_UNKNOWN);
	CHECK(stack_status_state(NULL) == STACK_UNKNOWN);
	CHECK(stack_status_state("BOGUS") == STACK_UNKNOWN);
}

TEST(root_cause_is_first_real_failure)
{
	json_t *e = json_array();
	/* newest first, as DescribeStackEvents returns them */
	json_array_append_new(e, ev("2026-12-03T10:00:09Z", "Stack", "ROLLBACK_IN_PROGRESS",
				    "The following resource(s) failed to create: [Db, Web]."));
	json_array_append_new(e, ev("2026-12-03T10:00:08Z", "Web", "CREATE_FAILED",
				    "Resource creation cancelled"));
	json_array_append_new(e, ev("2026-12-03T10:00:07Z", "Db", "CREATE_FAILED",
				    "DB instance class not supported"));
	json_array_append_new(e, ev("2026-12-03T10:00:05Z", "Cache", "CREATE_FAILED",
				    "Resource creation cancelled"));
	const json_t *rc = stack_events_root_cause(e);
	CHECK(rc != NULL);
	CHECK_STR(json_string_value(json_object_get(rc, "logicalId")), "Db");
	json_decref(e);
}

TEST(root_cause_falls_back_to_earliest_failure)
{
	json_t *e = json_array();
	json_array_append_new(
		e, ev("2026-12-03T10:00:08Z", "B", "CREATE_FAILED", "Resource creation cancelled"));
	json_array_append_new(
		e, ev("2026-12-03T10:00:07Z", "A", "CREATE_FAILED", "Resource creation cancelled"));
	const json_t *rc = stack_events_root_cause(e);
	CHECK(rc && !strcmp(json_string_value(json_object_get(rc, "logicalId")), "A"));
	json_array_clear(e);
	json_array_append_new(e, ev("2026-12-03T10:00:07Z", "A", "CREATE_COMPLETE", NULL));
	CHECK(stack_events_root_cause(e) == NULL);
	json_decref(e);
}

TEST(done_counts_latest_event_per_resource)
{
	json_t *e = json_array();
	json_array_append_new(e, ev("2026-12-03T10:00:01Z", "Stack", "CREATE_IN_PROGRESS", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:02Z", "A", "CREATE_IN_PROGRESS", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:03Z", "A", "CREATE_COMPLETE", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:02Z", "B", "CREATE_IN_PROGRESS", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:04Z", "C", "DELETE_SKIPPED", NULL));
	/* D completed, then went back in progress (update): not done */
	json_array_append_new(e, ev("2026-12-03T10:00:02Z", "D", "CREATE_COMPLETE", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:05Z", "D", "UPDATE_IN_PROGRESS", NULL));
	json_array_append_new(e, ev("2026-12-03T10:00:06Z", "Stack", "CREATE_COMPLETE", NULL));
	CHECK(stack_events_done(e, "Stack") == 2);
	/* without the stack's name, its own COMPLETE counts too */
	CHECK(stack_events_done(e, NULL) == 3);
	json_decref(e);
}

TEST(progress_bar)
{
	char buf[64];
	stack_progress_bar(buf, sizeof(buf), 7, 14, 10);
	CHECK_STR(buf, "[#####.....] 7/14");
	stack_progress_bar(buf, sizeof(buf), 0, 0, 4);
	CHECK_STR(buf, "[....] 0/0");
	stack_progress_bar(buf, sizeof(buf), 9, 3, 3);
	CHECK_STR(buf, "[###] 3/3");
	/* a small buffer is truncated, never overrun */
	char small[5];
	stack_progress_bar(small, sizeof(small), 1, 2, 10);
	CHECK(strlen(small) == 4);
	stack_progress_bar(small, 1, 1, 2, 10);
	CHECK(small[0] == '\0');
}

int main(void)
{
	RUN(status_states);
	RUN(root_cause_is_first_real_failure);
	RUN(root_cause_falls_back_to_earliest_failure);
	RUN(done_counts_latest_event_per_resource);
	RUN(progress_bar);
	return test_done();
}
