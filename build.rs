//! The message catalogue (locales/<language>/<namespace>.json).
//!
//! English is compiled into the bundle as the `i18n` module, one constant per
//! text (its key, its English text, the names of its values), so that every
//! key and every value `tr!` names is checked at compile time. Every other
//! directory of locales/ is a language
//! that the browser downloads when it is chosen (src/language.rs): index.html
//! copies locales/ next to itself. This writes `languages.rs`, the list of
//! languages (tag, name in itself, a version that changes with its texts)
//! and of namespaces; so a new language is a new directory in locales/,
//! nothing else.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The language compiled in: every other falls back to it, key by key.
const ENGLISH: &str = "en";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    let locales = Path::new("locales");
    println!("cargo::rerun-if-changed=locales");
    let namespaces = json_stems(&locales.join(ENGLISH))?;
    let mut tags = Vec::new();
    for entry in std::fs::read_dir(locales)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            let tag = entry.file_name().to_string_lossy().into_owned();
            println!("cargo::rerun-if-changed=locales/{tag}");
            tags.push(tag);
        }
    }
    // English first: the default, and the first entry of the menu.
    tags.sort_by_key(|tag| (tag != ENGLISH, tag.clone()));

    let mut module = String::from(
        "/// The English texts of locales/en, one constant per text (build.rs).\n\
         #[allow(non_upper_case_globals)]\npub mod i18n {\n",
    );
    for namespace in &namespaces {
        let path = locales.join(ENGLISH).join(format!("{namespace}.json"));
        let json = std::fs::read_to_string(&path)?;
        let texts: BTreeMap<String, String> = serde_json::from_str(&json)
            .map_err(|e| format!("{}: {e} (a flat object of texts)", path.display()))?;
        writeln!(
            module,
            "    pub mod {namespace} {{\n        use crate::language::Text;"
        )?;
        for (key, english) in &texts {
            writeln!(
                module,
                "        pub const {key}: Text = Text {{ key: {:?}, english: {english:?}, values: &{:?} }};",
                format!("{namespace}.{key}"),
                value_names(english),
            )?;
        }
        module.push_str("    }\n");
    }
    module.push_str("}\n");
    let dir = out.join("i18n");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("mod.rs"), module)?;

    // The languages. A key missing in one language falls back to English;
    // the native test `every_language_has_every_text_with_the_same_values`
    // makes it a failure.
    let mut languages = String::new();
    for tag in &tags {
        let mut hash = Fnv64::new();
        let mut name = None;
        for namespace in &namespaces {
            let path = locales.join(tag).join(format!("{namespace}.json"));
            let text = std::fs::read(&path).unwrap_or_default();
            hash.write(namespace.as_bytes());
            hash.write(&[0]);
            hash.write(&text);
            hash.write(&[0]);
            if namespace == "common" {
                name = language_name(&text);
            }
        }
        let name = name.ok_or_else(|| {
            format!(
                "locales/{tag}/common.json has no language_name (the language's name in itself)"
            )
        })?;
        let version = if tag == ENGLISH {
            String::new()
        } else {
            format!("{:016x}", hash.finish())
        };
        languages.push_str(&format!(
            "    Language {{ tag: {tag:?}, name: {name:?}, version: {version:?} }},\n"
        ));
    }
    let generated = format!(
        "/// Every language of locales/, English first.\n\
         pub const LANGUAGES: [Language; {}] = [\n{languages}];\n\n\
         /// The catalogue's namespaces: one file each per language.\n\
         pub const NAMESPACES: [&str; {}] = {namespaces:?};\n",
        tags.len(),
        namespaces.len(),
    );
    std::fs::write(out.join("languages.rs"), generated)?;
    Ok(())
}

/// The `*.json` files of `dir`, without the extension, sorted.
fn json_stems(dir: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".json") {
            stems.push(stem.to_string());
        }
    }
    stems.sort();
    Ok(stems)
}

/// The names of the values a text has (`{{ name }}`), sorted, each once.
fn value_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.trim().to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `"language_name": "…"` of a common.json. The value is a plain JSON string
/// without escapes (a language's name needs none).
fn language_name(common_json: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(common_json).ok()?;
    let after = &text[text.find("\"language_name\"")? + "\"language_name\"".len()..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    let end = value.find('"')?;
    let name = &value[..end];
    (!name.contains('\\') && !name.is_empty()).then(|| name.to_string())
}

/// FNV-1a, 64 bits: a version of a language's texts, so that a browser that
/// kept them knows when they changed. Not a security measure.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
