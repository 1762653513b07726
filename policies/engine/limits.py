"""Documented size limits of the engine.

They bound the work done on any input, so that the engine answers quickly even
for hostile text typed into the editor.
"""

from __future__ import annotations

#: Policy text longer than this is not parsed at all; validation returns one
#: ``POLICY_TOO_LARGE_TO_CHECK`` error finding instead.
MAX_POLICY_CHARS = 65_536

#: Deepest JSON nesting (objects and arrays) the parser accepts. A real trust
#: policy needs 5 levels (policy, Statement list, statement, Condition,
#: operator block, value list).
MAX_DEPTH = 32

#: Most items the parser accepts in one JSON array or object.
MAX_ARRAY_ITEMS = 1_000

#: Longest JSON string (in characters, after decoding) the parser accepts.
MAX_STRING_CHARS = 4_096

#: Default quota for a role trust policy, in characters with whitespace not
#: counted (IAM and AWS STS quotas,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
TRUST_POLICY_QUOTA = 2_048

#: Most values one condition key may carry in a request context.
MAX_CONTEXT_VALUES = 256
