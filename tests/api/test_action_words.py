"""The dashboard, the CLI and the calendar feed name every action in the same words."""

from __future__ import annotations

import json
from pathlib import Path

from readiness.scoring import ACTION_WORDS, ACTIONS

WORDS_JS = Path(__file__).resolve().parents[2] / "api" / "static" / "words.js"


def test_every_action_has_words() -> None:
    assert set(ACTIONS) <= set(ACTION_WORDS), set(ACTIONS) - set(ACTION_WORDS)


def test_the_dashboard_uses_the_same_words() -> None:
    script = WORDS_JS.read_text(encoding="utf-8")
    for action, words in ACTION_WORDS.items():
        assert f"text: {json.dumps(words, ensure_ascii=False)}" in script, (action, words)
