"""Every AWS fact the engine relies on, each in one place.

- :mod:`.docs`: the documentation pages the engine links to;
- :mod:`.arns`: ARN grammar, partitions, account ids, unique ids, provider ARNs;
- :mod:`.principals`: service principals and web identity providers;
- :mod:`.actions`: AWS STS actions and those a role trust policy controls;
- :mod:`.operators`: condition operators, their families and key types;
- :mod:`.keys`: condition keys, their types and whether they hold several values;
- :mod:`.wildcard`: the one ``*``/``?`` matcher.
- :mod:`.analyzer`: the facts behind Access Analyzer's checks on condition keys and
  service principals (paired keys, keys a service never sends, spoofable keys, ...).

The rest of the engine imports these facts from here and never spells them again.
"""
