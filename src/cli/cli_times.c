/* Per-stack and total times of deploy and destroy (cli_times.h). */
#include "cli/cli_times.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

double cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_times_init(struct cli_times *t)
{
	memset(t, 0, sizeof(*t));
	clock_gettime(CLOCK_MONOTONIC, &t->start);
	pthread_mutex_init(&t->lock, NULL);
}

void cli_times_add(struct cli_times *t, const char *stack, const char *result, double seconds)
{
	pthread_mutex_lock(&t->lock);
	ALLOC_GROW(t->items, t->nr + 1, t->alloc);
	t->items[t->nr++] = (struct cli_stack_time){xstrdup(stack), result, seconds};
	pthread_mutex_unlock(&t->lock);
}

/* "12.3s", "4m05.2s" */
static void duration(char *buf, size_t n, double s)
{
	if (s < 60)
		snprintf(buf, n, "%.1fs", s);
	else
		snprintf(buf, n, "%dm%04.1fs", (int)(s / 60), s - 60 * (int)(s / 60));
}

void cli_times_print(const struct cli_times *t, const char *name)
{
	char buf[32];
	double start = (double)t->start.tv_sec + (double)t->start.tv_nsec / 1e9;
	size_t w = 0;
	for (size_t i = 0; i < t->nr; i++)
		if (strlen(t->items[i].stack) > w)
			w = strlen(t->items[i].stack);
	duration(buf, sizeof(buf), cli_now() - start);
	printf("%s: %s in all%s\n", name, buf, t->nr ? "; each stack:" : "");
	for (size_t i = 0; i < t->nr; i++) {
		duration(buf, sizeof(buf), t->items[i].seconds);
		printf("  %-*s %9s  %s\n", (int)w, t->items[i].stack, buf, t->items[i].result);
	}
}

void cli_times_release(struct cli_times *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->items[i].stack);
	free(t->items);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof(*t));
}
