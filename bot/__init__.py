"""coalition-bot: composition root, configuration, CLI, i18n and platform adapters."""
