"""Lighthouse (npm, package.json) on the home page, an article and a category page of the
production build: 100 in performance, accessibility, best practices and SEO.

Lighthouse's default run: a mobile phone with simulated slow 4G and a 4× slower CPU. Each
report is kept in tests/artifacts/lighthouse-NAME.json. Skipped only when node or npm is
not installed.
"""

import json
import subprocess

import pytest

pytestmark = pytest.mark.browser

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def pages(site):
    article = site.showcase_article
    return {"accueil": "", "article": article.url, "categorie": article.category.url}


def failing_audits(report, category):
    """The audits that cost points in CATEGORY, with Lighthouse's own explanation."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            detail = audit.get("displayValue") or ""
            items = (audit.get("details") or {}).get("items") or []
            where = "; ".join(
                str((item.get("node") or {}).get("snippet") or item.get("url") or "")[:120]
                for item in items[:3]
            )
            lines.append(f"  {audit['id']} ({audit['score']}): {audit['title']} {detail} {where}")
    return lines


@pytest.mark.parametrize("name", ["accueil", "article", "categorie"])
def test_lighthouse_scores_100(built_site, artifacts, lighthouse, name):
    command, environment = lighthouse
    report_path = artifacts / f"lighthouse-{name}.json"
    command = command + [
        built_site.url(pages(built_site)[name]),
        "--quiet",
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"Lighthouse failed:\n{done.stderr[-3000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert not report.get("runtimeError"), report["runtimeError"]
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    problems = []
    for category, score in scores.items():
        if score != 1:
            problems.append(f"{category}: {score and round(score * 100)}")
            problems.extend(failing_audits(report, category))
    assert not problems, f"{name} {scores}:\n" + "\n".join(problems)
