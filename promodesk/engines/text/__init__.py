"""Text engines: translation of the copy for language versions (models, lazily loaded)."""
