"""Rubrics: the TOML format, its validation messages, the packaged default and plug-in rubrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from kexie_core.metrics.rubric import (
    Bonus,
    Rank,
    RatioToTarget,
    Rubric,
    Thresholds,
    Veto,
    load_rubric,
    packaged_rubric,
    parse_rubric,
)
from kexie_core.model.errors import InvalidRecord
from kexie_core.plugin.hookspecs import hookimpl
from kexie_core.plugin.registry import DuplicateKeyError

GOOD = """
key = "yishui-townships"
label_zh = "沂水县乡镇科协考核"
kinds = ["乡镇（街道）科协"]

[[items]]
key = "training"
label_zh = "培训人次"
metric = "training.person_times"
rule = "ratio_to_target"
weight = 40
cap = 1.2

[[items]]
key = "coverage"
label_zh = "规上企业覆盖率"
metric = "coverage.industrial_above_size"
rule = "thresholds"
weight = 20
bands = [{ at_least = 25, points = 10 }, { at_least = 50, points = 20 }]

[[items]]
key = "work"
label_zh = "工作事项"
metric = "work_items"
rule = "rank"
weight = 30
points = [30, 20, 10]

[[items]]
key = "stations"
label_zh = "工作站加分"
metric = "platforms.expert_workstation"
rule = "bonus"
per = 2
max = 5

[[items]]
key = "blank"
label_zh = "无工作一票否决"
metric = "work_items"
rule = "veto"
below = 1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_toml_rubric_loads_into_declared_rules(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.key == "yishui-townships" and rubric.kinds == ("township",)
    types = [type(i) for i in rubric.items]
    assert types == [RatioToTarget, Thresholds, Rank, Bonus, Veto]
    assert [b.at_least for b in rubric.items[1].bands] == [50, 25]  # highest band first
    assert rubric.max_points == 40 * 1.2 + 20 + 30
    assert rubric.metric_keys == [
        "training.person_times",
        "coverage.industrial_above_size",
        "work_items",
        "platforms.expert_workstation",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight = 40\n", ""), "items[1] (training).weight: Field required"),
        (('rule = "rank"', 'rule = "average"'), "items[3]"),
        (("below = 1", "below = 1\nabove = 9"), "exactly one of below or above"),
        (("per = 2", "per = 2\nat_least = 3"), "either per"),
        (("points = [30, 20, 10]", "points = [31]"), "between 0 and the weight 30"),
        (("{ at_least = 50, points = 20 }", "{ at_least = 50, points = 25 }"), "more than"),
        (('metric = "work_items"\nrule = "veto"',
          'metric = "work_items"\nrule = "veto"\nformula = "__import__(\'os\')"'),
         "items[5] (blank).formula: Extra inputs are not permitted"),
        (('kinds = ["乡镇（街道）科协"]', 'kinds = ["village"]'), "unknown UnitKind"),
        (('key = "work"', 'key = "training"'), "two items have the key 'training'"),
    ],
)  # fmt: skip
def test_bad_rubrics_name_the_item_and_field(tmp_path: Path, change, message) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(InvalidRecord) as caught:
        load_rubric(write(tmp_path, GOOD.replace(old, new, 1)))
    assert message in str(caught.value)
    assert str(tmp_path / "rubric.toml") in str(caught.value)


def test_bad_toml_syntax(tmp_path: Path) -> None:
    with pytest.raises(InvalidRecord, match="not valid TOML"):
        load_rubric(write(tmp_path, "key = \n"))


def test_the_packaged_default_rubric(kexie_plugins) -> None:
    rubric = packaged_rubric("county")
    assert rubric.kinds == ("county", "zone")
    weighted = [i for i in rubric.items if not isinstance(i, Bonus | Veto)]
    assert sum(i.weight for i in weighted) == 100
    assert any(isinstance(i, Veto) for i in rubric.items)
    assert any(isinstance(i, Bonus) for i in rubric.items)
    metrics = kexie_plugins.metrics()
    assert all(i.metric in metrics for i in rubric.items)
    registered = kexie_plugins.rubrics().get("county")
    assert registered.plugin == "kexie.rubrics" and registered.items == rubric.items


class TownshipRubrics:
    def __init__(self, text: str) -> None:
        self.text = text

    @hookimpl
    def kexie_register_rubrics(self) -> list[Rubric]:
        import tomllib

        return [parse_rubric(tomllib.loads(self.text))]


def test_a_plugin_gives_a_rubric(kexie_plugins, kexie_register_plugin) -> None:
    kexie_register_plugin(TownshipRubrics(GOOD), "yishui")
    rubric = kexie_plugins.rubrics().get("yishui-townships")
    assert rubric.plugin == "yishui"


def test_a_rubric_key_given_twice_names_both_plugins(kexie_plugins, kexie_register_plugin) -> None:
    kexie_register_plugin(TownshipRubrics(GOOD.replace("yishui-townships", "county")), "yishui")
    with pytest.raises(DuplicateKeyError, match=r"yishui.*kexie\.rubrics|kexie\.rubrics.*yishui"):
        kexie_plugins.rubrics()


def test_veto_on_a_missing_value() -> None:
    base = {"key": "v", "label_zh": "否决", "metric": "m", "rule": "veto", "below": 1}
    assert Veto.model_validate(base).triggered(None)
    assert not Veto.model_validate({**base, "if_missing": "full"}).triggered(None)
    above = Veto.model_validate({**base, "below": None, "above": 0})
    assert above.triggered(1) and not above.triggered(0) and not above.triggered(None)
