"""Hours: the timetable as it really happened.

A Timesheet is an AESH's ISO week, pre-filled from the timetable in force, that the
AESH corrects and completes (extra accompaniment, training, connexe time as weekly
totals), submits, and the coordination validates or returns. Référents log the
support they give. Rules are pure (rules.py); reads in selectors.py, writes in
services.py, pages in views.py, spreadsheets and PDF in exports.py.
"""
