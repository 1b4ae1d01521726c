"""Relationalize: flatten nested fields and pivot arrays into separate frames."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Relationalize(GlueTransform):
    """Flattens a nested schema and pivots array columns out into their own frames.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-Relationalize.html
    Returns a DynamicFrameCollection: the root frame ``name`` and ``<name>_<path>`` frames.
    """

    def __call__(
        self,
        frame: Any,
        staging_path: str | None = None,
        name: str = "roottable",
        options: dict[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.relationalize(
            name,
            staging_path,
            options or {},
            transformation_ctx,
            info,
            stageThreshold,
            totalThreshold,
        )
