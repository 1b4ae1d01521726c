"""pytest support: the plugin (``lakestack.testing.plugin``) registered via the
``pytest11`` entry point."""
