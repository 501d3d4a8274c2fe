from django.urls import path

from principles import views

urlpatterns = [path("", views.principle_list, name="principle_list")]
