/* IPv4 blocks: the overlap test behind the cross-config VPC check (issue 16). */
#include "base/cidr.h"
#include "support/test.h"

#include <string.h>

static bool overlap(const char *a, const char *b)
{
	uint32_t na = 0, nb = 0;
	int pa = 0, pb = 0;
	CHECK(cidr_parse(a, &na, &pa) == 0);
	CHECK(cidr_parse(b, &nb, &pb) == 0);
	return cidr_overlap(na, pa, nb, pb) && cidr_overlap(nb, pb, na, pa);
}

TEST(blocks_overlap_when_one_holds_the_other)
{
	CHECK(overlap("10.0.0.0/16", "10.0.0.0/16"));
	CHECK(overlap("10.0.0.0/16", "10.0.128.0/17"));
	CHECK(overlap("10.0.255.0/24", "10.0.0.0/16"));
	CHECK(overlap("0.0.0.0/0", "192.168.1.0/24"));
	CHECK(overlap("10.1.2.3/32", "10.1.2.0/24"));
}

TEST(adjacent_and_distant_blocks_do_not_overlap)
{
	CHECK(!overlap("10.0.0.0/16", "10.1.0.0/16"));
	CHECK(!overlap("10.0.0.0/17", "10.0.128.0/17"));
	CHECK(!overlap("10.0.0.0/8", "172.16.0.0/12"));
	CHECK(!overlap("10.1.2.3/32", "10.1.2.4/32"));
}

/* the one reader of a dotted quad (the endpoint's loopback check used sscanf's %u) */
TEST(addresses_are_four_octets_exactly)
{
	uint32_t a = 0;
	CHECK(ipv4_parse("127.0.0.1", &a) == 0 && a == 0x7f000001u);
	CHECK(ipv4_parse("10.1.255.0", &a) == 0 && a == 0x0a01ff00u);
	static const char *const bad[] = {"127.0.0",  "127.0.0.1.1", "256.0.0.1", "127.0.0.01",
					  "127.0.0.-1", " 127.0.0.1", "127.0.0.1 ", "127.0.0.1/8",
					  "",	      NULL};
	for (int i = 0; bad[i]; i++)
		CHECK(ipv4_parse(bad[i], &a) == -1);
	CHECK(ipv4_parse(NULL, &a) == -1);
}

/* the schemas' ipv4-network and ipv6-network formats, as Python's strict ipaddress reads them */
TEST(networks_have_no_bit_past_their_prefix)
{
	char net[64] = "";
	static const char *const ok4[] = {"10.0.0.0/24", "0.0.0.0/0", "10.1.2.3/32", "10.1.2.3",
					  "10.0.0.0/255.255.0.0", NULL};
	for (int i = 0; ok4[i]; i++)
		CHECK(cidr_network_form(ok4[i], false, net, sizeof(net)) == CIDR_NETWORK);
	CHECK(cidr_network_form("10.0.0.1/24", false, net, sizeof(net)) == CIDR_HOST_BITS &&
	      !strcmp(net, "10.0.0.0/24"));
	CHECK(cidr_network_form("192.168.77.1/20", false, net, sizeof(net)) == CIDR_HOST_BITS &&
	      !strcmp(net, "192.168.64.0/20"));
	static const char *const bad4[] = {"10.0.0.0/33", "10.0.300.0/24", "10.0.0/24", "10.0.0.0/",
					   "10.0.0.0/2a", "::/0", "", NULL};
	for (int i = 0; bad4[i]; i++)
		CHECK(cidr_network_form(bad4[i], false, net, sizeof(net)) == CIDR_MALFORMED);
	CHECK(cidr_network_form("2001:db8::/32", true, net, sizeof(net)) == CIDR_NETWORK);
	CHECK(cidr_network_form("::/0", true, net, sizeof(net)) == CIDR_NETWORK);
	CHECK(cidr_network_form("2001:db8::1", true, net, sizeof(net)) == CIDR_NETWORK);
	CHECK(cidr_network_form("2001:db8:4:5::9/64", true, net, sizeof(net)) == CIDR_HOST_BITS &&
	      !strcmp(net, "2001:db8:4:5::/64"));
	CHECK(cidr_network_form("2001:db8:ff::/36", true, net, sizeof(net)) == CIDR_HOST_BITS &&
	      !strcmp(net, "2001:db8::/36"));
	CHECK(cidr_network_form("2001:db8::/129", true, net, sizeof(net)) == CIDR_MALFORMED);
	CHECK(cidr_network_form("10.0.0.0/8", true, net, sizeof(net)) == CIDR_MALFORMED);
	CHECK(cidr_network_form(NULL, true, net, sizeof(net)) == CIDR_MALFORMED);
}

int main(void)
{
	RUN(networks_have_no_bit_past_their_prefix);
	RUN(blocks_overlap_when_one_holds_the_other);
	RUN(adjacent_and_distant_blocks_do_not_overlap);
	RUN(addresses_are_four_octets_exactly);
	return test_done();
}
