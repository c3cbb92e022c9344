"""The one error the descent core raises for bad input."""


class DescentError(ValueError):
    """A one-line, user-facing message naming the bad name or value."""
