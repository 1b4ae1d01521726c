"""UnnestFrame: move struct members to top level."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class UnnestFrame(GlueTransform):
    """Unnests a DynamicFrame: nested fields become top-level fields named by their path.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-UnnestFrame.html
    """

    def __call__(
        self,
        frame: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.unnest(transformation_ctx, info, stageThreshold, totalThreshold)
