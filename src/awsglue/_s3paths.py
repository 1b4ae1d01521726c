"""Plain Spark reads and writes of ``s3://`` paths (``spark.read.parquet("s3://...")``,
``df.write.mode("overwrite").parquet("s3://...")``) inside Glue scripts.

On Glue, Spark reaches S3 through EMRFS. Here the DataFrame reader and writer methods
are wrapped: an ``s3://`` path to read becomes a tree of links to the objects' files
(Spark then lists and partition-discovers it as it would the S3 prefix); a write goes
to a staging directory whose files become objects afterwards, with Spark's save modes
applied to what is in S3 (``errorifexists`` by default, ``append``, ``overwrite``,
``ignore``). Other schemes pass through untouched. ``install()`` is idempotent.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Callable
from typing import Any

from awsglue import _io
from awsglue._lake import Lake, directory_prefix, split_s3_uri

_SCHEMES = ("s3://", "s3a://", "s3n://")
_GLOB = re.compile(r"[*?\[{]")
_READERS = ("load", "parquet", "json", "csv", "orc", "text")
_WRITERS = ("save", "parquet", "json", "csv", "orc", "text")
_installed = False


def is_s3(path: Any) -> bool:
    """
    >>> is_s3("s3://b/k"), is_s3("/tmp/x"), is_s3(["s3a://b/k"])
    (True, False, False)
    """
    return isinstance(path, str) and path.startswith(_SCHEMES)


def local_read_path(lake: Lake, uri: str) -> str:
    """The local path Spark should read for ``uri``: one object's link, or the root of
    a link tree mirroring the prefix (a glob's fixed part is mirrored, the rest kept).

    Raises:
        AnalysisException: nothing under ``uri`` (Spark's PATH_NOT_FOUND).
    """
    from pyspark.errors import AnalysisException

    bucket, key = split_s3_uri(uri)
    glob = _GLOB.search(key)
    fixed = key[: key.rfind("/", 0, glob.start()) + 1] if glob else key
    rest = key[len(fixed) :]
    files, base = lake.objects_at(f"s3://{bucket}/{fixed}")
    if not files:
        raise AnalysisException(message=f"[PATH_NOT_FOUND] Path does not exist: {uri}.")
    root = lake.staging_dir()
    links = _io.link_tree(root, [_io.Group([], [(f.key[len(base) :], f) for f in files])])
    if base != directory_prefix(fixed):  # the path names one object: read its link
        return links[0]
    return os.path.join(root, rest) if rest else root


def _map_paths(lake: Lake, value: Any) -> Any:
    if is_s3(value):
        return local_read_path(lake, value)
    if isinstance(value, list | tuple) and any(is_s3(v) for v in value):
        return type(value)(local_read_path(lake, v) if is_s3(v) else v for v in value)
    return value


def _wrap_reader(method: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)

    @functools.wraps(method)
    def read(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        names = [n for n in ("path", "paths") if n in bound.arguments]
        if not any(_mentions_s3(bound.arguments[n]) for n in names):
            return method(self, *args, **kwargs)
        lake = Lake()
        for name in names:
            bound.arguments[name] = _map_paths(lake, bound.arguments[name])
        return method(*bound.args, **bound.kwargs)

    return read


def _mentions_s3(value: Any) -> bool:
    return is_s3(value) or (isinstance(value, list | tuple) and any(is_s3(v) for v in value))


def _wrap_writer(method: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        path = bound.arguments.get("path")
        if not isinstance(path, str) or not is_s3(path):
            return method(self, *args, **kwargs)
        mode = bound.arguments.get("mode") or getattr(self, "_lakestack_mode", None)
        mode = (mode or "errorifexists").lower()
        lake = Lake()
        existing = lake.files(path)
        if existing and mode in ("error", "errorifexists", "default"):
            from pyspark.errors import AnalysisException

            raise AnalysisException(
                message=f"[PATH_ALREADY_EXISTS] Path {path} already exists. "
                'Set mode as "overwrite" to overwrite the existing path.'
            )
        if existing and mode == "ignore":
            return None
        target = os.path.join(lake.staging_dir(), "out")
        bound.arguments["path"] = target
        if "mode" in bound.arguments:
            bound.arguments["mode"] = "overwrite"
        method(*bound.args, **bound.kwargs)
        if mode == "overwrite" and existing:
            _delete(path, [f.key for f in existing])
        lake.adopt(target, path)
        return None

    return write


def _delete(uri: str, keys: list[str]) -> None:
    import boto3

    bucket, _ = split_s3_uri(uri)
    s3 = boto3.client("s3")
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def install() -> None:
    """Wrap pyspark's DataFrameReader/DataFrameWriter path methods (once)."""
    global _installed
    if _installed:
        return
    from pyspark.sql.readwriter import DataFrameReader, DataFrameWriter

    for name in _READERS:
        setattr(DataFrameReader, name, _wrap_reader(getattr(DataFrameReader, name)))
    for name in _WRITERS:
        setattr(DataFrameWriter, name, _wrap_writer(getattr(DataFrameWriter, name)))
    original_mode = DataFrameWriter.mode

    @functools.wraps(original_mode)
    def mode(self: Any, saveMode: str | None) -> Any:  # noqa: N803 - pyspark's name
        self._lakestack_mode = saveMode
        return original_mode(self, saveMode)

    DataFrameWriter.mode = mode  # type: ignore[method-assign]
    _installed = True
