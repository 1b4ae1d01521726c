"""lakestack: the AWS data stack on one machine.

Public API: :class:`Emulator` (in-process endpoint) and :class:`AwsError`.
"""

from __future__ import annotations

from lakestack.core.errors import AwsError

__all__ = ["AwsError", "Emulator", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:  # lazy: importing lakestack stays cheap
    if name == "Emulator":
        from lakestack.emulator import Emulator

        return Emulator
    raise AttributeError(name)
