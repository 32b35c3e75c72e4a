//! The interface language: the admin's pick, remembered in this browser
//! (localStorage, like the theme), else the first of the browser's preferred
//! languages that the catalogue has, else English.
//!
//! Every user-facing text comes from the catalogue (locales/<language>/*.json)
//! through [`tr!`](crate::tr): a plain string in the current language, no
//! reactive node per text. English is compiled in (build.rs), checked key by
//! key at compile time. Any other language is downloaded only when it is
//! chosen, from the copy of locales/ next to index.html, and kept in
//! localStorage under its version: switching to it again, or reloading, is
//! instant and works offline. A text it lacks falls back to English.
//! Switching the language rebuilds the console below the configuration, as
//! switching organisation does. Dates and times follow it through the
//! browser's Intl formatting.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Display;

use crate::storage::{self, Store};

const LANGUAGE_KEY: &str = "lifecycle-console.language";

/// Where a downloaded language is kept: this prefix and its tag.
const CATALOGUE_KEY: &str = "lifecycle-console.catalogue.";

/// A language of the catalogue (a directory of locales/).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Language {
    /// Its BCP 47 tag: `en`, `de`.
    pub tag: &'static str,
    /// Its name in itself (`common.language_name`), for the menu.
    pub name: &'static str,
    /// Changes whenever its texts change; empty for English (compiled in).
    pub version: &'static str,
}

// LANGUAGES and NAMESPACES, from the directories and files of locales/.
include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// The language compiled in.
pub const ENGLISH: Language = LANGUAGES[0];

/// One language's texts: `namespace.key` → text.
pub type Texts = HashMap<String, String>;

thread_local! {
    static CURRENT: Cell<Language> = const { Cell::new(ENGLISH) };
    /// The current language's texts; `None` for English.
    static CURRENT_TEXTS: Cell<Option<&'static Texts>> = const { Cell::new(None) };
    /// Every language loaded since the page opened. Kept for the page's
    /// life (a few KB each), so that `tr!` can hand out `&'static str`s and
    /// switching back is instant.
    static LOADED: RefCell<Vec<(&'static str, &'static Texts)>> = const { RefCell::new(Vec::new()) };
    /// Why the language wanted at start could not be used, if it could not.
    static START_PROBLEM: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// One text of the catalogue, as build.rs compiles it from locales/en.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    /// `namespace.key`, how other languages name it.
    pub key: &'static str,
    pub english: &'static str,
    /// The names of its values (`{{ name }}`), sorted.
    pub values: &'static [&'static str],
}

/// `text` in lower case, by the same Unicode mapping as `str::to_lowercase`.
/// In the browser its `toLowerCase` does it, so that Rust's case tables (about
/// 17 KB of the wasm) are not shipped: every lower-casing of the app goes
/// through here.
pub fn lowercase(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::JsString::from(text).to_lower_case().into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// The catalogue's text for a key, in the current language:
/// `tr!(common.settings)`, `tr!(users.select, name = user.display_name)`.
/// Without values it is a `&'static str`, with values a `String`. A key the
/// catalogue lacks, or values other than the text's, do not compile.
#[macro_export]
macro_rules! tr {
    (@value $name:ident) => { $name };
    (@value $name:ident = $value:expr) => { $value };
    ($area:ident . $key:ident) => {{
        const _: () = assert!(
            $crate::i18n::$area::$key.values.is_empty(),
            concat!(stringify!($area), ".", stringify!($key), " needs values")
        );
        $crate::language::text(&$crate::i18n::$area::$key)
    }};
    ($area:ident . $key:ident, $($name:ident $(= $value:expr)?),+ $(,)?) => {{
        const _: () = assert!(
            $crate::language::same_names(
                $crate::i18n::$area::$key.values,
                &[$(stringify!($name)),+],
            ),
            concat!("the values of ", stringify!($area), ".", stringify!($key), " are others")
        );
        $crate::language::fill(
            $crate::language::text(&$crate::i18n::$area::$key),
            &[$((
                stringify!($name),
                &$crate::tr!(@value $name $(= $value)?) as &dyn ::std::fmt::Display,
            )),+],
        )
    }};
}

/// `text` in the current language, else in English.
pub fn text(text: &Text) -> &'static str {
    translated(text.key).unwrap_or(text.english)
}

/// Whether `given` names each of `expected` once and nothing else (for
/// `tr!`, at compile time).
pub const fn same_names(expected: &[&str], given: &[&str]) -> bool {
    expected.len() == given.len() && all_in(given, expected) && all_in(expected, given)
}

/// Whether each of `these` is one of `those`.
const fn all_in(these: &[&str], those: &[&str]) -> bool {
    let mut i = 0;
    while i < these.len() {
        let mut found = false;
        let mut j = 0;
        while j < those.len() {
            found = found || same_str(these[i], those[j]);
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The current language's text for `key`, if it is not English and has it.
pub fn translated(key: &str) -> Option<&'static str> {
    CURRENT_TEXTS
        .get()
        .and_then(|texts| texts.get(key))
        .map(String::as_str)
}

/// `template` with each `{{ name }}` replaced by its value. A name without
/// a value stays as it is written.
pub fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}").map(|at| open + at) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..close].trim();
        match values.iter().find(|(candidate, _)| *candidate == name) {
            Some((_, value)) => {
                use std::fmt::Write;
                let _ = write!(out, "{value}");
            }
            None => out.push_str(&rest[open..close + 2]),
        }
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The language texts are in now.
pub fn current() -> Language {
    CURRENT.get()
}

/// Its BCP 47 tag, for Intl and `<html lang>`.
pub fn current_tag() -> &'static str {
    current().tag
}

/// The catalogue's language whose tag is `tag` (`de`, `de-AT`, `en-GB`…).
pub fn from_tag(tag: &str) -> Option<Language> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES
        .into_iter()
        .find(|language| language.tag == primary)
}

/// The admin's remembered pick, if any.
pub fn remembered() -> Option<Language> {
    storage::read(Store::Browser, LANGUAGE_KEY).and_then(|tag| from_tag(&tag))
}

/// The remembered pick, else the browser's first preferred language that
/// the catalogue has, else English.
pub fn initial() -> Language {
    remembered().unwrap_or_else(|| {
        web_sys::window()
            .map(|w| w.navigator().languages())
            .into_iter()
            .flat_map(|tags| {
                tags.iter()
                    .filter_map(|tag| tag.as_string())
                    .collect::<Vec<_>>()
            })
            .find_map(|tag| from_tag(&tag))
            .unwrap_or(ENGLISH)
    })
}

/// Makes `language` the current one with its `texts` (`None`: English texts,
/// which is also how a test asks for a language's requests without its
/// catalogue), and says so on `<html lang>` for screen readers, spelling and
/// hyphenation.
pub fn apply(language: Language, texts: Option<&'static Texts>) {
    CURRENT.set(language);
    CURRENT_TEXTS.set(texts);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", language.tag);
    }
}

/// The texts of `language` if this page has them already (English always).
fn at_hand(language: Language) -> Option<Option<&'static Texts>> {
    if language == ENGLISH {
        return Some(None);
    }
    if let Some(texts) = LOADED.with_borrow(|loaded| {
        loaded
            .iter()
            .find(|(tag, _)| *tag == language.tag)
            .map(|(_, texts)| *texts)
    }) {
        return Some(Some(texts));
    }
    let kept = storage::read(Store::Browser, &catalogue_key(language))?;
    let texts = texts_from_kept(&kept, language.version)?;
    Some(Some(keep_for_the_page(language, texts)))
}

fn keep_for_the_page(language: Language, texts: Texts) -> &'static Texts {
    let texts: &'static Texts = Box::leak(Box::new(texts));
    LOADED.with_borrow_mut(|loaded| loaded.push((language.tag, texts)));
    texts
}

fn catalogue_key(language: Language) -> String {
    format!("{CATALOGUE_KEY}{}", language.tag)
}

/// What localStorage keeps of a downloaded language: its version, then its
/// files as downloaded, in NAMESPACES order, each after a NUL (which JSON
/// text cannot contain unescaped).
fn kept_form(version: &str, files: &[String]) -> String {
    let mut kept = version.to_string();
    for file in files {
        kept.push('\0');
        kept.push_str(file);
    }
    kept
}

/// The kept texts, if they are of this `version` of the language.
fn texts_from_kept(kept: &str, version: &str) -> Option<Texts> {
    let mut parts = kept.split('\0');
    if parts.next()? != version {
        return None;
    }
    let mut texts = Texts::new();
    for namespace in NAMESPACES {
        add_namespace(&mut texts, namespace, parts.next()?).ok()?;
    }
    Some(texts)
}

/// Adds one namespace file's texts (`{"key": "text", …}`) as `namespace.key`.
fn add_namespace(texts: &mut Texts, namespace: &str, json: &str) -> Result<(), String> {
    let entries: HashMap<String, String> =
        serde_json::from_str(json).map_err(|e| format!("{namespace}.json: {e}"))?;
    texts.extend(
        entries
            .into_iter()
            .map(|(key, text)| (format!("{namespace}.{key}"), text)),
    );
    Ok(())
}

/// Downloads `language` (one file per namespace, all at once), and keeps it
/// in localStorage under its version for the next time.
async fn download(language: Language) -> Result<Texts, String> {
    let requests = NAMESPACES.map(|namespace| async move {
        let url = format!(
            "locales/{}/{namespace}.json?v={}",
            language.tag, language.version
        );
        let response = gloo_net::http::Request::get(&url)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        let json = response.text().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((namespace, json))
    });
    let mut texts = Texts::new();
    let mut files = Vec::new();
    for answer in futures::future::join_all(requests).await {
        let (namespace, json) = answer?;
        add_namespace(&mut texts, namespace, &json)?;
        files.push(json);
    }
    let kept = kept_form(language.version, &files);
    storage::write(Store::Browser, &catalogue_key(language), Some(&kept));
    Ok(texts)
}

/// Loads `language`: at once if this page or this browser has it, else
/// from the server.
async fn load(language: Language) -> Result<Option<&'static Texts>, String> {
    if let Some(texts) = at_hand(language) {
        return Ok(texts);
    }
    let texts = download(language).await?;
    Ok(Some(keep_for_the_page(language, texts)))
}

/// Sets the language the console starts in, then calls `mount`. A language
/// not yet in this browser is downloaded first; if that fails, the console
/// starts in English and the language menu says why.
pub fn start(mount: impl FnOnce() + 'static) {
    let wanted = initial();
    if let Some(texts) = at_hand(wanted) {
        apply(wanted, texts);
        mount();
        return;
    }
    apply(ENGLISH, None);
    // Leptos's own executor starts with the mount: the browser's until then.
    wasm_bindgen_futures::spawn_local(async move {
        match load(wanted).await {
            Ok(texts) => apply(wanted, texts),
            Err(error) => START_PROBLEM.set(Some(not_loaded(wanted, &error))),
        }
        mount();
    });
}

fn not_loaded(language: Language, error: &str) -> String {
    crate::tr!(common.language_not_loaded, language = language.name, error)
}

/// Why the language wanted at start could not be used, if it could not.
pub fn start_problem() -> Option<String> {
    START_PROBLEM.with_borrow(Clone::clone)
}

/// Switches to `language`, the admin's pick: loads it (downloaded first if
/// this browser does not have it), remembers it and makes it current. The
/// caller rebuilds the console. Says why not, in words, when it cannot.
pub async fn switch_to(language: Language) -> Result<(), String> {
    let texts = load(language)
        .await
        .map_err(|error| not_loaded(language, &error))?;
    START_PROBLEM.set(None);
    storage::write(Store::Browser, LANGUAGE_KEY, Some(language.tag));
    apply(language, texts);
    Ok(())
}

/// Natively: they read locales/ from disk.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn locales_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
    }

    /// A language's texts as the browser gets them, from locales/ on disk.
    fn texts_of(tag: &str) -> Texts {
        let mut texts = Texts::new();
        for namespace in NAMESPACES {
            let path = locales_dir().join(tag).join(format!("{namespace}.json"));
            let json = std::fs::read_to_string(&path).unwrap();
            add_namespace(&mut texts, namespace, &json).unwrap();
        }
        texts
    }

    #[test]
    fn every_directory_of_locales_is_a_language_english_first() {
        assert_eq!(ENGLISH.tag, "en");
        assert_eq!(ENGLISH.name, "English");
        assert_eq!(ENGLISH.version, "");
        let mut directories: Vec<String> = std::fs::read_dir(locales_dir())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        directories.sort();
        let mut tags: Vec<String> = LANGUAGES.iter().map(|l| l.tag.to_string()).collect();
        tags.sort();
        assert_eq!(tags, directories);
        for language in &LANGUAGES[1..] {
            assert_eq!(language.version.len(), 16, "{}", language.tag);
            assert_eq!(
                texts_of(language.tag)["common.language_name"],
                language.name
            );
        }
        assert!(LANGUAGES
            .iter()
            .any(|l| l.tag == "de" && l.name == "Deutsch"));
    }

    #[test]
    fn tags_map_to_the_catalogue_by_their_primary_language() {
        assert_eq!(from_tag("de").map(|l| l.tag), Some("de"));
        assert_eq!(from_tag("de-AT").map(|l| l.tag), Some("de"));
        assert_eq!(from_tag("EN_gb"), Some(ENGLISH));
        assert_eq!(from_tag("xx-XX"), None);
        assert_eq!(from_tag(""), None);
    }

    /// A key missing in one language would silently fall back to English:
    /// every language has every text of English, with the same values.
    #[test]
    fn every_language_has_every_text_with_the_same_values() {
        let values = |text: &str| -> Vec<String> {
            let mut names: Vec<String> = text
                .split("{{")
                .skip(1)
                .filter_map(|rest| rest.split_once("}}"))
                .map(|(name, _)| name.trim().to_string())
                .collect();
            names.sort();
            names
        };
        let english = texts_of("en");
        for language in &LANGUAGES[1..] {
            let texts = texts_of(language.tag);
            let mut keys: Vec<&String> = texts.keys().collect();
            let mut english_keys: Vec<&String> = english.keys().collect();
            keys.sort();
            english_keys.sort();
            assert_eq!(keys, english_keys, "keys of {}", language.tag);
            for (key, text) in &english {
                assert_eq!(
                    values(text),
                    values(&texts[key]),
                    "values of {}.{key}",
                    language.tag
                );
            }
        }
    }

    #[test]
    fn values_are_checked_by_name() {
        assert!(same_names(&["error", "issuer"], &["issuer", "error"]));
        assert!(same_names(&[], &[]));
        assert!(!same_names(&["error", "issuer"], &["issuer"]));
        assert!(!same_names(&["error"], &["errors"]));
        assert!(!same_names(&["a", "b"], &["a", "a"]));
        assert_eq!(
            crate::i18n::signin::error_discovery.values,
            ["error", "issuer"]
        );
        assert_eq!(crate::i18n::common::settings.english, "Settings");
    }

    #[test]
    fn values_fill_their_places() {
        let name = "Zoë";
        assert_eq!(
            fill(
                "Hello {{ name }}, {{count}} new",
                &[("name", &name), ("count", &3)]
            ),
            "Hello Zoë, 3 new"
        );
        assert_eq!(fill("{{ unknown }} stays", &[]), "{{ unknown }} stays");
        assert_eq!(fill("no end {{ name", &[("name", &name)]), "no end {{ name");
        assert_eq!(fill("", &[]), "");
    }

    #[test]
    fn kept_texts_count_only_for_their_version() {
        let files: Vec<String> = NAMESPACES
            .iter()
            .map(|namespace| {
                std::fs::read_to_string(locales_dir().join(format!("de/{namespace}.json"))).unwrap()
            })
            .collect();
        let kept = kept_form("0123456789abcdef", &files);
        let texts = texts_from_kept(&kept, "0123456789abcdef").unwrap();
        assert_eq!(texts, texts_of("de"));
        assert_eq!(texts["common.settings"], "Einstellungen");
        assert!(texts_from_kept(&kept, "fedcba9876543210").is_none());
        assert!(texts_from_kept("0123456789abcdef", "0123456789abcdef").is_none());
        assert!(texts_from_kept("0123456789abcdef\0<html>", "0123456789abcdef").is_none());
        assert!(texts_from_kept("", "0123456789abcdef").is_none());
    }

    #[test]
    fn a_namespace_that_is_not_flat_text_is_refused() {
        let mut texts = Texts::new();
        assert!(add_namespace(&mut texts, "common", r#"{"a":{"b":"c"}}"#).is_err());
        assert!(add_namespace(&mut texts, "common", "<html>").is_err());
        add_namespace(&mut texts, "common", r#"{"a":"b"}"#).unwrap();
        assert_eq!(texts["common.a"], "b");
    }

    #[test]
    fn texts_come_in_the_current_language_else_english() {
        let german = from_tag("de").unwrap();
        let mut texts = texts_of("de");
        texts.remove("common.theme");
        CURRENT.set(german);
        CURRENT_TEXTS.set(Some(Box::leak(Box::new(texts))));
        assert_eq!(crate::tr!(common.settings), "Einstellungen");
        let id = "42";
        assert_eq!(
            crate::tr!(common.organisation_not_in_list, id),
            texts_of("de")["common.organisation_not_in_list"].replace("{{ id }}", "42")
        );
        // A text the language lacks comes in English.
        assert_eq!(crate::tr!(common.theme), "Theme");
        CURRENT.set(ENGLISH);
        CURRENT_TEXTS.set(None);
        assert_eq!(crate::tr!(common.settings), "Settings");
        assert_eq!(
            crate::tr!(common.organisation_not_in_list, id = "7"),
            "7 (not in your list)"
        );
    }
}
