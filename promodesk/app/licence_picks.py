"""The licence policy in the editor's engine and model pickers: with "Commercial use only" on
(the default), an engine or model whose licence forbids selling what it makes (MusicGen, the
Stability turbo models) is shown greyed out in every picker, with a tooltip saying why and how
to turn the setting off. The setting is the export dialog's (``export_dialog.COMMERCIAL_ONLY``)
and File > Commercial Use Only; pickers follow it as soon as it changes.

A picker item's data is what it picks: "composer", a catalogue model name, a model folder, or
None for a "choose a model folder…" entry; ``non_commercial`` tells which of them are refused
(another picker passes its own ``judge`` to :meth:`LicencePolicy.follow`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from promodesk.app.export_dialog import COMMERCIAL_ONLY, commercial_only

WHY = ("{title}: its licence ({licence}) forbids selling what it makes, and \"Commercial use "
       "only\" is on. To use it for a draft or a pitch, turn the setting off (File > Commercial "
       "Use Only, or the export dialog's Licences box).")
FOLDER_LICENCE = "MusicGen weights (CC-BY-NC 4.0)"


def non_commercial(data, folder_title: str = "A MusicGen model folder") -> tuple[str, str] | None:
    """(title, licence) when the picker item ``data`` picks something whose licence forbids
    commercial use, else None: a catalogue model marked non-commercial, or the music picker's
    "MusicGen model folder…" entry (``data`` None; MusicGen is the only engine it opens). A
    folder already chosen (a take's own model) stays pickable: its take says its licence."""
    from promodesk.engines.models.catalogue import CATALOGUE

    if data is None:
        return folder_title, FOLDER_LICENCE
    model = CATALOGUE.get(str(data))
    if model is not None:
        return None if model.commercial_use else (model.title, model.licence)
    return None


def model_terms(data) -> tuple[str, str] | None:
    """Like :func:`non_commercial` for a picker whose folder entry (``data`` None) opens a
    commercial engine (a video model): only catalogue models are judged."""
    return None if data is None else non_commercial(data)


def engine_terms(data) -> tuple[str, str] | None:
    """(title, licence) when the picker item ``data`` names an engine (registry name) whose
    outputs may not be sold, else None."""
    from promodesk.engines import registry
    from promodesk.engines.base import UnknownEngine

    try:
        info = registry.info(str(data))
    except (UnknownEngine, KeyError):
        return None
    return None if info.commercial_use else (info.title, info.output_licence)


def mark_picker(combo: QComboBox, commercial: bool, judge=non_commercial) -> list[int]:
    """Grey out (``commercial`` on) or enable again every item of ``combo`` that ``judge``
    finds non-commercial, with the reason as its tooltip; returns the greyed-out rows. The
    current item moves to the first allowed one when it was greyed out."""
    model = combo.model()
    greyed = []
    for row in range(combo.count()):
        found = judge(combo.itemData(row))
        if found is None:
            continue
        item = model.item(row) if isinstance(model, QStandardItemModel) else None
        if item is None:
            continue
        item.setEnabled(not commercial)
        title, licence = found
        combo.setItemData(row, WHY.format(title=title, licence=licence) if commercial else
                          f"{title}: {licence}, not for videos you sell.", Qt.ToolTipRole)
        if commercial:
            greyed.append(row)
    if commercial and combo.currentIndex() in greyed:
        allowed = [r for r in range(combo.count()) if r not in greyed]
        if allowed:
            combo.setCurrentIndex(allowed[0])
    return greyed


class LicencePolicy(QObject):
    """The window's "Commercial use only" setting: ``changed(on)`` when it is set here, and
    :meth:`follow` keeps a picker marked to it."""

    changed = Signal(bool)

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.settings = settings

    @property
    def on(self) -> bool:
        return commercial_only(self.settings)

    def set(self, on: bool) -> None:
        self.settings.setValue(COMMERCIAL_ONLY, "true" if on else "false")
        self.changed.emit(bool(on))

    def follow(self, combo: QComboBox, judge=non_commercial) -> None:
        """Mark ``combo`` now and whenever the setting changes (until the combo is deleted:
        the connection is to a helper the combo owns, so a closed dialog is never touched)."""
        mark_picker(combo, self.on, judge)
        self.changed.connect(_Marker(combo, judge).mark)


class _Marker(QObject):
    """Marks its parent combo box; deleted with it, which ends the connection."""

    def __init__(self, combo: QComboBox, judge):
        super().__init__(combo)
        self.combo, self.judge = combo, judge

    def mark(self, on: bool) -> None:
        mark_picker(self.combo, on, self.judge)
