"""AWS Glue: the Data Catalog, jobs and crawlers as three engines (see ``engine.py``);
``build_glue`` builds and wires them.

Loaded on first use, so importing one Glue module (``models``) does not load them all.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GlueEngines", "build_glue"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lakestack.services.glue import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
