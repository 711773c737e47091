from django.urls import path

from forum.views import actions, posting, reading, team

app_name = "forum"

urlpatterns = [
    path("", reading.index, name="index"),
    path("ask/", posting.ask, name="ask"),
    path("ask/suggestions/", posting.ask_suggestions, name="ask_suggestions"),
    path("preview/", posting.preview, name="preview"),
    path("official/", reading.official, name="official"),
    path("official/feed/", reading.OfficialAnswersFeed(), name="official_feed"),
    path("notifications/", actions.notifications, name="notifications"),
    path("unsubscribe/<str:token>/", actions.unsubscribe, name="unsubscribe"),
    path("staff/", team.staff_queue, name="staff_queue"),
    path("moderation/", team.moderation, name="moderation"),
    path("moderation/log/", team.moderation_log, name="moderation_log"),
    path("u/<int:user_id>/", reading.member, name="member"),
    path("u/<int:user_id>/ban/", team.ban, name="ban"),
    path("t/<int:pk>/", reading.thread, name="thread_short"),
    path("t/<int:pk>-<str:slug>/", reading.thread, name="thread"),
    path("t/<int:pk>/reply/", posting.reply, name="reply"),
    path("t/<int:pk>/me-too/", actions.me_too, name="me_too"),
    path("t/<int:pk>/watch/", actions.watch_thread, name="watch_thread"),
    path("t/<int:pk>/moderate/", team.moderate_thread, name="moderate_thread"),
    path("p/<int:post_id>/edit/", posting.edit, name="edit"),
    path("p/<int:post_id>/history/", posting.history, name="history"),
    path("p/<int:post_id>/accept/", actions.accept, name="accept"),
    path("p/<int:post_id>/official/", actions.official, name="official_mark"),
    path("p/<int:post_id>/vote/", actions.vote, name="vote"),
    path("p/<int:post_id>/report/", actions.report, name="report"),
    path("p/<int:post_id>/promote/", actions.promote, name="promote"),
    path("p/<int:post_id>/moderate/<slug:action>/", team.moderate_post, name="moderate_post"),
    path("<slug:slug>/", reading.board, name="board"),
    path("<slug:slug>/watch/", actions.watch_board, name="watch_board"),
]
