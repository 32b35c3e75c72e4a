//! `cargo xtask bench`: the release bundle's size, how fast it is in a browser, and
//! what makes up its wasm; results in bench/results.json, a table on stdout.
//!
//! 1. Sizes: index.html, JS, wasm and CSS of dist/, raw and gzip (best compression,
//!    as a static host would serve it).
//! 2. Browser (skipped with `--size-profile`): the release sandbox serves dist/ on a
//!    fresh database with 100,000 generated users; e2e/bench/run.mjs drives headless
//!    Chromium through cold loads, lock/unlock actions, 100- and 1,000-row list pages
//!    and 500 client-side navigations, and writes raw samples; medians, percentiles
//!    and budgets are computed here.
//! 3. Size profile: trunk's own cargo output (which keeps function names) through the
//!    same wasm-bindgen and `wasm-opt -Oz` as the bundle, with names kept (`-g`), then
//!    `twiggy top --retained`: the 15 items that keep the most code alive, and the
//!    code per crate.
//!
//! A figure that cannot be measured is written as `{"not_measured": reason}`, never
//! guessed; `--check` counts it as a miss.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};

use crate::cmd::{human_duration, Ctx, Result};
use crate::sandbox::{free_port, Sandbox};
use crate::setup::Versions;

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

/// What `cargo xtask bench` was asked to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Exit non-zero when a budget is missed or a budgeted figure was not measured.
    pub check: bool,
    /// Sizes and the size profile only: no sandbox, no browser.
    pub size_profile_only: bool,
}

/// Generated users in the sandbox the browser benchmarks run against.
pub const SEED_USERS: u32 = 100_000;
/// Seeding 100,000 users happens before the sandbox answers; on a busy machine that
/// takes a while.
const SANDBOX_STARTUP: Duration = Duration::from_secs(15 * 60);
/// The sandbox stops by itself after this long, should xtask be killed outright.
const SANDBOX_EXIT_AFTER_SECS: &str = "3600";
/// twiggy for the size profile, installed into tools/ on first use.
const TWIGGY_VERSION: &str = "0.8.0";
/// wasm-opt as for the bundle (`data-wasm-opt="z"`), with the wasm features rustc
/// emits for wasm32-unknown-unknown, and names kept for twiggy.
const WASM_OPT_ARGS: [&str; 8] = [
    "-Oz",
    "-g",
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];
/// How many items the size profile lists.
pub const TOP_ITEMS: usize = 15;

pub const MB: u64 = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Ms,
}

/// A budget on one figure of results.json: the figure is `field` of the object at
/// the JSON pointer `section`.
#[derive(Debug)]
pub struct Budget {
    pub key: &'static str,
    pub label: &'static str,
    pub section: &'static str,
    pub field: &'static str,
    pub max: f64,
    pub unit: Unit,
}

pub const BUDGETS: [Budget; 5] = [
    Budget {
        key: "bundle_gzip_total",
        label: "bundle, html+js+wasm+css gzip",
        section: "/bundle",
        field: "gzip_total_bytes",
        max: GZIP_BUDGET_BYTES as f64,
        unit: Unit::Bytes,
    },
    Budget {
        key: "cold_load_median",
        label: "cold load to the user's state, median",
        section: "/cold_load",
        field: "median_ms",
        max: 300.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "action_overhead_p95",
        label: "action overhead (minus request), p95",
        section: "/action",
        field: "overhead_p95_ms",
        max: 16.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "list_1000_rows_median",
        label: "1,000-row page, response to rows, median",
        section: "/list/rows_1000",
        field: "median_ms",
        max: 100.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "memory_growth",
        label: "memory growth, 500 navigations (JS+wasm)",
        section: "/memory",
        field: "growth_bytes",
        max: (5 * MB) as f64,
        unit: Unit::Bytes,
    },
];

/// A budgeted figure as found in the results.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    Value(f64),
    NotMeasured(String),
    Skipped(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    NotMeasured,
    Skipped,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::NotMeasured => "not measured",
            Verdict::Skipped => "skipped",
        }
    }
}

pub fn verdict(budget: &Budget, measured: &Figure) -> Verdict {
    match measured {
        Figure::Value(v) if *v <= budget.max => Verdict::Pass,
        Figure::Value(_) => Verdict::Fail,
        Figure::NotMeasured(_) => Verdict::NotMeasured,
        Figure::Skipped(_) => Verdict::Skipped,
    }
}

/// The figure `budget` is about, or why there is none: the nearest enclosing section
/// with a `not_measured` or `skipped` reason.
pub fn figure(results: &Value, budget: &Budget) -> Figure {
    if let Some(v) = results
        .pointer(budget.section)
        .and_then(|s| s.get(budget.field))
        .and_then(Value::as_f64)
    {
        return Figure::Value(v);
    }
    let mut pointer = budget.section;
    loop {
        if let Some(section) = results.pointer(pointer) {
            if let Some(reason) = section.get("skipped").and_then(Value::as_str) {
                return Figure::Skipped(reason.to_string());
            }
            if let Some(reason) = section.get("not_measured").and_then(Value::as_str) {
                return Figure::NotMeasured(reason.to_string());
            }
        }
        match pointer.rsplit_once('/') {
            Some((parent, _)) if !parent.is_empty() => pointer = parent,
            _ => break,
        }
    }
    Figure::NotMeasured(format!(
        "{}/{} is missing from the results",
        budget.section, budget.field
    ))
}

/// Writes each budget next to its figure (`<field>_budget`) and a summary under
/// `budgets`; returns the verdicts in BUDGETS order.
pub fn apply_budgets(results: &mut Value) -> Vec<(&'static Budget, Figure, Verdict)> {
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    for budget in &BUDGETS {
        let found = figure(results, budget);
        let verdict = verdict(budget, &found);
        let (value, reason) = match &found {
            Figure::Value(v) => (json!(v), Value::Null),
            Figure::NotMeasured(r) | Figure::Skipped(r) => (Value::Null, json!(r)),
        };
        let within = match verdict {
            Verdict::Pass => json!(true),
            Verdict::Fail => json!(false),
            _ => Value::Null,
        };
        let unit = match budget.unit {
            Unit::Bytes => "bytes",
            Unit::Ms => "ms",
        };
        if let Some(Value::Object(section)) = results.pointer_mut(budget.section) {
            section.insert(
                format!("{}_budget", budget.field),
                json!({"max": budget.max, "within": within}),
            );
        }
        summary.push(json!({
            "key": budget.key,
            "figure": format!("{}/{}", budget.section, budget.field),
            "what": budget.label,
            "value": value,
            "max": budget.max,
            "unit": unit,
            "result": verdict.word(),
            "reason": reason,
        }));
        rows.push((budget, found, verdict));
    }
    if let Value::Object(map) = results {
        map.insert("budgets".into(), Value::Array(summary));
    }
    rows
}

pub fn format_figure(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms => format!("{value:.1} ms"),
        Unit::Bytes if value.abs() >= MB as f64 => format!("{:.2} MB", value / MB as f64),
        Unit::Bytes => {
            let sign = if value < 0.0 { "-" } else { "" };
            format!("{sign}{}", kb(value.abs() as u64))
        }
    }
}

pub fn budget_table(rows: &[(&'static Budget, Figure, Verdict)]) -> String {
    let mut out = format!(
        "  {:<44} {:>12} {:>12}  {}\n",
        "figure", "measured", "budget", "result"
    );
    for (budget, found, verdict) in rows {
        let value = match found {
            Figure::Value(v) => format_figure(*v, budget.unit),
            _ => "-".to_string(),
        };
        let mut line = format!(
            "  {:<44} {:>12} {:>12}  {}",
            budget.label,
            value,
            format!("<= {}", format_figure(budget.max, budget.unit)),
            verdict.word()
        );
        if let Figure::NotMeasured(reason) | Figure::Skipped(reason) = found {
            line.push_str(&format!(" ({reason})"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

// ---- statistics -------------------------------------------------------------------

/// The middle value (mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let sorted = sorted(values);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Nearest-rank percentile: the smallest value with at least `p` % of the values at or
/// below it.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted(values);
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// Milliseconds to 0.1, as performance.now() in Chromium is about that coarse anyway.
fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn opt1(value: Option<f64>) -> Value {
    value.map_or(Value::Null, |v| json!(round1(v)))
}

// ---- the browser run's samples -> figures ----------------------------------------------

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

/// `{"not_measured": reason}` for a section that failed.
fn or_not_measured(section: Result<Value>) -> Value {
    section.unwrap_or_else(|reason| json!({ "not_measured": reason }))
}

pub fn summarise_cold_load(section: Option<&Value>) -> Result<Value> {
    let samples = samples_of(section, "cold load")?;
    let section = section.expect("samples_of checked it");
    let ms = column(samples, "ms");
    if ms.len() != samples.len() {
        return Err("a cold load sample has no time".into());
    }
    let mut breakdown = serde_json::Map::new();
    for key in [
        "html_end_ms",
        "js_end_ms",
        "wasm_end_ms",
        "dom_content_loaded_ms",
        "config_end_ms",
        "user_request_start_ms",
        "user_request_end_ms",
    ] {
        breakdown.insert(key.into(), opt1(median(&column(samples, key))));
    }
    breakdown.insert("state_shown_ms".into(), opt1(median(&ms)));
    Ok(json!({
        "what": "navigation start (a fresh browser context each time, token put into \
                 sessionStorage before the page runs) to the user's state badge \
                 (`header [data-testid=state-badge]`) having text in the DOM",
        "url_path": section.get("url_path"),
        "loads": ms.len(),
        "warmup_loads_discarded": section.get("warmup_loads_discarded"),
        "median_ms": opt1(median(&ms)),
        "p95_ms": opt1(percentile(&ms, 95.0)),
        "min_ms": opt1(sorted(&ms).first().copied()),
        "max_ms": opt1(sorted(&ms).last().copied()),
        "painted_median_ms": opt1(median(&column(samples, "painted_ms"))),
        "painted_what": "the same, to a task posted from the next animation frame (after that frame's paint)",
        "median_timeline_ms": breakdown,
        "samples_ms": ms.iter().map(|v| round1(*v)).collect::<Vec<_>>(),
    }))
}

pub fn summarise_action(section: Option<&Value>) -> Result<Value> {
    let samples = samples_of(section, "action")?;
    let section = section.expect("samples_of checked it");
    let overhead_of = |s: &Value| -> Option<f64> {
        Some(s.get("total_ms")?.as_f64()? - s.get("request_ms")?.as_f64()?)
    };
    let overhead: Vec<f64> = samples.iter().filter_map(overhead_of).collect();
    if overhead.len() != samples.len() {
        return Err("an action sample has no total or request time".into());
    }
    let mut by_action = serde_json::Map::new();
    for action in ["lock", "unlock"] {
        let these: Vec<f64> = samples
            .iter()
            .filter(|s| s.get("action").and_then(Value::as_str) == Some(action))
            .filter_map(overhead_of)
            .collect();
        by_action.insert(
            action.into(),
            json!({
                "actions": these.len(),
                "overhead_median_ms": opt1(median(&these)),
                "overhead_p95_ms": opt1(percentile(&these, 95.0)),
            }),
        );
    }
    let total = column(samples, "total_ms");
    Ok(json!({
        "what": "click (Lock: the dialog's Lock button; Unlock: its button) to the new state \
                 in the DOM, minus the POST's own duration (Resource Timing startTime to \
                 responseEnd); alternating lock and unlock on one user, each after the \
                 previous write's re-read",
        "user_id": section.get("user_id"),
        "actions": overhead.len(),
        "overhead_median_ms": opt1(median(&overhead)),
        "overhead_p95_ms": opt1(percentile(&overhead, 95.0)),
        "overhead_max_ms": opt1(sorted(&overhead).last().copied()),
        "total_median_ms": opt1(median(&total)),
        "total_p95_ms": opt1(percentile(&total, 95.0)),
        "request_median_ms": opt1(median(&column(samples, "request_ms"))),
        "before_request_median_ms": opt1(median(&column(samples, "before_request_ms"))),
        "after_response_median_ms": opt1(median(&column(samples, "after_response_ms"))),
        "by_action": by_action,
        "overhead_samples_ms": overhead.iter().map(|v| round1(*v)).collect::<Vec<_>>(),
    }))
}

pub fn summarise_list(section: Option<&Value>) -> Result<Value> {
    let section = section.ok_or("the browser run has no list section")?;
    if let Some(error) = section.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the list benchmark failed: {error}"));
    }
    let mut out = serde_json::Map::new();
    out.insert(
        "what".into(),
        json!(
            "the POST /v2/users response's responseEnd (Resource Timing) to `tbody tr` \
               counting the page size in the DOM, after the admin switches Per page from 20 \
               to N in a freshly loaded, settled /users (a new browser context each time; \
               the first switch of each size is a warm-up)"
        ),
    );
    for size in ["100", "1000"] {
        let summary = samples_of(section.get(size), &format!("{size}-row list")).map(|samples| {
            let ms = column(samples, "ms");
            json!({
                "url_path": section[size].get("url_path"),
                "loads": ms.len(),
                "median_ms": opt1(median(&ms)),
                "p95_ms": opt1(percentile(&ms, 95.0)),
                "painted_median_ms": opt1(median(&column(samples, "painted_ms"))),
                "request_median_ms": opt1(median(&column(samples, "request_ms"))),
                "server_wait_median_ms": opt1(median(&column(samples, "server_wait_ms"))),
                "samples_ms": ms.iter().map(|v| round1(*v)).collect::<Vec<_>>(),
            })
        });
        out.insert(format!("rows_{size}"), or_not_measured(summary));
    }
    Ok(Value::Object(out))
}

pub fn summarise_memory(section: Option<&Value>) -> Result<Value> {
    let section = section.ok_or("the browser run has no memory section")?;
    if let Some(error) = section.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the memory benchmark failed: {error}"));
    }
    let readings = section
        .get("readings")
        .and_then(Value::as_array)
        .filter(|r| r.len() >= 2)
        .ok_or("the memory benchmark has fewer than two readings")?;
    let (first, last) = (&readings[0], &readings[readings.len() - 1]);
    let number = |reading: &Value, key: &str| reading.get(key).and_then(Value::as_f64);
    let growth = |key: &str| Some(number(last, key)? - number(first, key)?);
    let js = growth("js_heap_used_bytes").ok_or("no JS heap reading")?;
    let wasm = growth("wasm_memory_bytes");
    let mut out = json!({
        "what": section.get("method"),
        "navigations": last.get("navigations").and_then(Value::as_u64),
        "start": first,
        "end": last,
        "js_heap_growth_bytes": js,
        "wasm_memory_growth_bytes": wasm,
        "readings": readings,
    });
    match wasm {
        Some(wasm) => out["growth_bytes"] = json!(js + wasm),
        None => {
            out["not_measured"] = json!(
                "the wasm memory could not be read (no exported memory from trunk's \
                 TrunkApplicationStarted event), so JS + wasm growth is unknown"
            )
        }
    }
    Ok(out)
}

/// What a cold load of a user page transfers (signed in, empty cache), from the
/// first measured cold load's Resource Timing: each file of dist/ it requested at
/// its gzip size (as a static host with gzip serves it; the document is
/// index.html), and the API answers at the bytes they came with.
pub fn first_load(cold_load: Option<&Value>, files: &[FileSize]) -> Result<Value> {
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
    Ok(json!({
        "what": "a cold load of the user page (signed in, empty cache): the files of dist/ \
                 it requested at their gzip size, and its API answers as transferred",
        "url_path": cold_load.and_then(|c| c.get("url_path")),
        "files": from_dist.iter().map(|f| json!({"path": f.path, "gzip_bytes": f.gzip})).collect::<Vec<_>>(),
        "files_gzip_bytes": static_gzip,
        "api_requests": api_requests,
        "api_bytes": api_bytes,
        "total_bytes": static_gzip + api_bytes,
    }))
}

/// The browser run's file turned into the results' sections.
pub fn browser_sections(run: &Value) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    if let Some(error) = run.get("error").and_then(Value::as_str) {
        let reason = format!("the browser run failed: {error}");
        for key in ["cold_load", "action", "list", "memory"] {
            out.insert(key.into(), json!({ "not_measured": reason }));
        }
        return out;
    }
    out.insert(
        "cold_load".into(),
        or_not_measured(summarise_cold_load(run.get("cold_load"))),
    );
    out.insert(
        "action".into(),
        or_not_measured(summarise_action(run.get("action"))),
    );
    out.insert(
        "list".into(),
        or_not_measured(summarise_list(run.get("list"))),
    );
    out.insert(
        "memory".into(),
        or_not_measured(summarise_memory(run.get("memory"))),
    );
    out
}

// ---- size profile ---------------------------------------------------------------------

/// One row of `twiggy top -f json` (with `--retained`).
#[derive(Clone, Debug, PartialEq)]
pub struct WasmItem {
    pub name: String,
    pub shallow: u64,
    pub retained: u64,
}

pub fn parse_twiggy(json_text: &str) -> Result<Vec<WasmItem>> {
    let value: Value = serde_json::from_str(json_text)
        .map_err(|e| format!("twiggy's JSON output is not valid JSON: {e}"))?;
    let rows = value
        .as_array()
        .ok_or("twiggy's JSON output is not a list")?;
    rows.iter()
        .map(|row| {
            let name = row["name"].as_str().ok_or("a twiggy row has no name")?;
            let shallow = row["shallow_size"]
                .as_u64()
                .ok_or("a twiggy row has no size")?;
            Ok(WasmItem {
                name: strip_disambiguators(name),
                shallow,
                retained: row["retained_size"].as_u64().unwrap_or(shallow),
            })
        })
        .collect()
}

/// `core[c5930c85a12de822]::fmt` -> `core::fmt`: rustc's crate disambiguators, which
/// some symbols keep after demangling, say nothing to a reader.
pub fn strip_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('[') {
        let tail = &rest[at + 1..];
        let is_hash = tail.len() > 16
            && tail.as_bytes()[16] == b']'
            && tail[..16].bytes().all(|b| b.is_ascii_hexdigit());
        if is_hash {
            out.push_str(&rest[..at]);
            rest = &tail[17..];
        } else {
            out.push_str(&rest[..=at]);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Name and debug sections: kept for twiggy, not part of the shipped wasm.
pub fn is_debug_section(name: &str) -> bool {
    (name.starts_with('"') && name.ends_with(" subsection")) || name.starts_with("custom section")
}

/// The crate an item's code comes from, read from its demangled name:
/// `tachys::view::…` → tachys, `<&mut serde_json::de::Deserializer<R> as …>` →
/// serde_json, `<T as serde_core::de::Deserialize>::…` → serde_core. Items without a
/// path get a kind in parentheses: (data), (wasm code), (imports), (other).
pub fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "(data)".into();
    }
    if name.starts_with("import ") {
        return "(imports)".into();
    }
    let mut rest = name;
    loop {
        let trimmed = rest
            .trim_start_matches(['<', '&', '[', '(', '*', ' '])
            .trim_start_matches("mut ")
            .trim_start_matches("const ")
            .trim_start_matches("dyn ");
        if trimmed.len() == rest.len() {
            break;
        }
        rest = trimmed;
    }
    let ident_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if ident_len > 0 && rest[ident_len..].starts_with("::") {
        return rest[..ident_len].to_string();
    }
    if let Some(at) = name.find(" as ") {
        return crate_of(&name[at + 4..]);
    }
    let word = &rest[..ident_len];
    if ["code", "table", "elem", "memory", "global", "type", "func"].contains(&word)
        && rest[ident_len..].starts_with('[')
    {
        return "(wasm code)".into();
    }
    "(other)".into()
}

pub fn size_profile_json(items: &[WasmItem], source: &str, tool: &str) -> Value {
    let code: Vec<&WasmItem> = items
        .iter()
        .filter(|i| !is_debug_section(&i.name))
        .collect();
    let code_bytes: u64 = code.iter().map(|i| i.shallow).sum();
    let percent = |bytes: u64| {
        if code_bytes == 0 {
            0.0
        } else {
            round1(100.0 * bytes as f64 / code_bytes as f64)
        }
    };
    let mut by_retained = code.clone();
    by_retained.sort_by(|a, b| b.retained.cmp(&a.retained).then(a.name.cmp(&b.name)));
    let top: Vec<Value> = by_retained
        .iter()
        .take(TOP_ITEMS)
        .map(|i| {
            json!({
                "name": i.name,
                "retained_bytes": i.retained,
                "retained_percent": percent(i.retained),
                "shallow_bytes": i.shallow,
            })
        })
        .collect();
    let mut crates: Vec<(String, u64)> = Vec::new();
    for item in &code {
        let krate = crate_of(&item.name);
        match crates.iter_mut().find(|(k, _)| *k == krate) {
            Some((_, bytes)) => *bytes += item.shallow,
            None => crates.push((krate, item.shallow)),
        }
    }
    crates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    json!({
        "what": "twiggy top --retained on the release wasm after wasm-bindgen and wasm-opt -Oz \
                 with names kept (-g); sizes are uncompressed bytes of code and data, the name \
                 sections left out; retained = what the item keeps alive (table[0]/elem[0]: \
                 everything reachable through the indirect-call table, i.e. closures and \
                 trait objects)",
        "source": source,
        "tool": tool,
        "code_bytes": code_bytes,
        "top_retained": top,
        "by_crate_shallow": crates.iter().take(TOP_ITEMS).map(|(k, b)| json!({
            "crate": k, "bytes": b, "percent": percent(*b),
        })).collect::<Vec<_>>(),
    })
}

pub fn size_profile_table(profile: &Value) -> String {
    let mut out = String::new();
    let code = profile["code_bytes"].as_u64().unwrap_or(0);
    out.push_str(&format!(
        "  wasm code and data: {} uncompressed (names left out)\n",
        kb(code)
    ));
    out.push_str(&format!("  {:>10} {:>6}  item\n", "retained", "%"));
    for item in profile["top_retained"].as_array().into_iter().flatten() {
        let name = item["name"].as_str().unwrap_or("?");
        out.push_str(&format!(
            "  {:>10} {:>5.1}%  {}\n",
            kb(item["retained_bytes"].as_u64().unwrap_or(0)),
            item["retained_percent"].as_f64().unwrap_or(0.0),
            shorten(name, 110)
        ));
    }
    out.push_str("  by crate (own code, shallow):");
    for (k, krate) in profile["by_crate_shallow"]
        .as_array()
        .into_iter()
        .flatten()
        .take(8)
        .enumerate()
    {
        out.push_str(if k == 0 { " " } else { ", " });
        out.push_str(&format!(
            "{} {:.0}%",
            krate["crate"].as_str().unwrap_or("?"),
            krate["percent"].as_f64().unwrap_or(0.0)
        ));
    }
    out.push('\n');
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn size_profile(ctx: &Ctx) -> Result<Value> {
    let raw = ctx
        .target_dir()
        .join("wasm32-unknown-unknown/release/lifecycle-console.wasm");
    if !raw.is_file() {
        return Err(format!(
            "{} is missing: trunk's cargo build left no raw wasm there",
            ctx.rel(&raw)
        ));
    }
    let twiggy = twiggy(ctx)?;
    let tool = ctx
        .cmd(&twiggy)
        .arg("--version")
        .probe()
        .and_then(|v| v.split_whitespace().last().map(str::to_string))
        .map_or_else(|| "twiggy".to_string(), |v| format!("twiggy {v}"));
    let dir = ctx.target_dir().join("bench/size-profile");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    ctx.cmd("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--keep-debug",
            "--out-name",
            "app",
            "--out-dir",
        ])
        .arg(&dir)
        .arg(&raw)
        .what("wasm-bindgen (size profile)")
        .run()?;
    let named = dir.join("app_named.wasm");
    ctx.cmd("wasm-opt")
        .args(WASM_OPT_ARGS)
        .arg(dir.join("app_bg.wasm"))
        .arg("-o")
        .arg(&named)
        .what("wasm-opt (size profile)")
        .run()?;
    let report = dir.join("twiggy.json");
    ctx.cmd(&twiggy)
        .args(["top", "--retained", "-n", "1000000", "-f", "json", "-o"])
        .arg(&report)
        .arg(&named)
        .what("twiggy top")
        .run()?;
    let text = std::fs::read_to_string(&report)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let items = parse_twiggy(&text)?;
    let source = format!(
        "{} -> wasm-bindgen --keep-debug -> wasm-opt {}",
        ctx.rel(&raw),
        WASM_OPT_ARGS.join(" ")
    );
    Ok(size_profile_json(&items, &source, &tool))
}

/// tools/bin/twiggy, installed on first use.
fn twiggy(ctx: &Ctx) -> Result<PathBuf> {
    let bin = ctx.tools().join("bin/twiggy");
    if !bin.is_file() {
        println!("bench: installing twiggy {TWIGGY_VERSION} into tools/ for the size profile");
        ctx.cargo()
            .args(["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"])
            .arg("--root")
            .arg(ctx.tools())
            .what("cargo install twiggy")
            .run()
            .map_err(|e| format!("twiggy could not be installed: {e}"))?;
    }
    Ok(bin)
}

// ---- the browser run ------------------------------------------------------------------

/// Starts the release sandbox on a fresh, seeded database serving dist/, runs
/// e2e/bench/run.mjs against it, and returns what the sandbox took to start and
/// the script's output.
fn browser_run(ctx: &Ctx) -> Result<(Value, Value)> {
    ctx.cargo()
        .args(["build", "--release", "-p", "sandbox"])
        .what("cargo build --release -p sandbox")
        .run()?;
    let binary = ctx.target_dir().join("release/sandbox");
    let dir = ctx.target_dir().join("bench");
    let port = free_port(None)?;
    let args: Vec<String> = vec![
        "--port".into(),
        port.to_string(),
        "--db".into(),
        dir.join("bench.sqlite").display().to_string(),
        "--reset".into(),
        "--seed".into(),
        SEED_USERS.to_string(),
        "--serve".into(),
        ctx.root.join("dist").display().to_string(),
        "--exit-after".into(),
        SANDBOX_EXIT_AFTER_SECS.into(),
    ];
    println!("bench: seeding {SEED_USERS} users takes a few seconds");
    let started = Instant::now();
    let mut sandbox = Sandbox::start(ctx, &binary, &args, port, &dir.join("sandbox.log"))?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    let start_seconds = started.elapsed().as_secs_f64();
    let sandbox_info = json!({
        "binary": ctx.rel(&binary),
        "profile": "release",
        "seed_users": SEED_USERS,
        "seed_and_start_seconds": (start_seconds * 10.0).round() / 10.0,
        "database": "new on every run (--reset --seed), so each run starts from the same state",
    });

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

// ---- the command ----------------------------------------------------------------------

pub fn results_json(
    files: &[FileSize],
    versions: &Versions,
    commit: Option<&str>,
    unix_time: u64,
) -> Value {
    let (raw_total, gzip_total) = budget_totals(files);
    let mut by_kind = serde_json::Map::new();
    for kind in KINDS {
        let (raw, gzip) = totals_for(files, kind);
        by_kind.insert(
            kind.to_string(),
            json!({"raw_bytes": raw, "gzip_bytes": gzip}),
        );
    }
    json!({
        "schema": 2,
        "measured_at_unix": unix_time,
        "git_commit": commit,
        "what": "cargo xtask bench: release bundle sizes (gzip = flate2 level 9), browser \
                 timings and memory in headless Chromium against the release sandbox with \
                 100,000 generated users, and a wasm size profile; a figure that could not \
                 be measured is {\"not_measured\": reason}",
        "tools": {
            "trunk": versions.trunk,
            "wasm_bindgen": versions.wasm_bindgen,
            "wasm_opt": versions.wasm_opt,
            "chromium": versions.chromium,
        },
        "bundle": {
            "files": files.iter().map(|f| json!({
                "path": f.path,
                "kind": f.kind,
                "raw_bytes": f.raw,
                "gzip_bytes": f.gzip,
            })).collect::<Vec<_>>(),
            "by_kind": by_kind,
            "raw_total_bytes": raw_total,
            "gzip_total_bytes": gzip_total,
        },
    })
}

/// The lines under the budget table that explain the figures.
fn details(results: &Value) -> String {
    let mut out = String::new();
    let ms = |v: &Value| {
        v.as_f64()
            .map_or_else(|| "-".to_string(), |v| format!("{v:.1} ms"))
    };
    let cold = &results["cold_load"];
    if cold.get("median_ms").is_some() {
        let t = &cold["median_timeline_ms"];
        out.push_str(&format!(
            "  cold load: median {}, p95 {} over {} loads; painted {}. Median timeline: \
             wasm loaded {}, config.json {}, user GET {} to {}, state shown {}\n",
            ms(&cold["median_ms"]),
            ms(&cold["p95_ms"]),
            cold["loads"],
            ms(&cold["painted_median_ms"]),
            ms(&t["wasm_end_ms"]),
            ms(&t["config_end_ms"]),
            ms(&t["user_request_start_ms"]),
            ms(&t["user_request_end_ms"]),
            ms(&t["state_shown_ms"]),
        ));
    }
    let first = &results["first_load"];
    if let Some(total) = first["total_bytes"].as_u64() {
        let bytes = |v: &Value| kb(v.as_u64().unwrap_or(0));
        out.push_str(&format!(
            "  first load (signed in, empty cache, {}): {} = {} gzip of {} files of dist/ + {} \
             in {} API answers; the whole bundle is {} gzip\n",
            first["url_path"].as_str().unwrap_or("?"),
            kb(total),
            bytes(&first["files_gzip_bytes"]),
            first["files"].as_array().map_or(0, Vec::len),
            bytes(&first["api_bytes"]),
            first["api_requests"],
            bytes(&results["bundle"]["gzip_total_bytes"]),
        ));
    }
    let action = &results["action"];
    if action.get("overhead_p95_ms").is_some() {
        out.push_str(&format!(
            "  actions: {} lock/unlock; overhead median {}, p95 {} (lock p95 {}, unlock p95 {}); \
             with the request: median {}, request alone {}\n",
            action["actions"],
            ms(&action["overhead_median_ms"]),
            ms(&action["overhead_p95_ms"]),
            ms(&action["by_action"]["lock"]["overhead_p95_ms"]),
            ms(&action["by_action"]["unlock"]["overhead_p95_ms"]),
            ms(&action["total_median_ms"]),
            ms(&action["request_median_ms"]),
        ));
    }
    for size in ["100", "1000"] {
        let list = &results["list"][format!("rows_{size}")];
        if list.get("median_ms").is_some() {
            out.push_str(&format!(
                "  list of {size}: response to rows median {} (painted {}) over {} loads; \
                 the POST itself {}\n",
                ms(&list["median_ms"]),
                ms(&list["painted_median_ms"]),
                list["loads"],
                ms(&list["request_median_ms"]),
            ));
        }
    }
    let memory = &results["memory"];
    if memory.get("js_heap_growth_bytes").is_some() {
        let bytes = |v: &Value| {
            v.as_f64()
                .map_or_else(|| "-".to_string(), |v| format_figure(v, Unit::Bytes))
        };
        out.push_str(&format!(
            "  memory after {} navigations: JS heap {} -> {} ({}), wasm memory {} -> {} ({})\n",
            memory["navigations"],
            bytes(&memory["start"]["js_heap_used_bytes"]),
            bytes(&memory["end"]["js_heap_used_bytes"]),
            bytes(&memory["js_heap_growth_bytes"]),
            bytes(&memory["start"]["wasm_memory_bytes"]),
            bytes(&memory["end"]["wasm_memory_bytes"]),
            bytes(&memory["wasm_memory_growth_bytes"]),
        ));
    }
    out
}

pub fn run(ctx: &Ctx, options: Options) -> Result {
    let started = Instant::now();
    let versions = crate::setup::run(ctx)?;
    crate::build_bundle(ctx)?;
    let dist = ctx.root.join("dist");
    let files = measure_dir(&dist)?;
    if !files.iter().any(|f| f.kind == "wasm") {
        return Err("dist/ has no .wasm file: is the build complete?".into());
    }
    println!("\nbundle sizes (1 KB = 1024 bytes)\n{}", table(&files));

    let commit = ctx
        .cmd("git")
        .args(["rev-parse", "HEAD"])
        .probe()
        .map(|s| s.trim().to_string())
        .filter(|s| s.len() == 40);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut results = results_json(&files, &versions, commit.as_deref(), now);
    // Uncommitted changes were part of what was measured.
    results["git_dirty"] = ctx
        .cmd("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .probe()
        .map_or(Value::Null, |s| json!(!s.trim().is_empty()));

    if options.size_profile_only {
        let reason = "--size-profile runs no browser";
        for key in [
            "sandbox",
            "cold_load",
            "first_load",
            "action",
            "list",
            "memory",
        ] {
            results[key] = json!({ "skipped": reason });
        }
    } else {
        println!("==> browser benchmarks");
        match browser_run(ctx) {
            Ok((sandbox, run)) => {
                results["sandbox"] = sandbox;
                results["browser"] = json!({
                    "version": run.get("browser"),
                    "connection": run.get("connection"),
                    "cpus": run.get("cpus"),
                    "load_average_at_start": run.get("load_average_at_start"),
                    "load_average_at_end": run.get("load_average_at_end"),
                    "page_errors": run.get("page_errors"),
                });
                for (key, section) in browser_sections(&run) {
                    results[key] = section;
                }
                results["first_load"] = or_not_measured(first_load(run.get("cold_load"), &files));
                if let Some(errors) = run["page_errors"].as_array().filter(|e| !e.is_empty()) {
                    println!(
                        "bench: the page reported {} error(s), e.g. {}",
                        errors.len(),
                        errors[0]
                    );
                }
            }
            Err(e) => {
                println!("bench: the browser benchmarks could not run: {e}");
                let reason = format!("the browser benchmarks could not run: {e}");
                results["sandbox"] = json!({ "not_measured": reason });
                for key in ["cold_load", "first_load", "action", "list", "memory"] {
                    results[key] = json!({ "not_measured": reason });
                }
            }
        }
    }

    println!("==> size profile");
    results["size_profile"] = match size_profile(ctx) {
        Ok(profile) => profile,
        Err(e) => {
            println!("bench: no size profile: {e}");
            json!({ "not_measured": e })
        }
    };

    let rows = apply_budgets(&mut results);
    results["bench_seconds"] = json!(started.elapsed().as_secs());
    let dir = ctx.root.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create bench/: {e}"))?;
    let path = dir.join("results.json");
    let text = serde_json::to_string_pretty(&results).expect("JSON values serialize");
    std::fs::write(&path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;

    if results["size_profile"].get("top_retained").is_some() {
        println!(
            "\nwasm size profile: top {TOP_ITEMS} items by retained size\n{}",
            size_profile_table(&results["size_profile"])
        );
    }
    println!("\nbench results\n{}", budget_table(&rows));
    print!("{}", details(&results));
    if let Some(browser) = results["browser"]["version"].as_str() {
        println!(
            "  ({browser}; sandbox {} with {SEED_USERS} users, seeded and started in {}s; \
             load average {} at start)",
            results["sandbox"]["binary"].as_str().unwrap_or("?"),
            results["sandbox"]["seed_and_start_seconds"],
            results["browser"]["load_average_at_start"][0]
        );
    }
    println!(
        "wrote {} (bench took {})",
        ctx.rel(&path),
        human_duration(started.elapsed())
    );

    if options.check {
        let missed: Vec<String> = rows
            .iter()
            .filter(|(_, _, v)| matches!(v, Verdict::Fail | Verdict::NotMeasured))
            .map(|(b, m, v)| match m {
                Figure::Value(value) => format!(
                    "{} is {} (budget {})",
                    b.label,
                    format_figure(*value, b.unit),
                    format_figure(b.max, b.unit)
                ),
                _ => format!("{} was {}", b.label, v.word()),
            })
            .collect();
        if !missed.is_empty() {
            return Err(format!("budgets missed: {}", missed.join("; ")));
        }
        println!("bench: every measured figure is within its budget");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, raw: u64, gzip: u64) -> FileSize {
        FileSize {
            path: path.into(),
            kind: kind_of(path),
            raw,
            gzip,
        }
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
        let first = first_load(Some(&cold), &files).unwrap();
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

    fn versions() -> Versions {
        Versions {
            trunk: "0.21.14".into(),
            wasm_bindgen: "0.2.130".into(),
            wasm_opt: "132".into(),
            chromium: "156".into(),
        }
    }

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
    fn results_json_has_totals_and_the_gzip_budget_next_to_it() {
        let files = [
            file("index.html", 1000, 400),
            file("app_bg.wasm", 900_000, 360_000),
        ];
        let mut json = results_json(&files, &versions(), Some("abc"), 42);
        assert_eq!(json["bundle"]["gzip_total_bytes"], 360_400);
        assert_eq!(json["bundle"]["by_kind"]["wasm"]["raw_bytes"], 900_000);
        assert_eq!(json["tools"]["wasm_bindgen"], "0.2.130");
        assert_eq!(json["git_commit"], "abc");
        let rows = apply_budgets(&mut json);
        assert_eq!(rows[0].2, Verdict::Fail);
        assert_eq!(json["bundle"]["gzip_total_bytes_budget"]["within"], false);
        assert_eq!(json["bundle"]["gzip_total_bytes_budget"]["max"], 348_160.0);
        assert_eq!(json["budgets"][0]["result"], "FAIL");
        // Nothing else was measured: said so, never a number.
        assert!(rows[1..].iter().all(|(_, _, v)| *v == Verdict::NotMeasured));
        assert_eq!(json["budgets"][1]["value"], Value::Null);
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

    #[test]
    fn median_and_nearest_rank_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let hundred: Vec<f64> = (1..=100).map(f64::from).rev().collect();
        assert_eq!(percentile(&hundred, 95.0), Some(95.0));
        assert_eq!(percentile(&hundred, 100.0), Some(100.0));
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&twenty, 95.0), Some(19.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[f64::NAN], 95.0), None);
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
        let sections = browser_sections(&browser_run_output());
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

        let mut results = json!({"bundle": {"gzip_total_bytes": 1000}});
        for (key, value) in sections {
            results[key] = value;
        }
        let rows = apply_budgets(&mut results);
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
        let sections = browser_sections(&json!({"error": "chromium did not start"}));
        assert_eq!(
            sections["memory"]["not_measured"],
            "the browser run failed: chromium did not start"
        );
        let mut results = json!({
            "bundle": {"gzip_total_bytes": 1000},
            "cold_load": {"skipped": "--size-profile runs no browser"},
            "list": {"skipped": "--size-profile runs no browser"},
        });
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

    #[test]
    fn figures_print_in_their_units() {
        assert_eq!(format_figure(12.345, Unit::Ms), "12.3 ms");
        assert_eq!(format_figure(2048.0, Unit::Bytes), "2.0 KB");
        assert_eq!(format_figure(-2048.0, Unit::Bytes), "-2.0 KB");
        assert_eq!(format_figure(5.0 * MB as f64, Unit::Bytes), "5.00 MB");
    }

    #[test]
    fn items_are_attributed_to_their_crate() {
        assert_eq!(
            crate_of("tachys::view::any_view::AnyView::build::h1"),
            "tachys"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_seq::h0"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<T as serde_core::de::Deserialize>::deserialize::h1"),
            "serde_core"
        );
        assert_eq!(crate_of("<[T] as core::fmt::Debug>::fmt::h2"), "core");
        assert_eq!(
            crate_of("<alloc::sync::Arc<dyn core::ops::function::Fn<()>> as leptos::children::ToChildren<F>>::to_children::{{closure}}::h6"),
            "alloc"
        );
        assert_eq!(crate_of("data segment \".rodata\""), "(data)");
        assert_eq!(
            strip_disambiguators("<dlmalloc[e24a27700634d609]::Dlmalloc<dlmalloc[e24a27700634d609]::sys::System>>::malloc"),
            "<dlmalloc::Dlmalloc<dlmalloc::sys::System>>::malloc"
        );
        assert_eq!(strip_disambiguators("table[0]"), "table[0]");
        assert_eq!(strip_disambiguators("x[abc]y["), "x[abc]y[");
        assert_eq!(crate_of("code[3482]"), "(wasm code)");
        assert_eq!(crate_of("table[0]"), "(wasm code)");
        assert_eq!(crate_of("import wbg::__wbg_fetch_1"), "(imports)");
        assert_eq!(crate_of("main"), "(other)");
        assert!(is_debug_section("\"function names\" subsection"));
        assert!(is_debug_section("custom section 'producers'"));
        assert!(!is_debug_section("table[0]"));
    }

    #[test]
    fn the_size_profile_leaves_names_out_and_ranks_by_retained_size() {
        let json_text = r#"[
            {"name": "\"function names\" subsection", "shallow_size": 600, "retained_size": 600},
            {"name": "table[0]", "shallow_size": 6, "retained_size": 300},
            {"name": "tachys::build::h1", "shallow_size": 200, "retained_size": 250},
            {"name": "lifecycle_console::pages::read::h2", "shallow_size": 150, "retained_size": 150},
            {"name": "tachys::mount::h3", "shallow_size": 44, "retained_size": 44},
            {"name": "data segment \".rodata\"", "shallow_size": 100}
        ]"#;
        let items = parse_twiggy(json_text).unwrap();
        assert_eq!(items.len(), 6);
        assert_eq!(items[5].retained, 100, "retained defaults to shallow");
        let profile = size_profile_json(&items, "raw.wasm", "twiggy 0.8.0");
        assert_eq!(profile["code_bytes"], 500);
        assert_eq!(profile["top_retained"][0]["name"], "table[0]");
        assert_eq!(profile["top_retained"][0]["retained_percent"], 60.0);
        assert_eq!(profile["top_retained"][1]["name"], "tachys::build::h1");
        assert_eq!(profile["by_crate_shallow"][0]["crate"], "tachys");
        assert_eq!(profile["by_crate_shallow"][0]["bytes"], 244);
        let table = size_profile_table(&profile);
        assert!(table.contains("table[0]"), "{table}");
        assert!(!table.contains("function names"), "{table}");
        assert!(table.contains("tachys 49%"), "{table}");
        assert!(parse_twiggy("{}").is_err());
    }
}
