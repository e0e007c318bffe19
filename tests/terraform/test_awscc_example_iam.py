"""The Terraform example (terraform/examples/awscc) grants exactly what the Pulumi program grants.

Both write the same IAM documents with the same statement Sids; this compares, Sid by Sid, the effect
and the action list of every statement in the example's `aws_iam_policy_document` data sources with
the documents twinmaker_infra/iam.py builds. The HCL is read minimally: `statement { ... }` blocks and
their `sid`, `effect` and `actions` arguments, which is all the example uses to state permissions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from twinmaker_infra import iam

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "terraform" / "examples" / "awscc"

Grants = dict[str, tuple[str, tuple[str, ...]]]  # Sid -> (effect, sorted actions)

_COMMENT = re.compile(r"(?m)(#|//).*$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _block_body(text: str, open_brace: int) -> str:
    """The text between the brace at `open_brace` and its matching close (strings hold no braces here)."""
    depth = 0
    for index in range(open_brace, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[open_brace + 1 : index]
    raise AssertionError(f"unbalanced braces after offset {open_brace}")


def _top_level(body: str) -> str:
    """`body` without its nested blocks (`principals`, `condition`), whose arguments are not the grant."""
    out, depth = [], 0
    for char in body:
        depth += char == "{"
        if depth == 0:
            out.append(char)
        depth -= char == "}"
    return "".join(out)


def _argument(body: str, name: str) -> str | None:
    """The raw value text of `name = ...` (a string, or a `[...]` list spanning lines)."""
    match = re.search(rf"(?m)^\s*{name}\s*=\s*(\[[^\]]*\]|\"[^\"]*\")", body)
    return match.group(1) if match else None


def hcl_grants(directory: Path) -> Grants:
    """Sid -> (effect, actions) of every `statement` block in the `*.tf` files of `directory`."""
    grants: Grants = {}
    for path in sorted(directory.glob("*.tf")):
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        for match in re.finditer(r"(?m)^\s*statement\s*\{", text):
            body = _top_level(_block_body(text, match.end() - 1))
            sid, effect, actions = (_argument(body, key) for key in ("sid", "effect", "actions"))
            assert sid and actions, f"{path.name}: a statement without a literal sid or actions:\n{body}"
            name = _STRING.findall(sid)[0]
            assert name not in grants, f"{path.name}: Sid {name} appears twice"
            # Terraform's aws_iam_policy_document defaults `effect` to Allow, as IAM does.
            grants[name] = (
                _STRING.findall(effect)[0] if effect else "Allow",
                tuple(sorted(_STRING.findall(actions))),
            )
    return grants


def pulumi_grants() -> Grants:
    """Sid -> (effect, actions) of every document the Pulumi program writes (twinmaker_infra/iam.py)."""
    ws = iam.workspace_arn("aws", "eu-west-1", "123456789012", "plant-a")
    documents: list[dict[str, Any]] = [
        iam.twinmaker_trust_policy("123456789012", ws),
        iam.workspace_role_policy("arn:aws:s3:::bucket"),
        iam.sync_role_policy("aws", "eu-west-1", "123456789012", "plant-a"),
        iam.bucket_tls_only_policy("arn:aws:s3:::bucket"),
    ]
    grants: Grants = {}
    for document in documents:
        for statement in document["Statement"]:
            action = statement["Action"]
            actions = [action] if isinstance(action, str) else action
            grants[statement["Sid"]] = (statement["Effect"], tuple(sorted(actions)))
    return grants


def test_example_grants_the_same_actions_as_the_pulumi_program_statement_by_statement() -> None:
    example, program = hcl_grants(EXAMPLE), pulumi_grants()
    assert sorted(example) == sorted(program), "the two sides name different statements (Sids)"
    for sid, grant in program.items():
        assert example[sid] == grant, f"{sid}: example {example[sid]} != Pulumi program {grant}"


def test_reader_sees_every_statement_of_the_example() -> None:
    # 1 trust + 3 workspace role + 4 sync role + 1 bucket policy: a reader that silently skipped a
    # block (and so a permission the example grants) would fail here.
    text = _COMMENT.sub("", "".join(p.read_text(encoding="utf-8") for p in EXAMPLE.glob("*.tf")))
    assert len(re.findall(r"(?m)^\s*statement\s*\{", text)) == len(hcl_grants(EXAMPLE)) == 9


def test_reader_reports_an_extra_action(tmp_path: Path) -> None:
    # The comparison can fail: an action added on the Terraform side only is seen as a difference.
    source = (EXAMPLE / "iam.tf").read_text(encoding="utf-8")
    widened = source.replace(
        '"s3:GetObject", "s3:PutObject"', '"s3:GetObject", "s3:PutObject", "s3:DeleteBucket"'
    )
    assert widened != source
    (tmp_path / "iam.tf").write_text(widened, encoding="utf-8")
    grants = hcl_grants(tmp_path)
    assert grants["ReadWriteWorkspaceObjects"] != pulumi_grants()["ReadWriteWorkspaceObjects"]
    assert "s3:DeleteBucket" in grants["ReadWriteWorkspaceObjects"][1]
