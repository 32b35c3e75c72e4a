//! Compiles the message catalogue (locales/<language>/<namespace>.json) into
//! the `i18n` module: every key is checked at compile time, in every language.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    let config = Config::new("en")?
        .add_locale("de")?
        .add_namespaces(["common", "errors", "domain", "signin", "users", "user"])?
        // Messages with values are also needed as plain strings (attributes,
        // titles, error texts), not only as views.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations.generate_i18n_module(out.join("i18n"))?;
    Ok(())
}
