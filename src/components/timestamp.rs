use std::cell::RefCell;
use std::collections::HashMap;

use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::domain::Timestamp;
use crate::tr;

/// An instant in the admin's locale and time zone, with how long ago it was;
/// the exact UTC instant is on hover and in the `datetime` attribute.
#[component]
pub fn TimestampView(
    timestamp: Timestamp,
    /// Shorter, for table cells: no seconds, and how long ago only on hover.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let texts = TimeTexts::of(&timestamp, compact);
    if compact {
        let title = texts.compact_title();
        return Either::Left(view! { <time datetime=texts.utc title=title>{texts.local}</time> });
    }
    let TimeTexts {
        utc,
        local,
        relative,
    } = texts;
    Either::Right(view! {
        <time datetime=utc.clone() title=tr!(user.timestamp_utc, utc = &utc)>
            {local}
            <span class="relative">" · " {relative}</span>
        </time>
    })
}

/// The texts of a timestamp: the UTC instant (`datetime`), the local date and
/// time, and how long ago it was.
pub struct TimeTexts {
    pub utc: String,
    pub local: String,
    pub relative: String,
}

impl TimeTexts {
    /// In the language in use and the browser's time zone; `compact` (table
    /// cells) leaves the seconds out.
    pub fn of(timestamp: &Timestamp, compact: bool) -> TimeTexts {
        // Switching the language rebuilds the pages, and with them this.
        let locale = crate::language::current_tag();
        let millis = timestamp.unix_millis();
        TimeTexts {
            utc: utc_text(timestamp),
            local: local_text(locale, millis, if compact { "short" } else { "medium" }),
            relative: relative_text(locale, millis, js_sys::Date::now() as i64),
        }
    }

    /// The hover text of a compact timestamp: UTC and how long ago.
    pub fn compact_title(&self) -> String {
        tr!(
            user.timestamp_utc_relative,
            utc = &self.utc,
            relative = &self.relative
        )
    }
}

/// The server's own text when it is already UTC (keeps microseconds), else
/// the browser's ISO rendering of the same instant.
fn utc_text(timestamp: &Timestamp) -> String {
    if timestamp.as_str().ends_with('Z') {
        timestamp.as_str().replacen(' ', "T", 1)
    } else {
        let date = js_sys::Date::new(&JsValue::from_f64(timestamp.unix_millis() as f64));
        String::from(date.to_iso_string())
    }
}

// Creating an Intl formatter is slow (a list of 1,000 rows spent most of its
// render time on it); the browser's locale does not change while the page
// lives, so each formatter is made once and kept. A list's rows share few
// relative phrases ("3 days ago"), so each is formatted once too.
thread_local! {
    static DATE_TIME: RefCell<Vec<(&'static str, &'static str, js_sys::Function)>> = const { RefCell::new(Vec::new()) };
    static RELATIVE: RefCell<Vec<(&'static str, js_sys::Intl::RelativeTimeFormat)>> = const { RefCell::new(Vec::new()) };
    static RELATIVE_PHRASES: RefCell<HashMap<(&'static str, i64, &'static str), String>> = RefCell::new(HashMap::new());
}

/// Makes the formatters of `locale` before the first timestamp needs them.
/// The first Intl formatter of a page loads the locale's data (about 15 ms),
/// which is better spent while the page's first request is in flight than
/// between its answer and the rows.
pub fn prepare_formatters(locale: &'static str) {
    date_time_format(locale, "short");
    date_time_format(locale, "medium");
    relative_format(locale);
}

fn locales(locale: &str) -> js_sys::Array {
    js_sys::Array::of1(&locale.into())
}

/// `Intl.DateTimeFormat(…).format` for a medium date and `time_style` time.
fn date_time_format(locale: &'static str, time_style: &'static str) -> js_sys::Function {
    DATE_TIME.with_borrow_mut(|formats| {
        if let Some((_, _, format)) = formats
            .iter()
            .find(|(l, style, _)| *l == locale && *style == time_style)
        {
            return format.clone();
        }
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &time_style.into());
        let format = js_sys::Intl::DateTimeFormat::new(&locales(locale), &options).format();
        formats.push((locale, time_style, format.clone()));
        format
    })
}

fn relative_format(locale: &'static str) -> js_sys::Intl::RelativeTimeFormat {
    RELATIVE.with_borrow_mut(|formats| {
        if let Some((_, format)) = formats.iter().find(|(l, _)| *l == locale) {
            return format.clone();
        }
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
        let format = js_sys::Intl::RelativeTimeFormat::new(&locales(locale), &options);
        formats.push((locale, format.clone()));
        format
    })
}

/// `unix_millis` in `locale` and the browser's time zone. The formatter takes
/// the number itself: no `Date` per timestamp.
fn local_text(locale: &'static str, unix_millis: i64, time_style: &'static str) -> String {
    date_time_format(locale, time_style)
        .call1(&JsValue::NULL, &JsValue::from_f64(unix_millis as f64))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn relative_text(locale: &'static str, then_millis: i64, now_millis: i64) -> String {
    let (value, unit) = relative_parts(then_millis - now_millis);
    let key = (locale, value, unit);
    if let Some(phrase) = RELATIVE_PHRASES.with_borrow(|phrases| phrases.get(&key).cloned()) {
        return phrase;
    }
    let phrase = String::from(relative_format(locale).format(value as f64, unit));
    RELATIVE_PHRASES.with_borrow_mut(|phrases| phrases.insert(key, phrase.clone()));
    phrase
}

/// The largest unit that describes `delta_millis` (negative: in the past) as
/// a whole number, as `Intl.RelativeTimeFormat` expects it.
pub fn relative_parts(delta_millis: i64) -> (i64, &'static str) {
    const UNITS: [(i64, &str); 6] = [
        (365 * 24 * 3_600_000, "year"),
        (30 * 24 * 3_600_000, "month"),
        (24 * 3_600_000, "day"),
        (3_600_000, "hour"),
        (60_000, "minute"),
        (1_000, "second"),
    ];
    for (size, unit) in UNITS {
        if delta_millis.abs() >= size {
            return (delta_millis / size, unit);
        }
    }
    (0, "second")
}

#[cfg(test)]
mod tests {
    use super::relative_parts;

    #[test]
    fn picks_the_largest_whole_unit() {
        assert_eq!(relative_parts(-3 * 60_000 - 5_000), (-3, "minute"));
        assert_eq!(relative_parts(-59_999), (-59, "second"));
        assert_eq!(relative_parts(-400), (0, "second"));
        assert_eq!(relative_parts(-26 * 3_600_000), (-1, "day"));
        assert_eq!(relative_parts(-800 * 24 * 3_600_000), (-2, "year"));
        assert_eq!(relative_parts(2 * 3_600_000), (2, "hour"));
    }
}
