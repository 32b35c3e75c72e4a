//! The size profile: trunk's own cargo output (which keeps function names) through
//! the same wasm-bindgen and `wasm-opt -Oz` as the bundle, with names kept (`-g`),
//! then `twiggy top --retained`: the items that keep the most code alive, and the
//! code per crate.

use std::path::PathBuf;

use serde::Deserialize;

use super::results::{CrateBytes, RetainedItem, SizeProfile};
use super::sizes::kb;
use super::stats::round1;
use crate::cmd::{Ctx, Result};

/// twiggy for the size profile, installed into tools/ on first use.
const TWIGGY_VERSION: &str = "0.8.0";
/// wasm-opt as for the bundle (`data-wasm-opt="z"`), with the wasm features rustc
/// emits for wasm32-unknown-unknown, and names kept for twiggy.
const WASM_OPT_ARGS: [&str; 8] = [
    "-Oz",
    "-g",
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];
/// How many items the size profile lists.
pub const TOP_ITEMS: usize = 15;

/// One row of `twiggy top -f json` (with `--retained`).
#[derive(Clone, Debug, PartialEq)]
pub struct WasmItem {
    pub name: String,
    pub shallow: u64,
    pub retained: u64,
}

/// A row as twiggy writes it.
#[derive(Deserialize)]
struct TwiggyRow {
    name: String,
    shallow_size: u64,
    retained_size: Option<u64>,
}

pub fn parse_twiggy(json_text: &str) -> Result<Vec<WasmItem>> {
    let rows: Vec<TwiggyRow> = serde_json::from_str(json_text)
        .map_err(|e| format!("twiggy's JSON output is not a list of items: {e}"))?;
    Ok(rows
        .into_iter()
        .map(|row| WasmItem {
            name: strip_disambiguators(&row.name),
            shallow: row.shallow_size,
            retained: row.retained_size.unwrap_or(row.shallow_size),
        })
        .collect())
}

/// `core[c5930c85a12de822]::fmt` -> `core::fmt`: rustc's crate disambiguators, which
/// some symbols keep after demangling, say nothing to a reader.
pub fn strip_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('[') {
        let tail = &rest[at + 1..];
        let is_hash = tail.len() > 16
            && tail.as_bytes()[16] == b']'
            && tail[..16].bytes().all(|b| b.is_ascii_hexdigit());
        if is_hash {
            out.push_str(&rest[..at]);
            rest = &tail[17..];
        } else {
            out.push_str(&rest[..=at]);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Name and debug sections: kept for twiggy, not part of the shipped wasm.
pub fn is_debug_section(name: &str) -> bool {
    (name.starts_with('"') && name.ends_with(" subsection")) || name.starts_with("custom section")
}

/// The crate an item's code comes from, read from its demangled name:
/// `tachys::view::…` → tachys, `<&mut serde_json::de::Deserializer<R> as …>` →
/// serde_json, `<T as serde_core::de::Deserialize>::…` → serde_core. Items without a
/// path get a kind in parentheses: (data), (wasm code), (imports), (other).
pub fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "(data)".into();
    }
    if name.starts_with("import ") {
        return "(imports)".into();
    }
    let mut rest = name;
    loop {
        let trimmed = rest
            .trim_start_matches(['<', '&', '[', '(', '*', ' '])
            .trim_start_matches("mut ")
            .trim_start_matches("const ")
            .trim_start_matches("dyn ");
        if trimmed.len() == rest.len() {
            break;
        }
        rest = trimmed;
    }
    let ident_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if ident_len > 0 && rest[ident_len..].starts_with("::") {
        return rest[..ident_len].to_string();
    }
    if let Some(at) = name.find(" as ") {
        return crate_of(&name[at + 4..]);
    }
    let word = &rest[..ident_len];
    if ["code", "table", "elem", "memory", "global", "type", "func"].contains(&word)
        && rest[ident_len..].starts_with('[')
    {
        return "(wasm code)".into();
    }
    "(other)".into()
}

pub fn size_profile_of(items: &[WasmItem], source: &str, tool: &str) -> SizeProfile {
    let code: Vec<&WasmItem> = items
        .iter()
        .filter(|i| !is_debug_section(&i.name))
        .collect();
    let code_bytes: u64 = code.iter().map(|i| i.shallow).sum();
    let percent = |bytes: u64| {
        if code_bytes == 0 {
            0.0
        } else {
            round1(100.0 * bytes as f64 / code_bytes as f64)
        }
    };
    let mut by_retained = code.clone();
    by_retained.sort_by(|a, b| b.retained.cmp(&a.retained).then(a.name.cmp(&b.name)));
    let top_retained = by_retained
        .iter()
        .take(TOP_ITEMS)
        .map(|i| RetainedItem {
            name: i.name.clone(),
            retained_bytes: i.retained,
            retained_percent: percent(i.retained),
            shallow_bytes: i.shallow,
        })
        .collect();
    let mut crates: Vec<(String, u64)> = Vec::new();
    for item in &code {
        let krate = crate_of(&item.name);
        match crates.iter_mut().find(|(k, _)| *k == krate) {
            Some((_, bytes)) => *bytes += item.shallow,
            None => crates.push((krate, item.shallow)),
        }
    }
    crates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    SizeProfile {
        what: "twiggy top --retained on the release wasm after wasm-bindgen and wasm-opt -Oz \
               with names kept (-g); sizes are uncompressed bytes of code and data, the name \
               sections left out; retained = what the item keeps alive (table[0]/elem[0]: \
               everything reachable through the indirect-call table, i.e. closures and \
               trait objects)"
            .into(),
        source: source.into(),
        tool: tool.into(),
        code_bytes,
        top_retained,
        by_crate_shallow: crates
            .into_iter()
            .take(TOP_ITEMS)
            .map(|(krate, bytes)| CrateBytes {
                percent: percent(bytes),
                krate,
                bytes,
            })
            .collect(),
    }
}

pub fn size_profile_table(profile: &SizeProfile) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "  wasm code and data: {} uncompressed (names left out)\n",
        kb(profile.code_bytes)
    ));
    out.push_str(&format!("  {:>10} {:>6}  item\n", "retained", "%"));
    for item in &profile.top_retained {
        out.push_str(&format!(
            "  {:>10} {:>5.1}%  {}\n",
            kb(item.retained_bytes),
            item.retained_percent,
            shorten(&item.name, 110)
        ));
    }
    out.push_str("  by crate (own code, shallow):");
    for (k, krate) in profile.by_crate_shallow.iter().take(8).enumerate() {
        out.push_str(if k == 0 { " " } else { ", " });
        out.push_str(&format!("{} {:.0}%", krate.krate, krate.percent));
    }
    out.push('\n');
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

pub fn size_profile(ctx: &Ctx) -> Result<SizeProfile> {
    let raw = ctx
        .target_dir()
        .join("wasm32-unknown-unknown/release/lifecycle-console.wasm");
    if !raw.is_file() {
        return Err(format!(
            "{} is missing: trunk's cargo build left no raw wasm there",
            ctx.rel(&raw)
        ));
    }
    let twiggy = twiggy(ctx)?;
    let tool = ctx
        .cmd(&twiggy)
        .arg("--version")
        .probe()
        .and_then(|v| v.split_whitespace().last().map(str::to_string))
        .map_or_else(|| "twiggy".to_string(), |v| format!("twiggy {v}"));
    let dir = ctx.target_dir().join("bench/size-profile");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    ctx.cmd("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--keep-debug",
            "--out-name",
            "app",
            "--out-dir",
        ])
        .arg(&dir)
        .arg(&raw)
        .what("wasm-bindgen (size profile)")
        .run()?;
    let named = dir.join("app_named.wasm");
    ctx.cmd("wasm-opt")
        .args(WASM_OPT_ARGS)
        .arg(dir.join("app_bg.wasm"))
        .arg("-o")
        .arg(&named)
        .what("wasm-opt (size profile)")
        .run()?;
    let report = dir.join("twiggy.json");
    ctx.cmd(&twiggy)
        .args(["top", "--retained", "-n", "1000000", "-f", "json", "-o"])
        .arg(&report)
        .arg(&named)
        .what("twiggy top")
        .run()?;
    let text = std::fs::read_to_string(&report)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let items = parse_twiggy(&text)?;
    let source = format!(
        "{} -> wasm-bindgen --keep-debug -> wasm-opt {}",
        ctx.rel(&raw),
        WASM_OPT_ARGS.join(" ")
    );
    Ok(size_profile_of(&items, &source, &tool))
}

/// tools/bin/twiggy, installed on first use.
fn twiggy(ctx: &Ctx) -> Result<PathBuf> {
    let bin = ctx.tools().join("bin/twiggy");
    if !bin.is_file() {
        println!("bench: installing twiggy {TWIGGY_VERSION} into tools/ for the size profile");
        ctx.cargo()
            .args(["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"])
            .arg("--root")
            .arg(ctx.tools())
            .what("cargo install twiggy")
            .run()
            .map_err(|e| format!("twiggy could not be installed: {e}"))?;
    }
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_attributed_to_their_crate() {
        assert_eq!(
            crate_of("tachys::view::any_view::AnyView::build::h1"),
            "tachys"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_seq::h0"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<T as serde_core::de::Deserialize>::deserialize::h1"),
            "serde_core"
        );
        assert_eq!(crate_of("<[T] as core::fmt::Debug>::fmt::h2"), "core");
        assert_eq!(
            crate_of("<alloc::sync::Arc<dyn core::ops::function::Fn<()>> as leptos::children::ToChildren<F>>::to_children::{{closure}}::h6"),
            "alloc"
        );
        assert_eq!(crate_of("data segment \".rodata\""), "(data)");
        assert_eq!(
            strip_disambiguators("<dlmalloc[e24a27700634d609]::Dlmalloc<dlmalloc[e24a27700634d609]::sys::System>>::malloc"),
            "<dlmalloc::Dlmalloc<dlmalloc::sys::System>>::malloc"
        );
        assert_eq!(strip_disambiguators("table[0]"), "table[0]");
        assert_eq!(strip_disambiguators("x[abc]y["), "x[abc]y[");
        assert_eq!(crate_of("code[3482]"), "(wasm code)");
        assert_eq!(crate_of("table[0]"), "(wasm code)");
        assert_eq!(crate_of("import wbg::__wbg_fetch_1"), "(imports)");
        assert_eq!(crate_of("main"), "(other)");
        assert!(is_debug_section("\"function names\" subsection"));
        assert!(is_debug_section("custom section 'producers'"));
        assert!(!is_debug_section("table[0]"));
    }

    #[test]
    fn the_size_profile_leaves_names_out_and_ranks_by_retained_size() {
        let json_text = r#"[
            {"name": "\"function names\" subsection", "shallow_size": 600, "retained_size": 600},
            {"name": "table[0]", "shallow_size": 6, "retained_size": 300},
            {"name": "tachys::build::h1", "shallow_size": 200, "retained_size": 250},
            {"name": "lifecycle_console::pages::read::h2", "shallow_size": 150, "retained_size": 150},
            {"name": "tachys::mount::h3", "shallow_size": 44, "retained_size": 44},
            {"name": "data segment \".rodata\"", "shallow_size": 100}
        ]"#;
        let items = parse_twiggy(json_text).unwrap();
        assert_eq!(items.len(), 6);
        assert_eq!(items[5].retained, 100, "retained defaults to shallow");
        let profile = size_profile_of(&items, "raw.wasm", "twiggy 0.8.0");
        let table = size_profile_table(&profile);
        // As written into results.json.
        let profile = serde_json::to_value(&profile).unwrap();
        assert_eq!(profile["code_bytes"], 500);
        assert_eq!(profile["top_retained"][0]["name"], "table[0]");
        assert_eq!(profile["top_retained"][0]["retained_percent"], 60.0);
        assert_eq!(profile["top_retained"][1]["name"], "tachys::build::h1");
        assert_eq!(profile["by_crate_shallow"][0]["crate"], "tachys");
        assert_eq!(profile["by_crate_shallow"][0]["bytes"], 244);
        assert!(table.contains("table[0]"), "{table}");
        assert!(!table.contains("function names"), "{table}");
        assert!(table.contains("tachys 49%"), "{table}");
        assert!(parse_twiggy("{}").is_err());
    }
}
