//! Reading the runners' summaries: libtest's `test result:` lines, Node's TAP
//! totals, and Playwright's JSON report.

use crate::cmd::Result;

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
}
