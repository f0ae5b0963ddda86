"""The parts of the upload store, one module per noun; `loaders.store` (Store, engines) sits on top.

None of these modules imports `loaders.store` or `loaders.migrations`; `loaders.migrations` takes the
schema, `StoreError` and the write transaction from here, so the store can import it at the top.
"""
