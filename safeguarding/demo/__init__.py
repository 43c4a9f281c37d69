"""The invented demo set-up (`make run` loads it on first run): staff accounts for each role,
courses, sessions, bookings and a newsletter audience, all made up and marked as such.

The top layer: it may use every app, and no app uses it.
"""
