"""The linter: the valid fixture is clean, and each rule fails its own broken copy with
a finding that names the file and the line."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from curriculum.linting import RULES
from curriculum.services import lint_curriculum
from tests.curriculum.conftest import Edit

pytestmark = pytest.mark.django_db


def lint(root: Path) -> list[str]:
    return [finding.format() for finding in lint_curriculum(root=root).findings]


def test_the_valid_fixture_has_no_findings(content: Path) -> None:
    assert lint(content) == []


def test_rules_are_small_functions_in_a_list() -> None:
    assert all(callable(rule) for rule in RULES)
    assert len({rule.__name__ for rule in RULES}) == len(RULES)


# --- One broken copy per rule -------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """Edits to the valid tree: ("replace", path, old, new), ("delete", path),
    ("write", path, text) or ("rename", path, new_path)."""

    edits: tuple[tuple[str, ...], ...]
    expected: str


def apply(content: Path, edit: Edit, edits: tuple[tuple[str, ...], ...]) -> None:
    for action, path, *rest in edits:
        if action == "replace":
            edit(path, *rest)
        elif action == "delete":
            (content / path).unlink()
        elif action == "write":
            (content / path).parent.mkdir(parents=True, exist_ok=True)
            (content / path).write_text(rest[0])
        elif action == "rename":
            (content / path).rename(content / rest[0])


MODULE = "core/c1/module.yaml"
LESSON = "core/c1/01-what-trauma-is.md"
LESSON_2 = "core/c1/02-safety-and-choice.md"

BREAKS = {
    # Required fields present and well-typed
    "module-missing-field": Break(
        (
            (
                "replace",
                MODULE,
                "summary: What trauma is, and how it shapes the work with survivors.\n",
                "",
            ),
        ),
        f"{MODULE}:1: error: the required field 'summary' is missing",
    ),
    "module-wrong-type": Break(
        (("replace", MODULE, "minutes: 30", "minutes: thirty"),),
        f"{MODULE}:5: error: 'minutes' must be a whole number of minutes, more than 0",
    ),
    "module-principles": Break(
        (("replace", MODULE, "principles: [P2]", "principles: [P7]"),),
        f"{MODULE}:6: error: 'principles' must be a list of principles from P1, P2, P3, P4, P5",
    ),
    "module-jurisdictions-empty": Break(
        (("replace", MODULE, "jurisdictions: [intl]", "jurisdictions: []"),),
        f"{MODULE}:7: error: 'jurisdictions' must be a list of jurisdictions",
    ),
    "module-content-note-missing": Break(
        (("replace", MODULE, "content_note: >", "content_notes: >"),),
        f"{MODULE}:1: error: the required field 'content_note' is missing",
    ),
    "module-unknown-field-warns": Break(
        (("replace", MODULE, "order: 1\n", "order: 1\nobjectves: []\n"),),
        f"{MODULE}:5: warning: unknown field 'objectves' (misspelt?)",
    ),
    "module-not-a-mapping": Break(
        (("write", MODULE, "- just\n- a list\n"),),
        f"{MODULE}:1: error: must be a mapping of fields (name: value)",
    ),
    "track-missing-field": Break(
        (("replace", "law/track.yaml", "lang: en\n", ""),),
        "law/track.yaml:1: error: the required field 'lang' is missing",
    ),
    "track-bad-lang": Break(
        (("replace", "law/track.yaml", "lang: en", "lang: English"),),
        "law/track.yaml:4: error: 'lang' must be a language tag such as en or en-GB",
    ),
    "yaml-syntax": Break(
        (("replace", "law/track.yaml", "order: 2", "order: [2"),),
        "law/track.yaml:6: error: is not valid YAML",
    ),
    "yaml-duplicate-key": Break(
        (("replace", MODULE, "order: 1\n", "order: 1\nid: c2\n"),),
        f"{MODULE}:5: error: the key 'id' appears twice",
    ),
    # Ids well-formed and unique
    "id-malformed": Break(
        (("replace", MODULE, "id: c1\n", "id: C_1\n"),),
        f"{MODULE}:1: error: 'id' must be an id: lowercase letters, digits and single hyphens",
    ),
    "id-duplicate-lesson": Break(
        (("replace", "law/l1/01-the-hearing.md", "id: l1-the-hearing", "id: c1-what-trauma-is"),),
        f"law/l1/01-the-hearing.md:2: error: the lesson id 'c1-what-trauma-is' is already used by {LESSON}:2",
    ),
    "id-duplicate-track": Break(
        (("replace", "law/track.yaml", "id: legal", "id: core"),),
        "law/track.yaml:1: error: the track id 'core' is already used by core/track.yaml:1",
    ),
    "id-duplicate-module": Break(
        (("replace", "law/l1/module.yaml", "id: l1", "id: c1"),),
        f"law/l1/module.yaml:1: error: the module id 'c1' is already used by {MODULE}:1",
    ),
    # Objectives 3-6
    "objectives-too-few": Break(
        (("replace", MODULE, "  - recognise common responses to trauma\n", ""),),
        f"{MODULE}:9: error: has 2 objectives; a module has 3 to 6",
    ),
    "objectives-too-many": Break(
        (("replace", MODULE, "objectives:\n", "objectives:\n" + "  - one more\n" * 4),),
        f"{MODULE}:9: error: has 7 objectives; a module has 3 to 6",
    ),
    # Review status
    "review-status-invalid": Break(
        (("replace", MODULE, "status: draft", "status: final"),),
        f"{MODULE}:19: error: review: 'status' must be one of: draft, reviewed, published",
    ),
    "review-published-with-unverified-reference": Break(
        (
            ("replace", MODULE, "status: draft", "status: published"),
            ("replace", MODULE, "reviewers: []", "reviewers: [A. Reviewer]"),
            ("replace", MODULE, "reviewed_on: null", "reviewed_on: 2026-11-01"),
        ),
        f"{MODULE}:30: error: reference R1 is not verified, so the module cannot be published",
    ),
    "review-reviewed-without-reviewers": Break(
        (("replace", "law/l1/module.yaml", "reviewers: [A. Reviewer]", "reviewers: []"),),
        "law/l1/module.yaml:18: error: a reviewed module names its reviewers",
    ),
    "review-date-not-a-date": Break(
        (
            (
                "replace",
                "law/l1/module.yaml",
                "next_review_on: 2027-01-15",
                "next_review_on: next year",
            ),
        ),
        "law/l1/module.yaml:20: error: review: 'next_review_on' must be a date (YYYY-MM-DD) or null",
    ),
    # References
    "reference-without-publisher": Break(
        (("replace", MODULE, "    publisher: SAMHSA\n", ""),),
        f"{MODULE}:24: error: reference R1: needs a 'publisher' (or 'journal')",
    ),
    "reference-verified-without-identifier": Break(
        (("replace", MODULE, "    identifier: doi:10.1177/1745691619862306\n", ""),),
        f"{MODULE}:31: error: reference R2: a verified reference has its identifier",
    ),
    "reference-id-twice": Break(
        (("replace", MODULE, "  - id: R2", "  - id: R1"),),
        f"{MODULE}:31: error: the reference id R1 is listed twice (first on line 24)",
    ),
    "reference-verified-not-boolean": Break(
        (("replace", MODULE, "verified: false", "verified: not yet"),),
        f"{MODULE}:30: error: reference 1: 'verified' must be true or false",
    ),
    # Footnotes cite only the module's reference ids
    "citation-unknown": Break(
        (("replace", LESSON, "contested[^R2]", "contested[^R9]"),),
        f"{LESSON}:19: error: cites [^R9], which {MODULE} does not list (it lists R1, R2)",
    ),
    "citation-definition-written": Break(
        (("replace", LESSON, "## Further reading", "[^R1]: My own note.\n\n## Further reading"),),
        f"{LESSON}:21: error: footnote definition [^R1]: the renderer adds each cited reference",
    ),
    # VERSION and CHANGELOG
    "version-missing": Break((("delete", "VERSION"),), "VERSION: error: is missing"),
    "version-malformed": Break(
        (("replace", "VERSION", "1.0.0-draft", "1.0-draft"),),
        "VERSION:1: error: '1.0-draft' is not a semantic version such as 1.0.0-draft",
    ),
    "version-two-lines": Break(
        (("replace", "VERSION", "1.0.0-draft", "1.0.0-draft\n1.0.1-draft"),),
        "VERSION:1: error: must be one line",
    ),
    "version-needs-a-prerelease-label-while-unpublished": Break(
        (
            ("replace", "VERSION", "1.0.0-draft", "1.0.0"),
            ("replace", "CHANGELOG.md", "## 1.0.0-draft", "## 1.0.0"),
        ),
        "VERSION:1: error: 1.0.0 has no pre-release label, but c1, l1 is not published yet",
    ),
    "changelog-missing": Break((("delete", "CHANGELOG.md"),), "CHANGELOG.md: error: is missing"),
    "changelog-no-section-for-version": Break(
        (("replace", "VERSION", "1.0.0-draft", "1.0.1-draft"),),
        "CHANGELOG.md: error: has no section for 1.0.1-draft: add '## 1.0.1-draft — <date>'",
    ),
    "changelog-malformed-heading": Break(
        (
            (
                "replace",
                "CHANGELOG.md",
                "## 1.0.0-draft — 2026-11-24",
                "## 1.0.0-draft (24 November)",
            ),
        ),
        "CHANGELOG.md:3: error: '## 1.0.0-draft (24 November)' is not a version heading",
    ),
    "changelog-bad-date": Break(
        (("replace", "CHANGELOG.md", "2026-11-24", "2026-13-40"),),
        "CHANGELOG.md:3: error: '2026-13-40' is not a date (YYYY-MM-DD)",
    ),
    # Lesson front matter and file names
    "lesson-front-matter-field-missing": Break(
        (("replace", LESSON_2, "change: editorial\n", ""),),
        f"{LESSON_2}:2: error: front matter: the required field 'change' is missing",
    ),
    "lesson-change-invalid": Break(
        (("replace", LESSON_2, "change: editorial", "change: minor"),),
        f"{LESSON_2}:5: error: front matter: 'change' must be one of: editorial, substantive",
    ),
    "lesson-no-front-matter": Break(
        (("write", LESSON_2, "Just text.\n"),),
        f"{LESSON_2}:1: error: has no front matter",
    ),
    "lesson-front-matter-not-closed": Break(
        (("replace", LESSON_2, "lang: en\n---\n", "lang: en\n"),),
        f"{LESSON_2}:1: error: front matter is not closed by a '---' line",
    ),
    "lesson-name-without-number": Break(
        (("rename", LESSON_2, "core/c1/safety.md"),),
        "core/c1/safety.md: error: a lesson's file name starts with its number",
    ),
    "lesson-numbers-twice": Break(
        (("rename", LESSON_2, "core/c1/01-safety.md"),),
        f"{LESSON}: error: has the same number as core/c1/01-safety.md",
    ),
    "lesson-outside-a-module": Break(
        (("write", "core/c9/01-stray.md", "---\nid: stray\n---\n"),),
        "core/c9/01-stray.md: error: is not inside a module: core/c9/ has no module.yaml",
    ),
    "module-outside-a-track": Break(
        (("write", "other/m9/module.yaml", "id: m9\n"),),
        "other/m9/module.yaml: error: is not inside a track: other/ has no track.yaml",
    ),
    # Terminology
    "terminology-in-lesson-body": Break(
        (
            (
                "replace",
                LESSON_2,
                "Safety comes first",
                "Child Pornography is not a term we use; safety comes first",
            ),
        ),
        f"{LESSON_2}:9: error: 'Child Pornography': use 'child sexual abuse material (CSAM)' "
        "(allowed only inside the name of a statute, case, programme or cited publication; "
        "if so, add '<!-- term-ok: <reason> -->')",
    ),
    "terminology-across-a-line-break": Break(
        (
            (
                "replace",
                LESSON_2,
                "Safety comes first, physical",
                "Say CSAM, not child\nporn. Safety comes first, physical",
            ),
        ),
        f"{LESSON_2}:9: error: 'child porn': use 'child sexual abuse material (CSAM)'",
    ),
    "terminology-hyphenated": Break(
        (("replace", LESSON_2, "Safety comes first", "Kiddie-porn is a slur; safety comes first"),),
        f"{LESSON_2}:9: error: 'Kiddie-porn': use",
    ),
    "terminology-plural": Break(
        (("replace", LESSON_2, "Safety comes first", "Kiddie porns are not; safety comes first"),),
        f"{LESSON_2}:9: error: 'Kiddie porns': use",
    ),
    "terminology-in-lesson-title": Break(
        (("replace", LESSON_2, "title: Safety and choice", "title: Child porn and choice"),),
        f"{LESSON_2}:3: error: 'Child porn': use",
    ),
    "terminology-in-module-title": Break(
        (
            (
                "replace",
                MODULE,
                "title: Trauma-informed foundations",
                "title: Child pornography foundations",
            ),
        ),
        f"{MODULE}:2: error: 'Child pornography': use",
    ),
    "terminology-in-content-note": Break(
        (
            (
                "replace",
                MODULE,
                "It does not describe abuse.",
                "It does not use the term child pornography.",
            ),
        ),
        f"{MODULE}:12: error: 'child pornography': use",
    ),
    "terminology-in-an-objective": Break(
        (("replace", MODULE, "recognise common responses", "recognise child porn responses"),),
        f"{MODULE}:10: error: 'child porn': use",
    ),
    "terminology-file-missing": Break(
        (("delete", "terminology.yaml"),), "terminology.yaml: error: is missing"
    ),
    "terminology-file-malformed": Break(
        (("replace", "terminology.yaml", '    use: "child sexual abuse material (CSAM)"\n', ""),),
        "terminology.yaml:2: error: term 1: the required field 'use' is missing",
    ),
    # Prose rules (curriculum/lesson_rules.py)
    "heading-level-1": Break(
        (("replace", LESSON, "## Further reading", "# Further reading"),),
        f"{LESSON}:21: error: heading 'Further reading' is level 1",
    ),
    "heading-skips-a-level": Break(
        (("replace", LESSON, "## Further reading", "#### Further reading"),),
        f"{LESSON}:21: error: heading 'Further reading' jumps from level 2 to 4: use ###",
    ),
    "image-without-alt": Break(
        (("replace", LESSON, "See [the SAMHSA site]", "![](chart.png) See [the SAMHSA site]"),),
        f"{LESSON}:23: error: the image 'chart.png' has no alt text",
    ),
    "html-image-without-alt": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                '<img src="chart.png"> See [the SAMHSA site]',
            ),
        ),
        f"{LESSON}:23: error: an <img> has no alt text",
    ),
    "link-to-a-missing-module": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                "See [module C9](module:c9) and [the SAMHSA site]",
            ),
        ),
        f"{LESSON}:23: error: links to module 'c9', which does not exist",
    ),
    "link-to-a-missing-lesson": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                "See [it](lesson:c1-gone) and [the SAMHSA site]",
            ),
        ),
        f"{LESSON}:23: error: links to lesson 'c1-gone', which does not exist",
    ),
    "link-to-a-missing-heading": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                "See [above](#event) and [the SAMHSA site]",
            ),
        ),
        f"{LESSON}:23: error: links to '#event', which is not a heading of this lesson",
    ),
    "statistic-without-citation": Break(
        (
            (
                "replace",
                LESSON,
                "Some memory research",
                "In one survey 70% said so. Some memory research",
            ),
        ),
        f"{LESSON}:19: error: '70%' is a statistic without a citation in its sentence",
    ),
    "statistic-one-in-n-without-citation": Break(
        (
            (
                "replace",
                LESSON,
                "Some memory research",
                "About one in five said so[^R1]. Then one in three did. Some memory research",
            ),
        ),
        f"{LESSON}:19: error: 'one in three' is a statistic without a citation",
    ),
    "statistic-times-more-without-citation": Break(
        (
            (
                "replace",
                LESSON,
                "Some memory research",
                "It was three times more common. Some memory research",
            ),
        ),
        f"{LESSON}:19: error: 'three times more' is a statistic without a citation",
    ),
    "law-without-a-jurisdiction-label": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                "Under 18 U.S.C. 3771 victims have rights. See [the SAMHSA site]",
            ),
        ),
        f"{LESSON}:23: error: '18 U.S.C.' is law or procedure: label the section",
    ),
    "case-name-without-a-jurisdiction-label": Break(
        (
            (
                "replace",
                LESSON,
                "See [the SAMHSA site]",
                "Paroline v. United States set a rule. See [the SAMHSA site]",
            ),
        ),
        f"{LESSON}:23: error: 'Paroline v. Un' is law or procedure",
    ),
    "jurisdiction-label-unknown": Break(
        (
            (
                "replace",
                LESSON,
                "## Further reading\n",
                "## Further reading\n\n[[jurisdiction: atlantis]]\n",
            ),
        ),
        f"{LESSON}:23: error: unknown jurisdiction 'atlantis'",
    ),
    "jurisdiction-label-not-listed-by-the-module": Break(
        (
            (
                "replace",
                LESSON,
                "## Further reading\n",
                "## Further reading\n\n[[jurisdiction: us]]\n",
            ),
        ),
        f"{LESSON}:23: error: labels 'us', which core/c1/module.yaml does not list",
    ),
    "reflection-without-the-reminder": Break(
        (("replace", LESSON, " Do not write case or client details.", ""),),
        f"{LESSON}:29: error: the reflection prompt must remind the learner not to write case or client details",
    ),
    "reflection-missing": Break(
        (
            (
                "replace",
                LESSON,
                "## Reflection\n\nName one change to a routine task. Do not write case or client details.\n",
                "",
            ),
        ),
        f"{LESSON}: error: has no '## Reflection' section at its end",
    ),
    "key-points-missing": Break(
        (("replace", LESSON, "## Key points\n\n- Plan for what helps.\n\n", ""),),
        f"{LESSON}: error: has no '## Key points' section",
    ),
    "lesson-does-not-end-with-its-reflection": Break(
        (
            ("replace", LESSON, "## Further reading", "## Reflection-free"),
            (
                "replace",
                LESSON,
                "Name one change to a routine task. Do not write case or client details.\n",
                "Name one change. Do not write case or client details.\n\n## Afterword\n\nMore.\n",
            ),
        ),
        f"{LESSON}:29: error: a lesson ends with '## Key points' then '## Reflection'",
    ),
    "module-minutes-not-the-sum-of-its-lessons": Break(
        (("replace", MODULE, "minutes: 30", "minutes: 45"),),
        f"{MODULE}:5: error: minutes is 45, but the lessons' minutes add up to 30",
    ),
    "reading-grade-above-14": Break(
        (
            (
                "replace",
                LESSON,
                "Some memory research is contested",
                "Institutionalised organisational considerations notwithstanding, interdisciplinary epistemological disagreements regarding autobiographical memory reconsolidation characteristically necessitate methodologically sophisticated, multidimensional, comprehensively contextualised investigation, documentation and interpretation. Some memory research is contested",
            ),
        ),
        f"{LESSON}: error: Flesch-Kincaid grade",
    ),
    # Files no kind reads
    "unclaimed-file-warns": Break(
        (("write", "core/c1/notes.txt", "scratch\n"),),
        "core/c1/notes.txt: warning: no content kind reads this file",
    ),
}


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_reports_its_broken_copy_with_path_and_line(
    content: Path, edit: Edit, name: str
) -> None:
    case = BREAKS[name]
    apply(content, edit, case.edits)

    findings = lint(content)

    assert any(f.startswith(case.expected) for f in findings), "\n".join(findings)


def test_a_file_that_is_not_utf8_is_an_error_with_its_line(content: Path) -> None:
    (content / "law/track.yaml").write_bytes(b"id: legal\ntitle: Caf\xe9\n")

    assert "law/track.yaml:2: error: is not UTF-8 text" in lint(content)


def test_a_term_is_not_found_inside_a_longer_word(content: Path, edit: Edit) -> None:
    (content / "terminology.yaml").write_text(
        (content / "terminology.yaml").read_text()
        + '  - avoid: ["porn"]\n    use: "abuse material"\n'
    )
    edit(LESSON_2, "Safety comes first", "Pornographic is a different word; safety comes first")

    assert lint(content) == []


def test_a_term_inside_a_longer_term_is_reported_once(content: Path, edit: Edit) -> None:
    edit(
        LESSON_2,
        "Safety comes first",
        "Virtual child pornography is a legacy phrase; safety comes first",
    )

    [finding] = lint(content)

    assert finding.startswith(
        f"{LESSON_2}:9: error: 'Virtual child pornography': use 'computer-generated"
    )


# --- Terminology opt-outs and limits -----------------------------------------------------


def test_a_line_opts_out_of_the_terminology_check_with_a_reason(content: Path, edit: Edit) -> None:
    edit(
        LESSON_2,
        "Safety comes first",
        "The Child Pornography Survey of 1996 is a publication. <!-- term-ok: publication title -->\n\nSafety comes first",
    )

    assert lint(content) == []


def test_an_opt_out_without_a_reason_does_not_count(content: Path, edit: Edit) -> None:
    edit(
        LESSON_2,
        "Safety comes first",
        "The Child Pornography Survey. <!-- term-ok -->\n\nSafety comes first",
    )

    assert [f.split(": error: ")[0] for f in lint(content)] == [f"{LESSON_2}:9"]


def test_the_opt_out_covers_its_own_line_only(content: Path, edit: Edit) -> None:
    edit(
        LESSON_2,
        "Safety comes first",
        "The Child Pornography Survey. <!-- term-ok: publication title -->\nchild porn\n\nSafety comes first",
    )

    assert [f.split(": error: ")[0] for f in lint(content)] == [f"{LESSON_2}:10"]


def test_a_yaml_value_opts_out_with_a_comment(content: Path, edit: Edit) -> None:
    edit(
        MODULE,
        "  - recognise common responses to trauma",
        "  - name the Child Pornography Prevention Act  # term-ok: statute name",
    )

    assert lint(content) == []


def test_references_are_not_checked_for_terminology(content: Path, edit: Edit) -> None:
    # Cited titles keep their own words (R4 in CURRICULUM.md is such a title).
    edit(
        MODULE,
        'title: "The return of the repressed"',
        'title: "The complex experience of child pornography survivors"',
    )

    assert lint(content) == []


def test_a_term_checked_by_hand_is_a_warning_for_a_reviewer(content: Path, edit: Edit) -> None:
    (content / "terminology.yaml").write_text(
        (content / "terminology.yaml").read_text()
        + '  - avoid: ["willing participant"]\n'
        + '    use: "describe the abuse as abuse"\n'
        + "    allowed: >\n"
        + "      Never about a child; a reviewer judges other senses.\n"
        + "    check: manual\n"
    )
    edit(LESSON_2, "Safety comes first", "No child is a willing participant; safety comes first")

    result = lint_curriculum(root=content)

    assert result.errors == []
    assert [f.format() for f in result.warnings] == [
        f"{LESSON_2}:9: warning: 'willing participant': check this use by hand "
        "(see terminology.yaml:8); where it applies, use 'describe the abuse as abuse'; "
        "once judged fine, add '<!-- term-ok: <reason> -->'"
    ]


def test_a_term_checked_by_hand_is_silenced_by_its_opt_out(content: Path, edit: Edit) -> None:
    (content / "terminology.yaml").write_text(
        (content / "terminology.yaml").read_text()
        + '  - avoid: ["victim"]\n    use: "survivor or victim"\n    check: manual\n'
    )
    edit(
        LESSON_2,
        "Safety comes first",
        "The victim's right to review. <!-- term-ok: name of a right -->\n\nSafety comes first",
    )

    assert lint_curriculum(root=content).findings == ()


def test_citations_in_code_are_not_citations(content: Path, edit: Edit) -> None:
    edit(
        LESSON_2,
        "Safety comes first",
        "Write `a claim[^R9]` to cite.\n\n```\n[^R8]\n```\n\nSafety comes first",
    )

    assert lint(content) == []


# --- The command ------------------------------------------------------------------------


def test_lint_command_passes_with_warnings_only(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content / "README.md").write_text("For people.\n")

    call_command("lint_curriculum", path=content)

    out = capsys.readouterr().out
    assert f"{content.as_posix()}/README.md: warning: no content kind reads this file" in out
    assert "0 errors, 1 warning." in out


def test_lint_command_fails_with_exit_code_1_on_errors(
    content: Path, edit: Edit, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(MODULE, "minutes: 30", "minutes: 0")

    with pytest.raises(CommandError) as raised:
        call_command("lint_curriculum", path=content)

    assert raised.value.returncode == 1
    assert str(raised.value).endswith("1 error, 0 warnings.")
    assert f"{content.as_posix()}/{MODULE}:5: error: 'minutes' must be" in capsys.readouterr().err


def test_lint_command_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no content directory"):
        call_command("lint_curriculum", path=tmp_path / "nowhere")


def test_law_in_a_labelled_section_passes(content: Path, edit: Edit) -> None:
    edit(
        "law/l1/01-the-hearing.md",
        "Ask the witness what helps",
        "[[jurisdiction: england-wales]]\n\nUnder the Youth Justice and Criminal Evidence Act 1999, "
        "ask the witness what helps",
    )

    assert lint(content) == []


def test_a_label_under_a_heading_covers_its_subsections(content: Path, edit: Edit) -> None:
    edit(
        LESSON,
        "## Further reading\n",
        "## Further reading\n\n[[jurisdiction: intl]]\n\n### The convention\n\n"
        "The Lanzarote Convention binds its parties.\n\n",
    )

    assert lint(content) == []


def test_a_cited_statistic_and_internal_links_pass(content: Path, edit: Edit) -> None:
    edit(
        LESSON,
        "See [the SAMHSA site]",
        "About 70% said so.[^R1] See [the next lesson](lesson:c1-safety-and-choice), "
        "[module L1](module:l1), [above](#event-experience-effect) and [the SAMHSA site]",
    )

    assert lint(content) == []
