"""The command dashboard and the daily report: every module\x27s figures on one screen and in one file."""
