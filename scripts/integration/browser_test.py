"""Drives every one-time link page of a running `frontdesk serve --demo` with headless Chromium (Selenium), saves a
screenshot of each and checks each with axe-core (`axe-selenium-python`): any serious or critical violation fails.

Links are issued with `frontdesk say --json` against the server's own database (SQLite WAL allows a second
process). Ben (+15550101002) updates his card (his card on file ends in 5454, so a card ending in 4242 afterwards
can only come from the card form), cancels, reads an invoice and downloads his data; Alice changes her details;
Rosa, who writes Spanish, gets the details page in Spanish; Katie takes the save offer on her cancellation page;
Daniel pays an overdue invoice; Paul's expired card is declined; Grace rejoins. A link the server already sent (an
approved data export) is read from the outbox, where it waits because the demo has no email sender, and an expired
link is made by moving one link's expiry into the past (the test cannot wait 30 minutes). Exits non-zero with a
message on the first failed check.
"""

import argparse
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ALICE = "+15550101001"
BEN = "+15550101002"
DANIEL = "+15550101004"
GRACE = "+15550101007"
KATIE = "+15550101011"
PAUL = "+15550101016"
ROSA = "+15550101017"
BUSINESS_NAME = "Maple Street Studio"
# axe-core impacts that fail the test.
BLOCKING = ("serious", "critical")


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
        done = subprocess.run(
            [self.binary, *args, "--db", self.db], env=self.env, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise CheckFailed(f"frontdesk {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def say(self, text, sender=BEN):
        return json.loads(self.run("say", "--business", "demo", "--from", sender, "--json", text))

    def settings(self, plugin, *pairs):
        self.run("plugins", "set", plugin, *pairs, "--business", "demo")

    def sql(self, statement, *args):
        """A statement on the server's database (the outbox, a link's expiry): only what a person could not do."""
        with sqlite3.connect(self.db, timeout=30) as db:
            return db.execute(statement, args).fetchall()


def http_status(url):
    """The status of a plain GET (Selenium cannot see it). GET never consumes a link."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Browser:
    def __init__(self, screenshots, profile):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,1000",
                     f"--user-data-dir={profile}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        self.screenshots = screenshots
        self.saved = []
        self.audited = []

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

    def shot(self, name, audit=True):
        """Saves a screenshot of the page, then checks it with axe-core (WCAG 2.x A and AA rules and best practices).
        A serious or critical violation fails the test, named with its rule and the elements it found."""
        path = os.path.join(self.screenshots, f"{name}.png")
        check(self.driver.save_screenshot(path), f"screenshot {path} was not written")
        self.saved.append(path)
        if audit:
            self.accessible(name)

    def accessible(self, name):
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING]
        check(not blocking, f"page {name} ({self.title()!r}) has accessibility violations:\n" + axe.report(blocking))
        self.audited.append((name, len(results["passes"]), len(results["violations"])))

    def fill(self, field, value):
        element = self.driver.find_element(By.NAME, field)
        element.clear()
        element.send_keys(value)

    def submit(self, label=None):
        """Clicks the form's (first, or labelled) button and waits for the next page: click() returns before the
        navigation."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "form button[type=submit]")
        check(buttons, f"page {self.title()!r} has no button")
        chosen = [b for b in buttons if label is None or b.text == label]
        check(chosen, f"no button {label!r} on {self.title()!r}: {[b.text for b in buttons]}")
        chosen[0].click()
        wait = WebDriverWait(self.driver, 30)
        wait.until(expected_conditions.staleness_of(old))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def quit(self):
        self.driver.quit()


def one_link(reply, action):
    links = [link for link in reply["links"] if link["action"] == action]
    check(links, f"expected a {action} link, got {json.dumps(reply)}")
    return links[0]["url"]


def card_update(fd, browser, base_url):
    reply = fd.say("new card")
    check(reply["intent"] == "payment_method.update", f"'new card' gave {reply['intent']}")
    url = one_link(reply, "payment_method.update")
    check(url.startswith(base_url + "/l/"), f"link {url} is not on the configured base URL {base_url}")

    browser.open(url)
    check(browser.title() == "Update your card", f"card page title is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "Hi Ben", "Massage Club membership ($89.00/month)",
                   "Current card: Mastercard •••• 5454", "This link works once")
    browser.shot("01-card-form")
    # Opening the page again (a mail scanner, a second tab) must not spend the link.
    browser.open(url)
    check(browser.title() == "Update your card", "a second GET of the card link did not show the form again")

    year = datetime.date.today().year + 3
    # The published "generic decline" test card: refused before the token is spent, so the same link still works.
    browser.fill("number", "4000 0000 0000 0002")
    browser.fill("exp_month", "12")
    browser.fill("exp_year", str(year))
    browser.fill("cvc", "123")
    browser.submit()
    check(browser.title() == "Update your card", f"after a declined card the page is {browser.title()!r}")
    browser.expect("The card was declined.", "Current card: Mastercard •••• 5454")
    check(browser.driver.find_element(By.NAME, "number").get_attribute("value") == ""
          and "4000000000000002" not in browser.driver.page_source, "the declined card number is echoed back")
    browser.shot("02-card-declined")

    browser.fill("number", "4242 4242 4242 4242")
    browser.fill("exp_month", "12")
    browser.fill("exp_year", str(year))
    browser.fill("cvc", "123")
    browser.submit()
    check(browser.title() == "Card updated", f"after submitting the card the page is {browser.title()!r}:\n"
          + browser.text())
    browser.expect(BUSINESS_NAME, "Thanks, Ben", "Visa ending in 4242", f"12/{year}", "is now the card on file")
    check("4242 4242 4242 4242" not in browser.driver.page_source
          and "4242424242424242" not in browser.driver.page_source, "the card number is echoed back")
    browser.shot("03-card-done")

    browser.open(url)
    check(browser.title() == "This link has already been used", f"reopened card link shows {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "To get a new link, reply to our last message")
    browser.shot("04-card-used")
    status = http_status(url)
    check(status == 410, f"GET of a used link answered {status}, expected 410")

    billing = fd.say("when is my next billing date?")
    text = billing["reply"] or ""
    check("4242" in text and "5454" not in text, f"card on file after the update is not the 4242 one: {text!r}")
    return text


def cancellation(fd, browser):
    fd.run("plugins", "set", "cancel", "allowed=true", "confirm=link", "--business", "demo")
    reply = fd.say("cancel membership")
    check(reply["intent"] == "membership.cancel", f"'cancel membership' gave {reply['intent']}")
    url = one_link(reply, "membership.cancel")
    browser.open(url)
    check(browser.title() == "Cancel your membership", f"cancel page title is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "Hi Ben", "Massage Club", "$89.00/month", "stays active until",
                   "Nothing changes until you press the button")
    browser.shot("05-cancel-form")
    end = browser.driver.find_elements(By.CSS_SELECTOR, "main p strong")[-1].text
    check(end in (reply["reply"] or ""), f"the page's end date {end!r} differs from the message's: {reply['reply']!r}")

    browser.fill("reason", "Moving to another city")
    browser.submit()
    check(browser.title() == "Membership cancelled", f"after cancelling the page is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, f"will end on {end}", "You will not be charged again")
    browser.shot("06-cancel-done")


def invoice(fd, browser):
    reply = fd.say("please send me my invoices")
    check(reply["intent"] == "invoices.list", f"'please send me my invoices' gave {reply['intent']}")
    url = one_link(reply, "invoice.view")
    browser.open(url)
    check(browser.title() == "Your invoice", f"invoice page title is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "INV-", "$89.00", "paid")
    number = browser.driver.find_element(By.CSS_SELECTOR, "main p strong").text
    check(number in (reply["reply"] or ""), f"invoice {number} is not the one in the message")
    browser.shot("07-invoice-page")

    browser.submit()
    check(browser.title() == f"Invoice {number}", f"the printable invoice page is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "Ben Carter", "$89.00", "Print")
    browser.shot("08-invoice-printable")


def save_offer(fd, browser):
    """Katie's cancellation page offers a pause as a button just like the cancel button; she takes it."""
    fd.settings("cancel", "allowed=true", "confirm=link", "save_offer=pause")
    reply = fd.say("please cancel my membership", KATIE)
    url = one_link(reply, "membership.cancel")
    browser.open(url)
    check(browser.title() == "Cancel your membership", f"cancel page title is {browser.title()!r}")
    buttons = browser.driver.find_elements(By.CSS_SELECTOR, "form .buttons button[type=submit]")
    check([b.text for b in buttons][:1] == ["Cancel my membership"] and len(buttons) == 2
          and buttons[1].text.startswith("Pause until "), f"the two buttons are {[b.text for b in buttons]}")
    sizes = [(b.size["height"], b.value_of_css_property("background-color"), b.value_of_css_property("font-size"))
             for b in buttons]
    check(sizes[0] == sizes[1], f"cancelling and the offer must be equally easy to press: {sizes}")
    browser.expect("Would you rather take a break?")
    browser.shot("09-cancel-with-offer")
    browser.submit(buttons[1].text)
    check(browser.title() == "Membership paused", f"after the offer the page is {browser.title()!r}")
    browser.expect("not cancelled")
    browser.shot("10-offer-paused")
    fd.settings("cancel", "save_offer=none")


def profile(fd, browser):
    """Alice changes her name and postal address on the details page; a missing first name is asked again."""
    reply = fd.say("I moved, please update my address", ALICE)
    check(reply["intent"] == "profile.update", f"'update my address' gave {reply['intent']}")
    url = one_link(reply, "profile.edit")
    browser.open(url)
    check(browser.title() == "Update your details", f"details page title is {browser.title()!r}")
    browser.expect("Hi Alice", "To change your email or phone")
    check(browser.driver.find_element(By.NAME, "postal_address").get_attribute("value").startswith("12 Maple Street"),
          "the postal address on file is shown")
    browser.shot("11-profile-form")
    # Spaces pass the browser's own check of a required field; the server trims them and asks again.
    browser.fill("first_name", "   ")
    browser.submit()
    browser.expect("Please enter your first name.")
    browser.shot("12-profile-error")
    browser.fill("first_name", "Alice")
    browser.fill("last_name", "Smith")
    browser.fill("postal_address", "7 Birch Lane\nSpringfield, IL 62704")
    browser.submit()
    check(browser.title() == "Details updated", f"after saving the page is {browser.title()!r}")
    browser.shot("13-profile-done")
    status = fd.say("when is my next billing date?", ALICE)["reply"] or ""
    check("Hi Alice" in status, f"the client is still Alice: {status!r}")
    # A client who writes Spanish gets the page in Spanish, and says so (lang="es").
    reply = fd.say("me mudé, quiero cambiar mi dirección postal", ROSA)
    browser.open(one_link(reply, "profile.edit"))
    check(browser.title() == "Actualiza tus datos", f"the Spanish details page is {browser.title()!r}")
    lang = browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    check(lang == "es", f"the Spanish page's lang is {lang!r}")
    browser.expect("Hola Rosa", "Dirección postal (opcional)")
    browser.shot("24-profile-es")


def retry(fd, browser):
    """Daniel's overdue invoice: the page names the card, then charges it once."""
    reply = fd.say("when is my next billing date?", DANIEL)
    url = one_link(reply, "invoice.retry")
    browser.open(url)
    check(browser.title() == "Retry a payment", f"retry page title is {browser.title()!r}")
    browser.expect("Pressing the button charges $39.00 to your Mastercard")
    browser.shot("14-retry")
    browser.submit()
    check(browser.title() == "Payment received", f"after paying the page is {browser.title()!r}")
    browser.shot("15-retry-paid")


def expired_card(fd, browser):
    """Paul's card expired: the retry page says so and charges nothing; its button leads to the card page."""
    reply = fd.say("please send me my invoices", PAUL)
    url = one_link(reply, "invoice.retry")
    browser.open(url)
    browser.expect("has expired, so it cannot be charged")
    browser.shot("16-retry-expired-card")
    browser.submit()
    check(browser.title() == "Update your card", f"the expired card's button leads to {browser.title()!r}")
    browser.expect("Hi Paul")
    browser.shot("17-card-form-owed")


def rejoin(fd, browser):
    """Grace, cancelled, rejoins on the page where the business allows it."""
    fd.settings("lifecycle", "rejoin=link")
    reply = fd.say("I'd like to rejoin", GRACE)
    url = one_link(reply, "membership.rejoin")
    browser.open(url)
    check(browser.title() == "Rejoin Class Pack 10", f"rejoin page title is {browser.title()!r}")
    browser.shot("18-rejoin")
    browser.submit()
    check(browser.title() == "Welcome back", f"after rejoining the page is {browser.title()!r}")
    browser.shot("19-rejoined")


def privacy_export(fd, browser):
    """Ben asks for a copy of his data; an owner approves; the link goes to his email (read from the outbox)."""
    reply = fd.say("please send me a copy of the personal data you hold about me")
    check(reply["intent"] == "privacy", f"the data request gave {reply['intent']}")
    requests = json.loads(fd.run("privacy", "list", "--status", "pending", "--json", "--business", "demo"))["requests"]
    check(requests, "the data request was not recorded")
    fd.run("privacy", "approve", str(requests[0]["id"]), "--by", "owner@maple-studio.example")
    rows = fd.sql("SELECT body FROM outbox WHERE kind = 'privacy' AND recipient = 'ben.carter@example.com' "
                  "ORDER BY id DESC LIMIT 1")
    found = re.search(r"https?://\S+/l/[A-Za-z0-9_-]+", rows[0][0] if rows else "")
    check(found, f"no export link waits in the outbox: {rows!r}")
    browser.open(found.group(0))
    check(browser.title() == "Your data", f"export page title is {browser.title()!r}")
    browser.shot("20-privacy-export")


def refusals(fd, browser, base_url):
    """The pages of a link that is expired, not valid, or whose capability the business turned off."""
    card = one_link(fd.say("new card", ALICE), "payment_method.update")
    fd.sql("UPDATE links SET expires_at = '2000-01-01T00:00:00Z' WHERE action = 'payment_method.update' "
           "AND used_at IS NULL AND client_id = (SELECT client_id FROM client_addresses WHERE address = ?)", ALICE)
    browser.open(card)
    check(browser.title() == "This link has expired", f"an expired link shows {browser.title()!r}")
    check(http_status(card) == 410, "an expired link answers 410")
    browser.shot("21-expired")

    browser.open(base_url + "/l/" + "A" * 43)
    check(browser.title() == "This link is not valid", f"an unknown link shows {browser.title()!r}")
    browser.shot("22-invalid")

    view = one_link(fd.say("please send me my invoices", ALICE), "invoice.view")
    fd.run("plugins", "disable", "invoices", "--business", "demo")
    try:
        browser.open(view)
        check(browser.title() == "Not available", f"a link of a plugin turned off shows {browser.title()!r}")
        browser.shot("23-unavailable")
    finally:
        fd.run("plugins", "enable", "invoices", "--business", "demo")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frontdesk", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--profile", required=True)
    args = parser.parse_args()

    fd = Frontdesk(args.frontdesk, args.db, args.base_url)
    stale = os.path.join(args.screenshots, "failure.png")
    if os.path.exists(stale):
        os.remove(stale)
    browser = Browser(args.screenshots, args.profile)
    try:
        billing = card_update(fd, browser, args.base_url)
        cancellation(fd, browser)
        invoice(fd, browser)
        save_offer(fd, browser)
        profile(fd, browser)
        retry(fd, browser)
        expired_card(fd, browser)
        rejoin(fd, browser)
        privacy_export(fd, browser)
        refusals(fd, browser, args.base_url)
    except (CheckFailed, WebDriverException) as failure:
        print(f"browser_test: FAILED: {type(failure).__name__}: {failure}", file=sys.stderr)
        try:
            browser.shot("failure", audit=False)
        except (CheckFailed, WebDriverException):
            pass
        return 1
    finally:
        browser.quit()
        for path in browser.saved:
            print(f"screenshot: {path}")
        for name, passes, violations in browser.audited:
            print(f"axe-core: {name}: {passes} rules passed, {violations} minor or moderate violations")
    print(f"browser_test: {len(browser.audited)} pages checked by axe-core, none with a serious or critical violation")
    print(f"browser_test: card updated through the page; billing reply now says: {billing!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
