"""PromoDesk: an offline desktop editor that turns a product brief into a promo video."""

__version__ = "0.1.0"
