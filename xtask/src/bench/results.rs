//! bench/results.json: what it holds, and the lines under the budget table that
//! explain its figures.

use serde_json::{json, Value};

use super::budgets::{format_figure, Unit};
use super::sizes::{budget_totals, kb, totals_for, FileSize, KINDS};
use crate::setup::Versions;

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
pub fn details(results: &Value) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::budgets::{apply_budgets, Verdict};
    use crate::bench::fixtures::{file, versions};

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
}
