"""Inventory declarations and purposes for identity (being built)."""
