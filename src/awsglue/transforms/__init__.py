"""Glue's transforms (upstream ``awsglue.transforms``): ``X.apply(frame=..., ...)``.

``from awsglue.transforms import *`` gives every transform class. Each delegates to the
DynamicFrame method of the same meaning; modules keep upstream's names.
"""

from awsglue.transforms.transform import GlueTransform  # isort: skip
from awsglue.transforms.apply_mapping import ApplyMapping
from awsglue.transforms.collection_transforms import FlatMap, MapToCollection, SelectFromCollection
from awsglue.transforms.drop_nulls import DropNullFields
from awsglue.transforms.dynamicframe_filter import Filter
from awsglue.transforms.dynamicframe_map import Map
from awsglue.transforms.field_transforms import (
    DropFields,
    Join,
    RenameField,
    SelectFields,
    SplitFields,
    SplitRows,
)
from awsglue.transforms.relationalize import Relationalize
from awsglue.transforms.resolve_choice import ResolveChoice
from awsglue.transforms.unbox import Unbox
from awsglue.transforms.unnest_frame import UnnestFrame

ALL_TRANSFORMS = {
    ApplyMapping,
    DropFields,
    DropNullFields,
    Filter,
    FlatMap,
    Join,
    Map,
    MapToCollection,
    Relationalize,
    RenameField,
    ResolveChoice,
    SelectFields,
    SelectFromCollection,
    SplitFields,
    SplitRows,
    Unbox,
    UnnestFrame,
}

__all__ = ["GlueTransform", *sorted(t.__name__ for t in ALL_TRANSFORMS)]
