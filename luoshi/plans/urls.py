from django.urls import path

from luoshi.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("compare/", views.plan_compare, name="compare"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/replace/", views.plan_replace, name="replace"),
    path("<int:pk>/next-year/", views.plan_next_year, name="next_year"),
    path("<int:pk>/sections/assign/", views.section_assign, name="section_assign"),
    path("<int:pk>/proposals/new/", views.proposal_add, name="proposal_add"),
    path("<int:pk>/proposals/merge/", views.proposal_merge, name="proposal_merge"),
    path("<int:pk>/proposals/<int:proposal_pk>/", views.proposal_card, name="proposal_card"),
    path("<int:pk>/proposals/<int:proposal_pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("<int:pk>/proposals/<int:proposal_pk>/split/", views.proposal_split, name="proposal_split"),
    path("<int:pk>/findings/<int:finding_pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
]
