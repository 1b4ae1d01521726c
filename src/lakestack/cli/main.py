"""The ``lakestack`` command: serve, status, reset, bill, demo, credentials.

Thin wrappers over ``Emulator`` and the engines; no AWS logic lives here.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

from lakestack.config import Config


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", help="state directory (default: $LAKESTACK_HOME or ~/.lakestack)")


def _endpoint(args: argparse.Namespace) -> str:
    return args.endpoint or f"http://127.0.0.1:{Config.from_env().port}"


def cmd_serve(args: argparse.Namespace) -> int:
    from lakestack.emulator import Emulator

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    emu = Emulator(
        args.data_dir,
        host=args.host,
        port=args.port,
        auth=args.auth,
        fsync=args.fsync or None,
        log_requests=not args.quiet,
    )
    mode = emu.config.auth
    print(
        f"lakestack serving http://{args.host}:{args.port}  data: {emu.config.data_dir}  "
        f"auth: {mode}",
        file=sys.stderr,
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # stop cleanly: flush usage, close stores
    try:
        emu.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_status(args: argparse.Namespace) -> int:
    url = _endpoint(args) + "/_lakestack/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            info = json.load(resp)
    except (urllib.error.URLError, OSError):
        print(f"lakestack is not running at {_endpoint(args)}")
        return 1
    print(f"lakestack is running at {_endpoint(args)} (pid {info['pid']})")
    print(f"  data dir: {info['data_dir']}\n  auth:     {info['auth']}")
    print(f"  services: {', '.join(info['services'])}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    req = urllib.request.Request(_endpoint(args) + "/_lakestack/reset", method="POST", data=b"")
    try:
        with urllib.request.urlopen(req, timeout=10):
            print(f"reset the running endpoint at {_endpoint(args)}")
            return 0
    except (urllib.error.URLError, OSError):
        pass
    from lakestack.emulator import Emulator

    emu = Emulator(args.data_dir)
    emu.reset()
    emu.stop()
    print(f"reset {emu.config.data_dir}")
    return 0


def cmd_bill(args: argparse.Namespace) -> int:
    from lakestack.metering import Meter
    from lakestack.metering.pricing import format_bill, price_rows

    config = Config.from_env(data_dir=args.data_dir)
    path = config.data_dir / "usage.sqlite"
    if not path.exists():
        print(f"no usage recorded in {config.data_dir}")
        return 0
    from lakestack.core.clock import Clock

    meter = Meter(path, Clock())
    print(f"What this would have cost on AWS (us-east-1 list prices), data dir {config.data_dir}:")
    print(format_bill(price_rows(meter.rows())))
    meter.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from lakestack.cli.demo import run_demo

    return run_demo(Path(args.data_dir) if args.data_dir else None, days=args.days)


def cmd_query(args: argparse.Namespace) -> int:
    from lakestack.cli.query import default_output, print_result, run_query

    def run(endpoint: str) -> int:
        import boto3

        def client(service: str) -> object:
            return boto3.client(
                service,
                endpoint_url=endpoint,
                region_name=args.region,
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )

        athena = client("athena")
        output = args.output or default_output(athena, client("s3"), args.workgroup)
        execution = run_query(
            athena, args.sql, args.database, args.workgroup, output, spinner=sys.stderr.isatty()
        )
        return print_result(athena, execution)

    if args.endpoint or _running(_endpoint(args)):
        return run(_endpoint(args))
    from lakestack.emulator import Emulator

    with Emulator(args.data_dir, port=0) as emu:
        return run(emu.endpoint_url)


def _running(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint + "/_lakestack/health", timeout=1).close()
        return True
    except (urllib.error.URLError, OSError):
        return False


def cmd_credentials(args: argparse.Namespace) -> int:
    from lakestack.core.credentials import CredentialStore

    config = Config.from_env(data_dir=args.data_dir)
    store = CredentialStore(config.data_dir / "credentials.json")
    if args.action == "add":
        if not args.access_key_id or not args.secret:
            print("usage: lakestack credentials add ACCESS_KEY_ID SECRET [--account ID]")
            return 2
        cred = store.add(args.access_key_id, args.secret, args.account)
        print(f"added {cred.access_key_id} (account {store.account_for(cred.access_key_id)})")
    else:
        for cred in store.list():
            print(f"{cred.access_key_id}\taccount {store.account_for(cred.access_key_id)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lakestack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the endpoint (every service on one port)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=4566)
    p.add_argument(
        "--auth",
        choices=["open", "strict"],
        default=None,
        help="open: any access key works (default on loopback); strict: only "
        "known keys (forced off loopback)",
    )
    p.add_argument("--fsync", action="store_true", help="fsync every acknowledged write")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    _add_data_dir(p)
    p.set_defaults(func=cmd_serve)

    for name, func, text in (
        ("status", cmd_status, "is an endpoint running?"),
        ("reset", cmd_reset, "forget all resources and usage"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--endpoint", help="default http://127.0.0.1:4566")
        _add_data_dir(p)
        p.set_defaults(func=func)

    p = sub.add_parser("bill", help="what everything the data dir has seen would cost on AWS")
    _add_data_dir(p)
    p.set_defaults(func=cmd_bill)

    p = sub.add_parser("demo", help="run the data-lake pipeline demo end to end")
    p.add_argument("--days", type=int, default=3)
    _add_data_dir(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("query", help="run one Athena query: rows, bytes scanned and cost")
    p.add_argument("sql")
    p.add_argument("--database", "-d")
    p.add_argument("--workgroup", "-w", default="primary")
    p.add_argument(
        "--output",
        help="result location s3://bucket/prefix/ (default: the "
        "work group's, else s3://lakestack-athena-results/)",
    )
    p.add_argument("--region", default="us-east-1")
    p.add_argument(
        "--endpoint",
        help="a running endpoint (default: 127.0.0.1:4566 if "
        "running, else an embedded one on the data dir)",
    )
    _add_data_dir(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("credentials", help="list or add access keys (strict auth)")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("access_key_id", nargs="?")
    p.add_argument("secret", nargs="?")
    p.add_argument("--account", help="12-digit account id for this key")
    _add_data_dir(p)
    p.set_defaults(func=cmd_credentials)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
