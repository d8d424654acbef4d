"""`portico-admin`, the operator's command, against moto's DynamoDB and CloudFormation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from portico.bootstrap import Services
from portico.data import table
from portico.data.identity import LinkNotUsable
from portico.domain.accounts import StaffStatus
from portico.identity.principal import Role
from portico.services.accounts import accept_link, staff_sign_in
from portico.services.api_keys import authenticate
from portico_local.template import table_definition
from portico_ops.cli import main
from tests.support.factories import a_business

TABLE = os.environ["TABLE_NAME"]


@pytest.fixture(autouse=True)
def _restore_table_settings() -> Iterator[None]:
    # The command points the data layer at the table it is given; the other tests expect theirs.
    yield
    table.configure(TABLE, os.environ["AWS_REGION"])


def deployed_stack(name: str) -> str:
    """A stack like Portico's: its own table, named by CloudFormation, in a TableName output."""
    template = {
        "Resources": {
            "PorticoTable": {"Type": "AWS::DynamoDB::Table", "Properties": table_definition()}
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": "PorticoTable"}},
            "PortalBaseUrl": {"Value": "https://portal.example.com"},
        },
    }
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    outputs = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    return next(out["OutputValue"] for out in outputs if out["OutputKey"] == "TableName")


def provision(*extra: str, slug: str = "greenleaf-lawn") -> int:
    return main(["provision", "--name", "Greenleaf Lawn", "--slug", slug, *extra])


def printed_key(out: str) -> str:
    return next(line.split()[-1] for line in out.splitlines() if "admin API key" in line)


def test_given_a_table_when_provisioning_then_the_printed_key_opens_the_new_business(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--table", TABLE, "--region", "us-east-1", "--email", "hi@greenleaf.example")

    # Then
    out, err = capsys.readouterr()
    assert status == 0, err
    key = authenticate(services, printed_key(out))
    assert key is not None
    assert f"business id     {key.business_id}" in out
    assert "/p/greenleaf-lawn" in out
    assert "shown this once" in err
    business = services.businesses.get(key.business_id)
    assert business is not None
    assert (business.name, business.contact.email) == ("Greenleaf Lawn", "hi@greenleaf.example")


def test_given_a_stack_when_provisioning_by_stack_name_then_the_business_is_in_the_stack_table(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    stack_table = deployed_stack("portico-prod")
    assert stack_table != TABLE

    # When
    status = provision("--stack", "portico-prod", "--region", "us-east-1")

    # Then the portal address uses the stack's PortalBaseUrl, and the business is listed there
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "https://portal.example.com/p/greenleaf-lawn" in out
    assert main(["list-businesses", "--table", stack_table, "--region", "us-east-1"]) == 0
    listed = capsys.readouterr().out
    assert "greenleaf-lawn" in listed
    assert "Greenleaf Lawn" in listed
    table.configure(TABLE, "us-east-1")
    assert services.businesses.list_all() == []


def test_given_a_taken_slug_when_provisioning_then_it_exits_1_with_free_addresses(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    assert provision("--table", TABLE) == 0
    capsys.readouterr()

    # When
    status = provision("--table", TABLE)

    # Then
    out, err = capsys.readouterr()
    assert status == 1
    assert "'greenleaf-lawn' is taken" in err
    assert "greenleaf-lawn-portal" in err
    assert "admin API key" not in out
    assert len(services.businesses.list_all()) == 1


def test_given_businesses_when_listing_then_each_is_printed_once(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    assert provision("--table", TABLE) == 0
    assert (
        main(
            [
                "provision",
                "--name",
                "Sparkling Pools",
                "--slug",
                "sparkling-pools",
                "--table",
                TABLE,
            ]
        )
        == 0
    )
    capsys.readouterr()

    # When
    status = main(["list-businesses", "--table", TABLE])

    # Then
    out, _ = capsys.readouterr()
    assert status == 0
    rows = out.splitlines()[1:]
    assert sorted(row.split()[1] for row in rows) == ["greenleaf-lawn", "sparkling-pools"]
    assert "ptk_" not in out


def test_given_an_invalid_slug_when_provisioning_then_it_exits_2_naming_the_option(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--table", TABLE, slug="Greenleaf Lawn")

    # Then
    _, err = capsys.readouterr()
    assert status == 2
    assert "--slug" in err
    assert services.businesses.list_all() == []


def test_given_an_unknown_stack_when_provisioning_then_it_exits_1_saying_so(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--stack", "no-such-stack", "--region", "us-east-1")

    # Then
    _, err = capsys.readouterr()
    assert status == 1
    assert "stack 'no-such-stack' not found in us-east-1" in err
    assert services.businesses.list_all() == []


def test_given_neither_table_nor_stack_when_provisioning_then_usage_is_refused(
    capsys: pytest.CaptureFixture[str],
):
    # When
    with pytest.raises(SystemExit) as exit_:
        provision()

    # Then
    assert exit_.value.code == 2
    assert "one of the arguments --table --stack is required" in capsys.readouterr().err


# --- create-staff ----------------------------------------------------------------------------

STAFF_PASSWORD = "greenleaf office passphrase"


def create_staff(*extra: str, email: str = "dana@greenleaf.example") -> int:
    return main(["create-staff", "--name", "Dana Reyes", "--email", email, *extra])


def printed_link(out: str) -> str:
    return next(line.split()[-1] for line in out.splitlines() if "invite link" in line)


def _queued_emails() -> int:
    sqs = boto3.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=os.environ["EMAIL_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_given_a_business_when_creating_staff_then_the_printed_link_signs_them_in_once(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    business = a_business(services, slug="greenleaf-lawn", name="Greenleaf Lawn")

    # When
    status = create_staff(
        "--slug", "greenleaf-lawn", "--table", TABLE, "--portal-base-url", "https://portal.test/"
    )

    # Then the link points at the admin pages of that portal and carries a one-time token
    out, err = capsys.readouterr()
    assert status == 0, err
    link = urlsplit(printed_link(out))
    assert (link.scheme, link.netloc, link.path) == ("https", "portal.test", "/admin/accept")
    query = parse_qs(link.query)
    assert query["portal"] == ["greenleaf-lawn"]
    assert "shown only now" in err
    [staff] = services.identity.list_staff(business.business_id)
    assert (staff.name, staff.email, staff.status) == (
        "Dana Reyes",
        "dana@greenleaf.example",
        StaffStatus.INVITED,
    )
    assert f"staff id     {staff.staff_id}" in out
    assert _queued_emails() == 0  # the operator hands the link over; nothing is mailed

    # And redeeming it sets the password and starts a staff session for that business
    session = accept_link(services, query["token"][0], STAFF_PASSWORD)
    assert (session.role, session.business_id, session.subject_id) == (
        Role.STAFF,
        business.business_id,
        staff.staff_id,
    )
    _, member = staff_sign_in(
        services, "greenleaf-lawn", "dana@greenleaf.example", STAFF_PASSWORD, "192.0.2.1"
    )
    assert member.status is StaffStatus.ACTIVE
    with pytest.raises(LinkNotUsable):
        accept_link(services, query["token"][0], "another office passphrase")


def test_given_a_stack_when_creating_staff_then_the_link_uses_its_portal_base_url(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given a business in a deployed stack's own table
    deployed_stack("portico-prod")
    assert provision("--stack", "portico-prod", "--region", "us-east-1") == 0
    capsys.readouterr()

    # When
    status = create_staff("--slug", "greenleaf-lawn", "--stack", "portico-prod")

    # Then
    out, err = capsys.readouterr()
    assert status == 0, err
    assert printed_link(out).startswith(
        "https://portal.example.com/admin/accept?portal=greenleaf-lawn&token="
    )


def test_given_no_portal_base_url_when_creating_staff_then_the_link_is_a_path_not_a_made_up_host(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    a_business(services, slug="greenleaf-lawn", name="Greenleaf Lawn")

    status = create_staff("--slug", "greenleaf-lawn", "--table", TABLE)

    out, err = capsys.readouterr()
    assert status == 0, err
    assert printed_link(out).startswith("/admin/accept?portal=greenleaf-lawn&token=")
    assert "PortalBaseUrl" in out


def test_given_a_staff_email_already_used_when_creating_staff_then_it_exits_1_without_a_link(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    business = a_business(services, slug="greenleaf-lawn", name="Greenleaf Lawn")
    assert create_staff("--slug", "greenleaf-lawn", "--table", TABLE) == 0
    capsys.readouterr()

    # When the same email comes again, in other letter case
    status = create_staff(
        "--slug", "greenleaf-lawn", "--table", TABLE, email="Dana@Greenleaf.example"
    )

    # Then
    out, err = capsys.readouterr()
    assert status == 1
    assert "already has this email" in err
    assert "invite link" not in out
    assert len(services.identity.list_staff(business.business_id)) == 1


def test_given_an_unknown_slug_when_creating_staff_then_it_exits_1_saying_so(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    status = create_staff("--slug", "no-such-business", "--table", TABLE)

    _, err = capsys.readouterr()
    assert status == 1
    assert "no business at 'no-such-business'" in err


def test_given_an_invalid_email_when_creating_staff_then_it_exits_2_naming_the_option(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    business = a_business(services, slug="greenleaf-lawn", name="Greenleaf Lawn")

    status = create_staff("--slug", "greenleaf-lawn", "--table", TABLE, email="not-an-email")

    _, err = capsys.readouterr()
    assert status == 2
    assert "--email" in err
    assert services.identity.list_staff(business.business_id) == []


def web_stack(name: str) -> tuple[str, str]:
    """A stack with Portico's web outputs: a bucket (with a file web/ no longer has) and a
    CloudFront distribution."""
    s3 = boto3.client("s3")
    bucket = f"{name}-web"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="assets/old.js", Body=b"gone")
    origin = {"Id": "web", "DomainName": f"{bucket}.s3.amazonaws.com"}
    distribution = boto3.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": name,
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [{**origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
            },
            "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "allow-all"},
        }
    )["Distribution"]["Id"]
    template = {
        "Resources": {"Nothing": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {
            "WebBucketName": {"Value": bucket},
            "WebDistributionId": {"Value": distribution},
        },
    }
    boto3.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return bucket, distribution


def test_given_a_stack_when_publishing_web_then_every_page_is_uploaded_typed_and_stale_removed(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    bucket, distribution = web_stack("portico-web")

    assert main(["publish-web", "--stack", "portico-web"]) == 0

    s3 = boto3.client("s3")
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {"index.html", "p/index.html", "admin/index.html", "assets/portal.js"} <= keys
    assert "assets/old.js" not in keys
    page = s3.get_object(Bucket=bucket, Key="p/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "no-cache"
    assert s3.head_object(Bucket=bucket, Key="assets/portal.js")["ContentType"].startswith(
        ("text/javascript", "application/javascript")
    )
    invalidations = boto3.client("cloudfront").list_invalidations(DistributionId=distribution)
    assert invalidations["InvalidationList"]["Quantity"] == 1
    assert "removed 1" in capsys.readouterr().out


def test_given_a_stack_without_web_outputs_when_publishing_then_it_exits_1_saying_so(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    deployed_stack("portico-old")

    assert main(["publish-web", "--stack", "portico-old"]) == 1
    assert "no WebBucketName, WebDistributionId output" in capsys.readouterr().err
