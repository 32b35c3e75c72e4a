//! `cargo xtask setup`: installs exactly what is missing, and says for each item
//! whether it was found (with its version) or installed. Project-local tools go into
//! the git-ignored `tools/` folder, so a fresh clone installs them for real.
//!
//! By how each item is installed: [`rust`] (rustup, and cargo install into tools/),
//! [`npm`] (wasm-opt and the e2e packages), [`debian`] (chromium and nginx through
//! apt-get).

mod debian;
mod npm;
mod rust;

use std::time::Instant;

use crate::cmd::{human_duration, Ctx, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// trunk 0.22 needs a newer rustc than the machines have (TOOLCHAIN.md).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen (108) emits wasm that Chromium rejects at start-up (TOOLCHAIN.md).
pub const BINARYEN_VERSION: &str = "132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's nginx, for the hosting suite (TOOLCHAIN.md: usable on loopback).
pub const NGINX: &str = crate::hosting::NGINX;

/// Versions found or installed, for the record (bench/results.json).
#[derive(Clone, Debug, Default)]
pub struct Versions {
    pub trunk: String,
    pub wasm_bindgen: String,
    pub wasm_opt: String,
    pub chromium: String,
}

pub fn run(ctx: &Ctx) -> Result<Versions> {
    let start = Instant::now();
    println!("setup: checking the toolchain (project-local tools live in tools/)");
    let mut versions = Versions::default();
    disk_space(ctx);
    rust::rust_target(ctx)?;
    rust::rust_components(ctx)?;
    versions.trunk = rust::trunk(ctx)?;
    versions.wasm_bindgen = rust::wasm_bindgen(ctx)?;
    versions.wasm_opt = npm::wasm_opt(ctx)?;
    versions.chromium = debian::chromium(ctx)?;
    debian::nginx(ctx)?;
    npm::e2e_packages(ctx)?;
    println!("setup: ready in {}", human_duration(start.elapsed()));
    println!();
    Ok(versions)
}

fn report(item: &str, outcome: &str) {
    println!("setup: {item:<36} {outcome}");
}

fn installed(item: &str, version: &str, since: Instant) {
    report(
        item,
        &format!(
            "installed {version} (in {})",
            human_duration(since.elapsed())
        ),
    );
}

/// What a full `cargo xtask test` writes on a fresh clone: about 3.3 GB under
/// target/ and up to 1 GB more while cargo builds trunk and wasm-bindgen-cli
/// in a temporary directory (measured 2026-11-22).
const DISK_NEEDED_GB: f64 = 5.0;

/// Reports the free space where target/ grows, and warns when a full run will
/// not fit: a CI run once ended mid-build on "No space left on device", and the
/// first line of the log should already say why.
fn disk_space(ctx: &Ctx) {
    let item = "disk space (for target/)";
    let free_gb = ctx
        .cmd("df")
        .arg("-Pk")
        .arg(&ctx.root)
        .probe()
        .and_then(|out| free_kilobytes(&out))
        .map(|kb| kb as f64 / 1024.0 / 1024.0);
    match free_gb {
        Some(gb) if gb < DISK_NEEDED_GB => report(
            item,
            &format!(
                "WARNING: {gb:.1} GB free; a full test run needs about {DISK_NEEDED_GB} GB \
                 and builds may fail with \"No space left on device\""
            ),
        ),
        Some(gb) => report(item, &format!("{gb:.1} GB free")),
        None => report(item, "unknown (`df -Pk` gave no answer)"),
    }
}

/// The "Available" column of `df -Pk`'s one filesystem line, in kilobytes.
fn free_kilobytes(df_output: &str) -> Option<u64> {
    df_output
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// The version-looking word right after `marker` in a `--version` output, e.g.
/// "trunk 0.21.14" -> "0.21.14", "wasm-opt version 132 (version_132)" -> "132",
/// "Chromium 156.0.8078.73 built on Debian" -> "156.0.8078.73".
pub fn version_after(output: &str, marker: &str) -> Option<String> {
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            if pair[0] == marker {
                let word = pair[1].trim_start_matches('v').trim_end_matches([',', ';']);
                if word.starts_with(|c: char| c.is_ascii_digit()) {
                    return Some(word.to_string());
                }
            }
        }
    }
    None
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_space_is_read_from_the_available_column_of_df() {
        let df = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n\
                  /dev/vda         263174212 62914560  33554432      66% /\n";
        assert_eq!(free_kilobytes(df), Some(33_554_432));
        assert_eq!(
            free_kilobytes("Filesystem 1024-blocks Used Available\n"),
            None
        );
        assert_eq!(
            free_kilobytes("df: /nowhere: No such file or directory\n"),
            None
        );
    }

    #[test]
    fn parses_tool_version_outputs() {
        assert_eq!(
            version_after("trunk 0.21.14\n", "trunk").as_deref(),
            Some("0.21.14")
        );
        assert_eq!(
            version_after("wasm-bindgen 0.2.130\n", "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            version_after("wasm-opt version 132 (version_132)\n", "version").as_deref(),
            Some("132")
        );
        assert_eq!(
            version_after("wasm-opt version 108\n", "version").as_deref(),
            Some("108")
        );
        assert_eq!(
            version_after(
                "Chromium 156.0.8078.73 built on Debian GNU/Linux 12\n",
                "Chromium"
            )
            .as_deref(),
            Some("156.0.8078.73")
        );
        assert_eq!(
            version_after(
                "ChromeDriver 156.0.8078.73 (1a2b-refs/branch-heads/1234@{#5})\n",
                "ChromeDriver"
            )
            .as_deref(),
            Some("156.0.8078.73")
        );
        assert_eq!(
            version_after("rustc 1.95.0 (59807616e 2026-04-14)", "rustc").as_deref(),
            Some("1.95.0")
        );
    }

    #[test]
    fn version_probe_rejects_non_versions() {
        assert_eq!(version_after("trunk: command not found", "trunk"), None);
        assert_eq!(version_after("", "trunk"), None);
        assert_eq!(version_after("wasm-opt version", "version"), None);
    }
}
