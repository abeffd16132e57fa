"""The public pages and the site-wide frame every page wears, allauth's included:
landmarks, one <h1>, the skip link, the CSP, and specific errors next to fields."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "privacy"]
PAGES_WITHOUT_INLINE_STYLES = ["home", "privacy", "account_login", "account_signup"]
VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element"] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [*self.text_parts, *(child.text for child in self.children)]
        return " ".join(" ".join(parts).split())

    def iter(self) -> "list[Element]":
        found = [self]
        for child in self.children:
            found.extend(child.iter())
        return found


class TreeBuilder(HTMLParser):
    """Just enough of a DOM to ask questions about structure (stdlib only)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text_parts.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def find_all(root: Element, tag: str, **attrs: str) -> list[Element]:
    return [
        element
        for element in root.iter()
        if element.tag == tag and all(element.attrs.get(k) == v for k, v in attrs.items())
    ]


def by_id(root: Element, element_id: str) -> Element:
    matches = [element for element in root.iter() if element.attrs.get("id") == element_id]
    assert len(matches) == 1, f"expected one element with id={element_id!r}, found {len(matches)}"
    return matches[0]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders_for_anyone_with_one_h1_a_skip_link_and_a_language(
    client: Client, name: str
) -> None:
    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    page = parse(response.content.decode())
    assert len(find_all(page, "h1")) == 1
    assert find_all(page, "a", href="#main")[0].attrs["class"] == "skip-link"
    assert by_id(page, "main").tag == "main"
    assert find_all(page, "html")[0].attrs["lang"] == "en-gb"
    assert len(find_all(page, "header")) == 1
    assert len(find_all(page, "footer")) == 1
    for nav in find_all(page, "nav"):
        assert nav.attrs.get("aria-label") or nav.attrs.get("aria-labelledby")


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_sends_a_strict_csp_without_unsafe_inline(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    policy = response["Content-Security-Policy"]
    # Scripts come from the site itself; a nonce is added only for a page that uses one.
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("name", PAGES_WITHOUT_INLINE_STYLES)
def test_page_has_no_inline_style_attribute_and_runs_only_its_own_scripts(
    client: Client, name: str
) -> None:
    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'style="' not in html
    assert "<style" not in html
    assert_runs_only_its_own_scripts(response)


def test_htmx_is_configured_to_stay_inside_the_csp(client: Client) -> None:
    page = parse(client.get(reverse("home")).content.decode())

    config = find_all(page, "meta", name="htmx-config")[0].attrs["content"]
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_runs_no_query_for_an_anonymous_visitor(
    client: Client, django_assert_num_queries: object, name: str
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("other_users", [2, 20])
def test_public_page_query_count_is_fixed_for_a_signed_in_visitor(
    client: Client, django_assert_num_queries: object, settings: object, name: str, other_users: int
) -> None:
    UserFactory.create_batch(other_users)
    client.force_login(UserFactory())
    # The session and the user; the page itself reads nothing.
    with django_assert_num_queries(2):  # type: ignore[operator]
        response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK


def test_landing_page_offers_sign_up_and_sign_in_to_a_visitor(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html
    assert "draft" in html


def test_landing_page_offers_the_dashboard_to_a_signed_in_learner(user_client: Client) -> None:
    html = user_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("accounts:dashboard")}"' in html
    assert "Sign out" in html


@pytest.mark.parametrize("name", ["account_login", "account_signup"])
def test_allauth_page_wears_the_site_layout(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    page = parse(response.content.decode())
    assert find_all(page, "a", href="#main")[0].attrs["class"] == "skip-link"
    assert len(find_all(page, "h1")) == 1
    assert find_all(page, "link", rel="stylesheet")
    # Every visible input has a label pointing at it.
    labels = {label.attrs.get("for") for label in find_all(page, "label")}
    for control in find_all(page, "input"):
        if control.attrs.get("type") not in {"hidden", "submit"}:
            assert control.attrs["id"] in labels, control.attrs


def test_signup_with_mismatched_passwords_shows_a_specific_error_next_to_the_field(
    client: Client,
) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a different long passphrase",
        },
    )

    assert response.status_code == HTTPStatus.OK
    page = parse(response.content.decode())
    error = by_id(page, "id_password2_error")
    assert "You must type the same password each time." in error.text
    password2 = by_id(page, "id_password2")
    assert password2.attrs["aria-invalid"] == "true"
    assert "id_password2_error" in password2.attrs["aria-describedby"].split()
    # The field's own group holds the message, right by the input.
    group = next(el for el in page.iter() if password2 in el.children)
    assert error in group.children
    # The summary at the top links to the field.
    summary = find_all(page, "div", **{"class": "error-summary"})[0]
    assert find_all(summary, "a", href="#id_password2")
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_totp_code_input_takes_a_pasted_code_with_a_numeric_keyboard(client: Client) -> None:
    user = UserFactory(email="learner@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    # Setting up two-factor authentication asks for the password again first.
    reauthenticated = client.post(
        reverse("account_reauthenticate"), {"password": "correct horse battery staple"}
    )
    assert reauthenticated.status_code == HTTPStatus.FOUND

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == HTTPStatus.OK
    page = parse(response.content.decode())
    code = by_id(page, "id_code")
    assert code.attrs["inputmode"] == "numeric"
    assert code.attrs["autocomplete"] == "one-time-code"
    assert "onpaste" not in code.attrs
    assert find_all(page, "img", **{"class": "qr-code"})
    assert 'style="' not in response.content.decode()


def test_onboarding_errors_are_summarised_and_shown_by_each_field(client: Client) -> None:
    client.force_login(UserFactory(profile_completed_at=None, professional_role="", country=""))

    response = client.post(reverse("accounts:onboarding"), {"professional_role": "", "country": ""})

    page = parse(response.content.decode())
    assert "Choose the role closest to your work" in by_id(page, "id_professional_role_error").text
    assert "Choose the country where you work." in by_id(page, "id_country_error").text
    fieldset = find_all(page, "fieldset")[0]
    assert "id_professional_role_error" in fieldset.attrs["aria-describedby"]
    assert find_all(page, "legend")
    summary = find_all(page, "div", **{"class": "error-summary"})[0]
    assert find_all(summary, "a", href="#id_professional_role_0")
    assert find_all(summary, "a", href="#id_country")


def assert_wears_the_site_layout(response: object) -> None:
    """One <h1>, the skip link, no inline styles; scripts are nonced or our own static files."""
    html = response.content.decode()  # type: ignore[attr-defined]
    page = parse(html)
    assert len(find_all(page, "h1")) == 1
    assert find_all(page, "a", href="#main")[0].attrs["class"] == "skip-link"
    assert 'style="' not in html
    assert_runs_only_its_own_scripts(response)


def assert_runs_only_its_own_scripts(response: object) -> None:
    """Every script is one of our static files (script-src 'self') or carries this
    response's nonce; data blocks (type="application/json") are never executed."""
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    for script in find_all(parse(response.content.decode()), "script"):  # type: ignore[attr-defined]
        if script.attrs.get("type") == "application/json":
            continue
        if "src" in script.attrs:
            assert script.attrs["src"].startswith(django_settings.STATIC_URL), script.attrs
        else:
            assert f"'nonce-{script.attrs.get('nonce')}'" in policy, script.attrs


@pytest.mark.parametrize(
    ("script", "allowed"),
    [
        ('<script src="{static}js/reader.js" defer></script>', True),
        ('<script nonce="abc123">go()</script>', True),
        ('<script type="application/json">{{}}</script>', True),
        ("<script>go()</script>", False),
        ('<script nonce="forged">go()</script>', False),
        ('<script src="https://cdn.example.org/x.js"></script>', False),
    ],
)
def test_the_script_check_refuses_what_the_csp_would_block(script: str, allowed: bool) -> None:
    # The page tests above pass vacuously on a page with no scripts; this shows the check
    # itself has teeth.
    response = HttpResponse(
        f"<html><body>{script.format(static=django_settings.STATIC_URL)}</body></html>"
    )
    response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc123'"
    if allowed:
        assert_runs_only_its_own_scripts(response)
    else:
        with pytest.raises(AssertionError):
            assert_runs_only_its_own_scripts(response)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("account_reset_password", {}),
        ("account_reset_password_done", {}),
        ("account_email_verification_sent", {}),
        ("account_confirm_email", {"key": "not-a-real-key"}),
        ("account_reset_password_from_key", {"uidb36": "x", "key": "not-a-real-key"}),
    ],
)
def test_allauth_page_for_visitors_wears_the_site_layout(
    client: Client, name: str, kwargs: dict[str, str]
) -> None:
    response = client.get(reverse(name, kwargs=kwargs), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(response)


@pytest.fixture
def reauthenticated_client(client: Client) -> Client:
    user = UserFactory(email="settled@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": "correct horse battery staple"})
    return client


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "account_logout",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "usersessions_list",
    ],
)
def test_allauth_account_page_wears_the_site_layout(
    reauthenticated_client: Client, name: str
) -> None:
    response = reauthenticated_client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(response)
    assert f'href="{reverse("accounts:settings")}"' in response.content.decode()


def test_two_factor_pages_of_a_protected_account_wear_the_site_layout(client: Client) -> None:
    user = UserFactory(email="protected@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)

    # Signing in stops at the code prompt: numeric keyboard, autofill, paste allowed.
    client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery staple"}
    )
    prompt = client.get(reverse("mfa_authenticate"))
    assert prompt.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(prompt)
    code = by_id(parse(prompt.content.decode()), "id_code")
    assert (code.attrs["inputmode"], code.attrs["autocomplete"]) == ("numeric", "one-time-code")

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    page = parse(wrong.content.decode())
    assert "Incorrect code." in by_id(page, "id_code_error").text
    assert by_id(page, "id_code").attrs["aria-invalid"] == "true"
    assert by_id(page, "id_code").attrs["aria-describedby"].split() == [
        "id_code_helptext",
        "id_code_error",
    ]
    assert "recovery codes" in by_id(page, "id_code_helptext").text

    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": "correct horse battery staple"})
    for name in [
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.OK, name
        assert_wears_the_site_layout(response)


def test_email_change_page_keeps_to_the_csp_and_shows_errors_by_the_field(
    reauthenticated_client: Client,
) -> None:
    user = User.objects.get(email="settled@example.org")
    EmailAddress.objects.create(user=user, email="pending@example.org", verified=False)

    page_html = reauthenticated_client.get(reverse("account_email")).content.decode()
    assert 'style="' not in page_html
    assert by_id(parse(page_html), "pending-email").attrs.get("hidden") is not None

    response = reauthenticated_client.post(
        reverse("account_email"), {"action_add": "", "email": "not an address"}
    )
    page = parse(response.content.decode())
    assert by_id(page, "id_email_error").text
    assert by_id(page, "id_email").attrs["aria-invalid"] == "true"
    assert find_all(page, "div", **{"class": "error-summary"})
