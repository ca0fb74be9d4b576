"""Users, roles, audit events, login attempts, API tokens, attachments and the holiday calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import by_user


class Role(models.Model):
    """A role (岗位角色): a department of the center, the leadership or the administrators."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        LEADERSHIP = "leadership", _("Leadership")
        ADMIN = "admin", _("Administration")
        EXTERNAL = "external", _("External")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    # "module:action" strings, e.g. "registry:view", "registry:see_id".
    permissions = models.JSONField(_("permissions"), default=list, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def grants(self, module: str, action: str) -> bool:
        return f"{module}:{action}" in self.permissions or f"*:{action}" in self.permissions

    @property
    def approves(self) -> bool:
        """An approver role (审批: any module's approve permission): granting it needs a second administrator."""
        return any(p.endswith(":approve") for p in self.permissions)


class User(AbstractUser):
    """A staff account. Its roles decide what it may see and do."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    must_change_password = models.BooleanField(_("must change password"), default=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def permission_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_anju_perms", None)
        if cached is None:
            perms: set[str] = set()
            for role in self.current_roles():
                perms.update(role.permissions)
            cached = frozenset(perms)
            self._anju_perms = cached
        return cached

    def current_roles(self) -> list[Role]:
        """The user's roles as stored now, read once for this instance (one request's user: its permissions
        and the page header's role names) by one plain query — `prefetch_related_objects`, or even creating
        the `roles` manager, cost several times its CPU on every page. A change through this instance's
        `roles` manager drops them (`_roles_changed`); roles prefetched by a caller are used as they are."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("roles")
        if prefetched is not None:
            return list(prefetched)
        cached: list[Role] | None = self.__dict__.get("_anju_roles")
        if cached is None:
            quote = connection.ops.quote_name
            role, through = quote(Role._meta.db_table), quote(User.roles.through._meta.db_table)
            cached = list(
                Role.objects.raw(
                    f"SELECT r.* FROM {role} r JOIN {through} ur ON ur.role_id = r.id WHERE ur.user_id = %s"
                    " ORDER BY r.id",
                    [self.pk],
                )
            )
            self._anju_roles = cached
        return list(cached)

    def can(self, module: str, action: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        perms = self.permission_set()
        return f"{module}:{action}" in perms or f"*:{action}" in perms

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


@receiver(m2m_changed, sender=User.roles.through)
def _roles_changed(sender: object, instance: object, action: str, **kwargs: object) -> None:
    """A user's roles changed through its own manager (`user.roles.set/add/remove/clear`): that instance reads
    its roles and permissions again."""
    if action.startswith("post_") and isinstance(instance, User):
        instance.__dict__.pop("_anju_roles", None)
        instance.__dict__.pop("_anju_perms", None)


class AuditEvent(models.Model):
    """One entry of the audit log: a change to a business record, a login attempt, an export."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKED = "locked", _("Account locked")
        PASSWORD = "password", _("Password change")
        VIEW = "view", _("Sensitive data viewed")
        DENIED = "denied", _("Permission denied")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept apart from actor so the log still names who acted after an account is removed,
    # and names the user a failed login tried.
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    model = models.CharField(_("record type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class RoleGrant(models.Model):
    """An approver role given to a user, waiting for a second administrator's confirmation (separation of
    duties: no one administrator makes an approver alone)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approver role grant")
        verbose_name_plural = _("approver role grants")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


def _token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    # Tokens end API_TOKEN_DAYS (default 90) after they are made; a new password revokes them all.
    expires = models.DateTimeField(_("expires"), default=_token_expiry)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "anju_" + secrets.token_urlsafe(32)


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the content hash: uploads never overwrite each other and a path reveals nothing.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.module}/{instance.sha256[:2]}/{instance.sha256}.{suffix}"


class Attachment(models.Model):
    """A file attached to a business record (quotes, photos, contracts, evidence, documents).

    `module` is the permission scope: reading the file needs view permission on that module."""

    module = models.CharField(_("module"), max_length=30, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("record id"))
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = by_user(_("uploaded by"), blank=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record")]

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """The last number given out under a document number's head (e.g. ``ZL2023-`` for 2023's leases), so the
    next is taken under a row lock: gapless and never twice, even for two clerks at once."""

    key = models.CharField(_("number head"), max_length=60, unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")

    def __str__(self) -> str:
        return f"{self.key}{self.last}"


class CalendarDay(models.Model):
    """A day that differs from the Mon–Fri week: a statutory holiday (放假) or a 调休 working weekend day.

    Rows of a year count only once its `CalendarYear` says the year is complete."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (rest day)")
        WORKDAY = "workday", _("Working weekend day (调休)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    source = models.CharField(_("source document"), max_length=200)
    # Part of the stamp by which every process sees that the calendar changed (anju.core.calendar).
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"


class CalendarYear(models.Model):
    """A year whose holiday arrangement is complete. Only these years are known to the calendar:
    a year without rows is not a year without holidays."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source document"), max_length=200)
    loaded_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class BankProfile(models.Model):
    """A bank's statement export layout (银行文件格式): where each canonical field sits in the bank's
    file, so a center imports its own bank's export as it comes (`anju.core.bankfile`).

    Each `*_column` is a header in the bank's file ("" where the bank has none). An amount comes
    from one signed column, from a direction column (借贷标志) beside an unsigned amount, or from
    separate debit and credit columns (借方/贷方, 支出/收入)."""

    STANDARD = "standard"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    bank = models.CharField(_("bank"), max_length=60, blank=True)
    active = models.BooleanField(_("active"), default=True)
    skip_rows = models.PositiveSmallIntegerField(_("rows above the header"), default=0)
    skip_footer = models.PositiveSmallIntegerField(_("summary rows at the end"), default=0)
    strict = models.BooleanField(_("no other columns"), default=False)
    txn_id_column = models.CharField(_("transaction id column"), max_length=60)
    date_column = models.CharField(_("date column"), max_length=60)
    time_column = models.CharField(_("time column"), max_length=60, blank=True)
    amount_column = models.CharField(_("amount column"), max_length=60, blank=True)
    direction_column = models.CharField(_("direction column"), max_length=60, blank=True)
    credit_marks = models.CharField(_("marks of money in"), max_length=60, blank=True)
    debit_marks = models.CharField(_("marks of money out"), max_length=60, blank=True)
    debit_column = models.CharField(_("debit (money out) column"), max_length=60, blank=True)
    credit_column = models.CharField(_("credit (money in) column"), max_length=60, blank=True)
    counterparty_column = models.CharField(_("counterparty name column"), max_length=60, blank=True)
    account_column = models.CharField(_("counterparty account column"), max_length=60, blank=True)
    memo_column = models.CharField(_("memo column"), max_length=60, blank=True)
    reference_column = models.CharField(_("reference column"), max_length=60, blank=True)
    balance_column = models.CharField(_("balance column"), max_length=60, blank=True)
    date_formats = models.JSONField(_("date formats"), default=list)
    file_types = models.JSONField(_("file types"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("bank file profile")
        verbose_name_plural = _("bank file profiles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """The center itself, as its printed documents name it (one row): its name, the city, the name of
    its service station, and the text under its seal. Nothing printed carries a city's name otherwise."""

    name = models.CharField(_("organisation name"), max_length=80)
    city = models.CharField(_("city"), max_length=40)
    station = models.CharField(_("service station"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """A long piece of work run by the background worker (`anju worker`): who asked for it, its progress
    (rows done of the total) and, when it has one, the file it produced — kept JOB_FILE_DAYS days and
    readable only by the person who asked (`anju.core.jobs`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    owner = by_user(_("requested by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict)
    file = models.CharField(_("file"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched by every progress step (the heartbeat): a running job untouched for long lost its worker.
    heartbeat = models.DateTimeField(_("heartbeat"), default=timezone.now)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["owner", "-created"]), models.Index(fields=["status", "heartbeat"])]

    def __str__(self) -> str:
        return f"{self.title} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else (self.done * 100 // self.total if self.total else 0)

    # A handler's result is shown as facts (label: value), links (label, url) and, for a refused file,
    # its error table: {"summary": [[label, value], ...], "links": [...], "errors": [...], "error_count": n};
    # a result without "summary" is shown as its own keys and values.
    DETAILS = ("summary", "links", "errors", "error_count")

    @property
    def facts(self) -> list[tuple[str, Any]]:
        result = self.result or {}
        if "summary" in result:
            return [(str(label), value) for label, value in result["summary"]]
        return [(key, value) for key, value in result.items() if key not in self.DETAILS]

    @property
    def links(self) -> list[tuple[str, str]]:
        return [(str(label), str(url)) for label, url in (self.result or {}).get("links", [])]

    @property
    def row_errors(self) -> list[dict[str, Any]]:
        return list((self.result or {}).get("errors", []))


class WorkerBeat(models.Model):
    """The background worker's heartbeat: each `anju worker` process touches its row every
    WORKER_BEAT_SECONDS while it runs (also while a long job holds it); /healthz reads the newest."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("process id"))
    started = models.DateTimeField(_("started"))
    seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class TableVersion(models.Model):
    """The version of one table's rows, which database triggers move on any change to them (installed per
    table by `anju.core.kept.watch` in the owning app's migration): the key of figures kept over that table
    (`anju.core.kept`). `stamp` is random, so a rolled-back or restored database never meets figures kept
    for another one under the same count."""

    table = models.CharField(max_length=63, primary_key=True)
    n = models.BigIntegerField(default=0)
    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.table} {self.n}"
