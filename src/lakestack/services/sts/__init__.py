"""STS: who is calling. Tools (awswrangler, the AWS CLI, Terraform) ask before they work."""
