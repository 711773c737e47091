"""Who may invite colleagues: the one place the views ask."""


def can_invite(user) -> bool:
    """Whoever may add users in the Wagtail admin (``auth.add_user``: administrators)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("auth.add_user"))
