from typing import Any

from django import template

from luoshi.notify.actions import unread_count

register = template.Library()


@register.simple_tag
def notices_unread(user: Any) -> int:
    """The bell's number: the user's unread notices (one COUNT on an index)."""
    return unread_count(user)
