from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import restrict, staff_required


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("console:login")


@staff_required("console")
def home(request):
    from renda.core.templatetags.access import nav_links
    from renda.registry.models import Agency, Deputy, Station

    stats = []
    visible = {item["url"] for item in nav_links(request)}
    for list_name, model, label in (
        ("deputy_list", Deputy, "在册代表"),
        ("station_list", Station, "家站点"),
        ("agency_list", Agency, "承办单位"),
    ):
        list_url = reverse(f"console:{list_name}")
        if list_url in visible:
            count = restrict(model.objects.filter(is_active=True), request.user).count()
            stats.append({"label": label, "count": count, "url": f"{list_url}?active=1"})
    return render(request, "console/home.html", {"stats": stats})
