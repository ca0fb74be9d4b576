from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page
from anju.rental.views import dashboard, draws, exits, filings, households, leases, rent, repairs, reviews, units

app_name = "rental"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("units/", units.unit_list, name="units"),
    path("units/<int:pk>/", units.unit_detail, name="unit"),
    path("households/", households.household_list, name="households"),
    path("households/new/", households.household_create, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household"),
    path("households/<int:pk>/documents/", households.household_document, name="household_document"),
    path("draws/", draws.draw_list, name="draws"),
    path("draws/new/", draws.draw_create, name="draw_create"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("leases/", leases.lease_list, name="leases"),
    path("leases/new/", leases.lease_create, name="lease_create"),
    path("leases/<int:pk>/", leases.lease_detail, name="lease"),
    path("leases/<int:pk>/contract/", leases.lease_print, name="lease_print"),
    path("bills/", rent.bill_list, name="bills"),
    path("bills/run/", rent.bill_run, name="bill_run"),
    path("payments/", rent.payment_list, name="payments"),
    path("payments/import/", import_page, {"key": "rental.payments"}, name="payment_import"),
    path("arrears/", rent.arrears_list, name="arrears"),
    path("arrears/remind/", rent.arrears_remind, name="arrears_remind"),
    path("reminders/<int:pk>/", rent.reminder_print, name="reminder"),
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/open/", reviews.reviews_open, name="reviews_open"),
    path("reviews/<int:pk>/", reviews.review_record, name="review"),
    path("inspections/", reviews.inspection_list, name="inspections"),
    path("inspections/new/", reviews.inspection_create, name="inspection_create"),
    path("exits/", exits.exit_list, name="exits"),
    path("exits/<int:pk>/", exits.exit_detail, name="exit"),
    path("exits/<int:pk>/notice/", exits.exit_notice, name="exit_notice"),
    path("repairs/", repairs.repair_list, name="repairs"),
    path("repairs/new/", repairs.repair_create, name="repair_create"),
    path("repairs/<int:pk>/", repairs.repair_detail, name="repair"),
    path("filings/", filings.filing_list, name="filings"),
    path("filings/new/", filings.filing_create, name="filing_create"),
    path("filings/<int:pk>/", filings.filing_print, name="filing"),
    path("rates/", units.rate_list, name="rates"),
    path("rates/new/", units.rate_create, name="rate_create"),
]
