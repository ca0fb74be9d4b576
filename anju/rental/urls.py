from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page
from anju.rental import views, views_records

app_name = "rental"
urlpatterns = [
    path("", views_records.home, name="home"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views_records.unit_detail, name="unit"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views_records.household_create, name="household_create"),
    path("households/<int:pk>/", views_records.household_detail, name="household"),
    path("households/<int:pk>/documents/", views_records.household_document, name="household_document"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views_records.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views_records.draw_detail, name="draw"),
    path("leases/", views.lease_list, name="leases"),
    path("leases/new/", views_records.lease_create, name="lease_create"),
    path("leases/<int:pk>/", views_records.lease_detail, name="lease"),
    path("leases/<int:pk>/contract/", views_records.lease_print, name="lease_print"),
    path("bills/", views.bill_list, name="bills"),
    path("bills/run/", views_records.bill_run, name="bill_run"),
    path("payments/", views.payment_list, name="payments"),
    path("payments/import/", import_page, {"key": "rental.payments"}, name="payment_import"),
    path("arrears/", views.arrears_list, name="arrears"),
    path("arrears/remind/", views.arrears_remind, name="arrears_remind"),
    path("reminders/<int:pk>/", views_records.reminder_print, name="reminder"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/open/", views_records.reviews_open, name="reviews_open"),
    path("reviews/<int:pk>/", views_records.review_record, name="review"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views_records.inspection_create, name="inspection_create"),
    path("exits/", views.exit_list, name="exits"),
    path("exits/<int:pk>/", views_records.exit_detail, name="exit"),
    path("exits/<int:pk>/notice/", views_records.exit_notice, name="exit_notice"),
    path("repairs/", views.repair_list, name="repairs"),
    path("repairs/new/", views_records.repair_create, name="repair_create"),
    path("repairs/<int:pk>/", views_records.repair_detail, name="repair"),
    path("filings/", views.filing_list, name="filings"),
    path("filings/new/", views_records.filing_create, name="filing_create"),
    path("filings/<int:pk>/", views_records.filing_print, name="filing"),
    path("rates/", views.rate_list, name="rates"),
    path("rates/new/", views_records.rate_create, name="rate_create"),
]
