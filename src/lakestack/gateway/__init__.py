"""The wire: HTTP, botocore models, SigV4, protocol parsing and serialization.

Knows nothing about buckets, tables or any AWS semantics; providers are
registered into it by ``lakestack.emulator``.
"""
