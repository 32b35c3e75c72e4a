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
//!
//! The jobs, one module each: [`sizes`] measures dist/, [`browser`] runs the
//! browser benchmarks, [`figures`] turns their samples into figures ([`stats`]),
//! [`profile`] makes the size profile, [`budgets`] holds the budgets and their
//! verdicts, and [`results`] is the shape of results.json, one type.

mod browser;
mod budgets;
mod details;
mod figures;
#[cfg(test)]
mod fixtures;
mod profile;
mod results;
mod sizes;
mod stats;

use std::time::Instant;

use crate::cmd::{human_duration, Ctx, Result};
use browser::{browser_run, SEED_USERS};
use budgets::{apply_budgets, budget_table, format_figure, Figure, Verdict};
use details::details;
use figures::{add_browser_sections, first_load};
use profile::{size_profile, size_profile_table, TOP_ITEMS};
use results::{measured, Results, Section};
use sizes::{measure_dir, table};

/// What `cargo xtask bench` was asked to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Exit non-zero when a budget is missed or a budgeted figure was not measured.
    pub check: bool,
    /// Sizes and the size profile only: no sandbox, no browser.
    pub size_profile_only: bool,
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
    let mut results = Results::new(&files, &versions, commit.as_deref(), now);
    // Uncommitted changes were part of what was measured.
    results.git_dirty = ctx
        .cmd("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .probe()
        .map(|s| !s.trim().is_empty());

    if options.size_profile_only {
        let reason = "--size-profile runs no browser";
        results.sandbox = Some(Section::skipped(reason));
        results.cold_load = Some(Section::skipped(reason));
        results.first_load = Some(Section::skipped(reason));
        results.action = Some(Section::skipped(reason));
        results.list = Some(Section::skipped(reason));
        results.paste_list = Some(Section::skipped(reason));
        results.export = Some(Section::skipped(reason));
        results.memory = Some(Section::skipped(reason));
    } else {
        println!("==> browser benchmarks");
        match browser_run(ctx) {
            Ok((sandbox, run)) => {
                results.sandbox = Some(Section::Measured(sandbox));
                let browser = run.machine.clone();
                if let Some(errors) = browser.page_errors.as_ref().filter(|e| !e.is_empty()) {
                    println!(
                        "bench: the page reported {} error(s), e.g. {:?}",
                        errors.len(),
                        errors[0]
                    );
                }
                results.browser = Some(browser);
                add_browser_sections(&mut results, &run);
                results.first_load = Some(Section::from_result(first_load(
                    run.cold_load.as_ref(),
                    &files,
                )));
            }
            Err(e) => {
                println!("bench: the browser benchmarks could not run: {e}");
                let reason = format!("the browser benchmarks could not run: {e}");
                results.sandbox = Some(Section::not_measured(&reason));
                results.cold_load = Some(Section::not_measured(&reason));
                results.first_load = Some(Section::not_measured(&reason));
                results.action = Some(Section::not_measured(&reason));
                results.list = Some(Section::not_measured(&reason));
                results.paste_list = Some(Section::not_measured(&reason));
                results.export = Some(Section::not_measured(&reason));
                results.memory = Some(Section::not_measured(reason));
            }
        }
    }

    println!("==> size profile");
    results.size_profile = Some(match size_profile(ctx) {
        Ok(profile) => Section::Measured(profile),
        Err(e) => {
            println!("bench: no size profile: {e}");
            Section::not_measured(e)
        }
    });

    let rows = apply_budgets(&mut results);
    results.bench_seconds = Some(started.elapsed().as_secs());
    let dir = ctx.root.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create bench/: {e}"))?;
    let path = dir.join("results.json");
    let text = serde_json::to_string_pretty(&results).expect("the results serialize");
    std::fs::write(&path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;

    if let Some(profile) = measured(&results.size_profile) {
        println!(
            "\nwasm size profile: top {TOP_ITEMS} items by retained size\n{}",
            size_profile_table(profile)
        );
    }
    println!("\nbench results\n{}", budget_table(&rows));
    print!("{}", details(&results));
    let browser = results.browser.as_ref();
    if let Some(version) = browser.and_then(|b| b.version.as_deref()) {
        let sandbox = measured(&results.sandbox);
        let load = browser
            .and_then(|b| b.load_average_at_start.as_ref())
            .and_then(|l| l.first());
        println!(
            "  ({version}; sandbox {} with {SEED_USERS} users, seeded and started in {}s; \
             load average {} at start)",
            sandbox.map_or("?", |s| s.binary.as_str()),
            sandbox.map_or_else(|| "?".to_string(), |s| s.seed_and_start_seconds.to_string()),
            load.map_or_else(|| "?".to_string(), f64::to_string)
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
