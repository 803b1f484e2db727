"""The open document: a project, the folder it lives in, and events that tell the views what
changed, napari's ``EventedModel`` made tiny and Qt-free.

Attributes, top down:

- :class:`Event`: plain callbacks; ``connect``, ``disconnect``, ``emit``. A bound Python method is
  held weakly (a view that is gone is not kept alive or called), any other callable strongly.
- :class:`Change`: what one change touched: ``kind`` (clips, tracks, assets, markers; project when
  a whole project was put in place; folder when it was saved elsewhere), the ``edit`` that made it,
  the ids of the ``clips``, ``tracks`` and ``assets`` it touched, and whether it was ``undone``.
- :class:`Document`: ``project``, ``folder`` and ``events.changed``. Every change to the project
  goes through :meth:`Document.apply` / :meth:`Document.revert`, so a change made by a job is seen
  like a change made by a click, and no caller has to remember which views to refresh.
- :class:`History`: the undo/redo stack for code without Qt (CLI, tests). The editor's
  ``QUndoStack`` wraps the same ``apply``/``revert`` instead.
"""

from __future__ import annotations

import inspect
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from promodesk.core.edits import Edit
from promodesk.core.timeline import Project


class Event:
    """A list of callbacks called in the order they were connected."""

    def __init__(self) -> None:
        self._callbacks: list = []  # WeakMethod or a plain callable

    def connect(self, callback: Callable) -> Callable:
        """Call ``callback(*args)`` on every :meth:`emit`; returns it (usable as a decorator)."""
        ref = weakref.WeakMethod(callback) if inspect.ismethod(callback) else callback
        self._callbacks.append(ref)
        return callback

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback``; nothing happens if it was not connected."""
        self._callbacks = [r for r in self._callbacks if self._resolve(r) not in (callback, None)]

    def emit(self, *args) -> None:
        """Call every live callback with ``args``; callbacks of views that are gone are dropped."""
        live = []
        for ref in list(self._callbacks):
            fn = self._resolve(ref)
            if fn is not None:
                live.append(ref)
                fn(*args)
        if len(live) != len(self._callbacks):
            self._callbacks = [r for r in self._callbacks if self._resolve(r) is not None]

    def __len__(self) -> int:
        return sum(self._resolve(r) is not None for r in self._callbacks)

    @staticmethod
    def _resolve(ref):
        return ref() if isinstance(ref, weakref.WeakMethod) else ref


@dataclass(frozen=True)
class Change:
    """What one change to a document touched; the argument of ``events.changed``."""

    kind: str
    edit: Edit | None = None
    clips: frozenset[str] = frozenset()
    tracks: frozenset[str] = frozenset()
    assets: frozenset[str] = frozenset()
    undone: bool = False

    @classmethod
    def of(cls, edit: Edit, undone: bool = False) -> Change:
        """The change ``edit`` made (or, ``undone``, took back)."""
        return cls(edit.kind, edit, edit.clip_ids(), edit.track_ids(), edit.asset_ids(), undone)


class Document:
    """A project being edited and the folder holding its assets (None until it is saved)."""

    def __init__(self, project: Project | None = None, folder: Path | None = None):
        self.project = project if project is not None else Project.for_aspect("9:16")
        self.folder = Path(folder) if folder else None
        self.events = SimpleNamespace(changed=Event())

    def apply(self, edit: Edit) -> Change:
        """Apply ``edit`` and tell the views; returns the :class:`Change`. Raises ``EditError``
        with the project unchanged (and nothing emitted) when the edit is refused."""
        edit.apply(self.project)
        return self._emit(Change.of(edit))

    def revert(self, edit: Edit) -> Change:
        """Take back an applied ``edit`` and tell the views; returns the :class:`Change`."""
        edit.revert(self.project)
        return self._emit(Change.of(edit, undone=True))

    def replace(self, project: Project, folder: Path | None) -> Change:
        """Put another project (stored in ``folder``) in place; views show it afresh."""
        self.project, self.folder = project, Path(folder) if folder else None
        return self._emit(Change("project"))

    def set_folder(self, folder: Path) -> Change:
        """The project now lives in ``folder`` (Save As); its content did not change."""
        self.folder = Path(folder)
        return self._emit(Change("folder"))

    def _emit(self, change: Change) -> Change:
        self.events.changed.emit(change)
        return change


class History:
    """An undo/redo stack of edits on one :class:`Document`, for code without Qt.

    ``push`` applies an edit (raising ``EditError`` and changing nothing if it is refused) and
    merges it into the previous step when the previous edit accepts it (``Edit.merge``).
    """

    def __init__(self, document: Document):
        self.document = document
        self.done: list[Edit] = []
        self.undone: list[Edit] = []

    def push(self, edit: Edit) -> None:
        self.document.apply(edit)
        self.undone.clear()
        if self.done and self.done[-1].merge(edit):
            return
        self.done.append(edit)

    def undo(self) -> bool:
        """Take back the last step; False when there is none."""
        if not self.done:
            return False
        edit = self.done.pop()
        self.document.revert(edit)
        self.undone.append(edit)
        return True

    def redo(self) -> bool:
        """Apply the last undone step again; False when there is none."""
        if not self.undone:
            return False
        edit = self.undone.pop()
        self.document.apply(edit)
        self.done.append(edit)
        return True
