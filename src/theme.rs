//! Light or dark: the system's choice, unless the admin picks one in the top
//! bar; the pick is remembered in this browser (localStorage).

use crate::storage::{self, Store};
use crate::tr;

const THEME_KEY: &str = "lifecycle-console.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => tr!(common.theme_system),
            Theme::Light => tr!(common.theme_light),
            Theme::Dark => tr!(common.theme_dark),
        }
    }

    /// The value kept in storage and put on `<html data-theme>`.
    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_key(key: &str) -> Theme {
        Theme::ALL
            .into_iter()
            .find(|theme| theme.key() == key)
            .unwrap_or(Theme::System)
    }

    /// The admin's pick, else the system's.
    pub fn remembered() -> Theme {
        storage::read(Store::Browser, THEME_KEY).map_or(Theme::System, |key| Theme::from_key(&key))
    }

    /// Shows the page in this theme and remembers the pick.
    pub fn choose(self) {
        storage::write(Store::Browser, THEME_KEY, Some(self.key()));
        self.apply();
    }

    /// Sets `<html data-theme>`, which the style sheet follows.
    pub fn apply(self) {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let _ = match self {
            Theme::System => root.remove_attribute("data-theme"),
            Theme::Light | Theme::Dark => root.set_attribute("data-theme", self.key()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn keys_round_trip_and_unknown_ones_follow_the_system() {
        for theme in Theme::ALL {
            assert_eq!(Theme::from_key(theme.key()), theme);
        }
        assert_eq!(Theme::from_key("purple"), Theme::System);
    }
}
