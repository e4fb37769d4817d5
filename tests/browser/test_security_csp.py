"""The Content-Security-Policy (no inline script or style) breaks nothing a browser shows: the
public pages reachable from the home page and the admin, its history pages included, run without a
single CSP violation or script error in Chromium's console."""

import secrets
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

pytestmark = pytest.mark.django_db(transaction=True)

MAX_PUBLIC_PAGES = 40


class Console:
    """Collects what the browser reports: CSP violations, other console errors, script errors."""

    def __init__(self, page):
        self.problems = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{self.url}: script error: {error}"))
        self.page = page
        self.url = None

    def on_console(self, message):
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # browsers ask for it unprompted; the site has none
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"{self.url}: {message.type}: {message.text}")

    def visit(self, url):
        self.url = url
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        assert response.status < 500, url
        assert "unsafe-inline" not in response.headers["content-security-policy"], url
        return response


def test_the_public_pages_run_under_the_policy(initiative, institution, source, country, page):
    """A crawl from the home page, over published records of several kinds."""
    console = Console(page)
    seen, queue = set(), ["/"]
    while queue and len(seen) < MAX_PUBLIC_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        answer = page.request.get(url)
        assert answer.status < 500, url
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # a download (the CSV): no page to run
        console.visit(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(page.url, href))
            local = target.path + (f"?{target.query}" if target.query else "")
            same_site = target.netloc == urlsplit(page.url).netloc
            if same_site and not target.path.startswith(("/admin", "/static")) and local not in seen:
                queue.append(local)
    assert console.problems == []


def history_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "programs" and isinstance(model_admin, SimpleHistoryAdmin)
    ]


def test_the_admin_runs_under_the_policy(initiative, institution, source, country, page, screenshot):
    password = secrets.token_urlsafe(16)
    owner = get_user_model().objects.create_superuser("owner", password=password)
    console = Console(page)

    console.visit("/admin/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    screenshot("admin-index")

    # The built-in pages with the most script: a change form with selector widgets, its history.
    console.visit(f"/admin/auth/user/{owner.pk}/change/")
    console.visit(f"/admin/auth/user/{owner.pk}/history/")
    console.visit("/admin/auth/group/add/")

    # Every curated model: list, add form, a change form and its django-simple-history pages.
    for model, _model_admin in history_admins():
        info = model._meta.app_label, model._meta.model_name
        console.visit(f"/admin/{info[0]}/{info[1]}/")
        console.visit(f"/admin/{info[0]}/{info[1]}/add/")
        record = model._default_manager.first()
        if record is None:
            continue
        console.visit(f"/admin/{info[0]}/{info[1]}/{record.pk}/change/")
        console.visit(f"/admin/{info[0]}/{info[1]}/{record.pk}/history/")
        entry = record.history.first()
        if entry is not None:
            console.visit(f"/admin/{info[0]}/{info[1]}/{record.pk}/history/{entry.history_id}/")
    screenshot("last-admin-page")
    assert console.problems == []
