"""``awsglue.utils``: ``getResolvedOptions`` and ``GlueArgumentError``, parsing a Glue
script's ``sys.argv`` exactly as upstream ``awslabs/aws-glue-libs`` does.

The rules (upstream ``awsglue/utils.py``; summarised in the Glue docs,
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html):

- ``argv[1:]`` is parsed with argparse; arguments nobody asked for are ignored.
- Each requested name ``X`` must be given as ``--X``; a missing one raises
  :class:`GlueArgumentError` with argparse's message
  (``the following arguments are required: --X``).
- The result always holds ``job_bookmark_option`` (``job-bookmark-disable`` unless given;
  the legacy ``--continuation-option`` maps onto it), ``job_bookmark_from``,
  ``job_bookmark_to``, ``JOB_ID``, ``JOB_RUN_ID``, ``SECURITY_CONFIGURATION``,
  ``encryption_type``, ``enable_data_lineage``, ``TempDir`` and ``RedshiftTempDir``
  (each of the last two copied from the other when only one is given).
- Asking for a name Glue reserves raises ``RuntimeError("Using reserved arguments ...")``.
- ``job-bookmark-pause`` needs both or neither of ``--job-bookmark-from``/``--job-bookmark-to``;
  any other bookmark option must not come with both.

Names stay camelCase as upstream's (STYLE.md section 9). Knows nothing of lakestack.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["GlueArgumentError", "GlueArgumentParser", "getResolvedOptions"]

# Option tables as upstream's ``awsglue.job.Job`` class methods hold them: the option,
# then its allowed values in a fixed order (continuation values map by position).
_BOOKMARK = (
    "--job-bookmark-option",
    "job-bookmark-enable",
    "job-bookmark-pause",
    "job-bookmark-disable",
)
_CONTINUATION = (
    "--continuation-option",
    "continuation-enabled",
    "continuation-readonly",
    "continuation-ignore",
)
_BOOKMARK_RANGE = ("--job-bookmark-from", "--job-bookmark-to")
_ID_PARAMS = ("--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION")
_ENCRYPTION = ("--encryption-type", "sse-s3")
_DATA_LINEAGE = "--enable-data-lineage"
_TEMP_DIRS = ("RedshiftTempDir", "TempDir")
_PAUSE = "job-bookmark-pause"
_DISABLE = "job-bookmark-disable"

_global_args: dict[str, Any] = {}
"""Every option resolved so far in this process (upstream keeps the same module global)."""


class GlueArgumentError(Exception):
    """A Glue script's arguments do not parse (argparse's message as the text)."""


class GlueArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises :class:`GlueArgumentError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise GlueArgumentError(message)


def _bare(option: str) -> str:
    """An option without its leading dashes, as a script would name it.

    >>> _bare("--JOB_ID")
    'JOB_ID'
    """
    return option.lstrip("-")


def _reserve(options: Sequence[str], name: str, shown: str) -> None:
    if name in options:
        raise RuntimeError("Using reserved arguments " + shown)


def _build_parser(options: Sequence[str]) -> GlueArgumentParser:
    """The parser for ``options``, after refusing the names Glue reserves."""
    parser = GlueArgumentParser(allow_abbrev=False)
    # Upstream names these two without dashes in the error, the others with them.
    _reserve(options, _bare(_CONTINUATION[0]), _bare(_CONTINUATION[0]))
    _reserve(options, _bare(_BOOKMARK[0]), _bare(_BOOKMARK[0]))
    parser.add_argument(_BOOKMARK[0], choices=_BOOKMARK[1:], required=False)
    parser.add_argument(_CONTINUATION[0], choices=_CONTINUATION[1:], required=False)
    for option in (*_BOOKMARK_RANGE, *_ID_PARAMS):
        _reserve(options, _bare(option), option)
        parser.add_argument(option, required=False)
    _reserve(options, _bare(_ENCRYPTION[0]), _ENCRYPTION[0])
    parser.add_argument(_ENCRYPTION[0], choices=_ENCRYPTION[1:])
    _reserve(options, _bare(_DATA_LINEAGE), _DATA_LINEAGE)
    parser.add_argument(_DATA_LINEAGE, required=False)
    # TempDir and RedshiftTempDir are never required, even when asked for.
    for name in _TEMP_DIRS:
        parser.add_argument("--" + name, required=False)
    for option in options:
        if option not in _TEMP_DIRS:
            parser.add_argument("--" + option, required=True)
    return parser


def _bookmark_option(resolved: dict[str, Any]) -> str:
    """``--job-bookmark-option`` if given, else the legacy ``--continuation-option``
    translated by position, else ``job-bookmark-disable``.

    >>> _bookmark_option({"continuation_option": "continuation-readonly"})
    'job-bookmark-pause'
    """
    continuation = resolved.pop("continuation_option", None)
    if resolved.get("job_bookmark_option") is not None:
        return str(resolved["job_bookmark_option"])
    if continuation is None:
        return _DISABLE
    return _BOOKMARK[_CONTINUATION.index(continuation)]


def _check_bookmark_range(resolved: dict[str, Any]) -> None:
    absent = [o for o in _BOOKMARK_RANGE if resolved.get(_bare(o).replace("-", "_")) is None]
    if resolved["job_bookmark_option"] == _PAUSE:
        if len(absent) == 1:
            raise RuntimeError("Missing option or value for " + absent[0])
    elif not absent:
        # Upstream's text, without a space after "(s)".
        raise RuntimeError("Invalid option(s)" + " ".join(_BOOKMARK_RANGE))


def getResolvedOptions(args: Sequence[str], options: Sequence[str]) -> dict[str, Any]:  # noqa: N802 - upstream name
    """The values of ``options`` (names without ``--``) in ``args`` (``sys.argv``), plus
    Glue's always-present keys.

    Args:
        args: the script's argv; ``args[0]`` (the script) is skipped.
        options: the names the script needs, e.g. ``["JOB_NAME", "bucket"]``.

    Returns:
        A dict keyed by argparse dest (``-`` becomes ``_``); values are strings or ``None``.

    Raises:
        GlueArgumentError: a requested option is missing, or a value is not allowed.
        RuntimeError: a reserved name was requested, or the bookmark range is inconsistent.

    >>> r = getResolvedOptions(["job.py", "--JOB_NAME", "j", "--other", "x"], ["JOB_NAME"])
    >>> r["JOB_NAME"], r["job_bookmark_option"], r["TempDir"], "other" in r
    ('j', 'job-bookmark-disable', None, False)
    """
    parser = _build_parser(options)
    parsed, _extra = parser.parse_known_args(list(args[1:]))
    resolved = vars(parsed)
    if resolved.get("TempDir") is not None:
        resolved["RedshiftTempDir"] = resolved["TempDir"]
    elif resolved.get("RedshiftTempDir") is not None:
        resolved["TempDir"] = resolved["RedshiftTempDir"]
    resolved["job_bookmark_option"] = _bookmark_option(resolved)
    _check_bookmark_range(resolved)
    _global_args.update(resolved)
    return resolved
