"""The benchmark's synthetic corpus: deterministic, about the size it says, well linked."""

import re

from bench import corpus


def test_the_same_seed_writes_the_same_corpus(tmp_path):
    first = corpus.generate(tmp_path / "a", 30)
    second = corpus.generate(tmp_path / "b", 30)
    for index in range(30):
        name = corpus.post_filename(index)
        assert (tmp_path / "a" / "posts" / name).read_bytes() == (
            tmp_path / "b" / "posts" / name
        ).read_bytes()
    assert first != second


def test_posts_have_about_800_words_and_link_to_existing_posts():
    count = 200
    for index in range(count):
        text = corpus.post_text(index, count)
        header, body = text.split("\n\n", 1)
        assert re.search(rf"^Title: .+\(n° {index}\)$", header, re.M)
        assert 700 <= len(body.split()) <= 950
        assert "\n## " in body and "\n> " in body and "\n- " in body
        for target in re.findall(r"\{filename\}/posts/(\d+)\.md", body):
            assert 0 <= int(target) < count and int(target) != index


def test_dates_run_one_a_day_up_to_the_newest_post():
    count = 10
    dates = [
        re.search(r"^Date: (.+)$", corpus.post_text(i, count), re.M).group(1) for i in range(count)
    ]
    assert dates == sorted(dates) and len(set(dates)) == count
    assert dates[-1] == "2024-12-31 08:00"
