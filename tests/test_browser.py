"""The chat page in headless Chromium (Debian's chromium + chromedriver, driven by Selenium):
ask, see the highlighted evidence, follow up, open a source at its cited span, and a question
holding markup shown as text. Screenshots go to tests/artifacts/.

The page is what is tested here, not answer quality (the answerer is tested on its own): the
server runs the real retrieval over the seed corpus (hashing embedder) with a small citing
answerer that quotes the first number in the top passage, so every step has an answer to show."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from qa.pipeline import Pipeline
from qa.settings import RetrieverName, Settings
from qa.types import AskResult, Turn

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAIT_S = 20
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "Debian chromium and chromium-driver are not installed (`make system-deps` installs them)",
        allow_module_level=True,
    )

selenium = pytest.importorskip("selenium", reason="selenium is in the dev extra")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

class RecordingPipeline(Pipeline):
    """The real pipeline (hashing embedder, real answerer); records the history each question came with."""

    def __init__(self, real: Pipeline) -> None:
        super().__init__(real.settings, real.embedder, real.index)
        self.histories: list[list[Turn]] = []

    def ask(self, question: str, history: Sequence[Turn] = (), retriever: RetrieverName | None = None,
            top_k: int | None = None) -> AskResult:
        self.histories.append(list(history))
        return super().ask(question, history, retriever, top_k)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def recording(pipeline: Pipeline) -> RecordingPipeline:
    return RecordingPipeline(pipeline)


@pytest.fixture(scope="module")
def server(settings: Settings, recording: RecordingPipeline) -> Iterator[str]:
    import uvicorn

    from api import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(settings, recording), host="127.0.0.1", port=port, log_config=None,
                            access_log=False, lifespan="on")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not instance.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="qa-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver: WebDriver, condition, message: str):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(condition, message)


def screenshot(driver: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"browser-{name}.png"))


def answers(driver: WebDriver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, ".message.assistant:not(.loading) .bubble")


def ask(driver: WebDriver, question: str) -> object:
    """Type the question, press Enter, wait for its answer card; the new card."""
    before = len(answers(driver))
    box = driver.find_element(By.ID, "question")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: len(answers(d)) > before and not d.find_elements(By.CSS_SELECTOR, ".loading"),
         f"no answer to {question!r}")
    return answers(driver)[-1]


def no_alert(driver: WebDriver) -> bool:
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_chat_page_conversation(server: str, browser: WebDriver, recording: RecordingPipeline) -> None:
    browser.get(server + "/")
    wait(browser, lambda d: "已索引" in d.find_element(By.ID, "status").text, "the health line never showed")
    assert browser.title == "知识产权政策问答"
    screenshot(browser, "0-welcome")

    # first question: an answer, its as-of date, the evidence sentence with the answer marked
    card = ask(browser, "深圳建设了多少家知识产权保护工作站")
    answer = card.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert answer == "130家"
    mark = card.find_element(By.CSS_SELECTOR, ".evidence-text mark")
    assert mark.text == answer
    assert answer in card.find_element(By.CSS_SELECTOR, ".evidence-text").text
    assert "置信度" in card.text
    sources = card.find_elements(By.CSS_SELECTOR, ".source")
    assert sources and "知识产权保护工作站" in sources[0].text
    assert_as_of(card)
    assert recording.histories[-1] == []
    screenshot(browser, "1-answer")

    # a follow-up goes out with the conversation so far, and shows the resolved question
    follow = ask(browser, "那覆盖多少家企业")
    assert [t.role for t in recording.histories[-1]] == ["user", "assistant"]
    assert recording.histories[-1][0].content == "深圳建设了多少家知识产权保护工作站"
    resolved = follow.find_element(By.CSS_SELECTOR, ".resolved-text").text
    assert resolved and resolved != "那覆盖多少家企业"

    # a source opens its document in the side panel, the cited span marked and in view
    evidence = card.find_element(By.CSS_SELECTOR, ".evidence-text").text
    sources[0].click()
    wait(browser, lambda d: d.find_elements(By.ID, "cited-span"), "the cited span never showed")
    panel = browser.find_element(By.ID, "doc-panel")
    assert panel.is_displayed()
    cited = browser.find_element(By.ID, "cited-span")
    assert cited.tag_name == "mark" and cited.text.strip() == evidence.strip()
    assert "知识产权保护工作站" in browser.find_element(By.ID, "doc-title").text
    in_view = (
        "const m = arguments[0].getBoundingClientRect(), b = document.getElementById('doc-body')"
        ".getBoundingClientRect(); return m.top >= b.top - 1 && m.top < b.bottom;"
    )
    wait(browser, lambda d: d.execute_script(in_view, cited), "the cited span was not scrolled into view")
    screenshot(browser, "2-document")

    # markup in a question is text: shown verbatim, nothing executed, no element created
    xss_card = ask(browser, XSS)
    assert no_alert(browser)
    users = browser.find_elements(By.CSS_SELECTOR, ".message.user .bubble")
    assert users[-1].text == XSS
    assert xss_card.find_element(By.CSS_SELECTOR, ".abstain-reason").text
    assert "无法从语料中回答" in xss_card.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#messages img, #messages script")
    time.sleep(0.3)
    assert no_alert(browser)
    screenshot(browser, "3-markup-as-text")

    # Shift+Enter is a newline, not a send
    box = browser.find_element(By.ID, "question")
    asked = len(recording.histories)
    box.send_keys("第一行")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("第二行")
    assert box.get_attribute("value") == "第一行\n第二行"
    assert len(recording.histories) == asked

    # a new conversation clears the page and the history sent
    browser.find_element(By.ID, "new-chat").click()
    assert not answers(browser)
    assert browser.find_element(By.ID, "doc-panel").is_displayed() is False
    assert box.get_attribute("value") == ""
    dated = ask(browser, "亳州2023年度知识产权强市建设新闻发布会的主持人是谁")
    assert dated.find_element(By.CSS_SELECTOR, ".answer-text").text == "李波"
    assert recording.histories[-1] == []
    assert_as_of(dated)
    screenshot(browser, "4-new-conversation")


def assert_as_of(card) -> None:  # type: ignore[no-untyped-def]
    """The as-of badge carries the cited document's date, or says the date is unknown."""
    badge = card.find_element(By.CSS_SELECTOR, ".as-of").text
    dates = card.find_elements(By.CSS_SELECTOR, ".source .source-date")
    assert badge == (f"截至 {dates[0].text}" if dates else "日期不详")
