"""Field-level transforms: rename, drop, select and split fields; split rows; join."""

from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class RenameField(GlueTransform):
    """Renames the field at ``old_name`` to the full path ``new_name``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-RenameField.html
    """

    def __call__(
        self,
        frame: Any,
        old_name: str,
        new_name: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.rename_field(
            old_name, new_name, transformation_ctx, info, stageThreshold, totalThreshold
        )


class DropFields(GlueTransform):
    """Drops the fields at ``paths``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-DropFields.html
    """

    def __call__(
        self,
        frame: Any,
        paths: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFields(GlueTransform):
    """Keeps only the fields at ``paths``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-SelectFields.html
    """

    def __call__(
        self,
        frame: Any,
        paths: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SplitFields(GlueTransform):
    """Splits fields into two frames: ``paths`` in ``name1``, the rest in ``name2``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-SplitFields.html
    The names default to the frame's name (or ``frame``) followed by ``1`` and ``2``.
    """

    def __call__(
        self,
        frame: Any,
        paths: Any,
        name1: str | None = None,
        name2: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        base = frame.name or "frame"
        return frame.split_fields(
            paths,
            name1 if name1 is not None else base + "1",
            name2 if name2 is not None else base + "2",
            transformation_ctx,
            info,
            stageThreshold,
            totalThreshold,
        )


class SplitRows(GlueTransform):
    """Splits rows into two frames by comparisons: ``{"age": {">": 10, "<": 20}}``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-SplitRows.html
    """

    def __call__(
        self,
        frame: Any,
        comparison_dict: dict[str, dict[str, Any]],
        name1: str = "frame1",
        name2: str = "frame2",
        transformation_ctx: str = "",
        info: str | None = None,
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.split_rows(
            comparison_dict,
            name1,
            name2,
            transformation_ctx,
            info or "",
            stageThreshold,
            totalThreshold,
        )


class Join(GlueTransform):
    """Equality join of two frames on ``keys1`` == ``keys2``.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-join.html
    """

    def __call__(
        self, frame1: Any, frame2: Any, keys1: Any, keys2: Any, transformation_ctx: str = ""
    ) -> Any:
        return frame1.join(keys1, keys2, frame2, transformation_ctx)
