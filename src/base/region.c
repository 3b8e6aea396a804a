#include "base/region.h"

#include "base/common.h"
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

const char *region_elb_log_account(const char *region)
{
	static const char *const t[][2] = {
		{"af-south-1", "098369216593"},	    {"ap-east-1", "754344448648"},
		{"ap-northeast-1", "582318560864"}, {"ap-northeast-2", "600734575887"},
		{"ap-northeast-3", "383597477331"}, {"ap-south-1", "718504428378"},
		{"ap-southeast-1", "114774131450"}, {"ap-southeast-2", "783225319266"},
		{"ap-southeast-3", "589379963580"}, {"ca-central-1", "985666609251"},
		{"cn-north-1", "638102146993"},	    {"cn-northwest-1", "037604701340"},
		{"eu-central-1", "054676820928"},   {"eu-north-1", "897822967062"},
		{"eu-south-1", "635631232127"},	    {"eu-west-1", "156460612806"},
		{"eu-west-2", "652711504416"},	    {"eu-west-3", "009996457667"},
		{"me-south-1", "076674570225"},	    {"sa-east-1", "507241528517"},
		{"us-east-1", "127311923021"},	    {"us-east-2", "033677994240"},
		{"us-gov-east-1", "190560391635"},  {"us-gov-west-1", "048591011584"},
		{"us-west-1", "027434742980"},	    {"us-west-2", "797873946194"},
	};
	for (size_t i = 0; region && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i][0], region))
			return t[i][1];
	return NULL;
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
