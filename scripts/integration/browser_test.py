"""Drives the one-time link pages of a running `frontdesk serve --demo` with headless Chromium (Selenium).

Links are issued with `frontdesk say --json` against the server's own database (SQLite WAL allows a second
process). Ben (+15550101002) is the client: his card on file ends in 5454, so a card ending in 4242 afterwards
can only come from the card form. Exits non-zero with a message on the first failed check.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

BEN = "+15550101002"
BUSINESS_NAME = "Maple Street Studio"


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

    def say(self, text):
        return json.loads(self.run("say", "--business", "demo", "--from", BEN, "--json", text))


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

    def shot(self, name):
        path = os.path.join(self.screenshots, f"{name}.png")
        check(self.driver.save_screenshot(path), f"screenshot {path} was not written")
        self.saved.append(path)

    def fill(self, field, value):
        element = self.driver.find_element(By.NAME, field)
        element.clear()
        element.send_keys(value)

    def submit(self):
        """Clicks the form's button and waits for the next page: click() returns before the navigation."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
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
    browser.shot("1-card-form")
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
    browser.shot("2-card-declined")

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
    browser.shot("3-card-done")

    browser.open(url)
    check(browser.title() == "This link has already been used", f"reopened card link shows {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "To get a new link, reply to our last message")
    browser.shot("4-card-used")
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
    browser.shot("5-cancel-form")
    end = browser.driver.find_elements(By.CSS_SELECTOR, "main p strong")[-1].text
    check(end in (reply["reply"] or ""), f"the page's end date {end!r} differs from the message's: {reply['reply']!r}")

    browser.fill("reason", "Moving to another city")
    browser.submit()
    check(browser.title() == "Membership cancelled", f"after cancelling the page is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, f"will end on {end}", "You will not be charged again")
    browser.shot("6-cancel-done")


def invoice(fd, browser):
    reply = fd.say("please send me my invoices")
    check(reply["intent"] == "invoices.list", f"'please send me my invoices' gave {reply['intent']}")
    url = one_link(reply, "invoice.view")
    browser.open(url)
    check(browser.title() == "Your invoice", f"invoice page title is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "INV-", "$89.00", "paid")
    number = browser.driver.find_element(By.CSS_SELECTOR, "main p strong").text
    check(number in (reply["reply"] or ""), f"invoice {number} is not the one in the message")
    browser.shot("7-invoice-page")

    browser.submit()
    check(browser.title() == f"Invoice {number}", f"the printable invoice page is {browser.title()!r}")
    browser.expect(BUSINESS_NAME, "Ben Carter", "$89.00", "Print")
    browser.shot("8-invoice-printable")


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
    except (CheckFailed, WebDriverException) as failure:
        print(f"browser_test: FAILED: {failure}", file=sys.stderr)
        try:
            browser.shot("failure")
        except (CheckFailed, WebDriverException):
            pass
        return 1
    finally:
        browser.quit()
        for path in browser.saved:
            print(f"screenshot: {path}")
    print(f"browser_test: card updated through the page; billing reply now says: {billing!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
