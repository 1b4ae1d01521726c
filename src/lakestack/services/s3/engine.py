"""The S3 engine: AWS S3 semantics over blob files and SQLite metadata.

``S3Engine`` composes the resource mixins (buckets, access controls, objects,
multipart, listing, files); each public method is named after the S3 operation,
takes typed values (account, region, then the operation's members) and returns
models from ``models.py``, raising only ``errors.py`` classes. Knows nothing of
HTTP, headers or XML.

On disk, under ``<data_dir>/s3/``: ``blobs/`` (one file per object version or
part, named by a fresh id plus the key's safe extension), ``tmp/`` (in-flight
writes, cleared on open), ``staging/`` (files Spark jobs write, adopted as objects;
cleared on open) and ``meta.sqlite`` (WAL).
"""

from __future__ import annotations

from lakestack.services.s3.buckets import BucketOps
from lakestack.services.s3.controls import AccessOps
from lakestack.services.s3.files import FileOps
from lakestack.services.s3.listing import ListingOps
from lakestack.services.s3.multipart import CompletedPart, MultipartOps
from lakestack.services.s3.objects import ObjectOps

__all__ = ["CompletedPart", "S3Engine"]


class S3Engine(BucketOps, AccessOps, ObjectOps, MultipartOps, ListingOps, FileOps):
    """``S3Engine(data_dir, clock, ids, meter, events, fsync=False)``.

    Thread-safe: metadata goes through one locked SQLite connection; blob writes
    are independent temp files renamed into place.
    """
