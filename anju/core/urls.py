from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from anju.core import bankfile_views, health, imports_views, jobs_views, pickers, roles_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    # Public: the load balancer and the monitoring ask without a session.
    path("healthz", login_not_required(health.healthz), name="healthz"),
    path("organisation/", views.organisation_edit, name="organisation"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("audit/", views.audit_log, name="audit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/grants/", views.role_grants, name="role_grants"),
    path("users/grants/<int:pk>/", views.role_grant_decide, name="role_grant_decide"),
    path("jobs/", jobs_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", jobs_views.job_detail, name="job"),
    path("jobs/<int:pk>/file/", jobs_views.job_file, name="job_file"),
    path("roles/", roles_views.role_list, name="roles"),
    path("roles/new/", roles_views.role_edit, name="role_create"),
    path("roles/<int:pk>/", roles_views.role_edit, name="role_edit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("calendar/", views.calendar_days, name="calendar"),
    path("calendar/days/add/", views.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/remove/", views.calendar_day_remove, name="calendar_day_remove"),
    path("calendar/<int:year>/complete/", views.calendar_year_complete, name="calendar_year_complete"),
    path("calendar/<int:year>/reopen/", views.calendar_year_reopen, name="calendar_year_reopen"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/import/template.xlsx", views.calendar_import_template, name="calendar_import_template"),
    path("imports/<str:key>/", imports_views.import_page, name="import"),
    path("imports/<str:key>/template.xlsx", imports_views.import_template, name="import_template"),
    path("bank-profiles/", bankfile_views.profile_list, name="bank_profiles"),
    path("bank-profiles/new/", bankfile_views.profile_edit, name="bank_profile_create"),
    path("bank-profiles/<int:pk>/", bankfile_views.profile_edit, name="bank_profile_edit"),
    path("pick/<str:module>/<str:kind>/", pickers.pick, name="pick"),
]
