"""Built-in rubrics (内置评估细则): the default rubric for counties and functional zones.

The rubric itself is data, ``kexie_core/metrics/rubrics/county.toml``; a plug-in gives its own
the same way — load a TOML file it ships, or build a ``Rubric`` in code::

    from kexie_core import hookimpl
    from kexie_core.metrics import packaged_rubric, load_rubric

    @hookimpl
    def kexie_register_rubrics():
        return [load_rubric(Path(__file__).with_name("township.toml"))]
"""

from __future__ import annotations

from ..metrics.rubric import Rubric, packaged_rubric
from ..plugin.hookspecs import hookimpl


@hookimpl(trylast=True)
def kexie_register_rubrics() -> list[Rubric]:
    return [packaged_rubric("county")]
