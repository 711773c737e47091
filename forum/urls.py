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
    path("u/<id:user_id>/", reading.member, name="member"),
    path("u/<id:user_id>/ban/", team.ban, name="ban"),
    path("t/<id:pk>/", reading.thread, name="thread_short"),
    path("t/<id:pk>-<str:slug>/", reading.thread, name="thread"),
    path("t/<id:pk>/reply/", posting.reply, name="reply"),
    path("t/<id:pk>/me-too/", actions.me_too, name="me_too"),
    path("t/<id:pk>/watch/", actions.watch_thread, name="watch_thread"),
    path("t/<id:pk>/moderate/", team.moderate_thread, name="moderate_thread"),
    path("p/<id:post_id>/edit/", posting.edit, name="edit"),
    path("p/<id:post_id>/history/", posting.history, name="history"),
    path("p/<id:post_id>/accept/", actions.accept, name="accept"),
    path("p/<id:post_id>/official/", actions.official, name="official_mark"),
    path("p/<id:post_id>/vote/", actions.vote, name="vote"),
    path("p/<id:post_id>/report/", actions.report, name="report"),
    path("p/<id:post_id>/promote/", actions.promote, name="promote"),
    path("p/<id:post_id>/moderate/<slug:action>/", team.moderate_post, name="moderate_post"),
    path("<slug:slug>/", reading.board, name="board"),
    path("<slug:slug>/watch/", actions.watch_board, name="watch_board"),
]
