"""The approval mechanism of telephony bills (4.2.2) marks the code it runs,
so that reviews change only through it.

A JSON-RPC client chooses the context of its calls, so a context key cannot
tell the mechanism from a client. A context variable can: only Python code
running in this process sets it, around the mechanism's own steps, and it
never outlives the call (each request runs in its own thread).
"""

import contextvars
from contextlib import contextmanager

_MECHANISM = contextvars.ContextVar("council_telephony_approval", default=None)

# What the mechanism says when it withdraws reviews without a reason of its own.
DELETE = "delete"


@contextmanager
def mechanism(reason=True):
    """Run the block as the approval mechanism. ``reason``: why reviews
    removed in the block are withdrawn (kept in the trail), or ``DELETE``
    when the bill itself is deleted."""
    token = _MECHANISM.set(reason)
    try:
        yield
    finally:
        _MECHANISM.reset(token)


def running():
    """True inside the approval mechanism."""
    return _MECHANISM.get() is not None


def withdrawal_reason():
    """Why reviews removed now are withdrawn (``True``: no reason given)."""
    return _MECHANISM.get()


_WATCHING = contextvars.ContextVar("council_telephony_watching", default=False)


@contextmanager
def watching():
    """Run the block as one change watched for the signature: the changes it
    makes on the way (a line's taxes, the bill's totals) are not watched
    again on their own."""
    token = _WATCHING.set(True)
    try:
        yield
    finally:
        _WATCHING.reset(token)


def watched():
    """True inside the mechanism or a change already watched."""
    return _WATCHING.get() or running()
