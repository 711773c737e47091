"""Forum data: boards, threads (a question and its replies), what members do with them, and
what moderators do about them. State changes live in ``forum.services``, never in ``save()``."""

from forum.models.activity import MeToo, Notification, Subscription, Vote
from forum.models.boards import Board, BoardTranslation
from forum.models.moderation import KbPromotion, ModerationLog, Report
from forum.models.profiles import Profile
from forum.models.threads import Post, PostRevision, Thread, ThreadTag

__all__ = [
    "Board",
    "BoardTranslation",
    "KbPromotion",
    "MeToo",
    "ModerationLog",
    "Notification",
    "Post",
    "PostRevision",
    "Profile",
    "Report",
    "Subscription",
    "Thread",
    "ThreadTag",
    "Vote",
]
