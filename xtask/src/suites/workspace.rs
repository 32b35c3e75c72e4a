//! The workspace's own checks: formatting, lints, and the native tests.

use super::counts::parse_libtest;
use super::APP;
use crate::cmd::{Ctx, Result};
use crate::setup::WASM_TARGET;

pub fn fmt(ctx: &Ctx, detail: &mut String) -> Result {
    *detail = "cargo fmt --all -- --check".into();
    ctx.cargo()
        .args(["fmt", "--all", "--", "--check"])
        .what("cargo fmt --check")
        .run()
        .map_err(|e| format!("{e} (`cargo fmt --all` fixes the formatting)"))
}

pub fn clippy(ctx: &Ctx, detail: &mut String) -> Result {
    *detail = "workspace native".into();
    ctx.cargo()
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .what("cargo clippy (native)")
        .run()?;
    *detail = "workspace native + app wasm32".into();
    ctx.cargo()
        .args([
            "clippy",
            "-p",
            APP,
            "--target",
            WASM_TARGET,
            "--all-targets",
        ])
        .args(["--", "-D", "warnings"])
        .what("cargo clippy (wasm32)")
        .run()
}

pub fn native(ctx: &Ctx, detail: &mut String) -> Result {
    let (lines, result) = ctx
        .cargo()
        .args(["test", "--workspace"])
        .what("cargo test --workspace")
        .run_tee();
    let counts = parse_libtest(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("native: {counts}");
    }
    result?;
    if counts.is_none() {
        return Err("cargo test printed no `test result:` line".into());
    }
    Ok(())
}
