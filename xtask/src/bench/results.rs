//! bench/results.json: its shape as one type ([`Results`]); the lines under the
//! budget table that explain its figures are in [`super::details`].

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::sizes::{budget_totals, totals_for, FileSize};
use crate::setup::Versions;

/// bench/results.json. A section that could not be measured is
/// `{"not_measured": reason}`, one that was not run `{"skipped": reason}`
/// ([`Section`]); a section left out was not filled in at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: u32,
    pub measured_at_unix: u64,
    pub git_commit: Option<String>,
    /// Uncommitted changes were part of what was measured.
    #[serde(default)]
    pub git_dirty: Option<bool>,
    pub what: String,
    pub tools: Tools,
    pub bundle: Bundle,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Section<SandboxInfo>>,
    /// Only when the browser ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<BrowserInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_load: Option<Section<ColdLoad>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_load: Option<Section<FirstLoad>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Section<Action>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Section<List>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Section<Memory>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paste_list: Option<Section<PasteList>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<Section<Export>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_profile: Option<Section<SizeProfile>>,
    /// Every budget with its figure and verdict, in [`super::budgets::BUDGETS`] order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<BudgetSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench_seconds: Option<u64>,
}

/// A section's figures, or why there are none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Section<T> {
    Measured(T),
    NotMeasured { not_measured: String },
    Skipped { skipped: String },
}

impl<T> Section<T> {
    pub fn not_measured(reason: impl Into<String>) -> Self {
        Section::NotMeasured {
            not_measured: reason.into(),
        }
    }

    pub fn skipped(reason: impl Into<String>) -> Self {
        Section::Skipped {
            skipped: reason.into(),
        }
    }

    /// The figures, or the reason as not measured.
    pub fn from_result(result: Result<T, String>) -> Self {
        result.map_or_else(Section::not_measured, Section::Measured)
    }

    pub fn measured(&self) -> Option<&T> {
        match self {
            Section::Measured(figures) => Some(figures),
            _ => None,
        }
    }

    pub fn measured_mut(&mut self) -> Option<&mut T> {
        match self {
            Section::Measured(figures) => Some(figures),
            _ => None,
        }
    }
}

/// Written next to a budgeted figure as `<figure>_budget`; `within` is null when the
/// figure was not measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetMark {
    pub max: f64,
    pub within: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetSummary {
    pub key: String,
    /// Where the figure is in this file, as a JSON pointer.
    pub figure: String,
    pub what: String,
    pub value: Option<f64>,
    pub max: f64,
    pub unit: String,
    /// pass, FAIL, not measured or skipped.
    pub result: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tools {
    pub trunk: String,
    pub wasm_bindgen: String,
    pub wasm_opt: String,
    pub chromium: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub files: Vec<BundleFile>,
    pub by_kind: ByKind,
    /// html + js + wasm + css.
    pub raw_total_bytes: u64,
    pub gzip_total_bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip_total_bytes_budget: Option<BudgetMark>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleFile {
    pub path: String,
    pub kind: String,
    pub raw_bytes: u64,
    pub gzip_bytes: u64,
}

/// The budgeted kinds of [`super::sizes::KINDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByKind {
    pub html: KindTotals,
    pub js: KindTotals,
    pub wasm: KindTotals,
    pub css: KindTotals,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindTotals {
    pub raw_bytes: u64,
    pub gzip_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SandboxInfo {
    pub binary: String,
    pub profile: String,
    pub seed_users: u32,
    pub seed_and_start_seconds: f64,
    pub database: String,
}

/// What e2e/bench/run.mjs reported about the browser and the machine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowserInfo {
    /// "Chromium <version>", which run.mjs writes as `browser`.
    #[serde(alias = "browser")]
    pub version: Option<String>,
    pub connection: Option<String>,
    pub cpus: Option<u64>,
    pub load_average_at_start: Option<Vec<f64>>,
    pub load_average_at_end: Option<Vec<f64>>,
    pub page_errors: Option<Vec<String>>,
}

/// Milliseconds are rounded to 0.1; a figure without samples is null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdLoad {
    pub what: String,
    pub url_path: Option<String>,
    pub loads: usize,
    pub warmup_loads_discarded: Option<u64>,
    pub median_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms_budget: Option<BudgetMark>,
    pub p95_ms: Option<f64>,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub painted_median_ms: Option<f64>,
    pub painted_what: String,
    pub median_timeline_ms: ColdLoadTimeline,
    pub samples_ms: Vec<f64>,
}

/// Medians of the cold loads' timestamps, from navigation start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdLoadTimeline {
    pub html_end_ms: Option<f64>,
    pub js_end_ms: Option<f64>,
    pub wasm_end_ms: Option<f64>,
    pub dom_content_loaded_ms: Option<f64>,
    pub config_end_ms: Option<f64>,
    pub user_request_start_ms: Option<f64>,
    pub user_request_end_ms: Option<f64>,
    pub state_shown_ms: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstLoad {
    pub what: String,
    pub url_path: Option<String>,
    pub files: Vec<FirstLoadFile>,
    pub files_gzip_bytes: u64,
    pub api_requests: u64,
    pub api_bytes: u64,
    pub total_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstLoadFile {
    pub path: String,
    pub gzip_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub what: String,
    pub user_id: Option<String>,
    pub actions: usize,
    pub overhead_median_ms: Option<f64>,
    pub overhead_p95_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead_p95_ms_budget: Option<BudgetMark>,
    pub overhead_max_ms: Option<f64>,
    pub total_median_ms: Option<f64>,
    pub total_p95_ms: Option<f64>,
    pub request_median_ms: Option<f64>,
    pub before_request_median_ms: Option<f64>,
    pub after_response_median_ms: Option<f64>,
    pub by_action: ByAction,
    pub overhead_samples_ms: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByAction {
    pub lock: ActionOverhead,
    pub unlock: ActionOverhead,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionOverhead {
    pub actions: usize,
    pub overhead_median_ms: Option<f64>,
    pub overhead_p95_ms: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List {
    pub what: String,
    pub rows_100: Section<ListRows>,
    pub rows_1000: Section<ListRows>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListRows {
    pub url_path: Option<String>,
    pub loads: usize,
    pub median_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms_budget: Option<BudgetMark>,
    pub p95_ms: Option<f64>,
    pub painted_median_ms: Option<f64>,
    pub request_median_ms: Option<f64>,
    pub server_wait_median_ms: Option<f64>,
    pub samples_ms: Vec<f64>,
}

/// Growth from the first reading to the last; `growth_bytes` (JS + wasm) only when
/// both were read, else `not_measured` says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub what: Option<String>,
    pub navigations: Option<u64>,
    pub start: MemoryReading,
    pub end: MemoryReading,
    pub js_heap_growth_bytes: f64,
    pub wasm_memory_growth_bytes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_bytes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_bytes_budget: Option<BudgetMark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    pub readings: Vec<MemoryReading>,
}

/// A pasted list of 1,000 lines (ids and emails of active users) checked and
/// run to completion on /users/paste; the page's main thread watched all along.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasteList {
    pub lines: u64,
    /// From "Check the list" to the plan's run button.
    pub dry_run_ms: f64,
    /// From the confirmation to "Finished".
    pub run_ms: f64,
    /// The longest main-thread task (PerformanceObserver 'longtask', over 50 ms; 0: none).
    pub longest_task_ms: f64,
    pub long_tasks: u64,
    /// The longest gap between two animation frames during the dry run and the run.
    pub longest_frame_gap_ms: f64,
    pub outcome: String,
}

/// The whole users list exported as CSV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub what: Option<String>,
    pub rows: u64,
    pub file_bytes: u64,
    pub ms: f64,
    /// The JS heap's peak during the export over its size before it.
    pub js_heap_peak_growth_bytes: f64,
    /// That growth per byte of the file: far below 1 when the file is not held in the heap.
    pub js_heap_growth_per_file_byte: f64,
    /// After the download and a garbage collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js_heap_after_growth_bytes: Option<f64>,
    /// The wasm memory's high-water mark over its size before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasm_memory_growth_bytes: Option<f64>,
}

/// One reading of e2e/bench/run.mjs's memory benchmark (null: not available); the
/// numbers are kept as the browser gave them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryReading {
    pub navigations: Option<u64>,
    pub js_heap_used_bytes: Option<Number>,
    pub js_heap_total_bytes: Option<Number>,
    pub wasm_memory_bytes: Option<Number>,
    pub dom_nodes: Option<Number>,
    pub js_event_listeners: Option<Number>,
}

impl MemoryReading {
    pub fn js_heap_used(&self) -> Option<f64> {
        self.js_heap_used_bytes.as_ref().and_then(Number::as_f64)
    }

    pub fn wasm_memory(&self) -> Option<f64> {
        self.wasm_memory_bytes.as_ref().and_then(Number::as_f64)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeProfile {
    pub what: String,
    pub source: String,
    pub tool: String,
    /// Uncompressed code and data, the name sections left out.
    pub code_bytes: u64,
    pub top_retained: Vec<RetainedItem>,
    pub by_crate_shallow: Vec<CrateBytes>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetainedItem {
    pub name: String,
    pub retained_bytes: u64,
    pub retained_percent: f64,
    pub shallow_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrateBytes {
    #[serde(rename = "crate")]
    pub krate: String,
    pub bytes: u64,
    pub percent: f64,
}

impl Results {
    /// The bundle's sizes; the other sections are filled in as they are measured.
    pub fn new(
        files: &[FileSize],
        versions: &Versions,
        commit: Option<&str>,
        unix_time: u64,
    ) -> Self {
        let (raw_total, gzip_total) = budget_totals(files);
        let totals = |kind: &str| {
            let (raw_bytes, gzip_bytes) = totals_for(files, kind);
            KindTotals {
                raw_bytes,
                gzip_bytes,
            }
        };
        Results {
            schema: 2,
            measured_at_unix: unix_time,
            git_commit: commit.map(str::to_string),
            git_dirty: None,
            what: "cargo xtask bench: release bundle sizes (gzip = flate2 level 9), browser \
                   timings and memory in headless Chromium against the release sandbox with \
                   100,000 generated users, and a wasm size profile; a figure that could not \
                   be measured is {\"not_measured\": reason}"
                .into(),
            tools: Tools {
                trunk: versions.trunk.clone(),
                wasm_bindgen: versions.wasm_bindgen.clone(),
                wasm_opt: versions.wasm_opt.clone(),
                chromium: versions.chromium.clone(),
            },
            bundle: Bundle {
                files: files
                    .iter()
                    .map(|f| BundleFile {
                        path: f.path.clone(),
                        kind: f.kind.to_string(),
                        raw_bytes: f.raw,
                        gzip_bytes: f.gzip,
                    })
                    .collect(),
                by_kind: ByKind {
                    html: totals("html"),
                    js: totals("js"),
                    wasm: totals("wasm"),
                    css: totals("css"),
                },
                raw_total_bytes: raw_total,
                gzip_total_bytes: gzip_total,
                gzip_total_bytes_budget: None,
            },
            sandbox: None,
            browser: None,
            cold_load: None,
            first_load: None,
            action: None,
            list: None,
            memory: None,
            paste_list: None,
            export: None,
            size_profile: None,
            budgets: Vec::new(),
            bench_seconds: None,
        }
    }
}

/// The figures of a section that was measured.
pub fn measured<T>(section: &Option<Section<T>>) -> Option<&T> {
    section.as_ref().and_then(Section::measured)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::budgets::{apply_budgets, Verdict};
    use crate::bench::fixtures::{file, versions};
    use serde_json::Value;

    #[test]
    fn results_json_has_totals_and_the_gzip_budget_next_to_it() {
        let files = [
            file("index.html", 1000, 400),
            file("app_bg.wasm", 900_000, 360_000),
        ];
        let mut results = Results::new(&files, &versions(), Some("abc"), 42);
        let json = serde_json::to_value(&results).unwrap();
        assert_eq!(json["bundle"]["gzip_total_bytes"], 360_400);
        assert_eq!(json["bundle"]["by_kind"]["wasm"]["raw_bytes"], 900_000);
        assert_eq!(json["tools"]["wasm_bindgen"], "0.2.130");
        assert_eq!(json["git_commit"], "abc");
        let rows = apply_budgets(&mut results);
        let json = serde_json::to_value(&results).unwrap();
        assert_eq!(rows[0].2, Verdict::Fail);
        assert_eq!(json["bundle"]["gzip_total_bytes_budget"]["within"], false);
        assert_eq!(json["bundle"]["gzip_total_bytes_budget"]["max"], 348_160.0);
        assert_eq!(json["budgets"][0]["result"], "FAIL");
        // Nothing else was measured: said so, never a number.
        assert!(rows[1..].iter().all(|(_, _, v)| *v == Verdict::NotMeasured));
        assert_eq!(json["budgets"][1]["value"], Value::Null);
    }

    #[test]
    fn results_read_back_as_they_were_written() {
        let mut results = Results::new(&[file("app_bg.wasm", 9_000, 3_000)], &versions(), None, 7);
        results.git_dirty = Some(true);
        results.cold_load = Some(Section::skipped("--size-profile runs no browser"));
        results.action = Some(Section::not_measured(
            "the action benchmark failed: timed out",
        ));
        let reading = |navigations, js: u64| MemoryReading {
            navigations: Some(navigations),
            js_heap_used_bytes: Some(js.into()),
            ..MemoryReading::default()
        };
        results.memory = Some(Section::Measured(Memory {
            what: None,
            navigations: Some(500),
            start: reading(0, 1_000),
            end: reading(500, 3_000),
            js_heap_growth_bytes: 2_000.0,
            wasm_memory_growth_bytes: None,
            growth_bytes: None,
            growth_bytes_budget: None,
            not_measured: Some("no wasm memory".into()),
            readings: vec![reading(0, 1_000), reading(500, 3_000)],
        }));
        apply_budgets(&mut results);
        results.bench_seconds = Some(12);
        let text = serde_json::to_string_pretty(&results).unwrap();
        let read: Results = serde_json::from_str(&text).unwrap();
        assert_eq!(read, results);
        // A section that was measured but lacks a figure keeps its own reason.
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["memory"]["not_measured"], "no wasm memory");
        assert_eq!(json["memory"]["growth_bytes_budget"]["within"], Value::Null);
        assert_eq!(
            json["cold_load"],
            serde_json::json!({"skipped": "--size-profile runs no browser"})
        );
        assert_eq!(json["budgets"][4]["reason"], "no wasm memory");
    }
}
