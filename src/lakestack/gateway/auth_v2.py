"""S3's legacy signature version 2 (HMAC-SHA1), header and presigned-query forms.

boto3 still presigns S3 URLs with it unless told otherwise, so it must be verified,
not merely accepted. The string to sign follows botocore's ``HmacV1Auth`` exactly.
Knows S3 request shapes, nothing about buckets' contents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import unquote

from lakestack.gateway.http import HttpRequest

# Sub-resources that belong to the canonical resource (botocore HmacV1Auth.QSAOfInterest).
SUBRESOURCES = frozenset(
    (
        "accelerate acl cors defaultObjectAcl location logging partNumber policy requestPayment "
        "torrent versioning versionId versions website uploads uploadId response-content-type "
        "response-content-language response-expires response-cache-control "
        "response-content-disposition response-content-encoding delete lifecycle tagging restore "
        "storageClass notification replication analytics metrics inventory select select-type "
        "object-lock"
    ).split()
)


def string_to_sign(request: HttpRequest, expires: str | None = None) -> str:
    """The SigV2 string to sign; ``expires`` replaces the date for presigned URLs.

    >>> r = HttpRequest("GET", "/b/k", "versionId=3&AWSAccessKeyId=A",
    ...                 {"date": "Thu, 01 Jan 2026 00:00:00 GMT", "x-amz-meta-a": "1"})
    >>> string_to_sign(r)
    'GET\\n\\n\\nThu, 01 Jan 2026 00:00:00 GMT\\nx-amz-meta-a:1\\n/b/k?versionId=3'
    """
    headers = request.headers
    params = request.query_params()
    if expires is not None:
        date = expires
    elif "x-amz-date" in headers:
        date = ""  # x-amz-date is signed among the x-amz headers instead
    else:
        date = headers.get("date", "")
    query = dict(params)
    lines = [
        request.method,
        headers.get("content-md5", query.get("content-md5", "")),
        headers.get("content-type", query.get("content-type", "")),
        date,
    ]
    custom = {k: v for k, v in headers.items() if k.startswith("x-amz-")}
    if expires is not None:
        custom.update({k.lower(): v for k, v in params if k.lower().startswith("x-amz-")})
    lines += [f"{k}:{','.join(p.strip() for p in custom[k].split(','))}" for k in sorted(custom)]
    lines.append(_canonical_resource(request))
    return "\n".join(lines)


def _canonical_resource(request: HttpRequest) -> str:
    from lakestack.gateway.protocols.parser import s3_bucket_from_host

    bucket = s3_bucket_from_host(request.host)
    path = f"/{bucket}{request.raw_path}" if bucket else request.raw_path
    if path.count("/") == 1 and len(path) > 1:
        path += "/"  # a bucket-only resource is always signed as "/bucket/"
    subs = []
    for part in request.query.split("&") if request.query else ():
        name, eq, value = part.partition("=")
        if name in SUBRESOURCES:
            subs.append((name, f"{name}={unquote(value)}" if eq else name))
    if subs:
        path += "?" + "&".join(item for _, item in sorted(subs, key=lambda s: s[0]))
    return path


def signature(secret: str, text: str) -> str:
    """Base64 HMAC-SHA1 of ``text``, as S3 SigV2 signs."""
    return base64.b64encode(hmac.digest(secret.encode(), text.encode(), hashlib.sha1)).decode()
