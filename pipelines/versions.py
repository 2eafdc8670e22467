"""Versions derived from what they depend on, so they cannot drift.

Each article records the versions of the code that produced its stored fields. A hand-bumped
number is forgotten (a commit once changed the line patterns under `body_hash` and bumped
nothing), so each version here is a digest of what its output depends on: the source of the
modules (their rules, patterns and named constants), the data files they read (the lexicon) and
the versions of the libraries under them. Comments and docstrings are left out of the digest
(the modules' syntax trees are hashed without them), so rewording a note does not make the
whole archive stale; any change to code, a constant or a pattern does.

- `EXTRACTOR`: title, body, date, 来源, author (`extract.EXTRACTOR_VERSION` + digest);
- `DEDUPE`: the normalised text under `body_hash` and the story index (normalisation, the
  boilerplate line patterns it drops, script folding, the LSH bands); the story index rebuilds
  itself when it changes (`dedupe.index.INDEX_VERSION`);
- `CLAIMS`: the figures claimed in burden-reduction articles (`pipelines.claims`: its rules,
  the gazetteer of regions, cn2an);
- classification: `pipelines.classify` derives `CLASSIFIER_VERSION` from its own rules and
  model with `derive()` (issue 12).

`jianfu reprocess --stale` re-processes exactly the articles whose stored versions differ from
these (`stale_condition`).
"""

from __future__ import annotations

import ast
import hashlib
from importlib import metadata
from pathlib import Path

PIPELINES = Path(__file__).resolve().parent

# What each version depends on: modules and data files (relative to pipelines/), libraries.
EXTRACTOR_SOURCES = ("extract.py", "boilerplate.py", "headline.py", "dates.py", "byline.py", "decode.py")
EXTRACTOR_LIBRARIES = ("trafilatura", "lxml", "justext", "htmldate")
DEDUPE_SOURCES = ("dedupe/normalise.py", "dedupe/keys.py", "boilerplate.py", "textfold.py")
DEDUPE_LIBRARIES = ("opencc-python-reimplemented", "numpy")
CLAIMS_SOURCES = ("claims.py", "regions.py")
CLAIMS_LIBRARIES = ("cn2an", "cpca")
DIGEST_CHARS = 12


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return tree


def source_digest_input(path: Path) -> bytes:
    """What a file contributes to a digest: a Python module's syntax tree without docstrings
    (comments are not in it), any other file's bytes (the lexicon, a model)."""
    data = path.read_bytes()
    if path.suffix == ".py":
        return ast.dump(_strip_docstrings(ast.parse(data, filename=str(path)))).encode()
    return data


def library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def derive(label: str, files=(), constants=(), libraries=()) -> str:
    """`label+digest`: the digest of `files` (paths, or names relative to pipelines/), the
    `repr` of `constants` and the installed versions of `libraries`. What the classifier (or
    any stage) calls to name its version after what it depends on."""
    h = hashlib.sha256()
    for f in files:
        path = Path(f) if Path(f).is_absolute() else PIPELINES / f
        h.update(str(f).encode() + b"\0" + source_digest_input(path) + b"\0")
    for c in constants:
        h.update(repr(c).encode() + b"\0")
    for lib in libraries:
        h.update(f"{lib}={library_version(lib)}".encode() + b"\0")
    return f"{label}+{h.hexdigest()[:DIGEST_CHARS]}"


def _extractor_label() -> str:
    """extract.EXTRACTOR_VERSION, read from the source (importing extract here would make every
    importer of versions pay for trafilatura)."""
    tree = ast.parse((PIPELINES / "extract.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXTRACTOR_VERSION" for t in node.targets):
            return str(ast.literal_eval(node.value))
    return "extractor"


EXTRACTOR = derive(_extractor_label(), EXTRACTOR_SOURCES, libraries=EXTRACTOR_LIBRARIES)
DEDUPE = derive("dedupe", DEDUPE_SOURCES, libraries=DEDUPE_LIBRARIES)
CLAIMS = derive("claims-1", CLAIMS_SOURCES, libraries=CLAIMS_LIBRARIES)


def current(classifier_version: str) -> dict[str, str]:
    """The versions an article processed now gets, by column."""
    return {"extractor_version": EXTRACTOR, "dedupe_version": DEDUPE, "classifier_version": classifier_version,
            "claims_version": CLAIMS}


def stale_condition(wanted: dict[str, str], alias: str = "a") -> tuple[str, list[str]]:
    """SQL condition (and parameters) true for an article whose stored versions differ from
    `wanted` (column -> version: `current(...)`, or just the classifier's for re-classifying)."""
    return ("(" + " OR ".join(f"{alias}.{c} IS NOT ?" for c in wanted) + ")", list(wanted.values()))
