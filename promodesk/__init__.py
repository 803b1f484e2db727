"""PromoDesk: an offline desktop editor that turns a product brief into a promo video."""

from pathlib import Path

__version__ = "0.1.0"

# Fonts, sound fonts, icons and examples. From source this is the repository's resources/; in the
# frozen app a module's __file__ is _MEIPASS/promodesk/__init__.pyc, so it is _MEIPASS/resources.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
