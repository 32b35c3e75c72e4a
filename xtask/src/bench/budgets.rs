//! The budgets on figures of results.json: which figure each is about, whether it was
//! kept, and the table of verdicts.

use serde_json::{json, Value};

use super::sizes::{kb, GZIP_BUDGET_BYTES};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_print_in_their_units() {
        assert_eq!(format_figure(12.345, Unit::Ms), "12.3 ms");
        assert_eq!(format_figure(2048.0, Unit::Bytes), "2.0 KB");
        assert_eq!(format_figure(-2048.0, Unit::Bytes), "-2.0 KB");
        assert_eq!(format_figure(5.0 * MB as f64, Unit::Bytes), "5.00 MB");
    }
}
