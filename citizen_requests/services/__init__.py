"""Operations that change state, one module per subject; they import each other one way
(tests/citizen_requests/test_import_graph.py holds it):

- intake.py (filing, confirmation) → registration.py (number, routing by routing.py, receipt);
- workflow.py (appoint, forward, reject, ask, close, reopen) → approvals.py (the answer: draft,
  approvals, registration);
- transitions.py: the statuses' allowed moves, request_transition() and event_record(), which
  every step above calls → messages.py: EVENT_MESSAGES, who is told what on each event →
  notifications.py and webhooks.py (the outbox rows) → core.background (tasks queued by name;
  citizen_requests.tasks calls the services, never the reverse);
- subscriptions.py, moderation.py, attachments.py, bulk.py, api_clients.py (Open311 apps),
  generator.py (scale-test data).
"""
