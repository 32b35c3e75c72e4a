//! The lines under the budget table that explain bench/results.json's figures.

use super::budgets::{format_figure, Unit};
use super::results::{measured, Results};
use super::sizes::kb;

/// The lines under the budget table that explain the figures.
pub fn details(results: &Results) -> String {
    let mut out = String::new();
    let ms = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1} ms"));
    if let Some(cold) = measured(&results.cold_load).filter(|c| c.median_ms.is_some()) {
        let t = &cold.median_timeline_ms;
        out.push_str(&format!(
            "  cold load: median {}, p95 {} over {} loads; painted {}. Median timeline: \
             wasm loaded {}, config.json {}, user GET {} to {}, state shown {}\n",
            ms(cold.median_ms),
            ms(cold.p95_ms),
            cold.loads,
            ms(cold.painted_median_ms),
            ms(t.wasm_end_ms),
            ms(t.config_end_ms),
            ms(t.user_request_start_ms),
            ms(t.user_request_end_ms),
            ms(t.state_shown_ms),
        ));
    }
    if let Some(first) = measured(&results.first_load) {
        out.push_str(&format!(
            "  first load (signed in, empty cache, {}): {} = {} gzip of {} files of dist/ + {} \
             in {} API answers; the whole bundle is {} gzip\n",
            first.url_path.as_deref().unwrap_or("?"),
            kb(first.total_bytes),
            kb(first.files_gzip_bytes),
            first.files.len(),
            kb(first.api_bytes),
            first.api_requests,
            kb(results.bundle.gzip_total_bytes),
        ));
    }
    if let Some(action) = measured(&results.action).filter(|a| a.overhead_p95_ms.is_some()) {
        out.push_str(&format!(
            "  actions: {} lock/unlock; overhead median {}, p95 {} (lock p95 {}, unlock p95 {}); \
             with the request: median {}, request alone {}\n",
            action.actions,
            ms(action.overhead_median_ms),
            ms(action.overhead_p95_ms),
            ms(action.by_action.lock.overhead_p95_ms),
            ms(action.by_action.unlock.overhead_p95_ms),
            ms(action.total_median_ms),
            ms(action.request_median_ms),
        ));
    }
    if let Some(list) = measured(&results.list) {
        for (size, rows) in [("100", &list.rows_100), ("1000", &list.rows_1000)] {
            if let Some(rows) = rows.measured().filter(|r| r.median_ms.is_some()) {
                out.push_str(&format!(
                    "  list of {size}: response to rows median {} (painted {}) over {} loads; \
                     the POST itself {}\n",
                    ms(rows.median_ms),
                    ms(rows.painted_median_ms),
                    rows.loads,
                    ms(rows.request_median_ms),
                ));
            }
        }
    }
    if let Some(memory) = measured(&results.memory) {
        let bytes =
            |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format_figure(v, Unit::Bytes));
        out.push_str(&format!(
            "  memory after {} navigations: JS heap {} -> {} ({}), wasm memory {} -> {} ({})\n",
            memory
                .navigations
                .map_or_else(|| "?".to_string(), |n| n.to_string()),
            bytes(memory.start.js_heap_used()),
            bytes(memory.end.js_heap_used()),
            bytes(Some(memory.js_heap_growth_bytes)),
            bytes(memory.start.wasm_memory()),
            bytes(memory.end.wasm_memory()),
            bytes(memory.wasm_memory_growth_bytes),
        ));
    }
    let bytes =
        |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format_figure(v, Unit::Bytes));
    if let Some(paste) = measured(&results.paste_list) {
        out.push_str(&format!(
            "  pasted list of {} lines: dry run {}, run {}; longest main-thread task {} ({} over \
             50 ms), longest frame gap {}\n",
            paste.lines,
            ms(Some(paste.dry_run_ms)),
            ms(Some(paste.run_ms)),
            ms(Some(paste.longest_task_ms)),
            paste.long_tasks,
            ms(Some(paste.longest_frame_gap_ms)),
        ));
    }
    if let Some(export) = measured(&results.export) {
        out.push_str(&format!(
            "  export of {} users: {} in {}; JS heap peak growth {} ({:.3} of the file), after GC \
             {}; wasm memory growth {}\n",
            export.rows,
            bytes(Some(export.file_bytes as f64)),
            ms(Some(export.ms)),
            bytes(Some(export.js_heap_peak_growth_bytes)),
            export.js_heap_growth_per_file_byte,
            bytes(export.js_heap_after_growth_bytes),
            bytes(export.wasm_memory_growth_bytes),
        ));
    }
    out
}
