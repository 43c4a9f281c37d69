"""Models for identity (being built)."""
