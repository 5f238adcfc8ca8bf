"""Completeness and timeliness: expected, submitted, on time, late, missing — per unit and rolled
up — on a fixture with on-time, late and missing reports; the metrics say the same."""

from __future__ import annotations

from datetime import date

import pytest

from kexie_core import InvalidRecord, ScopeError, Workspace
from kexie_core.metrics import compute_metrics
from kexie_core.plugin.host import PluginHost
from kexie_core.testing import TEST_KEY, load_units
from kexie_core.workflow import Completeness, Reports
from kexie_core.workflow.config import current_config, default_config, reset_config, set_config

Q1 = "2026Q1"  # due 2026-04-10 under the shipped configuration


@pytest.fixture
def ws(kexie_db_url: str):
    host = PluginHost(strict=False)
    host.load_builtins(["kexie_core.builtins.work_kinds", "kexie_core.builtins.workflow_metrics"])
    with Workspace.open(kexie_db_url, plugins=host, secret_key=TEST_KEY) as ws:
        ws.init()
        root = load_units(ws)
        root.update_unit("371302", contact_name="王敏", contact_phone="13912345678")
        # Units that must not be expected for Q1: founded after it, dissolved before its end.
        root.add_unit(
            {
                "code": "S-NEW",
                "name": "新成立学会",
                "kind": "society",
                "parent": "371300",
                "founded_on": "2026-05-01",
            }
        )
        root.add_unit(
            {
                "code": "S-OLD",
                "name": "已撤销学会",
                "kind": "society",
                "parent": "371300",
                "status": "dissolved",
                "dissolved_on": "2026-02-01",
            }
        )
        yield ws


def fixture_reports(ws: Workspace) -> None:
    """371323 on time then accepted and reopened; GXQ late; S-NXH returned; E-YS01 a draft;
    371302 nothing."""
    city = Reports(ws.as_root())
    Reports(ws.as_unit("371323")).submit(Q1, today=date(2026, 4, 8))
    city.accept("371323", Q1)
    city.reopen("371323", Q1, "补充数据")
    Reports(ws.as_unit("GXQ")).submit(Q1, today=date(2026, 4, 15))
    Reports(ws.as_unit("S-NXH")).submit(Q1, today=date(2026, 4, 5))
    city.return_("S-NXH", Q1, "内容不全")
    Reports(ws.as_unit("E-YS01")).new(Q1)


def test_per_unit_states_worst_first(ws: Workspace) -> None:
    fixture_reports(ws)
    states = Completeness(ws.as_root()).by_unit(Q1, today=date(2026, 4, 20))
    assert [(s.code, s.state, s.status) for s in states] == [
        ("371302", "overdue", None),
        ("E-YS01", "overdue", "draft"),
        ("S-NXH", "overdue", "returned"),
        ("GXQ", "late", "submitted"),
        ("371323", "on_time", "reopened"),
    ]
    by_code = {s.code: s for s in states}
    assert by_code["371302"].days_overdue == 10 and by_code["371302"].due_on == date(2026, 4, 10)
    assert by_code["GXQ"].days_late == 5 and by_code["GXQ"].submitted_on == date(2026, 4, 15)
    assert by_code["371302"].contact_name == "王敏"
    # Before the deadline nothing is overdue: missing reports are simply not in yet.
    early = Completeness(ws.as_root()).by_unit(Q1, today=date(2026, 4, 9))
    assert [s.state for s in early][:3] == ["missing"] * 3


def test_rollup_counts_over_the_tree(ws: Workspace) -> None:
    fixture_reports(ws)
    rows = {
        r.code: r
        for r in Completeness(ws.as_root()).rollup(Q1, depth=None, today=date(2026, 4, 20))
    }
    city = rows["371300"]
    assert (city.expected, city.submitted, city.on_time, city.late, city.missing) == (5, 2, 1, 1, 3)
    assert (city.overdue, city.accepted) == (3, 0)
    assert city.completeness == pytest.approx(0.4) and city.timeliness == pytest.approx(0.2)
    yishui = rows["371323"]  # itself (on time) and E-YS01 (draft)
    assert (yishui.expected, yishui.submitted, yishui.on_time, yishui.missing) == (2, 1, 1, 1)
    assert rows["E-YS01"].missing == 1 and "371323-YC" not in rows  # townships do not report
    assert "S-NEW" not in rows and "S-OLD" not in rows
    # The county sees only its own subtree.
    own = Completeness(ws.as_unit("371323")).rollup(Q1, depth=None, today=date(2026, 4, 20))
    assert {r.code for r in own} == {"371323", "E-YS01"}
    with pytest.raises(ScopeError):
        Completeness(ws.as_unit("371323")).by_unit(Q1, unit="371302")


def test_metrics_agree_with_the_status_board(ws: Workspace) -> None:
    fixture_reports(ws)
    table = compute_metrics(ws.as_root(), Q1, depth=1, metrics=["reports.*"])
    assert table.value("371300", "reports.expected") == 5
    assert table.value("371300", "reports.submitted") == 2
    assert table.value("371300", "reports.on_time") == 1
    assert table.value("371300", "reports.late") == 1
    assert table.value("371300", "reports.missing") == 3
    assert table.value("371300", "reports.completeness") == pytest.approx(40.0)
    assert table.figure("371300", "reports.timeliness").subtree_parts == (1, 5)
    assert table.value("371323", "reports.completeness") == pytest.approx(50.0)
    assert table.value("371323", "reports.completeness", own=True) == pytest.approx(100.0)


def test_the_configuration_decides_who_is_expected(ws: Workspace) -> None:
    root = ws.as_root()
    with pytest.raises(ScopeError, match="only the root"):
        set_config(ws.as_unit("371323"), default_config())
    set_config(
        root,
        """
        [[periodic]]
        kinds = ["township"]
        period = "month"
        due_days = 5

        [[periodic]]
        kinds = ["县区科协"]
        period = "year"
        due_days = 31

        [matters.timely_within_days]
        normal = 7
        """,
    )
    assert [s.code for s in Completeness(root).by_unit("2026-03", today=date(2026, 4, 1))] == [
        "371323-YC"
    ]
    assert Completeness(root).by_unit(Q1, today=date(2026, 4, 20)) == []  # nobody quarterly now
    yearly = Completeness(root).by_unit("2026", today=date(2027, 2, 1))
    assert {s.code for s in yearly} == {"371302", "371323"}
    assert yearly[0].due_on == date(2027, 1, 31)
    r = Reports(ws.as_unit("371323-YC")).submit("2026-03", today=date(2026, 4, 6))
    assert (r.due_on, r.late) == (date(2026, 4, 5), True)
    assert current_config(root).timely_days("urgent") == 7  # falls back on the normal limit
    reset_config(root)
    assert current_config(root) == default_config()
    assert len(Completeness(root).by_unit(Q1, today=date(2026, 4, 20))) == 5
    actions = [e["action"] for e in root.audit_log() if e["entity"] == "reporting_config"]
    assert actions == ["reset", "set"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            '[[periodic]]\nkinds = ["nonsense"]\nperiod = "quarter"\ndue_days = 10',
            "periodic.0.kinds",
        ),
        ('[[periodic]]\nkinds = ["county"]\nperiod = "week"\ndue_days = 10', "periodic.0.period"),
        ('[[periodic]]\nkinds = ["county"]\nperiod = "year"\ndue_days = -1', "periodic.0.due_days"),
        (
            '[[periodic]]\nkinds=["county"]\nperiod="year"\ndue_days=1\n'
            '[[periodic]]\nkinds=["county"]\nperiod="year"\ndue_days=2',
            "periodic.1.kinds",
        ),
        ("[matters.timely_within_days]\nsoon = 1", "matters.timely_within_days"),
        ("periodic = [", "not valid TOML"),
    ],
)
def test_a_bad_configuration_names_the_field_and_changes_nothing(
    ws: Workspace, text: str, field: str
) -> None:
    with pytest.raises(InvalidRecord, match=field.replace(".", r"\.")):
        set_config(ws.as_root(), text)
    assert current_config(ws.as_root()) == default_config()
