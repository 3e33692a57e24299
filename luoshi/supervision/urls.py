from django.urls import path

from luoshi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("lights/", views.lights, name="lights"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/export/", views.orders_export, name="orders_export"),
    path("items/new/", views.item_new, name="item_new"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/raise/", views.order_raise, name="order_raise"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("orders/<int:pk>/decompose/", views.order_decompose, name="order_decompose"),
    path("orders/<int:pk>/docx/", views.order_docx, name="order_docx"),
    path("draws/", views.draws_page, name="draws"),
    path("draws/export/", views.draws_export, name="draws_export"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/reveal/", views.draw_reveal, name="draw_reveal"),
]
