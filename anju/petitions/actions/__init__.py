"""Every change to petitions: channels' dated rules, registering cases (set-based: one case, an import's
work orders and the demo's year go through `register_cases`), the flow 受理 / 不予受理 → 交办 / 转送 → 办理
(contact records) → 答复 → 办结 → 复查 / 复核, the one extension, commitments, links and campaigns.

The flow is the workflow kit's: each step locks the case, checks its state, moves it and writes its history
and the audit log. Who may take a step: the petitions role (handle) or the case's own handler; an extension
is approved by a leader (approve) who is not the handler."""

from __future__ import annotations

from anju.petitions.actions.base import (
    CASE_FLOW,
    CASE_NUMBER,
    CASE_WORKFLOW,
    MODULE,
    OPEN,
    channel_rules,
    may_handle,
    rule_for,
    set_rule,
)
from anju.petitions.actions.campaigns import add_to_campaign, create_campaign, record_incident
from anju.petitions.actions.cases import NewCase, NewPetitioner, link_record, register_case, register_cases
from anju.petitions.actions.flow import (
    accept_case,
    assign_case,
    close_case,
    convert_to_substantive,
    decide_review,
    extend_case,
    forward_case,
    record_commitment,
    record_contact,
    record_satisfaction,
    reject_case,
    reply_case,
    request_review,
    show_identity,
)
from anju.petitions.actions.handled import Handled, PastContact, record_handled

__all__ = [
    "CASE_FLOW",
    "CASE_NUMBER",
    "CASE_WORKFLOW",
    "MODULE",
    "OPEN",
    "Handled",
    "NewCase",
    "NewPetitioner",
    "PastContact",
    "accept_case",
    "add_to_campaign",
    "assign_case",
    "channel_rules",
    "close_case",
    "convert_to_substantive",
    "create_campaign",
    "decide_review",
    "extend_case",
    "forward_case",
    "link_record",
    "may_handle",
    "record_commitment",
    "record_contact",
    "record_handled",
    "record_incident",
    "record_satisfaction",
    "register_case",
    "register_cases",
    "reject_case",
    "reply_case",
    "request_review",
    "rule_for",
    "set_rule",
    "show_identity",
]
