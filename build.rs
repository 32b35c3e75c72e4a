//! Compiles the message catalogue (locales/<language>/<namespace>.json) into
//! the `i18n` module: every key is checked at compile time, in every language.

use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
use leptos_i18n_parser::parse_locales::parse_locales;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    let config = Config::new("en")?
        .add_locale("de")?
        .add_namespaces([
            "common", "errors", "domain", "signin", "settings", "users", "user",
        ])?
        // Messages with values are also needed as plain strings (attributes,
        // titles, error texts), not only as views.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let catalogue = parse_locales(None, config)?;
    for path in catalogue.tracked_files.iter().flatten() {
        println!("cargo::rerun-if-changed={path}");
    }
    // A key missing in one language is only a warning here; the native test
    // `every_language_has_every_text_with_the_same_values` makes it a failure.
    for warning in catalogue.diag.warnings().iter() {
        println!("cargo::warning={warning}");
    }
    for error in catalogue.diag.errors().iter() {
        println!("cargo::error={error}");
    }
    let module = leptos_i18n_codegen::gen_code(&catalogue, None, false, None, true)?;
    let dir = out.join("i18n");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("mod.rs"), module.to_string())?;
    Ok(())
}
