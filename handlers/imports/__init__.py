"""Spreadsheets in and out at the edge: cells read as dates and words in the coalition's zone
and either language, rows written for an export, refusals said in the reader's language."""
