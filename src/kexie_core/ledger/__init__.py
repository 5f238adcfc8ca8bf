"""Reading and writing records: ledgers (台账) in CSV/XLSX with Chinese or English headers."""
