"""Drives the web console of a running `frontdesk serve --demo` with headless Chromium (Selenium).

Signs in with the owner's one-time link that `serve --demo` prints; turns a capability off and checks `frontdesk
plugins list` agrees; saves a bad setting and sees the schema's message; takes over a conversation, replies, and
finds the reply in the outbox on the client's channel; imports a CSV with one bad row (nothing committed), then a
good one (committed). Every page gets a screenshot (artifacts/screenshots/console-*.png) and an axe-core check
(axe-selenium-python) that must find no serious or critical violation. Exits non-zero on the first failed check.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ALICE = "+15550101001"


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)


class Frontdesk:
    def __init__(self, binary, db, base_url):
        self.binary, self.db = binary, db
        self.env = dict(os.environ, FRONTDESK_BASE_URL=base_url)

    def run(self, *args):
        done = subprocess.run([self.binary, *args, "--db", self.db], env=self.env, capture_output=True, text=True,
                              timeout=60)
        if done.returncode != 0:
            raise CheckFailed(f"frontdesk {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def plugin_line(self, plugin):
        for line in self.run("plugins", "list", "--business", "demo").splitlines():
            if line.split()[0] == plugin:
                return line
        raise CheckFailed(f"plugins list has no {plugin}")

    def rows(self, table):
        match = re.search(rf"^\s*{table}\s+(\d+)", self.run("db", "status"), re.M)
        check(match, f"db status does not count {table}")
        return int(match.group(1))


class Browser:
    def __init__(self, screenshots, profile):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1100",
                     f"--user-data-dir={profile}", "--lang=en-US"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        self.screenshots = screenshots
        self.checked = []

    def open(self, url):
        self.driver.get(url)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def title(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def expect(self, *needles):
        body = self.text()
        for needle in needles:
            check(needle in body, f"page {self.title()!r} should contain {needle!r}; it shows:\n{body}")

    def page(self, name):
        """Screenshot and accessibility check of the page as it is now."""
        path = os.path.join(self.screenshots, f"console-{name}.png")
        check(self.driver.save_screenshot(path), f"screenshot {path} was not written")
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        details = "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                            for v in bad)
        check(not bad, f"axe found serious or critical violations on {name}: {details}")
        self.checked.append((name, len(results["violations"])))

    def click(self, css):
        """Clicks a button and waits for the next page: click() returns before the navigation."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        wait = WebDriverWait(self.driver, 30)
        wait.until(expected_conditions.staleness_of(old))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def fill(self, css, value):
        element = self.driver.find_element(By.CSS_SELECTOR, css)
        element.clear()
        element.send_keys(value)

    def quit(self):
        self.driver.quit()


def sign_in(browser, base_url, link):
    browser.open(base_url + "/admin")
    check(browser.title() == "Sign in", f"/admin shows {browser.title()!r}")
    browser.page("signin")
    browser.open(link)
    browser.expect("Sign in to the Maple Street Studio console as Olivia Owner")
    browser.page("signin-link")
    browser.click("main form button")
    check(browser.title() == "Overview", f"after signing in the page is {browser.title()!r}")
    browser.expect("Olivia Owner (owner)", "Waiting for a person", "What clients asked for")
    browser.page("overview")


def capabilities(fd, browser, base_url):
    check("enabled" in fd.plugin_line("invoices").split()[1], "invoices is not enabled to begin with")
    browser.open(base_url + "/admin/capabilities")
    browser.page("capabilities")
    browser.click("section#invoices form[action$='/disable'] button")
    browser.expect("Invoices and receipts: saved.")
    line = fd.plugin_line("invoices")
    check(line.split()[1] == "disabled", f"after turning invoices off, plugins list says: {line}")
    browser.fill("#handoff-response_hours", "500")
    browser.click("section#handoff form[action$='/settings'] button")
    browser.expect("Nothing was saved", "response_hours must be at most 168")
    check(browser.driver.find_element(By.ID, "handoff-response_hours").get_attribute("aria-invalid") == "true",
          "the refused field is not marked invalid")
    browser.driver.execute_script("document.getElementById('handoff').scrollIntoView()")
    browser.page("capabilities-error")
    line = fd.plugin_line("handoff")
    check("response_hours=24" in line, f"a refused setting was saved: {line}")


def takeover(fd, browser, base_url):
    fd.run("say", "--business", "demo", "--from", ALICE, "I want to talk to a person")
    browser.open(base_url + "/admin/conversations?needs=1")
    browser.expect("Alice Johnson", "Needs a person")
    browser.page("conversations")
    browser.driver.find_element(By.LINK_TEXT, "Alice Johnson").click()
    WebDriverWait(browser.driver, 30).until(lambda d: "Conversation with" in d.find_element(By.TAG_NAME, "h1").text)
    browser.expect("I want to talk to a person", "The bot answers")
    browser.click("main form[action$='/take'] button")
    browser.expect("Taken by Olivia Owner")
    fd.run("say", "--business", "demo", "--from", ALICE, "hello? is anyone there?")
    before = fd.run("outbox", "list", "--limit", "500").count(ALICE)
    browser.open(browser.driver.current_url)
    browser.expect("hello? is anyone there?")
    browser.fill("#text", "Hi Alice, Olivia here. I'll sort it out today.")
    browser.click("main form[action$='/reply'] button")
    browser.expect("Your reply is in the outbox.", "Hi Alice, Olivia here.")
    browser.page("thread")
    listed = fd.run("outbox", "list", "--limit", "500")
    check(listed.count(ALICE) == before + 1, f"the reply is not in the outbox for {ALICE}:\n{listed}")
    newest = listed.splitlines()[0].split("\t")
    check(newest[2] == "sms" and newest[3] == ALICE and newest[1] == "pending",
          f"the newest outbox item is not a pending SMS to Alice: {newest}")
    browser.open(base_url + "/admin/outbox")
    browser.expect(f"sms: {ALICE}")
    browser.page("outbox")


def write_csv(rows):
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    handle.write("first_name,last_name,phone,email,language,sms_consent,email_consent\n" + "".join(rows))
    handle.close()
    return handle.name


def clients(fd, browser, base_url):
    browser.open(base_url + "/admin/clients")
    browser.page("clients")
    before = fd.rows("clients")
    bad = write_csv(["Nora,Night,+1 555 010 9001,nora@example.net,fr,yes,no\n",
                     "Omar,Ode,not a number,omar@example.net,,yes,no\n"])
    browser.driver.find_element(By.ID, "file").send_keys(bad)
    browser.click("main form[action='/admin/clients/import'] button")
    browser.expect("2 rows, 1 with problems: nothing will be imported", 'phone "not a number" is not a phone number')
    check(not browser.driver.find_elements(By.CSS_SELECTOR, "form[action='/admin/clients/import/commit']"),
          "a file with a bad row can be committed")
    browser.page("import-bad")
    check(fd.rows("clients") == before, "a file with a bad row changed the clients")
    good = write_csv(["Nora,Night,+1 555 010 9001,nora@example.net,fr,yes,no\n",
                      "Omar,Ode,+1 555 010 9002,omar@example.net,,no,yes\n"])
    browser.open(base_url + "/admin/clients")
    browser.driver.find_element(By.ID, "file").send_keys(good)
    browser.click("main form[action='/admin/clients/import'] button")
    browser.expect("2 rows, all good")
    browser.page("import-preview")
    check(fd.rows("clients") == before, "the preview wrote clients")
    browser.click("form[action='/admin/clients/import/commit'] button")
    browser.expect("Imported 2 clients.", "Nora Night", "Omar Ode")
    check(fd.rows("clients") == before + 2, "the good file was not committed")
    os.unlink(bad)
    os.unlink(good)
    browser.driver.find_element(By.LINK_TEXT, "Alice Johnson").click()
    WebDriverWait(browser.driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Alice Johnson")
    browser.expect("Unlimited Yoga", "INV-")
    browser.page("client")
    browser.driver.find_element(By.LINK_TEXT, "Erase this client…").click()
    WebDriverWait(browser.driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Erase a client")
    browser.page("erase")


def the_rest(browser, base_url):
    browser.open(base_url + "/admin/audit?action=conversation.reply")
    browser.expect("conversation.reply")
    browser.page("audit")
    browser.open(base_url + "/admin/notices")
    browser.expect("Notices")
    browser.page("notices")
    browser.open(base_url + "/admin/mail")
    browser.expect("Demo mode")
    browser.page("mail")
    browser.open(base_url + "/admin/overview")
    browser.expect("handoff", "pending")
    browser.page("overview")
    browser.click("header form button")
    check(browser.title() == "Sign in", f"after signing out the page is {browser.title()!r}")
    browser.open(base_url + "/admin/overview")
    check(browser.title() == "Sign in", "the signed-out session still opens the overview")


def main():
    parser = argparse.ArgumentParser()
    for name in ("frontdesk", "db", "base-url", "screenshots", "profile", "sign-in-link"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    fd = Frontdesk(args.frontdesk, args.db, args.base_url)
    browser = Browser(args.screenshots, args.profile)
    try:
        sign_in(browser, args.base_url, args.sign_in_link)
        capabilities(fd, browser, args.base_url)
        takeover(fd, browser, args.base_url)
        clients(fd, browser, args.base_url)
        the_rest(browser, args.base_url)
    except (CheckFailed, WebDriverException) as error:
        print(f"console_test: {error}", file=sys.stderr)
        try:
            browser.driver.save_screenshot(os.path.join(args.screenshots, "console-failure.png"))
        except WebDriverException:
            pass
        return 1
    finally:
        browser.quit()
    for name, minor in browser.checked:
        print(f"console_test: {name}: screenshot, axe ok ({minor} moderate or minor findings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
