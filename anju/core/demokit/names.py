"""Name material for the demo city (a city like Huaihua, Hunan)."""

from __future__ import annotations

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华建国志强海燕文斌春梅"
    "晓东小红俊杰子涵浩然梓轩欣怡雨桐宇航思远佳怡家豪嘉怡博文诗涵天佑若曦金花德明永红国华"
)
GIVEN_NAMES = [GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)] + list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚")

# Projects named in the center's 2023 report, then generated ones.
SEED_PROJECTS = [
    "恒大御景湾",
    "金磊富裕城",
    "金御名都",
    "怀化电器大市场",
    "现代农机物流中心",
    "北国之春",
    "薰衣草家园",
    "新玉溪港湾",
    "香榭花园",
    "太平盛世",
    "新天地",
    "湖天名居",
    "阳光上东国际",
    "西南名都",
    "中坡瑞丰园",
]
# The report names these developers' projects as ones whose notices could not be served.
UNREACHABLE_PROJECTS = ["北国之春", "薰衣草家园", "新玉溪港湾", "香榭花园", "太平盛世"]
PLACE_WORDS = "鹤城 迎丰 舞水 锦溪 太平 红星 天星 湖天 城东 城南 城北 河西 顺天 沅江 五溪 雪峰 高坡 盈口 坨院 鸭嘴岩 杨村 中坡 芦坪 金海 锦绣 凤凰 玉泉 翠屏".split()
PROJECT_SUFFIXES = "花园 小区 家园 名苑 华府 雅居 新城 广场 公寓 丽景 豪庭 御府 嘉园 春天 上城 星城 湾 府".split()
DISTRICTS = ["鹤城区", "经开区", "中方县", "洪江区"]
STREETS = "迎丰中路 锦溪北路 湖天大道 天星路 顺天北路 舞水路 红星南路 人民南路 鹤洲北路 太平桥路 河西路 沅江路".split()
COMPANY_WORDS = (
    "湘西 五溪 鑫源 宏达 华盛 金磊 恒通 佳和 润丰 德馨 远洋 顺发 盛世 天成 和泰 瑞丰 嘉禾 龙腾 金城 博雅".split()
)
