"""Methods: every registered distillation method on the Distill form's pair, data and schedule, over a few seeds,
through the job queue; the table and the chart fill in as runs finish, rebuilt from the run store on every poll."""
import json

import pandas as pd
import streamlit as st

from kdlab import RunConfig
from kdlab.sweeps.methods import methods, plan, progress, table, written
from kdlab.runs.comparisons import Comparisons
from kdlab.policy.admission import admit
from kdlab.viz import figures, numbers
from ui import text as i18n
from ui.common import browser_key, error_text, lang, plain, runner, submit, tr, workspace
from ui.sweep_views import plural

POLL_SECONDS = 2.0
MAX_SEEDS = 5
COLUMNS = ("method", "n", "acc_mean", "acc_std", "macro_f1_mean", "gain_mean", "gain_low", "gain_high",
           "seconds_mean", "paper")


def chosen() -> tuple[list[str], list[int]]:
    names = list(methods())
    # worded now, in this run's language, and shown as they are (not Markdown): the widget's value is kept as these
    # labels, and a label worded later (another language) would not match it
    labels = {m: i18n.t("methods.option", lang(), method=m, term=methods()[m].text("label", lang())) for m in names}
    picked = st.multiselect(tr("methods.pick"), names, st.session_state.get("methods_pick", names),
                            key="methods_pick", format_func=labels.get, placeholder=tr("common.choose"))
    seeds = st.number_input(tr("methods.seeds"), 1, MAX_SEEDS, 3, key="methods_seeds", help=tr("methods.seeds_help"))
    return picked, list(range(int(seeds)))


def admitted_plan(base: RunConfig, names: list[str], seeds: list[int]):
    """The plan, each run's config as this server will run it (what the store records, so runs are matched)."""
    the_plan = plan(base, names, seeds)
    settings = runner().settings
    return the_plan, [(m, s, admit(c, settings).config) for m, s, c in the_plan.runs]


def plan_key(runs) -> str:
    return json.dumps([(m, s, c.to_dict()) for m, s, c in runs], sort_keys=True)


def restore_launched() -> None:
    """A new session (a refresh, another tab) picks up the comparison this browser launched last, while it still
    has runs to go: its pair, methods and seeds fill the form and it keeps being fed, so the page shows it and Run
    cannot start a different comparison by accident. Asked once per session."""
    if st.session_state.get("methods_restored"):
        return
    st.session_state["methods_restored"] = True
    launched = Comparisons(runner().store).latest(browser_key(), workspace())
    if launched is None or st.session_state.get("methods_launched"):
        return
    try:
        base = RunConfig.from_dict(launched.base)
        _, runs = admitted_plan(base, launched.methods, launched.seeds)
    except ValueError:  # the server's settings changed since: that comparison cannot go on as it was
        return
    state = progress(runs, runner().store.list(workspace()))
    if state.missing or state.active:
        st.session_state.update(methods_base=base, methods_pick=launched.methods, methods_seeds=len(launched.seeds),
                                methods_launched=plan_key(runs))


def verdict(row: dict) -> str:
    """One method's verdict in words: "0.8 points below the baseline", never "below by -0.84"."""
    shown = written(row)
    interval = (tr("methods.interval", low=shown["gain_low"], high=shown["gain_high"])
                if row["gain_low"] is not None else tr("methods.no_interval"))
    gain = shown["gain_mean"] if row["verdict"] == "no_difference" else numbers.points(row["gain_mean"] / 100)
    return tr(f"methods.verdict_{row['verdict']}", method=row["method"], gain=gain, interval=interval,
              seeds=plural("methods.seeds_count", row["n"]))


@st.fragment(run_every=POLL_SECONDS)
def comparison(runs, skipped: dict) -> None:
    """Submit the next runs while this browser has free slots, then draw where the comparison stands."""
    store = runner().store
    state = progress(runs, store.list(workspace()))
    if st.session_state.get("methods_launched") == plan_key(runs) and state.missing:
        free = runner().settings.max_runs_per_browser - store.active_count(browser_key())
        for _, _, config in state.missing[:max(free, 0)]:
            try:
                submit(config, source="methods")
            except ValueError as err:  # the queue is full: try again at the next poll
                st.caption(tr("methods.waiting", message=error_text(err)))
                break
    total = len(runs)
    st.progress(state.done / max(total, 1), text=tr("methods.progress", done=state.done, total=total))
    for name, seed, error in state.failed:
        st.error(tr("methods.failed", method=name, seed=seed, message=error))
    if not state.results:
        return
    rows = table(state.results, skipped)
    frame = pd.DataFrame([written(r) for r in rows if "skipped" not in r], columns=COLUMNS)
    st.dataframe(frame.rename(columns=lambda c: tr(f"methods.col.{c}")), hide_index=True)
    st.plotly_chart(figures.method_gains(rows, labels={k: tr(f"methods.fig.{k}") for k in (
        "methods_title", "method", "gain_points")}), width="stretch", key="methods_chart")
    for row in rows:
        if "skipped" in row or row["baseline"] or row["gain_mean"] is None:
            continue
        st.markdown(verdict(row))
    for name, reason in skipped.items():
        st.caption(tr("methods.skipped", method=name, reason=reason))
    if not state.missing and not state.active:
        st.session_state["methods_launched"] = None
        st.session_state.pop("methods_base", None)


st.title(tr("methods.title"))
st.markdown(tr("methods.intro"))
restore_launched()
base = st.session_state.get("methods_base") or st.session_state.get("distill_config", RunConfig())
st.caption(tr("methods.base", dataset=plain(base.dataset), teacher=plain(", ".join(base.teachers)),
              student=plain(base.student), epochs=plural("methods.epochs_count", base.epochs)))
names, seeds = chosen()
try:
    the_plan, runs = admitted_plan(base, names, seeds)
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()
if st.button(tr("methods.run", runs=len(runs)), type="primary", key="methods_run", disabled=not runs):
    st.session_state["methods_launched"] = plan_key(runs)  # another plan (the form changed) is not submitted
    Comparisons(runner().store).launch(browser_key(), workspace(), base.to_dict(), names, seeds)
st.caption(tr("methods.run_help"))
comparison(runs, the_plan.skipped)
