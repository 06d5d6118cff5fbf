"""Results as tables: rows and subsets frames (table), what a page shows and exports (display, export), where a row comes from (provenance), charts (figures)."""
