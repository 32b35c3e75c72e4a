//! The browser run's samples turned into the results' sections: medians,
//! percentiles and what a first load transfers.

use super::browser::{
    ActionSample, BrowserRun, ColdLoadSample, ExportRun, ListRun, ListSample, MemoryRun,
    PasteListRun, Samples,
};
use super::results::{
    Action, ActionOverhead, ByAction, ColdLoad, ColdLoadTimeline, Export, FirstLoad, FirstLoadFile,
    List, ListRows, Memory, MemoryReading, PasteList, Results, Section,
};
use super::sizes::FileSize;
use super::stats::{median, opt1, percentile, round1, sorted};
use crate::cmd::Result;

/// One figure of every sample that has it.
fn column<S>(samples: &[S], read: impl Fn(&S) -> Option<f64>) -> Vec<f64> {
    samples.iter().filter_map(read).collect()
}

/// The samples of a section of the browser run, or why there are none.
fn samples_of<'a, S>(section: Option<&'a Samples<S>>, what: &str) -> Result<&'a [S]> {
    let section = section.ok_or_else(|| format!("the browser run has no {what} section"))?;
    if let Some(error) = &section.error {
        return Err(format!("the {what} benchmark failed: {error}"));
    }
    let samples = section
        .samples
        .as_deref()
        .ok_or_else(|| format!("the {what} section has no samples"))?;
    if samples.is_empty() {
        return Err(format!("the {what} benchmark produced no samples"));
    }
    Ok(samples)
}

pub fn summarise_cold_load(section: Option<&Samples<ColdLoadSample>>) -> Result<ColdLoad> {
    let samples = samples_of(section, "cold load")?;
    let section = section.expect("samples_of checked it");
    let ms = column(samples, |s| s.ms);
    if ms.len() != samples.len() {
        return Err("a cold load sample has no time".into());
    }
    let median_of = |read: fn(&ColdLoadSample) -> Option<f64>| opt1(median(&column(samples, read)));
    Ok(ColdLoad {
        what: "navigation start (a fresh browser context each time, token put into \
               sessionStorage before the page runs) to the user's state badge \
               (`header [data-testid=state-badge]`) having text in the DOM"
            .into(),
        url_path: section.url_path.clone(),
        loads: ms.len(),
        warmup_loads_discarded: section.warmup_loads_discarded,
        median_ms: opt1(median(&ms)),
        median_ms_budget: None,
        p95_ms: opt1(percentile(&ms, 95.0)),
        min_ms: opt1(sorted(&ms).first().copied()),
        max_ms: opt1(sorted(&ms).last().copied()),
        painted_median_ms: median_of(|s| s.painted_ms),
        painted_what: "the same, to a task posted from the next animation frame (after that \
                       frame's paint)"
            .into(),
        median_timeline_ms: ColdLoadTimeline {
            html_end_ms: median_of(|s| s.html_end_ms),
            js_end_ms: median_of(|s| s.js_end_ms),
            wasm_end_ms: median_of(|s| s.wasm_end_ms),
            dom_content_loaded_ms: median_of(|s| s.dom_content_loaded_ms),
            config_end_ms: median_of(|s| s.config_end_ms),
            user_request_start_ms: median_of(|s| s.user_request_start_ms),
            user_request_end_ms: median_of(|s| s.user_request_end_ms),
            state_shown_ms: opt1(median(&ms)),
        },
        samples_ms: ms.iter().map(|v| round1(*v)).collect(),
    })
}

pub fn summarise_action(section: Option<&Samples<ActionSample>>) -> Result<Action> {
    let samples = samples_of(section, "action")?;
    let section = section.expect("samples_of checked it");
    let overhead_of = |s: &ActionSample| Some(s.total_ms? - s.request_ms?);
    let overhead = column(samples, overhead_of);
    if overhead.len() != samples.len() {
        return Err("an action sample has no total or request time".into());
    }
    let of_action = |action: &str| {
        let these: Vec<f64> = samples
            .iter()
            .filter(|s| s.action.as_deref() == Some(action))
            .filter_map(overhead_of)
            .collect();
        ActionOverhead {
            actions: these.len(),
            overhead_median_ms: opt1(median(&these)),
            overhead_p95_ms: opt1(percentile(&these, 95.0)),
        }
    };
    let total = column(samples, |s| s.total_ms);
    let median_of = |read: fn(&ActionSample) -> Option<f64>| opt1(median(&column(samples, read)));
    Ok(Action {
        what: "click (Lock: the dialog's Lock button; Unlock: its button) to the new state \
               in the DOM, minus the POST's own duration (Resource Timing startTime to \
               responseEnd); alternating lock and unlock on one user, each after the \
               previous write's re-read"
            .into(),
        user_id: section.user_id.clone(),
        actions: overhead.len(),
        overhead_median_ms: opt1(median(&overhead)),
        overhead_p95_ms: opt1(percentile(&overhead, 95.0)),
        overhead_p95_ms_budget: None,
        overhead_max_ms: opt1(sorted(&overhead).last().copied()),
        total_median_ms: opt1(median(&total)),
        total_p95_ms: opt1(percentile(&total, 95.0)),
        request_median_ms: median_of(|s| s.request_ms),
        before_request_median_ms: median_of(|s| s.before_request_ms),
        after_response_median_ms: median_of(|s| s.after_response_ms),
        by_action: ByAction {
            lock: of_action("lock"),
            unlock: of_action("unlock"),
        },
        overhead_samples_ms: overhead.iter().map(|v| round1(*v)).collect(),
    })
}

pub fn summarise_list(section: Option<&ListRun>) -> Result<List> {
    let section = section.ok_or("the browser run has no list section")?;
    if let Some(error) = &section.error {
        return Err(format!("the list benchmark failed: {error}"));
    }
    let rows = |size: &str, rows: Option<&Samples<ListSample>>| {
        Section::from_result(
            samples_of(rows, &format!("{size}-row list")).map(|samples| {
                let ms = column(samples, |s| s.ms);
                ListRows {
                    url_path: rows.and_then(|r| r.url_path.clone()),
                    loads: ms.len(),
                    median_ms: opt1(median(&ms)),
                    median_ms_budget: None,
                    p95_ms: opt1(percentile(&ms, 95.0)),
                    painted_median_ms: opt1(median(&column(samples, |s| s.painted_ms))),
                    request_median_ms: opt1(median(&column(samples, |s| s.request_ms))),
                    server_wait_median_ms: opt1(median(&column(samples, |s| s.server_wait_ms))),
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
        rows_100: rows("100", section.rows_100.as_ref()),
        rows_1000: rows("1000", section.rows_1000.as_ref()),
    })
}

pub fn summarise_memory(section: Option<&MemoryRun>) -> Result<Memory> {
    let section = section.ok_or("the browser run has no memory section")?;
    if let Some(error) = &section.error {
        return Err(format!("the memory benchmark failed: {error}"));
    }
    let readings = section
        .readings
        .as_ref()
        .filter(|r| r.len() >= 2)
        .ok_or("the memory benchmark has fewer than two readings")?;
    let (first, last) = (&readings[0], &readings[readings.len() - 1]);
    let growth = |read: fn(&MemoryReading) -> Option<f64>| Some(read(last)? - read(first)?);
    let js = growth(MemoryReading::js_heap_used).ok_or("no JS heap reading")?;
    let wasm = growth(MemoryReading::wasm_memory);
    Ok(Memory {
        what: section.method.clone(),
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
        readings: readings.clone(),
    })
}

/// What a cold load of a user page transfers (signed in, empty cache), from the
/// first measured cold load's Resource Timing: each file of dist/ it requested at
/// its gzip size (as a static host with gzip serves it; the document is
/// index.html), and the API answers at the bytes they came with.
pub fn first_load(
    cold_load: Option<&Samples<ColdLoadSample>>,
    files: &[FileSize],
) -> Result<FirstLoad> {
    let samples = samples_of(cold_load, "cold load")?;
    let requests = samples[0]
        .requests
        .as_ref()
        .ok_or("the cold load samples do not list their requests")?;
    let mut from_dist = Vec::new();
    let mut api_bytes = 0;
    let mut api_requests = 0;
    for request in requests {
        let dist_path = if request.navigation {
            "index.html"
        } else {
            request.path.trim_start_matches('/')
        };
        match files.iter().find(|f| f.path == dist_path) {
            Some(file) => from_dist.push(file),
            None => {
                api_requests += 1;
                api_bytes += request.body_bytes.unwrap_or(0);
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
        url_path: cold_load.and_then(|c| c.url_path.clone()),
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

pub fn summarise_paste_list(section: Option<&PasteListRun>) -> Result<PasteList> {
    let section = section.ok_or("the browser run has no paste_list section")?;
    if let Some(error) = &section.error {
        return Err(format!("the pasted-list benchmark failed: {error}"));
    }
    let missing = |what: &str| format!("the pasted-list benchmark has no {what}");
    Ok(PasteList {
        lines: section.lines.ok_or_else(|| missing("line count"))?,
        dry_run_ms: round1(section.dry_run_ms.ok_or_else(|| missing("dry run time"))?),
        run_ms: round1(section.run_ms.ok_or_else(|| missing("run time"))?),
        longest_task_ms: round1(section.longest_task_ms.unwrap_or(0.0)),
        long_tasks: section.long_tasks.unwrap_or(0),
        longest_frame_gap_ms: round1(
            section
                .longest_frame_gap_ms
                .ok_or_else(|| missing("frame gap"))?,
        ),
        outcome: section.outcome.clone().unwrap_or_default(),
    })
}

pub fn summarise_export(section: Option<&ExportRun>) -> Result<Export> {
    let section = section.ok_or("the browser run has no export section")?;
    if let Some(error) = &section.error {
        return Err(format!("the export benchmark failed: {error}"));
    }
    let missing = |what: &str| format!("the export benchmark has no {what}");
    let before = section
        .js_heap_before_bytes
        .ok_or_else(|| missing("heap reading"))?;
    let peak = section
        .js_heap_peak_bytes
        .ok_or_else(|| missing("heap peak"))?;
    let file_bytes = section
        .file_bytes
        .filter(|b| *b > 0)
        .ok_or_else(|| missing("file"))?;
    let growth = (peak - before).max(0.0);
    Ok(Export {
        what: section.method.clone(),
        rows: section.rows.ok_or_else(|| missing("row count"))?,
        file_bytes,
        ms: round1(section.ms.ok_or_else(|| missing("time"))?),
        js_heap_peak_growth_bytes: growth,
        js_heap_growth_per_file_byte: (growth / file_bytes as f64 * 1000.0).round() / 1000.0,
        js_heap_after_growth_bytes: section.js_heap_after_bytes.map(|after| after - before),
        wasm_memory_growth_bytes: section
            .wasm_memory_after_bytes
            .zip(section.wasm_memory_before_bytes)
            .map(|(after, before)| after - before),
    })
}

/// The browser run's file turned into the results' sections.
pub fn add_browser_sections(results: &mut Results, run: &BrowserRun) {
    if let Some(error) = &run.error {
        let reason = format!("the browser run failed: {error}");
        results.cold_load = Some(Section::not_measured(&reason));
        results.action = Some(Section::not_measured(&reason));
        results.list = Some(Section::not_measured(&reason));
        results.paste_list = Some(Section::not_measured(&reason));
        results.export = Some(Section::not_measured(&reason));
        results.memory = Some(Section::not_measured(reason));
        return;
    }
    results.cold_load = Some(Section::from_result(summarise_cold_load(
        run.cold_load.as_ref(),
    )));
    results.action = Some(Section::from_result(summarise_action(run.action.as_ref())));
    results.list = Some(Section::from_result(summarise_list(run.list.as_ref())));
    results.memory = Some(Section::from_result(summarise_memory(run.memory.as_ref())));
    results.paste_list = Some(Section::from_result(summarise_paste_list(
        run.paste_list.as_ref(),
    )));
    results.export = Some(Section::from_result(summarise_export(run.export.as_ref())));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::budgets::{apply_budgets, budget_table, Figure, Verdict};
    use crate::bench::fixtures::{file, versions};
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// A part of e2e/bench/run.mjs's output, read as bench reads it.
    fn parsed<T: DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).unwrap()
    }

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
        let first = serde_json::to_value(first_load(Some(&parsed(cold)), &files).unwrap()).unwrap();
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
        assert!(first_load(Some(&parsed(without_requests)), &files).is_err());
        let no_wasm = json!({"samples": [{"ms": 1.0, "requests": [{"path": "/config.json"}]}]});
        assert!(first_load(Some(&parsed(no_wasm)), &files).is_err());
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
    fn the_browser_and_machine_pass_into_the_results_as_reported() {
        let mut output = browser_run_output();
        output["cpus"] = json!(2);
        output["load_average_at_start"] = json!([1.5, 0.5, 0.25]);
        output["page_errors"] = json!(["boom"]);
        let run: BrowserRun = parsed(output);
        assert_eq!(
            serde_json::to_value(&run.machine).unwrap(),
            json!({
                "version": "Chromium 156",
                "connection": null,
                "cpus": 2,
                "load_average_at_start": [1.5, 0.5, 0.25],
                "load_average_at_end": null,
                "page_errors": ["boom"],
            })
        );
        assert!(run.cold_load.is_some());
    }

    #[test]
    fn browser_samples_become_figures_and_failures_reasons() {
        let mut results = small_bundle();
        add_browser_sections(&mut results, &parsed(browser_run_output()));
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
        add_browser_sections(
            &mut failed,
            &parsed(json!({"error": "chromium did not start"})),
        );
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
        assert!(summarise_cold_load(Some(&parsed(empty))).is_err());
        assert!(summarise_memory(Some(&parsed(json!({"readings": [{}]})))).is_err());
    }

    #[test]
    fn the_pasted_list_and_the_export_become_figures() {
        let paste = summarise_paste_list(Some(&parsed(json!({
            "lines": 1000, "dry_run_ms": 812.34, "run_ms": 9876.5, "longest_task_ms": 61.0,
            "long_tasks": 2, "longest_frame_gap_ms": 70.04, "frames": 600,
            "outcome": "Finished: 1000 done, 0 skipped, 0 failed, 0 not sent"
        }))))
        .unwrap();
        assert_eq!(
            (paste.dry_run_ms, paste.run_ms, paste.longest_frame_gap_ms),
            (812.3, 9876.5, 70.0)
        );
        assert_eq!(paste.long_tasks, 2);
        let export = summarise_export(Some(&parsed(json!({
            "rows": 100_020, "file_bytes": 10_000_000, "ms": 45_000.0,
            "js_heap_before_bytes": 3_000_000.0, "js_heap_peak_bytes": 4_000_000.0,
            "js_heap_after_bytes": 3_100_000.0,
            "wasm_memory_before_bytes": 2_000_000.0, "wasm_memory_after_bytes": 3_000_000.0
        }))))
        .unwrap();
        assert_eq!(export.js_heap_peak_growth_bytes, 1_000_000.0);
        assert_eq!(export.js_heap_growth_per_file_byte, 0.1);
        assert_eq!(export.js_heap_after_growth_bytes, Some(100_000.0));
        assert_eq!(export.wasm_memory_growth_bytes, Some(1_000_000.0));
        assert!(summarise_export(Some(&parsed(json!({"error": "boom"})))).is_err());
        assert!(summarise_paste_list(None).is_err());
    }
}
