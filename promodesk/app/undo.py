"""The editor's undo stack: a ``QUndoStack`` of the core :mod:`promodesk.core.edits` objects,
applied and reverted through the window's :class:`~promodesk.core.document.Document`, whose change
events tell the views.

Every change to the project goes through :meth:`ProjectUndo.do`, which applies the edit first, so
a refused edit (``EditError``) raises before anything is pushed and leaves the project and the
stack untouched. ``mergeWith`` delegates to ``Edit.merge``: the 200 moves of one mouse drag are
one undo step; two drags are two.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from promodesk.core.document import Document
from promodesk.core.edits import Edit

# All edits share one merge id; Edit.merge decides whether two edits really are one step.
_MERGE_ID = 1


class EditCommand(QUndoCommand):
    """A core :class:`Edit` as a ``QUndoCommand``. The first ``redo`` (the push) does nothing:
    :meth:`ProjectUndo.do` has already applied the edit."""

    def __init__(self, document: Document, edit: Edit):
        super().__init__(edit.label)
        self.document, self.edit = document, edit
        self._applied = True

    def redo(self) -> None:
        if not self._applied:
            self.document.apply(self.edit)
        self._applied = False

    def undo(self) -> None:
        self.document.revert(self.edit)

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        return isinstance(other, EditCommand) and self.edit.merge(other.edit)


class ProjectUndo(QUndoStack):
    """Undo stack of one :class:`Document` (whichever project it holds; cleared when another
    project is put in place)."""

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document

    def do(self, edit: Edit) -> None:
        """Apply ``edit`` to the document and push it (merging with the previous step when the
        edit allows). Raises ``EditError`` with the project unchanged when the edit is refused."""
        self.document.apply(edit)
        self.push(EditCommand(self.document, edit))
