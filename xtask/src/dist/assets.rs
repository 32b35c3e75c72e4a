//! The hashed files trunk writes, and their gzip for nginx's gzip_static.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::write_bytes;
use crate::cmd::Result;

/// trunk's names for hashed files: `name-<hash>[_bg].js|wasm|css|svg`, the hash in
/// lowercase hex without leading zeros (up to 16 digits), the same pattern as the nginx
/// location that caches them for a year.
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
                && (1..=16).contains(&hash.len())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_recognised_like_the_nginx_location_does() {
        for name in [
            "lifecycle-console-ad160321911f5050.js",
            "lifecycle-console-ad160321911f5050_bg.wasm",
            "main-8de381580b2f01c2.css",
            "favicon-f18d499ee4a2551a.svg",
            // A hash with a leading zero, as trunk writes it.
            "lifecycle-console-e72a4e30d965bb4.js",
        ] {
            assert!(is_hashed_asset(name), "{name}");
        }
        for name in [
            "index.html",
            "config.json",
            "main.css",
            "main-8DE381580B2F01C2.css",
            "main-8de381580b2f01c2a.css",
            "-8de381580b2f01c2.css",
            "x-8de381580b2f01c2.js.gz",
        ] {
            assert!(!is_hashed_asset(name), "{name}");
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
