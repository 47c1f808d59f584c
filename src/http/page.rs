//! The web chat page at `/`: HTML, CSS and JavaScript built into the binary
//! (`assets/web/`), so the page works with no other host — no CDN, no fonts from elsewhere.
//!
//! The HTML is a template: `{{web.key}}` and `{{core.key}}` are filled once at start-up with
//! the (escaped) texts of `knowledge/messages/`, and `{{texts}}` with the texts the script
//! needs, as JSON. So every word a user reads is knowledge data, like in the chat front ends.

use crate::knowledge::Messages;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const TEMPLATE: &str = include_str!("../../assets/web/index.html");
const STYLE: &str = include_str!("../../assets/web/app.css");
const SCRIPT: &str = include_str!("../../assets/web/app.js");

/// Texts the script shows (keys of `messages/web.toml`, then of `messages/core.toml`).
const SCRIPT_WEB_KEYS: &[&str] = &[
    "you",
    "bot",
    "loading",
    "feedback-question",
    "feedback-helpful",
    "feedback-not-helpful",
    "feedback-thanks",
    "network-error",
    "new-window",
    "topics-loading",
];
const SCRIPT_CORE_KEYS: &[&str] = &[
    "legal-basis",
    "sanction",
    "sources",
    "excerpt",
    "related",
    "suggestions",
    "as-of",
];

/// Where the page may load from and talk to: only its own origin. Embedding in another
/// site's frame is allowed (that is what agencies do with it).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'self'";

/// The page, rendered once.
#[derive(Debug, Clone)]
pub struct Page {
    html: Bytes,
}

impl Page {
    pub fn new(m: &Messages) -> Page {
        Page {
            html: Bytes::from(render(TEMPLATE, m)),
        }
    }

    pub fn html(&self) -> Response {
        asset(self.html.clone(), "text/html; charset=utf-8")
    }
}

/// Message keys the page template and script use, for the knowledge check in the tests.
pub fn message_keys() -> (Vec<String>, Vec<String>) {
    let (mut web, mut core): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (section, key) in placeholders(TEMPLATE) {
        match section {
            "web" => web.push(key.to_string()),
            "core" => core.push(key.to_string()),
            _ => {}
        }
    }
    web.extend(SCRIPT_WEB_KEYS.iter().map(|k| k.to_string()));
    core.extend(SCRIPT_CORE_KEYS.iter().map(|k| k.to_string()));
    (web, core)
}

/// `(section, key)` of every `{{section.key}}` in `template`.
fn placeholders(template: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        if let Some(pair) = name.split_once('.') {
            found.push(pair);
        }
        rest = &rest[start + 2 + len + 2..];
    }
    found
}

fn render(template: &str, m: &Messages) -> String {
    let mut html = template.to_string();
    for (section, key) in placeholders(template) {
        html = html.replace(
            &format!("{{{{{section}.{key}}}}}"),
            &escape_html(&m.get(section, key)),
        );
    }
    let mut texts = serde_json::Map::new();
    for (section, keys) in [("web", SCRIPT_WEB_KEYS), ("core", SCRIPT_CORE_KEYS)] {
        for key in keys {
            texts.insert(key.to_string(), m.get(section, key).into());
        }
    }
    // Inside <script>, "<" must not appear: "</script>" in a text would end the element.
    let json = serde_json::Value::Object(texts)
        .to_string()
        .replace('<', "\\u003c");
    html.replace("{{texts}}", &json)
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `GET /assets/app.css`.
pub async fn style() -> Response {
    asset(
        Bytes::from_static(STYLE.as_bytes()),
        "text/css; charset=utf-8",
    )
}

/// `GET /assets/app.js`.
pub async fn script() -> Response {
    asset(
        Bytes::from_static(SCRIPT.as_bytes()),
        "text/javascript; charset=utf-8",
    )
}

fn asset(body: Bytes, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Revalidate each time: after an upgrade the page and its script must match.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    #[test]
    fn every_text_of_the_page_is_filled_from_the_knowledge() {
        let kb = KnowledgeBase::builtin().unwrap();
        let html = render(TEMPLATE, &kb.messages);
        assert!(!html.contains("{{"), "unfilled placeholder");
        assert!(!html.contains("[web."), "missing web message");
        assert!(!html.contains("[core."), "missing core message");
        assert!(html.contains(&escape_html(&kb.messages.get("web", "page-title"))));
        let (web, core) = message_keys();
        assert!(
            kb.messages
                .missing("web", &web.iter().map(String::as_str).collect::<Vec<_>>())
                .is_empty()
        );
        assert!(
            kb.messages
                .missing("core", &core.iter().map(String::as_str).collect::<Vec<_>>())
                .is_empty()
        );
    }

    #[test]
    fn texts_cannot_break_out_of_the_markup() {
        assert_eq!(
            escape_html("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn the_page_loads_nothing_from_another_host() {
        for asset in [TEMPLATE, STYLE, SCRIPT] {
            assert!(
                !asset.contains("http://")
                    && !asset.contains("https://")
                    && !asset.contains("//cdn")
            );
        }
    }
}
