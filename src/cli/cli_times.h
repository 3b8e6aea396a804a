/*
 * How long each stack of a deploy or destroy took, and the run in all
 * (issue 15): `cdk deploy` prints a stack's time; a run of parallel waves
 * needs every stack's, to see which one holds the others up.
 */
#ifndef SM_CLI_TIMES_H
#define SM_CLI_TIMES_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

struct cli_stack_time {
	char *stack;
	const char *result; /* "deployed", "unchanged", "failed", ... (static) */
	double seconds;
};

struct cli_times {
	struct timespec start;	      /* of the run */
	struct cli_stack_time *items; /* in the order the stacks ended */
	size_t nr, alloc;
	pthread_mutex_t lock;
};

void cli_times_init(struct cli_times *t);
/* The monotonic clock, in seconds. */
double cli_now(void);
/* A stack ended, after `seconds` (thread-safe). */
void cli_times_add(struct cli_times *t, const char *stack, const char *result, double seconds);
/* "NAME: 1m02.3s in all" and a line per stack, on stdout. */
void cli_times_print(const struct cli_times *t, const char *name);
void cli_times_release(struct cli_times *t);

#endif
