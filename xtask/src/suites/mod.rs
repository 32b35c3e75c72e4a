//! `cargo xtask test`: the project's suites in order, stopping at the first failure,
//! with each runner's summary line and a table at the end.
//!
//! The suites by kind: [`workspace`] (fmt, clippy, cargo test), [`browser`] (the
//! wasm, proto and e2e suites with their sandbox, and the Playwright runner the
//! hosting suite shares), [`counts`] (reading each runner's summary).

mod browser;
mod counts;
mod workspace;

use std::time::{Duration, Instant};

use crate::cmd::{human_duration, Ctx, Result};

pub use browser::{fresh_sandbox, run_playwright, SANDBOX_STARTUP};

/// The app crate (the root package).
const APP: &str = "lifecycle-console";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    Fmt,
    Clippy,
    Native,
    Proto,
    Wasm,
    E2e,
    Hosting,
}

pub const ALL: [Suite; 7] = [
    Suite::Fmt,
    Suite::Clippy,
    Suite::Native,
    Suite::Proto,
    Suite::Wasm,
    Suite::E2e,
    Suite::Hosting,
];

impl Suite {
    pub fn name(self) -> &'static str {
        match self {
            Suite::Fmt => "fmt",
            Suite::Clippy => "clippy",
            Suite::Native => "native",
            Suite::Proto => "proto",
            Suite::Wasm => "wasm",
            Suite::E2e => "e2e",
            Suite::Hosting => "hosting",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Suite::Fmt => "formatting (cargo fmt --check)",
            Suite::Clippy => "lints (clippy, native and wasm32, -D warnings)",
            Suite::Native => "native tests (cargo test --workspace)",
            Suite::Proto => {
                "the sandbox's answers read strictly with ZITADEL's own protos (@zitadel/proto)"
            }
            Suite::Wasm => "browser unit tests (wasm-bindgen-test in headless Chromium)",
            Suite::E2e => "Playwright journeys against the release bundle",
            Suite::Hosting => {
                "the nginx recipe: Playwright journeys through nginx, at / and /admin/"
            }
        }
    }

    pub fn parse(name: &str) -> Option<Suite> {
        ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    NotRun,
}

struct Row {
    suite: Suite,
    outcome: Outcome,
    time: Option<Duration>,
    detail: String,
}

pub fn run(ctx: &Ctx, suites: &[Suite]) -> Result {
    crate::setup::run(ctx)?;
    let mut rows: Vec<Row> = suites
        .iter()
        .map(|&suite| Row {
            suite,
            outcome: Outcome::NotRun,
            time: None,
            detail: String::new(),
        })
        .collect();
    let mut failure = None;
    // The e2e suite builds dist/; the hosting suite serves that same build.
    let mut bundle_built = false;
    for row in rows.iter_mut() {
        println!("==> {}: {}", row.suite.name(), row.suite.title());
        let start = Instant::now();
        let result = match row.suite {
            Suite::Fmt => workspace::fmt(ctx, &mut row.detail),
            Suite::Clippy => workspace::clippy(ctx, &mut row.detail),
            Suite::Native => workspace::native(ctx, &mut row.detail),
            Suite::Proto => browser::proto(ctx, &mut row.detail),
            Suite::Wasm => browser::wasm(ctx, &mut row.detail),
            Suite::E2e => {
                bundle_built = true;
                browser::e2e(ctx, &mut row.detail)
            }
            Suite::Hosting => crate::hosting::run(ctx, &mut row.detail, bundle_built),
        };
        row.time = Some(start.elapsed());
        match result {
            Ok(()) => {
                row.outcome = Outcome::Pass;
                println!(
                    "==> {}: passed in {}\n",
                    row.suite.name(),
                    human_duration(start.elapsed())
                );
            }
            Err(e) => {
                row.outcome = Outcome::Fail;
                failure = Some(format!("suite `{}` failed: {e}", row.suite.name()));
                break;
            }
        }
    }
    println!("{}", summary_table(&rows));
    match failure {
        Some(e) => Err(e),
        None => {
            println!("all {} suites passed", rows.len());
            Ok(())
        }
    }
}

fn summary_table(rows: &[Row]) -> String {
    let mut out = String::from("\ntest summary\n");
    out.push_str(&format!(
        "  {:<8} {:<8} {:>8}  {}\n",
        "suite", "result", "time", "detail"
    ));
    for row in rows {
        let outcome = match row.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::NotRun => "not run",
        };
        let time = row.time.map(human_duration).unwrap_or_default();
        out.push_str(
            format!(
                "  {:<8} {:<8} {:>8}  {}",
                row.suite.name(),
                outcome,
                time,
                row.detail
            )
            .trim_end(),
        );
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_parse_by_name_in_order() {
        let names: Vec<&str> = ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            ["fmt", "clippy", "native", "proto", "wasm", "e2e", "hosting"]
        );
        assert_eq!(Suite::parse("wasm"), Some(Suite::Wasm));
        assert_eq!(Suite::parse("unit"), None);
    }

    #[test]
    fn the_summary_table_marks_what_did_not_run() {
        let rows = [
            Row {
                suite: Suite::Fmt,
                outcome: Outcome::Pass,
                time: Some(Duration::from_millis(800)),
                detail: "cargo fmt --all -- --check".into(),
            },
            Row {
                suite: Suite::Native,
                outcome: Outcome::Fail,
                time: Some(Duration::from_secs(75)),
                detail: "3 passed, 1 failed, 0 ignored".into(),
            },
            Row {
                suite: Suite::E2e,
                outcome: Outcome::NotRun,
                time: None,
                detail: String::new(),
            },
        ];
        let table = summary_table(&rows);
        assert!(table.contains("  fmt      pass         0.8s  cargo fmt --all -- --check\n"));
        assert!(table.contains("  native   FAIL       1m 15s  3 passed"));
        assert!(table.contains("  e2e      not run\n"), "{table}");
    }
}
