"""Reading and writing records: ledgers (台账) in CSV/XLSX/JSON with Chinese or English headers.

>>> from kexie_core.ledger import import_records, export_records
>>> result = import_records(ws.as_unit("371323"), "members", "会员台账.xlsx")
>>> result.created, result.updated, result.unchanged, result.rejected
>>> records = export_records(ws.as_root(), "members", unit="371323")

See docs/ledger.md for every column of every kind.
"""

from .columns import KINDS, ColumnSpec, ColumnType, KindColumns, normalize_header
from .export import RecordSet, export_records
from .importer import DEFAULT_BATCH_SIZE, KIND_NAMES, ImportResult, choose_importer, import_records
from .messages import RowError
from .readers import LedgerFileError, Sheet, read_csv, read_json, read_xlsx

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "KINDS",
    "KIND_NAMES",
    "ColumnSpec",
    "ColumnType",
    "ImportResult",
    "KindColumns",
    "LedgerFileError",
    "RecordSet",
    "RowError",
    "Sheet",
    "choose_importer",
    "export_records",
    "import_records",
    "normalize_header",
    "read_csv",
    "read_json",
    "read_xlsx",
]
