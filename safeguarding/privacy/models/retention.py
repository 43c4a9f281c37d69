"""Models for retention (being built)."""
