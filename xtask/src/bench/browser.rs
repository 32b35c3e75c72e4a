//! The browser run: the release sandbox serves dist/ on a fresh database with
//! 100,000 generated users, e2e/bench/run.mjs drives headless Chromium and writes raw
//! samples, and those become the results' sections here.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::results::{
    Action, ActionOverhead, BrowserInfo, ByAction, ColdLoad, ColdLoadTimeline, FirstLoad,
    FirstLoadFile, List, ListRows, Memory, MemoryReading, Results, SandboxInfo, Section,
};
use super::sizes::FileSize;
use super::stats::{median, opt1, percentile, round1, sorted};
use crate::cmd::{Ctx, Result};
use crate::sandbox::{free_port, Sandbox, SandboxArgs};

/// Generated users in the sandbox the browser benchmarks run against.
pub const SEED_USERS: u32 = 100_000;
/// Seeding 100,000 users happens before the sandbox answers; on a busy machine that
/// takes a while.
const SANDBOX_STARTUP: Duration = Duration::from_secs(15 * 60);
/// The sandbox stops by itself after this long, should xtask be killed outright.
const SANDBOX_EXIT_AFTER: Duration = Duration::from_secs(3600);

/// `key` of every sample that has it as a number.
fn column(samples: &[Value], key: &str) -> Vec<f64> {
    samples
        .iter()
        .filter_map(|s| s.get(key).and_then(Value::as_f64))
        .collect()
}

/// The samples of a section of the browser run, or why there are none.
fn samples_of<'a>(section: Option<&'a Value>, what: &str) -> Result<&'a [Value]> {
    let section = section.ok_or_else(|| format!("the browser run has no {what} section"))?;
    if let Some(error) = section.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the {what} benchmark failed: {error}"));
    }
    let samples = section
        .get("samples")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("the {what} section has no samples"))?;
    if samples.is_empty() {
        return Err(format!("the {what} benchmark produced no samples"));
    }
    Ok(samples)
}

pub fn summarise_cold_load(section: Option<&Value>) -> Result<ColdLoad> {
    let samples = samples_of(section, "cold load")?;
    let section = section.expect("samples_of checked it");
    let ms = column(samples, "ms");
    if ms.len() != samples.len() {
        return Err("a cold load sample has no time".into());
    }
    let median_of = |key: &str| opt1(median(&column(samples, key)));
    Ok(ColdLoad {
        what: "navigation start (a fresh browser context each time, token put into \
               sessionStorage before the page runs) to the user's state badge \
               (`header [data-testid=state-badge]`) having text in the DOM"
            .into(),
        url_path: text(section, "url_path"),
        loads: ms.len(),
        warmup_loads_discarded: section
            .get("warmup_loads_discarded")
            .and_then(Value::as_u64),
        median_ms: opt1(median(&ms)),
        median_ms_budget: None,
        p95_ms: opt1(percentile(&ms, 95.0)),
        min_ms: opt1(sorted(&ms).first().copied()),
        max_ms: opt1(sorted(&ms).last().copied()),
        painted_median_ms: median_of("painted_ms"),
        painted_what:
            "the same, to a task posted from the next animation frame (after that frame's paint)"
                .into(),
        median_timeline_ms: ColdLoadTimeline {
            html_end_ms: median_of("html_end_ms"),
            js_end_ms: median_of("js_end_ms"),
            wasm_end_ms: median_of("wasm_end_ms"),
            dom_content_loaded_ms: median_of("dom_content_loaded_ms"),
            config_end_ms: median_of("config_end_ms"),
            user_request_start_ms: median_of("user_request_start_ms"),
            user_request_end_ms: median_of("user_request_end_ms"),
            state_shown_ms: opt1(median(&ms)),
        },
        samples_ms: ms.iter().map(|v| round1(*v)).collect(),
    })
}

pub fn summarise_action(section: Option<&Value>) -> Result<Action> {
    let samples = samples_of(section, "action")?;
    let section = section.expect("samples_of checked it");
    let overhead_of = |s: &Value| -> Option<f64> {
        Some(s.get("total_ms")?.as_f64()? - s.get("request_ms")?.as_f64()?)
    };
    let overhead: Vec<f64> = samples.iter().filter_map(overhead_of).collect();
    if overhead.len() != samples.len() {
        return Err("an action sample has no total or request time".into());
    }
    let of_action = |action: &str| {
        let these: Vec<f64> = samples
            .iter()
            .filter(|s| s.get("action").and_then(Value::as_str) == Some(action))
            .filter_map(overhead_of)
            .collect();
        ActionOverhead {
            actions: these.len(),
            overhead_median_ms: opt1(median(&these)),
            overhead_p95_ms: opt1(percentile(&these, 95.0)),
        }
    };
    let total = column(samples, "total_ms");
    let median_of = |key: &str| opt1(median(&column(samples, key)));
    Ok(Action {
        what: "click (Lock: the dialog's Lock button; Unlock: its button) to the new state \
               in the DOM, minus the POST's own duration (Resource Timing startTime to \
               responseEnd); alternating lock and unlock on one user, each after the \
               previous write's re-read"
            .into(),
        user_id: text(section, "user_id"),
        actions: overhead.len(),
        overhead_median_ms: opt1(median(&overhead)),
        overhead_p95_ms: opt1(percentile(&overhead, 95.0)),
        overhead_p95_ms_budget: None,
        overhead_max_ms: opt1(sorted(&overhead).last().copied()),
        total_median_ms: opt1(median(&total)),
        total_p95_ms: opt1(percentile(&total, 95.0)),
        request_median_ms: median_of("request_ms"),
        before_request_median_ms: median_of("before_request_ms"),
        after_response_median_ms: median_of("after_response_ms"),
        by_action: ByAction {
            lock: of_action("lock"),
            unlock: of_action("unlock"),
        },
        overhead_samples_ms: overhead.iter().map(|v| round1(*v)).collect(),
    })
}

pub fn summarise_list(section: Option<&Value>) -> Result<List> {
    let section = section.ok_or("the browser run has no list section")?;
    if let Some(error) = section.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the list benchmark failed: {error}"));
    }
    let rows = |size: &str| {
        let rows = section.get(size);
        Section::from_result(
            samples_of(rows, &format!("{size}-row list")).map(|samples| {
                let ms = column(samples, "ms");
                let median_of = |key: &str| opt1(median(&column(samples, key)));
                ListRows {
                    url_path: rows.and_then(|r| text(r, "url_path")),
                    loads: ms.len(),
                    median_ms: opt1(median(&ms)),
                    median_ms_budget: None,
                    p95_ms: opt1(percentile(&ms, 95.0)),
                    painted_median_ms: median_of("painted_ms"),
                    request_median_ms: median_of("request_ms"),
                    server_wait_median_ms: median_of("server_wait_ms"),
                    samples_ms: ms.iter().map(|v| round1(*v)).collect(),
                }
            }),
        )
    };
    Ok(List {
        what: "the POST /v2/users response's responseEnd (Resource Timing) to `tbody tr` \
               counting the page size in the DOM, after the admin switches Per page from 20 \
               to N in a freshly loaded, settled /users (a new browser context each time; \
               the first switch of each size is a warm-up)"
            .into(),
        rows_100: rows("100"),
        rows_1000: rows("1000"),
    })
}

pub fn summarise_memory(section: Option<&Value>) -> Result<Memory> {
    let section = section.ok_or("the browser run has no memory section")?;
    if let Some(error) = section.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the memory benchmark failed: {error}"));
    }
    let readings: Vec<MemoryReading> = section
        .get("readings")
        .and_then(Value::as_array)
        .filter(|r| r.len() >= 2)
        .ok_or("the memory benchmark has fewer than two readings")?
        .iter()
        .map(|reading| {
            let number = |key: &str| reading.get(key).and_then(Value::as_f64);
            MemoryReading {
                navigations: reading.get("navigations").and_then(Value::as_u64),
                js_heap_used_bytes: number("js_heap_used_bytes"),
                js_heap_total_bytes: number("js_heap_total_bytes"),
                wasm_memory_bytes: number("wasm_memory_bytes"),
                dom_nodes: number("dom_nodes"),
                js_event_listeners: number("js_event_listeners"),
            }
        })
        .collect();
    let (first, last) = (&readings[0], &readings[readings.len() - 1]);
    let growth = |read: fn(&MemoryReading) -> Option<f64>| Some(read(last)? - read(first)?);
    let js = growth(|r| r.js_heap_used_bytes).ok_or("no JS heap reading")?;
    let wasm = growth(|r| r.wasm_memory_bytes);
    Ok(Memory {
        what: text(section, "method"),
        navigations: last.navigations,
        start: first.clone(),
        end: last.clone(),
        js_heap_growth_bytes: js,
        wasm_memory_growth_bytes: wasm,
        growth_bytes: wasm.map(|wasm| js + wasm),
        growth_bytes_budget: None,
        not_measured: wasm.is_none().then(|| {
            "the wasm memory could not be read (no exported memory from trunk's \
             TrunkApplicationStarted event), so JS + wasm growth is unknown"
                .to_string()
        }),
        readings,
    })
}

/// What a cold load of a user page transfers (signed in, empty cache), from the
/// first measured cold load's Resource Timing: each file of dist/ it requested at
/// its gzip size (as a static host with gzip serves it; the document is
/// index.html), and the API answers at the bytes they came with.
pub fn first_load(cold_load: Option<&Value>, files: &[FileSize]) -> Result<FirstLoad> {
    let samples = samples_of(cold_load, "cold load")?;
    let requests = samples[0]
        .get("requests")
        .and_then(Value::as_array)
        .ok_or("the cold load samples do not list their requests")?;
    let mut from_dist = Vec::new();
    let mut api_bytes = 0;
    let mut api_requests = 0;
    for request in requests {
        let navigation = request["navigation"].as_bool().unwrap_or(false);
        let path = request["path"].as_str().unwrap_or_default();
        let dist_path = if navigation {
            "index.html"
        } else {
            path.trim_start_matches('/')
        };
        match files.iter().find(|f| f.path == dist_path) {
            Some(file) => from_dist.push(file),
            None => {
                api_requests += 1;
                api_bytes += request["body_bytes"].as_u64().unwrap_or(0);
            }
        }
    }
    if !from_dist.iter().any(|f| f.kind == "wasm") {
        return Err("the cold load requested no .wasm file of dist/".into());
    }
    let static_gzip: u64 = from_dist.iter().map(|f| f.gzip).sum();
    Ok(FirstLoad {
        what: "a cold load of the user page (signed in, empty cache): the files of dist/ \
               it requested at their gzip size, and its API answers as transferred"
            .into(),
        url_path: cold_load.and_then(|c| text(c, "url_path")),
        files: from_dist
            .iter()
            .map(|f| FirstLoadFile {
                path: f.path.clone(),
                gzip_bytes: f.gzip,
            })
            .collect(),
        files_gzip_bytes: static_gzip,
        api_requests,
        api_bytes,
        total_bytes: static_gzip + api_bytes,
    })
}

/// What the browser run said about the browser and the machine.
pub fn browser_info(run: &Value) -> BrowserInfo {
    let load_average = |key: &str| {
        run.get(key)
            .and_then(Value::as_array)
            .map(|values| values.iter().filter_map(Value::as_f64).collect())
    };
    BrowserInfo {
        version: text(run, "browser"),
        connection: text(run, "connection"),
        cpus: run.get("cpus").and_then(Value::as_u64),
        load_average_at_start: load_average("load_average_at_start"),
        load_average_at_end: load_average("load_average_at_end"),
        page_errors: run
            .get("page_errors")
            .and_then(Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string))
                    .collect()
            }),
    }
}

/// The browser run's file turned into the results' sections.
pub fn add_browser_sections(results: &mut Results, run: &Value) {
    if let Some(error) = run.get("error").and_then(Value::as_str) {
        let reason = format!("the browser run failed: {error}");
        results.cold_load = Some(Section::not_measured(&reason));
        results.action = Some(Section::not_measured(&reason));
        results.list = Some(Section::not_measured(&reason));
        results.memory = Some(Section::not_measured(reason));
        return;
    }
    results.cold_load = Some(Section::from_result(summarise_cold_load(
        run.get("cold_load"),
    )));
    results.action = Some(Section::from_result(summarise_action(run.get("action"))));
    results.list = Some(Section::from_result(summarise_list(run.get("list"))));
    results.memory = Some(Section::from_result(summarise_memory(run.get("memory"))));
}

/// A text field of the browser run, if it is one.
fn text(object: &Value, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Starts the release sandbox on a fresh, seeded database serving dist/, runs
/// e2e/bench/run.mjs against it, and returns what the sandbox took to start and
/// the script's output.
pub fn browser_run(ctx: &Ctx) -> Result<(SandboxInfo, Value)> {
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
    let run: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", ctx.rel(&out)))?;
    Ok((sandbox_info, run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::budgets::{apply_budgets, budget_table, Figure, Verdict};
    use crate::bench::fixtures::{file, versions};
    use serde_json::json;

    /// Results with a bundle of 1000 bytes gzip and nothing else measured.
    fn small_bundle() -> Results {
        Results::new(&[file("app_bg.wasm", 5_000, 1_000)], &versions(), None, 0)
    }

    #[test]
    fn the_first_load_counts_what_the_cold_load_requested() {
        let files = vec![
            file("index.html", 1300, 700),
            file("app-0123456789abcdef.js", 50_000, 9_000),
            file("app-0123456789abcdef_bg.wasm", 900_000, 300_000),
            file("main-0123456789abcdef.css", 8_000, 2_300),
            file("config.json", 600, 300),
            file("locales/de/common.json", 2_000, 900),
        ];
        let cold = json!({"url_path": "/users/7", "samples": [{"ms": 200.0, "requests": [
            {"path": "/users/7", "navigation": true, "transfer_bytes": 1600, "body_bytes": 1300},
            {"path": "/app-0123456789abcdef.js", "navigation": false, "body_bytes": 50_000},
            {"path": "/app-0123456789abcdef_bg.wasm", "navigation": false, "body_bytes": 900_000},
            {"path": "/main-0123456789abcdef.css", "navigation": false, "body_bytes": 8_000},
            {"path": "/config.json", "navigation": false, "body_bytes": 600},
            {"path": "/v2/users/7", "navigation": false, "body_bytes": 1_500},
            {"path": "/management/v1/users/7/grants/_search", "navigation": false, "body_bytes": 500},
        ]}]});
        // As written into results.json.
        let first = serde_json::to_value(first_load(Some(&cold), &files).unwrap()).unwrap();
        // The German catalogue was not requested, so it does not count.
        assert_eq!(
            first["files_gzip_bytes"],
            700 + 9_000 + 300_000 + 2_300 + 300
        );
        assert_eq!(first["files"].as_array().unwrap().len(), 5);
        assert_eq!(first["api_requests"], 2);
        assert_eq!(first["api_bytes"], 2_000);
        assert_eq!(
            first["total_bytes"],
            700 + 9_000 + 300_000 + 2_300 + 300 + 2_000
        );
        assert_eq!(first["url_path"], "/users/7");

        let without_requests = json!({"samples": [{"ms": 200.0}]});
        assert!(first_load(Some(&without_requests), &files).is_err());
        let no_wasm = json!({"samples": [{"ms": 1.0, "requests": [{"path": "/config.json"}]}]});
        assert!(first_load(Some(&no_wasm), &files).is_err());
        assert!(first_load(None, &files).is_err());
    }

    fn browser_run_output() -> Value {
        json!({
            "browser": "Chromium 156",
            "cold_load": {
                "url_path": "/users/1",
                "warmup_loads_discarded": 2,
                "samples": [
                    {"ms": 200.04, "painted_ms": 210.0, "wasm_end_ms": 90.0},
                    {"ms": 400.0, "painted_ms": 410.0, "wasm_end_ms": 100.0},
                    {"ms": 250.0, "painted_ms": 260.0, "wasm_end_ms": 95.0},
                ],
            },
            "action": {
                "user_id": "8",
                "samples": [
                    {"action": "lock", "total_ms": 30.0, "request_ms": 20.0},
                    {"action": "unlock", "total_ms": 12.0, "request_ms": 9.0},
                    {"action": "lock", "total_ms": 50.0, "request_ms": 20.0},
                ],
            },
            "list": {
                "100": {"samples": [{"ms": 20.0}, {"ms": 30.0}]},
                "1000": {"error": "timed out"},
            },
            "memory": {
                "readings": [
                    {"navigations": 0, "js_heap_used_bytes": 2_000_000, "wasm_memory_bytes": 1_000_000},
                    {"navigations": 500, "js_heap_used_bytes": 2_500_000, "wasm_memory_bytes": 1_065_536},
                ],
            },
        })
    }

    #[test]
    fn browser_samples_become_figures_and_failures_reasons() {
        let mut results = small_bundle();
        add_browser_sections(&mut results, &browser_run_output());
        // As written into results.json.
        let sections = serde_json::to_value(&results).unwrap();
        let cold = &sections["cold_load"];
        assert_eq!(cold["median_ms"], 250.0);
        assert_eq!(cold["p95_ms"], 400.0);
        assert_eq!(cold["loads"], 3);
        assert_eq!(cold["median_timeline_ms"]["wasm_end_ms"], 95.0);
        assert_eq!(cold["samples_ms"][0], 200.0);

        let action = &sections["action"];
        assert_eq!(action["overhead_median_ms"], 10.0);
        assert_eq!(action["overhead_p95_ms"], 30.0);
        assert_eq!(action["by_action"]["unlock"]["overhead_p95_ms"], 3.0);
        assert_eq!(action["by_action"]["lock"]["actions"], 2);

        assert_eq!(sections["list"]["rows_100"]["median_ms"], 25.0);
        assert_eq!(
            sections["list"]["rows_1000"]["not_measured"],
            "the 1000-row list benchmark failed: timed out"
        );
        assert_eq!(sections["memory"]["js_heap_growth_bytes"], 500_000.0);
        assert_eq!(sections["memory"]["growth_bytes"], 565_536.0);

        let rows = apply_budgets(&mut results);
        let results = serde_json::to_value(&results).unwrap();
        let verdicts: Vec<Verdict> = rows.iter().map(|(_, _, v)| *v).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Pass,
                Verdict::Pass,
                Verdict::Fail,
                Verdict::NotMeasured,
                Verdict::Pass
            ]
        );
        assert_eq!(results["action"]["overhead_p95_ms_budget"]["within"], false);
        assert_eq!(results["memory"]["growth_bytes_budget"]["within"], true);
        assert_eq!(
            rows[3].1,
            Figure::NotMeasured("the 1000-row list benchmark failed: timed out".into())
        );
        let table = budget_table(&rows);
        assert!(table.contains("action overhead"), "{table}");
        assert!(table.contains("30.0 ms"), "{table}");
        assert!(table.contains("<= 16.0 ms"), "{table}");
        assert!(table.contains("not measured (the 1000-row"), "{table}");
        assert!(table.contains("<= 5.00 MB"), "{table}");
    }

    #[test]
    fn a_failed_or_skipped_browser_run_is_never_a_number() {
        let mut failed = small_bundle();
        add_browser_sections(&mut failed, &json!({"error": "chromium did not start"}));
        let sections = serde_json::to_value(&failed).unwrap();
        assert_eq!(
            sections["memory"]["not_measured"],
            "the browser run failed: chromium did not start"
        );
        let mut results = small_bundle();
        results.cold_load = Some(Section::skipped("--size-profile runs no browser"));
        results.list = Some(Section::skipped("--size-profile runs no browser"));
        let rows = apply_budgets(&mut results);
        assert_eq!(rows[1].2, Verdict::Skipped);
        assert_eq!(
            rows[3].2,
            Verdict::Skipped,
            "a figure inside a skipped section"
        );
        assert_eq!(rows[2].2, Verdict::NotMeasured, "a section that is missing");
        let empty = json!({"samples": []});
        assert!(summarise_cold_load(Some(&empty)).is_err());
        assert!(summarise_memory(Some(&json!({"readings": [{}]}))).is_err());
    }
}
