from django.urls import path

from luoshi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("new/", views.org_create, name="create"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/posts/", views.post_add, name="post_add"),
    path("people/<int:pk>/posts/<int:post_pk>/end/", views.post_end, name="post_end"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
]
