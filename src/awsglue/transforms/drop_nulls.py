"""DropNullFields: drop the fields that are null in every record."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class DropNullFields(GlueTransform):
    """Drops the fields with missing or null values in every record.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-DropNullFields.html
    """

    def __call__(
        self,
        frame: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.drop_null_fields(transformation_ctx, info, stageThreshold, totalThreshold)
