"""Every write of termite control, one function per use case (CONVENTIONS.md), split by entity: prevention
(fee and warranty rules, applications, contracts, treatment stages, acceptance), revisits (a finding of
termites opens a free control request), control requests, chemicals and labour. The public verbs are
re-exported here: ``from anju.termite import actions; actions.accept_building(...)``."""

from anju.termite.actions.base import BuildingArea
from anju.termite.actions.control import close_control, open_control_request, treat_control
from anju.termite.actions.prevention import (
    accept_application,
    accept_building,
    rate_in_force,
    record_treatment,
    register_application,
    return_application,
    set_fee_rate,
    set_warranty_rule,
    sign_contract,
    warranty_end,
    warranty_rule_on,
)
from anju.termite.actions.revisits import RevisitRow, record_revisit, record_revisits
from anju.termite.actions.stock import add_chemical, issue_chemical, lot_stock, receive_lot, set_labour_price

__all__ = [
    "BuildingArea",
    "RevisitRow",
    "accept_application",
    "accept_building",
    "add_chemical",
    "close_control",
    "issue_chemical",
    "lot_stock",
    "open_control_request",
    "rate_in_force",
    "receive_lot",
    "record_revisit",
    "record_revisits",
    "record_treatment",
    "register_application",
    "return_application",
    "set_fee_rate",
    "set_labour_price",
    "set_warranty_rule",
    "sign_contract",
    "treat_control",
    "warranty_end",
    "warranty_rule_on",
]
