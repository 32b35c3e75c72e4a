//! `cargo xtask test`: the project's suites in order, stopping at the first failure,
//! with each runner's summary line and a table at the end.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cmd::{human_duration, Ctx, Result};
use crate::sandbox::{free_port, Sandbox, SandboxArgs};
use crate::setup::{CHROMEDRIVER, WASM_TARGET};

/// The app crate (the root package).
const APP: &str = "lifecycle-console";
/// A fixed port when free: the app's wasm tests read SANDBOX_URL at compile time, so a
/// new port means a rebuild of the test crate.
const WASM_SANDBOX_PORT: u16 = 18081;
const E2E_SANDBOX_PORT: u16 = 18082;
const PROTO_SANDBOX_PORT: u16 = 18083;
pub const SANDBOX_STARTUP: Duration = Duration::from_secs(60);
/// The sandbox stops by itself after this long, should xtask be killed outright.
pub const SANDBOX_EXIT_AFTER: Duration = Duration::from_secs(1800);

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
            Suite::Fmt => fmt(ctx, &mut row.detail),
            Suite::Clippy => clippy(ctx, &mut row.detail),
            Suite::Native => native(ctx, &mut row.detail),
            Suite::Proto => proto(ctx, &mut row.detail),
            Suite::Wasm => wasm(ctx, &mut row.detail),
            Suite::E2e => {
                bundle_built = true;
                e2e(ctx, &mut row.detail)
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

fn fmt(ctx: &Ctx, detail: &mut String) -> Result {
    *detail = "cargo fmt --all -- --check".into();
    ctx.cargo()
        .args(["fmt", "--all", "--", "--check"])
        .what("cargo fmt --check")
        .run()
        .map_err(|e| format!("{e} (`cargo fmt --all` fixes the formatting)"))
}

fn clippy(ctx: &Ctx, detail: &mut String) -> Result {
    *detail = "workspace native".into();
    ctx.cargo()
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .what("cargo clippy (native)")
        .run()?;
    *detail = "workspace native + app wasm32".into();
    ctx.cargo()
        .args([
            "clippy",
            "-p",
            APP,
            "--target",
            WASM_TARGET,
            "--all-targets",
        ])
        .args(["--", "-D", "warnings"])
        .what("cargo clippy (wasm32)")
        .run()
}

fn native(ctx: &Ctx, detail: &mut String) -> Result {
    let (lines, result) = ctx
        .cargo()
        .args(["test", "--workspace"])
        .what("cargo test --workspace")
        .run_tee();
    let counts = parse_libtest(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("native: {counts}");
    }
    result?;
    if counts.is_none() {
        return Err("cargo test printed no `test result:` line".into());
    }
    Ok(())
}

fn wasm(ctx: &Ctx, detail: &mut String) -> Result {
    ctx.cargo()
        .args(["build", "-p", "sandbox"])
        .what("cargo build -p sandbox")
        .run()?;
    let port = free_port(Some(WASM_SANDBOX_PORT))?;
    let dir = ctx.target_dir().join("xtask/wasm");
    let db = dir.join("wasm.sqlite");
    let mut sandbox = Sandbox::start(
        ctx,
        &ctx.target_dir().join("debug/sandbox"),
        &fresh_sandbox(port, db).to_args(),
        port,
        &dir.join("sandbox.log"),
    )?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    let (lines, result) = ctx
        .cargo()
        // Every suite runs even when one fails, so one run shows all failures.
        .args(["test", "-p", APP, "--target", WASM_TARGET, "--no-fail-fast"])
        .env("SANDBOX_URL", sandbox.base_url())
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .what("cargo test --target wasm32-unknown-unknown")
        .run_tee();
    let counts = parse_libtest(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("wasm: {counts}");
    }
    if result.is_err() {
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    result?;
    if counts.is_none() {
        return Err("the wasm test run printed no `test result:` line".into());
    }
    Ok(())
}

/// e2e/proto/: every ZITADEL call the console makes, answered by a fresh sandbox and
/// read with `fromJson` of ZITADEL's response message (npm `@zitadel/proto`), under
/// Node's test runner.
fn proto(ctx: &Ctx, detail: &mut String) -> Result {
    ctx.cargo()
        .args(["build", "-p", "sandbox"])
        .what("cargo build -p sandbox")
        .run()?;
    let port = free_port(Some(PROTO_SANDBOX_PORT))?;
    let dir = ctx.target_dir().join("xtask/proto");
    let mut sandbox = Sandbox::start(
        ctx,
        &ctx.target_dir().join("debug/sandbox"),
        &fresh_sandbox(port, dir.join("proto.sqlite")).to_args(),
        port,
        &dir.join("sandbox.log"),
    )?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    let (lines, result) = ctx
        .cmd("node")
        // TAP ends with `# pass N`, `# fail N`, ... whatever the terminal. One file at
        // a time: the files share the sandbox, and one's deletes must not race
        // another's list-then-read.
        .args([
            "--test",
            "--test-reporter=tap",
            "--test-concurrency=1",
            "proto/",
        ])
        .env("SANDBOX_URL", sandbox.base_url())
        .cwd(ctx.root.join("e2e"))
        .what("node --test (e2e/proto)")
        .run_tee();
    let counts = parse_node_tap(&lines);
    if let Some(counts) = counts {
        *detail = counts.to_string();
        println!("proto: {counts}");
    }
    if result.is_err() {
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    result?;
    match counts {
        None => Err("node --test printed no `# pass` / `# fail` summary".into()),
        Some(counts) if counts.passed == 0 => Err("node --test ran no tests".into()),
        Some(counts) if counts.failed > 0 => Err(format!("{} wire test(s) failed", counts.failed)),
        Some(_) => Ok(()),
    }
}

fn e2e(ctx: &Ctx, detail: &mut String) -> Result {
    crate::build_bundle(ctx)?;
    ctx.cargo()
        .args(["build", "-p", "sandbox"])
        .what("cargo build -p sandbox")
        .run()?;
    let port = free_port(Some(E2E_SANDBOX_PORT))?;
    let dir = ctx.target_dir().join("xtask/e2e");
    let mut sandbox = Sandbox::start(
        ctx,
        &ctx.target_dir().join("debug/sandbox"),
        &SandboxArgs {
            serve: Some(ctx.root.join("dist")),
            ..fresh_sandbox(port, dir.join("e2e.sqlite"))
        }
        .to_args(),
        port,
        &dir.join("sandbox.log"),
    )?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;

    let result = run_playwright(
        ctx,
        "journeys",
        "playwright",
        &[("BASE_URL", sandbox.base_url().as_str())],
        detail,
    );
    if result.is_err() {
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    result
}

/// Runs one Playwright project of e2e/ with `env`, prints its summary line as
/// `<label>: N passed, N failed` (also the suite's detail), and fails when a test
/// failed, none ran, or Playwright reported errors outside the tests.
pub fn run_playwright(
    ctx: &Ctx,
    project: &str,
    label: &str,
    env: &[(&str, &str)],
    detail: &mut String,
) -> Result {
    let e2e_dir = ctx.root.join("e2e");
    let report_path = e2e_dir.join(format!("test-results/{project}-report.json"));
    // A report left from an earlier run must not be read as this run's.
    let _ = std::fs::remove_file(&report_path);
    let mut cmd = ctx
        .cmd("npx")
        .args(["--no", "playwright", "test"])
        .arg(format!("--project={project}"));
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    let result = cmd
        .env("REPORT_FILE", &report_path)
        .cwd(&e2e_dir)
        .what("playwright test")
        .run();
    let counts = std::fs::read_to_string(&report_path)
        .map_err(|e| format!("cannot read {}: {e}", ctx.rel(&report_path)))
        .and_then(|json| parse_playwright_report(&json));
    let counts = match counts {
        Ok(counts) => counts,
        Err(e) => {
            result?;
            return Err(e);
        }
    };
    let line = counts.summary_as(label);
    println!("{line}");
    *detail = line.trim_start_matches(&format!("{label}: ")).to_string();
    for error in &counts.errors {
        println!("playwright error: {error}");
    }
    if counts.failed > 0 {
        return Err(format!(
            "{} Playwright test(s) failed: see the output above",
            counts.failed
        ));
    }
    if !counts.errors.is_empty() {
        return Err("Playwright reported errors outside the tests: see above".into());
    }
    if counts.ran() == 0 {
        return Err("Playwright ran no tests".into());
    }
    result
}

/// Generated users on top of the fixed seed: enough for more than one page
/// of the users list, and users of their own for the v3alpha and bulk tests.
pub const EXTRA_USERS: u32 = 60;

/// A sandbox on a new database (the fixed seed and [`EXTRA_USERS`]) that stops by
/// itself after [`SANDBOX_EXIT_AFTER`].
pub fn fresh_sandbox(port: u16, db: PathBuf) -> SandboxArgs {
    SandboxArgs {
        reset: true,
        seed: Some(EXTRA_USERS),
        exit_after: Some(SANDBOX_EXIT_AFTER),
        ..SandboxArgs::new(port, db)
    }
}

/// Sums libtest's `test result:` lines (cargo test, wasm-bindgen-test-runner).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TestCounts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
    pub runs: u64,
}

impl std::fmt::Display for TestCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} ignored",
            self.passed, self.failed, self.ignored
        )
    }
}

pub fn parse_libtest(lines: &[String]) -> Option<TestCounts> {
    let mut counts = TestCounts::default();
    for line in lines {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        let Some((_, numbers)) = rest.split_once(". ") else {
            continue;
        };
        counts.runs += 1;
        for part in numbers.split(';') {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => counts.passed += n,
                "failed" => counts.failed += n,
                "ignored" => counts.ignored += n,
                _ => {}
            }
        }
    }
    (counts.runs > 0).then_some(counts)
}

/// The summary at the end of Node's TAP output (`# pass 12`, `# fail 0`,
/// `# skipped 2`, ...). Cancelled tests count as failed.
pub fn parse_node_tap(lines: &[String]) -> Option<TestCounts> {
    let mut counts = TestCounts::default();
    for line in lines {
        // Only the unindented summary: nested lines are indented.
        let Some((what, n)) = line
            .trim_end()
            .strip_prefix("# ")
            .and_then(|rest| rest.split_once(' '))
        else {
            continue;
        };
        let Ok(n) = n.trim().parse::<u64>() else {
            continue;
        };
        match what {
            "pass" => counts.passed += n,
            "fail" | "cancelled" => counts.failed += n,
            "skipped" | "todo" => counts.ignored += n,
            "tests" => counts.runs += 1,
            _ => {}
        }
    }
    (counts.runs > 0).then_some(counts)
}

/// Counts from Playwright's JSON reporter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlaywrightCounts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    pub flaky: u64,
    /// Errors outside any test (a spec that does not load, a broken config).
    pub errors: Vec<String>,
}

impl PlaywrightCounts {
    pub fn ran(&self) -> u64 {
        self.passed + self.failed + self.flaky
    }

    /// `playwright: N passed, N failed`, then skipped and flaky only when there are any.
    #[cfg(test)]
    pub fn summary(&self) -> String {
        self.summary_as("playwright")
    }

    /// The summary line under another label, e.g. `playwright (nginx): ...`.
    pub fn summary_as(&self, label: &str) -> String {
        let mut line = format!("{label}: {} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        if self.flaky > 0 {
            line.push_str(&format!(", {} flaky", self.flaky));
        }
        line
    }
}

pub fn parse_playwright_report(json: &str) -> Result<PlaywrightCounts> {
    let report: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("Playwright's JSON report is not valid JSON: {e}"))?;
    let mut counts = PlaywrightCounts::default();
    // Each test's final status: expected (passed, or failed when marked to fail),
    // unexpected (failed), flaky (passed on retry), skipped.
    fn walk(suite: &serde_json::Value, counts: &mut PlaywrightCounts) {
        for spec in suite["specs"].as_array().into_iter().flatten() {
            for test in spec["tests"].as_array().into_iter().flatten() {
                match test["status"].as_str() {
                    Some("expected") => counts.passed += 1,
                    Some("unexpected") => counts.failed += 1,
                    Some("flaky") => counts.flaky += 1,
                    Some("skipped") => counts.skipped += 1,
                    _ => {}
                }
            }
        }
        for child in suite["suites"].as_array().into_iter().flatten() {
            walk(child, counts);
        }
    }
    let suites = report["suites"].as_array();
    for suite in suites.into_iter().flatten() {
        walk(suite, &mut counts);
    }
    let stats = &report["stats"];
    if suites.is_none() && stats.is_object() {
        let n = |key: &str| stats[key].as_u64().unwrap_or(0);
        counts.passed = n("expected");
        counts.failed = n("unexpected");
        counts.flaky = n("flaky");
        counts.skipped = n("skipped");
    }
    if suites.is_none() && !stats.is_object() {
        return Err("Playwright's JSON report has neither `suites` nor `stats`".into());
    }
    for error in report["errors"].as_array().into_iter().flatten() {
        let message = error["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| error.to_string());
        counts
            .errors
            .push(message.lines().next().unwrap_or("").to_string());
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn sums_libtest_result_lines() {
        let out = lines(
            "running 3 tests\n\
             test a ... ok\n\
             test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
             \n\
             running 0 tests\n\
             test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
             test result: FAILED. 7 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s\n",
        );
        assert_eq!(
            parse_libtest(&out),
            Some(TestCounts {
                passed: 10,
                failed: 2,
                ignored: 1,
                runs: 3
            })
        );
        assert_eq!(
            parse_libtest(&out).unwrap().to_string(),
            "10 passed, 2 failed, 1 ignored"
        );
    }

    #[test]
    fn reads_wasm_bindgen_test_runner_output() {
        let out = lines(
            "Running headless tests in Chrome on `http://127.0.0.1:40123/`\n\
             test result: ok. 12 passed; 0 failed; 0 ignored; 0 filtered out; finished in 3.41s\n",
        );
        let counts = parse_libtest(&out).unwrap();
        assert_eq!((counts.passed, counts.failed, counts.runs), (12, 0, 1));
    }

    #[test]
    fn no_result_line_means_no_counts() {
        assert_eq!(parse_libtest(&lines("error: could not compile\n")), None);
    }

    #[test]
    fn reads_the_summary_of_node_tap() {
        let out = lines(
            "TAP version 13\n\
             # Subtest: GetUserByID\n\
             ok 1 - GetUserByID\n\
             # tests 9\n\
             # suites 0\n\
             # pass 6\n\
             # fail 1\n\
             # cancelled 1\n\
             # skipped 1\n\
             # todo 0\n\
             # duration_ms 812.5\n",
        );
        let counts = parse_node_tap(&out).unwrap();
        assert_eq!((counts.passed, counts.failed, counts.ignored), (6, 2, 1));
        assert_eq!(counts.to_string(), "6 passed, 2 failed, 1 ignored");
        assert_eq!(parse_node_tap(&lines("node: bad option\n")), None);
    }

    const REPORT: &str = r#"{
      "config": {},
      "suites": [
        {
          "title": "user-lifecycle.spec.ts",
          "specs": [
            {"title": "deactivate", "tests": [{"status": "expected", "results": []}]},
            {"title": "broken", "tests": [{"status": "unexpected"}]}
          ],
          "suites": [
            {"title": "nested", "specs": [
              {"title": "later", "tests": [{"status": "skipped"}]},
              {"title": "retry", "tests": [{"status": "flaky"}]}
            ]}
          ]
        }
      ],
      "errors": [],
      "stats": {"startTime": "2026-11-22T05:00:00.000Z", "duration": 1234.5,
                "expected": 1, "skipped": 1, "unexpected": 1, "flaky": 1}
    }"#;

    #[test]
    fn counts_playwright_tests_from_the_json_report() {
        let counts = parse_playwright_report(REPORT).unwrap();
        assert_eq!(
            counts,
            PlaywrightCounts {
                passed: 1,
                failed: 1,
                skipped: 1,
                flaky: 1,
                errors: vec![]
            }
        );
        assert_eq!(counts.ran(), 3);
        assert_eq!(
            counts.summary(),
            "playwright: 1 passed, 1 failed, 1 skipped, 1 flaky"
        );
    }

    #[test]
    fn the_summary_line_is_plain_when_nothing_was_skipped() {
        let counts = PlaywrightCounts {
            passed: 4,
            ..Default::default()
        };
        assert_eq!(counts.summary(), "playwright: 4 passed, 0 failed");
        assert_eq!(
            counts.summary_as("playwright (nginx)"),
            "playwright (nginx): 4 passed, 0 failed"
        );
    }

    #[test]
    fn an_empty_run_and_load_errors_are_reported() {
        let json = r#"{"suites": [], "errors": [{"message": "Error: BASE_URL is not set.\n  at config"}],
                       "stats": {"expected": 0, "unexpected": 0, "flaky": 0, "skipped": 0}}"#;
        let counts = parse_playwright_report(json).unwrap();
        assert_eq!(counts.ran(), 0);
        assert_eq!(
            counts.errors,
            vec!["Error: BASE_URL is not set.".to_string()]
        );
    }

    #[test]
    fn stats_are_the_fallback_without_suites() {
        let json = r#"{"stats": {"expected": 5, "unexpected": 0, "flaky": 0, "skipped": 2}}"#;
        let counts = parse_playwright_report(json).unwrap();
        assert_eq!(
            counts.summary(),
            "playwright: 5 passed, 0 failed, 2 skipped"
        );
        assert!(parse_playwright_report("{}").is_err());
        assert!(parse_playwright_report("not json").is_err());
    }

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
