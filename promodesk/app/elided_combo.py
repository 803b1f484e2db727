"""A combo box for a narrow dock: its current text whole where it fits, elided in the middle
where it does not (a font file's or a recording's long name, a model's title)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter


class ElidedCombo(QComboBox):
    """A combo box showing its current text whole where it fits, and where it does not (a long
    font file's name in a narrow dock), elided in the middle with "…"; the whole text is its
    tooltip unless ``text_tooltip`` is False (the box keeps a tooltip of its own). (A plain
    QComboBox cuts the text off at its arrow: "Default (N".)"""

    def __init__(self, parent=None, text_tooltip: bool = True):
        super().__init__(parent)
        if text_tooltip:
            self.currentTextChanged.connect(self.setToolTip)

    def shown_text(self) -> str:
        """The text painted in the box: the current text, elided to the box's text field."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        field = self.style().subControlRect(QStyle.CC_ComboBox, opt,
                                            QStyle.SC_ComboBoxEditField, self)
        return self.fontMetrics().elidedText(opt.currentText, Qt.ElideMiddle, field.width())

    def paintEvent(self, _event) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.CC_ComboBox, opt)
        opt.currentText = self.shown_text()
        painter.drawControl(QStyle.CE_ComboBoxLabel, opt)
