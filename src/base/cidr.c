#include "base/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

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

int ipv6_parse(const char *s, uint8_t addr[16])
{
	return s && inet_pton(AF_INET6, s, addr) == 1 ? 0 : -1;
}

/* The network of a v6 block: the bits past `prefix` cleared. Whether any was set. */
static bool clear_host_bits6(uint8_t a[16], int prefix)
{
	bool set = false;
	for (int i = 0; i < 16; i++) {
		int keep = prefix - 8 * i; /* bits of byte i inside the prefix */
		uint8_t mask = (uint8_t)(keep >= 8 ? 0xFF : keep <= 0 ? 0 : 0xFF << (8 - keep));
		set |= (a[i] & ~mask) != 0;
		a[i] &= mask;
	}
	return set;
}

enum cidr_form cidr_network_form(const char *s, bool v6, char *net, size_t n)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char addr_text[INET6_ADDRSTRLEN];
	uint8_t a6[16];
	uint32_t a4;
	if (!slash)
		return (v6 ? ipv6_parse(s, a6) : ipv4_parse(s, &a4)) < 0 ? CIDR_MALFORMED
									 : CIDR_NETWORK;
	size_t len = (size_t)(slash - s);
	if (!v6 && strchr(slash, '.'))
		return ipv4_parse(slash + 1, &a4) < 0 ? CIDR_MALFORMED : CIDR_NETWORK;
	const char *p = slash + 1;
	long prefix = decimal(&p, v6 ? 128 : 32);
	if (len >= sizeof(addr_text) || prefix < 0 || *p)
		return CIDR_MALFORMED;
	memcpy(addr_text, s, len);
	addr_text[len] = '\0';
	if (v6) {
		if (ipv6_parse(addr_text, a6) < 0)
			return CIDR_MALFORMED;
		if (!clear_host_bits6(a6, (int)prefix))
			return CIDR_NETWORK;
		inet_ntop(AF_INET6, a6, addr_text, sizeof(addr_text));
	} else {
		if (ipv4_parse(addr_text, &a4) < 0)
			return CIDR_MALFORMED;
		uint32_t mask = prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
		if (!(a4 & ~mask))
			return CIDR_NETWORK;
		a4 &= mask;
		snprintf(addr_text, sizeof(addr_text), "%u.%u.%u.%u", a4 >> 24, a4 >> 16 & 0xFF,
			 a4 >> 8 & 0xFF, a4 & 0xFF);
	}
	snprintf(net, n, "%s/%ld", addr_text, prefix);
	return CIDR_HOST_BITS;
}
