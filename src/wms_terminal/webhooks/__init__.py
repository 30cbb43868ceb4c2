"""Webhooks: the sender that POSTs the business events to integrations, signed."""
