"""Console pages for bulk import: upload, progress, errors and templates. Thin shells over ``imports.runner``."""

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.xlsx import XLSX_MIME
from renda.registry.imports.runner import MAX_ROWS, format_error, import_job_create
from renda.registry.imports.specs import SPECS
from renda.registry.imports.templates import GENERAL_NOTES, template_csv, template_filename, template_xlsx
from renda.registry.models_import import ImportJob, ImportKind


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件",
        help_text="支持 Excel（.xlsx）或 CSV 文件。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )


def _spec_or_404(kind: str):
    if kind not in ImportKind.values:
        raise Http404("没有这种导入类型。")
    return SPECS[kind]


def _jobs(request):
    return restrict(ImportJob.objects.select_related("created_by", "congress"), request.user)


@staff_required("registry.import")
def import_list(request):
    page = Paginator(_jobs(request).order_by("-created_at", "-id"), settings.RENDA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/imports/list.html", {"page": page, "kinds": ImportKind.choices})


@staff_required("registry.import")
def import_new(request, kind: str):
    spec = _spec_or_404(kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, kind=kind, uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("console:import_detail", pk=job.pk)
    context = {
        "form": form,
        "spec": spec,
        "kind": kind,
        "notes": GENERAL_NOTES.get(kind, []),
        "max_mb": settings.RENDA_MAX_IMPORT_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
    }
    return render(request, "registry/imports/new.html", context)


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "errors": [{**e, "text": format_error(e)} for e in job.errors]}


@staff_required("registry.import")
def import_detail(request, pk: int):
    job = get_scoped_or_404(_jobs(request), request.user, pk=pk)
    return render(request, "registry/imports/detail.html", _job_context(job))


@staff_required("registry.import")
def import_progress(request, pk: int):
    job = get_scoped_or_404(_jobs(request), request.user, pk=pk)
    return render(request, "registry/imports/_progress.html", _job_context(job))


@staff_required("registry.import")
def import_template(request, kind: str):
    spec = _spec_or_404(kind)
    if request.GET.get("format") == "csv":
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        filename = template_filename(spec, "csv")
    else:
        response = HttpResponse(template_xlsx(kind), content_type=XLSX_MIME)
        filename = template_filename(spec, "xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
