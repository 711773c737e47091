from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from forum import permissions
from forum.models import Post, Thread
from site_config import ratelimit


def thread_or_404(request, pk: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("board"), pk=pk)
    if not permissions.can_view_thread(request.user, thread):
        raise Http404
    return thread


def post_or_404(request, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread__board", "author"), pk=pk)
    if not (
        permissions.can_view_thread(request.user, post.thread)
        and permissions.can_view_post(request.user, post)
    ):
        raise Http404
    return post


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def back(request, fallback: str):
    """Return to where the form was (the thread, the queue), never to another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site, taken as an address: redirect() would read a bare word as the
    # name of a view (and fail on "٣").
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


def apply_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def within_limits(request, scope: str, limits) -> bool:
    key = str(request.user.pk) if request.user.is_authenticated else ratelimit.client_ip(request)
    return all(
        ratelimit.hit(f"{scope}-{period}", key, limit=count, period=period)
        for count, period in limits
    )
