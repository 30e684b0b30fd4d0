"""The planner: proposes AESH timetables from students' class timetables, notifications and contracts.

The optimisation core (problem, engine, greedy, evaluate, replacement, samples) is pure:
plain data in, plain data out, no ORM. Every hard rule it applies is a function of
missions.rules. inputs.py reads the database into a Problem; services.py runs it and
turns an accepted proposal into ordinary assignments and slots.
"""
