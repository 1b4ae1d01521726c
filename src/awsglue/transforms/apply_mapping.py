"""ApplyMapping: rename, retype and reshape fields by declarative mapping tuples."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class ApplyMapping(GlueTransform):
    """Applies ``(source, source type, target, target type)`` mappings; only mapped fields stay.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ApplyMapping.html
    """

    def __call__(
        self,
        frame: Any,
        mappings: Any,
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.apply_mapping(
            mappings, case_sensitive, transformation_ctx, info, stageThreshold, totalThreshold
        )
