"""Every state change of public rental housing: one verb-named function each, atomic and audited,
split by entity (units and rates, households, draws, leases, rent, reviews, exits, repairs and
filings). The public verbs are re-exported here: ``from anju.rental import actions; actions.bill_month(...)``."""

from anju.rental.actions.draws import announce_draw, hold_draw, verify_draw
from anju.rental.actions.exits import (
    EXIT_LIVE,
    EXIT_WORKFLOW,
    ExitStepError,
    complete_exit,
    force_exit,
    prepare_exit,
    serve_exit,
    serve_exit_notice_again,
    take_exit_step,
)
from anju.rental.actions.history import Tenancies, take_over_records, take_over_tenancies
from anju.rental.actions.households import apply, decide_eligibility, record_checks
from anju.rental.actions.leases import drawn_by, end_lease, renew_lease, sign_lease
from anju.rental.actions.rent import (
    BillPayment,
    apply_credit,
    bill_month,
    issue_reminder,
    issue_reminders,
    receive_payment,
    record_bill_payments,
)
from anju.rental.actions.repairs import assign_repair, complete_repair, file_rental, report_repair
from anju.rental.actions.reviews import open_reviews, record_inspection, record_review
from anju.rental.actions.units import rate_in_force, register_estate, set_rate, set_unit_state
from anju.rental.errors import RentalError

__all__ = [
    "EXIT_LIVE",
    "EXIT_WORKFLOW",
    "BillPayment",
    "ExitStepError",
    "RentalError",
    "Tenancies",
    "announce_draw",
    "apply",
    "apply_credit",
    "assign_repair",
    "bill_month",
    "complete_exit",
    "complete_repair",
    "decide_eligibility",
    "drawn_by",
    "end_lease",
    "file_rental",
    "force_exit",
    "hold_draw",
    "issue_reminder",
    "issue_reminders",
    "open_reviews",
    "prepare_exit",
    "rate_in_force",
    "receive_payment",
    "record_bill_payments",
    "record_checks",
    "record_inspection",
    "record_review",
    "register_estate",
    "renew_lease",
    "report_repair",
    "serve_exit",
    "serve_exit_notice_again",
    "set_rate",
    "set_unit_state",
    "sign_lease",
    "take_exit_step",
    "take_over_records",
    "take_over_tenancies",
    "verify_draw",
]
