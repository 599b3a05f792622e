"""Admin for subscribers and their subscriptions."""
