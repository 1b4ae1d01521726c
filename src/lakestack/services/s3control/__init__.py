"""S3 Control: the account-level S3 settings (Public Access Block) over the S3 engine."""
