import mimetypes
import re

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from kb import selectors, services
from kb.forms import FeedbackExplainForm, FeedbackForm
from kb.models import ARTICLE_MODELS, HowToVideoPage
from site_config import ratelimit, storage

FEEDBACK_LIMIT = (20, 3600)  # votes and comments per visitor address per hour


def _article_or_404(page_id: int):
    page = get_object_or_404(selectors.readable(Page.objects.all()), pk=page_id).specific
    if not isinstance(page, ARTICLE_MODELS):
        raise Http404
    return page


@require_POST
def feedback(request, page_id: int):
    """The "was this helpful?" form: works without JavaScript, one vote per visitor."""
    page = _article_or_404(page_id)
    back = f"{page.get_url(request)}#feedback"
    limit, period = FEEDBACK_LIMIT
    if not ratelimit.hit("kb-feedback", ratelimit.client_ip(request), limit=limit, period=period):
        messages.error(request, _("Too many answers from your connection. Please try later."))
        return redirect(back)

    if request.POST.get("step") == "explain":
        return _explain(request, page, back)

    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose Yes or No."))
        return redirect(back)
    if not request.session.session_key:
        request.session.save()
    services.feedback_record(
        page=page,
        helpful=form.cleaned_data["helpful"] == "yes",
        user=request.user if request.user.is_authenticated else None,
        session_key=request.session.session_key,
    )
    return redirect(back)


def _explain(request, page, back):
    existing = selectors.visitor_feedback(page, request)
    form = FeedbackExplainForm(request.POST)
    if existing is None or existing.helpful:
        return redirect(back)
    if not form.is_valid():
        messages.error(
            request,
            _("Your comment could not be saved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect(back)
    services.feedback_explain(
        feedback=existing,
        reason=form.cleaned_data["reason"],
        comment=form.cleaned_data["comment"],
    )
    if form.cleaned_data["notify"] and request.user.is_authenticated:
        services.change_subscribe(page=page, user=request.user)
        messages.success(
            request, _("Thank you. We will e-mail you once when this article is improved.")
        )
    else:
        messages.success(request, _("Thank you. Your feedback goes to the team that writes this."))
    return redirect(back)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# On object storage a video is fetched from a signed link; the player keeps using the link
# for its range requests while the reader watches (and pauses), so it lasts longer than that.
VIDEO_LINK_SECONDS = 2 * 60 * 60


def video_file(request, document_id: int):
    """A guide's self-hosted video, with HTTP range support: browsers seek (chapters) only
    in media whose server answers range requests. Serves only videos of live public guides;
    on object storage, by a redirect to a signed link (the storage answers the ranges)."""
    from wagtail.documents import get_document_model

    guides = selectors.readable(HowToVideoPage.objects.all())
    if not guides.filter(video_file_id=document_id).exists():
        raise Http404
    document = get_object_or_404(get_document_model(), pk=document_id)
    if link := storage.signed_url(document.file, seconds=VIDEO_LINK_SECONDS):
        response = redirect(link)
        response["Cache-Control"] = "private, no-store"
        return response
    size = document.file.size
    content_type = mimetypes.guess_type(document.file.name)[0] or "application/octet-stream"
    match = _RANGE.match(request.headers.get("Range", ""))
    start, end = 0, size - 1
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        else:  # the last N bytes
            start = max(0, size - int(match.group(2)))
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    handle = document.file.open("rb")
    handle.seek(start)
    length = end - start + 1
    response = StreamingHttpResponse(
        _chunks(handle, length), status=206 if match else 200, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if match:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _chunks(handle, remaining: int, size: int = 64 * 1024):
    with handle:
        while remaining > 0:
            data = handle.read(min(size, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
