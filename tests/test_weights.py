"""Every loss term is weighted the same way, by ``terms[name]``; the older names alpha, beta and gamma still read.

The registry keeps each weight's older name and letter (soft → alpha, α; attention → beta, β; representation →
gamma, γ), and ``kdlab.migrate`` is the one function that reads the older names: a config, a link, a stored run, a
sweep axis and the CLI flag each give the same weights. The pages word every weight from the registry, and no
hand-written weight handling is left anywhere else (an AST scan, shown to catch planted cases).
"""
from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path

import pytest

from kdlab import RunConfig
from kdlab.cli import build_parser, main
from kdlab.cli.args import config_from_args
from kdlab.config_io import config_from_json, config_from_query, config_to_query
from kdlab.losses import term, terms, weight_aliases
from kdlab.runs import tables
from kdlab.runs.store import RunStore
from kdlab.sweeps.spec import SweepSpec, parse_axis
from kdlab.viz.summary import loss_formula_latex
from ui import text as i18n

ROOT = Path(__file__).resolve().parent.parent
PAIR = dict(teacher="cnn-large", student="cnn-small")  # both have activation maps and features: every weight applies
OLD = {"alpha": 0.3, "beta": 100.0, "gamma": 10.0, "terms": {"relational": 1.0}}  # as an earlier kdlab wrote them
WEIGHTS = {"soft": 0.3, "attention": 100.0, "representation": 10.0, "relational": 1.0}


def old_record(**weights) -> dict:
    """A whole config as an earlier kdlab stored it: every field of today's but ``terms``, and alpha, beta, gamma."""
    fields = {k: v for k, v in RunConfig(**PAIR).to_dict().items() if k != "terms"}
    return {**fields, "alpha": 0.9, "beta": 0.0, "gamma": 0.0, "terms": {}, **weights}


def test_the_registry_holds_the_one_table_of_older_names_and_letters():
    assert weight_aliases() == {"alpha": "soft", "beta": "attention", "gamma": "representation"}
    assert {spec.name: spec.weight_letter for spec in terms() if spec.alias} == {
        "soft": "α", "attention": "β", "representation": "γ"}
    assert term("soft").weight_label("en") == "α — soft targets" and term("soft").weight_label("zh") == "α —— 软目标"
    assert term("dkd").weight_label("en") == term("dkd").label["en"]  # no letter: the term's label alone


def test_every_term_is_weighted_by_terms_and_cross_entropy_by_one_minus_the_soft_weight():
    config = RunConfig(terms={spec.name: 0.25 for spec in terms() if not spec.complement})
    assert {spec.name: spec.weight_in(config) for spec in terms()} == {
        spec.name: 0.75 if spec.complement else 0.25 for spec in terms()}
    assert term("ce").weight_in(RunConfig(terms={"soft": 0.0})) == 1.0


def test_a_term_left_out_keeps_its_default_and_a_zero_weight_is_dropped_unless_its_default_is_on():
    assert RunConfig().terms == {"soft": 0.9}
    assert RunConfig(terms={"dkd": 1.0}).terms == {"soft": 0.9, "dkd": 1.0}
    assert RunConfig(terms={"soft": 0.0, "attention": 0.0}).terms == {"soft": 0.0}
    assert RunConfig(terms={"attention": 0.0}) == RunConfig()


def test_the_formula_keeps_one_minus_alpha_for_cross_entropy_and_shows_the_lettered_weights_at_zero():
    latex = loss_formula_latex(RunConfig(terms={"soft": 0.0, "dkd": 2.0}))
    assert latex.startswith(r"\begin{aligned}\mathcal{L} = {}& 1\,\mathrm{CE}(y, s) + 0\cdot 4^{2}")
    assert r"0\,\mathcal{L}_{att}" in latex and r"\mathcal{L}_{MSE}" not in latex
    assert r"\\ &+ 2\,\mathcal{L}_{DKD}\end{aligned}" in latex  # a further term on a line of its own


def test_an_old_config_dict_loads_with_the_same_weights():
    assert RunConfig.from_dict({**PAIR, **OLD}).terms == WEIGHTS
    assert RunConfig.from_dict(old_record(**OLD)).terms == WEIGHTS
    assert config_from_json(json.dumps(old_record(**OLD))).terms == WEIGHTS  # an uploaded file
    assert RunConfig.from_dict(old_record()).terms == {"soft": 0.9}  # the old defaults are today's
    with pytest.raises(ValueError, match="alpha is the older name of terms.soft"):
        RunConfig.from_dict({"alpha": 0.3, "terms": {"soft": 0.5}})


def test_an_old_link_loads_with_the_same_weights_and_a_bad_old_value_is_named_by_its_own_key():
    config, problems = config_from_query({"alpha": "0.3", "beta": "100", "gamma": "10", "terms": "relational=1",
                                          "student": "cnn-small"})
    assert problems == [] and config.terms == WEIGHTS
    config, problems = config_from_query({"alpha": "7", "temperature": "2"})
    assert [str(p) for p in problems] == ["alpha=7: terms.soft must be in [0, 1], got 7.0"]
    assert (config.temperature, config.terms) == (2.0, {"soft": 0.9})
    dkd = RunConfig(terms={"soft": 0.0, "dkd": 1.0})
    assert config_to_query(dkd) == {"terms": "soft=0,dkd=1"} and config_from_query(config_to_query(dkd)) == (dkd, [])


def set_stored_config(store: RunStore, run_id: str, config: dict) -> None:
    """Overwrite a run's stored config as an earlier kdlab wrote it (the store itself never writes old names)."""
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE runs SET config = ? WHERE id = ?", (json.dumps(config), run_id))


def test_an_old_run_in_the_store_opens_with_the_same_weights_in_history(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    run_id = store.create(RunConfig(**PAIR).to_dict(), "old")
    set_stored_config(store, run_id, old_record(**OLD))
    record = store.get(run_id)
    assert RunConfig.from_dict(record.config).terms == WEIGHTS  # re-run, re-open, Compare (``load_run``)
    row = tables.run_row(record)
    assert {column: row[column] for column in tables.weight_columns() if row[column]} == {
        f"terms.{name}": weight for name, weight in WEIGHTS.items()}
    assert tables.short_label(record.config) == "T=4 α=0.3 β=100 γ=10 relational=1"
    assert tables.method_parts(record.config) == ["soft", "attention", "representation", "relational"]
    new_id = store.create(RunConfig(**PAIR, terms=WEIGHTS).to_dict(), "old")
    assert tables.tuning_key(store.get(new_id).config) == tables.tuning_key(record.config)  # one T × α map


def test_the_cli_alpha_beta_gamma_flags_are_those_terms_weights(capsys):
    args = build_parser().parse_args(["distill", "--alpha", "0.7", "--beta", "100", "--gamma", "10",
                                      "--term", "relational=1", "--student", "cnn-small"])
    assert config_from_args(args).terms == {"soft": 0.7, "attention": 100.0, "representation": 10.0, "relational": 1}
    assert config_from_args(build_parser().parse_args(["distill", "--alpha", "0.7"])).terms["soft"] == 0.7
    assert config_from_args(build_parser().parse_args(["distill", "--term", "soft=0.7"])).terms["soft"] == 0.7
    assert config_from_args(build_parser().parse_args(["distill"])).terms == {"soft": 0.9}
    assert main(["distill", "--alpha", "0.5", "--term", "soft=0.7", "--no-record"]) == 2
    assert "alpha is the older name of terms.soft" in capsys.readouterr().err


def test_an_old_sweep_axis_is_the_soft_weight_in_a_new_sweep_and_a_stored_one():
    stored = SweepSpec.from_dict({"base": old_record(alpha=0.5, epochs=1), "axes": {"alpha": [0.5, 0.9]}})
    made = SweepSpec(RunConfig(**PAIR).to_dict(), axes=dict([parse_axis("alpha=0.5,0.9")]))
    for spec in (stored, made):
        assert spec.axes == {"terms.soft": [0.5, 0.9]} and spec.base["terms"]["soft"] in (0.5, 0.9)
        assert [cell for cell in spec.cells()] == [{"terms.soft": 0.5}, {"terms.soft": 0.9}]


# --- no hand-written weight handling outside the registry and the migration -------------------------------------

OLD_NAMES = ("alpha", "beta", "gamma")
NAMED = re.compile(r"(?<![A-Za-z])(alpha|beta|gamma)(?![A-Za-z])")  # "distill.alpha", "--beta"; not "alphabet"
ALLOWED = {  # where an older name may still be written, and why
    "kdlab/losses": "the registry: each weight declares its older name (alias); GKD's knob is the paper's beta",
    "kdlab/migrate.py": "the one migration: it reads the older names, from the registry's table",
    "kdlab/mixup.py": "mixup's own Beta(α, α) (Zhang et al. 2018), not a loss weight",
}


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    return {id(n.body[0].value) for n in nodes if n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}


def weight_handling(source: str) -> list[str]:
    """Every place a source handles a weight by an older name: an attribute (``config.alpha``), a keyword or a
    parameter (``alpha=``), a name, or a string naming it as a key (``"alpha"``, ``"distill.beta"``, ``--gamma``);
    docstrings and comments, which explain the formula, are not handling."""
    tree = ast.parse(source)
    docstrings, found = _docstrings(tree), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in OLD_NAMES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg in OLD_NAMES:
            found.append(f"line {node.value.lineno}: {node.arg}=")
        elif isinstance(node, ast.arg) and node.arg in OLD_NAMES or isinstance(node, ast.Name) and node.id in OLD_NAMES:
            found.append(f"line {node.lineno}: {getattr(node, 'arg', None) or node.id}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and NAMED.search(node.value) and " " not in node.value.strip():
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


def product_files() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "kdlab").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
             *(ROOT / "app_pages").rglob("*.py")]
    return [f for f in files if not any(f.relative_to(ROOT).as_posix().startswith(a) for a in ALLOWED)]


def test_the_scan_finds_planted_weight_handling_and_passes_over_prose():
    planted = '''"""A docstring may say alpha."""
def f(config, tr, RunConfig, alpha):
    """So may this one: beta."""
    return (config.alpha, RunConfig(beta=1.0), tr("distill.gamma"), {"alpha": 0.9}, "--beta", alpha,
            "the soft targets' alpha is 0.9 here")
'''
    found = weight_handling(planted)
    assert len(found) == 7, found  # the parameter, .alpha, beta=, "distill.gamma", "alpha", "--beta", alpha
    assert not weight_handling('"""alpha, beta and gamma."""\nx = "alphabetical"  # alpha\n')


def test_no_hand_written_weight_handling_outside_the_registry_and_the_migration():
    found = {f.relative_to(ROOT).as_posix(): hits for f in product_files()
             if (hits := weight_handling(f.read_text(encoding="utf-8")))}
    assert not found, found


def test_no_text_key_names_or_labels_a_weight_the_registry_labels():
    letters = [spec.weight_letter for spec in terms() if spec.alias]
    label = re.compile(rf"^\s*({'|'.join(letters)})\s*(—|\(|（|$)")  # "α", "α — …", "β (the weight of …)"
    bad = {key: entry for key, entry in i18n.TEXT.items()
           if NAMED.search(key) or any(label.match(words) for words in entry.values())}
    assert not bad, bad


def test_no_knob_label_reuses_a_letter_that_names_a_weight():
    letters = {spec.weight_letter for spec in terms() if spec.alias}
    labels = [(spec.name, key, words) for spec in terms() for key, knob in spec.knobs.items()
              for words in (*knob.label.values(), *(w for c in knob.choice_labels.values() for w in c.values()))]
    labels += [("sweep", key, words) for key, entry in i18n.TEXT.items() if key.startswith("sweep.setting.")
               for words in entry.values()]  # the Sweep page's settings sit beside the weights' axes
    assert labels and not [(name, key, words) for name, key, words in labels if letters & set(words)]
