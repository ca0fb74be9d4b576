"""How rental documents are numbered (`anju.core.numbering`): prefix, year, a 5-digit sequence."""

from __future__ import annotations

from anju.core.numbering import Scheme
from anju.rental.models import Draw, Exit, Filing, Household, Lease, Repair

HOUSEHOLD = Scheme(Household, "SQ", 5)  # 申请
DRAW = Scheme(Draw, "YH", 5)  # 摇号
HOME_LEASE = Scheme(Lease, "ZL", 5)  # 住房租赁合同
SHOP_LEASE = Scheme(Lease, "MM", 5)  # 门面租赁合同
EXIT = Scheme(Exit, "QT", 5)  # 清退
REPAIR = Scheme(Repair, "WX", 5)  # 维修工单
FILING = Scheme(Filing, "BA", 5)  # 租赁备案
