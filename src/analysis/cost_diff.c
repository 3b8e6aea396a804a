/* The cost difference of a change (cost --against). */
#include "analysis/cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost_int.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* ---- --against ---------------------------------------------------------- */

static bool same_line(const struct cost_line *x, const struct cost_line *y)
{
	return !strcmp(x->stack, y->stack) && !strcmp(x->logical_id, y->logical_id) &&
	       !strcmp(x->component, y->component);
}

static void add_delta(struct cost_diff *d, const struct cost_line *l, double before, double after)
{
	if (fabs(after - before) < 0.005)
		return;
	ALLOC_GROW(d->items, d->nr + 1, d->alloc);
	struct cost_delta *x = &d->items[d->nr++];
	x->stack = xstrdup(l->stack);
	x->logical_id = xstrdup(l->logical_id);
	x->component = xstrdup(l->component);
	x->before = before;
	x->after = after;
	x->delta = cost_round_cents(after - before);
}

void cost_compare(const struct cost_report *before, const struct cost_report *after,
		  struct cost_diff *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < after->nr; i++) {
		double b = 0;
		for (size_t j = 0; j < before->nr; j++)
			if (same_line(&after->lines[i], &before->lines[j]))
				b = before->lines[j].monthly;
		add_delta(out, &after->lines[i], b, after->lines[i].monthly);
	}
	for (size_t j = 0; j < before->nr; j++) {
		bool found = false;
		for (size_t i = 0; i < after->nr && !found; i++)
			found = same_line(&after->lines[i], &before->lines[j]);
		if (!found)
			add_delta(out, &before->lines[j], before->lines[j].monthly, 0);
	}
	out->before_total = before->total;
	out->after_total = after->total;
	out->delta_total = cost_round_cents(after->total - before->total);
}

void cost_diff_release(struct cost_diff *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->items[i].stack);
		free(d->items[i].logical_id);
		free(d->items[i].component);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

json_t *cost_diff_json(const struct cost_diff *d)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < d->nr; i++) {
		const struct cost_delta *x = &d->items[i];
		json_array_append_new(lines, json_pack("{ss ss ss sf sf sf}", "stack", x->stack,
						       "logicalId", x->logical_id, "component",
						       x->component, "before", x->before, "after",
						       x->after, "delta", x->delta));
	}
	return json_pack("{sf sf sf so}", "beforeTotal", d->before_total, "afterTotal",
			 d->after_total, "delta", d->delta_total, "lines", lines);
}
