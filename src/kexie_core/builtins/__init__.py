"""Built-in plug-ins: registered through the same hooks as any county's or society's plug-in.

Read these as examples of each hook. ``BUILTIN_PLUGINS`` is the tuple the plug-in host loads
first; add a module here to make it built in.
"""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "kexie_core.builtins.work_kinds",
    "kexie_core.builtins.metrics",
    "kexie_core.builtins.workflow_metrics",
    "kexie_core.builtins.rubrics",
    "kexie_core.builtins.document_exporters",
    "kexie_core.builtins.ledger_formats",
)
