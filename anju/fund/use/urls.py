from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.use import views

urlpatterns: list[URLPattern] = [
    path("use/", views.application_list, name="uses"),
    path("use/new/", views.application_create, name="use_create"),
    path("use/payments/", views.payment_list, name="use_payments"),
    path("use/payments/<int:pk>/instruction/", views.payment_instruction, name="use_instruction"),
    path("use/<int:pk>/", views.application_detail, name="use"),
    path("use/<int:pk>/edit/", views.application_edit, name="use_edit"),
    path("use/<int:pk>/step/", views.application_step, name="use_step"),
    path("use/<int:pk>/votes/", views.application_votes, name="use_votes"),
    path("use/<int:pk>/votes/sheet.xlsx", views.vote_sheet, name="use_vote_sheet"),
    path("use/<int:pk>/pay/", views.application_pay, name="use_pay"),
    path("use/<int:pk>/attachments/", views.application_attach, name="use_attach"),
    path("use/<int:pk>/publicity/", views.publicity, name="use_publicity"),
]
