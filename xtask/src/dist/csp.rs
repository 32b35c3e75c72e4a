//! The Content-Security-Policy, and the origins it lists.

use crate::cmd::Result;

/// The Content-Security-Policy of the console: the only source of its value.
///
/// Scripts: our own files, wasm compilation, and the inline loader trunk writes into
/// index.html by its hash; never 'unsafe-inline' or 'unsafe-eval'. Requests: this
/// site (config.json, the wasm, same-origin proxies) and the API origins. Nothing
/// may frame the console, and nothing not listed loads at all.
pub fn content_security_policy(script_hashes: &[String], connect_origins: &[String]) -> String {
    let mut script_src = vec!["'self'".to_string(), "'wasm-unsafe-eval'".to_string()];
    script_src.extend(script_hashes.iter().map(|h| format!("'{h}'")));
    let mut connect_src = vec!["'self'".to_string()];
    connect_src.extend(connect_origins.iter().cloned());
    [
        "default-src 'none'".to_string(),
        format!("script-src {}", script_src.join(" ")),
        "style-src 'self'".to_string(),
        "img-src 'self'".to_string(),
        format!("connect-src {}", connect_src.join(" ")),
        "base-uri 'self'".to_string(),
        "form-action 'self'".to_string(),
        "frame-ancestors 'none'".to_string(),
        "object-src 'none'".to_string(),
    ]
    .join("; ")
}
/// The origin of an http(s) URL as a CSP source: `https://host[:port]`, lower case,
/// without the scheme's default port.
pub fn origin_of(url: &str) -> Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("`{url}` is not an http:// or https:// URL"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(format!("`{url}` is not an http:// or https:// URL")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!("`{url}` has a user name or password in it"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("`{url}` has an unclosed [ in its host"))?;
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(format!("`{url}` has an invalid IPv6 host"));
        }
        (
            format!("[{}]", addr.to_ascii_lowercase()),
            after.strip_prefix(':'),
        )
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !valid {
            return Err(format!("`{url}` has an invalid host"));
        }
        (host.to_ascii_lowercase(), port)
    };
    match port {
        None => Ok(format!("{scheme}://{host}")),
        Some(p) if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 5 => {
            Err(format!("`{url}` has an invalid port"))
        }
        Some(p) if p.trim_start_matches('0') == default_port => Ok(format!("{scheme}://{host}")),
        Some(p) => Ok(format!("{scheme}://{host}:{}", p.trim_start_matches('0'))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::fixtures::INDEX;
    use crate::dist::html::{inspect_index_html, sha256_source};

    #[test]
    fn the_csp_allows_the_loader_by_hash_and_nothing_inline() {
        let page = inspect_index_html(INDEX).unwrap();
        let loader = "\nimport init, * as bindings from '/admin/lifecycle-console-ad160321911f5050.js';\n\
                      const wasm = await init({ module_or_path: '/admin/lifecycle-console-ad160321911f5050_bg.wasm' });\n";
        assert_eq!(page.script_hashes, vec![sha256_source(loader)]);
        let csp = content_security_policy(
            &page.script_hashes,
            &["https://acme.zitadel.cloud".to_string()],
        );
        assert_eq!(
            csp,
            format!(
                "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' '{}'; \
                 style-src 'self'; img-src 'self'; \
                 connect-src 'self' https://acme.zitadel.cloud; base-uri 'self'; \
                 form-action 'self'; frame-ancestors 'none'; object-src 'none'",
                page.script_hashes[0]
            )
        );
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    }

    #[test]
    fn origins_are_normalised_for_csp() {
        for (url, origin) in [
            ("https://x.example", "https://x.example"),
            ("HTTPS://X.Example:443/path?q", "https://x.example"),
            ("http://127.0.0.1:18082", "http://127.0.0.1:18082"),
            ("http://127.0.0.1:80/", "http://127.0.0.1"),
            ("https://x.example:8443#frag", "https://x.example:8443"),
            ("http://[::1]:8080/", "http://[::1]:8080"),
        ] {
            assert_eq!(origin_of(url).unwrap(), origin, "{url}");
        }
        for url in [
            "ftp://x",
            "x.example",
            "https://user:pw@x.example",
            "https://x.example:port",
            "https://",
            "https://x y",
            "https://x;script-src *",
        ] {
            assert!(origin_of(url).is_err(), "{url}");
        }
    }
}
