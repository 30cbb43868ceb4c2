"""Outbox senders: notices from the `notification` table by e-mail (SMTP), claimed so that no two
senders send one twice, retried with back-off, failures recorded and listed."""
