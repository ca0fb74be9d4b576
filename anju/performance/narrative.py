"""The annual report's text: sections 一 to 八 as in the seed, each a template whose `{placeholders}` are filled
from the KPI registry and the budget records. The text of a section is editable per year (Narrative);
these defaults apply until someone edits it.

Placeholders: `{kpi.code}` or `{kpi.code:SPEC}` with SPEC = optional scale 亿 or 万, optional decimals,
optional `g` (drop trailing zeros): `{fund.collected:亿2}` → 1.34. `{a/b:SPEC}` is a percentage a ÷ b.
A list KPI gives its items joined by "、" (`{subsidy.paid_batches}` → 490、765), or with "和" before the last
item when SPEC ends in 和 (`{legacy.entered_certification:和}` → 新天地和湖天名居); an empty list leaves its
sentence out.
`{year}`, `{next_year}`, `{prev_year}` are the years; `{fact.NAME}` a figure of this module's records
(`facts`). A sentence whose placeholder has no value is left out; when a paragraph loses a figure because
the KPI's module is not in the system yet, it says so: "（该项业务尚未纳入本系统）"."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anju.core import kpis as registry

logger = logging.getLogger(__name__)

NOT_IN_SYSTEM = "（该项业务尚未纳入本系统）"
PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")
SPEC = re.compile(r"^(亿|万)?(\d)?(g)?(和)?$")
SENTENCE = re.compile(r"[^。；;]*[。；;]?")
SCALES = {"亿": Decimal(100_000_000), "万": Decimal(10_000)}
YEARS = frozenset({"year", "next_year", "prev_year"})

# Every KPI code of KPIS.md the report is written from, and the counted activities of DOMAIN.md §9 (the work
# records); figures.json warns about each one not registered.
EXPECTED_KPIS: tuple[str, ...] = (
    "fund.collected",
    "fund.disbursed",
    "fund.collected_cumulative",
    "fund.disbursed_cumulative",
    "fund.income_cumulative",
    "fund.arrears.target",
    "fund.arrears.recovered",
    "fund.arrears.rate",
    "fund.arrears.enterprises_interviewed",
    "fund.arrears.evidence_projects",
    "fund.arrears.evidence_households",
    "fund.arrears.evidence_amount",
    "fund.arrears.failed_auction_amount",
    "fund.lift_insurance.lifts_signed",
    "rental.homes",
    "rental.households",
    "rental.allocations",
    "rental.exits",
    "rental.forced_exits",
    "rental.rent_collected",
    "rental.rent_collected_homes",
    "rental.rent_collected_shops",
    "rental.collection_rate",
    "rental.reviews",
    "rental.review_rate",
    "rental.repairs",
    "rental.repair_cost",
    "rental.inspections",
    "rental.reinspections",
    "rental.filings",
    "termite.accepted_area",
    "termite.treated_area",
    "termite.house_control_area",
    "termite.trees_treated",
    "termite.revisit_area",
    "termite.revisit_rate",
    "subsidy.paid",
    "subsidy.paid_batches",
    "subsidy.in_review",
    "subsidy.reviewed",
    "subsidy.rejected",
    "subsidy.returned",
    "subsidy.awaiting_batch",
    "subsidy.withdrawn",
    "petitions.online",
    "petitions.online_reply_rate",
    "petitions.online_closure_rate",
    "petitions.referrals",
    "petitions.referrals_on_time",
    "petitions.referrals_commitments",
    "petitions.referrals_substantive",
    "petitions.referrals_procedural",
    "legacy.projects",
    "legacy.in_certification",
    "legacy.entered_certification",
    "legacy.entered_certification_count",
    "oversight.findings",
    "oversight.findings_fund",
    "oversight.meetings",
    "budget.initial",
    "budget.final",
    "budget.executed",
    "budget.execution_rate",
    "budget.basic_spent",
    "budget.project_spent",
    "budget.three_public",
    "budget.special.termite_rate",
    "budget.special.rental_rate",
    "budget.assets_total",
    "budget.procurement",
    "org.posts",
    "org.staff",
    "performance.score",
    "termite.warranty_area",
    "termite.special_used",
    "subsidy.amount_paid",
    "subsidy.flagged",
    "petitions.overdue",
    "petitions.repeat",
    "legacy.households_waiting",
    "oversight.rectified",
    "oversight.overdue",
    "fund.arrears.dispatch_meetings",
    "fund.arrears.campaigns",
    "fund.arrears.joint_interviewed",
    "fund.arrears.transfers",
    "fund.arrears.urban_interviewed",
    "fund.arrears.failed_auctions",
    "fund.lift_insurance.targets",
    "fund.lift_insurance.promotions",
    "fund.lift_insurance.promotion_enterprises",
    "oversight.research_reported",
    "oversight.research_approved",
    "oversight.problem_lists_team",
    "oversight.problem_lists_personal",
    "party.integrity_meetings",
    "party.integrity_lectures",
    "party.collective_talks",
    "party.home_visits",
    "party.reminder_talks",
    "party.meetings",
    "party.branches_merged",
    "party.donors",
    "theme.lectures",
    "theme.grassroots_talks",
    "theme.grassroots_visits",
    "theme.grassroots_office",
    "theme.livelihood_projects",
    "theme.enterprise_problems",
    "ideology.study_sessions",
    "ideology.commentators",
    "ideology.adverse_events",
    "safety.liability_accidents",
    "assess.safety",
    "assess.pingan",
    "assess.poll_rank",
    "assess.poll_of",
    "oversight.decomposition_notices",
    "oversight.decomposition_numbers",
    "oversight.interim_deadlines",
)

# Names of the expected KPIs, for the warning about one that is not registered yet (KPIS.md).
EXPECTED_NAMES: dict[str, str] = {
    "fund.arrears.target": "追缴任务",
    "fund.arrears.recovered": "追缴现金入库",
    "fund.arrears.rate": "追缴任务完成率",
    "fund.lift_insurance.lifts_signed": "电梯保险签约台数",
    "rental.homes": "公租房房源",
    "termite.accepted_area": "白蚁预防申请受理面积",
    "termite.treated_area": "房屋白蚁预防施工面积",
    "termite.house_control_area": "房屋白蚁灭治面积",
    "termite.trees_treated": "树木白蚁灭治",
    "termite.revisit_area": "回访复查面积",
    "termite.revisit_rate": "回访率",
    "subsidy.paid": "完成补贴发放",
    "subsidy.in_review": "审核拨付中",
    "subsidy.reviewed": "补贴申请资料审查",
    "subsidy.paid_batches": "各批发放户数",
    "subsidy.rejected": "审查未通过",
    "subsidy.returned": "退回补正",
    "subsidy.awaiting_batch": "审查通过待纳入批次",
    "subsidy.withdrawn": "撤回",
    "petitions.online": "网络舆情事项",
    "petitions.online_reply_rate": "回复率",
    "petitions.online_closure_rate": "办结率",
    "petitions.referrals": "巡视组交办件",
    "petitions.referrals_on_time": "按时办结",
    "petitions.referrals_commitments": "签订息访罢诉承诺书",
    "petitions.referrals_substantive": "实体办结",
    "petitions.referrals_procedural": "程序性办结",
    "legacy.projects": "历史遗留问题项目",
    "legacy.in_certification": "已进入办证程序",
    "legacy.entered_certification": "当年进入办证程序",
    "legacy.entered_certification_count": "当年进入办证程序项目数",
    "oversight.findings": "巡察反馈问题",
    "oversight.findings_fund": "其中维修资金管理方面",
    "oversight.meetings": "巡察整改工作部署会议",
}


@dataclass(frozen=True)
class Section:
    key: str
    chapter: str  # the chapter heading (一、...) this section opens or continues
    title: str  # the sub-heading, empty when the chapter has one body
    default: str


UNIT_NAME = "unit_name"
GOALS = "annex_goals"
RESULTS = "annex_results"
SAVINGS = "annex_savings"

SECTIONS: tuple[Section, ...] = (
    Section(
        "s1_1",
        "一、单位基本情况",
        "（一）机构设置情况",
        "怀化市住房保障服务中心作为一级部门预算单位，内设部门为：办公室、人事财务部、住房保障服务部、住建信息服务部。"
        "下设不具备独立法人资格的正科级分支机构市住房保障服务站，承担协助开展白蚁防治、房屋租赁、物业专项维修资金管理等服务性工作。",
    ),
    Section(
        "s1_2",
        "一、单位基本情况",
        "（二）人员编制情况",
        "我单位{year}年人员编制数{org.posts}人，其中在职人员{org.staff}人，均为全额拨款事业编制。",
    ),
    Section(
        "s1_3",
        "一、单位基本情况",
        "（三）主要职能职责",
        "1.负责全市物业专项维修资金业务指导工作；承担市城区物业专项维修资金归集、管理、拨付等事务性职责。\n"
        "2.承担全市保障性住房后续管理和其他房屋租赁管理的业务指导，市本级保障性住房租赁管理服务和其他房屋租赁备案的相关服务。\n"
        "3.承担市本级白蚁防治业务指导、实施白蚁防治科学研究及新技术推广等职责。\n"
        "4.为全市住房保障、房地产市场监管、物业管理、保障性住房租赁管理、其他房屋租赁管理、白蚁防治管理等相关政策拟订提供服务。\n"
        "5.协助维护住建领域信息化管理系统，住建领域信息的收集、统计、分析、报告、发布等职责。\n"
        "6.承担市住房和城乡建设局交办的其他工作。",
    ),
    Section(
        "s1_4",
        "一、单位基本情况",
        "（四）绩效目标设定情况",
        "1.做好物业专项维修资金管理服务工作。\n2.抓好房屋租赁和公租房管理后续服务工作。\n3.抓好白蚁防治工作。\n"
        "4.做好其他工作任务等。",
    ),
    Section(
        "s2_1",
        "二、部门整体支出情况管理及使用情况",
        "（一）预算执行、使用、管理总体情况",
        "1.收入预算。{year}年年初预算数{budget.initial:万2}万元。\n"
        "2.支出预算。{year}年年初预算数{budget.initial:万2}万元，其中，基本支出{fact.initial_basic:万2}万元、"
        "项目支出{fact.initial_project:万2}万元。\n"
        "3.支出决算。{year}年支出决算数{budget.executed:万2}万元，其中：基本支出{budget.basic_spent:万2}万元、"
        "项目支出{budget.project_spent:万2}万元。按经济分类支出合计{fact.economic_total:万2}万元，"
        "其中工资福利支出{fact.economic.工资福利支出:万2}万元、商品和服务支出{fact.economic.商品和服务支出:万2}万元、"
        "对个人和家庭的补助{fact.economic.对个人和家庭的补助:万2}万元、资本性支出{fact.economic.资本性支出:万2}万元。",
    ),
    Section(
        "s2_2",
        "二、部门整体支出情况管理及使用情况",
        "（二）部门预算执行情况",
        "1.基本支出情况\n"
        "{year}年基本支出{budget.basic_spent:万2}万元，其中：人员经费{fact.personnel:万2}万元，人员经费主要包括基本工资、"
        "津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、职业年金缴费、其他社会保障缴费、离休费、退休费、生活补助、"
        "住房公积金、其他对个人和家庭的补助支出；日常公用经费{fact.public:万2}万元，公用经费主要包括办公费、印刷费、咨询费、"
        "手续费、水费、电费、物业管理费、差旅费、维修（护）费、公务接待费、劳务费、委托业务费、工会经费、公务用车运行维护费、"
        "其他交通费用、税金及附加费用、其他商品和服务支出、办公设备购置、专用设备购置、其他资本性支出。\n"
        "2.项目支出情况\n"
        "{year}年年初预算数为{fact.initial_project:万2}万元，是指单位为完成特定行政工作任务或事业发展目标而发生的支出，"
        "包括有关事业发展专项、专项业务费、基本建设支出等。\n"
        "（1）项目资金实际使用情况。白蚁防治项目使用专项资金{fact.fund.termite.used:万2}万元，"
        "结余资金{fact.fund.termite.balance:万2}万元，专项资金使用率{budget.special.termite_rate:0}%；"
        "公租房后续管理使用专项资金{fact.fund.rental.used:万2}万元，结余资金{fact.fund.rental.balance:万2}万元，"
        "专项资金使用率{budget.special.rental_rate:0}%。\n"
        "（2）专项资金管理情况分析。对公租房后续管理专项资金使用，严格执行“专款专用”，并根据市财政局的要求，"
        "按项目进度及时拨付资金，达到资金使用目的。\n"
        "3.“三公经费”支出使用和管理情况\n"
        "{year}年度“三公”经费预算为{fact.three_public_budget:万2}万元，支出决算为{budget.three_public:万2}万元，"
        "完成预算的{budget.three_public/fact.three_public_budget:0}%。我单位认真贯彻落实中央“八项规定”和厉行节约要求，"
        "进一步从严控制“三公”经费支出。\n"
        "4.“三公”经费支出决算具体情况说明。{year}年度“三公”经费支出决算中，因公出国（境）支出决算{fact.overseas:万2}万元；"
        "公务用车购置及运行维护费支出决算{fact.vehicles:万2}万元，占{fact.vehicles/budget.three_public:0}%，"
        "公务接待费支出决算{fact.reception:万2}万元，占{fact.reception/budget.three_public:0}%。",
    ),
    Section(
        "s3",
        "三、部门专项组织实施情况",
        "",
        "（一）项目组织情况分析\n"
        "1.公租房后续管理组织情况：通过政府购买服务的方式，采取公开招投标方式确定物业服务企业，负责小区环境卫生、安全等工作"
        "高效运作；通过询价等方式择优选取房屋维修公司开展房屋维修和设备设施日常维护保养。\n"
        "2.白蚁防治专项工作：白蚁防治药水、施工劳务费采购全部履行政府采购程序，确保公平公正。{year}年政府采购金额"
        "{budget.procurement:万2}万元。\n"
        "（二）项目管理情况\n"
        "项目资金管理情况。一是财政管理制度健全。二是资金拨付手续完整，各项资金全部实现国库集中支付、专款专用。"
        "三是会计信息质量真实，严格执行《会计法》等财经法规，接受市级财政、审计部门及上级主管部门的检查、监督。",
    ),
    Section(
        "s4",
        "四、资产管理情况",
        "",
        "{year}年本单位资产总计为{budget.assets_total:万2}万元，其中流动资产为{fact.assets_current:万2}万元，"
        "固定资产为{fact.assets_fixed:万2}万元。\n"
        "（一）制度建设。本单位制定了《怀化市住房保障服务中心政府采购内控管理制度》、《物业专项维修资金内部财务管理制度》"
        "等多项财务制度。\n"
        "（二）资产管理。对所有财产由办公室统一管理，建立台账，各部室及分支机构使用人为第一责任人，工作人员如有工作变动"
        "需及时办理移交手续。\n"
        "（三）资产配置处理评价制度。单位配置和处置超过千元以上的资产提请单位领导研究，报单位领导审批后进行配置和处理。",
    ),
    Section(
        "s5_1",
        "五、部门整体支出绩效情况",
        "（一）主要业务工作完成情况",
        "1.物业专项维修资金管理工作。\n"
        "（1）维修资金归集使用情况。{year}年完成维修资金归集{fund.collected:亿2}亿元，拨付使用{fund.disbursed:万2}万元。"
        "截止{next_year}年1月底，历年累计归集{fund.collected_cumulative:亿2}亿元，"
        "累计使用拨付{fund.disbursed_cumulative:万2}万元；累计利息收益{fund.income_cumulative:亿1}亿元。\n"
        "（2）维修资金追缴情况。收集了{fund.arrears.evidence_projects}个项目开发企业代收业主维修资金相关证据材料，"
        "共涉及{fund.arrears.evidence_households}户{fund.arrears.evidence_amount:万2}万元。"
        "启动抵押资产拍卖程序，流拍共涉及欠缴金额{fund.arrears.failed_auction_amount:万2}万元。"
        "{year}年共约谈开发企业{fund.arrears.enterprises_interviewed}家，追缴现金入库{fund.arrears.recovered:万2}万元，"
        "完成年度目标任务{fund.arrears.rate:1}%（{year}年下达我中心物业专项维修资金追缴任务为"
        "{fund.arrears.target:万2}万元）。\n"
        "（3）电梯维修保险改革试点情况。积极探索物业专项维修资金增值收益引入电梯维修保险改革试点工作，"
        "目前已签约电梯{fund.lift_insurance.lifts_signed}台。\n"
        "2.公租房后续管理工作。市本级公租房小区共有住房{rental.homes}套。目前，现有住户{rental.households}户，"
        "{year}年新分配入住{rental.allocations}户，清退{rental.exits}户（其中，强制清退{rental.forced_exits}户）；"
        "收取租金{rental.rent_collected:万2}万元（住房{rental.rent_collected_homes:万2}万元、"
        "门面{rental.rent_collected_shops:万2}万元），租金收取率{rental.collection_rate:2}%；"
        "完成租赁资格年审{rental.reviews}户，完成率{rental.review_rate:1}%；开展日常维修{rental.repairs}次，"
        "维修金额{rental.repair_cost:万2}万元；已完成入户调查{rental.inspections}户，复查{rental.reinspections}户；"
        "办理房屋租赁备案{rental.filings}宗。\n"
        "3.白蚁防治工作情况。{year}年，完成白蚁预防申请受理面积{termite.accepted_area:万0}万㎡，"
        "完成房屋白蚁预防施工{termite.treated_area:万0}万㎡，房屋白蚁灭治施工面积{termite.house_control_area:0}㎡，"
        "树木白蚁灭治施工{termite.trees_treated:万1}万棵，完成房屋白蚁回访复查面积{termite.revisit_area:万0}万㎡，"
        "回访率{termite.revisit_rate:0}%。\n"
        "4.购房补贴发放工作情况。{year}年，已完成购房补贴发放{subsidy.paid}户，{subsidy.in_review}户正在审核拨付中，"
        "全年共完成补贴申请资料审查{subsidy.reviewed}套。已发放的各批次依次发放{subsidy.paid_batches}户。"
        "资料审查的{subsidy.reviewed}套中，审查未通过{subsidy.rejected}套；退回补正{subsidy.returned}套；"
        "审查通过待纳入批次{subsidy.awaiting_batch}套；撤回{subsidy.withdrawn}套。",
    ),
    Section(
        "s5_2",
        "五、部门整体支出绩效情况",
        "（二）履职尽责，服务中心工作情况",
        "1.积极推进房地产遗留问题处理。我中心负责的房地产历史遗留问题项目共{legacy.projects}个，"
        "目前，已进入办证程序的项目{legacy.in_certification}个。"
        "{year}年进入办证程序{legacy.entered_certification_count}个，分别为{legacy.entered_certification:和}项目。\n"
        "2.信访工作办理情况。{year}年，我中心共办理省长信箱、市长热线、湘易办、红网、问政湖南等网络舆情事项"
        "{petitions.online}件，回复率{petitions.online_reply_rate:0}%，办结率{petitions.online_closure_rate:0}%。"
        "办理巡视组信访交办件{petitions.referrals}件，按时办理完结{petitions.referrals_on_time}件，"
        "签订息访罢诉承诺书{petitions.referrals_commitments}件；实体办结{petitions.referrals_substantive}件，占比{petitions.referrals_substantive/petitions.referrals:2}%；"
        "程序性办结{petitions.referrals_procedural}件，占比{petitions.referrals_procedural/petitions.referrals:2}%。",
    ),
    Section(
        "s6",
        "六、综合评价情况及评价结论",
        "",
        "我单位积极组织实施了{year}年度专项资金管理，建立了专项资金和项目管理制度，规范了实施程序，较好地完成了{year}年度"
        "工作目标，根据《部门整体支出绩效自评表》，{year}年度部门整体绩效自评综合评分为{performance.score:1g}分，"
        "评价等级为“{fact.grade}”。",
    ),
    Section(
        "s7",
        "七、存在的主要问题",
        "",
        "（一）绩效评价工作内容需要在日常工作进行掌握和执行，要求财务人员不断学习和培训才能提高单位绩效评价工作水平。\n"
        "（二）部门整体绩效评价工作是一项长期性的工作，专业性强，工作量大，建议财政有关部门进一步加强开展相关的业务工作培训。",
    ),
    Section(
        "s8",
        "八、改进措施和有关建议",
        "",
        "1.将绩效管理与绩效评价两者的目标体系充分融合，对绩效指标进行针对性细化，保证预算执行有章可循。\n"
        "2.引导单位将预算编制、执行过程中的绩效管理信息进行公开，强化绩效管理意识，确保绩效管理的有效实施。",
    ),
)

# Texts of the attachments (editable like the sections).
ANNEX_TEXTS: tuple[Section, ...] = (
    Section(UNIT_NAME, "", "预算单位名称", "怀化市住房保障服务中心"),
    Section(
        GOALS,
        "",
        "年度总体目标：预期目标",
        "1.做好物业专项维修资金管理服务工作，尤其是物业专项维修资金追缴工作。\n2.抓好房屋租赁和公租房管理后续服务工作。\n"
        "3.抓好白蚁防治工作。\n4.其他工作任务等。",
    ),
    Section(
        RESULTS,
        "",
        "年度总体目标：实际完成情况",
        "1.{year}年完成维修资金归集{fund.collected:亿2}亿元，拨付使用{fund.disbursed:万2}万元。\n"
        "2.{year}年共约谈开发企业{fund.arrears.enterprises_interviewed}家，追缴现金入库{fund.arrears.recovered:万2}万元，"
        "完成年度目标任务{fund.arrears.rate:1}%。\n"
        "3.公租房小区共有住房{rental.homes}套，收取租金{rental.rent_collected:万2}万元，租金收取率{rental.collection_rate:2}%。\n"
        "4.完成白蚁预防申请受理面积{termite.accepted_area:万0}万㎡，回访率{termite.revisit_rate:0}%。",
    ),
    Section(SAVINGS, "", "厉行节约保障措施", "严格执行上级相关要求，树立过紧日子思想，减少不必要的开支"),
)

ALL_TEXTS: dict[str, Section] = {s.key: s for s in SECTIONS + ANNEX_TEXTS}


class Missing(Exception):
    def __init__(self, code: str, not_in_system: bool) -> None:
        super().__init__(code)
        self.code = code
        self.not_in_system = not_in_system


def _known(code: str) -> bool:
    return code in YEARS or code.startswith("fact.") or code in EXPECTED_KPIS or registry.find(code) is not None


def validate(text: str) -> list[str]:
    """What is wrong with the placeholders of an edited text (empty when it can be filled): an unknown code, a
    format other than 亿/万 + decimals + g, a ratio of other than two codes, an unmatched brace."""
    problems: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        whole, code, spec = match.group(0), match.group(1).strip(), match.group(2) or ""
        parts = [part.strip() for part in code.split("/")]
        if len(parts) > 2 or not all(parts):
            problems.append(f"占位符{whole}：比例应写作{{分子代码/分母代码}}")
            continue
        for part in parts:
            if not _known(part):
                problems.append(f"占位符{whole}：未知的指标代码“{part}”")
            elif part in YEARS and len(parts) > 1:
                problems.append(f"占位符{whole}：年份不能用于比例")
        if match.group(2) is not None and not SPEC.match(spec):
            problems.append(
                f"占位符{whole}：格式“{spec}”无效，应为可选的亿或万、可选的小数位数（0–9）、可选的g、可选的和"
            )
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        problems.append("文本中有不成对的花括号“{”或“}”（占位符应写作{指标代码}或{指标代码:格式}）")
    return problems


def format_value(value: Decimal | int, spec: str, *, is_count: bool) -> str:
    match = SPEC.match(spec or "")
    if match is None:
        raise ValueError(f"格式“{spec}”无效")
    scale, places, strip, _join = match.groups()
    number = Decimal(value)
    if scale:
        number = number / SCALES[scale]
    digits = int(places) if places is not None else (0 if is_count and not scale else 2)
    text = str(number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Filler:
    """Fills placeholders from the registry (computing each KPI once) and the module's facts."""

    def __init__(self, year: int, facts: Mapping[str, Decimal | int | str]) -> None:
        self.year = year
        self.facts = dict(facts)
        self.facts.update(year=year, next_year=year + 1, prev_year=year - 1)
        self.cache: dict[str, registry.Value] = {}
        # KPIs that raised while computing, and placeholders that cannot be filled (bad format, a text figure
        # in a ratio): their sentences are left out and the report lists them as checks.
        self.failed: set[str] = set()
        self.invalid: dict[str, str] = {}
        # Every paragraph filled, as segments: which text came from which codes (traceability, the number check).
        self.trace: list[list[Segment]] = []

    def raw(self, code: str) -> registry.Value | str:
        if code in self.facts:
            return self.facts[code]
        if code.startswith("fact."):
            raise Missing(code, False)
        if code in self.failed:
            raise Missing(code, False)
        if code not in self.cache:
            kpi = registry.find(code)
            if kpi is None:
                raise Missing(code, True)
            try:
                self.cache[code] = kpi.compute(self.year)
            except Exception:  # one module's failing figure must not stop the report: the sentence is left out
                logger.exception("KPI %s failed in the report text", code)
                self.failed.add(code)
                raise Missing(code, False) from None
        return self.cache[code]

    def is_count(self, code: str) -> bool:
        kpi = registry.find(code)
        return bool(kpi and kpi.is_count) or isinstance(self.facts.get(code), int)

    def placeholder(self, match: re.Match[str]) -> str:
        code, spec = match.group(1).strip(), match.group(2) or ""
        if "/" in code:
            numerator, denominator = (part.strip() for part in code.split("/", 1))
            top, bottom = self.raw(numerator), self.raw(denominator)
            if isinstance(top, str | list) or isinstance(bottom, str | list):
                raise ValueError("比例的分子和分母必须是数值")
            return format_value(registry.rate(top, bottom), spec or "2", is_count=False)
        value = self.raw(code)
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return self.items(code, value, spec)
        return format_value(value, spec, is_count=self.is_count(code))

    def items(self, code: str, values: registry.ListValue, spec: str) -> str:
        if not values:
            raise Missing(code, False)
        match = SPEC.match(spec or "")
        if match is None:
            raise ValueError(f"格式“{spec}”无效")
        number_spec = spec.removesuffix("和")
        texts = [
            v if isinstance(v, str) else format_value(v, number_spec, is_count=self.is_count(code)) for v in values
        ]
        if match.group(4) and len(texts) > 1:
            return "、".join(texts[:-1]) + "和" + texts[-1]
        return "、".join(texts)

    def _segments(self, sentence: str) -> list[Segment]:
        """The sentence as literal text and figures (each with the codes it comes from); raises Missing or
        ValueError like `placeholder` when a figure cannot be filled."""
        out: list[Segment] = []
        pos = 0
        for match in PLACEHOLDER.finditer(sentence):
            if match.start() > pos:
                out.append(Segment(sentence[pos : match.start()]))
            codes = tuple(part.strip() for part in match.group(1).split("/"))
            out.append(Segment(self.placeholder(match), codes))
            pos = match.end()
        if pos < len(sentence):
            out.append(Segment(sentence[pos:]))
        return out

    def segments(self, text: str) -> list[Segment]:
        """One paragraph as segments; sentences without a value are left out (see `paragraph`)."""
        kept: list[Segment] = []
        figures_kept = 0
        not_in_system = False
        for sentence in SENTENCE.findall(text):
            if not sentence:
                continue
            try:
                kept.extend(self._segments(sentence))
            except Missing as missing:
                not_in_system = not_in_system or missing.not_in_system
                continue
            except (ValueError, ArithmeticError) as exc:  # a bad placeholder leaves its sentence out, listed
                found = PLACEHOLDER.search(sentence)
                self.invalid[found.group(0) if found else sentence[:30]] = str(exc)
                continue
            figures_kept += bool(PLACEHOLDER.search(sentence))
        if not_in_system and not figures_kept:
            # A paragraph whose figures all come from a module not in the system yet says so.
            kept.append(Segment(NOT_IN_SYSTEM))
        if "".join(seg.text for seg in kept).strip():
            self.trace.append(kept)
        return kept

    def paragraph(self, text: str) -> str:
        """The paragraph with its figures; sentences without a value are left out."""
        return "".join(seg.text for seg in self.segments(text))

    def text(self, text: str) -> list[str]:
        return [p for p in (self.paragraph(line) for line in text.split("\n")) if p.strip()]

    def marked(self, text: str) -> list[list[Segment]]:
        """The paragraphs of a text as segments (the report page links each figure to its records)."""
        return [p for p in (self.segments(line) for line in text.split("\n")) if "".join(s.text for s in p).strip()]


@dataclass(frozen=True)
class Segment:
    """A piece of a filled paragraph: literal text (no codes) or a figure and the codes it is computed from."""

    text: str
    codes: tuple[str, ...] = ()


# Numbers a text may hold that are no figure: dates (2024年1月10日, 3月15日, 9月份, 1月底), document numbers
# (怀住保字﹝2024﹞1号), the enumeration of paragraphs (1. （1）) and the attachments' names (附件1-2).
NOT_FIGURES = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日|份|底)?)?|\d{1,2}月(?:\d{1,2}日|份|底)?|\d{1,2}日"
    r"|[﹝〔\[（(]\d{4}[﹞〕\]）)]\d+号|^\d+[.、．]|[（(]\d+[）)]|附件\d+-\d+"
)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def typed_numbers(paragraph: list[Segment]) -> list[str]:
    """The numbers of a filled paragraph that no record gives: its literal text (figures taken out) less dates,
    document numbers and enumerations. The report's number check: it must find none."""
    literal = "".join("\x00" if seg.codes else seg.text for seg in paragraph)
    return [n for part in literal.split("\x00") for n in NUMBER.findall(NOT_FIGURES.sub("", part))]


def plain_numbers(text: str) -> list[str]:
    """The numbers of a text with no figures in it (a heading, the title) beyond dates and enumerations."""
    return NUMBER.findall(NOT_FIGURES.sub("", text))
