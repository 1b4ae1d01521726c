"""Filter: keep the records a predicate function accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class Filter(GlueTransform):
    """Builds a new DynamicFrame of the records for which ``f(record)`` is true.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-filter.html
    """

    def __call__(
        self,
        frame: Any,
        f: Callable[[Any], Any],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)
