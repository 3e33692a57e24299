from typing import Any


class ActionRefused(Exception):
    """A business rule said no; the message is Chinese and shown to the user as it is."""


class AccessRefused(ActionRefused):
    """The acting user may not do this (a permission refusal): the API answers 403, the
    same status as the pages' `deny`, where a broken business rule answers 400."""


def refuse_access(message: str, *, actor: Any = None, obj: Any = None) -> ActionRefused:
    """An ActionRefused for a permission refusal, written to the audit log first (every
    denied access is audited)."""
    from luoshi.core.registry import record_denial

    record_denial(actor=actor, obj=obj, message=message[:300])
    return AccessRefused(message)


def exception_place(error: BaseException | None) -> str:
    """ "KeyError at views.py:208": what a log may say about an exception. Never the message
    or the traceback, which can carry personal data or a document's text."""
    if error is None:
        return "?"
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
    return f"{type(error).__name__} at {where}"
