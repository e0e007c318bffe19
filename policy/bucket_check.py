"""Stack check: every workspace's S3 bucket blocks public access, is encrypted and refuses plain HTTP.

The workspace's `s3Location` (a bucket ARN) leads to the bucket; the bucket's settings are separate
resources in pulumi-aws v7 (`BucketPublicAccessBlock`, `BucketServerSideEncryptionConfiguration`,
`BucketPolicy`) whose `bucket` names it. The deprecated inline `serverSideEncryptionConfiguration` and
`policy` on the Bucket are accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from .iam_documents import (
    Document,
    DocumentError,
    Match,
    condition_entries,
    condition_values,
    parse_document,
    principal_is_everyone,
    statement_applies,
)
from .reporting import Findings
from .stack_model import (
    BUCKET_POLICIES,
    BUCKETS,
    PUBLIC_ACCESS_BLOCKS,
    SSE_CONFIGS,
    WORKSPACE,
    Res,
    StackModel,
)
from .values import is_unknown, known_str

PAB_FLAGS: Final = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
_BUCKET_KEYS: Final = ("bucket", "id")

FIX_PAB: Final = (
    "add aws.s3.BucketPublicAccessBlock(bucket=<bucket>.id, block_public_acls=True, "
    "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)"
)
FIX_SSE: Final = (
    "add aws.s3.BucketServerSideEncryptionConfiguration(bucket=<bucket>.id, rules=[{"
    '"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}])'
)
FIX_TLS: Final = (
    'add aws.s3.BucketPolicy with {"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
    '"Resource": [<bucket arn>, <bucket arn>/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}'
)


def check_workspace_buckets(model: StackModel, config: Mapping[str, Any]) -> Findings:
    """For every Workspace: find its bucket, then check public access, encryption and TLS-only access."""
    findings = Findings()
    for ws in model.of_type(WORKSPACE):
        link = model.follow(ws, "s3Location", BUCKETS, ("arn",))
        workspace_id = known_str(ws.get("workspaceId")) or ws.name
        if not link.targets:
            where = next((known_str(v) for v in link.unresolved if known_str(v)), None)
            reason = (
                f"its bucket {where} is not defined in this stack, so its settings cannot be read"
                if where
                else "its s3Location is not known until apply"
            )
            findings.cannot_verify(f"{ws.label}: {reason}.", ws.urn)
        for bucket in link.targets:
            _check_bucket(model, bucket, workspace_id, findings)
    return findings


def _check_bucket(model: StackModel, bucket: Res, workspace_id: str, findings: Findings) -> None:
    problems: list[str] = []
    unsure: list[str] = []
    for check in (_public_access, _encryption, _tls_only):
        verdict, text = check(model, bucket)
        if verdict is Match.NO:
            problems.append(text)
        elif verdict is Match.MAYBE:
            unsure.append(text)
    subject = f"{bucket.label}, the bucket of workspace '{workspace_id}',"
    if problems:
        findings.violation(f"{subject} {'; '.join(problems)}.", bucket.urn)
    if unsure:
        findings.cannot_verify(f"{subject} cannot be checked yet: {'; '.join(unsure)}.", bucket.urn)


def _public_access(model: StackModel, bucket: Res) -> tuple[Match, str]:
    blocks = model.referring(bucket, PUBLIC_ACCESS_BLOCKS, "bucket", _BUCKET_KEYS)
    if not blocks:
        return Match.NO, f"does not block public access: {FIX_PAB}"
    best: tuple[Match, str] = (Match.NO, "")
    for block in blocks:
        off = [f for f in PAB_FLAGS if block.get(f) is not True and not is_unknown(block.get(f))]
        unknown = [f for f in PAB_FLAGS if is_unknown(block.get(f))]
        if not off and not unknown:
            return Match.YES, ""
        if not off:
            best = (Match.MAYBE, f"{block.label} flags {', '.join(unknown)} are not known until apply")
        elif best[0] is Match.NO:
            best = (Match.NO, f"{block.label} leaves {', '.join(off)} unset or false: set all four to True")
    return best


def _encryption(model: StackModel, bucket: Res) -> tuple[Match, str]:
    configs = [c.get("rules") for c in model.referring(bucket, SSE_CONFIGS, "bucket", _BUCKET_KEYS)]
    inline = bucket.get("serverSideEncryptionConfiguration")
    if inline is not None:
        configs.append(inline)
    # YES at the first rule that encrypts, else MAYBE if one is unknown, else NO: the same reduction as
    # the TLS check below, kept inline because each reads its own kind of source.
    verdict = Match.NO
    for rules in configs:
        found = _sse_algorithm(rules)
        if found is Match.YES:
            return Match.YES, ""
        if found is Match.MAYBE:
            verdict = Match.MAYBE
    if verdict is Match.MAYBE:
        return Match.MAYBE, "its encryption rules are not known until apply"
    return Match.NO, f"has no server-side encryption configuration: {FIX_SSE}"


def _sse_algorithm(value: Any) -> Match:
    """Whether a rules list (v7) or inline configuration (v6 style) sets an SSE algorithm."""
    if is_unknown(value):
        return Match.MAYBE
    if isinstance(value, list):
        results = [_sse_algorithm(v) for v in value]
        return Match.YES if Match.YES in results else Match.MAYBE if Match.MAYBE in results else Match.NO
    if not isinstance(value, Mapping):
        return Match.NO
    if "sseAlgorithm" in value:
        algorithm = value["sseAlgorithm"]
        return Match.MAYBE if is_unknown(algorithm) else Match.YES if known_str(algorithm) else Match.NO
    results = [_sse_algorithm(v) for v in value.values()]
    return Match.YES if Match.YES in results else Match.MAYBE if Match.MAYBE in results else Match.NO


def _tls_only(model: StackModel, bucket: Res) -> tuple[Match, str]:
    sources: list[tuple[Any, str]] = [
        (p.get("policy"), p.label) for p in model.referring(bucket, BUCKET_POLICIES, "bucket", _BUCKET_KEYS)
    ]
    if bucket.get("policy") not in (None, ""):
        sources.append((bucket.get("policy"), f"the inline policy of {bucket.label}"))
    verdict = Match.NO
    for value, source in sources:
        try:
            doc = parse_document(value, source)
        except DocumentError as exc:
            return Match.NO, f"has a bucket policy S3 would reject ({exc})"
        found = _denies_plain_http(doc, known_str(bucket.get("bucket")))
        if found is Match.YES:
            return Match.YES, ""
        if found is Match.MAYBE:
            verdict = Match.MAYBE
    if verdict is Match.MAYBE:
        return Match.MAYBE, "its bucket policy is not known until apply"
    return Match.NO, f"does not deny requests without TLS (aws:SecureTransport false): {FIX_TLS}"


def _denies_plain_http(doc: Document, bucket_name: str | None) -> Match:
    """A Deny for everyone, covering object reads, conditioned on aws:SecureTransport being false."""
    if doc.statements is None:
        return Match.MAYBE
    verdict = Match.NO
    probe = f"arn:aws:s3:::{bucket_name}/sync-probe"
    for st in doc.statements:
        if st.is_effect("Deny") is Match.NO or not principal_is_everyone(st.principal):
            continue
        entries = condition_entries(st.condition)
        if entries is None:
            verdict = Match.MAYBE
            continue
        insecure = any(
            key.lower() == "aws:securetransport"
            and operator.lower() in ("bool", "boolifexists")
            and any(str(v).lower() == "false" for v in condition_values(value))
            for operator, key, value in entries
        )
        # Probe with an object of this bucket; with its name unknown, only the action can be checked.
        scoped = st if bucket_name else replace(st, resources=("*",), not_resources=None)
        if not insecure or statement_applies(scoped, "s3:GetObject", probe) is Match.NO:
            continue
        if st.is_effect("Deny") is Match.YES:
            return Match.YES
        verdict = Match.MAYBE
    return verdict
