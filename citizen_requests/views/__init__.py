"""Pages of the citizen requests app (HTML views); the business rules they call are in services/."""
