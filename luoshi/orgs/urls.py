from django.urls import path

from luoshi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("new/", views.org_create, name="create"),
    path("<id:pk>/", views.org_detail, name="detail"),
    path("<id:pk>/edit/", views.org_edit, name="edit"),
    path("<id:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path("import/", views.orgs_import, name="orgs_import"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<id:pk>/", views.person_detail, name="person"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/posts/", views.post_add, name="post_add"),
    path("people/<id:pk>/posts/<id:post_pk>/end/", views.post_end, name="post_end"),
    path("people/<id:pk>/reveal/", views.person_reveal, name="person_reveal"),
]
