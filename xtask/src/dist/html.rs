//! The built index.html: the hashes of its inline scripts for the CSP, and a refusal
//! of whatever the CSP would block without saying so at build time.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::cmd::Result;

/// What the CSP needs from index.html.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// `sha256-<base64>` of each inline script, in order.
    pub script_hashes: Vec<String>,
    pub notes: Vec<String>,
}

/// Finds the inline scripts of index.html and refuses what the CSP would block
/// without saying so at build time: inline styles, event-handler attributes,
/// javascript: URLs, scripts from other origins.
pub fn inspect_index_html(html: &str) -> Result<PageFacts> {
    let mut facts = PageFacts::default();
    let lower = html.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(found) = lower[pos..].find('<') {
        let start = pos + found;
        let rest = &lower[start + 1..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '!' || c == '/'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.starts_with("!--") {
            pos = match lower[start..].find("-->") {
                Some(end) => start + end + 3,
                None => html.len(),
            };
            continue;
        }
        let Some(tag_end) = tag_end(&lower, start) else {
            return Err(format!("index.html: a tag at byte {start} is not closed"));
        };
        let tag = &html[start..tag_end];
        let attrs = parse_attributes(&tag[1 + name_len..tag.len() - 1]);
        for (attr, value) in &attrs {
            if attr.starts_with("on") && attr.len() > 2 {
                return Err(format!(
                    "index.html has an inline event handler `{attr}` on <{name}>: the CSP \
                     blocks it (move it into the app)"
                ));
            }
            if attr == "style" {
                return Err(format!(
                    "index.html has a style attribute on <{name}>: the CSP (style-src \
                     'self') blocks it (move it into the stylesheet)"
                ));
            }
            if value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                return Err(format!(
                    "index.html has a javascript: URL in `{attr}` on <{name}>"
                ));
            }
        }
        match name {
            "style" => {
                return Err(
                    "index.html has a <style> element: the CSP (style-src 'self') blocks \
                     it (use a stylesheet)"
                        .into(),
                )
            }
            "script" => {
                let close = lower[tag_end..]
                    .find("</script")
                    .map(|i| tag_end + i)
                    .ok_or("index.html: a <script> is not closed")?;
                match attrs.iter().find(|(a, _)| a == "src") {
                    Some((_, src)) => {
                        if !is_same_origin_ref(src) {
                            return Err(format!(
                                "index.html loads a script from elsewhere ({src}): the CSP \
                                 allows only this site's"
                            ));
                        }
                    }
                    None => {
                        // Browsers hash the text as parsed: CR LF and lone CR are LF.
                        let text = html[tag_end..close]
                            .replace("\r\n", "\n")
                            .replace('\r', "\n");
                        facts.script_hashes.push(sha256_source(&text));
                    }
                }
                pos = close + "</script".len();
                continue;
            }
            _ => {}
        }
        pos = tag_end;
    }
    if facts.script_hashes.is_empty() {
        facts
            .notes
            .push("index.html has no inline script: trunk's loader was expected there".into());
    }
    Ok(facts)
}

/// The byte after the `>` that ends the tag opening at `start`, minding quotes.
fn tag_end(lower: &str, start: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in lower[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// `name="value" flag name=value` -> [(name, value)], names in lower case.
fn parse_attributes(text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
            i += 1;
        }
        let name_start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' && chars[i] != '/' {
            i += 1;
        }
        if name_start == i {
            i += 1;
            continue;
        }
        let name: String = chars[name_start..i]
            .iter()
            .collect::<String>()
            .to_ascii_lowercase();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
                let q = chars[i];
                i += 1;
                while i < chars.len() && chars[i] != q {
                    value.push(chars[i]);
                    i += 1;
                }
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    value.push(chars[i]);
                    i += 1;
                }
            }
        }
        attrs.push((name, value));
    }
    attrs
}

fn is_same_origin_ref(src: &str) -> bool {
    let src = src.trim();
    !(src.starts_with("//") || src.contains("://") || src.to_ascii_lowercase().starts_with("data:"))
}

/// A CSP hash source (without the quotes): `sha256-<base64 of the digest>`.
pub fn sha256_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_the_sha256_browsers_compute() {
        // `echo -n "alert('hi')" | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            sha256_source("alert('hi')"),
            "sha256-XTqNqFSUlZHAW7f/OGNYSOEzxKhjdAAGMXoid2VEbJk="
        );
        let crlf = "<script>\r\na()\r\n</script>";
        assert_eq!(
            inspect_index_html(crlf).unwrap().script_hashes,
            vec![sha256_source("\na()\n")]
        );
    }

    #[test]
    fn index_html_that_the_csp_would_block_is_refused() {
        for (html, words) in [
            ("<body onload=\"go()\"></body>", "onload"),
            ("<div style=\"color: red\"></div>", "style attribute"),
            ("<style>p{}</style>", "<style>"),
            ("<a href=\"javascript:go()\">x</a>", "javascript:"),
            (
                "<script src=\"https://cdn.example/x.js\"></script>",
                "from elsewhere",
            ),
            ("<script>never closed", "not closed"),
        ] {
            let err = inspect_index_html(html).unwrap_err();
            assert!(err.contains(words), "{html}: {err}");
        }
        let fine =
            "<!-- <style> in a comment --><script src=\"/app-0123456789abcdef.js\"></script>\
                    <a title='a > b'>x</a>";
        let facts = inspect_index_html(fine).unwrap();
        assert!(facts.script_hashes.is_empty());
        assert_eq!(facts.notes.len(), 1);
    }
}
