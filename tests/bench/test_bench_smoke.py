"""`invoke bench` end to end on a tiny corpus: every step runs and reports what it should."""

import json
import os

import pytest

from bench import run as bench_run


@pytest.mark.slow
def test_every_step_runs_on_a_small_corpus(tmp_path, monkeypatch):
    earlier = tmp_path / "work" / "n12" / "cold-output-1"  # an earlier benchmark's
    earlier.mkdir(parents=True)
    (earlier / "earlier.html").write_text("", encoding="utf-8")
    (tmp_path / "work-deleted-20261130-101010-1" / "n12").mkdir(parents=True)  # interrupted
    events = []
    measure, rmtree = bench_run.measure, bench_run.shutil.rmtree

    def recording_measure(spec, log_path, code, **options):
        production = spec.get("settings_file", "").endswith(
            os.path.join("corpus", "publishconf.py")
        )
        if options.get("sample_seconds") == bench_run.FINE_SAMPLE_SECONDS:
            events.append("memory")
        elif spec["step"] == "vanilla" or (spec["step"] == "carnet" and production):
            events.append("cold build")
        else:
            events.append(spec["step"])
        return measure(spec, log_path, code, **options)

    def recording_rmtree(path, *args, **kwargs):
        if os.path.exists(path):
            events.append(("deleted", str(path)))
        return rmtree(path, *args, **kwargs)

    monkeypatch.setattr(bench_run, "measure", recording_measure)
    monkeypatch.setattr(bench_run.shutil, "rmtree", recording_rmtree)
    report = bench_run.run([12, 13], runs=1, results=str(tmp_path))
    # Every cold build of both sizes comes first (each run's followed by the search index
    # of Carnet's, each size's by the untimed build measuring its memory finely), and
    # nothing is deleted before the last.
    last_cold = max(i for i, event in enumerate(events) if event == "memory")
    assert events[: last_cold + 1] == (["cold build"] * 3 + ["search", "memory"]) * 2
    # The earlier benchmark's folder was moved aside, then deleted at the end.
    assert (earlier / "index.html").exists() and not (earlier / "earlier.html").exists()
    assert ("deleted", str(tmp_path / "work")) not in events
    assert not [path for path in tmp_path.iterdir() if path.name.startswith("work-deleted-")]
    assert set(report["sizes"]) == {"12", "13"}
    steps = report["sizes"]["12"]
    for step, _label in bench_run.STEPS:
        assert "seconds" in steps[step], (step, steps[step].get("problem"))
    code = str(tmp_path / "work" / "code")
    assert all(
        r["carnet_code"] == code for r in steps["cold"]["runs"] + steps["publish_one"]["runs"]
    )
    assert steps["warm"]["edit_visible"] is True
    # The cold build's peak memory is the larger of its timed runs' and the memory run's.
    finely = steps["cold"]["memory_run"]["peak_kb"] / 1024
    assert steps["cold"]["peak_mb"] == max(
        finely, *(r["peak_kb"] / 1024 for r in steps["cold"]["runs"])
    )
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
