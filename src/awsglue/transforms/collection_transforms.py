"""Transforms over a DynamicFrameCollection: select one frame, map, flat-map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class SelectFromCollection(GlueTransform):
    """Selects one DynamicFrame of a collection by name.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-SelectFromCollection.html
    """

    def __call__(self, dfc: Any, key: str, transformation_ctx: str = "") -> Any:
        return dfc.select(key, transformation_ctx)


class MapToCollection(GlueTransform):
    """Applies ``callable(frame, transformation_ctx)`` to each frame of a collection.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-MapToCollection.html
    """

    def __call__(
        self,
        dfc: Any,
        callable: Callable[[Any, str], Any],  # noqa: A002 - upstream name
        transformation_ctx: str = "",
    ) -> Any:
        return dfc.map(callable, transformation_ctx)


class FlatMap(GlueTransform):
    """Applies a transform to each frame of a collection and merges the results.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-flat-map.html
    ``BaseTransform.apply(**base_kwargs)`` is called with each frame as ``frame_name``.
    """

    def __call__(
        self,
        dfc: Any,
        BaseTransform: type[GlueTransform],  # noqa: N803 - upstream name
        frame_name: str,
        transformation_ctx: str = "",
        **base_kwargs: Any,
    ) -> Any:
        def apply_inner(frame: Any, ctx: str) -> Any:
            args = {**base_kwargs, frame_name: frame, "transformation_ctx": ctx}
            return BaseTransform.apply(**args)

        return dfc.flatmap(apply_inner, transformation_ctx)
