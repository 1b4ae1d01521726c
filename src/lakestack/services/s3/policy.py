"""Bucket policies: parse and validate the JSON document once, then evaluate it per request.

``parse_policy(text, bucket)`` checks what S3 checks when a policy is put (JSON object,
statements with Effect/Principal/Action/Resource, s3 actions, resources inside the
bucket, known condition operators) and compiles the wildcards; ``Policy.evaluate``
answers ``"Deny"``, ``"Allow"`` or ``None`` (no statement applies) for one request.
Pure: no storage, no HTTP. Condition keys are matched case-insensitively, values as IAM
does (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from lakestack.core.policy_grammar import POLICY_VERSIONS, STATEMENT_MEMBERS
from lakestack.services.s3.errors import MalformedPolicy
from lakestack.services.s3.models import Principal, canonical_user_id

MAX_POLICY_BYTES = 20 * 1024
_ACTION = re.compile(r"s3:[A-Za-z*?]+", re.I)
_ACCOUNT = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws:(iam|sts)::(\d{12}):(root|user/.+|role/.+|assumed-role/.+)")
# Keys whose fixed value makes an Allow for everyone non-public (S3's "public" rule):
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
_FIXING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceIp",
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:userid",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)

Values = dict[str, list[str]]
"""Condition context of one request: lower-cased key -> its values."""


def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """A wildcard (``*``, ``?``) pattern as a compiled regex.

    >>> bool(_glob("s3:Get*", True).fullmatch("s3:getobject"))
    True
    """
    body = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(body, re.I | re.S if ignore_case else re.S)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedPolicy("Invalid policy syntax.")


# -- conditions ---------------------------------------------------------------------


def _date(text: str) -> float:
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp()


def _ip(value: str, cidr: str) -> bool:
    return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)


def _arn_like(value: str, pattern: str) -> bool:
    parts, want = value.split(":", 5), pattern.split(":", 5)
    return len(parts) == len(want) == 6 and all(
        fnmatchcase(p, w) for p, w in zip(parts, want, strict=True)
    )


_Compare = Callable[[str, str], bool]
_BASE: dict[str, _Compare] = {
    "StringEquals": lambda v, p: v == p,
    "StringEqualsIgnoreCase": lambda v, p: v.lower() == p.lower(),
    "StringLike": lambda v, p: bool(_glob(p, False).fullmatch(v)),
    "NumericEquals": lambda v, p: float(v) == float(p),
    "NumericLessThan": lambda v, p: float(v) < float(p),
    "NumericLessThanEquals": lambda v, p: float(v) <= float(p),
    "NumericGreaterThan": lambda v, p: float(v) > float(p),
    "NumericGreaterThanEquals": lambda v, p: float(v) >= float(p),
    "DateEquals": lambda v, p: _date(v) == _date(p),
    "DateLessThan": lambda v, p: _date(v) < _date(p),
    "DateLessThanEquals": lambda v, p: _date(v) <= _date(p),
    "DateGreaterThan": lambda v, p: _date(v) > _date(p),
    "DateGreaterThanEquals": lambda v, p: _date(v) >= _date(p),
    "Bool": lambda v, p: v.lower() == p.lower(),
    "BinaryEquals": lambda v, p: v == p,
    "IpAddress": _ip,
    "ArnEquals": lambda v, p: v == p,
    "ArnLike": _arn_like,
}
# negated operator -> the positive one it negates
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``operator: {key: values}`` entry of a Condition block."""

    operator: str
    base: str
    negated: bool
    if_exists: bool
    qualifier: str | None
    """``ForAnyValue``, ``ForAllValues`` or ``None``."""
    key: str
    values: tuple[str, ...]

    def holds(self, context: Values) -> bool:
        present = context.get(self.key)
        if self.base == "Null":
            want = self.values[0].lower() == "true" if self.values else True
            return (not present) == want
        if not present:
            if self.qualifier == "ForAllValues" or self.if_exists:
                return True
            return self.negated and self.qualifier is None
        compare = _BASE[self.base]

        def matches(value: str) -> bool:
            try:
                return any(compare(value, p) for p in self.values)
            except ValueError:
                return False

        if self.qualifier == "ForAllValues":
            return all(matches(v) != self.negated for v in present)
        hit = any(matches(v) != self.negated for v in present)
        if self.qualifier is None and self.negated:
            return not any(matches(v) for v in present)
        return hit


def _parse_condition(block: Any) -> tuple[Condition, ...]:
    if not isinstance(block, dict):
        raise MalformedPolicy("Invalid policy syntax.")
    out: list[Condition] = []
    for operator, entries in block.items():
        qualifier, name = None, str(operator)
        if ":" in name:
            qualifier, name = name.split(":", 1)
            if qualifier not in ("ForAnyValue", "ForAllValues"):
                raise MalformedPolicy(f"Invalid Condition type : {operator}")
        if_exists = name.endswith("IfExists") and name != "IfExists"
        base_name = name[: -len("IfExists")] if if_exists else name
        negated = base_name in _NEGATED
        base = _NEGATED.get(base_name, base_name)
        if base not in _BASE and base != "Null":
            raise MalformedPolicy(f"Invalid Condition type : {operator}")
        if not isinstance(entries, dict):
            raise MalformedPolicy("Invalid policy syntax.")
        for key, values in entries.items():
            texts = tuple(_text(v) for v in _list(values))
            if base == "IpAddress":
                for cidr in texts:
                    try:
                        ipaddress.ip_network(cidr, strict=False)
                    except ValueError:
                        raise MalformedPolicy("Invalid IP address in policy") from None
            out.append(
                Condition(str(operator), base, negated, if_exists, qualifier, key.lower(), texts)
            )
    return tuple(out)


# -- principals ---------------------------------------------------------------------


def _parse_principals(value: Any) -> tuple[str, ...]:
    """Principal matchers: ``*``, ``account:<id>``, ``arn:<arn>``, ``canonical:<id>``,
    ``service:<name>`` (never a request's principal here)."""
    if value == "*":
        return ("*",)
    if not isinstance(value, dict) or not value:
        raise MalformedPolicy("Invalid principal in policy")
    out: list[str] = []
    for kind, entries in value.items():
        for entry in _list(entries):
            if not isinstance(entry, str):
                raise MalformedPolicy("Invalid principal in policy")
            out.append(_principal_matcher(kind, entry))
    return tuple(out)


def _principal_matcher(kind: str, entry: str) -> str:
    if kind == "AWS":
        if entry == "*":
            return "*"
        if _ACCOUNT.fullmatch(entry):
            return f"account:{entry}"
        m = _IAM_ARN.fullmatch(entry)
        if m is None:
            raise MalformedPolicy("Invalid principal in policy")
        if m.group(3) == "root":
            return f"account:{m.group(2)}"
        return f"arn:{entry}"
    if kind == "CanonicalUser" and re.fullmatch(r"[0-9a-f]{64}", entry):
        return f"canonical:{entry}"
    if kind in ("Service", "Federated"):
        return f"service:{entry}"
    raise MalformedPolicy("Invalid principal in policy")


def _role_of(arn: str) -> str | None:
    """The role ARN behind an assumed-role session ARN.

    >>> _role_of("arn:aws:sts::111111111111:assumed-role/etl/session-1")
    'arn:aws:iam::111111111111:role/etl'
    """
    m = re.fullmatch(r"arn:aws:sts::(\d{12}):assumed-role/([^/]+)/.*", arn)
    return f"arn:aws:iam::{m.group(1)}:role/{m.group(2)}" if m else None


def principal_matches(matchers: Iterable[str], p: Principal) -> bool:
    for m in matchers:
        if m == "*":
            return True
        if p.account is None:
            continue
        kind, _, value = m.partition(":")
        if kind == "account" and value == p.account:
            return True
        if kind == "arn" and p.arn is not None and (value == p.arn or value == _role_of(p.arn)):
            return True
        if kind == "canonical" and value == canonical_user_id(p.account):
            return True
    return False


# -- statements ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str
    principals: tuple[str, ...] | None
    not_principals: tuple[str, ...] | None
    actions: tuple[re.Pattern[str], ...] | None
    not_actions: tuple[re.Pattern[str], ...] | None
    resources: tuple[re.Pattern[str], ...] | None
    not_resources: tuple[re.Pattern[str], ...] | None
    conditions: tuple[Condition, ...]

    def applies(self, p: Principal, action: str, resource: str, context: Values) -> bool:
        if self.principals is not None and not principal_matches(self.principals, p):
            return False
        if self.not_principals is not None and principal_matches(self.not_principals, p):
            return False
        if self.actions is not None and not any(a.fullmatch(action) for a in self.actions):
            return False
        if self.not_actions is not None and any(a.fullmatch(action) for a in self.not_actions):
            return False
        if self.resources is not None and not any(r.fullmatch(resource) for r in self.resources):
            return False
        if self.not_resources is not None and any(
            r.fullmatch(resource) for r in self.not_resources
        ):
            return False
        return all(c.holds(context) for c in self.conditions)

    @property
    def public(self) -> bool:
        """An Allow that reaches anyone: a ``*`` principal (or NotPrincipal) whose
        conditions do not pin the caller down to fixed values."""
        if self.effect != "Allow":
            return False
        if self.not_principals is None and "*" not in (self.principals or ()):
            return False
        for c in self.conditions:
            if c.key in _FIXING_KEYS and not c.negated and c.base != "Null":
                if c.key == "aws:sourceip":
                    if not any(v in ("0.0.0.0/0", "::/0") for v in c.values):
                        return False
                elif not any("*" in v or "?" in v for v in c.values):
                    return False
        return True


def _patterns(value: Any, ignore_case: bool, check: Callable[[str], None]) -> tuple[Any, ...]:
    items = _list(value)
    if not items:
        raise MalformedPolicy("Invalid policy syntax.")
    for item in items:
        if not isinstance(item, str):
            raise MalformedPolicy("Invalid policy syntax.")
        check(item)
    return tuple(_glob(item, ignore_case) for item in items)


def _check_action(action: str) -> None:
    if action != "*" and not _ACTION.fullmatch(action):
        raise MalformedPolicy("Policy has invalid action")


def _resource_check(bucket: str) -> Callable[[str], None]:
    def check(resource: str) -> None:
        if resource == "*":
            return
        prefix = "arn:aws:s3:::"
        if not resource.startswith(prefix):
            raise MalformedPolicy("Policy has invalid resource")
        name = resource[len(prefix) :].split("/", 1)[0]
        if not fnmatchcase(bucket, name):
            raise MalformedPolicy("Policy has invalid resource")

    return check


def _parse_statement(s: Any, bucket: str) -> Statement:
    if not isinstance(s, dict):
        raise MalformedPolicy("Invalid policy syntax.")
    unknown = set(s) - STATEMENT_MEMBERS
    if unknown:
        raise MalformedPolicy(f"Unknown field {sorted(unknown)[0]}")
    if not isinstance(s.get("Sid", ""), str):
        raise MalformedPolicy("Invalid policy syntax.")
    effect = s.get("Effect")
    if effect is None:
        raise MalformedPolicy("Missing required field Effect")
    if not isinstance(effect, str) or effect not in ("Allow", "Deny"):
        raise MalformedPolicy(f"Invalid effect: {effect}")
    for one, other, name in (
        ("Principal", "NotPrincipal", "Principal"),
        ("Action", "NotAction", "Action"),
        ("Resource", "NotResource", "Resource"),
    ):
        if one in s and other in s:
            raise MalformedPolicy("Invalid policy syntax.")
        if one not in s and other not in s:
            raise MalformedPolicy(f"Missing required field {name}")
    res = _resource_check(bucket)
    return Statement(
        effect=effect,
        principals=_parse_principals(s["Principal"]) if "Principal" in s else None,
        not_principals=_parse_principals(s["NotPrincipal"]) if "NotPrincipal" in s else None,
        actions=_patterns(s["Action"], True, _check_action) if "Action" in s else None,
        not_actions=_patterns(s["NotAction"], True, _check_action) if "NotAction" in s else None,
        resources=_patterns(s["Resource"], False, res) if "Resource" in s else None,
        not_resources=_patterns(s["NotResource"], False, res) if "NotResource" in s else None,
        conditions=_parse_condition(s["Condition"]) if "Condition" in s else (),
    )


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed bucket policy, kept with its text (GetBucketPolicy returns it as put)."""

    text: str
    statements: tuple[Statement, ...]

    @property
    def has_deny(self) -> bool:
        return any(s.effect == "Deny" for s in self.statements)

    @property
    def public(self) -> bool:
        return any(s.public for s in self.statements)

    def evaluate(
        self,
        p: Principal,
        action: str,
        resource: str,
        context: Values,
        only: Callable[[Statement], bool] | None = None,
    ) -> str | None:
        """``"Deny"`` if any applicable statement denies, else ``"Allow"`` if one
        allows, else ``None``. ``only`` limits which Allow statements count."""
        allowed = False
        for s in self.statements:
            if not s.applies(p, action, resource, context):
                continue
            if s.effect == "Deny":
                return "Deny"
            if only is None or only(s):
                allowed = True
        return "Allow" if allowed else None


def parse_policy(text: str, bucket: str) -> Policy:
    """Validate a bucket policy as S3 does at PutBucketPolicy and compile it.

    >>> doc = '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",'
    >>> doc += ' "Resource": "arn:aws:s3:::b/*"}]}'
    >>> parse_policy(doc, "b").public
    True

    Raises:
        MalformedPolicy: with S3's message for the first problem found.
    """
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise MalformedPolicy("Policies must be less than 20 KB")
    if not text.lstrip().startswith("{"):
        raise MalformedPolicy()
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedPolicy() from None
    if not isinstance(doc, dict):
        raise MalformedPolicy()
    unknown = set(doc) - {"Version", "Id", "Statement"}
    if unknown:
        raise MalformedPolicy(f"Unknown field {sorted(unknown)[0]}")
    if "Version" in doc and doc["Version"] not in POLICY_VERSIONS:
        raise MalformedPolicy("Invalid policy version")
    if "Statement" not in doc:
        raise MalformedPolicy("Missing required field Statement")
    statements = _list(doc["Statement"])
    if not statements:
        raise MalformedPolicy("Could not parse the policy: Statement is empty!")
    parsed = tuple(_parse_statement(s, bucket) for s in statements)
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise MalformedPolicy("Statement IDs (SID) in a single policy must be unique.")
    return Policy(text, parsed)
