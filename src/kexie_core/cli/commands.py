"""The built-in command modules; each has ``register(cli)``. Add a line to add a command group."""

BUILTIN_COMMANDS: tuple[str, ...] = (
    "kexie_core.cli.init_cmd",
    "kexie_core.cli.plugins_cmd",
    "kexie_core.cli.units",
    "kexie_core.cli.demo_cmd",
)
