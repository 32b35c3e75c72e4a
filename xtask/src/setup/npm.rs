//! What npm installs: wasm-opt (binaryen) into tools/, and the e2e packages.

use std::path::Path;
use std::time::Instant;

use super::{installed, report, version_after, BINARYEN_VERSION};
use crate::cmd::{Ctx, Result};

pub fn wasm_opt(ctx: &Ctx) -> Result<String> {
    let item = format!("wasm-opt (npm binaryen@{BINARYEN_VERSION})");
    let bin = ctx.tools().join("node_modules/.bin/wasm-opt");
    let probe = || {
        ctx.cmd(&bin)
            .arg("--version")
            .probe()
            .and_then(|out| version_after(&out, "version"))
    };
    let found = probe();
    if found.as_deref() == Some(BINARYEN_VERSION) {
        report(
            &item,
            &format!("found {BINARYEN_VERSION} (tools/node_modules/.bin/wasm-opt)"),
        );
        return Ok(BINARYEN_VERSION.into());
    }
    let since = Instant::now();
    std::fs::create_dir_all(ctx.tools())
        .map_err(|e| format!("cannot create {}: {e}", ctx.tools().display()))?;
    ctx.cmd("npm")
        .arg("install")
        .arg("--prefix")
        .arg(ctx.tools())
        .args(["--no-save", "--no-audit", "--no-fund"])
        .arg(format!("binaryen@{BINARYEN_VERSION}"))
        .what("npm install binaryen")
        .run()?;
    let now = probe();
    if now.as_deref() != Some(BINARYEN_VERSION) {
        return Err(format!(
            "npm installed binaryen but tools/node_modules/.bin/wasm-opt --version says \
             {now:?}, not version {BINARYEN_VERSION}"
        ));
    }
    installed(&item, BINARYEN_VERSION, since);
    Ok(BINARYEN_VERSION.into())
}

pub fn e2e_packages(ctx: &Ctx) -> Result {
    let item = "e2e npm packages (e2e/node_modules)";
    let e2e = ctx.root.join("e2e");
    let lock = e2e.join("package-lock.json");
    let hidden_lock = e2e.join("node_modules/.package-lock.json");
    if !lock.is_file() {
        return Err(format!(
            "{} is missing: the e2e project needs its lockfile",
            ctx.rel(&lock)
        ));
    }
    if is_up_to_date(&hidden_lock, &lock) {
        report(
            item,
            &format!("found (@playwright/test {})", playwright_version(&e2e)),
        );
        return Ok(());
    }
    let since = Instant::now();
    ctx.cmd("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .cwd(&e2e)
        .what("npm ci (e2e)")
        .run()?;
    installed(
        item,
        &format!("@playwright/test {}", playwright_version(&e2e)),
        since,
    );
    Ok(())
}

/// npm writes node_modules/.package-lock.json after every install, so an install
/// newer than the lockfile matches it.
fn is_up_to_date(product: &Path, source: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(product), modified(source)) {
        (Some(product), Some(source)) => product >= source,
        _ => false,
    }
}

fn playwright_version(e2e: &Path) -> String {
    std::fs::read_to_string(e2e.join("node_modules/@playwright/test/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["version"].as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_install_older_than_its_lockfile_is_stale() {
        let dir = std::env::temp_dir().join(format!("xtask-mtime-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lock = dir.join("package-lock.json");
        let hidden = dir.join(".package-lock.json");
        assert!(!is_up_to_date(&hidden, &lock));
        std::fs::write(&lock, "{}").unwrap();
        assert!(!is_up_to_date(&hidden, &lock));
        std::fs::write(&hidden, "{}").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&hidden)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert!(!is_up_to_date(&hidden, &lock));
        std::fs::File::options()
            .write(true)
            .open(&lock)
            .unwrap()
            .set_modified(old - std::time::Duration::from_secs(60))
            .unwrap();
        assert!(is_up_to_date(&hidden, &lock));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
