"""The import rules of STYLE.md §2, checked by walking every module's AST."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lakestack"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {m for m in found if m == "lakestack" or m.startswith("lakestack.")}


def _module(path: Path) -> str:
    return ".".join(("lakestack", *path.relative_to(SRC).with_suffix("").parts))


def _allowed(module: str) -> tuple[str, ...] | None:
    """Prefixes a module may import from lakestack, or None when it is unrestricted."""
    parts = module.split(".")
    layer = parts[1] if len(parts) > 1 else ""
    if layer == "core":
        return ("lakestack.core",)
    if layer in ("sql", "metering"):
        return ("lakestack.core", f"lakestack.{layer}")
    if layer == "gateway":
        return ("lakestack.core", "lakestack.gateway")
    if layer == "services" and len(parts) > 3:
        own = f"lakestack.services.{parts[2]}"
        if parts[3] == "provider":
            return (own, "lakestack.core", "lakestack.gateway.context", "lakestack.gateway.http")
        return (own, "lakestack.core", "lakestack.sql", "lakestack.metering")
    return None


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_follow_layering(path: Path) -> None:
    module = _module(path)
    allowed = _allowed(module)
    if allowed is None:
        return
    bad = {m for m in _imports(path) if not any(m == a or m.startswith(a + ".") for a in allowed)}
    assert not bad, f"{module} imports {sorted(bad)}; allowed: {allowed}"
