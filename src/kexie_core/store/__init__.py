"""Storage: engine and URLs, tables, migrations, the unit tree, actors and scope, audit."""
