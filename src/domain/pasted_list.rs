//! A pasted list of users to offboard: reading the lines, the dry-run plan
//! (each line matched to at most one user, by exact match only) and the
//! per-line outcome as CSV. No I/O: the page asks the server and hands the
//! answers here.

use std::collections::HashMap;

use super::csv::{self, CsvError};
use super::{BulkOutcome, Lifecycle, User, UserAction, UserState};
use crate::language::lowercase;
use crate::tr;

/// The action a pasted list asks for: offboarding ends access.
pub const LIST_ACTION: UserAction = UserAction::Deactivate;

/// One line of the list: what the admin wrote, and where (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub text: String,
}

/// Pasted text: one entry a line, or several separated by commas.
pub fn entries_from_text(text: &str) -> Vec<Entry> {
    text.lines()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, t)| Entry {
            line: i + 1,
            text: t.to_string(),
        })
        .collect()
}

/// Header names of a column that holds what a line may be, best first.
const KEY_COLUMNS: [&str; 6] = [
    "id",
    "user id",
    "user_id",
    "email",
    "login name",
    "login_name",
];

/// A CSV file: when its first record names a column of ids, emails or
/// login names (as the export writes them), that column after the header;
/// otherwise the first column of every record.
pub fn entries_from_csv(text: &str) -> Result<Vec<Entry>, CsvError> {
    let records = csv::parse(text)?;
    let header_column = records.first().and_then(|header| {
        KEY_COLUMNS.iter().find_map(|name| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    });
    let (skip, column) = match header_column {
        Some(column) => (1, column),
        None => (0, 0),
    };
    Ok(records
        .iter()
        .skip(skip)
        .filter_map(|record| record.get(column))
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, t)| Entry {
            line: i + 1,
            text: t.to_string(),
        })
        .collect())
}

/// A user the server found for some line, with every login name it has (a
/// user may have one per verified domain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user: User,
    pub login_names: Vec<String>,
}

impl Candidate {
    /// Whether `text` is exactly this user's id, or (ignoring case, as the
    /// server's EQUALS_IGNORE_CASE does) its email or one of its login names.
    /// Never a prefix or a part.
    pub fn matches(&self, text: &str) -> bool {
        if self.user.id == text {
            return true;
        }
        let text = lowercase(text);
        self.names().any(|n| n == text)
    }

    /// The email and login names, in lower case.
    fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.user
            .email
            .iter()
            .chain(&self.login_names)
            .chain(self.user.login_name.as_ref())
            .map(|n| lowercase(n))
    }
}

/// The candidates by id and by lower-case name, so that a long list is
/// matched in one pass rather than every line against every user (a
/// 1,000-line list held the page for half a second that way).
struct CandidateIndex<'a> {
    by_key: HashMap<String, Vec<&'a User>>,
}

impl<'a> CandidateIndex<'a> {
    fn new(candidates: &'a [Candidate]) -> Self {
        let mut by_key: HashMap<String, Vec<&'a User>> = HashMap::new();
        for candidate in candidates {
            // Ids are exact, names ignore case: each gets its own key space.
            let keys = std::iter::once(format!("id:{}", candidate.user.id))
                .chain(candidate.names().map(|n| format!("name:{n}")));
            for key in keys {
                let users = by_key.entry(key).or_default();
                if !users.iter().any(|u| u.id == candidate.user.id) {
                    users.push(&candidate.user);
                }
            }
        }
        CandidateIndex { by_key }
    }

    /// The distinct users that `text` matches, as [`Candidate::matches`] decides.
    fn matching(&self, text: &str) -> Vec<&'a User> {
        let mut found: Vec<&'a User> = Vec::new();
        for key in [format!("id:{text}"), format!("name:{}", lowercase(text))] {
            for user in self.by_key.get(&key).into_iter().flatten() {
                if !found.iter().any(|u| u.id == user.id) {
                    found.push(user);
                }
            }
        }
        found
    }
}

/// Who the signed-in admin is, as far as the server said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Me {
    Known(String),
    /// The server did not say (a token without a user, or an API that has
    /// no such read): the plan cannot spot the admin's own user.
    Unknown,
}

/// What the plan does with one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    WillDeactivate,
    AlreadyInactive,
    /// The user's state does not allow it, for this reason.
    NotAllowed(String),
    NotFound,
    /// This many users match the line.
    Ambiguous(usize),
    OwnUser,
    /// The same user as this earlier line.
    Duplicate(usize),
}

impl Verdict {
    /// Whether the line's request is sent.
    pub fn sends(&self) -> bool {
        *self == Verdict::WillDeactivate
    }

    /// A stable name for the CSV file.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::WillDeactivate => "will_deactivate",
            Verdict::AlreadyInactive => "already_inactive",
            Verdict::NotAllowed(_) => "not_allowed",
            Verdict::NotFound => "not_found",
            Verdict::Ambiguous(_) => "ambiguous",
            Verdict::OwnUser => "own_user",
            Verdict::Duplicate(_) => "duplicate",
        }
    }

    pub fn label(&self) -> String {
        match self {
            Verdict::WillDeactivate => tr!(bulk.verdict_will_deactivate).to_string(),
            Verdict::AlreadyInactive => tr!(bulk.verdict_already_inactive).to_string(),
            Verdict::NotAllowed(why) => tr!(bulk.verdict_not_allowed, why),
            Verdict::NotFound => tr!(bulk.verdict_not_found).to_string(),
            Verdict::Ambiguous(count) => tr!(bulk.verdict_ambiguous, count),
            Verdict::OwnUser => tr!(bulk.verdict_own_user).to_string(),
            Verdict::Duplicate(line) => tr!(bulk.verdict_duplicate, line),
        }
    }
}

/// One line of the dry run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedLine {
    pub entry: Entry,
    /// The one user the line matched, as the server last returned it.
    pub user: Option<User>,
    pub verdict: Verdict,
}

/// Matches every entry against the users the server found: exactly one
/// match or none. The admin's own user and a user named twice are not sent.
pub fn plan(
    entries: &[Entry],
    candidates: &[Candidate],
    me: &Me,
    lifecycle: Lifecycle,
) -> Vec<PlannedLine> {
    let index = CandidateIndex::new(candidates);
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    entries
        .iter()
        .map(|entry| {
            let matched = index.matching(&entry.text);
            let (user, verdict) = match matched.as_slice() {
                [] => (None, Verdict::NotFound),
                [user] => (
                    Some((*user).clone()),
                    verdict_for(user, entry, me, lifecycle, &mut first_line_of),
                ),
                many => (None, Verdict::Ambiguous(many.len())),
            };
            PlannedLine {
                entry: entry.clone(),
                user,
                verdict,
            }
        })
        .collect()
}

fn verdict_for(
    user: &User,
    entry: &Entry,
    me: &Me,
    lifecycle: Lifecycle,
    first_line_of: &mut HashMap<String, usize>,
) -> Verdict {
    if let Some(first) = first_line_of.get(&user.id) {
        return Verdict::Duplicate(*first);
    }
    first_line_of.insert(user.id.clone(), entry.line);
    if *me == Me::Known(user.id.clone()) {
        return Verdict::OwnUser;
    }
    match lifecycle.refusal_reason(LIST_ACTION, &user.state) {
        None => Verdict::WillDeactivate,
        Some(_) if user.state == UserState::Inactive => Verdict::AlreadyInactive,
        Some(why) => Verdict::NotAllowed(why),
    }
}

/// How many lines the plan sends, and how many it leaves.
pub fn plan_counts(plan: &[PlannedLine]) -> (usize, usize) {
    let sends = plan.iter().filter(|l| l.verdict.sends()).count();
    (sends, plan.len() - sends)
}

/// The per-line outcome file: each line with the user it matched, the plan,
/// and what the server answered (`outcomes[i]` belongs to `plan[i]`; `None`
/// for a line whose request was never sent, as after a stop).
pub fn outcome_csv(plan: &[PlannedLine], outcomes: &[Option<BulkOutcome>]) -> String {
    let mut file = csv::BOM.to_string();
    file.push_str(&csv::record(&[
        "line", "input", "user_id", "user", "plan", "outcome", "detail",
    ]));
    for (i, line) in plan.iter().enumerate() {
        let (outcome, detail) = match (line.verdict.sends(), outcomes.get(i).cloned().flatten()) {
            (false, _) => ("skipped", line.verdict.label()),
            (true, Some(BulkOutcome::Done(note))) => ("deactivated", note.unwrap_or_default()),
            (true, Some(BulkOutcome::Skipped(why))) => ("skipped", why),
            (true, Some(BulkOutcome::Failed(why))) => ("failed", why),
            (true, None) => ("not_sent", String::new()),
        };
        let user = line.user.as_ref();
        file.push_str(&csv::record(&[
            line.entry.line.to_string(),
            line.entry.text.clone(),
            user.map(|u| u.id.clone()).unwrap_or_default(),
            user.map(|u| u.display_name.clone()).unwrap_or_default(),
            line.verdict.code().to_string(),
            outcome.to_string(),
            detail,
        ]));
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Details, UserKind};

    fn user(id: &str, email: &str, login: &str, state: UserState) -> Candidate {
        Candidate {
            user: User {
                id: id.into(),
                username: login.split('@').next().unwrap_or(login).into(),
                display_name: format!("User {id}"),
                login_name: Some(login.into()),
                email: Some(email.into()),
                kind: UserKind::Human,
                state,
                details: Details::default(),
            },
            login_names: vec![login.into(), format!("{login}.alt")],
        }
    }

    fn texts(entries: &[Entry]) -> Vec<(usize, &str)> {
        entries.iter().map(|e| (e.line, e.text.as_str())).collect()
    }

    #[test]
    fn pasted_text_is_split_by_lines_and_commas() {
        let entries = entries_from_text(" ada@example.com \r\n\n 123, bob@acme.ch ,\n,grace");
        assert_eq!(
            texts(&entries),
            [
                (1, "ada@example.com"),
                (2, "123"),
                (3, "bob@acme.ch"),
                (4, "grace")
            ]
        );
    }

    #[test]
    fn a_csv_file_gives_its_key_column_or_its_first() {
        let exported = "\u{feff}id,name,email\r\n11,\"Lovelace, Ada\",ada@x.ch\r\n12,Bob,\r\n";
        assert_eq!(
            texts(&entries_from_csv(exported).unwrap()),
            [(1, "11"), (2, "12")]
        );
        let by_email = "Name,Email\nAda,ada@x.ch\nBob,bob@x.ch\n";
        assert_eq!(
            texts(&entries_from_csv(by_email).unwrap()),
            [(1, "ada@x.ch"), (2, "bob@x.ch")]
        );
        let plain = "ada@x.ch,Ada\n\"bob@x.ch\"\n";
        assert_eq!(
            texts(&entries_from_csv(plain).unwrap()),
            [(1, "ada@x.ch"), (2, "bob@x.ch")]
        );
        assert!(entries_from_csv("\"open").is_err());
    }

    #[test]
    fn matching_is_exact_never_a_prefix() {
        let ada = user("100", "Ada@Example.com", "ada@acme.ch", UserState::Active);
        assert!(ada.matches("100"));
        assert!(ada.matches("ada@example.com"));
        assert!(ada.matches("ADA@acme.ch"));
        assert!(ada.matches("ada@acme.ch.alt"));
        assert!(!ada.matches("10"));
        assert!(!ada.matches("1000"));
        assert!(!ada.matches("ada@example"));
        assert!(!ada.matches("ada"));
        assert!(!ada.matches("ada@acme"));
    }

    #[test]
    fn the_index_finds_what_matches_finds() {
        let found = [
            user("1", "Ada@X.ch", "ada@acme.ch", UserState::Active),
            user("2", "ada@x.ch", "2", UserState::Active),
            user("3", "c@x.ch", "c@acme.ch", UserState::Active),
        ];
        let index = CandidateIndex::new(&found);
        for text in ["ADA@x.ch", "1", "2", "c@ACME.ch.alt", "c@acme", "3", "x"] {
            let by_index: Vec<&str> = index.matching(text).iter().map(|u| u.id.as_str()).collect();
            let by_rule: Vec<&str> = found
                .iter()
                .filter(|c| c.matches(text))
                .map(|c| c.user.id.as_str())
                .collect();
            assert_eq!(by_index, by_rule, "{text}");
        }
    }

    #[test]
    fn the_plan_says_what_will_happen_to_each_line() {
        let found = [
            user("1", "ada@x.ch", "ada@acme.ch", UserState::Active),
            user("2", "bob@x.ch", "bob@acme.ch", UserState::Inactive),
            user("3", "shared@x.ch", "c@acme.ch", UserState::Active),
            user("4", "shared@x.ch", "d@acme.ch", UserState::Active),
            user("5", "me@x.ch", "me@acme.ch", UserState::Active),
            user("6", "gone@x.ch", "g@acme.ch", UserState::Deleted),
        ];
        let entries = entries_from_text(
            "ada@x.ch\nbob@acme.ch\nshared@x.ch\nme@x.ch\nnobody@x.ch\n1\n6\nada",
        );
        let plan = plan(
            &entries,
            &found,
            &Me::Known("5".into()),
            Lifecycle::ZitadelV2,
        );
        let verdicts: Vec<(Option<&str>, &Verdict)> = plan
            .iter()
            .map(|l| (l.user.as_ref().map(|u| u.id.as_str()), &l.verdict))
            .collect();
        assert_eq!(verdicts[0], (Some("1"), &Verdict::WillDeactivate));
        assert_eq!(verdicts[1], (Some("2"), &Verdict::AlreadyInactive));
        assert_eq!(verdicts[2], (None, &Verdict::Ambiguous(2)));
        assert_eq!(verdicts[3], (Some("5"), &Verdict::OwnUser));
        assert_eq!(verdicts[4], (None, &Verdict::NotFound));
        assert_eq!(verdicts[5], (Some("1"), &Verdict::Duplicate(1)));
        assert!(matches!(verdicts[6], (Some("6"), Verdict::NotAllowed(_))));
        assert_eq!(verdicts[7], (None, &Verdict::NotFound));
        assert_eq!(plan_counts(&plan), (1, 7));
    }

    #[test]
    fn an_unknown_admin_is_not_guessed() {
        let found = [user("5", "me@x.ch", "me@acme.ch", UserState::Active)];
        let plan = plan(
            &entries_from_text("me@x.ch"),
            &found,
            &Me::Unknown,
            Lifecycle::ZitadelV2,
        );
        assert_eq!(plan[0].verdict, Verdict::WillDeactivate);
    }

    #[test]
    fn the_outcome_file_has_a_row_per_line() {
        let found = [
            user("1", "ada@x.ch", "ada@acme.ch", UserState::Active),
            user("2", "bob@x.ch", "bob@acme.ch", UserState::Active),
            user("3", "=cmd@x.ch", "c@acme.ch", UserState::Active),
        ];
        let plan = plan(
            &entries_from_text("ada@x.ch,bob@x.ch,=cmd@x.ch,nobody"),
            &found,
            &Me::Unknown,
            Lifecycle::ZitadelV2,
        );
        let outcomes = [
            Some(BulkOutcome::Done(None)),
            Some(BulkOutcome::Failed("Unavailable".into())),
            None,
            None,
        ];
        let file = outcome_csv(&plan, &outcomes);
        let rows = csv::parse(&file).unwrap();
        assert_eq!(
            rows[0],
            ["line", "input", "user_id", "user", "plan", "outcome", "detail"]
        );
        assert_eq!(
            rows[1][..6],
            [
                "1",
                "ada@x.ch",
                "1",
                "User 1",
                "will_deactivate",
                "deactivated"
            ]
        );
        assert_eq!(rows[2][5..], ["failed", "Unavailable"]);
        // Never sent (stopped), and neutralised in the file.
        assert_eq!(
            rows[3][1..6],
            ["'=cmd@x.ch", "3", "User 3", "will_deactivate", "not_sent"]
        );
        assert_eq!(rows[4][4..6], ["not_found", "skipped"]);
        assert!(file.starts_with(csv::BOM) && file.ends_with("\r\n"));
    }
}
