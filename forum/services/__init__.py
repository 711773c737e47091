"""Every state change in the forum. Keyword-only, typed, one transaction each; the
docstring says whether the service checks permission itself (most leave it to the view,
which asks ``forum.permissions`` first). Search and e-mail hear of changes only after the
transaction commits (``forum.signals``, ``forum.tasks``)."""

from forum.services.answers import (
    reply_accept,
    reply_mark_official,
    reply_unmark_official,
    reply_vote,
    thread_me_too,
    thread_unaccept,
)
from forum.services.moderation import (
    post_approve,
    post_hide,
    post_reject,
    post_report,
    post_restore,
    report_dismiss,
    thread_lock,
    thread_merge,
    thread_move,
    thread_pin,
    user_ban,
    user_unban,
)
from forum.services.notifications import (
    notifications_mark_read,
    subscription_set,
    unsubscribe_token_is_valid,
    unsubscribe_with_token,
)
from forum.services.posting import (
    DuplicatePost,
    PostingLimited,
    post_edit,
    reply_create,
    thread_create,
)
from forum.services.profiles import profile_create, profile_update
from forum.services.promotion import (
    FaqDraft,
    Promoted,
    Review,
    draft_added_message,
    faq_draft_add,
    faq_draft_send_to_review,
    reply_promote_to_kb,
)

__all__ = [
    "DuplicatePost",
    "FaqDraft",
    "PostingLimited",
    "Promoted",
    "Review",
    "draft_added_message",
    "faq_draft_add",
    "faq_draft_send_to_review",
    "notifications_mark_read",
    "post_approve",
    "post_edit",
    "post_hide",
    "post_reject",
    "post_report",
    "post_restore",
    "profile_create",
    "profile_update",
    "reply_accept",
    "reply_create",
    "reply_mark_official",
    "reply_promote_to_kb",
    "reply_unmark_official",
    "reply_vote",
    "report_dismiss",
    "subscription_set",
    "thread_create",
    "thread_lock",
    "thread_me_too",
    "thread_merge",
    "thread_move",
    "thread_pin",
    "thread_unaccept",
    "unsubscribe_token_is_valid",
    "unsubscribe_with_token",
    "user_ban",
    "user_unban",
]
