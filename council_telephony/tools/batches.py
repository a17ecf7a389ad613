"""Scheduled jobs work a backlog off in batches (C5, C7)."""


def due_batch(model, domain, order, batch_size):
    """At most ``batch_size`` records of ``model`` that are due, and whether
    more wait: a scheduled job works a backlog off in batches, and reports the
    rest to ``ir.cron._notify_progress`` so that it runs again at once."""
    due = model.search(domain, order=order, limit=batch_size + 1)
    return due[:batch_size], len(due) > batch_size
