"""File > Open: a file dialog that treats a ``.promodesk`` project folder like a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit

from promodesk.core.projectfile import PROJECT_FILE


def project_folder_of(path: str | Path) -> Path | None:
    """The ``.promodesk`` project folder ``path`` is (or whose project.json it is), or None."""
    path = Path(path)
    if path.name == PROJECT_FILE and path.parent.suffix == ".promodesk":
        return path.parent
    return path if path.suffix == ".promodesk" and path.is_dir() else None


class ProjectDialog(QFileDialog):
    """A file dialog that opens a ``.promodesk`` project like a file: double-clicking one, typing
    its name, or picking its project.json chooses it instead of walking into it. The choice is
    ``project_folder`` once the dialog is accepted."""

    def __init__(self, parent, start: Path):
        super().__init__(parent, "Open a PromoDesk project", str(start),
                         "PromoDesk projects (*.promodesk project.json)")
        # Qt's own dialog on every platform: a native one gives no hook to stop at the folder.
        self.setOption(QFileDialog.DontUseNativeDialog, True)
        self.setFileMode(QFileDialog.ExistingFile)
        self.setAcceptMode(QFileDialog.AcceptOpen)
        self.project_folder: Path | None = None
        self.directoryEntered.connect(self._choose)  # a double-click walks into a folder

    def _choose(self, path: str) -> bool:
        folder = project_folder_of(path)
        if folder is None or self.project_folder is not None:
            return False
        self.project_folder = folder
        QDialog.accept(self)  # the folder itself, not what is inside it
        return True

    def accept(self) -> None:
        # Open pressed or Enter typed: Qt would walk into a folder named in the line edit
        typed = self.findChild(QLineEdit, "fileNameEdit")
        names = [self.directory().filePath(typed.text())] if typed and typed.text() else []
        for path in names + self.selectedFiles():
            if self._choose(path):
                return
        super().accept()


def project_dialog(parent, start: Path) -> ProjectDialog:
    """The File > Open dialog (see :class:`ProjectDialog`), starting in ``start``."""
    return ProjectDialog(parent, start)
