"""A browser tab without the browser: one session's conversation with a Streamlit server over ``/_stcore/stream``.

The load test needs thirty students on a 2-core machine. A Chromium tab costs the machine a good part of a core while
it renders, and an AppTest client parses every message inside the server's own process, under the same interpreter
lock as the sessions it times. This client speaks Streamlit's websocket protocol (``BackMsg`` protobufs out,
``ForwardMsg`` protobufs in) from a process of its own, as the frontend does: it asks for a page by its URL path,
sets a widget by its key, clicks a button, and reruns the page's ``run_every`` fragments on their timers. It renders
nothing, and keeps only what a test reads: the elements of the page, its widgets by key, and the fragments' timers.

    async with StreamlitTab("http://127.0.0.1:8501", "lang=en&ws=load-03") as tab:
        await tab.open("distill")
        await tab.set("distill_epochs", 5)
        await tab.click("distill_run")
        await tab.follow_fragments(deadline)  # until a fragment reruns the page and no timer is left
"""
from __future__ import annotations

import asyncio
import dataclasses
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect


@dataclasses.dataclass
class Reply:
    """What one request brought back, up to the end of the last script execution it caused."""

    round_trip_s: float  # request sent -> the script finished (as the browser sees it)
    full_runs: int  # executions of the whole page (a fragment that calls st.rerun() causes one)
    fragment_runs: int


class StreamlitTab:
    """One Streamlit session, driven request by request: each method sends one ``rerun_script`` and waits until the
    script has finished (a fragment rerun that reruns the page included)."""

    def __init__(self, url: str, query_string: str):
        self.stream_url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.query_string = query_string
        self.session_id: str | None = None
        self.page = ""
        self.elements: dict[tuple[int, ...], object] = {}  # delta path -> Element, the page as last drawn
        self.timers: dict[str, float] = {}  # fragment id -> run_every seconds, as declared by the page
        self.widgets: dict[str, WidgetState] = {}  # widget id -> the value this tab set
        self._socket = None

    async def __aenter__(self) -> StreamlitTab:
        # max_size None: a page's figures arrive in one message of a few MiB
        self._socket = await connect(self.stream_url, subprotocols=["streamlit"], max_size=None,
                                     open_timeout=120, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._socket.close()

    # ---- what a user does ----

    async def open(self, page: str) -> Reply:
        """Go to the page at URL path ``page`` ("" for the default one), as a link in the sidebar does."""
        self.page, self.widgets = page, {}
        return await self._rerun()

    async def set(self, key: str, value) -> Reply:
        """Give the widget made with ``key=key`` a new value (a number input here: int or float by its type)."""
        element = self.widget(key)
        state = WidgetState(id=element.id)
        if isinstance(element, NumberInput):
            if element.data_type == NumberInput.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        else:
            raise TypeError(f"setting a {type(element).__name__} is not supported")
        self.widgets[element.id] = state
        return await self._rerun()

    async def click(self, key: str) -> Reply:
        """Press the button made with ``key=key``: its trigger is true for this one rerun."""
        return await self._rerun(extra=[WidgetState(id=self.widget(key).id, trigger_value=True)])

    async def follow_fragments(self, deadline: float) -> list[Reply]:
        """Rerun each ``run_every`` fragment on its own timer, as the browser does, until a rerun of the whole page
        declares no timer (the live view has ended); ``deadline`` is a ``time.monotonic()``. Returns the replies."""
        due = {fragment: time.monotonic() + every for fragment, every in self.timers.items()}
        replies: list[Reply] = []
        while due:
            fragment = min(due, key=due.get)
            if due[fragment] > deadline:
                raise TimeoutError(f"still polling {self.page!r} at the deadline")
            await asyncio.sleep(max(0.0, due[fragment] - time.monotonic()))
            replies.append(reply := await self._rerun(fragment=fragment))
            if reply.full_runs:
                due = {f: time.monotonic() + every for f, every in self.timers.items()}
            elif fragment in self.timers:
                due[fragment] = max(due[fragment] + self.timers[fragment], time.monotonic())
            else:
                due.pop(fragment)
        return replies

    # ---- what the page shows ----

    def widget(self, key: str):
        """The widget made with ``key=key`` on the page as last drawn (Streamlit ends such a widget's id with it)."""
        for element in self.elements.values():
            kind = element.WhichOneof("type")
            inner = getattr(element, kind) if kind else None
            if inner is not None and getattr(inner, "id", "").endswith(f"-{key}"):
                return inner
        raise LookupError(f"no widget with key {key!r} on page {self.page!r}")

    def texts(self, *kinds: str) -> list[str]:
        """The bodies of the page's elements of these kinds (e.g. "markdown", "alert", "heading")."""
        return [getattr(element, kind).body for element in self.elements.values()
                if (kind := element.WhichOneof("type")) in kinds]

    def exceptions(self) -> list[str]:
        return [f"{e.exception.type}: {e.exception.message}" for e in self.elements.values()
                if e.WhichOneof("type") == "exception"]

    # ---- the protocol ----

    async def _rerun(self, fragment: str | None = None, extra: list[WidgetState] = ()) -> Reply:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = self.query_string, self.page
        state.widget_states.widgets.extend([*self.widgets.values(), *extra])
        if fragment:
            state.fragment_id, state.is_auto_rerun = fragment, True
        sent = time.monotonic()
        await self._socket.send(msg.SerializeToString())
        full = fragments = 0
        while True:
            incoming = ForwardMsg()
            incoming.ParseFromString(await self._socket.recv())
            kind = incoming.WhichOneof("type")
            if kind == "new_session":  # a run starts; of the whole page when it names no fragment
                if incoming.new_session.HasField("initialize"):
                    self.session_id = self.session_id or incoming.new_session.initialize.session_id
                if not incoming.metadata.run.fragment_ids:  # the frontend forgets the old page
                    self.elements, self.timers, full = {}, {}, full + 1
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                self.elements[tuple(incoming.metadata.delta_path)] = incoming.delta.new_element
            elif kind == "page_info_changed":  # the page set st.query_params: the browser's URL follows
                self.query_string = incoming.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.timers[incoming.auto_rerun.fragment_id] = incoming.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for stopped in incoming.stop_auto_rerun.fragment_ids:
                    self.timers.pop(stopped, None)
            elif kind == "script_finished":
                fragments += incoming.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                if incoming.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return Reply(time.monotonic() - sent, full, fragments)
