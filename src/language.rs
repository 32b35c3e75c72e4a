//! The interface language: the admin's pick, remembered in this browser
//! (localStorage, like the theme), else the first of the browser's preferred
//! languages that the catalogue has, else English.
//!
//! Every user-facing text comes from the catalogue (locales/<language>/*.json,
//! compiled by build.rs) through [`tr!`](crate::tr): a plain string in the
//! current language, no reactive node per text. Switching the language
//! rebuilds the console below the configuration, as switching organisation
//! does. Dates and times follow it through the browser's Intl formatting.

use std::cell::Cell;

use leptos::prelude::*;

use crate::i18n::{I18nLocaleTrait, Locale};
use crate::storage::{self, Store};
use crate::workspace::Workspace;

const LANGUAGE_KEY: &str = "lifecycle-console.language";

/// Every language the catalogue ships, with its name in itself.
pub const LANGUAGES: [(Locale, &str); 2] = [(Locale::en, "English"), (Locale::de, "Deutsch")];

thread_local! {
    static CURRENT: Cell<Locale> = const { Cell::new(Locale::en) };
}

/// The catalogue's text for a key, in the current language:
/// `tr!(common.settings)`, `tr!(users.select, name = user.display_name)`.
#[macro_export]
macro_rules! tr {
    ($($key_and_values:tt)*) => {
        $crate::i18n::td_string!($crate::language::current(), $($key_and_values)*)
    };
}

/// The language texts are in now.
pub fn current() -> Locale {
    CURRENT.get()
}

/// Its BCP 47 tag, for Intl and `<html lang>`.
pub fn current_tag() -> &'static str {
    current().as_str()
}

/// The catalogue's language whose tag is `tag` (`de`, `de-AT`, `en-GB`…).
pub fn from_tag(tag: &str) -> Option<Locale> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES
        .into_iter()
        .map(|(locale, _)| locale)
        .find(|locale| locale.as_str() == primary)
}

/// The admin's remembered pick, if any.
pub fn remembered() -> Option<Locale> {
    storage::read(Store::Browser, LANGUAGE_KEY).and_then(|tag| from_tag(&tag))
}

/// The remembered pick, else the browser's first preferred language that
/// the catalogue has, else English.
pub fn initial() -> Locale {
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
            .unwrap_or_default()
    })
}

/// Makes `locale` the current language, and says so on `<html lang>` for
/// screen readers, spelling and hyphenation.
pub fn apply(locale: Locale) {
    CURRENT.set(locale);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.as_str());
    }
}

/// The language menu of the top bar. A pick is remembered and rebuilds the
/// console in that language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let workspace = expect_context::<Workspace>();
    let pick = move |ev: leptos::ev::Event| {
        if let Some(locale) = from_tag(&event_target_value(&ev)) {
            storage::write(Store::Browser, LANGUAGE_KEY, Some(locale.as_str()));
            apply(locale);
            workspace.revision.update(|r| *r += 1);
        }
    };
    let now = current();
    view! {
        <label class="picker">
            <span>{crate::tr!(common.language)}</span>
            <select on:change=pick>
                {LANGUAGES
                    .into_iter()
                    .map(|(locale, name)| view! {
                        <option value=locale.as_str() lang=locale.as_str() selected=locale == now>{name}</option>
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_the_catalogue_by_their_primary_language() {
        assert_eq!(from_tag("de"), Some(Locale::de));
        assert_eq!(from_tag("de-AT"), Some(Locale::de));
        assert_eq!(from_tag("EN_gb"), Some(Locale::en));
        assert_eq!(from_tag("fr-FR"), None);
        assert_eq!(from_tag(""), None);
    }

    /// build.rs only warns about a key missing in one language (the text
    /// would silently fall back to English): every language has every key,
    /// with the same values to fill in.
    #[test]
    fn every_language_has_every_text_with_the_same_values() {
        macro_rules! namespace {
            ($name:literal) => {
                (
                    $name,
                    include_str!(concat!("../locales/en/", $name, ".json")),
                    include_str!(concat!("../locales/de/", $name, ".json")),
                )
            };
        }
        let namespaces = [
            namespace!("common"),
            namespace!("errors"),
            namespace!("domain"),
            namespace!("signin"),
            namespace!("settings"),
            namespace!("users"),
            namespace!("user"),
        ];
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
        for (name, english, german) in namespaces {
            let english: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(english).unwrap();
            let german: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(german).unwrap();
            let keys = |m: &serde_json::Map<String, serde_json::Value>| {
                m.keys().cloned().collect::<std::collections::BTreeSet<_>>()
            };
            assert_eq!(keys(&english), keys(&german), "keys of {name}");
            for (key, text) in &english {
                assert_eq!(
                    values(text.as_str().unwrap()),
                    values(german[key].as_str().unwrap()),
                    "values of {name}.{key}"
                );
            }
        }
    }

    #[test]
    fn texts_come_in_the_current_language() {
        assert_eq!(crate::tr!(common.settings), "Settings");
        CURRENT.set(Locale::de);
        assert_eq!(crate::tr!(common.settings), "Einstellungen");
        CURRENT.set(Locale::en);
    }
}
