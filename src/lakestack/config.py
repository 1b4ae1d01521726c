"""One frozen settings object. Environment variables are read here and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

AuthMode = Literal["open", "strict"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True, slots=True)
class Config:
    """lakestack's settings.

    Attributes:
        data_dir: where state lives (objects, metadata, credentials, usage).
        host, port: where ``serve`` listens; port 0 picks a free one.
        auth: ``open`` accepts unknown access keys, ``strict`` refuses them. Binding to
            anything but loopback forces ``strict``. In ``open`` mode an unsigned request
            is AWS's anonymous principal (S3 serves it only what a bucket grants to
            everyone; other services refuse it); ``strict`` refuses unsigned requests.
            Either way header-signed requests more than 15 minutes off the wall clock
            are refused.
        fsync: make acknowledged writes survive power loss (slower).
        time_scale: how fast the clock runs relative to real time.
        hostname: the host name virtual-host style S3 requests are made against
            (``<bucket>.<hostname>``).
        log_requests: log one line per request.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 4566
    auth: AuthMode = "open"
    fsync: bool = False
    time_scale: float = 1.0
    hostname: str = "localhost"
    log_requests: bool = False

    def __post_init__(self) -> None:
        if self.host not in LOOPBACK and self.auth != "strict":
            object.__setattr__(self, "auth", "strict")

    def with_(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Defaults, then ``LAKESTACK_*`` environment variables, then explicit overrides."""
        env = os.environ
        base = cls(
            data_dir=Path(env.get("LAKESTACK_HOME") or Path.home() / ".lakestack"),
            host=env.get("LAKESTACK_HOST", "127.0.0.1"),
            port=int(env.get("LAKESTACK_PORT", "4566")),
            auth="strict" if env.get("LAKESTACK_AUTH") == "strict" else "open",
            fsync=env.get("LAKESTACK_FSYNC", "") in ("1", "true", "yes"),
            time_scale=float(env.get("LAKESTACK_TIME_SCALE", "1")),
            hostname=env.get("LAKESTACK_HOSTNAME", "localhost"),
        )
        if overrides.get("data_dir") is not None:
            overrides["data_dir"] = Path(overrides["data_dir"])
        return base.with_(**overrides)
