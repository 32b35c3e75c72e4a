//! The Rust side: the wasm target and components through rustup, and trunk and
//! wasm-bindgen-cli at their exact versions through `cargo install` into tools/.

use std::path::Path;
use std::time::Instant;

use super::{installed, report, version_after, TRUNK_VERSION, WASM_TARGET};
use crate::cmd::{Ctx, Result};

pub fn rust_target(ctx: &Ctx) -> Result {
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

pub fn rust_components(ctx: &Ctx) -> Result {
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

pub fn trunk(ctx: &Ctx) -> Result<String> {
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

pub fn wasm_bindgen(ctx: &Ctx) -> Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
