"""The changelog rule: content that changed substantively since this database last
loaded it needs a new VERSION whose CHANGELOG.md section names each such module
(CURRICULUM.md, "File format"; DESIGN.md §4, flow 4).

What counts as substantive is what the author declares in the lesson's front matter
(`change: substantive`), plus adding or removing a lesson. An editorial change (a typo,
a broken link) may be loaded under the same version: the version's module hashes then
follow the files. The baseline is the database: `lint_curriculum` on a database that
has never loaded the curriculum has nothing to compare against and reports nothing.

Other content kinds (quizzes) work out their own substantive changes the same way and
pass them to `check_substantive_changes`, so every kind is held to one rule with one
wording.
"""

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from curriculum.loading import CHANGELOG_FILE, VERSION_FILE, ContentTree
from curriculum.models import CurriculumVersion, Lesson
from curriculum.registry import Finding, error


def substantive_changes(tree: ContentTree) -> dict[str, list[str]]:
    """ "<track-id>/<module-id>" -> what changed substantively since the last load."""
    # lesson id -> (its content hash, "<track-id>/<module-id>") as last loaded.
    loaded = {
        row["slug"]: (row["content_hash"], f"{row['module__track__slug']}/{row['module__slug']}")
        for row in Lesson.objects.current().values(
            "slug", "content_hash", "module__slug", "module__track__slug"
        )
    }
    changes: dict[str, list[str]] = defaultdict(list)
    present: set[str] = set()
    for track, module in tree.modules():
        key = f"{track.id}/{module.id}"
        for lesson in module.lessons:
            if lesson.front is None or not lesson.id:
                continue
            present.add(lesson.id)
            before = loaded.get(lesson.id)
            if before is None:
                changes[key].append(f"adds lesson {lesson.id}")
            elif before[0] != lesson.content_hash and lesson.front.get("change") == "substantive":
                changes[key].append(f"changes lesson {lesson.id} (substantive)")
    for slug, (_hash, key) in loaded.items():
        if slug not in present:
            changes[key].append(f"removes lesson {slug}")
    return dict(changes)


def check_changes_against_loaded(tree: ContentTree) -> list[Finding]:
    """The changelog rule for the curriculum's own lessons."""
    if not has_baseline(tree):
        return []
    return check_substantive_changes(tree, substantive_changes(tree))


def has_baseline(tree: ContentTree) -> bool:
    """Whether there is a loaded curriculum to compare with (and a VERSION and changelog
    to hold the files to); without one the changelog rule has nothing to say."""
    return (
        tree.version is not None
        and tree.changelog is not None
        and CurriculumVersion.objects.exists()
    )


def check_substantive_changes(
    tree: ContentTree, changes: Mapping[str, Sequence[str]]
) -> list[Finding]:
    """Findings for substantive changes ("<track-id>/<module-id>" -> what changed) that
    the VERSION and CHANGELOG.md do not account for. Call after `has_baseline`."""
    if not changes or tree.version is None or tree.changelog is None:
        return []
    summary = "; ".join(f"{key}: {', '.join(what)}" for key, what in sorted(changes.items()))
    if CurriculumVersion.objects.filter(version=tree.version).exists():
        return [
            error(
                VERSION_FILE,
                1,
                f"{tree.version} was already loaded, and the content changed substantively "
                f"since ({summary}): set a new VERSION and add its CHANGELOG.md section "
                "naming each module",
            )
        ]
    section = tree.changelog.section(tree.version)
    if section is None:
        return []  # check_changelog reports the missing section
    return [
        error(
            CHANGELOG_FILE,
            section.line,
            f"the {tree.version} section does not name {key}, which changed substantively "
            f"({', '.join(what)}): add a line such as '- {key}: <what changed> (substantive).'",
        )
        for key, what in sorted(changes.items())
        if not re.search(rf"(?<![\w/-]){re.escape(key)}(?![\w/-])", section.body)
    ]
