//! `cargo xtask dist`: the release build for a static host, and the nginx `server`
//! that serves it (deploy/nginx.conf filled in for this very build).
//!
//! Everything the headers promise is computed here from the built files, in one
//! place: the Content-Security-Policy ([`csp::content_security_policy`]) allows exactly
//! the inline scripts of the built index.html (by their sha256) and the API origins
//! of its config.json, so that nothing else can run or be called.
//!
//! The jobs, one module each: [`html`] reads the built index.html (its inline
//! scripts, and what the CSP would block), [`config`] reads config.json (API origins
//! and Weavr proxy paths), [`csp`] writes the policy, [`nginx`] fills the server
//! template, [`assets`] precompresses the hashed files.

mod assets;
mod config;
mod csp;
#[cfg(test)]
mod fixtures;
mod html;
mod nginx;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::{human_duration, Ctx, Result};

pub use csp::origin_of;
pub use nginx::{
    envsubst, render_server, Server, DEFAULT_ROOT, ENV_LISTEN, ENV_WEAVR_API_KEY,
    ENV_WEAVR_MULTI_URL, ENV_WEAVR_PAYMENT_RUN_URL, TEMPLATE_NAME,
};

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
    assets::precompress_assets(app_dir)?;
    render_server(&html, &config, public_url, root, extra_connect_src)
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

fn write(path: &Path, text: &str) -> Result {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
