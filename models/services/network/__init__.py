"""Links between coalitions and the events they share."""

from models.services.network.service import LinkView, NetworkService

__all__ = ["LinkView", "NetworkService"]
