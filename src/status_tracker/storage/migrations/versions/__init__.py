"""Numbered migration scripts."""
