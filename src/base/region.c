#include "base/region.h"

#include <string.h>

bool region_name_valid(const char *region)
{
	const char *p = region;
	if (!p || strlen(p) > REGION_NAME_MAX)
		return false;
	/* [a-z]{2} */
	for (int i = 0; i < 2; i++, p++)
		if (*p < 'a' || *p > 'z')
			return false;
	/* (-[a-z]+)+ then -[0-9]+$ */
	int words = 0;
	for (;;) {
		if (*p != '-')
			return false;
		p++;
		if (*p >= 'a' && *p <= 'z') {
			while (*p >= 'a' && *p <= 'z')
				p++;
			words++;
			continue;
		}
		if (*p < '0' || *p > '9' || !words)
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		return *p == '\0';
	}
}

int region_check(const char *region, const char *source, struct diag_list *dl)
{
	if (region_name_valid(region))
		return 0;
	struct diag *d =
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "'%s' (%s) is not an AWS region name",
			 region ? region : "", source);
	diag_set_hint(d, "a region looks like us-east-1, eu-west-2 or us-gov-west-1");
	return -1;
}
