"""Direct file access for engines that read and write object bytes themselves (Spark
jobs): the files behind a prefix, and whole staged files adopted as new objects.

Reads hand out the paths of the blob files (no copy, nothing through HTTP). Writes go
to a staging directory on the store's file system and are then *adopted*: each file
is renamed into the blob store and committed like a PutObject (ETag = MD5, events,
request metering), so it shows in listings at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from lakestack.core.storage import suffix_for
from lakestack.services.s3.access import object_owner
from lakestack.services.s3.base import EngineBase, Ingested
from lakestack.services.s3.errors import InvalidRequest
from lakestack.services.s3.listing import successor
from lakestack.services.s3.models import ObjectVersion
from lakestack.services.s3.rules import validate_key

_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class ObjectFile:
    """An object's key, size, ETag, last-modified time (epoch seconds) and bytes' path."""

    key: str
    size: int
    etag: str
    last_modified: float
    path: str


class FileOps(EngineBase):
    def object_files(self, bucket: str, prefix: str = "") -> list[ObjectFile]:
        """Every current object under ``prefix`` (key order), with the path of its bytes.

        Raises:
            NoSuchBucket.
        """
        self._bucket(bucket)
        lower = prefix.encode()
        upper = successor(lower) if lower else None
        out: list[ObjectFile] = []
        inclusive = True
        while True:
            page = self._store.visible_after(bucket, lower, inclusive, upper, _PAGE)
            out += [_file(v) for v in page if v.blob]
            if len(page) < _PAGE:
                return out
            lower, inclusive = page[-1].key.encode(), False

    def staging_dir(self) -> str:
        """A new directory whose files :meth:`adopt_files` can turn into objects."""
        return self._blobs.staging_dir()

    def is_staged(self, path: str) -> bool:
        """Whether ``path`` lies inside a directory :meth:`staging_dir` handed out."""
        return self._blobs.is_staged(path)

    def adopt_files(
        self, account: str, region: str, bucket: str, files: list[tuple[str, str]]
    ) -> list[ObjectVersion]:
        """Turn staged files into objects: ``files`` is ``[(key, staged path)]``.

        Each file is moved (not copied) into the store and committed as a PutObject
        would be (ETag = MD5, ``ObjectCreated:Put`` event, a Tier-1 request billed).

        Raises:
            NoSuchBucket, KeyTooLongError, InvalidRequest (a path outside staging).
        """
        b = self._bucket(bucket)
        for key, path in files:
            validate_key(key)
            if not self._blobs.is_staged(path):
                raise InvalidRequest(f"{path} is not inside a lakestack staging directory")
        state = self._access_state(bucket)
        owner = object_owner(state, account, None) if state is not None else account
        out = []
        for key, path in files:
            self._bill("PutObject", account, region, bucket)
            size = os.path.getsize(path)
            blob, md5 = self._blobs.adopt(path, suffix_for(key))
            v = self._new_version(bucket, key, owner, size=size, etag=f'"{md5.hex()}"')
            data = Ingested(blob, size, md5.hex(), None)
            out.append(
                self._commit(
                    account, region, b.versioning, v, data, None, None, "ObjectCreated:Put"
                )
            )
        return out


def _file(v: ObjectVersion) -> ObjectFile:
    assert v.blob is not None
    return ObjectFile(v.key, v.size, v.etag, v.last_modified, v.blob)
