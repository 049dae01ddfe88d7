"""The staff review portal: clinicians read, filter, review and export the
assistant's conversations. See docs/staff.md.

Entry points: bot.staff.app.create_staff_blueprint (mounted at /staff in the
web app), bot.staff.cli (`python -m bot staff ...`, `python -m bot purge ...`)
and `python -m bot.staff` (a standalone server for manual use).
"""
