"""The Glue Data Catalog: databases, tables and partitions shared by every service."""
