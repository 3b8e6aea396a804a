/* Following a stack operation: its events since a marker, until it settles. */
#include "lifecycle/watch.h"

#include <stdlib.h>
#include <string.h>

#include "aws/stack_events.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/xalloc.h"

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

int lc_watch_begin(struct lc_session *s, struct aws_client *c, struct lc_watch *w,
		   struct diag_list *dl)
{
	(void)s;
	free(w->marker);
	w->marker = NULL;
	if (!w->events)
		w->events = json_array();
	/*
	 * Only the newest event is needed (issue 19: not the whole history
	 * before every change set): events after it are this operation's, and
	 * later polls stop at the marker, reading only what is new.
	 */
	return cfn_latest_stack_event(c, w->stack_id ? w->stack_id : w->stack, &w->marker, dl);
}

/* Fetch the events since the marker and report them oldest first. */
static int poll_events(struct lc_session *s, struct aws_client *c, struct lc_watch *w,
		       struct diag_list *dl)
{
	json_t *fresh = NULL;
	if (cfn_describe_stack_events(c, w->stack_id ? w->stack_id : w->stack, w->marker, &fresh,
				      dl) < 0)
		return -1;
	size_t n = json_array_size(fresh);
	if (n) {
		free(w->marker);
		w->marker = xstrdup(jstr(json_array_get(fresh, 0), "eventId"));
	}
	for (size_t k = n; k-- > 0;) {
		json_t *e = json_array_get(fresh, k);
		json_array_append(w->events, e);
		if (!s->progress.event)
			continue;
		size_t done = stack_events_done(w->events, w->stack);
		pthread_mutex_lock(&s->lock);
		bool alone = s->in_flight <= 1;
		pthread_mutex_unlock(&s->lock);
		s->progress.event(s->progress.arg, w->stack, e, done, w->total, alone);
	}
	json_decref(fresh);
	return 0;
}

int lc_watch_run(struct lc_session *s, struct aws_client *c, struct lc_watch *w,
		 struct diag_list *dl)
{
	int ret = -1;
	pthread_mutex_lock(&s->lock);
	s->in_flight++;
	pthread_mutex_unlock(&s->lock);
	if (!w->events)
		w->events = json_array();
	for (;;) {
		if (poll_events(s, c, w, dl) < 0)
			break;
		cfn_stack_release(&w->final);
		int r = cfn_describe_stack(c, w->stack_id ? w->stack_id : w->stack, &w->final, dl);
		if (r < 0)
			break;
		if (r == 0) {
			/* deleted, looked up by name */
			w->gone = true;
			ret = 0;
			break;
		}
		enum stack_state st = stack_status_state(w->final.status);
		if (st != STACK_IN_PROGRESS || !strcmp(w->final.status, "REVIEW_IN_PROGRESS")) {
			/* the last events may have been written after the poll above */
			if (poll_events(s, c, w, dl) < 0)
				break;
			if (!strcmp(w->final.status, "DELETE_COMPLETE"))
				w->gone = true;
			ret = 0;
			break;
		}
		if (!lc_sleep(s, s->poll_ms)) {
			ret = 1;
			break;
		}
	}
	pthread_mutex_lock(&s->lock);
	s->in_flight--;
	pthread_mutex_unlock(&s->lock);
	if (s->progress.settled)
		s->progress.settled(s->progress.arg, w->stack);
	return ret;
}

void lc_watch_release(struct lc_watch *w)
{
	free(w->marker);
	w->marker = NULL;
	json_decref(w->events);
	w->events = NULL;
	cfn_stack_release(&w->final);
}

json_t *lc_deployed_template(struct aws_client *c, const char *stack, int *err,
			     struct diag_list *dl)
{
	char *body = NULL;
	*err = 0;
	if (cfn_get_template(c, stack, &body, dl) < 0) {
		*err = 1;
		return NULL;
	}
	json_t *t = body ? jio_load_auto(stack, body, strlen(body), dl) : NULL;
	if (body && !t)
		*err = 1;
	free(body);
	return t;
}
