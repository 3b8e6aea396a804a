/* A lifecycle run's AWS side and its progress callbacks; the wave runner. */
#include "lifecycle/session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "lifecycle/deploy_plan.h"

void lc_session_init(struct lc_session *s, struct aws_creds *creds, const char *endpoint_url,
		     unsigned poll_ms)
{
	memset(s, 0, sizeof(*s));
	s->creds = *creds;
	memset(creds, 0, sizeof(*creds));
	s->endpoint_url = endpoint_url;
	s->poll_ms = poll_ms;
	pthread_mutex_init(&s->lock, NULL);
}

void lc_session_release(struct lc_session *s)
{
	aws_creds_release(&s->creds);
	pthread_mutex_destroy(&s->lock);
}

const char *lc_stack_region(const struct lc_session *s, const struct sm_template *t)
{
	if (s->forced_region)
		return s->forced_region;
	if (t && t->region && strcmp(t->region, "unknown-region"))
		return t->region;
	return s->creds.region;
}

void lc_client_init(struct lc_session *s, const char *region, struct lc_client *cc)
{
	cc->creds = s->creds;
	if (region)
		cc->creds.region = (char *)region;
	aws_client_init(&cc->c, &cc->creds, s->endpoint_url);
}

void lc_client_done(struct lc_session *s, struct lc_client *cc)
{
	pthread_mutex_lock(&s->lock);
	s->requests += cc->c.requests;
	s->retries += cc->c.retries;
	pthread_mutex_unlock(&s->lock);
	cc->c.requests = cc->c.retries = 0;
}

void lc_say(struct lc_session *s, const char *stack, const char *fmt, ...)
{
	if (!s->progress.say)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	s->progress.say(s->progress.arg, stack, sb.buf);
	strbuf_release(&sb);
}

bool lc_interrupted(struct lc_session *s)
{
	return s->progress.interrupted && s->progress.interrupted(s->progress.arg);
}

bool lc_sleep(struct lc_session *s, unsigned ms)
{
	if (s->progress.sleep)
		return s->progress.sleep(s->progress.arg, ms);
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return !lc_interrupted(s);
}

/* ---- waves ---- */

struct wave_run {
	struct lc_session *s;
	struct sm_template **stacks;
	size_t nr, next, failed;
	lc_stack_fn fn;
	void *ctx;
	pthread_mutex_t lock;
};

void lc_diags_name_stack(struct diag_list *dl, const char *stack)
{
	size_t n = strlen(stack);
	for (size_t i = 0; i < dl->nr; i++) {
		struct diag *d = &dl->items[i];
		const char *m = d->message, *at = m;
		bool named = false;
		while (!named &&
		       (at = strstr(at, stack))) { /* the whole name, not a prefix of another */
			char after = at[n];
			named = (at == m || !isalnum((unsigned char)at[-1])) &&
				!isalnum((unsigned char)after) && after != '-';
			at += n;
		}
		if (d->file || named)
			continue;
		char *prefixed = xstrfmt("%s: %s", stack, m);
		free(d->message);
		d->message = prefixed;
	}
}

static void *wave_worker(void *arg)
{
	struct wave_run *wr = arg;
	for (;;) {
		pthread_mutex_lock(&wr->lock);
		size_t k = wr->next < wr->nr && !lc_interrupted(wr->s) ? wr->next++ : wr->nr;
		pthread_mutex_unlock(&wr->lock);
		if (k >= wr->nr)
			return NULL;
		struct diag_list dl = DIAG_LIST_INIT;
		int r = wr->fn(wr->s, wr->stacks[k], wr->ctx, &dl);
		lc_diags_name_stack(&dl, wr->stacks[k]->stack_name);
		if (dl.nr && wr->s->progress.diags)
			wr->s->progress.diags(wr->s->progress.arg, &dl);
		diag_list_release(&dl);
		if (r) {
			pthread_mutex_lock(&wr->lock);
			wr->failed++;
			pthread_mutex_unlock(&wr->lock);
		}
	}
}

size_t lc_run_waves(struct lc_session *s, const struct plan_waves *waves, bool reverse,
		    int concurrency, lc_stack_fn fn, void *ctx, size_t *skipped)
{
	size_t failed = 0, started = 0;
	for (size_t n = 0; n < waves->wave_nr; n++) {
		size_t w = reverse ? waves->wave_nr - 1 - n : n;
		struct wave_run wr = {
			.s = s,
			.stacks = waves->stacks + waves->wave_start[w],
			.nr = waves->wave_start[w + 1] - waves->wave_start[w],
			.fn = fn,
			.ctx = ctx,
		};
		if (failed || lc_interrupted(s))
			break;
		pthread_mutex_init(&wr.lock, NULL);
		size_t nthreads = wr.nr < (size_t)concurrency ? wr.nr : (size_t)concurrency;
		if (nthreads <= 1) {
			wave_worker(&wr);
		} else {
			pthread_t *tids = xcalloc(nthreads, sizeof(*tids));
			size_t made = 0;
			for (; made < nthreads; made++)
				if (pthread_create(&tids[made], NULL, wave_worker, &wr))
					break;
			if (!made)
				wave_worker(&wr);
			for (size_t k = 0; k < made; k++)
				pthread_join(tids[k], NULL);
			free(tids);
		}
		pthread_mutex_destroy(&wr.lock);
		started += wr.next;
		failed += wr.failed;
	}
	if (skipped)
		*skipped = waves->nr - started;
	return failed;
}
