"""Imports waiting for a coordinator's confirmation."""

from models.held.entities import HeldImport, HeldState

__all__ = ["HeldImport", "HeldState"]
