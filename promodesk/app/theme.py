"""The editor's dark theme: one palette and one style sheet, and the colours the timeline paints
with (kept here so lanes, panels and overlays agree)."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BG = "#1b1d21"        # window
PANEL = "#23262b"     # panels, lanes
PANEL_ALT = "#272a30"
BASE = "#15171a"      # text fields, timeline background
BORDER = "#34383f"
TEXT = "#e3e5e8"
TEXT_DIM = "#9aa0a8"
ACCENT = "#4c9dff"    # selection, focus
PLAYHEAD = "#ff4d5e"
SNAP = "#ffd24c"
SAFE_AREA = "#7fe3ff"  # the preview's safe-area guides
IN_OUT = "#ffb347"     # the export range marked with I and O
ERROR = "#ff7a7a"
# a control that cannot be used now: "QWidget { color }" below would otherwise give every
# disabled field the enabled text colour (the Regenerate dialog's video settings under Motion
# looked editable)
DISABLED = "#5d626a"

# Per track kind: clip fill and its lighter edge.
CLIP_COLORS = {
    "video": ("#2f4a6b", "#5f8fcc"),
    "music": ("#2e5a48", "#5fbf94"),
    "voice": ("#5a4a2e", "#c9a15f"),
    "captions": ("#553a66", "#b07fd0"),
}


@functools.lru_cache(maxsize=256)
def qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    """A QColor from ``#rrggbb`` with ``alpha`` 0..255 (shared: do not modify it)."""
    c = QColor(hex_colour)
    c.setAlpha(alpha)
    return c


@functools.lru_cache(maxsize=256)
def blended(base: str, top: str, alpha: int) -> QColor:
    """The opaque colour ``top`` at ``alpha`` (0..255) gives over ``base`` (both ``#rrggbb``).
    Lines drawn in it look translucent but cost what opaque ones do: the raster engine blends
    translucent lines about 20x slower, which alone took the timeline past its 16 ms."""
    b, t, a = QColor(base), QColor(top), alpha / 255
    return QColor(*(round(bc + (tc - bc) * a) for bc, tc in ((b.red(), t.red()),
                                                             (b.green(), t.green()),
                                                             (b.blue(), t.blue()))))


STYLE_SHEET = f"""
QWidget {{ background: {BG}; color: {TEXT}; font-size: 13px; }}
QMainWindow::separator {{ background: {BORDER}; width: 2px; height: 2px; }}
QDockWidget::title {{ background: {PANEL}; padding: 5px 8px; color: {TEXT_DIM};
  font-weight: 600; text-transform: uppercase; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px; padding: 8px 6px 6px 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {TEXT_DIM}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QComboBox, QListWidget {{
  background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 3px 5px;
  selection-background-color: {ACCENT}; }}
QLineEdit:focus, QPlainTextEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{
  border-color: {ACCENT}; }}
QPushButton, QToolButton {{ background: {PANEL_ALT}; border: 1px solid {BORDER}; border-radius: 4px;
  padding: 4px 10px; }}
QPushButton:hover, QToolButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed, QToolButton:checked {{ background: {ACCENT}; color: #0b1320; }}
QPushButton:disabled {{ color: {DISABLED}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QTextEdit:disabled, QAbstractSpinBox:disabled,
QComboBox:disabled, QListWidget:disabled, QLabel:disabled, QCheckBox:disabled {{ color: {DISABLED}; }}
QPushButton#segment {{ padding: 2px 8px; border-radius: 3px; }}
QPushButton#segment:checked {{ background: {ACCENT}; color: #0b1320; font-weight: 600; }}
QPushButton#primary {{ background: {ACCENT}; color: #0b1320; font-weight: 600; border: none; }}
QPushButton#primary:disabled {{ background: {PANEL_ALT}; color: {DISABLED}; border: 1px solid {BORDER}; }}
QProgressBar {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 3px; height: 8px;
  text-align: center; font-size: 10px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
QMenuBar, QMenu, QStatusBar {{ background: {PANEL}; }}
QMenu::item:selected, QMenuBar::item:selected {{ background: {ACCENT}; color: #0b1320; }}
QStatusBar QLabel {{ color: {TEXT_DIM}; }}
QListWidget::item:selected {{ background: {ACCENT}; color: #0b1320; }}
QLabel#dim {{ color: {TEXT_DIM}; }}
QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {TEXT_DIM}; border-radius: 3px;
  background: {BASE}; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QAbstractItemView::indicator {{ width: 14px; height: 14px; border: 1px solid {TEXT_DIM};
  border-radius: 3px; background: {BASE}; }}
QAbstractItemView::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QAbstractItemView::indicator:disabled {{ border-color: {BORDER}; }}
QLabel#error {{ color: {ERROR}; }}
QLabel#timecode {{ font-family: monospace; font-size: 15px; }}
QScrollArea {{ border: none; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border; width: 16px;
  background: {PANEL_ALT}; border-left: 1px solid {BORDER}; }}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 4px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; border-bottom-right-radius: 4px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{ background: {BORDER}; }}
QAbstractSpinBox::up-arrow {{ image: url(ARROWS/up.svg); width: 8px; height: 5px; }}
QAbstractSpinBox::down-arrow {{ image: url(ARROWS/down.svg); width: 8px; height: 5px; }}
"""


def _arrow_folder() -> str:
    """A folder holding the spin boxes' arrow images (a style sheet that styles a spin box must
    draw its arrows itself, and takes them only from files), written once per user."""
    folder = Path(tempfile.gettempdir()) / f"promodesk-theme-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(exist_ok=True)
    for name, points in (("up", "0,5 4,0 8,5"), ("down", "0,0 8,0 4,5")):
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="5" viewBox="0 0 8 5">'
               f'<polygon points="{points}" fill="{TEXT}"/></svg>')
        path = folder / f"{name}.svg"
        if not path.is_file() or path.read_text() != svg:
            path.write_text(svg)
    return folder.as_posix()


def apply_theme(app: QApplication) -> None:
    """Give ``app`` the dark palette and style sheet."""
    app.setStyle("Fusion")
    pal = QPalette()
    for role, colour in ((QPalette.Window, BG), (QPalette.Base, BASE), (QPalette.AlternateBase, PANEL),
                         (QPalette.Text, TEXT), (QPalette.WindowText, TEXT), (QPalette.Button, PANEL_ALT),
                         (QPalette.ButtonText, TEXT), (QPalette.Highlight, ACCENT),
                         (QPalette.HighlightedText, "#0b1320"), (QPalette.ToolTipBase, PANEL),
                         (QPalette.ToolTipText, TEXT), (QPalette.PlaceholderText, TEXT_DIM)):
        pal.setColor(role, QColor(colour))
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        pal.setColor(QPalette.Disabled, role, QColor(DISABLED))
    app.setPalette(pal)
    app.setStyleSheet(STYLE_SHEET.replace("ARROWS", _arrow_folder()))
