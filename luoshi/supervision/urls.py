from django.urls import path

from luoshi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("lights/", views.lights, name="lights"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/raise/", views.order_raise, name="order_raise"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("draws/", views.draws_page, name="draws"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/reveal/", views.draw_reveal, name="draw_reveal"),
]
