"""A warm Glue driver: one process holding a started SparkSession that runs job scripts
one after another, so only the first run of a job pays for starting the JVM.

lakestack's job engine starts it as ``python -m awsglue._runner [--master URL]`` and
speaks JSON lines: the runner answers ``{"ready": true}`` once Spark is up, then reads
one request per line from stdin::

    {"run_id", "script", "argv", "cwd", "stdout", "stderr", "env"}

and answers ``{"run_id", "ok", "error"}`` when the script ends. During a run the
process's file descriptors 1 and 2 point at the run's log files, so Python's output and
the JVM's (Spark's log) both land there. The script runs as ``__main__`` with that
``sys.argv``; ``SparkContext()`` returns the warm context, and ``stop()`` on it or on
the session is a no-op until the run ends. Each run gets a fresh SQL session (its own
temporary views and SQL settings) over the shared context.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import traceback
import warnings
from contextlib import contextmanager
from typing import Any

warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="awsglue._runner")
    parser.add_argument("--master", default=None)
    options = parser.parse_args(argv)
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray output between runs must not corrupt the reply channel
    try:
        from awsglue import _catalog_sql, _s3paths, _spark

        session = _spark.spark_session(options.master)
        _s3paths.install()  # plain spark.read/df.write of s3:// paths work too
        _catalog_sql.install()  # spark.sql over the Data Catalog (--enable-glue-datacatalog)
        session.sparkContext.setLogLevel("WARN")
    except Exception as exc:  # noqa: BLE001 - reported to the engine, then exit
        _reply(replies, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _reply(replies, {"ready": True, "spark": session.version})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        ok, error = run(session, request)
        _reply(replies, {"run_id": request.get("run_id"), "ok": ok, "error": error})
    return 0


def run(base_session: Any, request: dict[str, Any]) -> tuple[bool, str | None]:
    """Run one script; ``(ok, error message)``."""
    with (
        _logs_to(request["stdout"], request["stderr"]),
        _environment(request),
        _warm_spark(base_session),
    ):
        try:
            runpy.run_path(request["script"], run_name="__main__")
            return True, None
        except SystemExit as exc:
            if exc.code in (None, 0):
                return True, None
            traceback.print_exc()
            return False, f"SystemExit: {exc.code}"
        except BaseException as exc:  # noqa: BLE001 - the script's failure is the run's
            traceback.print_exc()
            return False, _error_message(exc)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()


def _error_message(exc: BaseException) -> str:
    """Glue's ErrorMessage shape: ``<ExceptionType>: <message>``.

    >>> _error_message(ValueError("boom"))
    'ValueError: boom'
    """
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


@contextmanager
def _logs_to(stdout: str, stderr: str) -> Any:
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    out = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    err = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.close(out)
    os.close(err)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


@contextmanager
def _environment(request: dict[str, Any]) -> Any:
    saved_env = dict(os.environ)
    saved_argv, saved_cwd, saved_path = list(sys.argv), os.getcwd(), list(sys.path)
    saved_modules = set(sys.modules)
    os.environ.update(request.get("env") or {})
    sys.argv = list(request["argv"])
    os.chdir(request["cwd"])
    sys.path[:0] = [os.path.dirname(os.path.abspath(request["script"]))] + list(
        request.get("python_path") or []
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv, sys.path = saved_argv, saved_path
        os.chdir(saved_cwd)
        script_dir = os.path.dirname(os.path.abspath(request["script"])) + os.sep
        for name in set(sys.modules) - saved_modules:  # the script's own helper modules
            path = getattr(sys.modules.get(name), "__file__", None) or ""
            if path.startswith(script_dir):
                sys.modules.pop(name, None)


@contextmanager
def _warm_spark(base_session: Any) -> Any:
    """``SparkContext()`` and ``SparkSession.builder.getOrCreate()`` give the warm
    context and a fresh session on it; ``stop()`` does nothing during the run."""
    import pyspark
    import pyspark.context
    from pyspark.sql import SparkSession

    from awsglue import _spark

    context_class = pyspark.context.SparkContext
    warm = context_class._active_spark_context  # noqa: SLF001 - the running context

    class WarmSparkContext(context_class):  # type: ignore[misc, valid-type]
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return warm

    session = base_session.newSession()
    _spark.apply_session_conf(session)
    saved = (
        SparkSession._instantiatedSession,  # noqa: SLF001
        SparkSession._activeSession,  # noqa: SLF001
    )
    SparkSession._instantiatedSession = session  # noqa: SLF001
    SparkSession._activeSession = session  # noqa: SLF001
    session._jvm.SparkSession.setActiveSession(session._jsparkSession)  # noqa: SLF001
    session._jvm.SparkSession.setDefaultSession(session._jsparkSession)  # noqa: SLF001
    stops = (context_class.stop, SparkSession.stop)
    context_class.stop = lambda self: None  # type: ignore[method-assign]
    SparkSession.stop = lambda self: None  # type: ignore[method-assign]
    pyspark.SparkContext = pyspark.context.SparkContext = WarmSparkContext  # type: ignore[misc]
    try:
        yield
    finally:
        pyspark.SparkContext = pyspark.context.SparkContext = context_class  # type: ignore[misc]
        context_class.stop, SparkSession.stop = stops  # type: ignore[method-assign]
        session.catalog.clearCache()
        SparkSession._instantiatedSession, SparkSession._activeSession = saved  # noqa: SLF001
        base_session._jvm.SparkSession.setActiveSession(base_session._jsparkSession)  # noqa: SLF001
        base_session._jvm.SparkSession.setDefaultSession(base_session._jsparkSession)  # noqa: SLF001


def _reply(stream: Any, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


if __name__ == "__main__":
    sys.exit(main())
