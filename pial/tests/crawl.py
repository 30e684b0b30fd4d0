"""A crawl of the pages one person can reach, with the Django test client: what it shows.

`crawl(client)` starts from the home page and follows every same-site link the pages show, as
the logged-in person, and records for each page its forms and its links. A URL shape (digits
replaced, query values dropped) is fetched a few times only, so that a list of 200 students costs
a few pages, not 200. Only GET requests: nothing here submits a form.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Links the crawl does not follow, and why.
NOT_FOLLOWED = (
    "/static/",  # files, served by WhiteNoise in production
    "/comptes/logout/",  # would end the session the crawl walks with
    "/__debug__/",
)
ADMIN_RECORD = re.compile(r"^/admin/\w+/\w+/(\d+|add)/")
SUBMIT_TYPES = {"submit", "image"}
FIELD_TAGS = {"input", "select", "textarea"}
NOT_FIELDS = {"hidden", "submit", "image", "button", "reset"}


@dataclass
class Form:
    """One <form> of a page: its fields (by name) and whether a control submits it."""

    page: str
    ident: str
    method: str
    action: str
    fields: list[str] = field(default_factory=list)
    submits: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.page} formulaire {self.ident or '(sans id)'} ({self.method} {self.action or 'même page'})"


class _PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self._open: Form | None = None
        self._outside_submits: list[tuple[str, str]] = []  # (form id, control) of form="…" controls
        self._outside_fields: list[tuple[str, str]] = []
        self.icon_groups: list[str] = []  # DSFR button groups whose icon buttons lose their text
        self._groups: list[tuple[str, bool]] = []  # open <ul>/<div>: (tag, is icon-less btns group)
        self._btn_text: list | None = None
        self._in_main = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "main":
            self._in_main = True
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("ul", "div", "ol"):
            plain_group = "fr-btns-group" in classes and not any(c.startswith("fr-btns-group--icon-") for c in classes)
            self._groups.append((tag, plain_group))
        if tag in ("a", "button") and "fr-btn" in classes and any(c.startswith("fr-icon-") for c in classes) \
                and self._in_main and any(plain for _, plain in self._groups):
            self._btn_text = []
        if tag == "form":
            form = Form(page=self.page, ident=a.get("id", ""), method=(a.get("method") or "get").lower(),
                        action=a.get("action", ""))
            self.forms.append(form)
            if form.ident:
                self.by_id[form.ident] = form
            self._open = form
            return
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        is_submit = (tag == "button" and kind == "submit") or (tag == "input" and kind in SUBMIT_TYPES)
        is_field = tag in FIELD_TAGS and kind not in NOT_FIELDS
        name = a.get("name") or a.get("id") or tag
        owner = a.get("form")
        if owner:
            if is_submit:
                self._outside_submits.append((owner, name))
            elif is_field:
                self._outside_fields.append((owner, name))
        elif self._open is not None:
            if is_submit:
                self._open.submits.append(name)
            elif is_field:
                self._open.fields.append(name)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._btn_text is not None:
            self._btn_text.append(data)

    def handle_endtag(self, tag):
        if tag in ("a", "button") and self._btn_text is not None:
            text = " ".join("".join(self._btn_text).split())
            if text:
                self.icon_groups.append(text)
            self._btn_text = None
        if tag in ("ul", "div", "ol") and self._groups:
            self._groups.pop()
        if tag == "form":
            self._open = None
        if tag == "main":
            self._in_main = False

    def close(self):
        super().close()
        for owner, name in self._outside_submits:
            if owner in self.by_id:
                self.by_id[owner].submits.append(name)
        for owner, name in self._outside_fields:
            if owner in self.by_id:
                self.by_id[owner].fields.append(name)


def shape(url: str) -> str:
    """What makes two URLs the same page for the crawl: the path with numbers as N, the query's keys."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def same_site(base: str, href: str) -> str | None:
    """The site-relative URL of a link, or None for another site, a fragment, mailto: or a download of static files."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "webcal:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path.startswith(NOT_FOLLOWED):
        return None
    if parts.path.startswith("/admin/") and (parts.query or ADMIN_RECORD.match(parts.path)):
        return None  # Django's own sorting, filters, add and change forms: the admin's pages, not ours
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + ("?" + query if query else "")


@dataclass
class Visit:
    url: str
    status: int
    found_on: str
    forms: list[Form] = field(default_factory=list)
    icon_only: list[str] = field(default_factory=list)


@dataclass
class CrawlResult:
    visits: dict[str, Visit] = field(default_factory=dict)

    def refused(self) -> list[str]:
        """The links shown on a page that answer 403 or 404 to the person they were shown to."""
        return [f"{v.found_on} montre {v.url} → {v.status}" for v in self.visits.values()
                if v.status in (403, 404) and v.found_on]

    def forms_without_submit(self) -> list[str]:
        return [form.label + " : champs " + ", ".join(form.fields)
                for v in self.visits.values() for form in v.forms if form.fields and not form.submits]

    def forms(self) -> list[Form]:
        return [form for v in self.visits.values() for form in v.forms]


def crawl(client, starts=("/",), per_shape: int = 2, limit: int = 400) -> CrawlResult:
    """Follows the same-site links shown to the client's person, breadth first, from `starts`
    (the home page, and records in a state the first pages of a list may not show)."""
    result = CrawlResult()
    queue = deque((start, "") for start in starts)
    seen_shapes: dict[str, int] = {}
    queued = set(starts)
    while queue and len(result.visits) < limit:
        url, found_on = queue.popleft()
        key = shape(url)
        if seen_shapes.get(key, 0) >= (1 if url.startswith("/admin/") else per_shape):
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        response = client.get(url)
        visit = Visit(url=url, status=response.status_code, found_on=found_on)
        result.visits[url] = visit
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            parser = _PageParser(url)
            parser.feed(response.content.decode())
            parser.close()
            visit.forms = parser.forms
            visit.icon_only = parser.icon_groups
            targets = parser.links
        for href in targets:
            target = same_site(url, href)
            if target and target not in queued:
                queued.add(target)
                queue.append((target, url))
    return result
