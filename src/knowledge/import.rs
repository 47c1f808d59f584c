//! Turns a pasted news text into an article entry (`netral kb import-article`).
//!
//! Strips the page noise the seed articles carry ("Iklan", "BACA JUGA: …", photo captions,
//! "Response (1)", share prompts), takes the first line as the title, guesses outlet, place
//! and date from the dateline where the text gives them, and writes a TOML entry in the
//! format of `knowledge/README.md` for the curator to complete (questions, excerpt topics).

/// Error for text that does not look like an article.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the text is empty after removing page noise")]
    Empty,
    #[error("invalid id `{0}` — use lowercase letters, digits and '-'")]
    InvalidId(String),
}

const MONTHS: &[(&str, u32)] = &[
    ("januari", 1),
    ("februari", 2),
    ("maret", 3),
    ("april", 4),
    ("mei", 5),
    ("juni", 6),
    ("juli", 7),
    ("agustus", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("desember", 12),
];

/// What the importer made of a pasted article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportedArticle {
    pub id: String,
    pub title: String,
    pub outlet: String,
    pub place: String,
    pub date: String,
    pub url: String,
    pub summary: String,
    pub text: String,
    pub questions: Vec<String>,
    pub excerpt: Vec<ImportedExcerpt>,
}

/// A proposed excerpt; the curator links it to topics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportedExcerpt {
    pub text: String,
    pub topics: Vec<String>,
}

/// Whether a line is page noise rather than article text.
pub fn is_noise(line: &str) -> bool {
    let l = line.trim();
    let lower = l.to_lowercase();
    l.is_empty()
        || l.chars().all(|c| !c.is_alphanumeric())
        || lower == "iklan"
        || lower == "advertisement"
        || lower.starts_with("baca juga")
        || lower.starts_with("response (")
        || lower.starts_with("sumber:") && l.len() < 12
        || lower.starts_with("ilustrasi")
        || lower.starts_with("foto:")
        || lower.contains("-foto:")
        || l.ends_with("--")
        || (l.starts_with('(') && l.ends_with(").") && l.len() < 40)
        || (l.starts_with('(') && l.ends_with(')') && l.len() < 40)
        || lower.starts_with("(dok")
        || (l.contains("(Dok") && l.len() < 200)
        || lower.starts_with("share") && l.len() < 40
        || lower.starts_with("editor:") && l.len() < 60
        || lower.starts_with("penulis:") && l.len() < 60
}

/// "15 Mei 2024, 19.24 WIB" or "Jumat (30/8/2024)" → "2024-05-15" / "2024-08-30".
pub fn find_date(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.windows(3) {
        let month = MONTHS
            .iter()
            .find(|(m, _)| w[1].to_lowercase() == *m)
            .map(|(_, n)| *n);
        if let (Ok(day), Some(month), Ok(year)) = (w[0].parse::<u32>(), month, w[2].parse::<u32>())
            && (1..=31).contains(&day)
            && (1990..=2100).contains(&year)
        {
            return Some(format!("{year:04}-{month:02}-{day:02}"));
        }
    }
    for part in text.split('(').skip(1) {
        let inside = part.split(')').next().unwrap_or("");
        let nums: Vec<&str> = inside.split('/').collect();
        if let [d, m, y] = nums.as_slice()
            && let (Ok(d), Ok(m), Ok(y)) = (
                d.trim().parse::<u32>(),
                m.trim().parse::<u32>(),
                y.trim().parse::<u32>(),
            )
            && (1..=31).contains(&d)
            && (1..=12).contains(&m)
            && (1990..=2100).contains(&y)
        {
            return Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    None
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "LUMAJANG, Transparansi.co.id - Pemerintah …" → (place, outlet, rest).
fn dateline(line: &str) -> Option<(String, String, String)> {
    let (head, rest) = line.split_once(" - ").or_else(|| line.split_once(" – "))?;
    if head.len() > 60 {
        return None;
    }
    let (place, outlet) = match head.split_once(',') {
        Some((p, o)) => (p.trim(), o.trim()),
        None => (head.trim(), ""),
    };
    let capitalised = place
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    if place.is_empty() || !capitalised || place.split_whitespace().count() > 4 {
        return None;
    }
    let outlet = if outlet.chars().all(|c| !c.is_lowercase()) {
        outlet.to_lowercase()
    } else {
        outlet.to_string()
    };
    let outlet = match outlet.chars().next() {
        Some(f) => f.to_uppercase().collect::<String>() + &outlet[f.len_utf8()..],
        None => outlet,
    };
    Some((title_case(place), outlet, rest.trim().to_string()))
}

fn looks_like_domain(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    !l.contains(' ')
        && [".id", ".com", ".co", ".net", ".org"]
            .iter()
            .any(|d| l.contains(d))
}

fn first_sentence(text: &str) -> String {
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if c == '.' && text[i + 1..].starts_with(char::is_whitespace) && i > 40 {
            end = i + 1;
            break;
        }
    }
    text[..end].trim().to_string()
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", cut[..i].trim_end_matches(',')),
        None => format!("{cut}…"),
    }
}

/// Cleans a pasted article and extracts its parts.
pub fn import(text: &str, id: &str, url: &str) -> Result<ImportedArticle, ImportError> {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ImportError::InvalidId(id.to_string()));
    }
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        // "BACA JUGA:" glued to the end of a paragraph, and a trailing "*".
        let mut l = raw.trim().to_string();
        if let Some(i) = l.find("BACA JUGA") {
            l.truncate(i);
        }
        let l = l.trim().trim_end_matches(" *").trim().to_string();
        if is_noise(&l) || lines.last() == Some(&l) {
            continue;
        }
        lines.push(l);
    }
    if lines.is_empty() {
        return Err(ImportError::Empty);
    }
    let (mut title, mut outlet, mut place, mut date) =
        (String::new(), String::new(), String::new(), String::new());
    let mut body: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if date.is_empty() && l.len() < 40 && find_date(l).is_some() {
            date = find_date(l).unwrap_or_default();
            continue;
        }
        if i < 2 && body.is_empty() && looks_like_domain(l) {
            outlet = l.clone();
            continue;
        }
        if i == 0
            && l.len() < 40
            && l.contains(',')
            && lines.get(1).is_some_and(|n| looks_like_domain(n))
        {
            place = l.clone();
            continue;
        }
        if title.is_empty() && body.is_empty() && i == 0 && !l.ends_with('.') {
            title = l.clone();
            continue;
        }
        if body.is_empty()
            && let Some((p, o, rest)) = dateline(l)
        {
            if place.is_empty() {
                place = p;
            }
            if outlet.is_empty() {
                outlet = o;
            }
            body.push(rest);
            continue;
        }
        body.push(l.clone());
    }
    let text = body.join("\n\n");
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if date.is_empty() {
        date = find_date(&text).unwrap_or_default();
    }
    if title.is_empty() {
        title = shorten(&first_sentence(&text), 110);
    }
    let summary = first_sentence(&text);
    let excerpt = quotes(&text)
        .into_iter()
        .map(|q| ImportedExcerpt {
            text: q,
            topics: Vec::new(),
        })
        .collect();
    Ok(ImportedArticle {
        id: id.to_string(),
        questions: vec![title.clone()],
        title,
        outlet,
        place,
        date,
        url: url.to_string(),
        summary,
        text,
        excerpt,
    })
}

/// Direct quotes ("…" or “…”) of at least 60 characters: the likely excerpts.
fn quotes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let p = para.replace(['“', '”'], "\"");
        let parts: Vec<&str> = p.split('"').collect();
        for (i, part) in parts.iter().enumerate() {
            let q = part.trim().trim_end_matches(',').trim();
            if i % 2 == 1 && q.chars().count() >= 60 {
                out.push(q.to_string());
            }
        }
    }
    out
}

#[derive(serde::Serialize)]
struct ArticleFileOut<'a> {
    article: &'a ImportedArticle,
}

/// The imported article as a TOML entry in the knowledge format.
pub fn article_toml(text: &str, id: &str, url: &str) -> Result<String, ImportError> {
    let article = import(text, id, url)?;
    let body = toml::to_string_pretty(&ArticleFileOut { article: &article }).unwrap_or_default();
    Ok(format!(
        "# Imported by `netral kb import-article`. Check outlet, place and date, add questions\n# users would ask about this event, and link each excerpt to the topics it supports.\n{body}"
    ))
}
