"""Operations that change notices: services/notices.py (draft, publish, update, cancel, close),
services/deliveries.py (the outbox of messages), services/subscriptions.py, services/links.py."""
