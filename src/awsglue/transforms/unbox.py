"""Unbox: parse a string field holding JSON into a struct."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Unbox(GlueTransform):
    """Unboxes (reformats) a string field into a struct; ``format="json"`` is supported.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-Unbox.html
    """

    def __call__(
        self,
        frame: Any,
        path: str,
        format: str,  # noqa: A002 - upstream name
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        **options: Any,
    ) -> Any:
        return frame.unbox(
            path, format, transformation_ctx, info, stageThreshold, totalThreshold, **options
        )
