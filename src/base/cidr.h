/*
 * The one CIDR module (config, VPC construct, reachability, validate's
 * network formats). IPv4 is parsed strictly, as the EC2 API reads a CidrBlock. Four dotted decimal
 * octets 0..255 without leading zeros, signs or spaces, a '/' and a prefix 0..32: "10.0.0.0/16".
 * "4294967306.0.0.0/16" (sscanf's %u wraps it), " 10.0.0.0/16",
 * "010.0.0.0/16" and "+10.0.0.0/16" are refused (issue 19).
 */
#ifndef SM_CIDR_H
#define SM_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 and the address (host order); -1 unless `s` is exactly a dotted quad (no leading zeros). */
int ipv4_parse(const char *s, uint32_t *addr);
/* 0 and the address (host order) and prefix; -1 when `s` is not such a block (or NULL). */
int cidr_parse(const char *s, uint32_t *addr, int *prefix);
/* 0 and the address (network order); -1 unless `s` is an IPv6 address (inet_pton). */
int ipv6_parse(const char *s, uint8_t addr[16]);

/*
 * `s` as a network of the registry schemas' formats "ipv4-network" and
 * "ipv6-network" (v6), read as cfn-lint reads them (Python's strict
 * ipaddress.IPv4Network/IPv6Network): a block whose address has no bit set
 * past its prefix, or a bare address (a /32, a /128). A v4 block given by a
 * mask ("10.0.0.0/255.255.0.0") is not judged (CIDR_NETWORK). On
 * CIDR_HOST_BITS, `net` (n bytes) gets the block's network ("10.0.0.0/24").
 */
enum cidr_form { CIDR_NETWORK, CIDR_HOST_BITS, CIDR_MALFORMED };
enum cidr_form cidr_network_form(const char *s, bool v6, char *net, size_t n);

/* Whether two blocks share an address (one holds the other, or they are equal). */
bool cidr_overlap(uint32_t a, int a_prefix, uint32_t b, int b_prefix);

#endif
