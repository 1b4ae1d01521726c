"""Service-agnostic building blocks: errors, clock, ids, ARNs, state, storage, events.

Imports nothing outside ``lakestack.core``.
"""
