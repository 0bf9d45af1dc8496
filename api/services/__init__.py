"""Use cases, free of HTTP: accounts, uploads, the stored timeline and check-ins, feedback,
readiness (scoring stored data, reading it back), the bridge to scoring, the health check, and
webhooks (:mod:`readiness.api.services.webhooks`: subscriptions, events, their delivery).

Each works in the caller's unit of work (:mod:`readiness.api.storage.unit_of_work`) and never
ends its transaction; changes of an athlete's data go through
:func:`readiness.api.services.readiness.changing` (the athlete's write lock first, re-score from
the first changed day after, reported with ``changed_since``); reads never write. No FastAPI
import and no HTTP status codes here: failures are the typed errors of
:mod:`readiness.api.services.errors`, which :mod:`readiness.api.errors` maps to problems.
"""
