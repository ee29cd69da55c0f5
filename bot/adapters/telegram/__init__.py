"""Telegram: the only package that imports python-telegram-bot."""

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.delivery import DeliveryFailed

__all__ = ["DeliveryFailed", "TelegramAdapter"]
