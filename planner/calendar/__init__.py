"""iCalendar export of plans and import of runs and busy time.

`export` turns a plan into an .ics file a calendar app can subscribe to or import; `importer` reads
the athlete's own calendar back into runs and busy blocks. Neither touches storage: the services
layer hands them domain objects and stores what they return.
"""
