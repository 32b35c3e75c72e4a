//! What a users list shows: the query (kept in the URL, so reload, Back and a
//! shared link restore the view) and the outcome of a bulk action.

use super::{Lifecycle, User, UserAction, UserState};
use crate::tr;

/// Rows per page the list offers.
pub const PAGE_SIZES: [u32; 4] = [20, 50, 100, 1000];
pub const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortField {
    UserName,
    DisplayName,
    Email,
    State,
    CreationDate,
}

impl SortField {
    pub const ALL: [SortField; 5] = [
        SortField::DisplayName,
        SortField::UserName,
        SortField::Email,
        SortField::State,
        SortField::CreationDate,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SortField::UserName => "username",
            SortField::DisplayName => "name",
            SortField::Email => "email",
            SortField::State => "state",
            SortField::CreationDate => "created",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortField::UserName => tr!(domain.sort_user_name),
            SortField::DisplayName => tr!(domain.sort_display_name),
            SortField::Email => tr!(domain.sort_email),
            SortField::State => tr!(domain.sort_state),
            SortField::CreationDate => tr!(domain.sort_created),
        }
    }

    fn from_key(key: &str) -> Option<SortField> {
        SortField::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// A state to filter by (the states a list can be filtered on).
pub const FILTER_STATES: [UserState; 4] = [
    UserState::Active,
    UserState::Inactive,
    UserState::Locked,
    UserState::Initial,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserQuery {
    /// Matches name, user name or email (the provider decides how).
    pub search: String,
    pub state: Option<UserState>,
    pub sort: SortField,
    pub ascending: bool,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl Default for UserQuery {
    fn default() -> Self {
        UserQuery {
            search: String::new(),
            state: None,
            sort: SortField::DisplayName,
            ascending: true,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl UserQuery {
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.page_size)
    }

    /// Reads the query from URL parameters; anything missing or not
    /// understood falls back to the default rather than failing the page.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> UserQuery {
        let default = UserQuery::default();
        UserQuery {
            search: get("q").map(|q| q.trim().to_string()).unwrap_or_default(),
            state: get("state")
                .and_then(|s| FILTER_STATES.into_iter().find(|st| st.css_name() == s)),
            sort: get("sort")
                .and_then(|s| SortField::from_key(&s))
                .unwrap_or(default.sort),
            ascending: get("order").map(|o| o != "desc").unwrap_or(true),
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
            page_size: get("size")
                .and_then(|s| s.parse().ok())
                .filter(|s| PAGE_SIZES.contains(s))
                .unwrap_or(default.page_size),
        }
    }

    /// The URL parameters for this query; defaults are left out so links stay short.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let default = UserQuery::default();
        let mut params = Vec::new();
        if !self.search.is_empty() {
            params.push(("q", self.search.clone()));
        }
        if let Some(state) = &self.state {
            params.push(("state", state.css_name().to_string()));
        }
        if self.sort != default.sort {
            params.push(("sort", self.sort.key().to_string()));
        }
        if !self.ascending {
            params.push(("order", "desc".to_string()));
        }
        if self.page != 1 {
            params.push(("page", self.page.to_string()));
        }
        if self.page_size != default.page_size {
            params.push(("size", self.page_size.to_string()));
        }
        params
    }

    /// A changed filter, search or sort starts again at the first page.
    pub fn with_filters(&self, change: impl FnOnce(&mut UserQuery)) -> UserQuery {
        let mut next = self.clone();
        change(&mut next);
        next.page = 1;
        next
    }
}

/// One page of users and the total the server counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPage {
    pub users: Vec<User>,
    pub total: u64,
}

/// Where a page of a list stands, from the rows that came back and the
/// total the server counted. The total alone is not trusted: ZITADEL's v2
/// ListUsers drops rows the caller may not read after LIMIT/OFFSET without
/// lowering `totalResult` (contracts/ZITADEL.md Corrections 3), so pages
/// can come back short and the total can overcount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageWindow {
    /// 1-based position of the first row shown (0 when none).
    pub first: u64,
    /// Position of the last row shown.
    pub last: u64,
    /// The total to show: never less than `last`, and exactly `last` on the
    /// last page.
    pub total: u64,
    pub has_previous: bool,
    pub has_next: bool,
}

impl PageWindow {
    pub fn of(query: &UserQuery, rows: usize, counted: u64) -> PageWindow {
        let offset = query.offset();
        let rows = rows as u64;
        let size = u64::from(query.page_size);
        let last = offset + rows;
        // More rows lie beyond this page when the server counted past it, or
        // when it sent a full page and a total too low to be true (a lagging count).
        // A page can come back empty with more counted: every row of its
        // LIMIT window was one the caller may not read (Corrections 3). That
        // is not the end. Paging still ends: ZITADEL counts the rows its query
        // matched before dropping any (`COUNT(*) OVER ()` in
        // `internal/query/user.go`), so the offset passes the count.
        let has_next = offset + size < counted || (rows > 0 && rows == size && last > counted);
        PageWindow {
            first: if rows == 0 { 0 } else { offset + 1 },
            last,
            total: if has_next { counted.max(last) } else { last },
            has_previous: query.page > 1,
            has_next,
        }
    }
}

/// What became of one user in a bulk action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkOutcome {
    /// The server confirmed the change; with a note when the reason given
    /// could not be kept on the user afterwards (the change stands).
    Done(Option<String>),
    /// Not sent, or refused because the user already was in that state.
    Skipped(String),
    Failed(String),
}

/// The outcomes of one bulk action, as they arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkReport {
    pub action: UserAction,
    pub outcomes: Vec<(User, BulkOutcome)>,
}

impl BulkReport {
    /// How many were done, skipped and failed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count =
            |f: fn(&BulkOutcome) -> bool| self.outcomes.iter().filter(|(_, o)| f(o)).count();
        (
            count(|o| matches!(o, BulkOutcome::Done(_))),
            count(|o| matches!(o, BulkOutcome::Skipped(_))),
            count(|o| matches!(o, BulkOutcome::Failed(_))),
        )
    }

    /// The users whose change failed: they stay selected, to retry.
    pub fn failed_ids(&self) -> std::collections::HashSet<String> {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, BulkOutcome::Failed(_)))
            .map(|(u, _)| u.id.clone())
            .collect()
    }
}

/// Splits a selection into the users the action is sent for and the ones
/// skipped because their state does not allow it (so no doomed request is sent).
pub fn plan_bulk(
    lifecycle: Lifecycle,
    action: UserAction,
    selected: &[User],
) -> (Vec<User>, Vec<(User, BulkOutcome)>) {
    let mut send = Vec::new();
    let mut skipped = Vec::new();
    for user in selected {
        match lifecycle.refusal_reason(action, &user.state) {
            None => send.push(user.clone()),
            Some(reason) => skipped.push((user.clone(), BulkOutcome::Skipped(reason))),
        }
    }
    (send, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Details, UserKind};
    use std::collections::HashMap;

    fn params(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn the_query_round_trips_through_the_url() {
        let query = UserQuery {
            search: "duck".into(),
            state: Some(UserState::Locked),
            sort: SortField::CreationDate,
            ascending: false,
            page: 3,
            page_size: 100,
        };
        let pairs = query.to_params();
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(UserQuery::from_params(params(&borrowed)), query);
        assert_eq!(query.offset(), 200);
    }

    #[test]
    fn defaults_leave_the_url_clean_and_bad_values_fall_back() {
        assert!(UserQuery::default().to_params().is_empty());
        let query = UserQuery::from_params(params(&[
            ("page", "0"),
            ("size", "7"),
            ("state", "sleeping"),
            ("sort", "x"),
            ("q", "  ada "),
        ]));
        assert_eq!(
            query,
            UserQuery {
                search: "ada".into(),
                ..UserQuery::default()
            }
        );
    }

    #[test]
    fn changing_a_filter_goes_back_to_the_first_page() {
        let query = UserQuery {
            page: 4,
            ..UserQuery::default()
        };
        let next = query.with_filters(|q| q.state = Some(UserState::Inactive));
        assert_eq!((next.page, next.state), (1, Some(UserState::Inactive)));
    }

    fn user(id: &str, state: UserState) -> User {
        User {
            id: id.into(),
            username: id.into(),
            display_name: id.into(),
            login_name: None,
            email: None,
            kind: UserKind::Human,
            state,
            details: Details::default(),
        }
    }

    #[test]
    fn bulk_actions_only_send_what_the_state_allows() {
        let selected = [
            user("a", UserState::Active),
            user("b", UserState::Inactive),
            user("c", UserState::Locked),
        ];
        let (send, skipped) = plan_bulk(Lifecycle::ZitadelV2, UserAction::Deactivate, &selected);
        assert_eq!(
            send.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            skipped[0].1,
            BulkOutcome::Skipped("The user is already inactive.".into())
        );
    }

    #[test]
    fn page_windows_follow_the_rows_not_only_the_total() {
        let page = |n: u32| UserQuery {
            page: n,
            page_size: 50,
            ..UserQuery::default()
        };
        let w = PageWindow::of(&page(1), 50, 57);
        assert_eq!(
            (w.first, w.last, w.total, w.has_previous, w.has_next),
            (1, 50, 57, false, true)
        );
        // The last page: the rows that came back, never "51–100 of 57".
        let w = PageWindow::of(&page(2), 7, 57);
        assert_eq!(
            (w.first, w.last, w.total, w.has_previous, w.has_next),
            (51, 57, 57, true, false)
        );
        // An overcounting server: page 2 comes back short (rows dropped after
        // LIMIT), the total stays too high; the window says what is shown.
        let w = PageWindow::of(&page(2), 5, 57);
        assert_eq!((w.first, w.last, w.total, w.has_next), (51, 55, 55, false));
        // A short page in the middle still pages on when more were counted.
        let w = PageWindow::of(&page(1), 48, 120);
        assert_eq!((w.first, w.last, w.total, w.has_next), (1, 48, 120, true));
        // A full page whose total is too low (a lagging count) offers the next page.
        let w = PageWindow::of(&page(1), 50, 30);
        assert_eq!((w.last, w.total, w.has_next), (50, 50, true));
        // Exactly full and counted so: nothing more.
        let w = PageWindow::of(&page(2), 50, 100);
        assert_eq!(
            (w.first, w.last, w.total, w.has_next),
            (51, 100, 100, false)
        );
        // A page past the end.
        let w = PageWindow::of(&page(3), 0, 57);
        assert_eq!((w.first, w.has_previous, w.has_next), (0, true, false));
    }

    #[test]
    fn an_empty_page_of_an_overcounting_server_is_not_the_end() {
        let page = |n: u32| UserQuery {
            page: n,
            page_size: 50,
            ..UserQuery::default()
        };
        // Every row of page 2's window was unreadable; 120 were counted.
        let w = PageWindow::of(&page(2), 0, 120);
        assert_eq!((w.first, w.has_previous, w.has_next), (0, true, true));
        assert_eq!(w.total, 120);
        // The first page, too.
        assert!(PageWindow::of(&page(1), 0, 120).has_next);
        // The window past the count ends it, empty or not.
        assert!(!PageWindow::of(&page(3), 0, 120).has_next);
        assert!(!PageWindow::of(&page(3), 20, 120).has_next);
        // A server whose every page comes back empty is paged through once:
        // the pages the count covers, then no more.
        let mut pages = 1;
        while PageWindow::of(&page(pages), 0, 120).has_next {
            pages += 1;
            assert!(pages <= 3, "paging must end");
        }
        assert_eq!(pages, 3);
    }
}
