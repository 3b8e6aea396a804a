#!/usr/bin/env python3
"""moto's server with the gaps of its CloudFormation that block solemate filled, for the tests.

    python3 tests/aws/moto_fixes.py -H 127.0.0.1 -p PORT     (as python3 -m moto.server)

moto 5.2.1 models CloudFormation change sets only halfway, and solemate
deploys through change sets only (as the CDK does). What is added here is
what real CloudFormation does, in as few lines as possible, so that the
end-to-end test exercises solemate against moto's real resource models,
signature checks and IAM, and not against a mock of our own:

1. ExecuteChangeSet does not compute the stack's outputs, nor register its
   exports, nor let the template import other stacks' exports (moto builds
   outputs and exports only in CreateStack/UpdateStack). Without this, no
   stack of a multi-stack app can import from another. An export of a type
   moto does not model (a secret, a CloudFront distribution) has no value;
   it gets an ARN-shaped placeholder (".../moto-does-not-model/NAME") so
   that importers go on.
2. UpdateTerminationProtection is not implemented (NotImplementedError,
   HTTP 500); CreateStack's EnableTerminationProtection is stored, so this
   sets the same attribute.
3. Fn::GetAZs with {"Ref": "AWS::Region"} (what CloudFormation documents as
   equivalent to "") is not resolved: moto pastes the dict into the AZ name.
4. Fn::GetAtt of a DBInstance's MasterUserSecret.SecretArn: moto's RDS API
   makes that secret (ManageMasterUserPassword), its CloudFormation does not;
   nor does it know the DBInstanceArn attribute (the DR standby's output).
5. AWS::KMS::Key Tags are passed to moto's KMS in the template's Key/Value
   form, where it expects the API's TagKey/TagValue (KeyError).
6. Ref of an AWS::RDS::DBParameterGroup yields moto's object, not the
   group's name (AttributeError in DBInstance).
7. Fn::GetAtt of a resource of a type moto does not model, or models without
   attributes (a target group: AttributeError), gives the placeholder
   "moto-does-not-model-ID-ATTR".
8. An output's Fn::GetAtt of a type moto does not model (a CloudFront
   distribution) fails moto's own template check with an AttributeError.
9. AWS::S3::Bucket: moto applies BucketEncryption and Tags and ignores
   VersioningConfiguration and PublicAccessBlockConfiguration; they are
   applied here, from the template, through moto's own S3 API calls.
10. DeleteStack deletes an IAM role before detaching the managed policies
   attached to it: moto refuses with DeleteConflict; CloudFormation does not.
11. Deleting a primary DB instance deletes its read replicas in moto, and the
   stack's own deletion of the replica then fails with DBInstanceNotFound.
12. PromoteReadReplica leaves ReadReplicaSourceDBInstanceIdentifier on the
   promoted instance (moto clears only its own is_replica flag); RDS's
   standalone instance names no source, which is how failover knows the
   promotion is done.
13. An output whose value is the Ref of a Secrets Manager secret (a type moto
   does not model) is None, and DescribeStacks leaves it out: a stack in
   another region that reads it (the DR standby reads the secrets' ARNs)
   cannot be deployed. It gets an ARN of a secret's shape, as the Ref of a
   secret is its ARN, arn:aws:secretsmanager:REGION:ACCOUNT:secret:
   moto-does-not-model-ID. (Only types whose Ref is an ARN: a distribution's
   Ref is an ID, and its output stays absent, as deploy_moto.sh expects.)
14. A cross-region read replica (its source named by ARN) is a copy of its
   source moved to the replica's region only after the template's other
   properties are set: its DBSubnetGroupName is looked up in the source's
   region (DBSubnetGroupNotFound). The replica's region comes first here.

15. The DR standby's dual-stack public tier: moto resolves no Fn::Cidr,
   knows no Fn::GetAtt of a VPC's Ipv6CidrBlocks (nor models
   AWS::EC2::VPCCidrBlock, which would have associated the block: the
   Amazon-provided block is associated here, through moto's EC2 API, when
   the attribute is first asked for), and its AWS::EC2::Subnet and
   AWS::EC2::Route ignore Ipv6CidrBlock and DestinationIpv6CidrBlock.

docs/deployment.md says what ran against moto and what against the scripted
responder (tests/aws/cfn_responder.py).
"""
import sys

from moto.cloudformation import models, parsing, responses
from moto.core.responses import ActionResult


def _fix_execute_change_set():
    """Execute a change set the way moto's CreateStack and UpdateStack work."""

    def register(backend, stack):
        for export in stack.exports:
            if not isinstance(export.value, str) or not export.value:
                # a type moto does not model (a secret, a distribution) has no
                # value to export; an importer still needs one to go on
                # (ARN-shaped, since most such values end up in policies)
                safe = export.name.replace(":", "-")
                export._value = (f"arn:aws:cloudformation:{stack.region_name}:"
                                 f"{stack.account_id}:moto-does-not-model/{safe}")
            backend.exports[export.name] = export

    def execute_change_set(self, change_set_name, stack_name=None):
        cs = self.change_sets.get(change_set_name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None)
        if cs is None:
            raise models.ValidationError(stack_name)
        stack = cs.stack
        for name in [n for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id]:
            self.exports.pop(name)
        stack.cross_stack_resources = self.exports
        if cs.change_set_type == "CREATE":
            stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
            stack.template = cs.template
            stack.parameters = cs.parameters or {}
            stack._parse_template()
            stack.resource_map = stack._create_resource_map()
            stack.create_resources()
            stack.output_map = stack._create_output_map()
            register(self, stack)
        else:
            stack.resource_map.cross_stack_resources = self.exports
            stack.update(cs.template, parameters=cs.parameters or None)
            register(self, stack)
        cs.execution_status = "EXECUTE_COMPLETE"

    models.CloudFormationBackend.execute_change_set = execute_change_set


def _fix_termination_protection():
    def update_termination_protection(self):
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (
            True, "true", "True")
        return ActionResult({"StackId": stack.stack_id})

    responses.CloudFormationResponse.update_termination_protection = update_termination_protection


def _fix_getazs():
    original = parsing.clean_json

    def clean_json(resource_json, resources_map):
        if isinstance(resource_json, dict) and "Fn::GetAZs" in resource_json:
            arg = resource_json["Fn::GetAZs"]
            if isinstance(arg, dict):
                resource_json = {"Fn::GetAZs": original(arg, resources_map)}
        if isinstance(resource_json, dict) and "Fn::GetAtt" in resource_json:
            name, attr = resource_json["Fn::GetAtt"][:2]
            declared = name in getattr(resources_map, "_resource_json_map", {})
            target = resources_map.get(name) if declared else None
            if declared and (target is None or not hasattr(target, "get_cfn_attribute")):
                # a type moto does not model (a distribution), or models
                # without attributes (a target group)
                return f"moto-does-not-model-{name}-{attr}"
        return original(resource_json, resources_map)

    parsing.clean_json = clean_json


def _fix_rds_secret_attribute():
    """moto keeps the secret of ManageMasterUserPassword but not its Fn::GetAtt."""
    from moto.rds import models as rds

    has, get = rds.DBInstance.has_cfn_attr, rds.DBInstance.get_cfn_attribute

    def has_cfn_attr(cls, attr):
        return attr in ("MasterUserSecret.SecretArn", "DBInstanceArn") or has.__func__(cls, attr)

    def get_cfn_attribute(self, attr):
        if attr == "DBInstanceArn":
            return self.db_instance_arn
        if attr == "MasterUserSecret.SecretArn":
            if not getattr(self, "master_user_secret", None):
                # the template asked for ManageMasterUserPassword: AWS makes the secret
                self.master_user_secret = rds.MasterUserSecret(self, None)
            return self.master_user_secret.secret.arn
        return get(self, attr)

    rds.DBInstance.has_cfn_attr = classmethod(has_cfn_attr)
    rds.DBInstance.get_cfn_attribute = get_cfn_attribute


def _fix_kms_tags():
    """CloudFormation's Key/Value tags reach moto's KMS, which wants TagKey/TagValue."""
    from moto.kms import models as kms

    create = kms.Key.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, name, cfn, account_id, region_name, **kw):
        props = cfn.get("Properties", {})
        if props.get("Tags"):
            props = dict(props, Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]}
                                      for t in props["Tags"]])
            cfn = dict(cfn, Properties=props)
        return create(cls, name, cfn, account_id, region_name, **kw)

    kms.Key.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


def _fix_refs_without_physical_id():
    """Ref of a DBParameterGroup gives moto's object itself, not its name."""
    from moto.rds import models as rds

    if not hasattr(rds.DBParameterGroup, "physical_resource_id"):
        rds.DBParameterGroup.physical_resource_id = property(lambda self: self.name)


def _fix_outputs_of_unmodelled_types():
    """An output's Fn::GetAtt of a type moto does not model crashes the template check."""
    original_from_type = parsing.resource_class_from_type
    original_validate = parsing.ResourceMap.validate_outputs

    class Unmodelled:
        @staticmethod
        def has_cfn_attr(attr):
            return True

    def validate_outputs(self):
        parsing.resource_class_from_type = lambda t: original_from_type(t) or Unmodelled
        try:
            original_validate(self)
        finally:
            parsing.resource_class_from_type = original_from_type

    parsing.ResourceMap.validate_outputs = validate_outputs


REF_IS_ARN = {"AWS::SecretsManager::Secret"}


def _fix_outputs_of_unmodelled_refs():
    """An output's Ref of a type moto does not model has no value (item 13)."""
    original = parsing.parse_output

    def parse_output(output_logical_id, output_json, resources_map):
        output = original(output_logical_id, output_json, resources_map)
        ref = output_json.get("Value") if isinstance(output_json, dict) else None
        declared = getattr(resources_map, "_resource_json_map", {})
        if output is not None or "Condition" in output_json or not isinstance(ref, dict) or \
                list(ref) != ["Ref"] or ref["Ref"] not in declared or \
                declared[ref["Ref"]].get("Type") not in REF_IS_ARN or \
                resources_map[ref["Ref"]] is not None:
            return output
        _, service, kind = declared[ref["Ref"]]["Type"].split("::")
        return parsing.Output(
            key=output_logical_id,
            value=(f"arn:aws:{service.lower()}:{resources_map._region_name}:"
                   f"{resources_map._account_id}:{kind.lower()}:moto-does-not-model-{ref['Ref']}"),
            description=output_json.get("Description"))

    parsing.parse_output = parse_output


def _fix_bucket_properties():
    """moto's AWS::S3::Bucket applies BucketEncryption and Tags, and ignores
    VersioningConfiguration and PublicAccessBlockConfiguration."""
    from moto.s3 import models as s3

    create = s3.FakeBucket.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, name, cfn, account_id, region_name, **kw):
        bucket = create(cls, name, cfn, account_id, region_name, **kw)
        props = cfn.get("Properties", {})
        backend = s3.s3_backends[account_id][s3.get_partition(region_name)]
        status = props.get("VersioningConfiguration", {}).get("Status")
        if status:
            backend.put_bucket_versioning(bucket.name, status)
        if props.get("PublicAccessBlockConfiguration"):
            backend.put_public_access_block(bucket.name, props["PublicAccessBlockConfiguration"])
        return bucket

    s3.FakeBucket.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


def _fix_role_deletion():
    """Deleting a stack deletes its roles before the managed policies attached
    to them (AWS::IAM::ManagedPolicy Roles): moto refuses (DeleteConflict),
    where CloudFormation detaches first."""
    from moto.iam import models as iam

    delete = iam.Role.delete_from_cloudformation_json.__func__

    def delete_from_cloudformation_json(cls, name, cfn, account_id, region_name):
        backend = iam.iam_backends[account_id][iam.get_partition(region_name)]
        for role in list(backend.roles.values()):
            if role.name == name:
                for arn in list(role.managed_policies):
                    backend.detach_role_policy(arn, name)
        return delete(cls, name, cfn, account_id, region_name)

    iam.Role.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)


def _fix_replica_deletion():
    """moto deletes a primary's read replicas with it; CloudFormation's own
    deletion of the replica then fails with DBInstanceNotFound."""
    from moto.rds import models as rds
    from moto.rds.exceptions import DBInstanceNotFoundError

    delete = rds.DBInstance.delete

    def safe_delete(self, account_id, region_name):
        try:
            delete(self, account_id, region_name)
        except DBInstanceNotFoundError:
            pass  # already gone with its primary

    rds.DBInstance.delete = safe_delete


def _fix_cross_region_replica():
    """A cross-region replica's subnet group is looked up in its source's region (item 14)."""
    from moto.rds import models as rds

    original = rds.RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):
        if self.arn_regex.match(db_kwargs["source_db_instance_identifier"]):
            db_kwargs = {"backend": self, **db_kwargs}
        return original(self, db_kwargs)

    rds.RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica


def _fix_promote_read_replica():
    """A promoted instance names no source any more, and its primary no longer lists it."""
    from moto.rds import models as rds

    promote = rds.RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = promote(self, db_kwargs)
        source = database.source_db_instance_identifier
        database.source_db_instance_identifier = None
        try:
            primary = self.find_db_from_id(source) if source else None
        except Exception:  # noqa: BLE001 - a primary in a region moto no longer has
            primary = None
        if primary is not None and database.arn in getattr(primary, "read_replica_identifiers", []):
            primary.read_replica_identifiers.remove(database.arn)
        return database

    rds.RDSBackend.promote_read_replica = promote_read_replica


def _fix_ipv6():
    """Fn::Cidr, a VPC's Ipv6CidrBlocks, a subnet's Ipv6CidrBlock and an IPv6 route."""
    import ipaddress
    from moto.ec2.models import route_tables, subnets, vpcs

    clean = parsing.clean_json

    def clean_json(resource_json, resources_map):
        if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
            block, count, bits = (clean_json(a, resources_map) for a in resource_json["Fn::Cidr"])
            net = ipaddress.ip_network(block)
            sub = net.subnets(new_prefix=net.max_prefixlen - int(bits))
            return [str(next(sub)) for _ in range(int(count))]
        return clean(resource_json, resources_map)

    parsing.clean_json = clean_json

    get = vpcs.VPC.get_cfn_attribute

    def get_cfn_attribute(self, attr):
        if attr != "Ipv6CidrBlocks":
            return get(self, attr)
        if not self.get_cidr_block_association_set(ipv6=True):
            self.ec2_backend.associate_vpc_cidr_block(self.id, None, True)
        return [a["cidr_block"] for a in self.get_cidr_block_association_set(ipv6=True)]

    vpcs.VPC.get_cfn_attribute = get_cfn_attribute

    create_subnet = subnets.Subnet.create_from_cloudformation_json.__func__

    def subnet_from_cfn(cls, name, cfn, account_id, region_name, **kw):
        subnet = create_subnet(cls, name, cfn, account_id, region_name, **kw)
        block = cfn["Properties"].get("Ipv6CidrBlock")
        if block:
            subnet.attach_ipv6_cidr_block_associations(block)
        return subnet

    subnets.Subnet.create_from_cloudformation_json = classmethod(subnet_from_cfn)

    create_route = route_tables.Route.create_from_cloudformation_json.__func__

    def route_from_cfn(cls, name, cfn, account_id, region_name, **kw):
        props = cfn["Properties"]
        if "DestinationIpv6CidrBlock" not in props:
            return create_route(cls, name, cfn, account_id, region_name, **kw)
        from moto.ec2.models import ec2_backends
        return ec2_backends[account_id][region_name].create_route(
            route_table_id=props["RouteTableId"], destination_cidr_block=None,
            destination_ipv6_cidr_block=props["DestinationIpv6CidrBlock"],
            gateway_id=props.get("GatewayId"))

    route_tables.Route.create_from_cloudformation_json = classmethod(route_from_cfn)


def main():
    _fix_ipv6()
    _fix_promote_read_replica()
    _fix_cross_region_replica()
    _fix_execute_change_set()
    _fix_replica_deletion()
    _fix_role_deletion()
    _fix_bucket_properties()
    _fix_outputs_of_unmodelled_types()
    _fix_outputs_of_unmodelled_refs()
    _fix_refs_without_physical_id()
    _fix_kms_tags()
    _fix_rds_secret_attribute()
    _fix_termination_protection()
    _fix_getazs()
    from moto import server
    server.main(sys.argv[1:])


if __name__ == "__main__":
    main()
