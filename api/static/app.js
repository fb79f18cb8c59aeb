// Chat page for the QA service. No framework, no build step, no network beyond this server.
// Every piece of question, answer and document text goes into the page through textContent or
// text nodes, never through innerHTML.
"use strict";

(function () {
  const MAX_HISTORY_TURNS = 8;      // the server bounds history too; keep requests well inside
  const MAX_HISTORY_CHARS = 1800;

  const $ = (id) => document.getElementById(id);
  const messages = $("messages");
  const form = $("composer");
  const input = $("question");
  const sendButton = $("send");
  const panel = $("doc-panel");

  let history = [];                 // [{role, content}] sent with each question
  let busy = false;
  let conversation = 0;             // bumps on "new conversation": late answers are dropped

  // ------------------------------------------------------------------------------ DOM helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function scrollToEnd() {
    messages.scrollTop = messages.scrollHeight;
  }

  // `text` with the first occurrence of `needle` wrapped in <mark> (as DOM nodes).
  function highlighted(text, needle, className) {
    const frag = document.createDocumentFragment();
    const at = needle ? text.indexOf(needle) : -1;
    if (at < 0) {
      frag.appendChild(document.createTextNode(text));
      return frag;
    }
    frag.appendChild(document.createTextNode(text.slice(0, at)));
    frag.appendChild(el("mark", className || "answer-mark", needle));
    frag.appendChild(document.createTextNode(text.slice(at + needle.length)));
    return frag;
  }

  // ------------------------------------------------------------------------------------- API

  function apiKeyHeaders() {
    const key = sessionStorage.getItem("qa-api-key");
    return key ? { "X-API-Key": key } : {};
  }

  async function api(path, options, retried) {
    const response = await fetch(path, {
      ...options,
      headers: { ...(options && options.headers), ...apiKeyHeaders() },
    });
    if (response.status === 401 && !retried) {
      const key = window.prompt("此服务需要 API 密钥，请输入：");
      if (key) {
        sessionStorage.setItem("qa-api-key", key);
        return api(path, options, true);
      }
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error && body.error.message ? body.error.message : `HTTP ${response.status}`;
      throw new Error(message);
    }
    return body;
  }

  // ---------------------------------------------------------------------------- rendering

  function addUserMessage(question) {
    const row = el("div", "message user");
    row.appendChild(el("div", "bubble", question));
    messages.appendChild(row);
    scrollToEnd();
  }

  function addLoading() {
    const row = el("div", "message assistant loading");
    const bubble = el("div", "bubble");
    bubble.appendChild(el("span", "spinner"));
    bubble.appendChild(el("span", "", "正在检索语料并抽取答案…"));
    row.appendChild(bubble);
    messages.appendChild(row);
    scrollToEnd();
    return row;
  }

  const READER_LABELS = { combined: "规则+模型", learned: "阅读模型", rules: "规则", table: "表格" };

  function badge(text, className) {
    return el("span", "badge " + (className || ""), text);
  }

  function confidenceBadge(confidence) {
    const pct = Math.round((Number(confidence) || 0) * 100);
    const level = pct >= 70 ? "high" : pct >= 40 ? "mid" : "low";
    return badge(`置信度 ${pct}%`, "confidence " + level);
  }

  function sourceButton(citation, index) {
    const button = el("button", "source");
    button.type = "button";
    button.appendChild(el("span", "source-index", `[${index + 1}]`));
    button.appendChild(el("span", "source-title", citation.title || citation.doc_id));
    if (citation.published) button.appendChild(el("span", "source-date", citation.published));
    button.title = "查看原文";
    button.addEventListener("click", () => openDocument(citation.doc_id, citation.start, citation.end, button));
    return button;
  }

  function renderAnswer(payload) {
    const row = el("div", "message assistant");
    const card = el("div", "bubble answer-card");

    if (payload.resolved_question && payload.resolved_question !== payload.question) {
      const resolved = el("div", "resolved");
      resolved.appendChild(el("span", "resolved-label", "理解为"));
      resolved.appendChild(el("span", "resolved-text", payload.resolved_question));
      card.appendChild(resolved);
    }

    if (payload.abstained) {
      card.classList.add("abstained");
      card.appendChild(el("div", "abstain-title", "无法从语料中回答"));
      card.appendChild(el("p", "abstain-reason", payload.reason || "语料中没有找到可靠的答案。"));
    } else {
      card.appendChild(el("div", "answer-text", payload.answer));
      const meta = el("div", "answer-meta");
      meta.appendChild(payload.as_of ? badge(`截至 ${payload.as_of}`, "as-of") : badge("日期不详", "as-of unknown"));
      meta.appendChild(confidenceBadge(payload.confidence));
      if (payload.reader) meta.appendChild(badge(READER_LABELS[payload.reader] || payload.reader, "reader"));
      card.appendChild(meta);
      if (payload.sentence) {
        const quote = el("blockquote", "evidence");
        quote.appendChild(el("span", "evidence-label", "原文"));
        const text = el("p", "evidence-text");
        text.appendChild(highlighted(payload.sentence, payload.answer));
        quote.appendChild(text);
        card.appendChild(quote);
      }
    }

    const citations = payload.citations || [];
    if (citations.length) {
      const sources = el("div", "sources");
      sources.appendChild(el("div", "sources-label", "出处"));
      citations.forEach((c, i) => sources.appendChild(sourceButton(c, i)));
      card.appendChild(sources);
    } else if ((payload.passages || []).length) {
      // no citation (abstention): offer the documents retrieval found, to read for oneself
      const seen = new Set();
      const related = el("div", "sources related");
      related.appendChild(el("div", "sources-label", "相关文档"));
      for (const p of payload.passages) {
        if (seen.has(p.doc_id) || seen.size >= 3) continue;
        seen.add(p.doc_id);
        const button = el("button", "source");
        button.type = "button";
        button.appendChild(el("span", "source-title", p.title || p.doc_id));
        button.addEventListener("click", () => openDocument(p.doc_id, null, null, button));
        related.appendChild(button);
      }
      card.appendChild(related);
    }

    row.appendChild(card);
    messages.appendChild(row);
    scrollToEnd();
  }

  function renderError(message) {
    const row = el("div", "message assistant");
    const card = el("div", "bubble error-card");
    card.appendChild(el("div", "error-title", "请求失败"));
    card.appendChild(el("p", "error-text", message));
    row.appendChild(card);
    messages.appendChild(row);
    scrollToEnd();
  }

  // ------------------------------------------------------------------------------- document panel

  async function openDocument(docId, start, end, trigger) {
    document.querySelectorAll(".source.active").forEach((b) => b.classList.remove("active"));
    if (trigger) trigger.classList.add("active");
    panel.hidden = false;
    document.body.classList.add("panel-open");
    $("doc-title").textContent = "加载中…";
    $("doc-meta").textContent = "";
    const body = $("doc-body");
    body.replaceChildren();
    let doc;
    try {
      doc = await api(`/documents/${encodeURIComponent(docId)}`);
    } catch (e) {
      $("doc-title").textContent = "无法打开原文";
      body.appendChild(el("p", "error-text", e.message));
      return;
    }
    $("doc-title").textContent = doc.title || doc.doc_id;
    const meta = [doc.published ? `发布日期 ${doc.published}` : "日期不详", doc.source ? `来源 ${doc.source}` : null]
      .filter(Boolean)
      .join(" · ");
    $("doc-meta").textContent = meta;
    const text = doc.text || "";
    const hasSpan = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= text.length;
    if (!hasSpan) {
      body.appendChild(document.createTextNode(text));
      body.scrollTop = 0;
      return;
    }
    body.appendChild(document.createTextNode(text.slice(0, start)));
    const mark = el("mark", "cited", text.slice(start, end));
    mark.id = "cited-span";
    body.appendChild(mark);
    body.appendChild(document.createTextNode(text.slice(end)));
    mark.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function closeDocument() {
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    document.querySelectorAll(".source.active").forEach((b) => b.classList.remove("active"));
  }

  // ---------------------------------------------------------------------------------- asking

  function trimmedHistory() {
    const turns = history.slice(-MAX_HISTORY_TURNS);
    let total = turns.reduce((n, t) => n + t.content.length, 0);
    while (turns.length && total > MAX_HISTORY_CHARS) total -= turns.shift().content.length;
    return turns;
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    sendButton.textContent = value ? "回答中…" : "发送";
    form.classList.toggle("busy", value);
  }

  async function ask(question) {
    question = question.trim();
    if (!question || busy) return;
    const welcome = $("welcome");
    if (welcome) welcome.remove();
    addUserMessage(question);
    input.value = "";
    autosize();
    setBusy(true);
    const loading = addLoading();
    const mine = conversation;
    try {
      const payload = await api("/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question, history: trimmedHistory() }),
      });
      if (mine !== conversation) return;
      loading.remove();
      renderAnswer(payload);
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: payload.abstained ? (payload.reason || "") : (payload.answer || "") });
    } catch (e) {
      if (mine !== conversation) return;
      loading.remove();
      renderError(e.message);
    } finally {
      if (mine === conversation) setBusy(false);
      input.focus();
    }
  }

  function newConversation() {
    conversation += 1;
    history = [];
    setBusy(false);
    closeDocument();
    messages.replaceChildren();
    const note = el("div", "welcome compact");
    note.appendChild(el("p", "", "新对话已开始，之前的问题不会再作为上下文。"));
    messages.appendChild(note);
    note.id = "welcome";
    input.value = "";
    autosize();
    input.focus();
  }

  function autosize() {
    input.style.height = "auto";
    const borders = input.offsetHeight - input.clientHeight;  // border-box: height includes borders
    input.style.height = Math.min(input.scrollHeight + borders, 160) + "px";
  }

  async function loadStatus() {
    const status = $("status");
    try {
      const health = await api("/health");
      status.textContent = `已索引 ${health.documents} 篇文档 · ${health.chunks} 个段落`;
      status.classList.add("ok");
    } catch (e) {
      status.textContent = "服务不可用";
      status.classList.add("down");
    }
  }

  async function loadDocuments() {
    const items = $("doc-items");
    let payload;
    try {
      payload = await api("/documents");
    } catch (e) {
      items.replaceChildren(el("li", "error-text", "无法载入文档列表：" + e.message));
      return;
    }
    const docs = (payload.documents || []).slice().sort((a, b) => (b.published || "").localeCompare(a.published || ""));
    $("doc-count").textContent = `(${docs.length})`;
    items.replaceChildren(
      ...docs.map((doc) => {
        const item = el("li", "doc-item");
        const open = el("button", "doc-link", doc.title || doc.doc_id);
        open.type = "button";
        open.addEventListener("click", () => openDocument(doc.doc_id, null, null, null));
        item.appendChild(open);
        const meta = [doc.published || "日期不详", doc.source || "来源不详"].join(" · ");
        item.appendChild(el("span", "doc-item-meta", meta));
        return item;
      })
    );
  }

  // ---------------------------------------------------------------------------------- wiring

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(input.value);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      ask(input.value);
    }
  });
  input.addEventListener("input", autosize);
  $("new-chat").addEventListener("click", newConversation);
  $("doc-close").addEventListener("click", closeDocument);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) closeDocument();
  });
  document.querySelectorAll(".example").forEach((button) =>
    button.addEventListener("click", () => ask(button.textContent))
  );

  loadStatus();
  loadDocuments();
  autosize();
  input.focus();
})();
