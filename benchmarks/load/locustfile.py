"""The load scenario: 200 AESH open their week and hand it in once, 20 coordinators browse.

Sessions are prepared by benchmarks/load/run.py (no login storm: the login rate limit
would rightly refuse 220 logins a minute from one address). Read by locust only.
"""

import itertools
import json
import os
import threading
from html.parser import HTMLParser

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["PIAL_LOAD_PLAN"]).read())  # noqa: SIM115
_aesh_sessions = iter(PLAN["aesh"])
_coordinator_sessions = itertools.cycle(PLAN["coordinators"])
_lock = threading.Lock()
WEEK_URL = f"/missions/heures/semaine/{PLAN['week_slug']}/"


class WeekForm(HTMLParser):
    """The fields of the form that holds the « transmettre » button, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = {"fields": [], "submit": False}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.current["fields"].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.current["fields"].append((a["name"], ""))
        elif tag == "button" and a.get("value") == "submit":
            self.current["submit"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        if tag == "textarea":
            self.textarea = None


def week_post(html: str) -> list[tuple[str, str]] | None:
    parser = WeekForm()
    parser.feed(html)
    form = next((f for f in parser.forms if f["submit"]), None)
    return None if form is None else [*form["fields"], ("action", "submit")]


class Aesh(HttpUser):
    weight = 10
    wait_time = between(2, 6)

    def on_start(self):
        with _lock:
            self.plan = next(_aesh_sessions)
        self.client.cookies.set("sessionid", self.plan["session"])
        self.handed_in = False

    @task(3)
    def my_week(self):
        response = self.client.get(WEEK_URL, name="AESH : ma semaine (heures)")
        if self.handed_in or response.status_code != 200:
            return
        data = week_post(response.text)
        if data is None:  # already handed in (a previous run), nothing to post
            self.handed_in = True
            return
        with self.client.post(WEEK_URL, data=data, name="AESH : transmettre la semaine",
                              catch_response=True) as posted:
            if posted.status_code == 200 and "transmise" in posted.text.lower():
                self.handed_in = True
                posted.success()
            else:
                posted.failure(f"transmission refusée ({posted.status_code})")

    @task(1)
    def my_timetable(self):
        self.client.get("/missions/moi/", name="AESH : mon emploi du temps")


class Coordinator(HttpUser):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        with _lock:
            self.client.cookies.set("sessionid", next(_coordinator_sessions))

    @task(3)
    def dashboard(self):
        self.client.get("/missions/", name="coordination : couverture et attente")

    @task(2)
    def queue(self):
        self.client.get("/missions/heures/validation/", name="coordination : heures à valider")

    @task(1)
    def aesh_list(self):
        self.client.get("/aesh/", name="coordination : AESH")

    @task(1)
    def students(self):
        self.client.get("/eleves/", name="coordination : élèves")

    @task(1)
    def report(self):
        self.client.get("/rapports/", name="coordination : rapport du pôle")
