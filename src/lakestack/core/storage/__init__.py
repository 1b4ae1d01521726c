"""Blob storage: bytes as plain files, written atomically, named by fresh ids.

Re-exports :class:`BlobStore` and :class:`BlobWriter` from ``directory``.
"""

from lakestack.core.storage.directory import BlobStore, BlobWriter, suffix_for

__all__ = ["BlobStore", "BlobWriter", "suffix_for"]
