//! The browser run: the release sandbox serves dist/ on a fresh database with
//! 100,000 generated users, and e2e/bench/run.mjs drives headless Chromium through
//! it and writes raw samples ([`BrowserRun`]); [`super::figures`] turns them into
//! the results' sections.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::results::{BrowserInfo, MemoryReading, SandboxInfo};
use super::stats::round1;
use crate::cmd::{Ctx, Result};
use crate::sandbox::{free_port, Sandbox, SandboxArgs};

/// Generated users in the sandbox the browser benchmarks run against.
pub const SEED_USERS: u32 = 100_000;
/// Seeding 100,000 users happens before the sandbox answers; on a busy machine that
/// takes a while.
const SANDBOX_STARTUP: Duration = Duration::from_secs(15 * 60);
/// The sandbox stops by itself after this long, should xtask be killed outright.
const SANDBOX_EXIT_AFTER: Duration = Duration::from_secs(3600);

/// What e2e/bench/run.mjs writes (target/bench/browser.json). Everything is optional:
/// a benchmark that failed leaves only its `error`, a value the browser could not
/// read is null.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BrowserRun {
    /// The browser and the machine, kept in results.json as they are.
    #[serde(flatten)]
    pub machine: BrowserInfo,
    /// The whole run failed.
    pub error: Option<String>,
    pub cold_load: Option<Samples<ColdLoadSample>>,
    pub action: Option<Samples<ActionSample>>,
    pub list: Option<ListRun>,
    pub memory: Option<MemoryRun>,
    pub paste_list: Option<PasteListRun>,
    pub export: Option<ExportRun>,
}

/// One benchmark's samples, or its error.
#[derive(Clone, Debug, Deserialize)]
pub struct Samples<S> {
    pub error: Option<String>,
    pub url_path: Option<String>,
    pub warmup_loads_discarded: Option<u64>,
    pub user_id: Option<String>,
    pub samples: Option<Vec<S>>,
}

/// Milliseconds from navigation start.
#[derive(Clone, Debug, Deserialize)]
pub struct ColdLoadSample {
    /// To the user's state badge having text.
    pub ms: Option<f64>,
    pub painted_ms: Option<f64>,
    pub html_end_ms: Option<f64>,
    pub js_end_ms: Option<f64>,
    pub wasm_end_ms: Option<f64>,
    pub dom_content_loaded_ms: Option<f64>,
    pub config_end_ms: Option<f64>,
    pub user_request_start_ms: Option<f64>,
    pub user_request_end_ms: Option<f64>,
    /// The document and every request until the state showed (Resource Timing).
    pub requests: Option<Vec<RequestSample>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RequestSample {
    #[serde(default)]
    pub path: String,
    /// The document itself.
    #[serde(default)]
    pub navigation: bool,
    pub body_bytes: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ActionSample {
    /// lock or unlock.
    pub action: Option<String>,
    pub total_ms: Option<f64>,
    pub request_ms: Option<f64>,
    pub before_request_ms: Option<f64>,
    pub after_response_ms: Option<f64>,
}

/// The list benchmark, per page size.
#[derive(Clone, Debug, Deserialize)]
pub struct ListRun {
    pub error: Option<String>,
    #[serde(rename = "100")]
    pub rows_100: Option<Samples<ListSample>>,
    #[serde(rename = "1000")]
    pub rows_1000: Option<Samples<ListSample>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ListSample {
    pub ms: Option<f64>,
    pub painted_ms: Option<f64>,
    pub request_ms: Option<f64>,
    pub server_wait_ms: Option<f64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct MemoryRun {
    pub error: Option<String>,
    /// How the readings were taken.
    pub method: Option<String>,
    pub readings: Option<Vec<MemoryReading>>,
}

/// A pasted list checked and run to completion, with the main thread watched
/// throughout (run.mjs `pasteList`).
#[derive(Clone, Debug, Deserialize)]
pub struct PasteListRun {
    pub error: Option<String>,
    pub lines: Option<u64>,
    pub dry_run_ms: Option<f64>,
    pub run_ms: Option<f64>,
    pub longest_task_ms: Option<f64>,
    pub long_tasks: Option<u64>,
    pub longest_frame_gap_ms: Option<f64>,
    pub outcome: Option<String>,
}

/// The whole list exported as CSV (run.mjs `exportAll`).
#[derive(Clone, Debug, Deserialize)]
pub struct ExportRun {
    pub error: Option<String>,
    pub method: Option<String>,
    pub rows: Option<u64>,
    pub file_bytes: Option<u64>,
    pub ms: Option<f64>,
    pub js_heap_before_bytes: Option<f64>,
    pub js_heap_peak_bytes: Option<f64>,
    pub js_heap_after_bytes: Option<f64>,
    pub wasm_memory_before_bytes: Option<f64>,
    pub wasm_memory_after_bytes: Option<f64>,
}

/// Starts the release sandbox on a fresh, seeded database serving dist/, runs
/// e2e/bench/run.mjs against it, and returns what the sandbox took to start and
/// the script's output.
pub fn browser_run(ctx: &Ctx) -> Result<(SandboxInfo, BrowserRun)> {
    ctx.cargo()
        .args(["build", "--release", "-p", "sandbox"])
        .what("cargo build --release -p sandbox")
        .run()?;
    let binary = ctx.target_dir().join("release/sandbox");
    let dir = ctx.target_dir().join("bench");
    let port = free_port(None)?;
    let args = SandboxArgs {
        reset: true,
        seed: Some(SEED_USERS),
        serve: Some(ctx.root.join("dist")),
        exit_after: Some(SANDBOX_EXIT_AFTER),
        ..SandboxArgs::new(port, dir.join("bench.sqlite"))
    }
    .to_args();
    println!("bench: seeding {SEED_USERS} users takes a few seconds");
    let started = Instant::now();
    let mut sandbox = Sandbox::start(ctx, &binary, &args, port, &dir.join("sandbox.log"))?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    let start_seconds = started.elapsed().as_secs_f64();
    let sandbox_info = SandboxInfo {
        binary: ctx.rel(&binary),
        profile: "release".into(),
        seed_users: SEED_USERS,
        seed_and_start_seconds: round1(start_seconds),
        database: "new on every run (--reset --seed), so each run starts from the same state"
            .into(),
    };

    let out = dir.join("browser.json");
    let _ = std::fs::remove_file(&out);
    let result = ctx
        .cmd("node")
        .arg("bench/run.mjs")
        .env("BASE_URL", sandbox.base_url())
        .env("BENCH_OUT", &out)
        .cwd(ctx.root.join("e2e"))
        .what("the browser benchmarks (node bench/run.mjs)")
        .run();
    if result.is_err() {
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    drop(sandbox);
    let text = match std::fs::read_to_string(&out) {
        Ok(text) => text,
        Err(e) => {
            result?;
            return Err(format!("cannot read {}: {e}", ctx.rel(&out)));
        }
    };
    let run: BrowserRun = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not what bench/run.mjs writes: {e}", ctx.rel(&out)))?;
    Ok((sandbox_info, run))
}
