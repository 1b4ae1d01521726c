"""The AWS Glue ETL library (``awsglue``) on real PySpark, for lakestack.

Module paths and names follow upstream (``awsglue.context``, ``awsglue.dynamicframe``,
``awsglue.job``, ``awsglue.utils``, ``awsglue.transforms``, ``awsglue.gluetypes``) so a
Glue script runs unchanged. A DynamicFrame here wraps a Spark DataFrame; ``s3://`` paths
and the Data Catalog are reached through the lakestack endpoint (``AWS_ENDPOINT_URL``).
"""

from awsglue.dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
