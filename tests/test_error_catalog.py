"""Every error a user can meet is in one catalog, read from the code itself: each ``require``, ``UserError`` (and
subclass) and ``Phrase`` call of ``kdlab`` names a key and an English template, both written out; each key is raised
in one place, with one template; ``ui/text/errors.py`` words each key in Chinese with the same fields, following the
glossary. A refusal still raised as a bare ``ValueError`` is allowed only where no page can reach it.
"""
from __future__ import annotations

import ast
import string
from pathlib import Path

from ui.text.errors import ERRORS

from .test_glossary import glossary_problems

ROOT = Path(__file__).resolve().parents[1]
KEY_AT = {"require": 1, "UserError": 0, "Phrase": 0}  # where the key is among the positional arguments

# modules that still raise a bare ValueError, and why no page meets it
BARE_VALUE_ERRORS = {
    "kdlab/cli": "the command line speaks English (its flags are checked by argparse and these)",
    "kdlab/compress/export.py": "an export's failure inside a worker: the page shows the job's error as it ended",
    "kdlab/compress/lowrank.py": "a compression's failure inside a worker (as above)",
    "kdlab/compress/prune.py": "a compression's failure inside a worker (as above)",
    "kdlab/compress/quantize.py": "a compression's failure inside a worker (as above)",
    "kdlab/compress/record.py": "a compression's failure inside a worker (as above)",
    "kdlab/data/grammar.py": "a grammar registered by the code, checked when it is built",
    "kdlab/data/tokenizers.py": "hf_tokenizer: a Hugging Face tokenizer that cannot be read, like kdlab/models/hf.py",
    "kdlab/data/vision.py": "a CIFAR-10 batch on the server's disk that is not one: for the person who put it there",
    "kdlab/models/hf.py": "a Hugging Face teacher that cannot be loaded: new, not yet worded (its author's module)",
    "kdlab/lessons.py": "a lesson without a teacher assistant asked for one: a mistake in the code",
    "kdlab/lessons_verify.py": "kdlab lessons verify, a command",
    "kdlab/losses/attention.py": "maps of two sizes inside a run: the pair was admitted, so a mistake in the code",
    "kdlab/losses/base.py": "a term registered without its words: a mistake in the code, met at import",
    "kdlab/serve/ray_jobs.py": "a Ray cluster that cannot be reached: for the person who runs the server",
    "kdlab/sweeps/driver.py": "--prune and --workers, flags of the command line",
    "kdlab/sweeps/ray_executor.py": "Ray's own settings on the command line",
    "kdlab/sweeps/search.py": "optuna not installed: for the person who installs the server",
    "kdlab/teacher_warmup.py": "warm_teachers names checked when the server starts",
    "kdlab/train.py": "a teacher run not admitted: a mistake in the code",
    "kdlab/viz/attention.py": "maps that are not a grid: a mistake in the code",
}


def error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """``UserError`` and its subclasses (``QueueBusy``), by name."""
    names, grew = {"UserError"}, True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        isinstance(b, ast.Name) and b.id in names for b in node.bases):
                    names.add(node.name)
                    grew = True
    return names


def catalog(root: Path = ROOT) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Every key raised under ``root/kdlab`` with its templates and where (``path:line``), and the calls whose key
    or template is not written out (so the catalog cannot know them)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted((root / "kdlab").rglob("*.py"))}
    calls = {**KEY_AT, **dict.fromkeys(error_classes(trees) - {"UserError"}, 0)}
    found: dict[str, list[tuple[str, str]]] = {}
    unreadable = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args[calls[name]:calls[name] + 2] if name in calls else []
            if [getattr(a, "id", None) for a in args] == ["key", "template"]:  # require, passing its own on
                continue
            at = f"{path.relative_to(root)}:{node.lineno}"
            if len(args) == 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                found.setdefault(args[0].value, []).append((args[1].value, at))
            elif name in calls:
                unreadable.append(at)
    return found, unreadable


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


CATALOG, UNREADABLE = catalog()


def test_every_error_names_its_key_and_english_template_once():
    assert len(CATALOG) > 150
    assert UNREADABLE == []
    twice = {key: [at for _, at in sites] for key, sites in CATALOG.items() if len(sites) > 1}
    assert twice == {}, "one key, one place: a shared check is a function (kdlab.checks.check_whole)"


def test_every_key_has_a_chinese_wording_with_the_same_fields():
    assert sorted(set(CATALOG) - set(ERRORS)) == [], "raised but not worded in ui/text/errors.py"
    assert sorted(set(ERRORS) - set(CATALOG)) == [], "worded but raised nowhere"
    differ = {key: (sorted(fields(sites[0][0])), sorted(fields(ERRORS[key]))) for key, sites in CATALOG.items()
              if fields(sites[0][0]) != fields(ERRORS[key])}
    assert differ == {}


def test_the_error_wordings_follow_the_glossary():
    table = {key: {"en": sites[0][0], "zh": ERRORS[key]} for key, sites in CATALOG.items() if key in ERRORS}
    assert glossary_problems(table) == []


def test_the_catalog_finds_a_planted_error_without_a_wording_and_one_written_as_an_f_string(tmp_path):
    package = tmp_path / "kdlab"
    package.mkdir()
    (package / "plant.py").write_text(
        "from .errors import UserError\n\n\nclass Busy(UserError):\n    pass\n\n\n"
        "def f(x):\n    require(x > 0, 'plant.positive', 'x must be > 0, got {value}', value=x)\n"
        "    raise Busy(f'plant.{x}', 'busy')\n", encoding="utf-8")
    found, unreadable = catalog(tmp_path)
    assert found == {"plant.positive": [("x must be > 0, got {value}", "kdlab/plant.py:9")]}
    assert unreadable == ["kdlab/plant.py:10"]
    assert "plant.positive" not in ERRORS


def test_a_bare_value_error_is_raised_only_where_no_page_meets_it():
    raising = set()
    for path in (ROOT / "kdlab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    getattr(node.exc.func, "id", None) == "ValueError":
                raising.add(str(path.relative_to(ROOT)))
    allowed = {path for path in raising if any(path.startswith(prefix) for prefix in BARE_VALUE_ERRORS)}
    assert sorted(raising - allowed) == []
