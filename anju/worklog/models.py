"""工作记录: one record type shared by every line for meetings (调度会、联席会、巡察整改部署会) and the other counted
activities (DOMAIN.md §9). A record names its line (a module code), its date, who attended and its minutes, and
links to the line records it concerns through the content types framework (no line is imported here). The
decisions of a meeting that become tasks are the lines' own task records pointing back at the meeting."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.worklog import rules


class WorkRecord(models.Model):
    class Category:
        """The kinds the lines' own code records (the whole taxonomy is `rules.KINDS`)."""

        DISPATCH = "dispatch"  # 调度会
        JOINT = "joint"  # 联席会
        RECTIFICATION = "rectification"  # 巡察整改工作部署会议
        INTERVIEW = "interview"  # 约谈
        OTHER = "other"
        values = tuple(kind.code for kind in rules.KINDS)

    category = models.CharField(
        _("work record category"), max_length=20, choices=[(k.code, k.name) for k in rules.KINDS], db_index=True
    )
    # The module code (fund, legacy, oversight…) or, for the center's other activities, the topic that tells
    # records of one kind apart (an assessment's safety / pingan / poll; a problem list's team / personal).
    line = models.CharField(_("business line"), max_length=30, db_index=True)
    AUDIT_VALUES = {"line": rules.topic_name}
    held_on = models.DateField(_("held on"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # What the kind counts besides the record itself: persons (人次, 名) or enterprises (家); 0 where it has none.
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    # An assessment's result (良好, 合格) and rank out of a total; a research issue's review (审核通过).
    result = models.CharField(_("result"), max_length=40, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    document = models.CharField(_("document number"), max_length=60, blank=True)
    # Talks and home visits name staff: only leaders and the 办公室 read them (set from the kind).
    confidential = models.BooleanField(_("confidential"), default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def kind(self) -> rules.Kind | None:
        return rules.kind(self.category)


class WorkRecordLink(models.Model):
    """A line record a work record concerns (a legacy project, a finding …)."""

    record = models.ForeignKey(WorkRecord, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("work record link")
        verbose_name_plural = _("work record links")
        constraints = [
            models.UniqueConstraint(fields=["record", "content_type", "object_id"], name="worklog_link_once")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.record} → {self.content_type_id}:{self.object_id}"
