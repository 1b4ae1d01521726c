"""GlueTransform: the base of every transform (upstream ``awsglue.transforms.transform``).

A transform is a class whose instances are callable; ``X.apply(frame=..., ...)`` builds
one and calls it, so ``ApplyMapping.apply(frame=f, mappings=m)`` is
``f.apply_mapping(m)``.
"""

from __future__ import annotations

from typing import Any


class GlueTransform:
    """Base class: subclasses define ``__call__``; ``apply`` is the class-level entry."""

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the transform: ``cls()(*args, **kwargs)``."""
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls) -> str:
        """The transform's name (its class name)."""
        return cls.__name__

    @classmethod
    def describeArgs(cls) -> list[dict[str, Any]]:  # noqa: N802 - upstream name
        """Upstream's argument descriptions; not provided here."""
        raise NotImplementedError(
            f"describeArgs method not implemented for Transform {cls.__name__}"
        )

    @classmethod
    def describeReturn(cls) -> dict[str, Any]:  # noqa: N802 - upstream name
        """Upstream's return description; not provided here."""
        raise NotImplementedError(
            f"describeReturn method not implemented for Transform {cls.__name__}"
        )

    @classmethod
    def describeTransform(cls) -> str:  # noqa: N802 - upstream name
        """A one-line description: the class docstring's first line."""
        return (cls.__doc__ or cls.__name__).strip().splitlines()[0]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __repr__(self) -> str:
        return f"<Transform: {self.name()}>"
