"""The Markdown a reader follows: every relative link in a repository *.md file reaches a file that
exists and, with a `#fragment`, a heading of that file (GitHub's anchor rules); the README stays short
enough to read in five minutes."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The README's length limit: what it is, the commands, one example per way to use the gate; the rest
#: lives in docs/.
README_MAX_LINES = 250

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
# `[text](target "title")` and `![alt](target)`; the text may hold inline code, but not brackets.
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_MARKUP_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text: the text as rendered (code marks and link targets dropped),
    lower case, every character but letters, digits, spaces, `-` and `_` dropped, spaces to `-`."""
    text = _MARKUP_LINK.sub(r"\1", heading).replace("`", "")
    text = text.lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def _prose_lines(text: str) -> Iterator[str]:
    """The lines outside fenced code blocks."""
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield line


def anchors(text: str) -> set[str]:
    """Every anchor GitHub gives the headings of a Markdown text (a repeated one gets `-1`, `-2`, ...)."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line in _prose_lines(text):
        match = _HEADING.match(line)
        if not match:
            continue
        anchor = github_anchor(match.group(2))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        result.add(anchor if count == 0 else f"{anchor}-{count}")
    return result


def links(text: str) -> Iterator[str]:
    """The targets of the inline links, images and reference definitions outside code."""
    for line in _prose_lines(text):
        definition = _REFERENCE_DEFINITION.match(line)
        if definition:
            yield definition.group(1)
            continue
        yield from _INLINE_LINK.findall(_INLINE_CODE.sub("", line))


def broken_links(page: Path, root: Path) -> list[str]:
    """Each relative link of `page` that names a missing file, or a heading its Markdown target lacks."""
    problems: list[str] = []
    for target in links(page.read_text(encoding="utf-8")):
        if _SCHEME.match(target) or target.startswith("//"):
            continue  # an absolute URL: not this repository's to check
        path_part, _, fragment = target.partition("#")
        resolved = page if not path_part else (page.parent / path_part).resolve()
        where = f"{page.relative_to(root)}: ({target})"
        if not resolved.exists():
            problems.append(f"{where}: no such file")
            continue
        if fragment and resolved.suffix == ".md" and fragment not in anchors(resolved.read_text("utf-8")):
            problems.append(f"{where}: no heading with anchor #{fragment}")
    return problems


def markdown_files(root: Path) -> list[Path]:
    """The repository's *.md files: tracked ones and new ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(root / name for name in listed if (root / name).is_file())


def test_github_anchor_follows_githubs_rules() -> None:
    assert github_anchor("How the gate waits inside `pulumi up`, and why") == (
        "how-the-gate-waits-inside-pulumi-up-and-why"
    )
    assert github_anchor("What the engine does (v3.274.1, file backend)") == (
        "what-the-engine-does-v32741-file-backend"
    )
    assert github_anchor("The local endpoint `twinmaker_local`") == "the-local-endpoint-twinmaker_local"
    assert github_anchor("See [the gate](docs/gate.md) first") == "see-the-gate-first"


def test_a_repeated_heading_gets_a_numbered_anchor_and_code_blocks_hold_no_headings() -> None:
    text = "# Setup\n\n## Setup\n\n```sh\n# not a heading\n```\n"
    assert anchors(text) == {"setup", "setup-1"}


def test_the_checker_names_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# The page\n\n## Real section\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "[ok](docs/page.md#real-section) [self](#top) [web](https://example.com/x.md#nope)\n"
        "[gone](docs/missing.md) [bad](docs/page.md#no-such-section) `[code](not/a/link.md)`\n"
        "```\n[fenced](not/a/link/either.md)\n```\n"
        "# Top\n[ref]: docs/also-missing.md\n"
    )
    assert broken_links(readme, tmp_path) == [
        "README.md: (docs/missing.md): no such file",
        "README.md: (docs/page.md#no-such-section): no heading with anchor #no-such-section",
        "README.md: (docs/also-missing.md): no such file",
    ]


def test_every_relative_link_in_the_repository_resolves() -> None:
    pages = markdown_files(ROOT)
    assert ROOT / "README.md" in pages
    problems = [problem for page in pages for problem in broken_links(page, ROOT)]
    assert problems == []


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail to docs/"
