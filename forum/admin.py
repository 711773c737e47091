"""The Django admin (/django-admin/) for the rare fix by hand, such as linking a thread to
its translation (same translation key). Day-to-day moderation happens on the site."""

from django.contrib import admin

from forum.models import Board, ModerationLog, Post, Profile, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "board", "visibility", "created_at"]
    list_filter = ["language", "visibility", "board"]
    search_fields = ["title"]
    # What has rules (visibility, answers, merging) changes on the site, through the
    # services that recount, notify and log; here only titles, tags and translation links.
    raw_id_fields = ["author"]
    readonly_fields = [
        "visibility",
        "solution",
        "official_answer",
        "merged_into",
        "reply_count",
        "me_too_count",
        "created_at",
        "first_reply_at",
    ]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "author", "visibility", "created_at"]
    list_filter = ["visibility"]
    raw_id_fields = ["thread", "author"]
    readonly_fields = ["visibility", "body", "body_html", "helpful_count", "unhelpful_count"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "language", "banned_at"]
    search_fields = ["display_name", "user__email"]
    raw_id_fields = ["user"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "thread", "reason"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False  # the audit log is never edited

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Board)
