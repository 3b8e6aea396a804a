/*
 * The architecture graph on small in-memory templates: security-group edges
 * carry their port, tiers come from the default routes, references through
 * Fn::ImportValue lead to the exporting stack's resource, and the writers
 * put each node in its cluster.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "support/test.h"

/* Network stack: a VPC with a public subnet (IGW route) and an isolated one
 * (a route table with no default route), and two security groups. */
static const char network_json[] =
	"{\"Resources\": {"
	" \"Vpc\": {\"Type\": \"AWS::EC2::VPC\", \"Properties\": {\"CidrBlock\": \"10.9.0.0/16\"}},"
	" \"Pub\": {\"Type\": \"AWS::EC2::Subnet\", \"Properties\": {\"VpcId\": {\"Ref\": \"Vpc\"},"
	"   \"CidrBlock\": \"10.9.0.0/24\", \"AvailabilityZone\": {\"Fn::Select\": [0, "
	"{\"Fn::GetAZs\": \"\"}]}}},"
	" \"Iso\": {\"Type\": \"AWS::EC2::Subnet\", \"Properties\": {\"VpcId\": {\"Ref\": \"Vpc\"},"
	"   \"CidrBlock\": \"10.9.1.0/24\", \"AvailabilityZone\": \"eu-west-1b\"}},"
	" \"Igw\": {\"Type\": \"AWS::EC2::InternetGateway\"},"
	" \"PubRt\": {\"Type\": \"AWS::EC2::RouteTable\", \"Properties\": {\"VpcId\": {\"Ref\": "
	"\"Vpc\"}}},"
	" \"PubDefault\": {\"Type\": \"AWS::EC2::Route\", \"Properties\": {\"RouteTableId\": "
	"{\"Ref\": \"PubRt\"},"
	"   \"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": {\"Ref\": \"Igw\"}}},"
	" \"PubAssoc\": {\"Type\": \"AWS::EC2::SubnetRouteTableAssociation\", \"Properties\": {"
	"   \"SubnetId\": {\"Ref\": \"Pub\"}, \"RouteTableId\": {\"Ref\": \"PubRt\"}}},"
	" \"IsoRt\": {\"Type\": \"AWS::EC2::RouteTable\", \"Properties\": {\"VpcId\": {\"Ref\": "
	"\"Vpc\"}}},"
	" \"IsoAssoc\": {\"Type\": \"AWS::EC2::SubnetRouteTableAssociation\", \"Properties\": {"
	"   \"SubnetId\": {\"Ref\": \"Iso\"}, \"RouteTableId\": {\"Ref\": \"IsoRt\"}}},"
	" \"LbSg\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {\"GroupDescription\": "
	"\"lb\","
	"   \"VpcId\": {\"Ref\": \"Vpc\"}, \"SecurityGroupIngress\": [{\"IpProtocol\": \"tcp\","
	"   \"FromPort\": 443, \"ToPort\": 443, \"CidrIp\": \"0.0.0.0/0\"}]}},"
	" \"DbSg\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {\"GroupDescription\": "
	"\"db\","
	"   \"VpcId\": {\"Ref\": \"Vpc\"}}},"
	" \"LbToDb\": {\"Type\": \"AWS::EC2::SecurityGroupIngress\", \"Properties\": {"
	"   \"GroupId\": {\"Fn::GetAtt\": [\"DbSg\", \"GroupId\"]}, \"IpProtocol\": \"tcp\","
	"   \"FromPort\": 5432, \"ToPort\": 5432, \"SourceSecurityGroupId\": {\"Fn::GetAtt\": "
	"[\"LbSg\", \"GroupId\"]}}}"
	"},"
	"\"Outputs\": {"
	" \"PubOut\": {\"Value\": {\"Ref\": \"Pub\"}, \"Export\": {\"Name\": \"Net:Pub\"}},"
	" \"IsoOut\": {\"Value\": {\"Ref\": \"Iso\"}, \"Export\": {\"Name\": \"Net:Iso\"}},"
	" \"DbSgOut\": {\"Value\": {\"Fn::GetAtt\": [\"DbSg\", \"GroupId\"]}, \"Export\": "
	"{\"Name\": \"Net:DbSg\"}},"
	" \"LbSgOut\": {\"Value\": {\"Fn::GetAtt\": [\"LbSg\", \"GroupId\"]}, \"Export\": "
	"{\"Name\": \"Net:LbSg\"}}"
	"}}";

/* App stack: everything it places comes from the network stack by import. */
static const char app_json[] =
	"{\"Resources\": {"
	" \"Lb\": {\"Type\": \"AWS::ElasticLoadBalancingV2::LoadBalancer\", \"Properties\": {"
	"   \"Scheme\": \"internet-facing\", \"Subnets\": [{\"Fn::ImportValue\": \"Net:Pub\"}],"
	"   \"SecurityGroups\": [{\"Fn::ImportValue\": \"Net:LbSg\"}]}},"
	" \"DbSubnets\": {\"Type\": \"AWS::RDS::DBSubnetGroup\", \"Properties\": {"
	"   \"DBSubnetGroupDescription\": \"db\", \"SubnetIds\": [{\"Fn::ImportValue\": "
	"\"Net:Iso\"}]}},"
	" \"Db\": {\"Type\": \"AWS::RDS::DBInstance\", \"Properties\": {\"Engine\": \"postgres\","
	"   \"DBInstanceClass\": \"db.t3.micro\", \"DBSubnetGroupName\": {\"Ref\": \"DbSubnets\"},"
	"   \"VPCSecurityGroups\": [{\"Fn::ImportValue\": \"Net:DbSg\"}]}},"
	" \"Replica\": {\"Type\": \"AWS::RDS::DBInstance\", \"Properties\": {"
	"   \"SourceDBInstanceIdentifier\": {\"Ref\": \"Db\"}, \"DBInstanceClass\": "
	"\"db.t3.micro\","
	"   \"VPCSecurityGroups\": [{\"Fn::ImportValue\": \"Net:DbSg\"}]}},"
	/* CloudFront's origin is a name whose alias targets the load balancer's dualstack name */
	" \"Cdn\": {\"Type\": \"AWS::CloudFront::Distribution\", \"Properties\": {"
	"   \"DistributionConfig\": {\"Origins\": [{\"Id\": \"api\", \"DomainName\": "
	"\"api.example.com\"}]}}},"
	" \"ApiRecord\": {\"Type\": \"AWS::Route53::RecordSet\", \"Properties\": {"
	"   \"Name\": \"api.example.com.\", \"Type\": \"AAAA\", \"AliasTarget\": {\"DNSName\": "
	"{\"Fn::Join\": [\"\", [\"dualstack.\", {\"Fn::GetAtt\": [\"Lb\", \"DNSName\"]}]]},"
	"   \"HostedZoneId\": {\"Fn::GetAtt\": [\"Lb\", \"CanonicalHostedZoneID\"]}}}}"
	"}}";

static struct sm_assembly assembly;
static struct graph graph;

static void setup(void)
{
	json_error_t err;
	sm_assembly_init(&assembly);
	json_t *net = json_loads(network_json, 0, &err), *app = json_loads(app_json, 0, &err);
	if (!net || !app) {
		printf("Bail out! fixture JSON: %s (line %d)\n", err.text, err.line);
		exit(1);
	}
	sm_assembly_add(&assembly, "Net.template.json", "Net", "eu-west-1", net);
	sm_assembly_add(&assembly, "App.template.json", "App", "eu-west-1", app);
	struct diag_list dl = DIAG_LIST_INIT;
	graph_init(&graph);
	graph_build(&graph, &assembly, &dl);
	diag_list_release(&dl);
}

TEST(security_group_edge_carries_its_port)
{
	const struct graph_edge *e = graph_find_edge(&graph, "App__Lb", "App__Db");
	CHECK(e != NULL);
	CHECK(e && (e->flags & GRAPH_EDGE_SG));
	CHECK_STR(e ? e->ports.buf : NULL, "tcp 5432");
	/* the replica has the same group: its members are admitted too */
	CHECK(graph_find_edge(&graph, "App__Lb", "App__Replica") != NULL);
	/* not the other way round: the rule is an ingress of the database's group */
	CHECK(graph_find_edge(&graph, "App__Db", "App__Lb") == NULL);
}

TEST(world_rule_on_a_public_load_balancer_is_an_internet_edge)
{
	const struct graph_edge *e = graph_find_edge(&graph, "internet", "App__Lb");
	CHECK(e && (e->flags & GRAPH_EDGE_SG));
	CHECK_STR(e ? e->ports.buf : NULL, "tcp 443");
}

TEST(import_value_leads_to_the_exporting_stack)
{
	const struct graph_node *lb = graph_find(&graph, "App", "Lb");
	const struct graph_node *db = graph_find(&graph, "App", "Db");
	CHECK(lb && db);
	if (!lb || !db)
		return;
	/* placed through imported subnets: the network stack's VPC */
	CHECK_STR(lb->vpc, "Net/Vpc");
	CHECK_STR(lb->vpc_label, "VPC Vpc 10.9.0.0/16");
	CHECK_STR(lb->tier, "public");
	CHECK_STR(lb->az, "AZ 1");
	CHECK_STR(db->tier, "isolated");
	CHECK_STR(db->az, "eu-west-1b");
	/* the replica takes its placement from its source's subnet group */
	const struct graph_node *rep = graph_find(&graph, "App", "Replica");
	CHECK(rep && rep->tier && !strcmp(rep->tier, "isolated"));
	const struct graph_edge *e = graph_find_edge(&graph, "App__Db", "App__Replica");
	CHECK(e && (e->flags & GRAPH_EDGE_REPLICATION));
}

/* "dualstack." and the load balancer's DNSName names the load balancer (refs.h) */
TEST(origin_behind_a_dualstack_alias_is_the_load_balancer)
{
	const struct graph_edge *e = graph_find_edge(&graph, "App__Cdn", "App__Lb");
	CHECK(e && (e->flags & GRAPH_EDGE_ORIGIN));
}

/* The text of the cluster labelled `label`, up to its closing brace. */
static char *cluster_text(const char *dot, const char *label)
{
	const char *start = strstr(dot, label);
	if (!start)
		return NULL;
	int depth = 1;
	const char *p = start;
	for (; *p && depth; p++)
		depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
	return strndup(start, (size_t)(p - start));
}

TEST(dot_puts_isolated_nodes_in_the_isolated_cluster)
{
	struct strbuf dot = STRBUF_INIT;
	graph_write_dot(&graph, "test <&> \"title\"", &dot);
	char *iso = cluster_text(dot.buf, "label=\"isolated tier\"");
	char *pub = cluster_text(dot.buf, "label=\"public tier\"");
	CHECK_CONTAINS(iso, "App__Db [");
	CHECK_CONTAINS(iso, "App__Replica [");
	CHECK_CONTAINS(iso, "Net__Iso [");
	CHECK(iso && !strstr(iso, "App__Lb ["));
	CHECK_CONTAINS(pub, "App__Lb [");
	CHECK_CONTAINS(dot.buf, "App__Lb -> App__Db [");
	CHECK_CONTAINS(dot.buf, "label=\"tcp 5432\"");
	/* quotes in DOT strings are escaped */
	CHECK_CONTAINS(dot.buf, "label=\"test <&> \\\"title\\\"\"");
	free(iso);
	free(pub);
	strbuf_release(&dot);
}

TEST(mermaid_nests_subgraphs_and_escapes)
{
	struct strbuf mm = STRBUF_INIT;
	graph_write_mermaid(&graph, NULL, &mm);
	CHECK(!strncmp(mm.buf, "flowchart LR\n", 13));
	CHECK_CONTAINS(mm.buf, "[\"isolated tier\"]");
	CHECK_CONTAINS(mm.buf, "App__Db[(\"RDS Db");
	CHECK_CONTAINS(mm.buf, "App__Lb -.->|\"tcp 5432\"| App__Db");
	strbuf_release(&mm);
}

TEST(output_is_deterministic)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	graph_write_dot(&graph, NULL, &a);
	struct graph again;
	struct diag_list dl = DIAG_LIST_INIT;
	graph_init(&again);
	graph_build(&again, &assembly, &dl);
	graph_write_dot(&again, NULL, &b);
	CHECK_STR(a.buf, b.buf);
	for (size_t i = 1; i < graph.node_nr; i++)
		CHECK(strcmp(graph.nodes[i - 1].id, graph.nodes[i].id) < 0);
	graph_release(&again);
	diag_list_release(&dl);
	strbuf_release(&a);
	strbuf_release(&b);
}

int main(void)
{
	setup();
	RUN(security_group_edge_carries_its_port);
	RUN(world_rule_on_a_public_load_balancer_is_an_internet_edge);
	RUN(import_value_leads_to_the_exporting_stack);
	RUN(origin_behind_a_dualstack_alias_is_the_load_balancer);
	RUN(dot_puts_isolated_nodes_in_the_isolated_cluster);
	RUN(mermaid_nests_subgraphs_and_escapes);
	RUN(output_is_deterministic);
	graph_release(&graph);
	sm_assembly_release(&assembly);
	return test_done();
}
