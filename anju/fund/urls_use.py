from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund import views_journal, views_use

urlpatterns: list[URLPattern] = [
    path("use/", views_use.application_list, name="uses"),
    path("use/new/", views_use.application_create, name="use_create"),
    path("use/payments/", views_use.payment_list, name="use_payments"),
    path("use/payments/<int:pk>/instruction/", views_use.payment_instruction, name="use_instruction"),
    path("use/<int:pk>/", views_use.application_detail, name="use"),
    path("use/<int:pk>/edit/", views_use.application_edit, name="use_edit"),
    path("use/<int:pk>/step/", views_use.application_step, name="use_step"),
    path("use/<int:pk>/votes/", views_use.application_votes, name="use_votes"),
    path("use/<int:pk>/votes/sheet.xlsx", views_use.vote_sheet, name="use_vote_sheet"),
    path("use/<int:pk>/pay/", views_use.application_pay, name="use_pay"),
    path("use/<int:pk>/attachments/", views_use.application_attach, name="use_attach"),
    path("use/<int:pk>/publicity/", views_use.publicity, name="use_publicity"),
    path("journal/", views_journal.journal, name="journal"),
]
