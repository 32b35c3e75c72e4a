//! The bundle's files and their sizes, raw and gzip (best compression, as a static
//! host would serve it), and the table of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cmd::Result;

/// The budget for index.html + JS + wasm + CSS, gzip. 1 KB = 1024 bytes.
pub const GZIP_BUDGET_BYTES: u64 = 340 * 1024;

/// The kinds of file whose sizes count towards the budget, in table order.
pub const KINDS: [&str; 4] = ["html", "js", "wasm", "css"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSize {
    /// Relative to dist/, with forward slashes.
    pub path: String,
    /// One of KINDS, or "other" (icons, fonts: not counted).
    pub kind: &'static str,
    pub raw: u64,
    pub gzip: u64,
}

pub fn kind_of(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html") => "html",
        Some("js") | Some("mjs") => "js",
        Some("wasm") => "wasm",
        Some("css") => "css",
        _ => "other",
    }
}

pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .map(|out| out.len() as u64)
        .expect("gzip into memory cannot fail")
}

pub fn measure_dir(dist: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    let mut stack = vec![dist.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
                .path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let rel = relative(dist, &path);
            files.push(FileSize {
                kind: kind_of(&rel),
                path: rel,
                raw: bytes.len() as u64,
                gzip: gzip_len(&bytes),
            });
        }
    }
    files.sort_by(|a, b| {
        let order = |k: &str| KINDS.iter().position(|&x| x == k).unwrap_or(KINDS.len());
        order(a.kind)
            .cmp(&order(b.kind))
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(files)
}

fn relative(base: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(base).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// (raw, gzip) summed over one kind.
pub fn totals_for(files: &[FileSize], kind: &str) -> (u64, u64) {
    files
        .iter()
        .filter(|f| f.kind == kind)
        .fold((0, 0), |(r, g), f| (r + f.raw, g + f.gzip))
}

/// (raw, gzip) summed over the budgeted kinds.
pub fn budget_totals(files: &[FileSize]) -> (u64, u64) {
    KINDS.iter().fold((0, 0), |(r, g), kind| {
        let (kr, kg) = totals_for(files, kind);
        (r + kr, g + kg)
    })
}

pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

pub fn table(files: &[FileSize]) -> String {
    let mut out = format!("  {:<44} {:>11} {:>11}\n", "file (dist/)", "raw", "gzip");
    for file in files {
        let name = if file.kind == "other" {
            format!("{} (not counted)", file.path)
        } else {
            file.path.clone()
        };
        out.push_str(&format!(
            "  {:<44} {:>11} {:>11}\n",
            name,
            kb(file.raw),
            kb(file.gzip)
        ));
    }
    out.push_str(&format!("  {}\n", "-".repeat(68)));
    for kind in KINDS {
        let (raw, gzip) = totals_for(files, kind);
        out.push_str(&format!(
            "  {:<44} {:>11} {:>11}\n",
            format!("{kind} total"),
            kb(raw),
            kb(gzip)
        ));
    }
    let (raw, gzip) = budget_totals(files);
    out.push_str(&format!(
        "  {:<44} {:>11} {:>11}   (budget {} gzip)\n",
        "html + js + wasm + css",
        kb(raw),
        kb(gzip),
        kb(GZIP_BUDGET_BYTES)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::fixtures::file;

    #[test]
    fn classifies_bundle_files() {
        assert_eq!(kind_of("index.html"), "html");
        assert_eq!(kind_of("lifecycle-console-1a2b.js"), "js");
        assert_eq!(kind_of("lifecycle-console-1a2b_bg.wasm"), "wasm");
        assert_eq!(kind_of("style-9f.CSS"), "css");
        assert_eq!(kind_of("favicon.svg"), "other");
        assert_eq!(kind_of("LICENSE"), "other");
    }

    #[test]
    fn gzip_shrinks_repetitive_text_and_is_deterministic() {
        let text = "<div class=\"row\"></div>".repeat(200);
        let once = gzip_len(text.as_bytes());
        assert!(once < text.len() as u64 / 10, "{once}");
        assert_eq!(once, gzip_len(text.as_bytes()));
        // An empty input still has the gzip header and trailer.
        assert!(gzip_len(b"") >= 20);
    }

    #[test]
    fn totals_count_only_the_budgeted_kinds() {
        let files = [
            file("index.html", 1000, 400),
            file("app.js", 20_000, 5_000),
            file("app_bg.wasm", 300_000, 100_000),
            file("style.css", 4_000, 1_000),
            file("icon.png", 9_999, 9_999),
        ];
        assert_eq!(totals_for(&files, "wasm"), (300_000, 100_000));
        assert_eq!(budget_totals(&files), (325_000, 106_400));
        let table = table(&files);
        assert!(table.contains("icon.png (not counted)"), "{table}");
        assert!(table.contains("html + js + wasm + css"), "{table}");
        assert!(table.contains("103.9 KB"), "{table}");
    }

    #[test]
    fn measures_a_directory_tree() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><html></html>").unwrap();
        std::fs::write(dir.join("assets/app.js"), "export{}").unwrap();
        let files = measure_dir(&dir).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["index.html", "assets/app.js"]);
        assert_eq!(files[0].raw, 28);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
