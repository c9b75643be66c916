"""`invoke bench` end to end on a tiny corpus: every step runs and reports what it should."""

import json

import pytest

from bench import run as bench_run


@pytest.mark.slow
def test_every_step_runs_on_a_small_corpus(tmp_path):
    report = bench_run.run([12], runs=1, results=str(tmp_path), settle=0)
    steps = report["sizes"]["12"]
    for step, _label in bench_run.STEPS:
        assert "seconds" in steps[step], (step, steps[step].get("problem"))
    code = str(tmp_path / "work" / "code")
    assert all(
        r["carnet_code"] == code for r in steps["cold"]["runs"] + steps["publish_one"]["runs"]
    )
    assert steps["warm"]["edit_visible"] is True
    # A cold build draws every share image (12 posts and the site's card).
    cards = steps["cold"]["share_cards"]
    assert cards["drawn"] == cards["images"] == 13
    assert any("share cards add" in check["target"] for check in report["targets"])
    assert steps["publish_none"]["provider_calls"] == 0
    assert steps["publish_one"]["emails"] == 1
    assert steps["email"]["html_bytes"] > 0
    saved = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert saved["targets"] == report["targets"]
    assert "| 12 | Vanilla Pelican, cold build |" in (tmp_path / "latest.md").read_text(
        encoding="utf-8"
    )


def test_what_share_images_add_is_the_median_of_each_runs_difference():
    """Each run's two cold builds are compared with each other, not the medians of two
    lists whose middle values may come from different runs (here +0.1×, where the
    difference of the medians would say −0.1×)."""
    size = {
        "vanilla": {"seconds": 10.0},
        "cold": {"runs": [{"seconds": 10.0}, {"seconds": 12.0}, {"seconds": 20.0}]},
        "cold_no_cards": {"runs": [{"seconds": 9.0}, {"seconds": 15.0}, {"seconds": 13.0}]},
    }
    assert bench_run._cards_add(size) == pytest.approx(0.1)
    size["cold"]["runs"][2] = {"error": "the step crashed"}  # a failed run is left out
    assert bench_run._cards_add(size) == pytest.approx(-0.1)
    assert bench_run._cards_add({"vanilla": {"seconds": 10.0}}) is None


def test_a_run_starts_once_the_last_runs_outputs_are_deleted_and_the_disk_has_settled(
    tmp_path, monkeypatch
):
    """The deletion comes before the wait, and the wait before the run's first timed build:
    a file system without a journal makes a build right after a mass deletion pay for it."""
    ws = bench_run.Workspace(12, 0, str(tmp_path / "code"), results=str(tmp_path))
    for name in bench_run.COLD_FOLDERS:
        (tmp_path / "work" / "n12" / name / "page").mkdir(parents=True)
    events = []
    monkeypatch.setattr(bench_run.os, "sync", lambda: events.append("sync"))
    monkeypatch.setattr(bench_run.time, "sleep", lambda seconds: events.append(seconds))
    bench_run._settle(ws, 61, lambda what: None)
    assert events == ["sync", 61]
    assert not any((tmp_path / "work" / "n12" / name).exists() for name in bench_run.COLD_FOLDERS)
    events.clear()
    bench_run._settle(ws, 0, lambda what: None)
    assert events == []
