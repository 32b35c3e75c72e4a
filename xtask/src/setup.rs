//! `cargo xtask setup`: installs exactly what is missing, and says for each item
//! whether it was found (with its version) or installed. Project-local tools go into
//! the git-ignored `tools/` folder, so a fresh clone installs them for real.

use std::path::Path;
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
/// Debian's hook that keeps package scripts from starting services (exit 101).
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";

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
    rust_target(ctx)?;
    rust_components(ctx)?;
    versions.trunk = trunk(ctx)?;
    versions.wasm_bindgen = wasm_bindgen(ctx)?;
    versions.wasm_opt = wasm_opt(ctx)?;
    versions.chromium = chromium(ctx)?;
    nginx(ctx)?;
    e2e_packages(ctx)?;
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

fn rust_target(ctx: &Ctx) -> Result {
    let item = format!("rust target {WASM_TARGET}");
    let rustc = ctx
        .cmd("rustc")
        .arg("--version")
        .probe()
        .and_then(|out| version_after(&out, "rustc"))
        .unwrap_or_else(|| "rustc ?".into());
    let installed_targets = ctx
        .cmd("rustup")
        .args(["target", "list", "--installed"])
        .probe();
    match installed_targets {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => {
            report(&item, &format!("found (rustc {rustc})"));
            Ok(())
        }
        Some(_) => {
            let since = Instant::now();
            ctx.cmd("rustup")
                .args(["target", "add", WASM_TARGET])
                .what("rustup target add")
                .run()?;
            installed(&item, &format!("for rustc {rustc}"), since);
            Ok(())
        }
        None => {
            // No rustup: accept a toolchain that already ships the target.
            let sysroot = ctx
                .cmd("rustc")
                .args(["--print", "sysroot"])
                .probe()
                .unwrap_or_default();
            let lib = Path::new(sysroot.trim())
                .join("lib/rustlib")
                .join(WASM_TARGET);
            if lib.is_dir() {
                report(&item, &format!("found (rustc {rustc}, no rustup)"));
                Ok(())
            } else {
                Err(format!(
                    "the Rust target {WASM_TARGET} is missing and rustup is not available \
                     to add it; install rustup and run `rustup target add {WASM_TARGET}`"
                ))
            }
        }
    }
}

fn rust_components(ctx: &Ctx) -> Result {
    let item = "rust components rustfmt, clippy";
    let Some(list) = ctx
        .cmd("rustup")
        .args(["component", "list", "--installed"])
        .probe()
    else {
        // Without rustup the suites will say clearly if either tool is missing.
        report(item, "not checked (no rustup)");
        return Ok(());
    };
    let missing: Vec<&str> = ["rustfmt", "clippy"]
        .into_iter()
        .filter(|c| !list.lines().any(|l| l.trim().starts_with(&format!("{c}-"))))
        .collect();
    if missing.is_empty() {
        report(item, "found");
        return Ok(());
    }
    let since = Instant::now();
    ctx.cmd("rustup")
        .args(["component", "add"])
        .args(&missing)
        .what("rustup component add")
        .run()?;
    installed(item, &missing.join(", "), since);
    Ok(())
}

fn trunk(ctx: &Ctx) -> Result<String> {
    let item = format!("trunk {TRUNK_VERSION}");
    let bin = ctx.tools().join("bin/trunk");
    let found = ctx
        .cmd(&bin)
        .arg("--version")
        .probe()
        .and_then(|out| version_after(&out, "trunk"));
    if found.as_deref() == Some(TRUNK_VERSION) {
        report(&item, &format!("found {TRUNK_VERSION} (tools/bin/trunk)"));
        return Ok(TRUNK_VERSION.into());
    }
    if let Some(other) = &found {
        println!("setup: tools/bin/trunk is {other}, replacing it with {TRUNK_VERSION}");
    }
    let since = Instant::now();
    println!("setup: building trunk from crates.io (6 to 10 minutes on 2 cores)");
    ctx.cargo()
        .args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ])
        .arg("--root")
        .arg(ctx.tools())
        .what("cargo install trunk")
        .run()?;
    let now = ctx
        .cmd(&bin)
        .arg("--version")
        .probe()
        .and_then(|out| version_after(&out, "trunk"));
    if now.as_deref() != Some(TRUNK_VERSION) {
        return Err(format!(
            "cargo install trunk finished but tools/bin/trunk --version says {now:?}, \
             not {TRUNK_VERSION}"
        ));
    }
    installed(&item, TRUNK_VERSION, since);
    Ok(TRUNK_VERSION.into())
}

fn wasm_bindgen(ctx: &Ctx) -> Result<String> {
    let lock_path = ctx.root.join("Cargo.lock");
    if !lock_path.is_file() {
        ctx.cargo()
            .arg("generate-lockfile")
            .what("cargo generate-lockfile")
            .run()?;
    }
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let wanted = wasm_bindgen_version_in_lock(&lock)?;
    let item = format!("wasm-bindgen-cli {wanted}");
    let bin = ctx.tools().join("bin/wasm-bindgen");
    let runner = ctx.tools().join("bin/wasm-bindgen-test-runner");
    let probe = |path: &Path, name: &str| {
        ctx.cmd(path)
            .arg("--version")
            .probe()
            .and_then(|out| version_after(&out, name))
    };
    let found = probe(&bin, "wasm-bindgen");
    let runner_found = probe(&runner, "wasm-bindgen-test-runner");
    // The runner's --version wording has changed over releases; its presence next to a
    // matching wasm-bindgen (they ship in one package) is what matters.
    if found.as_deref() == Some(wanted.as_str()) && (runner_found.is_some() || runner.is_file()) {
        report(
            &item,
            &format!("found {wanted} (tools/bin/wasm-bindgen, wasm-bindgen-test-runner)"),
        );
        return Ok(wanted);
    }
    if let Some(other) = &found {
        println!(
            "setup: tools/bin/wasm-bindgen is {other} but Cargo.lock has {wanted}: replacing it"
        );
    }
    let since = Instant::now();
    // No --locked: the CLI's own lockfile pins a webpki-roots release the registry
    // does not serve (TOOLCHAIN.md).
    ctx.cargo()
        .args(["install", "wasm-bindgen-cli", "--version"])
        .arg(format!("={wanted}"))
        .arg("--force")
        .arg("--root")
        .arg(ctx.tools())
        .what("cargo install wasm-bindgen-cli")
        .run()?;
    let now = probe(&bin, "wasm-bindgen");
    if now.as_deref() != Some(wanted.as_str()) || !runner.is_file() {
        return Err(format!(
            "cargo install wasm-bindgen-cli finished but tools/bin/wasm-bindgen says {now:?} \
             (wanted {wanted}) or wasm-bindgen-test-runner is missing"
        ));
    }
    if found.is_some() {
        // Test binaries built for the old runner confuse the new one (TOOLCHAIN.md).
        ctx.cargo()
            .args(["clean", "-p", "lifecycle-console", "--target", WASM_TARGET])
            .what("cargo clean")
            .run()?;
    }
    installed(&item, &wanted, since);
    Ok(wanted)
}

fn wasm_opt(ctx: &Ctx) -> Result<String> {
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

fn chromium(ctx: &Ctx) -> Result<String> {
    let item = "chromium + chromedriver (Debian)";
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    let since = Instant::now();
    if !present {
        apt_install(ctx, &["chromium", "chromium-driver"])?;
        if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
            return Err(format!(
                "apt-get installed chromium and chromium-driver but {CHROMIUM} or \
                 {CHROMEDRIVER} is still missing"
            ));
        }
    }
    let browser = ctx
        .cmd(CHROMIUM)
        .arg("--version")
        .probe()
        .and_then(|out| version_after(&out, "Chromium"))
        .unwrap_or_else(|| "?".into());
    let driver = ctx
        .cmd(CHROMEDRIVER)
        .arg("--version")
        .probe()
        .and_then(|out| version_after(&out, "ChromeDriver"))
        .unwrap_or_else(|| "?".into());
    let versions = format!("{browser} / chromedriver {driver}");
    if present {
        report(item, &format!("found {versions}"));
    } else {
        installed(item, &versions, since);
    }
    if major(&browser) != major(&driver) {
        println!(
            "setup: warning: chromium {browser} and chromedriver {driver} differ in major \
             version; the browser unit tests need them to match"
        );
    }
    Ok(browser)
}

/// nginx for `cargo xtask test hosting`, which runs its own instance on 127.0.0.1.
/// Installed without letting the package start the system service (which would
/// listen on port 80 of every interface, or fail the install when 80 is taken).
fn nginx(ctx: &Ctx) -> Result {
    let item = "nginx (Debian)";
    let version = || {
        ctx.cmd(NGINX)
            .arg("-v")
            .probe()
            .and_then(|out| {
                out.split_whitespace()
                    .find_map(|w| w.strip_prefix("nginx/").map(str::to_string))
            })
            .unwrap_or_else(|| "?".into())
    };
    if Path::new(NGINX).is_file() {
        report(item, &format!("found {} ({NGINX})", version()));
        return Ok(());
    }
    let since = Instant::now();
    let made_policy = !Path::new(POLICY_RC_D).exists();
    if made_policy {
        as_root(ctx, &["nginx"])?
            .args(["sh", "-c"])
            .arg(format!(
                "printf '#!/bin/sh\\nexit 101\\n' > {POLICY_RC_D} && chmod 755 {POLICY_RC_D}"
            ))
            .what("writing policy-rc.d (no service start during the install)")
            .run()?;
    }
    let installed_ok = apt_install(ctx, &["nginx"]);
    if made_policy {
        as_root(ctx, &["nginx"])?
            .args(["rm", "-f", POLICY_RC_D])
            .what("removing policy-rc.d")
            .run()?;
    }
    installed_ok?;
    if !Path::new(NGINX).is_file() {
        return Err(format!(
            "apt-get installed nginx but {NGINX} is still missing"
        ));
    }
    installed(item, &version(), since);
    Ok(())
}

/// A command prefix that runs as root: nothing when we are root, `sudo` when it
/// works without a password, else an error that says what to run.
fn as_root(ctx: &Ctx, packages: &[&str]) -> Result<crate::cmd::Cmd> {
    let is_root = ctx
        .cmd("id")
        .arg("-u")
        .probe()
        .is_some_and(|uid| uid.trim() == "0");
    if is_root {
        return Ok(ctx.cmd("env"));
    }
    if ctx.cmd("sudo").args(["-n", "true"]).probe().is_none() {
        return Err(format!(
            "installing {} needs root. Run:\n  sudo apt-get update && sudo \
             DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}\n\
             then run this command again",
            packages.join(" "),
            packages.join(" ")
        ));
    }
    Ok(ctx.cmd("sudo").arg("env"))
}

/// `apt-get update` then install, as root, through sudo when that is available.
fn apt_install(ctx: &Ctx, packages: &[&str]) -> Result {
    let apt = |args: &[&str]| -> Result<crate::cmd::Cmd> {
        Ok(as_root(ctx, packages)?
            .args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
            .args(args))
    };
    apt(&["update"])?.what("apt-get update").run()?;
    apt(&["install", "-y", "--no-install-recommends"])?
        .args(packages)
        .what("apt-get install")
        .run()
}

fn e2e_packages(ctx: &Ctx) -> Result {
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

/// The one version of the `wasm-bindgen` package recorded in Cargo.lock.
pub fn wasm_bindgen_version_in_lock(lock: &str) -> Result<String> {
    let mut versions = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if field("name").as_deref() == Some("wasm-bindgen") {
            if let Some(version) = field("version") {
                versions.push(version);
            }
        }
    }
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(
            "Cargo.lock has no `wasm-bindgen` package: the app crate should depend \
                   on wasm-bindgen (pinned with `=`)"
                .into(),
        ),
        many => Err(format!(
            "Cargo.lock has several `wasm-bindgen` versions ({}): pin one with \
             `wasm-bindgen = \"=X.Y.Z\"` so the CLI can match it",
            many.join(", ")
        )),
    }
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

    const LOCK: &str = r#"
# This file is automatically @generated by Cargo.
version = 4

[[package]]
name = "wasm-bindgen-backend"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "abc"
dependencies = [
 "cfg-if",
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-test"
version = "0.3.53"
"#;

    #[test]
    fn reads_the_wasm_bindgen_version_from_cargo_lock() {
        assert_eq!(wasm_bindgen_version_in_lock(LOCK).unwrap(), "0.2.130");
    }

    #[test]
    fn missing_or_duplicate_wasm_bindgen_is_an_error() {
        let none = "[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n";
        assert!(wasm_bindgen_version_in_lock(none)
            .unwrap_err()
            .contains("no `wasm-bindgen`"));
        let two = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        let err = wasm_bindgen_version_in_lock(&two).unwrap_err();
        assert!(err.contains("0.2.130, 0.2.99"), "{err}");
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
