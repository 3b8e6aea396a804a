#include "base/cidr.h"

#include "base/common.h"
#include <stddef.h>

/* A decimal number of at most `max` without a leading zero; advances *s. -1 if none. */
static long decimal(const char **s, long max)
{
	const char *p = *s;
	long v = 0;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	*s = p;
	return v;
}

/* The four octets at *s, up to the character `end` after them (advanced past it). */
static int octets(const char **s, char end, uint32_t *addr)
{
	uint32_t a = 0;
	if (!*s)
		return -1;
	for (int i = 0; i < 4; i++) {
		long octet = decimal(s, 255);
		if (octet < 0 || *(*s)++ != (i < 3 ? '.' : end))
			return -1;
		a = a << 8 | (uint32_t)octet;
	}
	*addr = a;
	return 0;
}

int ipv4_parse(const char *s, uint32_t *addr)
{
	return octets(&s, '\0', addr);
}

int cidr_parse(const char *s, uint32_t *addr, int *prefix)
{
	uint32_t a = 0;
	if (octets(&s, '/', &a) < 0)
		return -1;
	long p = decimal(&s, 32);
	if (p < 0 || *s)
		return -1;
	*addr = a;
	*prefix = (int)p;
	return 0;
}

bool cidr_overlap(uint32_t a, int a_prefix, uint32_t b, int b_prefix)
{
	/* two aligned blocks overlap exactly when the shorter prefix's network holds the other */
	int p = a_prefix < b_prefix ? a_prefix : b_prefix;
	uint32_t mask = p ? ~(uint32_t)0 << (32 - p) : 0;
	return (a & mask) == (b & mask);
}
