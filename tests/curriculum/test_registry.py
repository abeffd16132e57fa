"""The content-kind registry: a kind registered from outside curriculum (as quizzes and
courses do) owns its files, is linted with everything else, loads in the same
transaction after the curriculum, and a failure anywhere rolls every kind back."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from curriculum import registry
from curriculum.loading import ContentTree, read_text
from curriculum.models import CurriculumVersion, Lesson, Module, Track
from curriculum.registry import ContentKind, ContentRun, Finding, LoadReport, Tally, error
from curriculum.services import ContentInvalid, lint_curriculum, load_curriculum

pytestmark = pytest.mark.django_db  # the curriculum linter compares with the last load


@dataclass
class FakeKind:
    """Fake notes: `<track>/<module>/note-*.txt`, one per module at most, "bad" is an error."""

    fail_on_load: bool = False
    calls: list[str] = field(default_factory=list)
    seen_modules: list[str] = field(default_factory=list)

    def parse(self, run: ContentRun) -> dict[str, str]:
        self.calls.append("parse")
        notes = {}
        for path in run.files_matching(["*/*/note-*.txt"]):
            text, _problem = read_text(run.root, path)
            notes[path] = text or ""
        return notes

    def lint(self, run: ContentRun) -> list[Finding]:
        self.calls.append("lint")
        notes = run.payload("notes", dict)
        # An earlier kind's parse is there to read: notes only live in module folders.
        tree = run.payload("curriculum", ContentTree)
        folders = {module.folder for _track, module in tree.modules()}
        findings = []
        for path, text in notes.items():
            if "bad" in text:
                findings.append(error(path, 1, "this note is bad"))
            if path.rsplit("/", 1)[0] not in folders:
                findings.append(error(path, None, "is not in a module folder"))
        return findings

    def load(self, run: ContentRun) -> LoadReport:
        self.calls.append("load")
        # The curriculum loaded first, in this same transaction: its rows are here.
        self.seen_modules.extend(Module.objects.current().values_list("slug", flat=True))
        if self.fail_on_load:
            raise RuntimeError("the notes loader failed")
        return LoadReport(tallies=(Tally("notes", added=len(run.payload("notes", dict))),))

    def kind(self) -> ContentKind:
        return ContentKind(
            name="notes",
            patterns=("*/*/note-*.txt",),
            parse=self.parse,
            lint=self.lint,
            load=self.load,
        )


def rows() -> list[int]:
    return [model.objects.count() for model in (Track, Module, Lesson, CurriculumVersion)]


@pytest.fixture
def notes(content: Path) -> Path:
    (content / "core/c1/note-one.txt").write_text("A note.\n")
    return content


def test_without_its_kind_a_kinds_files_are_unclaimed(notes: Path) -> None:
    [finding] = lint_curriculum(root=notes).findings

    assert finding.format() == (
        "core/c1/note-one.txt: warning: no content kind reads this file "
        "(misnamed, or its app is not installed)"
    )


def test_a_registered_kind_owns_its_files_and_its_linter_runs(notes: Path) -> None:
    fake = FakeKind()
    (notes / "law/l1/note-two.txt").write_text("A bad note.\n")

    with registry.registered(fake.kind()):
        findings = [f.format() for f in lint_curriculum(root=notes).findings]

    assert findings == ["law/l1/note-two.txt:1: error: this note is bad"]
    assert fake.calls == ["parse", "lint"]


@pytest.mark.django_db
def test_a_registered_kind_loads_after_the_curriculum_in_the_same_load(notes: Path) -> None:
    fake = FakeKind()

    with registry.registered(fake.kind()):
        result = load_curriculum(root=notes)

    assert [t.label for t in result.tallies] == [
        "tracks",
        "modules",
        "lessons",
        "module revisions",
        "curriculum versions",
        "notes",
    ]
    assert result.tallies[-1] == Tally("notes", added=1)
    assert fake.calls == ["parse", "lint", "load"]
    assert sorted(fake.seen_modules) == ["c1", "l1"]


@pytest.mark.django_db(transaction=True)
def test_a_kind_whose_loader_fails_rolls_back_every_kind(notes: Path) -> None:
    # transaction=True: a real transaction that really rolls back, not a test savepoint.
    fake = FakeKind(fail_on_load=True)

    with registry.registered(fake.kind()), pytest.raises(RuntimeError, match="notes loader failed"):
        load_curriculum(root=notes)

    assert fake.seen_modules == ["c1", "l1"]  # the curriculum had written them…
    assert rows() == [0, 0, 0, 0]  # …and none of it is left.


@pytest.mark.django_db(transaction=True)
def test_a_failing_loader_leaves_the_previous_load_as_it_was(notes: Path) -> None:
    load_curriculum(root=notes)
    titles = dict(Lesson.objects.values_list("slug", "title"))
    path = notes / "core/c1/02-safety-and-choice.md"
    path.write_text(path.read_text().replace("title: Safety and choice", "title: Choice"))

    with registry.registered(FakeKind(fail_on_load=True).kind()), pytest.raises(RuntimeError):
        load_curriculum(root=notes)

    assert dict(Lesson.objects.values_list("slug", "title")) == titles


@pytest.mark.django_db
def test_a_lint_error_in_any_kind_stops_every_kind_from_loading(notes: Path) -> None:
    fake = FakeKind()
    (notes / "core/c1/note-one.txt").write_text("A bad note.\n")

    with registry.registered(fake.kind()), pytest.raises(ContentInvalid) as raised:
        load_curriculum(root=notes)

    assert [f.format() for f in raised.value.findings] == [
        "core/c1/note-one.txt:1: error: this note is bad"
    ]
    assert "load" not in fake.calls
    assert rows() == [0, 0, 0, 0]


def test_kinds_run_in_registration_order(content: Path) -> None:
    order: list[str] = []

    def kind(name: str) -> ContentKind:
        return ContentKind(
            name=name,
            patterns=(),
            parse=lambda run: order.append(f"parse {name}"),
            lint=lambda run: order.append(f"lint {name}") or [],
            load=lambda run: LoadReport(),
        )

    with registry.registered(kind("b")), registry.registered(kind("a")):
        assert [k.name for k in registry.content_kinds()] == ["curriculum", "b", "a"]
        lint_curriculum(root=content)

    assert order == ["parse b", "parse a", "lint b", "lint a"]


def test_a_second_kind_with_a_taken_name_is_refused() -> None:
    kind = ContentKind(name="notes", patterns=(), load=lambda run: LoadReport())

    with registry.registered(kind):
        registry.register(kind)  # the same kind again (ready() twice) is harmless
        with pytest.raises(ImproperlyConfigured, match="already registered"):
            registry.register(ContentKind(name="notes", patterns=(), load=lambda run: LoadReport()))

    assert "notes" not in [k.name for k in registry.content_kinds()]


def test_replaced_restores_the_registry_afterwards() -> None:
    before = registry.content_kinds()

    with registry.replaced([]):
        assert registry.content_kinds() == ()

    assert registry.content_kinds() == before


def test_a_missing_payload_is_a_lookup_error(content: Path) -> None:
    run = ContentRun.scan(content)

    with pytest.raises(LookupError, match="'quizzes' kind has no parsed ContentTree"):
        run.payload("quizzes", ContentTree)


def test_hidden_files_are_not_content(content: Path) -> None:
    (content / ".git").mkdir()
    (content / ".git/config").write_text("[core]\n")
    (content / "core/c1/.01-draft.md.swp").write_text("x")
    (content / "core/c1/01-what-trauma-is.md~").write_text("x")

    run = ContentRun.scan(content)

    assert not [f for f in run.files if ".git" in f or f.endswith(("~", ".swp"))]
    assert lint_curriculum(root=content).findings == ()
