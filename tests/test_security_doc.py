"""docs/security.md lists exactly the security requirement codes the repository cites.

The catalogue itself lives outside the repository; this test needs only the repository. When it fails,
run bin/security-codes (docs/security.md "Adding a code").
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
CODE = re.compile(r"\b(?:AC|AS|AU|CP|IN|HT|JR|DI)-\d{2}\b")
ROW = re.compile(r"^\| (?P<code>[A-Z]{2}-\d{2}) \| (?P<text>.*?) \| (?P<tests>.*) \|$", re.M)


def _cited() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]  # .venv, .git, caches
        for name in files:
            path = Path(folder) / name
            if path.suffix not in {".py", ".html", ".md"} or path == DOC:
                continue
            relative = path.relative_to(ROOT)
            for code in CODE.findall(path.read_text(encoding="utf-8", errors="replace")):
                cited.setdefault(code, set()).add(relative.as_posix())
    return cited


def _table() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- codes:start -->", 1)[1].split("<!-- codes:end -->", 1)[0]
    return {row["code"]: row["text"] for row in ROW.finditer(block)}


def test_every_cited_code_is_in_docs_security():
    missing = {code: sorted(files)[:3] for code, files in _cited().items() if code not in _table()}
    assert not missing, f"cited but not in docs/security.md (run bin/security-codes): {missing}"


def test_docs_security_lists_no_code_that_nothing_cites():
    stale = sorted(set(_table()) - set(_cited()))
    assert not stale, f"in docs/security.md but cited nowhere (run bin/security-codes): {stale}"


def test_every_code_in_docs_security_says_what_it_requires():
    undescribed = [code for code, text in _table().items() if not text.strip() or text.startswith("(")]
    assert not undescribed, f"describe these in docs/security.md: {undescribed}"
