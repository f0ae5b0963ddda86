"""The upload path: bytes of a CSV/XLSX file → a grid → figures + messages naming row and column.

One module per noun; the passes are functions handing explicit values to each other, ordered by
`loaders.upload.check`. This package's `__init__` imports nothing, so importing one of its modules
costs only that module.
"""
