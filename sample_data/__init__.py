"""The synthetic sample athlete: a scripted ~120-day story and the FIT files written from it.

* :mod:`sample_data.episodes` — the story's episodes and what a coach expects on each.
* :mod:`sample_data.plan` — the calendar: physiology offsets, training plan, daily check-ins.
* :mod:`sample_data.story` — pure: turns the plan into per-day physiology and the schema frames
  (``build_story(seed=...)``), with :mod:`~sample_data.night` (sleep, nightly HRV),
  :mod:`~sample_data.workout` (5-s HR, RR, load) and :mod:`~sample_data.day_slots`
  (15-minute monitoring slots).
* :mod:`sample_data.fit_writers` / :mod:`sample_data.generate` — write the FIT files, the
  check-ins CSV and ``MANIFEST.toml`` (``.venv/bin/python sample_data/generate.py``).

Nothing here is real data; everything is generated, deterministically, from a fixed seed.
"""
