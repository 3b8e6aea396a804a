/* IPv4 blocks: the overlap test behind the cross-config VPC check (issue 16). */
#include "base/cidr.h"
#include "support/test.h"

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

int main(void)
{
	RUN(blocks_overlap_when_one_holds_the_other);
	RUN(adjacent_and_distant_blocks_do_not_overlap);
	return test_done();
}
