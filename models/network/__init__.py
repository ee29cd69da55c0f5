"""Coalitions linked to each other, and the events they share across a link."""

from models.network.entities import CoalitionLink, LinkKind, LinkState, SharedEvent

__all__ = ["CoalitionLink", "LinkKind", "LinkState", "SharedEvent"]
