"""Inventory declarations and purposes for rights (being built)."""
