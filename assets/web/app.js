// netral web chat page: asks the API of the server that served this page (relative URLs, so
// the page also works under a path prefix behind a proxy) and renders each reply as text —
// never as HTML — so nothing in an answer or a question can run as code.
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const status = document.getElementById("status");
  const topics = document.getElementById("topics");
  const topicList = document.getElementById("topic-list");
  let answers = 0;

  // One conversation per page load, so the server can understand follow-up questions.
  const conversation = Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) {
      if (child) node.append(child);
    }
    return node;
  }

  function setStatus(text, isError) {
    status.textContent = text || "";
    status.classList.toggle("error", !!isError);
  }

  async function call(method, path, body) {
    const options = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (e) {
      throw new Error(texts["network-error"]);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      throw new Error(texts["network-error"]);
    }
    if (!response.ok) {
      throw new Error((data && data.message) || texts["network-error"]);
    }
    return data;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function externalLink(text, url) {
    const href = safeUrl(url);
    if (!href) return document.createTextNode(text);
    return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, [
      text, el("span", { className: "sr", textContent: " " + texts["new-window"] }),
    ]);
  }

  function section(title, content) {
    return [el("h3", { textContent: title }), content];
  }

  function chips(links, cls) {
    return el("ul", { className: "chips " + cls }, links.map((link) =>
      el("li", {}, [el("button", {
        type: "button",
        textContent: link.title,
        onclick: () => openEntry(link.id, link.title),
      })])));
  }

  function feedback(id) {
    const box = el("div", { className: "feedback" });
    const note = el("p", { textContent: texts["feedback-question"] });
    const thanks = el("p", { className: "thanks", role: "status" });
    const buttons = [[true, "👍", texts["feedback-helpful"]], [false, "👎", texts["feedback-not-helpful"]]]
      .map(([helpful, emoji, label]) => {
        const b = el("button", { type: "button", textContent: emoji, title: label });
        b.setAttribute("aria-label", label);
        b.setAttribute("aria-pressed", "false");
        b.dataset.helpful = String(helpful);
        b.onclick = async () => {
          buttons.forEach((x) => { x.disabled = true; });
          try {
            const data = await call("POST", "v1/feedback", { id, helpful });
            b.setAttribute("aria-pressed", "true");
            thanks.textContent = data.message || texts["feedback-thanks"];
          } catch (e) {
            buttons.forEach((x) => { x.disabled = false; });
            thanks.textContent = e.message;
          }
        };
        return b;
      });
    box.append(note, ...buttons, thanks);
    return box;
  }

  function render(reply) {
    answers += 1;
    const headingId = "answer-" + answers;
    const card = el("article", { className: "answer", tabIndex: -1 });
    card.setAttribute("aria-labelledby", headingId);
    const parts = [];
    if (reply.answered && reply.verdict_label) {
      parts.push(el("p", {
        className: "verdict verdict-" + reply.verdict,
        textContent: reply.verdict_label,
      }));
    }
    const heading = el("h2", { id: headingId, textContent: reply.answered && reply.title ? reply.title : texts.bot });
    if (reply.kind === "smalltalk" || !reply.answered) heading.className = "sr";
    parts.push(heading);
    parts.push(el("p", { className: reply.answered ? "short" : "", textContent: reply.short_answer }));
    for (const paragraph of (reply.body || "").split(/\n\s*\n/)) {
      if (paragraph.trim()) parts.push(el("p", { textContent: paragraph.trim() }));
    }
    if (reply.legal_basis && reply.legal_basis.length) {
      parts.push(...section(texts["legal-basis"], el("ul", { className: "basis" },
        reply.legal_basis.map((b) => el("li", { textContent: b.line })))));
    }
    if (reply.sanction) {
      parts.push(...section(texts.sanction, el("p", { textContent: reply.sanction })));
    }
    for (const q of reply.excerpts || []) {
      const cite = [q.outlet, q.date].filter(Boolean).join(", ");
      parts.push(...section(texts.excerpt, el("blockquote", {}, [
        el("p", { textContent: "«" + q.text + "»" }),
        cite ? el("p", {}, [externalLink(cite, q.url)]) : null,
      ])));
    }
    if (reply.sources && reply.sources.length) {
      parts.push(...section(texts.sources, el("ul", { className: "sources" },
        reply.sources.map((s) => el("li", {}, [externalLink(s.title, s.url)])))));
    }
    if (reply.related && reply.related.length) {
      parts.push(...section(texts.related, chips(reply.related, "related")));
    }
    if (reply.suggestions && reply.suggestions.length && !reply.answered) {
      parts.push(...section(texts.suggestions, chips(reply.suggestions, "suggestions")));
    }
    const footer = [];
    if (reply.as_of) footer.push(texts["as-of"] + " " + reply.as_of + ".");
    if (reply.disclaimer) footer.push(reply.disclaimer);
    if (footer.length) parts.push(el("p", { className: "footer-note", textContent: footer.join(" ") }));
    if (reply.answered && reply.id && reply.kind !== "smalltalk") parts.push(feedback(reply.id));
    card.append(...parts);
    log.append(card);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "start" });
  }

  function showQuestion(text) {
    const bubble = el("p", { className: "question" }, [
      el("span", { className: "sr", textContent: texts.you + ": " }), text,
    ]);
    log.append(bubble);
  }

  async function run(question, request) {
    showQuestion(question);
    send.disabled = true;
    setStatus(texts.loading);
    try {
      render(await request());
      setStatus("");
    } catch (e) {
      setStatus(e.message, true);
    } finally {
      send.disabled = false;
    }
  }

  // An opened entry (a related question, a topic, the choice of a clarifying question) is what
  // the conversation is about from then on.
  function openEntry(id, title) {
    const path = "v1/entries/" + encodeURIComponent(id) + "?conversation=" + conversation;
    return run(title, () => call("GET", path));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    run(question, () => call("POST", "v1/ask", { question, conversation }));
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  topics.addEventListener("toggle", async () => {
    if (!topics.open || topicList.dataset.loaded) return;
    topicList.textContent = texts["topics-loading"];
    try {
      const data = await call("GET", "v1/topics");
      topicList.textContent = "";
      for (const category of data.categories) {
        if (!category.topics.length) continue;
        topicList.append(el("h2", { textContent: category.title }), el("ul", {},
          category.topics.map((t) => el("li", {}, [el("button", {
            type: "button",
            className: "topic-button",
            textContent: t.title,
            onclick: () => openEntry(t.id, t.title),
          })]))));
      }
      topicList.dataset.loaded = "1";
    } catch (e) {
      topicList.textContent = e.message;
    }
  });
})();
