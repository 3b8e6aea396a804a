/* Stack states, root causes and progress from stack events (stack_events.h). */
#include <stdio.h>
#include <string.h>

#include "aws/stack_events.h"
#include "base/common.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

enum stack_state stack_status_state(const char *status)
{
	if (!status || !*status)
		return STACK_UNKNOWN;
	if (ends_with(status, "_IN_PROGRESS"))
		return STACK_IN_PROGRESS;
	/*
	 * A rollback that completed is a failed operation: ROLLBACK_COMPLETE
	 * (first create rolled back), UPDATE_ROLLBACK_COMPLETE, IMPORT_ROLLBACK_*.
	 */
	if (strstr(status, "ROLLBACK") || ends_with(status, "_FAILED"))
		return STACK_FAILED;
	if (ends_with(status, "_COMPLETE"))
		return STACK_OK;
	return STACK_UNKNOWN;
}

static const char *str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Reasons CloudFormation gives to resources that failed because another did. */
static bool is_cascade(const char *reason)
{
	static const char *const cascade[] = {
		"Resource creation cancelled",
		"Resource update cancelled",
		"The following resource(s) failed to",
		"Resource handler returned message: \"null\"",
	};
	for (size_t i = 0; i < sizeof(cascade) / sizeof(cascade[0]); i++)
		if (strstr(reason, cascade[i]))
			return true;
	return false;
}

const json_t *stack_events_root_cause(const json_t *events)
{
	const json_t *best = NULL, *fallback = NULL;
	size_t i;
	const json_t *e;

	json_array_foreach (events, i, e) {
		if (!ends_with(str(e, "status"), "_FAILED"))
			continue;
		/* ISO 8601 timestamps of one zone compare as strings */
		bool earlier_than =
			!fallback || strcmp(str(e, "timestamp"), str(fallback, "timestamp")) < 0;
		if (earlier_than)
			fallback = e;
		if (is_cascade(str(e, "reason")))
			continue;
		if (!best || strcmp(str(e, "timestamp"), str(best, "timestamp")) < 0)
			best = e;
	}
	return best ? best : fallback;
}

static bool is_done(const char *status)
{
	return ends_with(status, "_COMPLETE") || ends_with(status, "_SKIPPED");
}

size_t stack_events_done(const json_t *events, const char *stack_name)
{
	size_t n = json_array_size(events), done = 0;
	/* For each logical ID, only its latest event counts. O(n^2) on a few hundred. */
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(events, i);
		const char *id = str(e, "logicalId");
		if (!*id || (stack_name && !strcmp(id, stack_name)))
			continue;
		bool latest = true;
		for (size_t j = 0; j < n && latest; j++) {
			const json_t *o = json_array_get(events, j);
			if (j == i || strcmp(str(o, "logicalId"), id))
				continue;
			int c = strcmp(str(o, "timestamp"), str(e, "timestamp"));
			/* same timestamp: the later position in the array wins */
			if (c > 0 || (c == 0 && j > i))
				latest = false;
		}
		if (latest && is_done(str(e, "status")))
			done++;
	}
	return done;
}

void stack_progress_bar(char *buf, size_t size, size_t done, size_t total, int width)
{
	if (!size)
		return;
	if (width < 1)
		width = 1;
	if (done > total)
		done = total;
	size_t fill = total ? done * (size_t)width / total : 0;
	size_t pos = 0;
	if (size > 1)
		buf[pos++] = '[';
	for (int i = 0; i < width && pos + 1 < size; i++)
		buf[pos++] = (size_t)i < fill ? '#' : '.';
	if (pos + 1 < size)
		buf[pos++] = ']';
	buf[pos] = '\0';
	if (pos < size)
		snprintf(buf + pos, size - pos, " %zu/%zu", done, total);
}
