"""A small finite-state probabilistic grammar whose every answer is exact: the true next-character distribution
after any prefix, whether a sentence is grammatical, and seeded samples.

A state offers a few *emissions* (a piece of text and the state it leads to) with weights; a sentence is the text
of one path from the start to the end. Within a state no emission is a prefix of another, so a prefix of characters
is read in exactly one way: the state reached, plus the characters of the emission under way. The next-character
distribution is then the weights of the emissions that continue those characters, grouped by their next
character — no estimate, no counting. That is what lets a page show the *truth* next to the teacher's and the
student's answers, and a measure say how far a model is from it (``kl_to_truth``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

END = None  # the state after the last emission: the sentence is over
BOS = EOS = "\n"  # a sequence starts with a newline and its sentence ends with one (nanoGPT's separator)


@dataclass(frozen=True)
class Grammar:
    """``states[name] = ((text, next_state, weight), ...)``; the sentence starts in ``start``. An emission leading
    to ``END`` finishes the sentence, followed by ``EOS``."""

    states: dict[str, tuple[tuple[str, str | None, float], ...]]
    start: str

    def __post_init__(self):
        for name, emissions in self.states.items():
            texts = [text for text, _, _ in emissions]
            for a in texts:
                if not a or any(b != a and b.startswith(a) for b in texts):
                    raise ValueError(f"state {name!r}: emission {a!r} is empty or a prefix of another")
            if any(nxt is not END and nxt not in self.states for _, nxt, _ in emissions):
                raise ValueError(f"state {name!r} leads to an unknown state")

    def _emissions(self, state: str | None) -> tuple[tuple[str, str | None, float], ...]:
        return () if state is END else tuple((text + (EOS if nxt is END else ""), nxt, w)
                                             for text, nxt, w in self.states[state])

    @property
    def alphabet(self) -> list[str]:
        """Every character a sentence can hold, ``EOS`` included, sorted."""
        return sorted({EOS} | {ch for s in self.states for text, _, _ in self._emissions(s) for ch in text})

    def read(self, prefix: str) -> tuple[str | None, str] | None:
        """``(state, partial)``: where ``prefix`` (the characters after ``BOS``) leaves the grammar and the
        characters of the emission under way; None when no sentence starts with ``prefix``. ``state`` is ``END``
        once the sentence, its ``EOS`` included, is complete."""
        state, partial = self.start, ""
        for ch in prefix:
            partial += ch
            matches = [(text, nxt) for text, nxt, _ in self._emissions(state) if text.startswith(partial)]
            if not matches:
                return None
            if len(matches) == 1 and matches[0][0] == partial:
                state, partial = matches[0][1], ""
        return state, partial

    def next_distribution(self, prefix: str) -> dict[str, float]:
        """The true probability of each next character after ``prefix``: empty after a finished sentence or a
        prefix no sentence starts with."""
        place = self.read(prefix)
        if place is None:
            return {}
        state, partial = place
        options = [(text[len(partial)], w) for text, _, w in self._emissions(state) if text.startswith(partial)]
        total = sum(w for _, w in options)
        out: dict[str, float] = {}
        for ch, w in options:
            out[ch] = out.get(ch, 0.0) + w / total
        return out

    def grammatical(self, sentence: str) -> bool:
        """Whether ``sentence`` (the characters after ``BOS``) is one complete sentence of the grammar, its
        ``EOS`` included."""
        return self.read(sentence) == (END, "")

    def sample(self, rng: random.Random) -> str:
        """One sentence drawn from the grammar, ending with ``EOS``."""
        state, out = self.start, ""
        while state is not END:
            emissions = self._emissions(state)
            text, state, _ = rng.choices(emissions, weights=[w for _, _, w in emissions])[0]
            out += text
        return out

    def max_length(self) -> int:
        """The longest sentence's characters, ``EOS`` included (the grammar is acyclic)."""
        def longest(state: str | None, seen: frozenset) -> int:
            if state is END:
                return 0
            if state in seen:
                raise ValueError(f"the grammar loops through state {state!r}")
            return max(len(text) + longest(nxt, seen | {state}) for text, nxt, _ in self._emissions(state))

        return longest(self.start, frozenset())
