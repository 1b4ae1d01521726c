"""Calling lakestack's internal routes (``/_lakestack/<route>``) from tests, signed as the
endpoint requires: SigV4 with the signing name ``lakestack``, as the Glue runner and the
CLI sign them.

>>> from lakestack.emulator import Emulator
>>> with Emulator(temporary=True, port=0) as emu:
...     internal_request(emu.endpoint_url, "reset")
(200, {'reset': True})
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

SIGNING_NAME = "lakestack"


def signed_headers(
    url: str,
    method: str = "POST",
    body: bytes = b"",
    *,
    access_key_id: str = "test",
    secret_access_key: str = "test",
    session_token: str | None = None,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers of ``method url`` with ``body``, SigV4-signed for the internal routes."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    credentials = Credentials(access_key_id, secret_access_key, session_token)
    SigV4Auth(credentials, SIGNING_NAME, region).add_auth(request)
    return dict(request.headers.items())


def internal_request(
    endpoint: str,
    route: str,
    body: Any = None,
    *,
    method: str = "POST",
    sign: bool = True,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    **credentials: Any,
) -> tuple[int, Any]:
    """``method /_lakestack/<route>`` with a JSON ``body`` (or ``raw`` bytes); returns the
    status and the decoded JSON answer (``None`` when the answer is not JSON).

    ``sign=False`` sends it unsigned; ``credentials`` go to :func:`signed_headers`.
    """
    url = f"{endpoint.rstrip('/')}/_lakestack/{route}"
    if raw is not None:
        data = raw
    elif body is not None:
        data = json.dumps(body).encode()
    else:
        data = b""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if sign:
        sent = signed_headers(url, method, data, headers=sent, **credentials)
    request = urllib.request.Request(url, data=data or None, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, None
