"""Alerts: delivering the watchlists' outbox by e-mail and signed webhooks."""
