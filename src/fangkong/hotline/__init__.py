"""The 12345 citizen hotline: tickets, their closed loop, deadlines in working days, Open311."""
