//! A user's history: the changes the server lists (who, what, when), and the
//! reasons this console recorded for some of them, paired by the change's
//! sequence. No I/O.

use serde::{Deserialize, Serialize};

use super::{Timestamp, UserAction};

/// The metadata key under which the console keeps the reasons admins gave
/// (documented in the README). One key per user: its value is the list of
/// [`ReasonRecord`]s as JSON (the API carries it base64-encoded).
pub const REASON_METADATA_KEY: &str = "lifecycle-console.reasons";

/// The most reasons kept on one user: the oldest go first. ZITADEL takes up
/// to 500,000 bytes per value; 100 reasons of at most 500 characters stay
/// far below.
pub const MAX_REASONS: usize = 100;

/// How many changes one page of the history shows.
pub const HISTORY_PAGE_SIZE: u32 = 20;

/// Who made a change. Only the id is certain: ZITADEL names the editor only
/// when it is a user it can still find.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Editor {
    pub id: String,
    pub display_name: Option<String>,
    pub login_name: Option<String>,
}

impl Editor {
    /// The name to show: display name, else login name, else the id.
    pub fn label(&self) -> String {
        self.display_name
            .clone()
            .or_else(|| self.login_name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

/// One change of a user, as the server listed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub at: Option<Timestamp>,
    /// The event type, without ZITADEL's `EventTypes.` prefix (`user.deactivated`).
    pub event_type: String,
    /// The server's text for the event type, in the admin's language.
    pub text: Option<String>,
    pub sequence: u64,
    pub editor: Editor,
}

impl Change {
    /// What to call the change: the server's text, else its type.
    pub fn label(&self) -> String {
        self.text.clone().unwrap_or_else(|| self.event_type.clone())
    }
}

/// The event type ZITADEL writes for `action` on a user
/// (`internal/repository/user/user.go`).
pub fn event_type_of(action: UserAction) -> &'static str {
    match action {
        UserAction::Deactivate => "user.deactivated",
        UserAction::Reactivate => "user.reactivated",
        UserAction::Lock => "user.locked",
        UserAction::Unlock => "user.unlocked",
        UserAction::Delete => "user.removed",
    }
}

/// The name an action has in a [`ReasonRecord`].
pub fn action_name(action: UserAction) -> &'static str {
    match action {
        UserAction::Deactivate => "deactivate",
        UserAction::Reactivate => "reactivate",
        UserAction::Lock => "lock",
        UserAction::Unlock => "unlock",
        UserAction::Delete => "delete",
    }
}

/// One reason as kept in the user's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonRecord {
    /// `deactivate`, `reactivate`, `lock`, `unlock`.
    pub action: String,
    pub reason: String,
    /// The admin who made the change: login name, else user id, as the
    /// server named the change's editor; empty when it did not.
    pub admin: String,
    /// When the change was made (the server's `changeDate`), RFC 3339.
    pub at: String,
    /// The sequence of the change's event: what pairs the reason with it.
    pub sequence: u64,
}

/// The reasons kept on one user, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReasonLog(pub Vec<ReasonRecord>);

impl ReasonLog {
    /// Reads the metadata value. A value this console did not write (or
    /// that someone edited into another shape) is kept out of the pairing,
    /// not trusted: `None`.
    pub fn parse(value: &[u8]) -> Option<ReasonLog> {
        // Checked as UTF-8, then read from text like every other answer:
        // `from_slice` would ship a second copy of serde_json's parser.
        let text = std::str::from_utf8(value).ok()?;
        serde_json::from_str::<Vec<ReasonRecord>>(text)
            .ok()
            .map(ReasonLog)
    }

    /// The value to write.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    /// The log with `record` added (replacing one of the same change, as a
    /// retry writes it again), keeping the newest [`MAX_REASONS`].
    pub fn with(mut self, record: ReasonRecord) -> ReasonLog {
        self.0.retain(|r| r.sequence != record.sequence);
        self.0.push(record);
        self.0.sort_by_key(|r| r.sequence);
        let extra = self.0.len().saturating_sub(MAX_REASONS);
        self.0.drain(..extra);
        self
    }

    /// The reason recorded for `change`: same sequence and the event its
    /// action writes, so a record can never be shown beside another change.
    pub fn reason_for(&self, change: &Change) -> Option<&ReasonRecord> {
        self.0.iter().find(|r| {
            r.sequence == change.sequence
                && UserAction::ALL
                    .iter()
                    .any(|a| action_name(*a) == r.action && event_type_of(*a) == change.event_type)
        })
    }
}

/// Changes with the reason recorded for each, in the order given.
pub fn paired<'a>(
    changes: &'a [Change],
    log: &'a ReasonLog,
) -> Vec<(&'a Change, Option<&'a ReasonRecord>)> {
    changes
        .iter()
        .map(|change| (change, log.reason_for(change)))
        .collect()
}

/// The `sequence` to ask for the next (older) page, after a page of
/// `changes` newest first: `None` when the page was not full, so there is
/// nothing older.
pub fn older_page_after(changes: &[Change], page_size: u32) -> Option<u64> {
    if changes.len() < page_size as usize {
        return None;
    }
    changes.iter().map(|c| c.sequence).min()
}

/// Adds a page of older changes to those shown, dropping any it repeats
/// (a change written between two reads shifts nothing: sequences are the
/// key).
pub fn append_page(shown: &mut Vec<Change>, page: Vec<Change>) {
    for change in page {
        if !shown.iter().any(|c| c.sequence == change.sequence) {
            shown.push(change);
        }
    }
    shown.sort_by_key(|c| std::cmp::Reverse(c.sequence));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(sequence: u64, event_type: &str) -> Change {
        Change {
            at: None,
            event_type: event_type.into(),
            text: None,
            sequence,
            editor: Editor::default(),
        }
    }

    fn record(sequence: u64, action: &str, reason: &str) -> ReasonRecord {
        ReasonRecord {
            action: action.into(),
            reason: reason.into(),
            admin: "admin@acme.example".into(),
            at: "2026-12-05T10:00:00Z".into(),
            sequence,
        }
    }

    #[test]
    fn a_reason_pairs_only_with_its_own_change() {
        let changes = vec![
            change(9, "user.metadata.set"),
            change(8, "user.deactivated"),
            change(7, "user.locked"),
            change(6, "user.deactivated"),
        ];
        let log = ReasonLog(vec![
            record(8, "deactivate", "left the company"),
            // Right sequence, wrong action: never shown beside the lock.
            record(7, "deactivate", "mislabelled"),
        ]);
        let reasons: Vec<Option<&str>> = paired(&changes, &log)
            .into_iter()
            .map(|(_, r)| r.map(|r| r.reason.as_str()))
            .collect();
        assert_eq!(reasons, vec![None, Some("left the company"), None, None]);
    }

    #[test]
    fn the_log_round_trips_and_keeps_the_newest() {
        let mut log = ReasonLog::default();
        for sequence in 1..=(MAX_REASONS as u64 + 5) {
            log = log.with(record(sequence, "lock", "why"));
        }
        assert_eq!(log.0.len(), MAX_REASONS);
        assert_eq!(log.0[0].sequence, 6);
        let again = ReasonLog::parse(&log.to_bytes()).expect("its own value");
        assert_eq!(again, log);
        // A retry of the same change replaces its record.
        let retried = again.with(record(105, "lock", "second try"));
        assert_eq!(retried.0.len(), MAX_REASONS);
        assert_eq!(retried.0.last().unwrap().reason, "second try");
    }

    #[test]
    fn a_value_of_another_shape_is_not_trusted() {
        assert_eq!(ReasonLog::parse(b"left the company"), None);
        assert_eq!(ReasonLog::parse(br#"{"reason":"x"}"#), None);
        assert_eq!(ReasonLog::parse(b"[]"), Some(ReasonLog::default()));
    }

    #[test]
    fn pages_continue_below_the_oldest_sequence_shown() {
        let page: Vec<Change> = (3..=4).rev().map(|s| change(s, "user.locked")).collect();
        assert_eq!(older_page_after(&page, 2), Some(3));
        assert_eq!(older_page_after(&page, 3), None);
        let mut shown = page;
        append_page(
            &mut shown,
            vec![change(3, "user.locked"), change(2, "user.unlocked")],
        );
        let sequences: Vec<u64> = shown.iter().map(|c| c.sequence).collect();
        assert_eq!(sequences, vec![4, 3, 2]);
    }

    #[test]
    fn an_editor_is_named_as_well_as_the_server_allows() {
        let mut editor = Editor {
            id: "226".into(),
            ..Editor::default()
        };
        assert_eq!(editor.label(), "226");
        editor.login_name = Some("ada@acme".into());
        assert_eq!(editor.label(), "ada@acme");
        editor.display_name = Some("Ada".into());
        assert_eq!(editor.label(), "Ada");
    }
}
