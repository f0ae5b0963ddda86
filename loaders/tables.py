"""The upload checker's old address: `check_bytes/check_file -> CheckReport`, now `loaders.upload`.

The checker is the package `loaders.upload` (one module per noun, passes in `loaders.upload.check`);
these names stay importable from here for the pages, the command line and the tests.
"""

from __future__ import annotations

from loaders.upload.cells import header_key  # noqa: F401
from loaders.upload.check import check_bytes, check_file, check_grid  # noqa: F401
from loaders.upload.labels import Label, Spec, Unit, parse_label, parse_unit  # noqa: F401
from loaders.upload.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_DATA_ROWS, MAX_MESSAGES  # noqa: F401
from loaders.upload.report import REPORT_COLUMNS, STATUSES, CheckReport  # noqa: F401
from loaders.vocabulary import QUALIFIER_WORDS  # noqa: F401
