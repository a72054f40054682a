"""A tiny name -> factory registry shared by datasets, models and loss terms.

Listing a registry is how the CLI and the UI learn what exists, so nothing keeps a second list by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar

from .errors import UserError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    name: str
    factory: T
    meta: dict[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """Maps a name to a factory plus free-form metadata (modality, capabilities, a one-line summary)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}
        self._resolvers: list[Callable[[str], bool]] = []

    def add_resolver(self, resolve: Callable[[str], bool]) -> None:
        """``resolve(name)`` registers ``name`` on demand and says whether it could (a dataset uploaded after this
        process started, found on disk by a worker)."""
        self._resolvers.append(resolve)

    def _known(self, name: object) -> bool:
        return name in self._entries or (isinstance(name, str) and any(r(name) for r in self._resolvers))

    def register(self, name: str, **meta: Any) -> Callable[[T], T]:
        def decorate(factory: T) -> T:
            if name in self._entries:
                raise KeyError(f"{self.kind} {name!r} is registered twice")
            self._entries[name] = Entry(name, factory, meta)
            return factory

        return decorate

    def remove(self, name: str) -> None:
        """Unregister ``name`` (a plug-in loaded for a while, such as a test's throw-away loss term)."""
        del self._entries[name]

    def get(self, name: str) -> Entry[T]:
        self._known(name)
        try:
            return self._entries[name]
        except KeyError:
            raise UserError("registry.unknown", "unknown {what} {name!r}; choose one of: {choices}", what=self.kind,
                            name=str(name)[:70], choices=", ".join(self.names())) from None

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return self._known(name)
