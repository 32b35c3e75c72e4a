//! The budgets on figures of results.json: which figure each is about, whether it was
//! kept, and the table of verdicts.

use super::results::{BudgetMark, BudgetSummary, Results, Section};
use super::sizes::{kb, GZIP_BUDGET_BYTES};

pub const MB: u64 = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Ms,
}

/// A budget on one figure of results.json: the figure is `field` of the object at
/// the JSON pointer `section` (as the summary in the file says), read through
/// `measure`.
#[derive(Debug)]
pub struct Budget {
    pub key: &'static str,
    pub label: &'static str,
    pub measure: Measure,
    pub section: &'static str,
    pub field: &'static str,
    pub max: f64,
    pub unit: Unit,
}

pub const BUDGETS: [Budget; 5] = [
    Budget {
        key: "bundle_gzip_total",
        label: "bundle, html+js+wasm+css gzip",
        measure: Measure::BundleGzipTotal,
        section: "/bundle",
        field: "gzip_total_bytes",
        max: GZIP_BUDGET_BYTES as f64,
        unit: Unit::Bytes,
    },
    Budget {
        key: "cold_load_median",
        label: "cold load to the user's state, median",
        measure: Measure::ColdLoadMedian,
        section: "/cold_load",
        field: "median_ms",
        max: 300.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "action_overhead_p95",
        label: "action overhead (minus request), p95",
        measure: Measure::ActionOverheadP95,
        section: "/action",
        field: "overhead_p95_ms",
        max: 16.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "list_1000_rows_median",
        label: "1,000-row page, response to rows, median",
        measure: Measure::List1000RowsMedian,
        section: "/list/rows_1000",
        field: "median_ms",
        max: 100.0,
        unit: Unit::Ms,
    },
    Budget {
        key: "memory_growth",
        label: "memory growth, 500 navigations (JS+wasm)",
        measure: Measure::MemoryGrowth,
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

/// The budgeted figures of [`Results`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    BundleGzipTotal,
    ColdLoadMedian,
    ActionOverheadP95,
    List1000RowsMedian,
    MemoryGrowth,
}

impl Measure {
    /// The figure, or why there is none (the nearest enclosing section's reason);
    /// `None` when its section is missing.
    fn find(self, results: &Results) -> Option<Figure> {
        let value = |v: Option<f64>| v.map(Figure::Value);
        match self {
            Measure::BundleGzipTotal => Some(Figure::Value(results.bundle.gzip_total_bytes as f64)),
            Measure::ColdLoadMedian => {
                in_section(results.cold_load.as_ref(), |c| value(c.median_ms))
            }
            Measure::ActionOverheadP95 => {
                in_section(results.action.as_ref(), |a| value(a.overhead_p95_ms))
            }
            Measure::List1000RowsMedian => in_section(results.list.as_ref(), |list| {
                in_section(Some(&list.rows_1000), |rows| value(rows.median_ms))
            }),
            Measure::MemoryGrowth => in_section(results.memory.as_ref(), |m| {
                value(m.growth_bytes).or_else(|| m.not_measured.clone().map(Figure::NotMeasured))
            }),
        }
    }

    /// Where the budget is written next to the figure (`<field>_budget`), when its
    /// section was measured.
    fn mark(self, results: &mut Results) -> Option<&mut Option<BudgetMark>> {
        match self {
            Measure::BundleGzipTotal => Some(&mut results.bundle.gzip_total_bytes_budget),
            Measure::ColdLoadMedian => {
                measured_mut(&mut results.cold_load).map(|c| &mut c.median_ms_budget)
            }
            Measure::ActionOverheadP95 => {
                measured_mut(&mut results.action).map(|a| &mut a.overhead_p95_ms_budget)
            }
            Measure::List1000RowsMedian => measured_mut(&mut results.list)
                .and_then(|list| list.rows_1000.measured_mut())
                .map(|rows| &mut rows.median_ms_budget),
            Measure::MemoryGrowth => {
                measured_mut(&mut results.memory).map(|m| &mut m.growth_bytes_budget)
            }
        }
    }
}

fn in_section<T>(
    section: Option<&Section<T>>,
    read: impl FnOnce(&T) -> Option<Figure>,
) -> Option<Figure> {
    match section? {
        Section::Measured(figures) => read(figures),
        Section::NotMeasured { not_measured } => Some(Figure::NotMeasured(not_measured.clone())),
        Section::Skipped { skipped } => Some(Figure::Skipped(skipped.clone())),
    }
}

fn measured_mut<T>(section: &mut Option<Section<T>>) -> Option<&mut T> {
    section.as_mut().and_then(Section::measured_mut)
}

/// The figure `budget` is about, or why there is none.
pub fn figure(results: &Results, budget: &Budget) -> Figure {
    budget.measure.find(results).unwrap_or_else(|| {
        Figure::NotMeasured(format!(
            "{}/{} is missing from the results",
            budget.section, budget.field
        ))
    })
}

/// Writes each budget next to its figure (`<field>_budget`) and a summary under
/// `budgets`; returns the verdicts in BUDGETS order.
pub fn apply_budgets(results: &mut Results) -> Vec<(&'static Budget, Figure, Verdict)> {
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    for budget in &BUDGETS {
        let found = figure(results, budget);
        let verdict = verdict(budget, &found);
        let (value, reason) = match &found {
            Figure::Value(v) => (Some(*v), None),
            Figure::NotMeasured(r) | Figure::Skipped(r) => (None, Some(r.clone())),
        };
        let within = match verdict {
            Verdict::Pass => Some(true),
            Verdict::Fail => Some(false),
            _ => None,
        };
        let unit = match budget.unit {
            Unit::Bytes => "bytes",
            Unit::Ms => "ms",
        };
        if let Some(mark) = budget.measure.mark(results) {
            *mark = Some(BudgetMark {
                max: budget.max,
                within,
            });
        }
        summary.push(BudgetSummary {
            key: budget.key.into(),
            figure: format!("{}/{}", budget.section, budget.field),
            what: budget.label.into(),
            value,
            max: budget.max,
            unit: unit.into(),
            result: verdict.word().into(),
            reason,
        });
        rows.push((budget, found, verdict));
    }
    results.budgets = summary;
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
