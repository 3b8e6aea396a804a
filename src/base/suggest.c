#include "base/suggest.h"

#include "base/common.h"
#include <ctype.h>
#include <string.h>

#define SUGGEST_MAX 80

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev[SUGGEST_MAX + 1], cur[SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost =
				tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1])
					? 0
					: 1;
			size_t best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			cur[j] = best;
		}
		memcpy(prev, cur, sizeof(size_t) * (lb + 1));
	}
	return prev[lb];
}

bool suggest_close_enough(size_t distance, const char *name)
{
	size_t len = strlen(name);
	return distance <= (len / 3 > 2 ? len / 3 : 2);
}

const char *suggest_closest(const char *name, const char *const *names, size_t nr)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < nr; i++) {
		size_t d = suggest_distance(name, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best && suggest_close_enough(best_d, name) ? best : NULL;
}
