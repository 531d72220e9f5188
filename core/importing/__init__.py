"""Importing and exporting Anki packages (.apkg, .colpkg): the engine behind the plugins.

`import_apkg(col, path, options)` and `export_apkg(col, path, options)` are the entry
points; `package` reads and checks zips, `ankidb` reads Anki collection files (schema 11
to 18), `schema11`/`schema18` convert Anki's objects, `protobuf` is our wire-format codec.
Large imports write through the undo log's bulk path (`Collection.bulk_insert`), copy rows
in SQL from the attached package where nothing needs Python, and use `bulk` (index rebuilds,
paused GC) and `fieldtext` (exact shortcuts for the per-note text work).
"""
