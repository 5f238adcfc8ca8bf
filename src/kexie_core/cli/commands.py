"""The built-in command modules; each has ``register(cli)``. Add a line to add a command group."""

BUILTIN_COMMANDS: tuple[str, ...] = (
    "kexie_core.cli.init_cmd",
    "kexie_core.cli.plugins_cmd",
    "kexie_core.cli.units",
    "kexie_core.cli.import_cmd",
    "kexie_core.cli.export_cmd",
    "kexie_core.cli.metrics_cmd",
    "kexie_core.cli.evaluate_cmd",
    "kexie_core.cli.calendar_cmd",
    "kexie_core.cli.visits_cmd",
    "kexie_core.cli.awards_cmd",
    "kexie_core.cli.cohort_cmd",
    "kexie_core.cli.demo_cmd",
    "kexie_core.cli.report_cmd",
    "kexie_core.cli.matters_cmd",
    "kexie_core.cli.suggestions_cmd",
    "kexie_core.cli.tasks_cmd",
    "kexie_core.cli.audit_cmd",
    "kexie_core.cli.report_build_cmd",
)
