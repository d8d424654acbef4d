"""`portico-admin`: the operator's command for a deployed stack.

    portico-admin provision --name "Greenleaf Lawn" --slug greenleaf-lawn --stack portico-prod
    portico-admin list-businesses --table portico-dev-PorticoTable-ABC123
    portico-admin create-staff --name "Dana Office" --email dana@greenleaf.example \
        --slug greenleaf-lawn --stack portico-prod
    portico-admin publish-web --stack portico-prod
    portico-admin export-customer --business-id biz_... --customer-id C-1 --out dir --stack ...
    portico-admin erase-customer --business-id biz_... --customer-id C-1 --yes --stack ...

It works on the stack's table directly, through the same services as the admin API, with the
operator's own AWS credentials; `publish-web` copies web/ to the stack's web bucket and has
CloudFront serve the new files.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError
from pynamodb.exceptions import PynamoDBException

from portico.bootstrap import Services
from portico.config import Settings
from portico.domain.accounts import StaffMember, StaffStatus
from portico.domain.business import NewBusiness
from portico.domain.invitations import NewStaffMember
from portico.errors import PorticoError
from portico.identity.tokens import LinkPurpose
from portico.services import accounts, portals
from portico_local.static import WEB_ROOT, content_type, site_files
from portico_ops import customer_data

EXIT_REFUSED = 1
EXIT_USAGE = 2


class OperatorError(Exception):
    """A problem to report in one line, without a traceback."""


@dataclass(frozen=True)
class Target:
    """The deployment to act on: its table, its region and, if known, its portal's address."""

    table_name: str
    region: str
    portal_base_url: str | None


def _parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    group = where.add_argument_group("deployment (one of --table or --stack)")
    target = group.add_mutually_exclusive_group(required=True)
    target.add_argument("--table", help="the stack's DynamoDB table name")
    target.add_argument("--stack", help="the stack name; its TableName output gives the table")
    group.add_argument("--region", help="AWS region (default: from your AWS configuration)")
    group.add_argument(
        "--portal-base-url",
        help="where the portal is served (default: the stack's PortalBaseUrl output)",
    )

    parser = argparse.ArgumentParser(
        prog="portico-admin", description="Operate a deployed Portico stack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    provision = commands.add_parser(
        "provision",
        parents=[where],
        help="provision a business and print its admin API key (shown once)",
    )
    provision.add_argument("--name", required=True, help="the business's name")
    provision.add_argument("--slug", required=True, help="its portal address, e.g. greenleaf-lawn")
    provision.add_argument("--email", help="its contact email")
    provision.add_argument("--phone", help="its contact phone")
    provision.add_argument("--timezone", default="America/Chicago", help="default: %(default)s")
    provision.add_argument("--currency", default="USD", help="default: %(default)s")
    commands.add_parser("list-businesses", parents=[where], help="list the stack's businesses")
    staff = commands.add_parser(
        "create-staff",
        parents=[where],
        help="add a staff member to a business and print their one-time invite link",
    )
    staff.add_argument("--name", required=True, help="the staff member's name")
    staff.add_argument("--email", required=True, help="their email; they sign in with it")
    staff.add_argument("--slug", required=True, help="the business's portal address")
    web = commands.add_parser(
        "publish-web",
        help="copy web/ to the stack's web bucket and have CloudFront serve the new files",
    )
    web.add_argument("--stack", required=True, help="the stack name")
    web.add_argument("--region", help="AWS region (default: from your AWS configuration)")
    web.add_argument(
        "--web-root", type=Path, default=WEB_ROOT, help="default: this checkout's web/"
    )
    for name, help_text in (
        ("export-customer", "write one customer's items and files to a folder (a data request)"),
        ("erase-customer", "delete one customer's items and every version of their files"),
    ):
        command = commands.add_parser(name, parents=[where], help=help_text)
        command.add_argument("--business-id", required=True)
        command.add_argument("--customer-id", required=True, help="the id the CRM syncs it by")
        command.add_argument(
            "--bucket", help="the media bucket (default: the stack's MediaBucketName output)"
        )
        if name == "export-customer":
            command.add_argument("--out", type=Path, required=True, help="a folder to write to")
        else:
            command.add_argument(
                "--yes", action="store_true", help="required: erasing cannot be undone"
            )
    return parser


def _region(requested: str | None) -> str:
    region = requested or boto3.session.Session().region_name
    if not region:
        raise OperatorError("no AWS region: pass --region or configure one (AWS_REGION)")
    return str(region)


def resolve_target(args: argparse.Namespace) -> Target:
    """The table named by --table, or by the TableName output of the --stack stack."""
    region = _region(args.region)
    if args.table:
        return Target(args.table, region, args.portal_base_url)
    outputs = _stack_outputs(args.stack, region, "TableName")
    base_url = args.portal_base_url or outputs.get("PortalBaseUrl")
    return Target(outputs["TableName"], region, base_url)


def _stack_outputs(stack: str, region: str, *needed: str) -> dict[str, str]:
    cloudformation = boto3.client("cloudformation", region_name=region)
    try:
        stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        raise OperatorError(f"stack {stack!r} not found in {region}") from error
    outputs = {out["OutputKey"]: out["OutputValue"] for out in stacks[0].get("Outputs", [])}
    missing = [name for name in needed if name not in outputs]
    if missing:
        raise OperatorError(f"stack {stack!r} has no {', '.join(missing)} output: is it Portico's?")
    return outputs


def _services(target: Target) -> Services:
    # An empty base URL when it is unknown: links then print as paths, never with a made-up host.
    return Services.build(
        Settings(
            table_name=target.table_name,
            aws_region=target.region,
            portal_base_url=target.portal_base_url or "",
        )
    )


def _portal_address(target: Target, slug: str) -> str:
    base = (target.portal_base_url or "").rstrip("/")
    return f"{base}/p/{slug}" if base else f"/p/{slug} (on the stack's PortalBaseUrl)"


def provision(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Provision a business; print its id, portal address and admin API key (this once)."""
    contact = {"email": args.email, "phone": args.phone}
    try:
        new = NewBusiness.model_validate(
            {
                "name": args.name,
                "slug": args.slug,
                "contact": {key: value for key, value in contact.items() if value},
                "timezone": args.timezone,
                "currency": args.currency,
            }
        )
    except ValidationError as error:
        for problem in error.errors(include_url=False, include_input=False):
            field = ".".join(map(str, problem["loc"]))
            print(f"error: --{field.removeprefix('contact.')}: {problem['msg']}", file=err)
        return EXIT_USAGE
    target = resolve_target(args)
    try:
        created = portals.provision_business(_services(target), new)
    except PorticoError as error:
        print(f"error: {error.message}", file=err)
        suggestions = error.details.get("suggestions") if isinstance(error.details, dict) else []
        if suggestions:
            print("free addresses: " + ", ".join(suggestions), file=err)
        return EXIT_REFUSED
    business = created.business
    print(f"Provisioned {business.name}", file=out)
    print(f"  business id     {business.business_id}", file=out)
    print(
        f"  portal address  {_portal_address(target, business.slug)} (off until turned on)",
        file=out,
    )
    print(f"  admin API key   {created.admin_api_key}", file=out)
    print(
        "warning: the admin API key is shown this once and cannot be recovered; store it in a "
        "password manager or Secrets Manager now.",
        file=err,
    )
    return 0


def list_businesses(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the stack's businesses, oldest first."""
    target = resolve_target(args)
    found = sorted(_services(target).businesses.list_all(), key=lambda b: b.created_at)
    if not found:
        print(f"No businesses in {target.table_name}.", file=err)
        return 0
    print(f"{'BUSINESS ID':<22} {'SLUG':<41} {'CREATED':<20} NAME", file=out)
    for business in found:
        created = business.created_at.strftime("%Y-%m-%d %H:%M")
        print(
            f"{business.business_id:<22} {business.slug:<41} {created:<20} {business.name}",
            file=out,
        )
    return 0


def create_staff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Add a staff member to the business at --slug and print a link that lets them set a
    password (valid 7 days, once). Nothing is emailed: the operator hands the link over,
    which is how a business gets its first staff login before any email is set up."""
    try:
        new = NewStaffMember.model_validate({"name": args.name, "email": args.email})
    except ValidationError as error:
        for problem in error.errors(include_url=False, include_input=False):
            print(f"error: --{'.'.join(map(str, problem['loc']))}: {problem['msg']}", file=err)
        return EXIT_USAGE
    target = resolve_target(args)
    svc = _services(target)
    found = svc.portals.find_by_slug(args.slug)
    if found is None:
        raise OperatorError(f"no business at {args.slug!r} in {target.table_name}")
    portal, business_name = found
    member = StaffMember(
        staff_id="staff_" + secrets.token_hex(6),  # as accounts.invite_staff makes them
        business_id=portal.business_id,
        name=new.name,
        email=new.email,
        status=StaffStatus.INVITED,
        created_at=svc.clock.now(),
    )
    try:
        svc.identity.add_staff(member)
    except PorticoError as error:
        print(f"error: {error.message}", file=err)
        return EXIT_REFUSED
    token = accounts.issue_link(
        svc, LinkPurpose.STAFF_INVITE, portal.business_id, member.staff_id, member.email
    )
    link = accounts.link_url(svc, portal.slug, LinkPurpose.STAFF_INVITE, token)
    print(f"Added {member.name} <{member.email}> to {business_name}", file=out)
    print(f"  staff id     {member.staff_id}", file=out)
    print(f"  invite link  {link}", file=out)
    if not target.portal_base_url:
        print(
            "  (on the stack's PortalBaseUrl; pass --portal-base-url to print it whole)", file=out
        )
    print(
        "warning: the invite link works once, for 7 days, and is shown only now; send it to "
        "the staff member privately.",
        file=err,
    )
    return 0


def publish_web(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Upload every file of web/ (browsers revalidate each: no file name carries a version),
    delete what web/ no longer has, then invalidate the distribution's cache."""
    region = _region(args.region)
    outputs = _stack_outputs(args.stack, region, "WebBucketName", "WebDistributionId")
    files = site_files(args.web_root)
    if "index.html" not in files or "p/index.html" not in files:
        raise OperatorError(f"{args.web_root} is not Portico's web/ (no index.html, p/index.html)")
    bucket = outputs["WebBucketName"]
    s3 = boto3.client("s3", region_name=region)
    for key, path in files.items():
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(path),
            CacheControl="no-cache",
        )
    stale = [
        {"Key": item["Key"]}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in files
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale[start : start + 1000]})
    invalidation = boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"portico-{time.time_ns()}",
        },
    )
    print(f"published {len(files)} files to s3://{bucket}, removed {len(stale)}", file=out)
    print(f"CloudFront invalidation {invalidation['Invalidation']['Id']} started", file=out)
    return 0


def _customer(args: argparse.Namespace) -> tuple[Any, Any, str, str, customer_data.CustomerData]:
    target = resolve_target(args)
    bucket = args.bucket
    if not bucket:
        if not args.stack:
            raise OperatorError("pass --bucket with --table (or --stack to read it)")
        bucket = _stack_outputs(args.stack, target.region, "MediaBucketName")["MediaBucketName"]
    dynamodb = boto3.client("dynamodb", region_name=target.region)
    s3 = boto3.client("s3", region_name=target.region)
    data = customer_data.find(
        dynamodb, s3, target.table_name, bucket, args.business_id, args.customer_id
    )
    if not data.items:
        raise OperatorError(
            f"no customer {args.customer_id!r} of business {args.business_id!r} "
            f"in {target.table_name}"
        )
    return dynamodb, s3, target.table_name, bucket, data


def export_customer(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the customer's items (as JSON, the password hash left out) and files."""
    _, s3, _, bucket, data = _customer(args)
    written = customer_data.export(data, s3, bucket, args.out)
    print(f"Wrote {len(data.items)} items to {written}", file=out)
    print(f"  and {len({f['Key'] for f in data.files})} files under {args.out}/files/", file=out)
    print(
        "Not included: Stripe's copy of the customer (export it from the Stripe dashboard).",
        file=err,
    )
    return 0


def erase_customer(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Delete the customer's items, the owner items of their records and every version of
    their files. Remove the customer from the business's CRM first, or its next sync writes
    them again."""
    if not args.yes:
        print("error: erasing cannot be undone: pass --yes (export first if needed)", file=err)
        return EXIT_USAGE
    dynamodb, s3, table_name, bucket, data = _customer(args)
    customer_data.erase(data, dynamodb, s3, table_name, bucket)
    print(
        f"Erased {len(data.items)} items, {len(data.owner_keys)} record owners and "
        f"{len(data.files)} file versions of {args.customer_id}",
        file=out,
    )
    print(
        "Left: the Stripe customer (delete it in the Stripe dashboard), point-in-time backups "
        "(35 days), logs (their retention), AutoPay outcomes and events (their TTL).",
        file=err,
    )
    return 0


COMMANDS = {
    "provision": provision,
    "list-businesses": list_businesses,
    "create-staff": create_staff,
    "publish-web": publish_web,
    "export-customer": export_customer,
    "erase-customer": erase_customer,
}


def main(argv: Sequence[str] | None = None) -> int:
    """The `portico-admin` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    command = COMMANDS[args.command]
    try:
        return command(args, sys.stdout, sys.stderr)
    except OperatorError as error:
        print(f"error: {error}", file=sys.stderr)
    except (ClientError, BotoCoreError, PynamoDBException) as error:
        # Missing table, no credentials, access denied...: the AWS message says which.
        print(f"error: {error}", file=sys.stderr)
    return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
