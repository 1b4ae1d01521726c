"""IAM: roles, users, access keys and managed policies, stored per account (not enforced)."""
