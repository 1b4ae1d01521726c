"""Map: apply a function to every record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class Map(GlueTransform):
    """Builds a new DynamicFrame by applying ``f`` to every record.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-map.html
    """

    def __call__(
        self,
        frame: Any,
        f: Callable[[Any], Any],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.map(
            f, preservesPartitioning, transformation_ctx, info, stageThreshold, totalThreshold
        )
