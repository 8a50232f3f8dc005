"""Spreadsheets in and out: reading a CSV or a workbook whichever way it was saved
(`spreadsheet`), and its rows turned into the salon's records (`importing`).

May import the words (rendering cells), the files, the disk and the engine.
"""
