"""kexie plug-in of 沂水县科协 (Yishui county association for science and technology, 371323).

What it adds to kexie, each through one hook (see ``kexie_yishui.plugin``):

- a work kind, ``yishui_orchard_training`` 果树技术培训, with its own details model
  (``kexie_yishui.training``) and a rule that checks it against the rest of the work item;
- metrics built on it: farmers trained and villages reached (``kexie_yishui.metrics``);
- an exporter, ``yishui-ledger``: the county's own work ledger workbook
  (``kexie_yishui.ledger``), for ``kexie export work-items --format yishui-ledger``;
- a command, ``kexie yishui ledger --period 2026Q3`` (``kexie_yishui.commands``).
"""

__version__ = "0.1.0"
