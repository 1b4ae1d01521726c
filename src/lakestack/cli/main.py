"""The ``lakestack`` command: serve, status, reset, bill, demo, query, credentials.

Client commands (``status``, ``query``, ``bill``, ``reset``) talk to a running server,
found in this order: ``--endpoint``, ``AWS_ENDPOINT_URL``, the server recorded in the
data dir, ``http://127.0.0.1:4566``. They never start one on their own; ``--embedded``
runs one inside the command. Errors are one line (``--debug`` shows the traceback).

Thin wrappers over ``Emulator`` and the engines; no AWS logic lives here.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from lakestack.cli._client import (
    START_HINT,
    CliError,
    Endpoint,
    error_text,
    health,
    port_holder,
    remove_server_record,
    resolve_endpoint,
    signed_request,
    write_server_record,
)
from lakestack.config import Config
from lakestack.core.datadir_lock import DataDirInUse, DataDirLock

DATA_DIR_HELP = "state directory (default: $LAKESTACK_HOME or ~/.lakestack)"
RESOLUTION = (
    "the server: --endpoint, else $AWS_ENDPOINT_URL, else the server recorded in the data "
    "dir, else http://127.0.0.1:4566"
)


def _add_data_dir(p: argparse.ArgumentParser, text: str = DATA_DIR_HELP) -> None:
    p.add_argument("--data-dir", help=text)


def _add_client_options(p: argparse.ArgumentParser, embedded: str | None = None) -> None:
    p.add_argument("--endpoint", help=RESOLUTION)
    if embedded:
        p.add_argument("--embedded", action="store_true", help=embedded)
    _add_data_dir(p)


def _config(args: argparse.Namespace) -> Config:
    return Config.from_env(data_dir=args.data_dir)


def _resolve(args: argparse.Namespace) -> Endpoint:
    """The endpoint this command uses, announced on stderr."""
    config = _config(args)
    endpoint = resolve_endpoint(args.endpoint, config.data_dir, config.port)
    print(endpoint.announce(), file=sys.stderr, flush=True)
    return endpoint


# -- serve ------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from lakestack.emulator import Emulator

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    data_dir = _config(args).data_dir
    _check_port(args.host, args.port, data_dir)
    created = _first_missing(data_dir)
    try:
        emu = Emulator(
            args.data_dir,
            host=args.host,
            port=args.port,
            auth=args.auth,
            fsync=args.fsync or None,
            log_requests=not args.quiet,
        )
    except DataDirInUse as err:
        _remove_created(created)
        raise CliError(str(err)) from None
    except BaseException:
        _remove_created(created)
        raise
    try:
        emu.start()
    except OSError as err:
        emu.stop()
        _remove_created(created)
        raise CliError(_port_message(args.port, data_dir, err)) from None
    return _serve_until_signalled(emu, args.host)


def _serve_until_signalled(emu: Any, host: str) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    data_dir = emu.config.data_dir
    try:
        write_server_record(data_dir, emu.endpoint_url)
        print(
            f"lakestack serving {emu.endpoint_url}{_listening(host)}  data: {data_dir}  "
            f"auth: {emu.config.auth}  pid: {os.getpid()}",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(3600):
            pass
    finally:
        print("lakestack: shutting down", file=sys.stderr, flush=True)
        try:
            emu.stop()  # stops Glue drivers and jobs, flushes usage, releases the data dir
        finally:
            remove_server_record(data_dir)
        print("lakestack: stopped", file=sys.stderr, flush=True)
    return 0


def _listening(host: str) -> str:
    return "" if host in ("127.0.0.1", "localhost") else f" (listening on {host})"


def _check_port(host: str, port: int, data_dir: Path) -> None:
    """Refuse a busy port before anything is printed or created."""
    if port == 0:
        return
    try:
        probe = socket.create_server((host, port))
    except OSError as err:
        raise CliError(_port_message(port, data_dir, err)) from None
    probe.close()


def _port_message(port: int, data_dir: Path, err: OSError) -> str:
    import errno

    if err.errno != errno.EADDRINUSE:
        return f"cannot listen on port {port}: {err.strerror or err}"
    holder = port_holder(port, data_dir)
    return f"port {port} is in use ({holder})" if holder else f"port {port} is in use"


def _first_missing(path: Path) -> Path | None:
    """The outermost directory of ``path`` that does not exist yet (what serve would make)."""
    path = path.expanduser().absolute()
    missing = None
    while not path.exists():
        missing, path = path, path.parent
        if path == path.parent:
            break
    return missing


def _remove_created(created: Path | None) -> None:
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)


# -- client commands --------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    endpoint = _resolve(args)
    try:
        info = health(endpoint)
    except CliError as err:
        reason = str(err).split("; ")[0]  # no server there, or not lakestack
        print(f"lakestack is not running: {reason}; {START_HINT}")
        return 1
    print(f"lakestack is running at {endpoint.url} (pid {info.get('pid')})")
    data_dir = info.get("data_dir") or endpoint.data_dir
    if data_dir:
        print(f"  data dir: {data_dir}")
    print(f"  auth:     {info.get('auth')}")
    print(f"  services: {', '.join(info.get('services', []))}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    if args.embedded:
        from lakestack.emulator import Emulator

        emu = _embedded(lambda: Emulator(args.data_dir))
        try:
            emu.reset()
        finally:
            emu.stop()
        print(f"reset {emu.config.data_dir}")
        return 0
    endpoint = _resolve(args)
    health(endpoint)
    status, body = signed_request(endpoint, "POST", "reset")
    if status != 200:
        raise CliError(f"reset refused by {endpoint.url}: {error_text(status, body)}")
    print(f"reset the server at {endpoint.url}")
    return 0


def cmd_bill(args: argparse.Namespace) -> int:
    from lakestack.metering import UsageRow
    from lakestack.metering.pricing import format_bill, price_rows

    if args.embedded:
        data_dir, rows = _bill_from_data_dir(_config(args).data_dir)
    else:
        endpoint = _resolve(args)
        health(endpoint)
        status, body = signed_request(endpoint, "GET", "bill")
        if status != 200:
            raise CliError(f"{endpoint.url} did not give its bill: {error_text(status, body)}")
        doc = json.loads(body)
        data_dir, rows = doc["data_dir"], [UsageRow(**row) for row in doc["rows"]]
    if not rows:
        print(f"no usage recorded in {data_dir}")
        return 0
    print(f"What this would have cost on AWS (us-east-1 list prices), data dir {data_dir}:")
    print(format_bill(price_rows(rows)))
    return 0


def _bill_from_data_dir(data_dir: Path) -> tuple[str, list[Any]]:
    from lakestack.core.clock import Clock
    from lakestack.metering import Meter

    path = data_dir / "usage.sqlite"
    if not path.exists():
        return str(data_dir), []
    lock = _embedded(lambda: DataDirLock(data_dir).acquire())
    try:
        meter = Meter(path, Clock())
        try:
            return str(data_dir), meter.rows()
        finally:
            meter.close()
    finally:
        lock.release()


def _embedded(open_it: Any) -> Any:
    """Open the data dir in this process; a server already on it is named, not raced."""
    try:
        return open_it()
    except DataDirInUse as err:
        raise CliError(f"{err}; drop --embedded to ask that server") from None


def cmd_demo(args: argparse.Namespace) -> int:
    from lakestack.cli.demo import run_demo

    return run_demo(Path(args.data_dir) if args.data_dir else None, days=args.days)


def cmd_query(args: argparse.Namespace) -> int:
    from lakestack.cli.query import default_output, print_result, run_query

    def run(url: str) -> int:
        import boto3
        from botocore.config import Config as BotoConfig

        def client(service: str) -> Any:
            return boto3.client(
                service,
                endpoint_url=url,
                region_name=args.region,
                aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "test",
                aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "test",
                aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
                config=BotoConfig(retries={"max_attempts": 1}),
            )

        athena = client("athena")
        output = args.output or default_output(athena, client("s3"), args.workgroup)
        execution = run_query(
            athena, args.sql, args.database, args.workgroup, output, spinner=sys.stderr.isatty()
        )
        return print_result(athena, execution)

    if args.embedded:
        from lakestack.emulator import Emulator

        emu = _embedded(lambda: Emulator(args.data_dir, port=0))
        with emu.start():
            print(
                f"lakestack: using an embedded endpoint on {emu.config.data_dir} (--embedded)",
                file=sys.stderr,
                flush=True,
            )
            return run(emu.endpoint_url)
    endpoint = _resolve(args)
    _require_reachable(endpoint)
    return run(endpoint.url)


def _require_reachable(endpoint: Endpoint) -> None:
    """Fail in one line when nothing listens there (an AWS endpoint need not be ours)."""
    try:
        health(endpoint)
    except CliError as err:
        if "is not lakestack" not in str(err):
            raise


def cmd_credentials(args: argparse.Namespace) -> int:
    from lakestack.core.credentials import CredentialStore

    store = CredentialStore(_config(args).data_dir / "credentials.json")
    if args.action == "add":
        if not args.access_key_id or not args.secret:
            raise CliError("usage: lakestack credentials add ACCESS_KEY_ID SECRET [--account ID]")
        cred = store.add(args.access_key_id, args.secret, args.account)
        print(f"added {cred.access_key_id} (account {store.account_for(cred.access_key_id)})")
    else:
        for cred in store.list():
            print(f"{cred.access_key_id}\taccount {store.account_for(cred.access_key_id)}")
    return 0


# -- the parser -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = argparse.ArgumentParser(
        prog="lakestack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, text: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common], **kwargs)

    p = add("serve", "run the endpoint (every service on one port)")
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

    p = add("status", "is a server running, and where?")
    _add_client_options(p)
    p.set_defaults(func=cmd_status)

    p = add("reset", "forget every resource and all usage of the running server")
    _add_client_options(p, embedded="reset the data dir in this process (no server running)")
    p.set_defaults(func=cmd_reset)

    p = add("bill", "what everything the running server has seen would cost on AWS")
    _add_client_options(p, embedded="read the data dir's usage in this process (no server)")
    p.set_defaults(func=cmd_bill)

    p = add("demo", "run the data-lake pipeline demo end to end on an embedded endpoint")
    p.add_argument("--days", type=int, default=3)
    _add_data_dir(
        p,
        "state directory to keep (default: a fresh temporary directory, removed when the "
        "demo ends; $LAKESTACK_HOME is not used)",
    )
    p.set_defaults(func=cmd_demo)

    p = add("query", "run one Athena query: rows, bytes scanned and cost")
    p.add_argument("sql")
    p.add_argument("--database", "-d")
    p.add_argument("--workgroup", "-w", default="primary")
    p.add_argument(
        "--output",
        help="result location s3://bucket/prefix/ (default: the "
        "work group's, else s3://lakestack-query-results/)",
    )
    p.add_argument("--region", default="us-east-1")
    _add_client_options(p, embedded="run an endpoint on the data dir inside this command")
    p.set_defaults(func=cmd_query)

    p = add("credentials", "list or add access keys (strict auth)")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("access_key_id", nargs="?")
    p.add_argument("secret", nargs="?")
    p.add_argument("--account", help="12-digit account id for this key")
    _add_data_dir(p)
    p.set_defaults(func=cmd_credentials)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return int(args.func(args))
    except CliError as err:
        if debug:
            traceback.print_exc()
        print(f"lakestack: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 - one line for the user; --debug has the rest
        if debug:
            traceback.print_exc()
        print(f"lakestack: error: {_one_line(err)}", file=sys.stderr)
        return 1


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 300 else text[:297] + "..."


if __name__ == "__main__":
    sys.exit(main())
