"""Methods: every registered distillation method on the Distill form's pair, data and schedule, over a few seeds,
through the job queue; the table and the chart fill in as runs finish, rebuilt from the run store on every poll."""
import json

import pandas as pd
import streamlit as st

from kdlab import RunConfig
from kdlab.methods import methods, plan, progress, table
from kdlab.serve.admission import admit
from kdlab.viz import figures
from ui.common import browser_key, lang, plain, runner, submit, tr, workspace

POLL_SECONDS = 2.0
MAX_SEEDS = 5
COLUMNS = ("method", "n", "acc_mean", "acc_std", "macro_f1_mean", "gain_mean", "gain_low", "gain_high",
           "seconds_mean", "paper")


def chosen() -> tuple[list[str], list[int]]:
    names = list(methods())
    picked = st.multiselect(tr("methods.pick"), names, st.session_state.get("methods_pick", names),
                            key="methods_pick", format_func=lambda m: f"{m} — {methods()[m].text('label', lang())}")
    seeds = st.number_input(tr("methods.seeds"), 1, MAX_SEEDS, 3, key="methods_seeds", help=tr("methods.seeds_help"))
    return picked, list(range(int(seeds)))


def admitted_plan(base: RunConfig, names: list[str], seeds: list[int]):
    """The plan, each run's config as this server will run it (what the store records, so runs are matched)."""
    the_plan = plan(base, names, seeds)
    settings = runner().settings
    return the_plan, [(m, s, admit(c, settings).config) for m, s, c in the_plan.runs]


def plan_key(runs) -> str:
    return json.dumps([(m, s, c.to_dict()) for m, s, c in runs], sort_keys=True)


@st.fragment(run_every=POLL_SECONDS)
def comparison(runs, skipped: dict) -> None:
    """Submit the next runs while this browser has free slots, then draw where the comparison stands."""
    store = runner().store
    state = progress(runs, store.list(workspace()))
    if st.session_state.get("methods_launched") == plan_key(runs) and state.missing:
        free = runner().settings.max_runs_per_browser - store.active_count(browser_key())
        for _, _, config in state.missing[:max(free, 0)]:
            try:
                submit(config)
            except ValueError as err:  # the queue is full: try again at the next poll
                st.caption(tr("methods.waiting", message=str(err)))
                break
    total = len(runs)
    st.progress(state.done / max(total, 1), text=tr("methods.progress", done=state.done, total=total))
    for name, seed, error in state.failed:
        st.error(tr("methods.failed", method=name, seed=seed, message=error))
    if not state.results:
        return
    rows = table(state.results, skipped)
    frame = pd.DataFrame([r for r in rows if "skipped" not in r], columns=COLUMNS).round(2)
    st.dataframe(frame.rename(columns=lambda c: tr(f"methods.col.{c}")), hide_index=True)
    st.plotly_chart(figures.method_gains(rows, labels={k: tr(f"methods.fig.{k}") for k in (
        "methods_title", "method", "gain_points")}), width="stretch", key="methods_chart")
    for row in rows:
        if "skipped" in row or row["baseline"] or row["gain_mean"] is None:
            continue
        values = dict(method=row["method"], gain=f"{row['gain_mean']:+.2f}", n=row["n"],
                      low="—" if row["gain_low"] is None else f"{row['gain_low']:+.2f}",
                      high="—" if row["gain_high"] is None else f"{row['gain_high']:+.2f}")
        st.markdown(tr(f"methods.verdict_{row['verdict']}", **values))
    for name, reason in skipped.items():
        st.caption(tr("methods.skipped", method=name, reason=reason))
    if not state.missing and not state.active:
        st.session_state["methods_launched"] = None


st.title(tr("methods.title"))
st.markdown(tr("methods.intro"))
base = st.session_state.get("distill_config", RunConfig())
st.caption(tr("methods.base", dataset=plain(base.dataset), teacher=plain(", ".join(base.teachers)),
              student=plain(base.student), epochs=base.epochs))
names, seeds = chosen()
try:
    the_plan, runs = admitted_plan(base, names, seeds)
except ValueError as err:
    st.error(tr("common.error", message=str(err)))
    st.stop()
if st.button(tr("methods.run", runs=len(runs)), type="primary", key="methods_run", disabled=not runs):
    st.session_state["methods_launched"] = plan_key(runs)  # another plan (the form changed) is not submitted
st.caption(tr("methods.run_help"))
comparison(runs, the_plan.skipped)
