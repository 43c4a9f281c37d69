"""Inventory declarations and purposes for retention (being built)."""
