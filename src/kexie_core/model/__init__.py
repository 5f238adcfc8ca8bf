"""Domain types: vocabularies, records, identifiers, periods, dates."""
