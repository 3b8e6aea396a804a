/*
 * The one IPv4 CIDR parser (config, VPC construct, reachability): strict, as
 * the EC2 API reads a CidrBlock. Four dotted decimal octets 0..255 without
 * leading zeros, signs or spaces, a '/' and a prefix 0..32: "10.0.0.0/16".
 * "4294967306.0.0.0/16" (sscanf's %u wraps it), " 10.0.0.0/16",
 * "010.0.0.0/16" and "+10.0.0.0/16" are refused (issue 19).
 */
#ifndef SM_CIDR_H
#define SM_CIDR_H

#include <stdbool.h>
#include <stdint.h>

/* 0 and the address (host order); -1 unless `s` is exactly a dotted quad (no leading zeros). */
int ipv4_parse(const char *s, uint32_t *addr);
/* 0 and the address (host order) and prefix; -1 when `s` is not such a block (or NULL). */
int cidr_parse(const char *s, uint32_t *addr, int *prefix);
/* Whether two blocks share an address (one holds the other, or they are equal). */
bool cidr_overlap(uint32_t a, int a_prefix, uint32_t b, int b_prefix);

#endif
