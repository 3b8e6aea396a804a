/*
 * Calendar dates written as ISO 8601 "YYYY-MM-DD" (the form of the data
 * files' dates, acceptances' expiry days and price publication dates): the
 * one reader of them, digits only (no sign or space, which sscanf's %d
 * would take), a day the Gregorian calendar has.
 */
#ifndef SM_DATE_H
#define SM_DATE_H

#include <stdbool.h>
#include <time.h>

struct date {
	int year, month, day; /* month 1..12, day 1..31 */
};

/* Whether `s` (may be NULL) is exactly such a date; fills `out` (may be NULL) if so. */
bool date_parse(const char *s, struct date *out);

/*
 * An ISO 8601 timestamp as AWS writes them, "YYYY-MM-DDTHH:MM:SS" with
 * optional fractional seconds and "Z", "UTC", "+HH:MM" or "-HH:MM" (nothing:
 * UTC), as seconds since the epoch; -1 when `s` (may be NULL) is not one.
 */
time_t date_parse_timestamp(const char *s);

#endif
