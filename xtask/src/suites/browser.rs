//! The suites that run in a browser against a fresh sandbox: the app's wasm tests,
//! the proto check, and the Playwright journeys.

use std::path::PathBuf;
use std::time::Duration;

use super::counts::{parse_libtest, parse_node_tap, parse_playwright_report};
use super::APP;
use crate::cmd::{Ctx, Result};
use crate::sandbox::{free_port, Sandbox, SandboxArgs};
use crate::setup::{CHROMEDRIVER, WASM_TARGET};

/// A fixed port when free: the app's wasm tests read SANDBOX_URL at compile time, so a
/// new port means a rebuild of the test crate.
const WASM_SANDBOX_PORT: u16 = 18081;
const E2E_SANDBOX_PORT: u16 = 18082;
const PROTO_SANDBOX_PORT: u16 = 18083;
pub const SANDBOX_STARTUP: Duration = Duration::from_secs(60);
/// The sandbox stops by itself after this long, should xtask be killed outright.
pub const SANDBOX_EXIT_AFTER: Duration = Duration::from_secs(1800);

/// Builds the debug sandbox and starts it fresh (see [`fresh_sandbox`]) on `port` when
/// free, its database and log in target/xtask/<name>/, serving `serve` if given; returns
/// once it is healthy.
fn start_sandbox(ctx: &Ctx, name: &str, port: u16, serve: Option<PathBuf>) -> Result<Sandbox> {
    ctx.cargo()
        .args(["build", "-p", "sandbox"])
        .what("cargo build -p sandbox")
        .run()?;
    let port = free_port(Some(port))?;
    let dir = ctx.target_dir().join("xtask").join(name);
    let args = SandboxArgs {
        serve,
        ..fresh_sandbox(port, dir.join(format!("{name}.sqlite")))
    };
    let mut sandbox = Sandbox::start(
        ctx,
        &ctx.target_dir().join("debug/sandbox"),
        &args.to_args(),
        port,
        &dir.join("sandbox.log"),
    )?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    Ok(sandbox)
}

/// `result` of a suite run against `sandbox`, after printing the sandbox's last lines
/// when it failed (they often say why).
fn with_sandbox_tail(result: Result, sandbox: &Sandbox) -> Result {
    if result.is_err() {
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    result
}

pub fn wasm(ctx: &Ctx, detail: &mut String) -> Result {
    let sandbox = start_sandbox(ctx, "wasm", WASM_SANDBOX_PORT, None)?;
    let (lines, result) = ctx
        .cargo()
        // Every suite runs even when one fails, so one run shows all failures.
        .args(["test", "-p", APP, "--target", WASM_TARGET, "--no-fail-fast"])
        .env("SANDBOX_URL", sandbox.base_url())
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .what("cargo test --target wasm32-unknown-unknown")
        .run_tee();
    let counts = parse_libtest(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("wasm: {counts}");
    }
    with_sandbox_tail(result, &sandbox)?;
    if counts.is_none() {
        return Err("the wasm test run printed no `test result:` line".into());
    }
    Ok(())
}

/// e2e/proto/: every ZITADEL call the console makes, answered by a fresh sandbox and
/// read with `fromJson` of ZITADEL's response message (npm `@zitadel/proto`), under
/// Node's test runner.
pub fn proto(ctx: &Ctx, detail: &mut String) -> Result {
    let sandbox = start_sandbox(ctx, "proto", PROTO_SANDBOX_PORT, None)?;
    let (lines, result) = ctx
        .cmd("node")
        // TAP ends with `# pass N`, `# fail N`, ... whatever the terminal. One file at
        // a time: the files share the sandbox, and one's deletes must not race
        // another's list-then-read.
        .args([
            "--test",
            "--test-reporter=tap",
            "--test-concurrency=1",
            "proto/",
        ])
        .env("SANDBOX_URL", sandbox.base_url())
        .cwd(ctx.root.join("e2e"))
        .what("node --test (e2e/proto)")
        .run_tee();
    let counts = parse_node_tap(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("proto: {counts}");
    }
    with_sandbox_tail(result, &sandbox)?;
    match counts {
        None => Err("node --test printed no `# pass` / `# fail` summary".into()),
        Some(counts) if counts.passed == 0 => Err("node --test ran no tests".into()),
        Some(counts) if counts.failed > 0 => Err(format!("{} wire test(s) failed", counts.failed)),
        Some(_) => Ok(()),
    }
}

pub fn e2e(ctx: &Ctx, detail: &mut String) -> Result {
    crate::build_bundle(ctx)?;
    let sandbox = start_sandbox(ctx, "e2e", E2E_SANDBOX_PORT, Some(ctx.root.join("dist")))?;

    let result = run_playwright(
        ctx,
        "journeys",
        "playwright",
        &[("BASE_URL", sandbox.base_url().as_str())],
        detail,
    );
    with_sandbox_tail(result, &sandbox)
}

/// Runs one Playwright project of e2e/ with `env`, prints its summary line as
/// `<label>: N passed, N failed` (also the suite's detail), and fails when a test
/// failed, none ran, or Playwright reported errors outside the tests.
pub fn run_playwright(
    ctx: &Ctx,
    project: &str,
    label: &str,
    env: &[(&str, &str)],
    detail: &mut String,
) -> Result {
    let e2e_dir = ctx.root.join("e2e");
    let report_path = e2e_dir.join(format!("test-results/{project}-report.json"));
    // A report left from an earlier run must not be read as this run's.
    let _ = std::fs::remove_file(&report_path);
    let mut cmd = ctx
        .cmd("npx")
        .args(["--no", "playwright", "test"])
        .arg(format!("--project={project}"));
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    let result = cmd
        .env("REPORT_FILE", &report_path)
        .cwd(&e2e_dir)
        .what("playwright test")
        .run();
    let counts = std::fs::read_to_string(&report_path)
        .map_err(|e| format!("cannot read {}: {e}", ctx.rel(&report_path)))
        .and_then(|json| parse_playwright_report(&json));
    let counts = match counts {
        Ok(counts) => counts,
        Err(e) => {
            result?;
            return Err(e);
        }
    };
    let line = counts.summary_as(label);
    println!("{line}");
    *detail = line.trim_start_matches(&format!("{label}: ")).to_string();
    for error in &counts.errors {
        println!("playwright error: {error}");
    }
    if counts.failed > 0 {
        return Err(format!(
            "{} Playwright test(s) failed: see the output above",
            counts.failed
        ));
    }
    if !counts.errors.is_empty() {
        return Err("Playwright reported errors outside the tests: see above".into());
    }
    if counts.ran() == 0 {
        return Err("Playwright ran no tests".into());
    }
    result
}

/// Generated users on top of the fixed seed: enough for more than one page
/// of the users list, and users of their own for the v3alpha and bulk tests.
pub const EXTRA_USERS: u32 = 60;

/// A sandbox on a new database (the fixed seed and [`EXTRA_USERS`]) that stops by
/// itself after [`SANDBOX_EXIT_AFTER`].
pub fn fresh_sandbox(port: u16, db: PathBuf) -> SandboxArgs {
    SandboxArgs {
        reset: true,
        seed: Some(EXTRA_USERS),
        exit_after: Some(SANDBOX_EXIT_AFTER),
        ..SandboxArgs::new(port, db)
    }
}
