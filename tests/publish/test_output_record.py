"""A file in output/ that Carnet did not write is never deleted: every command that would
replace it stops first, with one line (carnet/output_record.py)."""

import pytest


@pytest.fixture
def blog(site):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    return site


def set_in(site, file, line):
    path = site.root / file
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def one_line(done):
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize("task", ["build", "preview", "publish", "clean"])
def test_a_file_of_the_coach_in_output_stops_every_command_that_would_delete_it(blog, task):
    assert blog.invoke("build").returncode == 0
    (blog.output / "CNAME").write_text("carnet-de-coach.fr\n")
    (blog.output / "notes").mkdir()
    (blog.output / "notes" / "idées.txt").write_text("à garder")
    done = blog.invoke(task)
    line = one_line(done)
    assert "output/CNAME" in line and "1" in line  # and one other file
    assert "Building" not in done.stdout and "Construction" not in done.stdout
    assert (blog.output / "CNAME").read_text() == "carnet-de-coach.fr\n"
    assert (blog.output / "notes" / "idées.txt").read_text() == "à garder"
    # Moved out, the command runs.
    (blog.output / "CNAME").unlink()
    (blog.output / "notes" / "idées.txt").unlink()
    assert blog.invoke(task).returncode == 0


def test_a_build_stopped_half_way_leaves_its_pages_trusted(blog):
    assert blog.invoke("build").returncode == 0
    # A post in error stops the build before it writes: a crash of the theme while it
    # writes the pages (an older post's, after b's) stops it half-way.
    blog.use_a_broken_template()
    blog.add_post("b.md", title="Nouveau", date="2021-10-02 08:00", category="Journal intime")
    blog.add_post(
        "c.md", title="Cassé", date="2021-09-30 08:00", category="Journal intime", template="broken"
    )
    assert blog.invoke("build").returncode == 1  # written all the same: b's page
    assert (blog.output / "nouveau" / "index.html").exists()
    blog.add_post("c.md", title="Réparé", date="2021-09-30 08:00", category="Journal intime")
    done = blog.invoke("build")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_search_index_is_carnets_whenever_it_was_written(blog):
    # preview indexes the site after the build it records: the index's files are new.
    assert blog.invoke("preview").returncode == 0
    done = blog.invoke("build")
    assert done.returncode == 0, done.stdout + done.stderr


def test_publish_without_a_target_keeps_what_output_retention_keeps(blog):
    set_in(blog, "pelicanconf.py", 'OUTPUT_RETENTION = [".git"]')
    (blog.output / ".git").mkdir(parents=True)
    (blog.output / ".git" / "HEAD").write_text("ref: refs/heads/main")
    done = blog.invoke("publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (blog.output / "un-billet" / "index.html").exists()
    assert (blog.output / ".git" / "HEAD").read_text() == "ref: refs/heads/main"
    # And again, once output/ has a record: the repository is still the coach's to keep.
    assert blog.invoke("publish").returncode == 0
    assert (blog.output / ".git" / "HEAD").read_text() == "ref: refs/heads/main"


def test_clean_stops_for_what_output_retention_kept_from_the_builds(blog):
    set_in(blog, "pelicanconf.py", 'OUTPUT_RETENTION = [".git"]')
    (blog.output / ".git").mkdir(parents=True)
    (blog.output / ".git" / "HEAD").write_text("ref: refs/heads/main")
    assert blog.invoke("build").returncode == 0
    line = one_line(blog.invoke("clean"))
    assert "output/.git/HEAD" in line
    assert (blog.output / ".git" / "HEAD").read_text() == "ref: refs/heads/main"
