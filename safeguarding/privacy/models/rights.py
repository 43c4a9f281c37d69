"""Models for rights (being built)."""
