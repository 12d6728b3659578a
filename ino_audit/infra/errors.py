"""Errors that end a run with one clear sentence instead of a traceback."""


class AuditError(Exception):
    """A problem with the inputs or the run that the user can fix; the message is one sentence."""
