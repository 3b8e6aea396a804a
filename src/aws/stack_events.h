/*
 * Reading a CloudFormation operation from its stack events, for the live
 * progress of deploy and destroy: is the stack settled, did it succeed, how
 * many resources are done, and which event caused a failure.
 *
 * Events are JSON objects {"eventId", "timestamp" (ISO 8601, as AWS sends
 * it), "logicalId", "type", "status", "reason"}, in any order; the caller
 * keeps the ones of the current operation (after the change set was
 * executed). Everything here is pure: no calls, no output.
 */
#ifndef SM_AWS_STACK_EVENTS_H
#define SM_AWS_STACK_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum stack_state {
	STACK_IN_PROGRESS, /* CloudFormation is still working */
	STACK_OK,	   /* CREATE/UPDATE/DELETE/IMPORT_COMPLETE */
	STACK_FAILED,	   /* *_FAILED, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... */
	STACK_UNKNOWN,
};

/* Classify a StackStatus ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" is in progress). */
enum stack_state stack_status_state(const char *status);

/*
 * The event that caused a failure: the earliest *_FAILED event of a
 * resource whose reason is not a consequence of another failure ("Resource
 * creation cancelled", "The following resource(s) failed to create: ...").
 * Borrowed from `events`, or NULL when no resource failed.
 */
const json_t *stack_events_root_cause(const json_t *events);

/*
 * Resources done out of `total`: distinct logical IDs (other than the
 * stack's own, `stack_name`) whose latest event is a *_COMPLETE or
 * *_SKIPPED status.
 */
size_t stack_events_done(const json_t *events, const char *stack_name);

/* "[#######.......] 7/15" of `width` cells into buf (always NUL-terminated). */
void stack_progress_bar(char *buf, size_t size, size_t done, size_t total, int width);

#endif
