"""Bucket operations: create/head/list/delete, location, versioning, and the
configurations S3 stores verbatim (notification, lifecycle, policy, tagging, CORS).

Part of :class:`lakestack.services.s3.engine.S3Engine`; knows no HTTP.
"""

from __future__ import annotations

import copy
from typing import Any

from lakestack.core.errors import AwsError
from lakestack.services.s3 import acl
from lakestack.services.s3 import config as cfg
from lakestack.services.s3.access import ALL_BLOCKED, ENFORCED, OWNERSHIPS, effective_block
from lakestack.services.s3.acl import AclRequest
from lakestack.services.s3.base import SERVICE, EngineBase
from lakestack.services.s3.errors import (
    AccessDenied,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    IllegalVersioningConfigurationException,
    InvalidArgument,
    InvalidBucketAclWithBlockPublicAccessError,
    InvalidBucketAclWithObjectOwnership,
    InvalidLocationConstraint,
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchTagSet,
)
from lakestack.services.s3.models import Bucket, StorageUsage
from lakestack.services.s3.policy import parse_policy
from lakestack.services.s3.rules import validate_bucket_name

US_EAST_1 = "us-east-1"
_LEGACY_LOCATIONS = {"EU": "eu-west-1"}

# storage class -> (operation, usage dimension) as AWS names them on the bill
_STORAGE_DIMENSIONS = {
    "STANDARD": ("StandardStorage", "TimedStorage"),
    "STANDARD_IA": ("StandardIAStorage", "TimedStorage-SIA"),
    "ONEZONE_IA": ("OneZoneIAStorage", "TimedStorage-ZIA"),
    "GLACIER_IR": ("GlacierInstantRetrievalStorage", "TimedStorage-GIR"),
    "GLACIER": ("GlacierStorage", "TimedStorage-Glacier"),
    "DEEP_ARCHIVE": ("DeepArchiveStorage", "TimedStorage-GDA"),
}


class BucketOps(EngineBase):
    def create_bucket(
        self,
        account: str,
        region: str,
        bucket: str,
        location_constraint: str | None = None,
        *,
        acl_request: AclRequest | None = None,
        object_ownership: str | None = None,
    ) -> Bucket:
        """Create a bucket in ``location_constraint`` (else the request region).

        New buckets start as S3's do since April 2023: Block Public Access on, ACLs
        disabled (``BucketOwnerEnforced``) unless ``object_ownership`` says otherwise.

        Raises:
            InvalidBucketName, BucketAlreadyExists (another account's),
            BucketAlreadyOwnedByYou (yours, outside us-east-1), InvalidLocationConstraint,
            IllegalLocationConstraintException, InvalidArgument (ownership),
            InvalidBucketAclWithObjectOwnership, InvalidBucketAclWithBlockPublicAccessError.
        """
        self._bill("CreateBucket", account, region, bucket)
        validate_bucket_name(bucket)
        target = self._bucket_region(region, location_constraint)
        ownership = object_ownership or ENFORCED
        if ownership not in OWNERSHIPS:
            raise InvalidArgument(
                "Invalid x-amz-object-ownership header",
                ArgumentName="x-amz-object-ownership",
                ArgumentValue=ownership,
            )
        existing = self._store.get_bucket(bucket)
        if existing is not None:
            if existing.account != account:
                raise BucketAlreadyExists(BucketName=bucket)
            # us-east-1 answers 200 for a bucket you already own there (legacy behaviour)
            if existing.region == US_EAST_1 and region == US_EAST_1:
                return existing
            raise BucketAlreadyOwnedByYou(BucketName=bucket)
        configs: dict[str, Any] = {"ownership": ownership, "public_access_block": ALL_BLOCKED}
        grants = acl_request.grants(account, account, True) if acl_request else None
        if grants is not None:
            if ownership == ENFORCED and not acl.owner_full_control_only(grants, account):
                raise InvalidBucketAclWithObjectOwnership()
            if acl.is_public(grants):
                raise InvalidBucketAclWithBlockPublicAccessError()
            if ownership != ENFORCED:
                configs["acl"] = grants
        b = Bucket(bucket, account, target, self._clock.now())
        with self._store.lock:
            self._store.insert_bucket(b, configs)
            self._access_cache.pop(bucket, None)
        return b

    @staticmethod
    def _bucket_region(region: str, constraint: str | None) -> str:
        if not constraint:
            if region != US_EAST_1:
                raise IllegalLocationConstraintException(
                    "The unspecified location constraint is incompatible for the region "
                    "specific endpoint this request was sent to."
                )
            return US_EAST_1
        if constraint == US_EAST_1:
            raise InvalidLocationConstraint(LocationConstraint=constraint)
        target = _LEGACY_LOCATIONS.get(constraint, constraint)
        if region != US_EAST_1 and target != region:
            raise IllegalLocationConstraintException(
                f"The {constraint} location constraint is incompatible for the region "
                "specific endpoint this request was sent to."
            )
        return target

    def head_bucket(self, account: str, region: str, bucket: str) -> Bucket:
        self._bill("HeadBucket", account, region, bucket)
        return self._bucket(bucket)

    def list_buckets(
        self, account: str, region: str, prefix: str | None = None, bucket_region: str | None = None
    ) -> list[Bucket]:
        """The caller's buckets in name order (optionally by prefix and region)."""
        self._bill("ListBuckets", account, region, None)
        return [
            b
            for b in self._store.list_buckets(account)
            if b.name.startswith(prefix or "")
            and (bucket_region is None or b.region == bucket_region)
        ]

    def delete_bucket(self, account: str, region: str, bucket: str) -> None:
        """Raises BucketNotEmpty while any version or delete marker remains."""
        self._bill("DeleteBucket", account, region, bucket)
        self._bucket(bucket)
        if self._store.has_versions(bucket):
            raise BucketNotEmpty(BucketName=bucket)
        with self._store.lock:
            blobs = self._store.delete_bucket(bucket)
            self._access_cache.pop(bucket, None)
        for blob in blobs:
            self._blobs.delete(blob)

    def get_bucket_location(self, account: str, region: str, bucket: str) -> str | None:
        """The LocationConstraint: ``None`` for us-east-1, as AWS answers."""
        self._bill("GetBucketLocation", account, region, bucket)
        b = self._bucket(bucket)
        return None if b.region == US_EAST_1 else b.region

    def stored_bytes(self) -> list[StorageUsage]:
        """Bytes per (bucket, storage class), for GB-month storage metering."""
        return [StorageUsage(*row) for row in self._store.stored_bytes()]

    def housekeeping(self) -> None:
        """Periodic work: storage levels to the meter, overdue blob deletions."""
        self.meter_storage()
        self._blobs.purge()

    def meter_storage(self) -> None:
        """Report bytes stored per bucket and storage class to the meter.

        The meter integrates the level over time into byte-hours, which AWS bills as
        GB-months; called periodically by the emulator (AWS itself samples daily).
        """
        if self._store.writes == self._storage_writes:
            return  # nothing written since the last sample
        self._storage_writes = self._store.writes
        levels = {
            (u.account, u.region, u.bucket, u.storage_class): u.bytes for u in self.stored_bytes()
        }
        previous = self._storage_levels
        for gone in previous.keys() - levels.keys():
            levels[gone] = 0
        for (account, region, bucket, storage_class), size in levels.items():
            if previous.get((account, region, bucket, storage_class)) != size:
                operation, dimension = _STORAGE_DIMENSIONS.get(
                    storage_class, (f"{storage_class}Storage", f"TimedStorage-{storage_class}")
                )
                self._meter.set_gauge(
                    SERVICE, operation, dimension, size, "Bytes", account, region, bucket
                )
        self._storage_levels = {k: v for k, v in levels.items() if v}

    # -- versioning --------------------------------------------------------------

    def put_bucket_versioning(
        self, account: str, region: str, bucket: str, status: str | None
    ) -> None:
        self._bill("PutBucketVersioning", account, region, bucket)
        self._bucket(bucket)
        if status not in ("Enabled", "Suspended"):
            raise IllegalVersioningConfigurationException() if status is None else MalformedXML()
        self._store.set_versioning(bucket, status)

    def get_bucket_versioning(self, account: str, region: str, bucket: str) -> str | None:
        """``None`` if versioning was never enabled, else Enabled/Suspended."""
        self._bill("GetBucketVersioning", account, region, bucket)
        return self._bucket(bucket).versioning

    # -- stored configurations ---------------------------------------------------

    def _put_config(
        self, op: str, account: str, region: str, bucket: str, kind: str, value: Any
    ) -> None:
        self._bill(op, account, region, bucket)
        self._bucket(bucket)
        self._set_configs(bucket, {kind: value})

    def _get_config(
        self,
        op: str,
        account: str,
        region: str,
        bucket: str,
        kind: str,
        missing: type[AwsError] | None,
    ) -> Any:
        self._bill(op, account, region, bucket)
        self._bucket(bucket)
        value = self._store.get_config(bucket, kind)
        if value is None and missing is not None:
            raise missing(BucketName=bucket)
        return value

    def put_bucket_notification_configuration(
        self, account: str, region: str, bucket: str, configuration: dict[str, Any]
    ) -> None:
        """Validate (event names, overlapping filters) and store as given."""
        doc = cfg.validate_notification(copy.deepcopy(configuration), self._ids.uuid)
        self._put_config(
            "PutBucketNotificationConfiguration", account, region, bucket, "notification", doc
        )

    def get_bucket_notification_configuration(
        self, account: str, region: str, bucket: str
    ) -> dict[str, Any]:
        return (
            self._get_config(
                "GetBucketNotificationConfiguration", account, region, bucket, "notification", None
            )
            or {}
        )

    def put_bucket_lifecycle_configuration(
        self, account: str, region: str, bucket: str, configuration: dict[str, Any]
    ) -> None:
        doc = cfg.validate_lifecycle(copy.deepcopy(configuration), self._ids.uuid)
        self._put_config(
            "PutBucketLifecycleConfiguration", account, region, bucket, "lifecycle", doc
        )

    def get_bucket_lifecycle_configuration(
        self, account: str, region: str, bucket: str
    ) -> dict[str, Any]:
        value: dict[str, Any] = self._get_config(
            "GetBucketLifecycleConfiguration",
            account,
            region,
            bucket,
            "lifecycle",
            NoSuchLifecycleConfiguration,
        )
        return value

    def delete_bucket_lifecycle(self, account: str, region: str, bucket: str) -> None:
        self._put_config("DeleteBucketLifecycle", account, region, bucket, "lifecycle", None)

    def put_bucket_policy(self, account: str, region: str, bucket: str, policy: str) -> None:
        """Validate and store a bucket policy; it applies from the next request.

        Raises:
            MalformedPolicy, AccessDenied (a public policy while Block Public Access
            blocks public policies).
        """
        parsed = parse_policy(policy, bucket)
        b = self._bucket(bucket)
        if parsed.public:
            state = self._access_state(bucket)
            block = effective_block(state.block if state else None, self._account_block(b.account))
            if block["BlockPublicPolicy"]:
                raise AccessDenied()
        self._put_config("PutBucketPolicy", account, region, bucket, "policy", policy)

    def get_bucket_policy(self, account: str, region: str, bucket: str) -> str:
        value: str = self._get_config(
            "GetBucketPolicy", account, region, bucket, "policy", NoSuchBucketPolicy
        )
        return value

    def delete_bucket_policy(self, account: str, region: str, bucket: str) -> None:
        self._put_config("DeleteBucketPolicy", account, region, bucket, "policy", None)

    def put_bucket_tagging(
        self, account: str, region: str, bucket: str, tagging: dict[str, Any]
    ) -> None:
        self._put_config(
            "PutBucketTagging",
            account,
            region,
            bucket,
            "tagging",
            cfg.validate_bucket_tagging(tagging),
        )

    def get_bucket_tagging(self, account: str, region: str, bucket: str) -> dict[str, Any]:
        value: dict[str, Any] = self._get_config(
            "GetBucketTagging", account, region, bucket, "tagging", NoSuchTagSet
        )
        return value

    def delete_bucket_tagging(self, account: str, region: str, bucket: str) -> None:
        self._put_config("DeleteBucketTagging", account, region, bucket, "tagging", None)

    def put_bucket_cors(
        self, account: str, region: str, bucket: str, configuration: dict[str, Any]
    ) -> None:
        self._put_config(
            "PutBucketCors", account, region, bucket, "cors", cfg.validate_cors(configuration)
        )

    def get_bucket_cors(self, account: str, region: str, bucket: str) -> dict[str, Any]:
        value: dict[str, Any] = self._get_config(
            "GetBucketCors", account, region, bucket, "cors", NoSuchCORSConfiguration
        )
        return value

    def delete_bucket_cors(self, account: str, region: str, bucket: str) -> None:
        self._put_config("DeleteBucketCors", account, region, bucket, "cors", None)
