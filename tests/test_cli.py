"""The command line: init, the unit tree, actors, languages, formats and error exits."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from kexie_core import __version__
from kexie_core.cli import build_cli
from kexie_core.testing import load_units


def test_version() -> None:
    result = CliRunner().invoke(build_cli(), ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_init_creates_then_reports_up_to_date(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEXIE_SECRET_KEY", raising=False)
    monkeypatch.delenv("KEXIE_DATABASE_URL", raising=False)
    first = CliRunner().invoke(build_cli(), ["init"])
    assert first.exit_code == 0, first.output
    assert "已创建数据库" in first.output and (tmp_path / "kexie.db").exists()
    assert (tmp_path / "kexie.db.key").exists()
    second = CliRunner().invoke(build_cli(), ["--lang", "en", "init"])
    assert "up to date" in second.output


def test_db_takes_a_file_path_as_people_type_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEXIE_SECRET_KEY", raising=False)
    monkeypatch.delenv("KEXIE_DATABASE_URL", raising=False)
    made = CliRunner().invoke(build_cli(), ["--db", "data/试用.db", "init"])  # makes data/
    assert made.exit_code == 0, made.output
    assert "sqlite:///data/试用.db" in made.output  # the name as typed, not percent-encoded
    assert (tmp_path / "data" / "试用.db").exists() and (tmp_path / "data" / "试用.db.key").exists()
    again = CliRunner().invoke(build_cli(), ["--db", str(tmp_path / "data" / "试用.db"), "init"])
    assert "数据库已是最新版本" in again.output


def test_units_tree_shows_indented_kinds_and_member_counts(run, kexie_workspace) -> None:
    root = load_units(kexie_workspace)
    root.add_member({"member_no": "M1", "name": "甲", "unit": "371323-YC"})
    root.add_member({"member_no": "M2", "name": "乙", "unit": "E-YS01"})
    root.add_membership({"member_no": "M1", "unit": "E-YS01", "role": "理事"})
    out = run("units", "tree").output
    assert "临沂市科协" in out and "    沂城街道科协" in out and "乡镇（街道）科协" in out
    rows = json.loads(run("units", "tree", "--format", "json").output)
    by_code = {r["code"]: r for r in rows}
    # M1 is in two units under 沂水县 and counts once there.
    assert by_code["371323"]["members_total"] == 2
    assert by_code["E-YS01"]["members"] == 2
    assert by_code["371300"]["members_total"] == 2
    assert [r["code"] for r in rows][:3] == ["371300", "371302", "371323"]


def test_actor_sees_only_its_subtree_and_is_refused_outside(run, kexie_workspace) -> None:
    load_units(kexie_workspace)
    rows = json.loads(run("--as", "371323", "units", "tree", "--format", "json").output)
    assert {r["code"] for r in rows} == {"371323", "371323-YC", "E-YS01"}
    refused = run("--as", "371323", "units", "tree", "--unit", "371302", ok=False)
    assert refused.exit_code == 3
    assert "outside" in refused.output


def test_english_headers_and_csv(run, kexie_workspace) -> None:
    load_units(kexie_workspace)
    out = run("--lang", "en", "units", "tree", "--format", "csv").output
    assert out.splitlines()[0] == "code,name,kind,depth,members,members_total"
    assert "代码,名称" in run("units", "tree", "--format", "csv").output


def test_uninitialised_database_gives_a_clear_message(tmp_path) -> None:
    result = CliRunner().invoke(
        build_cli(), ["--db", f"sqlite:///{tmp_path / 'x.db'}", "units", "tree"]
    )
    assert result.exit_code == 5
    assert "kexie init" in result.output


def test_units_tree_counts_the_people_on_record_today(kexie_linyi, kexie_actor) -> None:
    today = date.today()
    root = kexie_linyi
    root.add_member({"member_no": "M1", "name": "甲", "unit": "371323-YC"})
    root.add_member({"member_no": "M2", "name": "乙", "unit": "371323",
                     "joined_on": today + timedelta(days=30)})  # fmt: skip
    root.add_member({"member_no": "M3", "name": "丙", "unit": "371323", "left_on": today})
    root.add_member({"member_no": "M4", "name": "丁", "unit": "S-NXH"})
    # M4 also sits in a unit under 沂水县, M1 in one outside it.
    root.add_membership({"member_no": "M4", "unit": "E-YS01", "role": "理事"})
    root.add_membership({"member_no": "M1", "unit": "S-NXH", "role": "会员"})
    root.add_membership({"member_no": "M1", "unit": "E-YS01", "role": "会员"})
    city = {r["code"]: r for r in root.tree()}
    # Not yet joined (M2) and left today (M3) are not on record; M1 and M4 count once each.
    assert (city["371323"]["members"], city["371323"]["members_total"]) == (0, 2)
    assert city["371300"]["members_total"] == 2
    assert (city["S-NXH"]["members"], city["E-YS01"]["members"]) == (2, 2)
    county = kexie_actor("371323")
    shallow = county.tree(max_depth=1)
    assert {r["code"]: (r["members"], r["members_total"]) for r in shallow} == {
        "371323": (0, 2),
        "371323-YC": (1, 1),
        "E-YS01": (2, 2),
    }
    assert [r["depth"] for r in county.tree(max_depth=0)] == [0]
