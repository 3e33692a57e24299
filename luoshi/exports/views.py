from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from luoshi.accounts.choices import Role
from luoshi.core.access import require_role
from luoshi.core.errors import ActionRefused
from luoshi.exports.actions import department_of, save_profile
from luoshi.exports.forms import DocumentProfileForm
from luoshi.exports.models import DocumentProfile
from luoshi.exports.official import DEVIATIONS
from luoshi.exports.sample import sample_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_role(Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def profile_page(request: HttpRequest) -> HttpResponse:
    unit = department_of(request.user)
    stored = DocumentProfile.objects.filter(unit=unit).first() or DocumentProfile(unit=unit)
    form = DocumentProfileForm(request.POST or None, instance=stored)
    if request.method == "POST" and form.is_valid():
        try:
            save_profile(acting_user=request.user, values=form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "已保存公文格式。")
            return redirect("exports:profile")
    return render(request, "exports/profile.html", {"form": form, "unit": unit, "deviations": DEVIATIONS})


@require_role(Role.PLAN_OFFICE)
def sample(request: HttpRequest) -> HttpResponse:
    data = sample_docx(department_of(request.user), timezone.localdate())
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%85%AC%E6%96%87%E6%A0%BC%E5%BC%8F%E6%A0%B7%E5%BC%A0.docx"
    )
    return response
