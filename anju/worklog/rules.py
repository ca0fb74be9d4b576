"""The 工作记录 taxonomy (DOMAIN.md §9): each kind of counted activity, what its quantity counts, who may read
it, and the KPIs computed from the records of a kind dated in the year. Pure: no Django import.

A KPI counts the records (`count`: 次, 堂, 个, 件, 起), sums their quantity (`quantity`: 人次, 名, 家), or
gives an assessment's result (`result`, a text) or rank (`rank`, `rank_of`). Talks and home visits name
staff, so only leaders and the 办公室 read them (`confidential`)."""

from __future__ import annotations

from dataclasses import dataclass

COUNT = "count"
QUANTITY = "quantity"
RESULT = "result"
RANK = "rank"
RANK_OF = "rank_of"


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    quantity: str = ""  # what the record's quantity counts (人次, 家, 名); empty: the kind has none
    confidential: bool = False
    assessment: bool = False  # the record carries a result and optionally a rank out of a total


KINDS: tuple[Kind, ...] = (
    Kind("dispatch", "调度会"),
    Kind("joint", "联席会"),
    Kind("rectification", "巡察整改工作部署会议"),
    Kind("interview", "约谈", quantity="家"),
    Kind("campaign", "攻坚行动"),
    Kind("promotion", "推介会", quantity="家"),
    Kind("integrity_meeting", "党风廉政建设会议"),
    Kind("integrity_lecture", "廉政党课"),
    Kind("collective_talk", "集体廉政谈话", quantity="人次", confidential=True),
    Kind("home_visit", "廉政家访", quantity="人次", confidential=True),
    Kind("reminder_talk", "提醒谈话", quantity="人次", confidential=True),
    Kind("party_meeting", "党建工作和学习会议"),
    Kind("charity", "公益募捐活动", quantity="名"),
    Kind("theme_lecture", "主题教育专题党课"),
    Kind("grassroots_talk", "下基层现场宣讲", quantity="人次"),
    Kind("grassroots_visit", "下基层下访接访", quantity="人次"),
    Kind("grassroots_office", "下基层现场办公", quantity="人次"),
    Kind("livelihood_project", "民生项目"),
    Kind("enterprise_problem", "为民营企业解决问题"),
    Kind("ideology_study", "意识形态专题学习"),
    Kind("commentator", "网络舆情评论员明确", quantity="名"),
    Kind("branch_merger", "党支部合并", quantity="个"),
    Kind("adverse_event", "意识形态不良舆情"),
    Kind("liability_accident", "安全生产责任事故"),
    Kind("assessment", "考核与测评结果", assessment=True),
    Kind("other", "其他工作记录"),
)
BY_CODE = {kind.code: kind for kind in KINDS}


@dataclass(frozen=True)
class Measure:
    """A KPI over the work records: of a kind, optionally of one topic (the record's `line`) and one result."""

    code: str
    name: str
    unit: str
    kind: str
    measure: str = COUNT
    line: str = ""
    result: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure("fund.arrears.campaigns", "追缴攻坚行动", "次", "campaign", line="fund"),
    Measure("fund.lift_insurance.promotions", "改革试点推介会", "次", "promotion", line="fund"),
    Measure("fund.lift_insurance.promotion_enterprises", "推介会参会物业企业", "家", "promotion", QUANTITY, "fund"),
    Measure("party.integrity_meetings", "党风廉政会议", "次", "integrity_meeting"),
    Measure("party.integrity_lectures", "廉政党课", "次", "integrity_lecture"),
    Measure("party.collective_talks", "集体廉政谈话", "次", "collective_talk"),
    Measure("party.home_visits", "廉政家访", "人次", "home_visit", QUANTITY),
    Measure("party.reminder_talks", "提醒谈话", "人次", "reminder_talk", QUANTITY),
    Measure("party.meetings", "党建会议", "次", "party_meeting"),
    Measure("party.donors", "募捐参与", "名", "charity", QUANTITY),
    Measure("party.branches_merged", "合并的党支部", "个", "branch_merger", QUANTITY),
    Measure("theme.lectures", "专题党课", "堂", "theme_lecture"),
    Measure("theme.grassroots_talks", "现场宣讲", "人次", "grassroots_talk", QUANTITY),
    Measure("theme.grassroots_visits", "下访接访", "人次", "grassroots_visit", QUANTITY),
    Measure("theme.grassroots_office", "现场办公", "人次", "grassroots_office", QUANTITY),
    Measure("theme.livelihood_projects", "民生项目", "个", "livelihood_project"),
    Measure("theme.enterprise_problems", "为民营企业解决问题", "个", "enterprise_problem"),
    Measure("ideology.study_sessions", "意识形态专题学习", "次", "ideology_study"),
    Measure("ideology.commentators", "网络舆情评论员", "名", "commentator", QUANTITY),
    Measure("ideology.adverse_events", "意识形态不良舆情", "件", "adverse_event"),
    Measure("safety.liability_accidents", "安全生产责任事故", "起", "liability_accident"),
    Measure("assess.safety", "安全生产和消防考核", "个", "assessment", RESULT, "safety"),
    Measure("assess.pingan", "平安建设考核", "个", "assessment", RESULT, "pingan"),
    Measure("assess.poll_rank", "民意调查排名", "名", "assessment", RANK, "poll"),
    Measure("assess.poll_of", "民意调查参评单位", "个", "assessment", RANK_OF, "poll"),
)


# The lines and topics a record belongs to (its `line`): the modules' codes and the center's other work.
TOPICS: dict[str, str] = {
    "fund": "维修资金",
    "rental": "公租房",
    "termite": "白蚁防治",
    "subsidy": "购房补贴",
    "petitions": "信访与网络舆情",
    "legacy": "历史遗留问题项目",
    "oversight": "巡察巡视整改",
    "party": "党风廉政与党建",
    "theme": "主题教育",
    "ideology": "意识形态",
    "safety": "安全生产和消防考核",
    "pingan": "平安建设考核",
    "poll": "民意调查",
    "office": "综合事务",
}


def topic_name(code: str) -> str:
    return TOPICS.get(code, code)


def kind(code: str) -> Kind | None:
    return BY_CODE.get(code)


def is_confidential(code: str) -> bool:
    found = BY_CODE.get(code)
    return bool(found and found.confidential)


def check_record(code: str, quantity: int, result: str, rank: int | None, rank_of: int | None) -> list[str]:
    """What is wrong with a record's figures for its kind (messages in Chinese; empty when it is right)."""
    found = BY_CODE.get(code)
    if found is None:
        return ["工作记录类别无效"]
    problems: list[str] = []
    if quantity < 0:
        problems.append("数量不能为负数")
    if found.quantity and quantity <= 0:
        problems.append(f"请填写{found.name}的{found.quantity}数（大于0）")
    if found.assessment and not result.strip():
        problems.append("请填写考核或测评结果")
    if (rank is None) != (rank_of is None):
        problems.append("排名与参评总数须同时填写")
    elif rank is not None and rank_of is not None and not 1 <= rank <= rank_of:
        problems.append(f"排名{rank}须在1到参评总数{rank_of}之间")
    return problems
