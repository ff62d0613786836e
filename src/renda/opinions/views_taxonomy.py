"""Console: 意见分类 (category trees): list, tree, import, default, template."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, is_admin, restrict, staff_required
from renda.core.lists import Column, ListSpec, run_list
from renda.core.xlsx import XLSX_MIME
from renda.opinions import taxonomy as tx
from renda.opinions.models import Taxonomy
from renda.registry.models import Division
from renda.registry.views_base import form_page, run_service, save_form

PERM = "case.configure"


class TaxonomyImportForm(forms.Form):
    name = forms.CharField(
        label="分类体系名称", max_length=100, help_text="再次导入同名分类体系时将更新原有分类，不会重复创建。"
    )
    division = forms.ModelChoiceField(label="适用区划", queryset=Division.objects.none(), required=False)
    file = forms.FileField(
        label="分类表", help_text="Excel（.xlsx）或 CSV（UTF-8 / GB18030）；列为一级分类、二级分类、三级分类。"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = restrict(Division.objects.order_by("path"), user).defer("boundary")
        if is_admin(user):
            self.fields["division"].help_text = "留空表示全平台通用。"
        else:
            self.fields["division"].required = True


def taxonomy_spec() -> ListSpec:
    return ListSpec(
        title="意见分类",
        columns=[
            Column("名称", lambda t: t.name, link=True),
            Column("适用区划", lambda t: t.division.name if t.division else "全平台"),
            Column("默认", lambda t: "默认" if t.is_default else ""),
            Column("一级分类", lambda t: t.n_top),
            Column("启用分类", lambda t: t.n_active),
            Column("已停用", lambda t: t.n_inactive),
            Column("创建时间", lambda t: t.created_at.strftime("%Y-%m-%d")),
        ],
        search_fields=["name", "division__name"],
        search_hint="名称或区划",
        export_name="意见分类",
        detail_url="console:taxonomy_detail",
        empty_text="还没有分类体系。",
    )


@staff_required(PERM)
def taxonomy_list(request):
    qs = tx.taxonomies_with_counts(restrict(Taxonomy.objects.all(), request.user)).order_by("-is_default", "name")
    result = run_list(request, qs, taxonomy_spec())
    if isinstance(result, HttpResponse):
        return result
    return render(request, "opinions/taxonomy/list.html", result)


@staff_required(PERM)
def taxonomy_detail(request, pk):
    taxonomy = get_scoped_or_404(tx.taxonomies_with_counts(Taxonomy.objects.all()), request.user, pk=pk)
    can_manage = is_admin(request.user) or taxonomy.division_id is not None
    ctx = {"obj": taxonomy, "tree": tx.taxonomy_tree(taxonomy), "can_manage": can_manage}
    return render(request, "opinions/taxonomy/detail.html", ctx)


@staff_required(PERM)
def taxonomy_import(request):
    initial = {"name": request.GET.get("name", "")[:100]}
    form = TaxonomyImportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST":
        taxonomy = save_form(
            form,
            lambda: tx.taxonomy_import(
                actor=request.user,
                name=form.cleaned_data["name"],
                division=form.cleaned_data["division"],
                file=form.cleaned_data["file"],
            ),
        )
        if taxonomy:
            c = taxonomy.import_counts
            messages.success(
                request,
                f"已导入“{taxonomy.name}”：启用分类 {c['active']} 个（新增 {c['created']}，修改 {c['updated']}，"
                f"停用 {c['deactivated']}）。",
            )
            return redirect("console:taxonomy_detail", pk=taxonomy.pk)
    return form_page(request, form, title="导入意见分类", cancel_url=reverse("console:taxonomy_list"), multipart=True)


@staff_required(PERM)
def taxonomy_template(request):
    response = HttpResponse(tx.template_xlsx(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('意见分类模板.xlsx')}"
    return response


@require_POST
@staff_required(PERM)
def taxonomy_set_default(request, pk):
    taxonomy = get_scoped_or_404(Taxonomy.objects.all(), request.user, pk=pk)
    where = taxonomy.division.name if taxonomy.division else "全平台"
    run_service(
        request,
        lambda: tx.taxonomy_set_default(actor=request.user, taxonomy=taxonomy),
        f"已将“{taxonomy.name}”设为{where}的默认分类。",
    )
    return redirect("console:taxonomy_detail", pk=taxonomy.pk)
