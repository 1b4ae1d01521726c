"""CloudWatch Logs: log groups, streams and events, stored on disk; the sink of Glue output."""
