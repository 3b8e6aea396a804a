#include "base/date.h"

#include "base/common.h"

/* `n` digits at `s` as a number, or -1 */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

bool date_parse(const char *s, struct date *out)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap(y)))
		return false;
	if (out)
		*out = (struct date){.year = y, .month = m, .day = d};
	return true;
}

/* "HH:MM" at `s` into hours and minutes; false unless exactly that shape */
static bool hours_minutes(const char *s, int *h, int *m)
{
	*h = digits(s, 2);
	*m = s[0] && s[1] && s[2] == ':' ? digits(s + 3, 2) : -1;
	return *h >= 0 && *m >= 0;
}

time_t date_parse_timestamp(const char *s)
{
	char day[11];
	struct date d;
	int hh, mm, ss;
	if (!s || strlen(s) < 19 || s[10] != 'T' || s[16] != ':')
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!date_parse(day, &d) || !hours_minutes(s + 11, &hh, &mm) ||
	    (ss = digits(s + 17, 2)) < 0 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	const char *p = s + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	long offset = 0;
	if (*p == '+' || *p == '-') {
		int oh, om;
		if (strlen(p) != 6 || !hours_minutes(p + 1, &oh, &om))
			return -1;
		offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	} else if (strcmp(p, "Z") && strcmp(p, "UTC") && *p) {
		return -1;
	}
	struct tm tm = {.tm_year = d.year - 1900,
			.tm_mon = d.month - 1,
			.tm_mday = d.day,
			.tm_hour = hh,
			.tm_min = mm,
			.tm_sec = ss};
	return timegm(&tm) - offset;
}
