"""Domain model, services and migrations, free of any chat platform."""
