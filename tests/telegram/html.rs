//! Telegram's HTML rules (core.telegram.org/bots/api#html-style), checked independently of the
//! renderer: supported tags only, properly nested, `<`, `>` and `&` only as part of a tag or a
//! supported entity, visible text 1–4,096 characters.

const TAGS: [&str; 16] = [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// The visible text of valid Telegram HTML, or what is wrong with it.
pub fn check(html: &str) -> Result<String, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut visible = String::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| format!("unterminated tag in {html:?}"))?;
                let inner = &rest[1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("</{name}> closes {other:?} in {html:?}")),
                    }
                } else {
                    let name = inner.split_whitespace().next().unwrap_or("");
                    if !TAGS.contains(&name) {
                        return Err(format!("unsupported tag <{inner}> in {html:?}"));
                    }
                    if name == "a" && !inner.contains("href=\"") {
                        return Err(format!("<a> without href in {html:?}"));
                    }
                    if inner.contains('<') {
                        return Err(format!("`<` inside a tag in {html:?}"));
                    }
                    stack.push(name.to_string());
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest
                    .find(';')
                    .ok_or_else(|| format!("bare & in {html:?}"))?;
                let entity = &rest[..=end];
                let decoded = match entity {
                    "&lt;" => '<',
                    "&gt;" => '>',
                    "&amp;" => '&',
                    "&quot;" => '"',
                    e if e.starts_with("&#") => {
                        let num = &e[2..e.len() - 1];
                        let code = match num.strip_prefix('x') {
                            Some(hex) => u32::from_str_radix(hex, 16),
                            None => num.parse(),
                        };
                        code.ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad entity {e}"))?
                    }
                    e => return Err(format!("unsupported entity {e} in {html:?}")),
                };
                visible.push(decoded);
                rest = &rest[end + 1..];
            }
            '>' => return Err(format!("bare > in {html:?}")),
            c => {
                visible.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?} in {html:?}"));
    }
    let n = visible.trim().chars().count();
    if n == 0 || visible.encode_utf16().count() > 4096 {
        return Err(format!("visible length {n} outside 1..=4096"));
    }
    Ok(visible)
}

#[test]
fn the_checker_catches_what_it_should() {
    assert!(check("<b>Tidak boleh</b> &amp; &lt;x&gt; <a href=\"https://a\">s</a>").is_ok());
    assert!(check("a < b").is_err());
    assert!(check("a & b").is_err());
    assert!(check("<b>x</i>").is_err());
    assert!(check("<b>x").is_err());
    assert!(check("<script>x</script>").is_err());
    assert!(check("&nbsp;").is_err());
    assert!(check("").is_err());
    assert!(check(&"x".repeat(4097)).is_err());
}
