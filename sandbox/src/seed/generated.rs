//! `--seed N`: generated users with deterministic ids, names, states, orgs and
//! creation times, for paging, search and the benchmark.

use super::directory::{ACME, GLOBEX};
use super::people::{add_user, added_event, person, ACTIVE, INACTIVE, INITIAL, LOCKED};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::event_type;
use crate::model::Gender;
use chrono::Duration;
use rusqlite::Connection;

const GIVEN_NAMES: [&str; 20] = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Dennis",
    "Margaret",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Katherine",
    "Donald",
    "Shafi",
    "Niklaus",
    "Sophie",
    "Zoë",
];
const FAMILY_NAMES: [&str; 20] = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Liskov",
    "Ritchie",
    "Hamilton",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "McCarthy",
    "Johnson",
    "Knuth",
    "Goldwasser",
    "Wirth",
    "Wilson",
    "Müller",
];

/// First id of the generated users; the n-th (from 1) has this plus n.
const GENERATED_ID_BASE: u64 = 226_000_001_000_000_000;

/// Id of the n-th generated user (n from 1).
pub fn generated_user_id(n: u32) -> String {
    (GENERATED_ID_BASE + u64::from(n)).to_string()
}

/// `--seed N`: deterministic users with a spread of states, orgs and creation times
/// (between 60 and 2 days ago), for paging and search.
pub(super) fn seed(conn: &Connection, count: u32, now: Timestamp) -> Result<(), ApiError> {
    let window_start = now.plus(-Duration::days(60));
    let window_millis = Duration::days(58).num_milliseconds();
    for n in 1..=count {
        let i = n as usize;
        let given = GIVEN_NAMES[i % GIVEN_NAMES.len()];
        let family = FAMILY_NAMES[(i / GIVEN_NAMES.len()) % FAMILY_NAMES.len()];
        let username = format!("{}.{}.{n}", ascii_slug(given), ascii_slug(family));
        let org = if n % 4 == 3 { &GLOBEX } else { &ACME };
        let history: &[&str] = match n % 10 {
            6 => INACTIVE,
            7 => LOCKED,
            8 => INITIAL,
            9 => &[event_type::DEACTIVATED, event_type::REACTIVATED],
            _ => ACTIVE,
        };
        let offset = window_millis * i64::from(n) / (i64::from(count) + 1);
        let added_at = window_start.plus(Duration::milliseconds(offset));
        let profile = person(given, family, Gender::Unspecified);
        let added = added_event(&username, org, &profile);
        let id = generated_user_id(n);
        add_user(
            conn,
            &id,
            org.id,
            added,
            added_at,
            history,
            Duration::hours(1),
        )?;
    }
    Ok(())
}

/// Lower-case ASCII for user names: "Zoë" → "zoe", "Berners-Lee" → "berners-lee".
fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'ë' => Some('e'),
            'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() || c == '-' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(ascii_slug("Berners-Lee"), "berners-lee");
        assert_eq!(ascii_slug("Müller"), "muller");
    }
}
