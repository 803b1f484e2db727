"""The editor's undo stack: a ``QUndoStack`` of the core :mod:`promodesk.core.edits` objects.

Every change to the project goes through :meth:`ProjectUndo.do`, which applies the edit first, so
a refused edit (``EditError``) raises before anything is pushed and leaves the project and the
stack untouched. ``mergeWith`` delegates to ``Edit.merge``: the 200 moves of one mouse drag are
one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from promodesk.core.edits import Edit
from promodesk.core.timeline import Project

# All edits share one merge id; Edit.merge decides whether two edits really are one step.
_MERGE_ID = 1


class EditCommand(QUndoCommand):
    """A core :class:`Edit` as a ``QUndoCommand``. The first ``redo`` (the push) does nothing:
    :meth:`ProjectUndo.do` has already applied the edit."""

    def __init__(self, stack: "ProjectUndo", edit: Edit):
        super().__init__(edit.label)
        self.stack, self.edit = stack, edit
        self._applied = True

    def redo(self) -> None:
        if not self._applied:
            self.edit.apply(self.stack.project)
            self.stack.project_changed.emit()
        self._applied = False

    def undo(self) -> None:
        self.edit.revert(self.stack.project)
        self.stack.project_changed.emit()

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        return isinstance(other, EditCommand) and self.edit.merge(other.edit)


class ProjectUndo(QUndoStack):
    """Undo stack bound to one :class:`Project`; ``project_changed`` fires after every do, undo
    and redo so views repaint."""

    project_changed = Signal()

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self.project = project

    def do(self, edit: Edit) -> None:
        """Apply ``edit`` to the project and push it (merging with the previous step when the
        edit allows). Raises ``EditError`` with the project unchanged when the edit is refused."""
        edit.apply(self.project)
        self.push(EditCommand(self, edit))
        self.project_changed.emit()
