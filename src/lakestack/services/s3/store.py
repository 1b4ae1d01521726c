"""S3 metadata in SQLite (WAL): buckets, bucket configurations, object versions,
multipart uploads and parts.

Owns the schema and the row <-> model mapping (JSON columns through ``core.sqlite``'s
row codec). Keys are stored as BLOB (UTF-8
bytes) so ``ORDER BY key`` is S3's UTF-8 binary order and range seeks are memcmp.
One connection guarded by one lock (measured faster than a connection per thread
for this workload). Knows nothing of blob files beyond the relative path column,
and nothing of S3 rules: the engine decides, the store records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lakestack.core.sqlite import SqliteDatabase, dumps, loads
from lakestack.services.s3.models import (
    Bucket,
    Checksum,
    MultipartUpload,
    ObjectMetadata,
    ObjectVersion,
    Part,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets(
  name TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,
  created REAL NOT NULL, versioning TEXT);
CREATE TABLE IF NOT EXISTS bucket_configs(
  bucket TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(bucket, kind));
CREATE TABLE IF NOT EXISTS objects(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key BLOB NOT NULL,
  version_id TEXT NOT NULL, is_latest INTEGER NOT NULL, is_delete_marker INTEGER NOT NULL,
  size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL, blob TEXT,
  meta TEXT, checksum TEXT, tags TEXT, storage_class TEXT NOT NULL, parts INTEGER,
  owner TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS objects_key ON objects(bucket, key, seq);
CREATE INDEX IF NOT EXISTS objects_visible ON objects(bucket, key)
  WHERE is_latest = 1 AND is_delete_marker = 0;
CREATE TABLE IF NOT EXISTS uploads(
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL,
  initiated REAL NOT NULL, account TEXT NOT NULL, meta TEXT, checksum_algorithm TEXT,
  checksum_type TEXT, storage_class TEXT NOT NULL, tags TEXT);
CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key, initiated);
CREATE TABLE IF NOT EXISTS parts(
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified REAL NOT NULL, blob TEXT NOT NULL, checksum TEXT,
  PRIMARY KEY(upload_id, part_number));
"""

_OBJ_COLS = (
    "seq, bucket, key, version_id, is_latest, is_delete_marker, size, etag, "
    "last_modified, blob, meta, checksum, tags, storage_class, parts, owner"
)


def _meta_dump(m: ObjectMetadata) -> str | None:
    d = {k: getattr(m, k) for k in m.__slots__ if getattr(m, k)}
    return dumps(d) if d else None


def _meta_load(text: str | None) -> ObjectMetadata:
    if not text:
        return ObjectMetadata()
    fields = loads(text)
    if "acl" in fields:  # JSON keeps the grant tuples as lists
        fields["acl"] = [tuple(g) for g in fields["acl"]]
    if "encryption" in fields:
        fields["encryption"] = tuple(fields["encryption"])
    return ObjectMetadata(**fields)


def _cs_dump(c: Checksum | None) -> str | None:
    return f"{c.algorithm}|{c.type}|{c.value}" if c else None


def _cs_load(text: str | None) -> Checksum | None:
    if not text:
        return None
    algorithm, type_, value = text.split("|", 2)
    return Checksum(algorithm, value, type_)


class S3Store(SqliteDatabase):
    """The metadata database of one S3 data directory."""

    def __init__(self, path: Path, durable: bool = False) -> None:
        super().__init__(path, _SCHEMA, durable)
        self.blob_root = ""

    # -- buckets ---------------------------------------------------------------

    def get_bucket(self, name: str) -> Bucket | None:
        rows = self.query(
            "SELECT name, account, region, created, versioning FROM buckets WHERE name = ?", (name,)
        )
        return Bucket(*rows[0]) if rows else None

    def list_buckets(self, account: str) -> list[Bucket]:
        rows = self.query(
            "SELECT name, account, region, created, versioning FROM buckets "
            "WHERE account = ? ORDER BY name",
            (account,),
        )
        return [Bucket(*r) for r in rows]

    def all_buckets(self) -> list[Bucket]:
        rows = self.query(
            "SELECT name, account, region, created, versioning FROM buckets ORDER BY name"
        )
        return [Bucket(*r) for r in rows]

    def insert_bucket(self, b: Bucket, configs: dict[str, Any] | None = None) -> None:
        """A new bucket with its initial configurations, in one transaction."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO buckets VALUES (?, ?, ?, ?, ?)",
                (b.name, b.account, b.region, b.created, b.versioning),
            )
            c.executemany(
                "INSERT OR REPLACE INTO bucket_configs VALUES (?, ?, ?)",
                [(b.name, kind, dumps(v)) for kind, v in (configs or {}).items()],
            )

    def delete_bucket(self, name: str) -> list[str]:
        """Drop the bucket, its configs and its uploads; returns part blobs to delete."""
        with self.transaction() as c:
            blobs = [
                r[0]
                for r in c.execute(
                    "SELECT p.blob FROM parts p JOIN uploads u USING(upload_id) WHERE u.bucket = ?",
                    (name,),
                )
            ]
            c.execute(
                "DELETE FROM parts WHERE upload_id IN "
                "(SELECT upload_id FROM uploads WHERE bucket = ?)",
                (name,),
            )
            c.execute("DELETE FROM uploads WHERE bucket = ?", (name,))
            c.execute("DELETE FROM bucket_configs WHERE bucket = ?", (name,))
            c.execute("DELETE FROM buckets WHERE name = ?", (name,))
        return blobs

    def set_versioning(self, name: str, status: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE buckets SET versioning = ? WHERE name = ?", (status, name))

    def get_config(self, bucket: str, kind: str) -> Any:
        rows = self.query(
            "SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
        )
        return loads(rows[0][0]) if rows else None

    def set_config(self, bucket: str, kind: str, value: Any) -> None:
        with self.transaction() as c:
            if value is None:
                c.execute(
                    "DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
                )
            else:
                c.execute(
                    "INSERT OR REPLACE INTO bucket_configs VALUES (?, ?, ?)",
                    (bucket, kind, dumps(value)),
                )

    def configs(self, bucket: str) -> dict[str, Any]:
        """Every stored configuration of a bucket, kind -> value."""
        rows = self.query("SELECT kind, value FROM bucket_configs WHERE bucket = ?", (bucket,))
        return {kind: loads(value) for kind, value in rows}

    def set_configs(self, bucket: str, values: dict[str, Any]) -> None:
        """Store several configurations in one transaction."""
        with self.transaction() as c:
            c.executemany(
                "INSERT OR REPLACE INTO bucket_configs VALUES (?, ?, ?)",
                [(bucket, kind, dumps(v)) for kind, v in values.items()],
            )

    def set_meta(self, seq: int, metadata: ObjectMetadata) -> None:
        with self.transaction() as c:
            c.execute("UPDATE objects SET meta = ? WHERE seq = ?", (_meta_dump(metadata), seq))

    def has_versions(self, bucket: str) -> bool:
        return bool(self.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (bucket,)))

    # -- objects ---------------------------------------------------------------

    def to_version(self, row: tuple[Any, ...]) -> ObjectVersion:
        (
            seq,
            bucket,
            key,
            version_id,
            is_latest,
            is_dm,
            size,
            etag,
            lm,
            blob,
            meta,
            cs,
            tags,
            sc,
            parts,
            owner,
        ) = row
        return ObjectVersion(
            bucket=bucket,
            key=key.decode("utf-8"),
            version_id=version_id,
            is_latest=bool(is_latest),
            is_delete_marker=bool(is_dm),
            last_modified=lm,
            size=size,
            etag=etag,
            blob=self.blob_root + blob if blob else None,
            metadata=_meta_load(meta),
            checksum=_cs_load(cs),
            tags=loads(tags) if tags else {},
            storage_class=sc,
            parts_count=parts,
            owner=owner,
            seq=seq,
        )

    def latest(self, bucket: str, key: str) -> ObjectVersion | None:
        rows = self.query(
            f"SELECT {_OBJ_COLS} FROM objects WHERE bucket = ? AND key = ? "
            "ORDER BY seq DESC LIMIT 1",
            (bucket, key.encode()),
        )
        return self.to_version(rows[0]) if rows else None

    def version(self, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
        rows = self.query(
            f"SELECT {_OBJ_COLS} FROM objects WHERE bucket = ? AND key = ? AND version_id = ?",
            (bucket, key.encode(), version_id),
        )
        return self.to_version(rows[0]) if rows else None

    def insert_version(
        self, v: ObjectVersion, blob_rel: str | None, keep_versions: bool
    ) -> tuple[int, list[str]]:
        """Make ``v`` the latest version of its key.

        With ``keep_versions`` (versioning Enabled) older versions stay; otherwise
        the previous ``null`` version is replaced. Returns the new row's sequence
        number and the blobs no longer referenced.
        """
        k = v.key.encode()
        with self.transaction() as c:
            dropped: list[str] = []
            if not keep_versions:
                for (blob,) in c.execute(
                    "SELECT blob FROM objects WHERE bucket = ? AND key = ? AND version_id = 'null'",
                    (v.bucket, k),
                ):
                    if blob:
                        dropped.append(blob)
                c.execute(
                    "DELETE FROM objects WHERE bucket = ? AND key = ? AND version_id = 'null'",
                    (v.bucket, k),
                )
            c.execute(
                "UPDATE objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1",
                (v.bucket, k),
            )
            cur = c.execute(
                "INSERT INTO objects (bucket, key, version_id, is_latest, is_delete_marker, size, "
                "etag, last_modified, blob, meta, checksum, tags, storage_class, parts, owner) "
                "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    v.bucket,
                    k,
                    v.version_id,
                    int(v.is_delete_marker),
                    v.size,
                    v.etag,
                    v.last_modified,
                    blob_rel,
                    _meta_dump(v.metadata),
                    _cs_dump(v.checksum),
                    dumps(v.tags) if v.tags else None,
                    v.storage_class,
                    v.parts_count,
                    v.owner,
                ),
            )
            seq = cur.lastrowid
            assert seq is not None
        return seq, dropped

    def delete_version(self, bucket: str, key: str, version_id: str) -> str | None:
        """Remove one version, promoting the next newest; returns its blob, if any."""
        k = key.encode()
        with self.transaction() as c:
            row = c.execute(
                "SELECT seq, blob, is_latest FROM objects WHERE bucket = ? AND key = ? "
                "AND version_id = ?",
                (bucket, k, version_id),
            ).fetchone()
            if row is None:
                return None
            c.execute("DELETE FROM objects WHERE seq = ?", (row[0],))
            if row[2]:
                c.execute(
                    "UPDATE objects SET is_latest = 1 WHERE seq = (SELECT MAX(seq) FROM "
                    "objects WHERE bucket = ? AND key = ?)",
                    (bucket, k),
                )
            return str(row[1]) if row[1] else None

    def set_tags(self, seq: int, tags: dict[str, str]) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE objects SET tags = ? WHERE seq = ?", (dumps(tags) if tags else None, seq)
            )

    def visible_after(
        self, bucket: str, lower: bytes, inclusive: bool, upper: bytes | None, limit: int
    ) -> list[ObjectVersion]:
        """Up to ``limit`` current, non-deleted versions with key in (lower|[lower, upper)."""
        op = ">=" if inclusive else ">"
        sql = (
            f"SELECT {_OBJ_COLS} FROM objects WHERE bucket = ? AND is_latest = 1 "
            f"AND is_delete_marker = 0 AND key {op} ?"
        )
        args: tuple[Any, ...] = (bucket, lower)
        if upper is not None:
            sql += " AND key < ?"
            args += (upper,)
        rows = self.query(sql + " ORDER BY key LIMIT ?", args + (limit,))
        return [self.to_version(r) for r in rows]

    def versions_after(
        self,
        bucket: str,
        lower: bytes,
        inclusive: bool,
        upper: bytes | None,
        limit: int,
        key: bytes | None = None,
        below_seq: int | None = None,
    ) -> list[ObjectVersion]:
        """Versions in key order, newest first per key. With ``key``/``below_seq``:
        only that key's versions older than ``below_seq``."""
        if key is not None:
            sql = (
                f"SELECT {_OBJ_COLS} FROM objects WHERE bucket = ? AND key = ? AND seq < ? "
                "ORDER BY seq DESC LIMIT ?"
            )
            rows = self.query(sql, (bucket, key, below_seq, limit))
            return [self.to_version(r) for r in rows]
        op = ">=" if inclusive else ">"
        sql = f"SELECT {_OBJ_COLS} FROM objects WHERE bucket = ? AND key {op} ?"
        args: tuple[Any, ...] = (bucket, lower)
        if upper is not None:
            sql += " AND key < ?"
            args += (upper,)
        rows = self.query(sql + " ORDER BY key, seq DESC LIMIT ?", args + (limit,))
        return [self.to_version(r) for r in rows]

    def referenced_blobs(self) -> set[str]:
        rows = self.query(
            "SELECT blob FROM objects WHERE blob IS NOT NULL UNION ALL SELECT blob FROM parts"
        )
        return {r[0] for r in rows}

    def stored_bytes(self) -> list[tuple[str, str, str, int, int, str]]:
        """(owner account, bucket, storage class, bytes, objects, region) over every version."""
        return self.query(
            "SELECT b.account, o.bucket, o.storage_class, SUM(o.size), COUNT(*), b.region "
            "FROM objects o "
            "JOIN buckets b ON b.name = o.bucket WHERE o.is_delete_marker = 0 "
            "GROUP BY o.bucket, o.storage_class ORDER BY o.bucket"
        )

    # -- multipart -------------------------------------------------------------

    def insert_upload(self, u: MultipartUpload) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    u.upload_id,
                    u.bucket,
                    u.key.encode(),
                    u.initiated,
                    u.account,
                    _meta_dump(u.metadata),
                    u.checksum_algorithm,
                    u.checksum_type,
                    u.storage_class,
                    dumps(u.tags) if u.tags else None,
                ),
            )

    def _to_upload(self, r: tuple[Any, ...]) -> MultipartUpload:
        return MultipartUpload(
            upload_id=r[0],
            bucket=r[1],
            key=r[2].decode(),
            initiated=r[3],
            account=r[4],
            metadata=_meta_load(r[5]),
            checksum_algorithm=r[6],
            checksum_type=r[7],
            storage_class=r[8],
            tags=loads(r[9]) if r[9] else {},
        )

    def get_upload(self, upload_id: str) -> MultipartUpload | None:
        rows = self.query("SELECT * FROM uploads WHERE upload_id = ?", (upload_id,))
        return self._to_upload(rows[0]) if rows else None

    def uploads_after(
        self, bucket: str, lower: bytes, inclusive: bool, upper: bytes | None, limit: int
    ) -> list[MultipartUpload]:
        op = ">=" if inclusive else ">"
        sql = f"SELECT * FROM uploads WHERE bucket = ? AND key {op} ?"
        args: tuple[Any, ...] = (bucket, lower)
        if upper is not None:
            sql += " AND key < ?"
            args += (upper,)
        rows = self.query(sql + " ORDER BY key, initiated, upload_id LIMIT ?", args + (limit,))
        return [self._to_upload(r) for r in rows]

    def delete_upload(self, upload_id: str) -> list[str]:
        """Forget an upload and its parts; returns the part blobs."""
        with self.transaction() as c:
            blobs = [
                r[0] for r in c.execute("SELECT blob FROM parts WHERE upload_id = ?", (upload_id,))
            ]
            c.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            c.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return blobs

    def put_part(self, upload_id: str, p: Part, blob_rel: str) -> str | None:
        """Record a part (replacing one with the same number); returns the replaced blob.
        ``None`` without recording when the upload vanished meanwhile."""
        with self.transaction() as c:
            if (
                c.execute("SELECT 1 FROM uploads WHERE upload_id = ?", (upload_id,)).fetchone()
                is None
            ):
                return None
            old = c.execute(
                "SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?",
                (upload_id, p.part_number),
            ).fetchone()
            c.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    upload_id,
                    p.part_number,
                    p.size,
                    p.etag,
                    p.last_modified,
                    blob_rel,
                    _cs_dump(p.checksum),
                ),
            )
            return str(old[0]) if old else ""

    def parts(self, upload_id: str, after: int = 0, limit: int = 10_001) -> list[Part]:
        rows = self.query(
            "SELECT part_number, size, etag, last_modified, blob, checksum "
            "FROM parts WHERE upload_id = ? AND part_number > ? "
            "ORDER BY part_number LIMIT ?",
            (upload_id, after, limit),
        )
        return [Part(r[0], r[1], r[2], r[3], r[4], _cs_load(r[5])) for r in rows]
