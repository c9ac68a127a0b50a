"""Two-way sync with a CalDAV server: the only package that imports caldav and keyring.

`settings` (the per-athlete TOML file), `secrets` (where the password comes from), `remote`
(the caldav client behind one small interface, every failure a `SyncError`) and `events`
(what differs between the plan and the server). `planner.services.sync` joins them to storage;
nothing else imports this package, so other commands never load caldav.
"""
