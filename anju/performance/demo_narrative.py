"""The demo city's 2023 report text where the center wrote more than the default sections: the seed's own
words, with the figures that are records as placeholders."""

from __future__ import annotations

from anju.performance import narrative

TEXTS = {s.key: s.default for s in narrative.SECTIONS}

S2_2_PROJECTS = (
    "其中：白蚁防治服务支出{fact.fund.termite.budget:万2}万元，主要用于市本级城区"
    "房屋建筑及园林绿化树木白蚁预防和灭治用药水和施工劳务费；住保业务专项工作经费{fact.project.住保业务专项工作经费.initial:万0}万元，主要弥补我单位管理"
    "市本级保障性住房相关工作正常运转所需经费。另有未纳入本部门预算，由综合规划科室直接拨款用于公租房后续管理"
    "的专项经费{fact.fund.rental.budget:万2}万元，主要用于市本级城南、城东、城北公"
    "租房小区日常维护、工作经费以及财政物业补差。"
)
# The seed splits 公房维修's 21.70万元 into 11.57万 carried over from 2022 and 10.13万 added in 2023; no record holds
# that split (the budget line has the year's figures only), so the text gives what the line records.
S2_2_REPAIR = (
    "公房维修项目使用专项资金{fact.project.公房维修专项经费.executed:万2}万元，专项资金使用率"
    "{fact.project.公房维修专项经费.executed/fact.project.公房维修专项经费.final:0}%。公租房后续管理专项无资金结转至下一年"
    "度，结余资金均已被财政收回。"
)
# The reason the 三公 spending stayed under its budget (the seed's words).
S2_2_THREE_PUBLIC = (
    "{year}年度“三公”经费预算为{fact.three_public_budget:万2}万元，支出决算为{budget.three_public:万2}万元，"
    "完成预算的{budget.three_public/fact.three_public_budget:0}%，决算数小于预算数的主要原因是我单位原专职司机被安排驻村"
    "开展乡村振兴帮扶工作，6月份以后公务用车一直未使用；另外，我单位认真贯彻落实中央“八项规定”和厉行节约要求，"
    "进一步从严控制“三公”经费支出，全年实际支出比预算节约。"
)
S4_CUSTODY = "建立资产保管制度，对保管不善导致被盗或丢失的由责任人全额赔偿。"
S6_PROBLEMS = "较好地完成了{year}年度工作目标，但仍存在绩效目标不够细化、量化等问题，"
# 五（一） in the seed's words; every figure a KPI gives is its placeholder, the rest is the center's account.
S5_1 = (
    "1.物业专项维修资金管理工作。\n"
    "（1）维修资金归集使用情况。{year}年完成维修资金归集{fund.collected:亿2}亿元，拨付使用{fund.disbursed:万2}万元。"
    "截止{next_year}年1月底，历年累计归集{fund.collected_cumulative:亿2}亿元，"
    "累计使用拨付{fund.disbursed_cumulative:万2}万元；累计利息收益{fund.income_cumulative:亿1}亿元。\n"
    "（2）维修资金追缴情况。{year}年将房地产开发企业代收未缴部分作为维修资金追缴工作重点，召开了{fund.arrears.dispatch_meetings}次专题调度会，"
    "制定了追缴工作方案，实行挂图作战。开展了{fund.arrears.campaigns}次追缴“攻坚行动”，收集了{fund.arrears.evidence_projects}个"
    "项目开发企业代收业主维修资金和契税相关证据材料，共涉及{fund.arrears.evidence_households}户"
    "{fund.arrears.evidence_amount:万2}万元，其中金御名都项目资料已移交并委托专业律所启动民事诉讼途径进行追缴。"
    "9月份联合公安机关、税务机关集中约谈了{fund.arrears.joint_interviewed}家开发企业负责人；"
    "向城管执法部门移交{fund.arrears.transfers}个行政追缴项目证据材料，联合城管部门约谈开发企业{fund.arrears.urban_interviewed}家。"
    "启动抵押资产拍卖程序，{fund.arrears.failed_auctions}均流拍，共涉及欠缴金额{fund.arrears.failed_auction_amount:万2}万元，无平台公司兜底接拍。"
    "{year}年共约谈开发企业{fund.arrears.enterprises_interviewed}家，追缴现金入库{fund.arrears.recovered:万2}万元，"
    "完成年度目标任务{fund.arrears.rate:1}%（{year}年市追缴办下达我中心物业专项维修资金追缴任务为"
    "{fund.arrears.target:万2}万元）。\n"
    "（3）电梯维修保险改革试点情况。为有效解决电梯维保维修引发的矛盾，积极探索物业专项维修资金增值收益引入电梯维修"
    "保险改革试点工作，{year}年11月，住建、市场监管、金融办三部门于联合下发了《怀化市物业专项维修资金探索增值收益"
    "引入电梯维修保险改革试点工作方案》，我中心于12月4日下发了《怀化市物业专项维修资金统筹账户增值收益购买电梯维修"
    "保险改革试点操作流程》，12月7日和15日召开了{fund.lift_insurance.promotions}次改革试点工作推介会，"
    "共{fund.lift_insurance.promotion_enterprises}家物业企业以及街道社区、业主代表参加了会议。现已正式开展该项改革试点工作，目前已签约电梯{fund.lift_insurance.lifts_signed}台，"
    "预计{fund.lift_insurance.targets}。\n"
    "2.公租房后续管理工作。市本级城东、城南、城北三个公租房小区共有住房{rental.homes}套。目前，现有住户"
    "{rental.households}户，{year}年新分配入住{rental.allocations}户，清退{rental.exits}户（其中，强制清退"
    "{rental.forced_exits}户）；收取租金{rental.rent_collected:万2}万元（住房{rental.rent_collected_homes:万2}万元、"
    "门面{rental.rent_collected_shops:万2}万元），租金收取率{rental.collection_rate:2}%；"
    "完成租赁资格年审{rental.reviews}户，完成率{rental.review_rate:1}%；开展日常维修{rental.repairs}次，"
    "维修金额{rental.repair_cost:万2}万元；按照{year}年初确定的入户调查三年全覆盖的目标任务，"
    "目前已完成入户调查{rental.inspections}户（占现有住户的{rental.inspections/rental.households:1}%），"
    "复查{rental.reinspections}户；"
    "办理房屋租赁备案{rental.filings}宗。加强了对物业服务企业的监管和考核，小区管理服务质量有了较大提升，"
    "全年无安全生产责任事故。\n"
    "3.白蚁防治工作情况。{year}年，完成白蚁预防申请受理面积{termite.accepted_area:万0}万㎡，"
    "完成房屋白蚁预防施工{termite.treated_area:万0}万㎡，房屋白蚁灭治施工面积{termite.house_control_area:0}㎡，"
    "树木白蚁灭治施工{termite.trees_treated:万1}万棵，完成房屋白蚁回访复查面积{termite.revisit_area:万0}万㎡，"
    "回访率{termite.revisit_rate:0}%。\n"
    "4.购房补贴发放工作情况。中心提请市住建局联合市财政局、市税务局三部门于5月5日出台了《怀化市中心城区购房补贴"
    "实施细则》（怀建发﹝2023﹞29号）文件，对原补贴信息系统进行升级改造，建立了购房补贴发放工作专班。"
    "{year}年，已完成购房补贴发放{subsidy.paid}户（其中，各批依次发放{subsidy.paid_batches}户），"
    "{subsidy.in_review}户正在审核拨付中，全年共完成补贴申请资料审查{subsidy.reviewed}套。"
    "资料审查的{subsidy.reviewed}套中，审查未通过{subsidy.rejected}套；退回补正{subsidy.returned}套；"
    "审查通过待纳入批次{subsidy.awaiting_batch}套；撤回{subsidy.withdrawn}套。"
)
S5_2_MORE = (
    "3.市委巡察“回头看”反馈问题整改情况。市委巡察反馈涉及我中心问题{oversight.findings}个，"
    "其中维修资金管理方面的问题{oversight.findings_fund}个。中心召开了{oversight.meetings}次巡察整改工作部署会议，"
    "成立了巡察整改工作领导小组，能够立行立改的问题已经整改到位，有时"
    "限要求暂时尚未整改到位的对照整改方案对任务进行了分解，于{oversight.decomposition_notices}下发了《关于印发<巡察反馈意"
    "见整改任务分解表>和<“巡察专报”整改任务分解表>的通知》（{oversight.decomposition_numbers}）文件，明确了责任单"
    "位、责任人、整改目标和整改时限，要求所有整改任务在{oversight.interim_deadlines}前有阶段性进展，同时要求将巡察整改作为当前一"
    "项重大政治任务，做到“当下改”与“长久立”相结合，深挖问题根源，举一反三，建章立制，积极探索防止类似问题"
    "发生的长效机制，确保巡察整改工作按时按质整改到位。\n4.党风廉政建设责任贯彻落实情况。全年召开党风廉政"
    "建设相关会议{party.integrity_meetings}次，中心领导讲专题廉政党课{party.integrity_lectures}次，"
    "开展集体廉政谈话{party.collective_talks}次，开展廉政家访{party.home_visits}人次，"
    "开展提醒谈话{party.reminder_talks}人次。"
    "一是建立完善清廉住保和清廉大厅建设制度。根据市委 “清廉怀化”建设和市直机关工委“清廉机关"
    "”创建工作要求，为进一步提高中心党员干部廉洁自律意识，强化对公权力的监督制约，研究制定了《推进“清廉住保"
    "”建设工作方案》、《“清廉大厅”建设方案》、《“清亲”履职关系正负面清单》等，细化工作措施、明确任务分工"
    "，压实工作责任，对基层党组织建设、清廉机关建设、“清廉大厅”建设、“清廉家庭”创建、正确履职尽责等提出明"
    "确要求，并在一定范围内公开公示。二是建立完善“三重一大”决策机制。根据市纪委《印发<关于加强对市直单位党"
    "组（党委）“三重一大”决策监督若干工作措施>的通知》（怀纪发﹝2023﹞9号）精神及市住建局党组工作要求"
    "，中心研究制定了落实“三重一大”决策监督措施方案以及《工作调度例会制度》，列出了“三重一大”事项清单，明"
    "确了“三重一大”即其他一般事项的决策程序，同时严格落实“第一议题”制度，及时跟进学习习近平总书记重要讲话"
    "重要指示批示精神，切实增强权力运行的透明度，自觉接受各方面监督。三是组织并同时参加了市住建局组织的易鹏飞"
    "安“镜鉴”以案促改“四个一”警示教育活动，聆听了《品五溪廉韵•建清廉怀化》主题音乐党课、集中观看了《泪洒"
    "悔恨—怀化市近年严重违纪违法党员干部忏悔警示录》、学习了市纪委有关文件精神、聆听了中心主要领导廉政党课等"
    "。四是开展了禁毒警示教育，组织观看《无毒人生》等警示教育片。同时，每次节假日及重要活动期间，均以微信或短"
    "信的方式向全体干部职工下发工作提示，对廉洁过节、作风建设、安全出行、值班值守等提出明确要求。五是严格执行"
    "个人重大事项报告等制度。中心副处级以上市管领导干部按要求如实申报个人重大事项，坚持婚丧喜庆进行申报审批制"
    "度，同时完善事前事后跟踪督查机制，杜绝借婚丧喜庆大操大办行为。严格执行上级有关加强公务用车管理，严格控制"
    "公务接待活动，研究制定了《政府采购内控管理制度》，压缩经费支出，确保工作正常运转。全年“三公经费”支出{"
    "budget.three_public:2}元（其中，公务接待支出{fact.reception:2}元"
    "，公务车辆运行支出{fact.vehicles:2}元，无因公出国），同比减少{fact.three_public_decrease:1}%。\n5.基层党"
    "建工作贯彻落实情况。一是对中心原{party.branches_merged}个在职党支部合并为一个党支部，并对支委会及成员进行了换届选举，着力把健"
    "全组织、配强班子作为基层组织建设的有力抓手。全年召开党建相关工作和学习会议{party.meetings}次，召开了易鹏飞案“镜鉴”"
    "以案促改“四个一”警示教育，开展了支部副书记曾浩炜违纪案件剖析专题组织生活会，开展了党员集中轮训培训和党"
    "的二十大精神知识竞赛。督促党员干部充分运用“学习强国”、干部网络学院、如法网等网络载体加强个人自学，不断"
    "提高政治能力和政治素养。二是认真贯彻落实党支部工作条例，以建设“四强”党支部为目标，研究制定了清廉机关等"
    "相关建设工作方案，对基层党组织建设、清廉机关、“清廉大厅”、“清廉家庭”等创建工作进行了安排部署。三是认"
    "真落实“三会一课”、谈心谈话、民主生活会、组织生活会、民主评议党员、领导干部双重组织生活等基本制度，全面"
    "提升党支部组织力，围绕“学习袁隆平•做一粒好种子”、党建引领生活垃圾分类、廉政警示教育、“一迎三创”、禁"
    "毒教育等主题开展“一月一课一片一实践”主题党日活动，全体党员参加了安江农校纪念园“学习袁隆平，做一粒好种"
    "子”主题党日活动，积极开展社区结对共建、党员志愿服务等活动，{party.donors}名党员干部参与了“点亮微心愿•党群圆梦行"
    "”五溪先锋公益募捐活动。\n6.主题教育工作开展情况。一是9月份参加了局党组的研讨读书班，同时参加了局党"
    "组第一次集中学习和“以学铸魂”专题研讨交流。二是成立了中心主题教育工作领导小组，制定了实施方案、班子学习"
    "计划及个人学习计划。三是开展了集中学习和专题研讨交流，每月安排一天时间开展了主题教育集中学习，并分别开展"
    "了“以学增智”、“以学正风”、“以学促干”、政绩观大讨论、“走找想促”调研成果专题研讨，班子成员为全体干"
    "部职工上了{theme.lectures}堂专题党课。四是开展了“走找想促”调研活动，副处级以上领导干部共上报调研问题信息{oversight.research_reported}条，审核"
    "通过{oversight.research_approved}条，截至目前已全部解决到位。五是开展了问题专项整改整治，其中，中心班子{oversight.problem_lists_team}个问题清单，副处级以上领"
    "导干部及正科级班子成员{oversight.problem_lists_personal}个个人问题清单。六是开展了“四下基层”活动，其中，班子成员下基层现场宣讲{theme.grassroots_talks}人次，"
    "下基层下访接访{theme.grassroots_visits}人次，下基层现场办公{theme.grassroots_office}人次。七是开展了为民办实事活动，民生项目清单{theme.livelihood_projects}个，即开展2022年"
    "至2023年怀化市中心城区购房补贴发放工作；为民营企业解决实际问题{theme.enterprise_problems}个。\n7.履"
    "行意识形态和网络意识形态工作责任情况。坚持把意识形态和网络意识形态工作纳入重要议事日程，{year}年中心{ideology.study_sessions}"
    "次专题学习研究部署意识形态和网络意识形态工作。不断健全工作机制，严格落实工作责任，班子成员按照“一岗双责"
    "”要求抓好分管领域的意识形态和网络意识形态工作，同时明确{ideology.commentators}名网络舆情评论员，实时掌控网站主页意识形态动向"
    "，并对全体干部职工使用抖音、微信、QQ等网络工具提出严格要求，中心全年未发生意识形态领域不良舆情。\n8"
    ".相关工作考核情况说明。{year}年，我中心在全市安全生产和消防工作考核中被评为{assess.safety}单位（共分为优秀、良好"
    "、合格三个等次），在平安建设工作考核中被评为{assess.pingan}单位（共分为先进、合格、不合格三个等次），在民意调查中排"
    "名{assess.poll_rank}名（共{assess.poll_of}个单位）。"
)
S7 = (
    "根据绩效评价工作要求，本单位认真的研究和部署，使自评工作得以顺利开展，并取得了较好效果，但仍存在以下几个"
    "方面的问题。\n（一）绩效评价工作内容需要在日常工作进行掌握和执行，对单位整体支出即有操作性和规范性，要"
    "求财务人员不断学习和培训才能提高单位绩效评价工作水平。\n（二）部门整体绩效评价工作是一项长期性的工作，"
    "专业性强，工作量大，建议财政有关部门进一步加强开展相关的业务工作培训，组织开展部门之间、单位之间的经验交"
    "流，多注重对相关部门的督促指导，切实推进绩效评价工作的开展。\n（三）专项工作方面\n1.公租房后续管理"
    "协调联动难度大。公租房后续管理涉及住建、民政、公安、乡镇（街道）、市场监管、社区等多个部门，对取消公租房"
    "保障资格后，拒不退房承租人的处理，面临执法难、程序多、耗时长、成本高等问题。\n2.公租房清理清退难。公"
    "租房保障对象主要为城镇低保、低收入家庭及外来务工人员，在动态管理工作上很难掌握保障对象的实时情况，导致不"
    "能及时进行清理清退。\n3.维修资金追缴兜底接拍无法落实。{fund.arrears.failed_auctions}均流拍，共涉及欠缴金额{fund.arrears.failed_auction_amount:万2}万元，无平台公司兜底接拍。\n4.部分企业法人失联或"
    "公司多次变更，维修资金追缴告知书无法送达（如北国之春、薰衣草家园、新玉溪港湾、香榭花园、太平盛世等）。\n"
    "5.我中心拟代业主启动维修资金追缴民事诉讼程序，但牵涉到诉讼费用问题，需要政府协调解决。\n6.开发企业"
    "未售物业维修资金缴纳问题，开发企业普遍非常困难，反应非常强烈，要求售后缴纳。"
)
S8 = (
    "1.将绩效管理与绩效评价两者的目标体系充分融合。在充分考虑内外部风险的基础上，围绕预算绩效管理重点和关键"
    "点，重塑科学性、规范性、操作性、可靠性强的绩效目标体系，并在目标体系建设过程中有效兼顾定性指标和定量指标"
    "、财务指标与非财务指标，对绩效指标进行针对性细化，确保指标体系能够保障实现行政、事业的社会公共服务职能和"
    "公益属性。如制定绩效目标的编报流程、职责分工、绩效目标设定范围和标准，涉及采购的符合政府采购要求的编报执"
    "行制度，采购资产、实施项目预算进度和达到何种绩效目标等均需明确相应要求，保证预算执行有章可循。\n2.引"
    "导单位将预算编制、执行过程中的绩效管理信息进行公开，使整个预算绩效目标从编报、申请到执行、反馈的全过程受"
    "到公众的监督管理；倒逼部门进一步增强责任意识、规矩意识，真正使“花钱必问效、无效必问责”落到实处；强化绩"
    "效管理意识，确保绩效管理的有效实施，实现以公开促规范、推改革、提效能的目标。"
)

# The seed's legacy paragraph: the counts and the year's entries from the records, the four projects' state in the
# center's words.
S5_2_LEGACY = (
    "1.积极推进房地产遗留问题处理。我中心负责的房地产历史遗留问题项目共{legacy.projects}个，目前，已进入办证程序的项目"
    "{legacy.in_certification}个，{year}年进入办证程序{legacy.entered_certification_count}个，分别为"
    "{legacy.entered_certification:和}项目。怀化报业中心已由市城发集团接管续建，完成了项目续建安全检测工作，加固工程完工，"
    "项目总承包招投标工作启动，预计2024年9月主体工程完工；阳光上东国际项目所有施工已经全部完成正在开展验收相关工作，"
    "消防工程检测已经合格，待综合验收完成后便可达到交房条件，完成综合验收后与税务、自然资源部门进行相关税费结算，"
    "进入办证程序；西南名都项目正在加紧完成水、电、门窗、消防等扫尾工程施工，预计2024年上半年可进入办证程序；"
    "中坡瑞丰园项目正在组织投资招募工作，资金到位后即可启动复工续建工作。"
)

# The seed's petitions paragraph: 2023's online items all replied and closed, the referrals all closed in time,
# and next year's 百日攻坚 on the referrals not closed on their merits at the year's end.
S5_2_PETITIONS = (
    "2.信访工作办理情况。{year}年，我中心共办理省长信箱、市长热线、湘易办、红网、问政湖南等网络舆情事项"
    "{petitions.online}件，均按要求及时进行了处置回复，回复率{petitions.online_reply_rate:0}%，"
    "办结率{petitions.online_closure_rate:0}%，未发生不良舆情。办理省委第十二巡视组信访交办件{petitions.referrals}件，"
    "按时办理完结{petitions.referrals_on_time}件，签订息访罢诉承诺书{petitions.referrals_commitments}件；"
    "实体办结{petitions.referrals_substantive}件，占比{petitions.referrals_substantive/petitions.referrals:2}%；"
    "程序性办结{petitions.referrals_procedural}件，占比{petitions.referrals_procedural/petitions.referrals:2}%。"
    "下一步，将继续跟进省委巡视反馈问题整改及信访突出问题集中化解“百日攻坚”行动，对{petitions.referrals_procedural}件"
    "未实体性办结的信访件，进一步加强与信访人的沟通，按照“三到位一处理”原则做好政策解答和思想教育工作，"
    "对具备实体办结条件的力争实体性办结。"
)


def _after(text: str, marker: str, addition: str) -> str:
    """The text with `addition` appended to the paragraph that starts with `marker`."""
    lines = text.split("\n")
    return "\n".join(line + addition if line.startswith(marker) else line for line in lines)


def _replace_line(text: str, marker: str, line: str) -> str:
    """The text with the paragraph that starts with `marker` replaced by `line`."""
    return "\n".join(line if old.startswith(marker) else old for old in text.split("\n"))


NARRATIVE_2023: dict[str, str] = {
    "s2_2": _replace_line(
        _after(_after(TEXTS["s2_2"], "{year}年年初预算数为", S2_2_PROJECTS), "（1）项目资金实际使用情况", S2_2_REPAIR),
        "{year}年度“三公”经费预算为",
        S2_2_THREE_PUBLIC,
    ),
    "s4": _after(TEXTS["s4"], "（二）资产管理", S4_CUSTODY),
    "s5_1": S5_1,
    "s6": TEXTS["s6"].replace("较好地完成了{year}年度工作目标，", S6_PROBLEMS),
    "s5_2": _replace_line(
        _replace_line(TEXTS["s5_2"], "1.积极推进房地产遗留问题处理", S5_2_LEGACY), "2.信访工作办理情况", S5_2_PETITIONS
    )
    + "\n"
    + S5_2_MORE,
    "s7": S7,
    "s8": S8,
}
