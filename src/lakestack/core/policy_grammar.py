"""The words of the IAM policy language every policy shares (identity, trust, bucket
policies): the versions and the members a statement may have. Each service checks its
own rules on top. Reference:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
"""``Version`` values the policy language accepts."""

STATEMENT_MEMBERS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
"""The members a statement may have."""
