"""Turning the vectorised history into one explained day: the day object (``day``), the
contributors in real units (``contributors``), the advice wording (``advice``) and the robust
"unusual night" check (``unusual_night``)."""
