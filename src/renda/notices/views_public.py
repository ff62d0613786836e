"""Public pages of 信息发布: published public notices only; attachments only while published publicly."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from renda.notices.models import NoticeAttachment, NoticeKind
from renda.notices.richtext import plain
from renda.notices.selectors import public_notices
from renda.notices.views_console import attachment_response

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 50


@require_GET
def public_notice_list(request):
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    warnings = []
    qs = public_notices()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q))
    if kind and kind not in NoticeKind.values:
        warnings.append(f"类别“{kind[:20]}”无效，已忽略。")
        kind = ""
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(n, n.summary or plain(n.body)) for n in page.object_list]
    keep = urlencode({k: v for k, v in (("q", q), ("kind", kind)) if v})
    return render(
        request,
        "notices/public_list.html",
        {
            "page": page,
            "items": items,
            "q": q,
            "kind": kind,
            "kinds": NoticeKind.choices,
            "notices": warnings,
            "querystring": keep,
        },
    )


@require_GET
def public_notice_detail(request, pk):
    notice = public_notices().filter(pk=pk).first()
    if notice is None:
        raise Http404("该信息不存在或已撤回。")
    return render(
        request, "notices/public_detail.html", {"notice": notice, "attachments": list(notice.attachments.all())}
    )


@require_GET
def public_notice_attachment(request, pk, attachment_pk):
    attachment = NoticeAttachment.objects.filter(
        pk=attachment_pk, notice_id=pk, notice__in=public_notices().values("pk")
    ).first()
    if attachment is None:
        raise Http404("附件不存在，或该信息未公开发布。")
    return attachment_response(attachment, public=True)
