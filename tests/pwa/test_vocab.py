"""The PWA's labels (pwa/src/vocab.json) are the backend's vocabulary, as `make pwa` writes them."""
import json
from pathlib import Path

from backend.vocab import pwa_vocabulary

VOCAB_JSON = Path(__file__).resolve().parents[2] / "pwa" / "src" / "vocab.json"


def test_the_committed_pwa_vocabulary_is_the_backends():
    committed = json.loads(VOCAB_JSON.read_text(encoding="utf-8"))
    assert committed == pwa_vocabulary(), "run `python -m backend.vocab pwa/src/vocab.json` and commit the result"
