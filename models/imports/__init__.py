"""Spreadsheets in and out: reading CSV and XLSX files within limits, the columns each kind
of row has in Slovenian and English, and writing exports (no platform, no database)."""
