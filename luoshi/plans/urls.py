from django.urls import path

from luoshi.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("compare/", views.plan_compare, name="compare"),
    path("<id:pk>/", views.plan_detail, name="detail"),
    path("<id:pk>/publish/", views.plan_publish, name="publish"),
    path("<id:pk>/replace/", views.plan_replace, name="replace"),
    path("<id:pk>/next-year/", views.plan_next_year, name="next_year"),
    path("<id:pk>/sections/assign/", views.section_assign, name="section_assign"),
    path("<id:pk>/proposals/new/", views.proposal_add, name="proposal_add"),
    path("<id:pk>/proposals/merge/", views.proposal_merge, name="proposal_merge"),
    path("<id:pk>/proposals/<id:proposal_pk>/", views.proposal_card, name="proposal_card"),
    path("<id:pk>/proposals/<id:proposal_pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("<id:pk>/proposals/<id:proposal_pk>/split/", views.proposal_split, name="proposal_split"),
    path("<id:pk>/findings/<id:finding_pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
]
