"""Platform adapters: the only modules that know Telegram, Slack or a terminal."""
