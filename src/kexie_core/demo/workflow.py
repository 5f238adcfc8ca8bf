"""The demo's second stage: targets, periodic reports in every workflow state, important
matters, suggestions and supervision assignments — written through the same API a county uses,
so the demo exercises the real rules (scope, deadlines, snapshots, audit)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from ..model.period import Period
from ..store.tables import member_t, unit_t
from ..workflow import Assignments, Matters, Reports, Suggestions
from ..workspace import Workspace

#: Targets set by the municipal association for each county and zone (a year's figures).
TARGETS = {
    "work_items": 60,
    "training.person_times": 800,
    "coverage.industrial_above_size": 70,
    "experts.care_coverage": 100,
    "members.joined": 20,
}

_NARRATIVE = (
    "本季度，{name}坚持以习近平新时代中国特色社会主义思想为指导，围绕“五个强化”“三个阵地”扎实开展"
    "科技工作者思想政治引领工作：组织理论学习和政策宣讲，开展科学家精神宣传和科研诚信教育，"
    "走访看望院士专家，举办科技人员培训班，持续推进企业科协和园区科协建设。"
)


def _quarters(today: date) -> list[Period]:
    """The last two quarters whose deadline (10 days after the end) has passed."""
    current = Period.containing(today, "quarter")
    quarters = [current.previous()]
    while len(quarters) < 2:
        quarters.insert(0, quarters[0].previous())
    return [q for q in quarters if q.end + timedelta(days=10) < today]


def add_workflow(ws: Workspace, *, seed: int, today: date) -> dict[str, int]:
    """Targets, reports, matters, suggestions and assignments for the counties and zones."""
    rnd = random.Random(seed + 1)
    root = ws.as_root()
    with ws.engine.connect() as conn:
        territories = [
            tuple(r)
            for r in conn.execute(
                sa.select(unit_t.c.code, unit_t.c.name)
                .where(unit_t.c.kind.in_(["county", "zone"]))
                .order_by(unit_t.c.code)
            )
        ]
        authors = [
            r[0]
            for r in conn.execute(sa.select(member_t.c.member_no).order_by(member_t.c.id).limit(40))
        ]
    counts = {"targets": 0, "reports": 0, "matters": 0, "suggestions": 0, "assignments": 0}

    year = str(today.year)
    for code, _ in territories:
        for key, value in TARGETS.items():
            root.set_target({"unit": code, "metric": key, "period": year, "value": value})
            counts["targets"] += 1

    # Reports: older quarters mostly accepted; the latest in every state, some missing.
    quarters = _quarters(today)
    reviewer = Reports(root)
    for q_index, quarter in enumerate(quarters):
        deadline = quarter.end + timedelta(days=10)
        latest = q_index == len(quarters) - 1
        for index, (code, name) in enumerate(territories):
            fate = rnd.random()
            if latest and fate < 0.15:
                continue  # missing: never handed in
            own = Reports(ws.as_unit(code))
            if latest and fate < 0.3:
                own.new(quarter, narrative=_NARRATIVE.format(name=name))  # still a draft
                counts["reports"] += 1
                continue
            handed_in = deadline - timedelta(days=rnd.randrange(1, 9))
            if fate > 0.85:
                handed_in = deadline + timedelta(days=rnd.randrange(1, 12))  # late
            own.submit(quarter, narrative=_NARRATIVE.format(name=name), today=handed_in)
            counts["reports"] += 1
            if latest and fate < 0.45:
                reviewer.return_(code, quarter, "请补充本季度专家走访和培训的具体数据。")
            elif latest and fate < 0.6:
                continue  # submitted, waiting for review
            else:
                reviewer.accept(code, quarter)
                if not latest and index == 2 and q_index == 0:
                    reviewer.reopen(code, quarter, "统计口径调整，请核对后重新报送。")

    matters = (
        ("暴雨致部分乡镇科普设施受损", "urgent", 3),
        ("院士专家工作站新进站院士一名", "normal", 1),
        ("重点企业科技人员流失情况", "normal", 9),
        ("科技工作者反映职称评审问题", "critical", 2),
        ("农技协蜜桃技术服务成效显著", "normal", 12),
    )
    for index, (title, urgency, delay) in enumerate(matters):
        code = territories[index * 3 % len(territories)][0]
        occurred = today - timedelta(days=20 + index * 11)
        matter = Matters(ws.as_unit(code)).report(
            {
                "title": title,
                "text": f"{title}。现将有关情况报告如下……",
                "occurred_on": occurred,
                "urgency": urgency,
                "reported_on": occurred + timedelta(days=delay),
            },
            today=occurred + timedelta(days=delay),
        )
        if index % 2 == 0:
            Matters(root).acknowledge(matter.id, today=occurred + timedelta(days=delay + 1))
        counts["matters"] += 1

    suggestions = Suggestions(root)
    topics = (
        "关于完善基层科技人才激励机制的建议",
        "关于加快农业科技成果转化的建议",
        "关于建设沂蒙科技人才公寓的建议",
        "关于支持企业科协参与技术攻关的建议",
        "关于加强中小学科学教育的建议",
        "关于优化科技社团承接政府职能的建议",
    )
    for index, title in enumerate(topics):
        submitted = today - timedelta(days=200 - index * 25)
        item = suggestions.submit(
            {
                "title": title,
                "text": f"{title}：……",
                "authors": authors[index * 2 : index * 2 + 2] or authors[:1],
                "submitted_on": submitted,
            },
            today=submitted,
        )
        if index >= 1:
            suggestions.forward(item.id, "临沂市委办公室", today=submitted + timedelta(days=10))
        if index in (2, 4):
            suggestions.adopt(item.id, today=submitted + timedelta(days=40))
        elif index == 3:
            suggestions.answer(item.id, today=submitted + timedelta(days=35))
        counts["suggestions"] += 1

    tasks = Assignments(root)
    goals = (
        "完成企业科协组织覆盖摸底",
        "开展科技工作者状况调查",
        "建设县级科技工作者之家",
        "组织全国科技工作者日系列活动",
        "推进院士专家工作站绩效评估",
    )
    for index, goal in enumerate(goals):
        lead = territories[index * 2 % len(territories)][0]
        assist = [territories[(index * 2 + 1) % len(territories)][0]]
        issued = today - timedelta(days=150 - index * 20)
        task = tasks.issue(
            {
                "title": goal,
                "goal": f"{goal}，形成书面报告。",
                "lead": lead,
                "assist": assist,
                "due_on": issued + timedelta(days=60 + index * 10),
                "issued_on": issued,
            },
            today=issued,
        )
        lead_side = Assignments(ws.as_unit(lead))
        lead_side.note(task.id, "已召开专题会议部署，正在推进。", today=issued + timedelta(days=7))
        if index == 0:
            lead_side.complete(task.id, today=issued + timedelta(days=50))
        elif index in (1, 3):
            due = issued + timedelta(days=60 + index * 10)
            extension = lead_side.request_extension(
                task.id,
                due + timedelta(days=30),
                "涉及单位多，需延期30天。",
                today=issued + timedelta(days=55),
            )
            tasks.decide_extension(
                extension.id, grant=index == 1, today=issued + timedelta(days=56)
            )
        counts["assignments"] += 1
    return counts
