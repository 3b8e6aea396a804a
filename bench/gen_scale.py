#!/usr/bin/env python3
"""Write one CloudFormation template with about N resources (JSON, stdout).

Usage: bench/gen_scale.py N > big.template.json

A realistic mix for the analyses: a VPC with subnets and route tables, and
then repeated groups of a security group with an ingress rule, an EC2
instance in a subnet using that group, an encrypted bucket with its policy,
a log group, an IAM role, a DB instance and an alarm; every group refers to
its neighbours by Ref and Fn::GetAtt, as synthesized templates do. The
analyses' reference lookups (resource by logical ID, "is X referenced by a Y")
are what grows with N.
"""
import json
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    res = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16",
                                                       "EnableDnsSupport": True}},
        "Igw": {"Type": "AWS::EC2::InternetGateway"},
        "IgwAttach": {"Type": "AWS::EC2::VPCGatewayAttachment",
                      "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}}},
    }
    for az in range(2):
        sn, rt = "Subnet%d" % az, "RouteTable%d" % az
        res[sn] = {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.%d.0/24" % az,
            "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]}}}
        res[rt] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}
        res[rt + "Assoc"] = {"Type": "AWS::EC2::SubnetRouteTableAssociation",
                             "Properties": {"SubnetId": {"Ref": sn}, "RouteTableId": {"Ref": rt}}}
    group = 9
    for g in range(max(1, (n - len(res)) // group)):
        sg, inst, b, role = "Sg%d" % g, "Instance%d" % g, "Bucket%d" % g, "Role%d" % g
        res[sg] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "group %d" % g, "VpcId": {"Ref": "Vpc"}}}
        res[sg + "Ingress"] = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": [sg, "GroupId"]}, "IpProtocol": "tcp", "FromPort": 443,
            "ToPort": 443, "SourceSecurityGroupId": {"Fn::GetAtt": ["Sg%d" % max(0, g - 1), "GroupId"]}}}
        res[role] = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "ec2.amazonaws.com"}}]}}}
        res[role + "Profile"] = {"Type": "AWS::IAM::InstanceProfile",
                                 "Properties": {"Roles": [{"Ref": role}]}}
        res[inst] = {"Type": "AWS::EC2::Instance", "Properties": {
            "ImageId": "ami-12345678", "InstanceType": "t3.micro",
            "SubnetId": {"Ref": "Subnet%d" % (g % 2)}, "SecurityGroupIds": [{"Ref": sg}],
            "IamInstanceProfile": {"Ref": role + "Profile"},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}]}}
        res[b] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                  "Properties": {
                      "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                          {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                      "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                         "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                      "VersioningConfiguration": {"Status": "Enabled"}}}
        res[b + "Policy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": b}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                "Resource": [{"Fn::GetAtt": [b, "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [b, "Arn"]}, "/*"]]}]}]}}}
        res["Logs%d" % g] = {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}
        res["Alarm%d" % g] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "MetricName": "CPUUtilization", "Namespace": "AWS/EC2", "Statistic": "Average",
            "Period": 300, "EvaluationPeriods": 1, "Threshold": 80, "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions": [{"Name": "InstanceId", "Value": {"Ref": inst}}]}}
    json.dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
