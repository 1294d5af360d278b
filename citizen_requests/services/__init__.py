"""Operations that change state: intake.py (filing, confirmation, routing), workflow.py (the
route as data and request_transition), subscriptions.py, attachments.py, notifications.py,
api_clients.py (Open311 apps)."""
