from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.core.access import deny, get_visible_or_404, require_role
from luoshi.core.concurrency import ConflictError
from luoshi.core.errors import ActionRefused
from luoshi.core.numbers import parse_int
from luoshi.core.paging import paginate
from luoshi.orgs import actions, roster
from luoshi.orgs.choices import PostKind
from luoshi.orgs.forms import OrganizationForm, PersonForm, PostForm
from luoshi.orgs.models import Organization, Person, Post


def org_tree(request: HttpRequest) -> HttpResponse:
    """The whole tree in scope, in one query, with each organisation's own member count."""
    if request.user.scope_kind() == "none":
        return deny(request, "安全管理员和审计管理员不查看组织与人员等业务数据。")
    orgs = list(
        Organization.objects.visible_to(request.user)
        .annotate(member_count=Count("people", distinct=True))
        .order_by("path")
    )
    base_depth = min((o.depth for o in orgs), default=0)
    q = request.GET.get("q", "").strip()
    for org in orgs:
        org.indent = org.depth - base_depth
    if q:
        orgs = [o for o in orgs if q in o.name or q in o.short_name or q in o.aliases]
    return render(request, "orgs/org_tree.html", {"orgs": orgs, "q": q, "total": len(orgs)})


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.select_related("parent"), request.user, pk=pk)
    visible = Organization.objects.visible_to(request.user)
    ancestors = list(visible.filter(pk__in=org.ancestor_ids()).order_by("path"))
    children = (
        visible.filter(parent=org)
        .annotate(member_count=Count("people", distinct=True))
        .order_by("order", "name")
    )
    rank = {kind: i for i, kind in enumerate(PostKind.values)}
    posts = sorted(
        Post.objects.filter(org=org, ended_on__isnull=True)
        .exclude(kind=PostKind.MEMBER)
        .select_related("person"),
        key=lambda post: (rank[post.kind], post.person.name),
    )
    members = Person.objects.filter(org=org).prefetch_related(
        Prefetch("posts", queryset=Post.objects.filter(ended_on__isnull=True).select_related("org"))
    )
    page = paginate(request, members)
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": children,
        "posts": posts,
        "page": page,
        "subtree_people": Person.objects.filter(org__path__startswith=org.path).count(),
        "can_edit": request.user.role == Role.SYSADMIN,
        "can_manage_people": actions.can_manage_people(request.user, org),
    }
    return render(request, "orgs/org_detail.html", context)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("org"), request.user, pk=pk)
    posts = person.posts.filter(ended_on__isnull=True).select_related("org")
    can_manage = actions.can_manage_people(request.user, person.org)
    context = {
        "person": person,
        "posts": posts,
        "can_reveal": actions.can_reveal(request.user, person),
        "can_manage": can_manage,
        "post_form": PostForm(
            orgs=Organization.objects.assignable_by(request.user), initial={"org": person.org}
        )
        if can_manage
        else None,
    }
    return render(request, "orgs/person_detail.html", context)


@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("org"), request.user, pk=pk)
    if not actions.can_reveal(request.user, person):
        return deny(request, "您无权查看完整的个人敏感信息。")
    revealed = actions.reveal_person(acting_user=request.user, person=person)
    posts = person.posts.filter(ended_on__isnull=True).select_related("org")
    return render(
        request, "orgs/person_detail.html", {"person": person, "posts": posts, "revealed": revealed}
    )


@require_role(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def org_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if parent_id := request.GET.get("parent", ""):
        initial["parent"] = (
            Organization.objects.assignable_by(request.user).filter(pk=parse_int(parent_id) or 0).first()
        )
    form = OrganizationForm(
        request.POST or None, initial=initial, parents=Organization.objects.assignable_by(request.user)
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in OrganizationForm.FIELDS}
        try:
            org = actions.create_org(acting_user=request.user, **fields)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已新增组织“{org.name}”。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "title": "新增组织"})


@require_role(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, pk=pk)
    initial = {k: getattr(org, k) for k in OrganizationForm.FIELDS} | {"version": org.version}
    form = OrganizationForm(
        request.POST or None,
        initial=initial,
        parents=Organization.objects.assignable_by(request.user).exclude(pk=org.pk),
    )
    if org.parent_id is None:
        form.fields["parent"].required = False
        form.fields["parent"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = {
            k: form.cleaned_data[k] for k in OrganizationForm.FIELDS if form.cleaned_data[k] != initial[k]
        }
        if org.parent_id is None:
            changes.pop("parent", None)
        try:
            if changes:
                actions.update_org(
                    acting_user=request.user,
                    org=org,
                    expected_version=form.cleaned_data["version"] or 0,
                    **changes,
                )
        except (ActionRefused, ConflictError) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存组织“{org.name}”。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "title": f"编辑组织：{org.name}", "org": org})


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    orgs = Organization.objects.assignable_by(request.user)
    initial = {"party_status": "full"}
    if org_id := parse_int(request.GET.get("org", "")):
        initial["org"] = orgs.filter(pk=org_id).first()
    form = PersonForm(request.POST or None, initial=initial, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in PersonForm.FIELDS}
        try:
            person = actions.save_person(acting_user=request.user, person=None, **fields)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已新增人员“{person.name}”。")
            return redirect("orgs:person", pk=person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "title": "新增人员"})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("org"), request.user, pk=pk)
    if not actions.can_manage_people(request.user, person.org):
        return deny(request, "您不能管理该组织的人员。")
    initial = {k: getattr(person, k) for k in PersonForm.FIELDS} | {"version": person.version}
    if request.method == "GET":
        actions.reveal_person(acting_user=request.user, person=person)  # the form shows the full numbers
    form = PersonForm(
        request.POST or None, initial=initial, orgs=Organization.objects.assignable_by(request.user)
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            k: form.cleaned_data[k] if form.cleaned_data[k] is not None else "" for k in PersonForm.FIELDS
        }
        for date_field in ("birth_date", "joined_party_on"):
            fields[date_field] = form.cleaned_data[date_field]
        try:
            actions.save_person(
                acting_user=request.user,
                person=person,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except (ActionRefused, ConflictError) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:person", pk=person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {"form": form, "title": f"编辑人员：{person.name}", "person": person},
    )


@require_POST
def post_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("org"), request.user, pk=pk)
    form = PostForm(request.POST, orgs=Organization.objects.assignable_by(request.user))
    if not form.is_valid():
        messages.error(request, "请选择组织和职务。")
        return redirect("orgs:person", pk=person.pk)
    try:
        actions.add_post(acting_user=request.user, person=person, **form.cleaned_data)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已登记职务。")
    return redirect("orgs:person", pk=person.pk)


@require_POST
def post_end(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    post = person.posts.filter(pk=post_pk, ended_on__isnull=True).select_related("org").first()
    if post is None:
        raise Http404
    try:
        actions.end_post(acting_user=request.user, post=post, ended_on=timezone.localdate())
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已记录离任。")
    return redirect("orgs:person", pk=person.pk)


def _upload_or_confirm(
    request: HttpRequest,
    context: dict[str, Any],
    preview: Callable[[bytes], Any],
    save: Callable[[bytes, str], HttpResponse],
) -> HttpResponse:
    """The import pages' one flow: GET the form; POST a file → the preview of every row,
    the file sealed into the page when no row is wrong; POST the sealed file → `save`,
    which imports it whole. A refusal shows the form again with its Chinese reason."""
    if request.method == "GET":
        return render(request, "orgs/roster_import.html", context)
    try:
        if "sealed" in request.POST:
            content = roster.unseal(request.POST["sealed"], request.user)
            return save(content, request.POST.get("filename", ""))
        upload = request.FILES.get("file")
        if upload is None:
            raise ActionRefused("请选择要导入的 .xlsx 文件。")
        content = upload.read(roster.MAX_BYTES + 1)
        checked = preview(content)
    except ActionRefused as refused:
        return render(request, "orgs/roster_import.html", context | {"error": str(refused)})
    context |= {
        "preview": checked,
        "filename": (upload.name or "")[:100],
        "sealed": "" if checked.errors else roster.seal(content, request.user),
    }
    return render(request, "orgs/roster_import.html", context)


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """导入花名册: upload → preview of every row (what would be added, updated, what is
    wrong) → confirm, which saves the whole sheet in one transaction or nothing."""
    if not roster.may_import_people(request.user):
        return deny(request, "只有机关党委管理员和组织管理员可以导入花名册。")
    orgs = [
        o
        for o in Organization.objects.assignable_by(request.user)
        if actions.can_manage_people(request.user, o)
    ]
    chosen = parse_int(request.POST.get("org") or request.GET.get("org") or "")
    default_org = next((o for o in orgs if o.pk == chosen), None)

    def save(content: bytes, filename: str) -> HttpResponse:
        done = roster.import_people(
            acting_user=request.user, content=content, default_org=default_org, filename=filename
        )
        messages.success(
            request,
            f"花名册已导入：新增{done.count_new}人，更新{done.count_update}人，无变化{done.count_same}人。",
        )
        return redirect("orgs:detail", pk=(default_org or request.user.org).pk)

    return _upload_or_confirm(
        request,
        {"what": "people", "orgs": orgs, "default_org": default_org},
        lambda content: roster.preview_people(
            acting_user=request.user, content=content, default_org=default_org
        ),
        save,
    )


@require_role(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def orgs_import(request: HttpRequest) -> HttpResponse:
    """导入组织机构: the same upload → preview → confirm, for the organisation tree."""

    def save(content: bytes, filename: str) -> HttpResponse:
        done = roster.import_orgs(acting_user=request.user, content=content, filename=filename)
        messages.success(request, f"组织机构已导入：新增{done.count_new}个，更新{done.count_update}个。")
        return redirect("orgs:tree")

    return _upload_or_confirm(
        request,
        {"what": "orgs"},
        lambda content: roster.preview_orgs(acting_user=request.user, content=content),
        save,
    )


def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    """导出花名册 of an organisation's subtree, in the layout the import reads."""
    from urllib.parse import quote

    if request.user.scope_kind() == "none":
        return deny(request, "安全管理员和审计管理员不查看组织与人员等业务数据。")
    org = get_visible_or_404(Organization.objects.all(), request.user, pk=pk)
    data, filename = roster.roster_xlsx(acting_user=request.user, org=org)
    response = HttpResponse(data, content_type=roster.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
