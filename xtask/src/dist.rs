//! `cargo xtask dist`: the release build for a static host, and the nginx `server`
//! that serves it (deploy/nginx.conf filled in for this very build).
//!
//! Everything the headers promise is computed here from the built files, in one
//! place: the Content-Security-Policy ([`content_security_policy`]) allows exactly
//! the inline scripts of the built index.html (by their sha256) and the API origins
//! of its config.json, so that nothing else can run or be called.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::cmd::{human_duration, Ctx, Result};

/// The nginx `server` template (see the file's own header for its two stages).
pub const NGINX_TEMPLATE: &str = include_str!("../../deploy/nginx.conf");
/// The name `dist` gives the filled template: the official nginx image runs envsubst
/// over /etc/nginx/templates/*.template into /etc/nginx/conf.d/*.conf.
pub const TEMPLATE_NAME: &str = "lifecycle-console.conf.template";
/// Where the official nginx image serves from, and so the default `root`.
pub const DEFAULT_ROOT: &str = "/usr/share/nginx/html";

/// The environment variables the template reads when nginx starts.
pub const ENV_LISTEN: &str = "CONSOLE_LISTEN";
pub const ENV_WEAVR_API_KEY: &str = "WEAVR_API_KEY";
pub const ENV_WEAVR_MULTI_URL: &str = "WEAVR_MULTI_URL";
pub const ENV_WEAVR_PAYMENT_RUN_URL: &str = "WEAVR_PAYMENT_RUN_URL";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Where the app is served from, e.g. `/` or `/admin/`.
    pub public_url: String,
    /// Output folder (default target/deploy).
    pub out: Option<PathBuf>,
    /// The deployment's config.json, instead of public/config.json.
    pub config: Option<PathBuf>,
    /// nginx `root`: where `<out>/site/` is copied to on the server.
    pub root: String,
    /// More origins for connect-src (connections admins add in Settings).
    pub connect_src: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            public_url: "/".into(),
            out: None,
            config: None,
            root: DEFAULT_ROOT.into(),
            connect_src: Vec::new(),
        }
    }
}

pub fn run(ctx: &Ctx, options: &Options) -> Result {
    crate::setup::run(ctx)?;
    let public_url = normalize_public_url(&options.public_url)?;
    check_root(&options.root)?;
    // Paths given on the command line are the caller's; trunk runs from the root.
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let out = match &options.out {
        Some(out) => cwd.join(out),
        None => ctx.target_dir().join("deploy"),
    };
    let site = out.join("site");
    let app_dir = app_dir(&site, &public_url);
    if site.exists() {
        std::fs::remove_dir_all(&site)
            .map_err(|e| format!("cannot empty {}: {e}", site.display()))?;
    }
    let start = Instant::now();
    trunk_build(ctx, &public_url, &app_dir)?;
    println!(
        "dist: trunk build for {public_url} took {}",
        human_duration(start.elapsed())
    );
    if let Some(config) = &options.config {
        let config = cwd.join(config);
        std::fs::copy(&config, app_dir.join("config.json"))
            .map_err(|e| format!("cannot copy {} into the build: {e}", config.display()))?;
    }
    let server = prepare_site(&app_dir, &public_url, &options.root, &options.connect_src)?;
    let nginx_dir = out.join("nginx");
    std::fs::create_dir_all(&nginx_dir)
        .map_err(|e| format!("cannot create {}: {e}", nginx_dir.display()))?;
    let template_path = nginx_dir.join(TEMPLATE_NAME);
    write(&template_path, &server.template)?;
    for note in &server.notes {
        println!("dist: note: {note}");
    }
    println!("dist: the app, for {public_url}, in {}", ctx.rel(&site));
    println!("dist: Content-Security-Policy: {}", server.csp);
    println!("dist: nginx server template in {}", ctx.rel(&template_path));
    println!(
        "dist: copy {}/ to {} on the server; nginx reads at start: {}",
        ctx.rel(&site),
        options.root,
        server.env.join(", ")
    );
    Ok(())
}

/// `trunk build --release` for `public_url` into `dir`, offline so that trunk uses
/// our wasm-bindgen and wasm-opt (TOOLCHAIN.md).
pub fn trunk_build(ctx: &Ctx, public_url: &str, dir: &Path) -> Result {
    ctx.cmd("trunk")
        .args([
            "build",
            "--release",
            "--offline",
            "--public-url",
            public_url,
        ])
        .arg("--dist")
        .arg(dir)
        .what("trunk build")
        .run()?;
    if !dir.join("index.html").is_file() {
        return Err(format!(
            "trunk build finished but {} is missing",
            dir.join("index.html").display()
        ));
    }
    Ok(())
}

/// Where the app's files go inside the site tree (which mirrors URL paths, so that
/// one `root` serves any public URL): `site/` for `/`, `site/admin/` for `/admin/`.
pub fn app_dir(site: &Path, public_url: &str) -> PathBuf {
    let rel = public_url.trim_matches('/');
    if rel.is_empty() {
        site.to_path_buf()
    } else {
        site.join(rel)
    }
}

/// The nginx server for one built app, and what nginx needs from the environment.
#[derive(Clone, Debug)]
pub struct Server {
    pub template: String,
    pub csp: String,
    /// The `${NAME}`s left for envsubst, in order of appearance.
    pub env: Vec<String>,
    pub notes: Vec<String>,
}

/// Makes a built app ready for nginx: writes `.gz` next to every hashed asset, and
/// renders the server template from its index.html and config.json.
pub fn prepare_site(
    app_dir: &Path,
    public_url: &str,
    root: &str,
    extra_connect_src: &[String],
) -> Result<Server> {
    let read = |name: &str| {
        let path = app_dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let html = read("index.html")?;
    let config = read("config.json")?;
    precompress_assets(app_dir)?;
    render_server(&html, &config, public_url, root, extra_connect_src)
}

/// deploy/nginx.conf filled in for one build: pure, so that it is tested as it is.
pub fn render_server(
    index_html: &str,
    config_json: &str,
    public_url: &str,
    root: &str,
    extra_connect_src: &[String],
) -> Result<Server> {
    let public_url = normalize_public_url(public_url)?;
    check_root(root)?;
    let page = inspect_index_html(index_html)?;
    let plan = read_config(config_json)?;
    let mut origins = plan.origins.clone();
    for extra in extra_connect_src {
        let origin = origin_of(extra).map_err(|e| format!("--connect-src {extra}: {e}"))?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    let csp = content_security_policy(&page.script_hashes, &origins);
    let mut values = vec![
        ("ROOT", root.to_string()),
        ("PUBLIC_URL", public_url.clone()),
        ("PUBLIC_URL_REGEX", public_url.replace('.', "\\.")),
        (
            "PUBLIC_URL_BARE",
            public_url.trim_end_matches('/').to_string(),
        ),
        ("CONTENT_SECURITY_POLICY", csp.clone()),
    ];
    if let Some(path) = &plan.weavr_multi {
        values.push(("WEAVR_MULTI_PATH", path.clone()));
    }
    if let Some(path) = &plan.weavr_payment_run {
        values.push(("WEAVR_PAYMENT_RUN_PATH", path.clone()));
    }
    let sections = [
        ("SUB_PATH", public_url != "/"),
        ("WEAVR_MULTI", plan.weavr_multi.is_some()),
        ("WEAVR_PAYMENT_RUN", plan.weavr_payment_run.is_some()),
    ];
    let template = fill_template(NGINX_TEMPLATE, &values, &sections)?;
    let env = env_names(&template);
    let mut notes = plan.notes;
    notes.extend(page.notes);
    Ok(Server {
        template,
        csp,
        env,
        notes,
    })
}

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

/// What the nginx server needs from config.json.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigPlan {
    /// Origins the browser calls, other than this site: for connect-src.
    pub origins: Vec<String>,
    /// Same-origin paths of the Weavr proxies (no trailing slash).
    pub weavr_multi: Option<String>,
    pub weavr_payment_run: Option<String>,
    pub notes: Vec<String>,
}

/// Reads the connections of config.json (the app checks the rest at start).
pub fn read_config(json: &str) -> Result<ConfigPlan> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("config.json is not valid JSON: {e}"))?;
    let connections = value["connections"]
        .as_array()
        .ok_or("config.json has no `connections` list")?;
    let mut plan = ConfigPlan::default();
    fn add_origin(origin: String, plan: &mut ConfigPlan) {
        if !plan.origins.contains(&origin) {
            plan.origins.push(origin);
        }
    }
    for connection in connections {
        let name = connection["name"].as_str().unwrap_or("(no name)");
        let provider = connection["provider"].as_str().unwrap_or("");
        let base = connection["apiBaseUrl"].as_str().unwrap_or("");
        let weavr = match provider {
            "weavr-multi" => Some(&mut plan.weavr_multi),
            "weavr-payment-run" => Some(&mut plan.weavr_payment_run),
            _ => None,
        };
        if base.starts_with("http://") || base.starts_with("https://") {
            let origin = origin_of(base).map_err(|e| format!("apiBaseUrl of “{name}”: {e}"))?;
            add_origin(origin, &mut plan);
        } else if let Some(slot) = weavr {
            let path =
                site_path(base).map_err(|e| format!("apiBaseUrl of “{name}” ({provider}): {e}"))?;
            match slot {
                Some(existing) if *existing != path => {
                    return Err(format!(
                        "config.json has two {provider} connections on different paths \
                         ({existing} and {path}): the nginx server proxies one"
                    ))
                }
                _ => *slot = Some(path),
            }
        } else {
            plan.notes.push(format!(
                "“{name}” calls this site ({}) for {provider}: this nginx server does not \
                 proxy it; give it the API's https:// origin",
                if base.is_empty() {
                    "apiBaseUrl \"\""
                } else {
                    base
                }
            ));
        }
        match connection["issuer"].as_str() {
            Some(issuer) if issuer.starts_with("http://") || issuer.starts_with("https://") => {
                let origin = origin_of(issuer).map_err(|e| format!("issuer of “{name}”: {e}"))?;
                add_origin(origin, &mut plan);
            }
            // The app reads "" and "/..." as this site's origin.
            Some(issuer) if issuer.is_empty() || issuer.starts_with('/') => {
                plan.notes.push(format!(
                    "“{name}” has its OIDC issuer on this site ({issuer:?}): this nginx \
                     server does not proxy it; give the issuer's https:// URL"
                ));
            }
            Some(issuer) => {
                return Err(format!(
                    "issuer of “{name}”: `{issuer}` is not an http:// or https:// URL"
                ))
            }
            None => {}
        }
    }
    Ok(plan)
}

/// A same-origin path for a proxy, as written in config.json, without its trailing
/// slash; only characters that are plain in an nginx location.
fn site_path(path: &str) -> Result<String> {
    let trimmed = path.trim_end_matches('/');
    let plain = trimmed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    let dotted = trimmed.split('/').any(|s| s == "." || s == "..");
    if !path.starts_with('/') || path.starts_with("//") || trimmed.is_empty() {
        return Err(format!(
            "`{path}` must be a path on this site such as /weavr/multi (Weavr's api-key \
             needs a proxy)"
        ));
    }
    if !plain || dotted || trimmed.contains("//") {
        return Err(format!(
            "`{path}` may hold only letters, digits and / - _ . ~"
        ));
    }
    Ok(trimmed.to_string())
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

/// `/`, `/admin` or `/admin/` -> `/` or `/admin/`: what trunk's --public-url and the
/// nginx locations take. Only characters that are plain in a URL path and in nginx.
pub fn normalize_public_url(url: &str) -> Result<String> {
    let explain = || {
        format!(
            "the public URL `{url}` must be a path such as / or /admin/ (letters, digits, \
             - _ . ~ and /)"
        )
    };
    if !url.starts_with('/') || url.contains("//") {
        return Err(explain());
    }
    let plain = url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    if !plain || url.split('/').any(|s| s == "." || s == "..") {
        return Err(explain());
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// nginx `root`: an absolute path of characters nginx reads plainly.
fn check_root(root: &str) -> Result {
    let odd = |c: char| "\"'$\\;{}#".contains(c) || c.is_whitespace() || c.is_control();
    if !root.starts_with('/') || root.chars().any(odd) {
        return Err(format!(
            "--root `{root}` must be an absolute path without spaces, quotes, $, \\, ;, \
             braces or #"
        ));
    }
    Ok(())
}

/// Fills `{{NAME}}`s with `values` and keeps or drops the lines between
/// `# {{#SECTION}}` and `# {{/SECTION}}`. Every `{{NAME}}` left is an error: the
/// template and this code must agree.
pub fn fill_template(
    template: &str,
    values: &[(&str, String)],
    sections: &[(&str, bool)],
) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut open: Vec<(&str, bool)> = Vec::new();
    for line in template.lines() {
        let marker = line
            .trim()
            .strip_prefix("# {{")
            .and_then(|m| m.strip_suffix("}}"));
        if let Some(marker) = marker {
            if let Some(name) = marker.strip_prefix('#') {
                let keep = sections
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, keep)| *keep)
                    .ok_or_else(|| format!("the template has an unknown section `{name}`"))?;
                open.push((name, keep));
                continue;
            }
            if let Some(name) = marker.strip_prefix('/') {
                match open.pop() {
                    Some((n, _)) if n == name => continue,
                    _ => {
                        return Err(format!(
                            "the template closes section `{name}` it did not open"
                        ))
                    }
                }
            }
        }
        if open.iter().all(|(_, keep)| *keep) {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some((name, _)) = open.last() {
        return Err(format!("the template leaves section `{name}` open"));
    }
    for (name, value) in values {
        // The CSP sits between double quotes; the regex too, where \. is literal.
        let forbidden = match *name {
            "CONTENT_SECURITY_POLICY" => "\"$\\",
            "PUBLIC_URL_REGEX" => "\"'$;{}#",
            _ => "\"'$\\;{}#",
        };
        let spaces_allowed = *name == "CONTENT_SECURITY_POLICY";
        let unsafe_char = value.chars().any(|c| {
            forbidden.contains(c) || c.is_control() || (c.is_whitespace() && !spaces_allowed)
        });
        if unsafe_char {
            return Err(format!(
                "`{value}` cannot go into the nginx config as {name}"
            ));
        }
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    if let Some(left) = placeholders(&out, "{{", "}}").first() {
        return Err(format!("the template's {{{{{left}}}}} has no value"));
    }
    // Blank lines where sections were dropped: at most one in a row.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = false;
    for line in out.lines() {
        if line.trim().is_empty() {
            if blank {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    Ok(tidy)
}

/// Names between `open` and `close` that look like NAME (upper case, digits, _).
fn placeholders(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        if let Some(j) = rest.find(close) {
            let name = &rest[..j];
            let is_name = !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if is_name && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The `${NAME}`s envsubst fills when nginx starts.
pub fn env_names(template: &str) -> Vec<String> {
    placeholders(template, "${", "}")
}

/// envsubst for named variables only (what the nginx image does with
/// NGINX_ENVSUBST_FILTER): `${NAME}` and nothing else, so nginx's own `$uri` stays.
/// Values must be safe inside the config; every `${NAME}` must get one.
pub fn envsubst(template: &str, vars: &[(&str, &str)]) -> Result<String> {
    let mut out = template.to_string();
    for (name, value) in vars {
        if value.is_empty()
            || value
                .chars()
                .any(|c| "\"'$\\;{}#".contains(c) || c.is_whitespace() || c.is_control())
        {
            return Err(format!(
                "{name} is empty or has a character nginx would misread (quotes, $, \\, ;, \
                 braces, #, spaces)"
            ));
        }
        out = out.replace(&format!("${{{name}}}"), value);
    }
    let missing = env_names(&out);
    if !missing.is_empty() {
        return Err(format!("no value for {}", missing.join(", ")));
    }
    Ok(out)
}

/// trunk's names for hashed files: `name-<16 hex>[_bg].js|wasm|css|svg`, the same
/// pattern as the nginx location that caches them for a year.
pub fn is_hashed_asset(file_name: &str) -> bool {
    let Some((stem, ext)) = file_name.rsplit_once('.') else {
        return false;
    };
    if !["js", "wasm", "css", "svg"].contains(&ext) {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((name, hash)) => {
            !name.is_empty()
                && !name.contains('/')
                && hash.len() == 16
                && hash.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
        }
        None => false,
    }
}

/// Writes `<file>.gz` (gzip -9, no timestamp) next to every hashed asset, for
/// nginx's gzip_static. Other files change after the build (config.json) or are
/// small, and are compressed on the fly.
pub fn precompress_assets(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_file() || !is_hashed_asset(&name) {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let gz_path = dir.join(format!("{name}.gz"));
        let mut encoder = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        let gz = encoder
            .write_all(&bytes)
            .and_then(|_| encoder.finish())
            .map_err(|e| format!("cannot compress {}: {e}", path.display()))?;
        // A tiny file can come out larger: nginx then serves it as it is.
        if gz.len() < bytes.len() {
            write_bytes(&gz_path, &gz)?;
            written.push(gz_path);
        }
    }
    written.sort();
    Ok(written)
}

fn write(path: &Path, text: &str) -> Result {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What trunk 0.21 writes for `--public-url /admin/` (abridged).
    const INDEX: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Lifecycle console</title>
    <base href="/admin/" />
    
<script type="module">
import init, * as bindings from '/admin/lifecycle-console-ad160321911f5050.js';
const wasm = await init({ module_or_path: '/admin/lifecycle-console-ad160321911f5050_bg.wasm' });
</script>
    <link rel="stylesheet" href="/admin/main-8de381580b2f01c2.css" integrity="sha384-Cvy0"/>
  <link rel="modulepreload" href="/admin/lifecycle-console-ad160321911f5050.js" crossorigin="anonymous"></head>
  <body></body>
</html>
"#;

    const CONFIG: &str = r#"{"connections": [
      {"name": "Prod", "provider": "zitadel-v2", "apiBaseUrl": "https://Acme.zitadel.cloud:443/",
       "issuer": "https://login.acme.example", "clientId": "123@console"},
      {"name": "Staging", "provider": "zitadel-v3alpha", "apiBaseUrl": "https://acme.zitadel.cloud"},
      {"name": "Multi", "provider": "weavr-multi", "apiBaseUrl": "/weavr/multi/"},
      {"name": "Runs", "provider": "weavr-payment-run", "apiBaseUrl": "/weavr/payment-run"}
    ]}"#;

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

    #[test]
    fn config_gives_the_origins_and_the_weavr_proxy_paths() {
        let plan = read_config(CONFIG).unwrap();
        assert_eq!(
            plan.origins,
            ["https://acme.zitadel.cloud", "https://login.acme.example"]
        );
        assert_eq!(plan.weavr_multi.as_deref(), Some("/weavr/multi"));
        assert_eq!(
            plan.weavr_payment_run.as_deref(),
            Some("/weavr/payment-run")
        );
        assert!(plan.notes.is_empty());

        let shipped = r#"{"connections": [{"name": "Sandbox", "provider": "zitadel-v2", "apiBaseUrl": "",
              "issuer": "/", "clientId": "lifecycle-console"},
            {"name": "W", "provider": "weavr-multi", "apiBaseUrl": "https://proxy.example/multi"}]}"#;
        let plan = read_config(shipped).unwrap();
        assert_eq!(plan.origins, ["https://proxy.example"]);
        assert_eq!(plan.weavr_multi, None);
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert!(plan.notes.iter().all(|n| n.contains("does not proxy")));
    }

    #[test]
    fn config_that_the_server_cannot_serve_is_refused() {
        for (json, words) in [
            ("[]", "no `connections`"),
            ("{", "not valid JSON"),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": ""}]}"#,
                "needs a proxy",
            ),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": "/w/../x"}]}"#,
                "may hold only",
            ),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": "/a"},
                   {"name": "V", "provider": "weavr-multi", "apiBaseUrl": "/b"}]}"#,
                "two weavr-multi",
            ),
            (
                r#"{"connections": [{"name": "Z", "provider": "zitadel-v2", "apiBaseUrl": "https://a\"b"}]}"#,
                "invalid host",
            ),
            (
                r#"{"connections": [{"name": "Z", "provider": "zitadel-v2", "issuer": "ftp://x"}]}"#,
                "issuer",
            ),
        ] {
            let err = read_config(json).unwrap_err();
            assert!(err.contains(words), "{json}: {err}");
        }
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

    #[test]
    fn public_urls_are_paths_with_a_trailing_slash() {
        assert_eq!(normalize_public_url("/").unwrap(), "/");
        assert_eq!(normalize_public_url("/admin").unwrap(), "/admin/");
        assert_eq!(
            normalize_public_url("/tools/admin/").unwrap(),
            "/tools/admin/"
        );
        for bad in [
            "admin/",
            "//x/",
            "/a b/",
            "/../",
            "/a;b/",
            "/$x/",
            "https://x/",
        ] {
            assert!(normalize_public_url(bad).is_err(), "{bad}");
        }
        assert_eq!(app_dir(Path::new("/s"), "/"), Path::new("/s"));
        assert_eq!(app_dir(Path::new("/s"), "/a/b/"), Path::new("/s/a/b"));
    }

    #[test]
    fn hashed_assets_are_recognised_like_the_nginx_location_does() {
        for name in [
            "lifecycle-console-ad160321911f5050.js",
            "lifecycle-console-ad160321911f5050_bg.wasm",
            "main-8de381580b2f01c2.css",
            "favicon-f18d499ee4a2551a.svg",
        ] {
            assert!(is_hashed_asset(name), "{name}");
        }
        for name in [
            "index.html",
            "config.json",
            "main.css",
            "main-8DE381580B2F01C2.css",
            "main-8de381580b2f01c.css",
            "-8de381580b2f01c2.css",
            "x-8de381580b2f01c2.js.gz",
        ] {
            assert!(!is_hashed_asset(name), "{name}");
        }
    }

    #[test]
    fn the_template_fills_in_for_a_build() {
        let server = render_server(INDEX, CONFIG, "/admin", "/srv/console", &[]).unwrap();
        let t = &server.template;
        assert!(t.contains("root \"/srv/console\";"), "{t}");
        assert!(t.contains("location /admin/ {\n        try_files $uri /admin/index.html;"));
        assert!(t.contains("location = /admin/config.json {"));
        assert!(t.contains("location / {\n        return 404;"));
        assert!(t.contains("location = /admin {\n        return 301 /admin/;"));
        assert!(t.contains(
            r#"location ~ "^/admin/[^/]+-[0-9a-f]{16}(?:_bg)?\.(?:js|wasm|css|svg)$" {"#
        ));
        assert!(t.contains(&format!(
            "add_header Content-Security-Policy \"{}\" always;",
            server.csp
        )));
        assert!(server
            .csp
            .contains("connect-src 'self' https://acme.zitadel.cloud https://login.acme.example;"));
        assert!(t.contains("location ^~ /weavr/multi/ {"));
        assert!(t.contains("location = /weavr/payment-run/v1/users {"));
        assert!(!t.contains("{{"), "{t}");
        assert_eq!(
            server.env,
            [
                "CONSOLE_LISTEN",
                "WEAVR_API_KEY",
                "WEAVR_MULTI_URL",
                "WEAVR_PAYMENT_RUN_URL"
            ]
        );
        // add_header at server level only: a location with its own drops them all.
        let server_block = &t[t.find("\nserver {").unwrap()..];
        let mut depth = 0;
        for line in server_block.lines() {
            let code = line.split('#').next().unwrap();
            if code.trim_start().starts_with("add_header") {
                assert_eq!(depth, 1, "add_header inside a location: {line}");
            }
            depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        }
    }

    #[test]
    fn without_weavr_connections_there_is_no_proxy_and_no_key() {
        let config = r#"{"connections": [{"name": "P", "provider": "zitadel-v2", "apiBaseUrl": "https://a.example"}]}"#;
        let server = render_server(
            INDEX,
            config,
            "/",
            DEFAULT_ROOT,
            &["https://b.example/".into()],
        )
        .unwrap();
        assert!(!server.template.contains("weavr/"), "{}", server.template);
        assert!(!server.template.contains("proxy_pass"));
        assert_eq!(server.env, ["CONSOLE_LISTEN"]);
        assert!(server
            .csp
            .contains("connect-src 'self' https://a.example https://b.example;"));
        assert!(server
            .template
            .contains("location / {\n        try_files $uri /index.html;"));
        assert!(!server.template.contains("return 301"));
        assert!(!server.template.contains("\n\n\n"));
        assert!(render_server(INDEX, config, "/", DEFAULT_ROOT, &["*".into()]).is_err());
        assert!(render_server(INDEX, config, "/", "relative/dir", &[]).is_err());
    }

    #[test]
    fn sections_and_placeholders_must_match_the_code() {
        let t = "a {{X}}\n# {{#S}}\nb\n# {{/S}}\nc\n";
        assert_eq!(
            fill_template(t, &[("X", "1".into())], &[("S", false)]).unwrap(),
            "a 1\nc\n"
        );
        assert_eq!(
            fill_template(t, &[("X", "1".into())], &[("S", true)]).unwrap(),
            "a 1\nb\nc\n"
        );
        assert!(fill_template(t, &[], &[("S", true)])
            .unwrap_err()
            .contains("{{X}}"));
        assert!(fill_template(t, &[("X", "1".into())], &[])
            .unwrap_err()
            .contains("unknown section"));
        assert!(fill_template("# {{#S}}\n", &[], &[("S", true)]).is_err());
        assert!(fill_template("a {{X}}\n", &[("X", "a;b".into())], &[]).is_err());
    }

    #[test]
    fn envsubst_fills_named_variables_only() {
        let t = "listen ${CONSOLE_LISTEN};\nset $x $uri;\nproxy_set_header api-key \"${WEAVR_API_KEY}\";\n";
        let filled = envsubst(
            t,
            &[
                ("CONSOLE_LISTEN", "127.0.0.1:8088"),
                ("WEAVR_API_KEY", "k-1/2+3="),
            ],
        )
        .unwrap();
        assert_eq!(
            filled,
            "listen 127.0.0.1:8088;\nset $x $uri;\nproxy_set_header api-key \"k-1/2+3=\";\n"
        );
        assert!(envsubst(t, &[("CONSOLE_LISTEN", "80")])
            .unwrap_err()
            .contains("WEAVR_API_KEY"));
        for bad in ["a\"b", "$uri", "a b", "", "a;b"] {
            assert!(
                envsubst(t, &[("CONSOLE_LISTEN", "80"), ("WEAVR_API_KEY", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn precompressed_assets_decompress_to_the_originals() {
        let dir = std::env::temp_dir().join(format!("xtask-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let wasm = b"\0asm wasm wasm wasm wasm wasm wasm wasm wasm".repeat(4);
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), &wasm).unwrap();
        std::fs::write(dir.join("icon-0123456789abcdef.svg"), b"<svg/>").unwrap();
        std::fs::write(dir.join("config.json"), b"{}").unwrap();
        let written = precompress_assets(&dir).unwrap();
        assert_eq!(written, [dir.join("app-0123456789abcdef_bg.wasm.gz")]);
        let gz = std::fs::read(&written[0]).unwrap();
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
        assert_eq!(plain, wasm);
        assert!(!dir.join("config.json.gz").exists());
        // Smaller as it is than gzipped: left alone.
        assert!(!dir.join("icon-0123456789abcdef.svg.gz").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
