//! What the server confirmed about one user or grant, for the page that shows
//! it: the one place that reads, acts, re-reads after writes, and decides
//! what a 404 or a lost answer means. Pages hold a [`Confirmed`] and render it.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{new_intent, Api, Intent};
use crate::domain::{
    reconcile, Details, Grant, GrantAction, GrantState, LifecycleAction, User, UserAction,
    UserState, Versioned,
};
use crate::http::ApiError;
use crate::tr;

/// ZITADEL's reads come from projections that lag writes (contracts §11):
/// re-read this long after a write, and once more if the read is still stale.
/// After a write whose outcome is unknown the same delays space the reads
/// that look for the change.
pub const REREAD_DELAYS: [Duration; 2] =
    [Duration::from_millis(1_000), Duration::from_millis(2_500)];

/// Why a read is made: it decides whether another read follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadFor<A> {
    /// Opening the page, or trying a failed read again.
    Show,
    /// The `n`th re-read after a confirmed write.
    Write(usize),
    /// The `n`th read after `action` ended without a known outcome.
    UnknownOutcome(A, usize),
}

/// After a read for `why`, the next read and when: after a write, while the
/// read is stale and re-reads are left; after an unknown outcome, while the
/// read does not show the change made and re-reads are left.
pub fn next_read<A: Copy>(
    why: ReadFor<A>,
    stale: bool,
    made: bool,
) -> Option<(ReadFor<A>, Duration)> {
    match why {
        ReadFor::Show => None,
        ReadFor::Write(n) => (stale && n + 1 < REREAD_DELAYS.len())
            .then(|| (ReadFor::Write(n + 1), REREAD_DELAYS[n + 1])),
        ReadFor::UnknownOutcome(action, n) => (!made && n < REREAD_DELAYS.len())
            .then(|| (ReadFor::UnknownOutcome(action, n + 1), REREAD_DELAYS[n])),
    }
}

/// What a failed read means for the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadFailure {
    /// The page has shown the object: a 404 now means it is gone (ZITADEL
    /// answers unknown and deleted objects alike).
    Gone,
    /// The API cannot read it at all (v3alpha GetUser answers 501): the page
    /// shows only what its own writes confirm.
    Unreadable,
    /// Shown as an error; the last confirmed state, if any, stays.
    Error,
}

pub fn read_failure(error: &ApiError, seen: bool, can_read: bool) -> ReadFailure {
    match error {
        ApiError::NotImplemented(_) if !can_read => ReadFailure::Unreadable,
        ApiError::NotFound(_) if seen => ReadFailure::Gone,
        _ => ReadFailure::Error,
    }
}

/// A user or a grant, as far as the controller needs to know it.
pub trait Subject: Versioned + PartialEq + Send + Sync + 'static {
    type Action: LifecycleAction;
    /// The object after the server confirmed `action` with `details`.
    fn after(&self, action: Self::Action, details: Details) -> Self;
    /// Whether the object is in the state `action` leads to.
    fn shows_done(&self, action: Self::Action) -> bool;
    /// The object once a read found it gone.
    fn gone(&self) -> Self;
    /// Actions after which there is nothing left to re-read.
    fn ends_it(action: Self::Action) -> bool;
    /// What a screen reader hears when a change is confirmed.
    fn announcement(&self) -> String;
    /// What it hears when a change is confirmed on an object the API
    /// cannot read: what the answer to `action` confirms, and no more.
    fn unread_announcement(action: Self::Action) -> String;
    /// A read, unless it is older than a write confirmed on any page.
    fn over_confirmed(api: &Api, fresh: Self) -> Self;
    fn remember(api: &Api, confirmed: &Self);
}

impl Subject for User {
    type Action = UserAction;
    fn after(&self, action: UserAction, details: Details) -> User {
        User::after(self, action, details)
    }
    fn shows_done(&self, action: UserAction) -> bool {
        self.state == action.resulting_state()
    }
    fn gone(&self) -> User {
        User {
            state: UserState::Deleted,
            ..self.clone()
        }
    }
    fn ends_it(action: UserAction) -> bool {
        action == UserAction::Delete
    }
    fn announcement(&self) -> String {
        tr!(
            user.action_confirmed,
            name = &self.display_name,
            state = crate::language::lowercase(self.state.label())
        )
    }
    fn unread_announcement(action: UserAction) -> String {
        action.confirmed_sentence().to_string()
    }
    fn over_confirmed(api: &Api, fresh: User) -> User {
        api.user_as_confirmed(fresh)
    }
    fn remember(api: &Api, confirmed: &User) {
        api.remember_confirmed_user(confirmed);
    }
}

impl Subject for Grant {
    type Action = GrantAction;
    fn after(&self, action: GrantAction, details: Details) -> Grant {
        Grant::after(self, action, details)
    }
    fn shows_done(&self, action: GrantAction) -> bool {
        self.state == action.resulting_state()
    }
    fn gone(&self) -> Grant {
        Grant {
            state: GrantState::Removed,
            ..self.clone()
        }
    }
    fn ends_it(action: GrantAction) -> bool {
        action == GrantAction::Remove
    }
    fn announcement(&self) -> String {
        String::new()
    }
    fn unread_announcement(_: GrantAction) -> String {
        String::new()
    }
    fn over_confirmed(api: &Api, fresh: Grant) -> Grant {
        api.grant_as_confirmed(fresh)
    }
    fn remember(api: &Api, confirmed: &Grant) {
        api.remember_confirmed_grant(confirmed);
    }
}

type Answer<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;
type Reader<T> = Rc<dyn Fn() -> Answer<T>>;

/// How the page reads and changes its object.
struct Source<T: Subject> {
    api: Api,
    can_read: bool,
    read: Reader<T>,
    act: Rc<dyn Fn(Intent<T::Action>) -> Answer<Details>>,
}

/// A change's answer, and the generation of the reads that follow it.
type Sent = (u64, Result<Details, ApiError>);

/// Why a change asked of the controller was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// Another change of the object is in flight: one at a time.
    Busy,
    /// The page shows another object now, or is gone.
    MovedOn,
}

/// The state of one object as the server confirmed it, and what the page
/// asked of it. `Copy`, so views and tasks can hold it.
pub struct Confirmed<T: Subject> {
    /// The object as the server last confirmed it; never a guess.
    shown: RwSignal<Option<T>>,
    pub load_error: RwSignal<Option<ApiError>>,
    pub action_error: RwSignal<Option<ApiError>>,
    /// The action whose request is in flight.
    pub busy: RwSignal<Option<T::Action>>,
    /// What a screen reader hears once the server confirms a change.
    pub announcement: RwSignal<String>,
    /// The API cannot read this object: the page shows what writes confirm.
    pub unreadable: RwSignal<bool>,
    /// The last change confirmed on an unreadable object, with its details.
    pub last_change: RwSignal<Option<(T::Action, Details)>>,
    /// A change whose answer was lost, that a later read showed made.
    pub made_after_all: RwSignal<Option<T::Action>>,
    /// The change asked for and not yet settled: in flight, or failed in a
    /// way that a retry of the same click may fix (it keeps its reference).
    intent: RwSignal<Option<Intent<T::Action>>>,
    /// Counts opens and actions, so an answer to a superseded one is dropped.
    generation: StoredValue<u64>,
    /// Counts opens only: a change asked for on one object is never sent
    /// once the page shows another.
    opened: StoredValue<u64>,
    source: StoredValue<Option<Source<T>>, LocalStorage>,
}

impl<T: Subject> Clone for Confirmed<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Subject> Copy for Confirmed<T> {}

impl<T: Subject> Default for Confirmed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Subject> Confirmed<T> {
    pub fn new() -> Self {
        Confirmed {
            shown: RwSignal::new(None),
            load_error: RwSignal::new(None),
            action_error: RwSignal::new(None),
            busy: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            unreadable: RwSignal::new(false),
            last_change: RwSignal::new(None),
            made_after_all: RwSignal::new(None),
            intent: RwSignal::new(None),
            generation: StoredValue::new(0),
            opened: StoredValue::new(0),
            source: StoredValue::new_local(None),
        }
    }

    /// The object as the server last confirmed it; never a guess. Only the
    /// controller writes it, under its rules for stale reads.
    pub fn shown(&self) -> ReadSignal<Option<T>> {
        self.shown.read_only()
    }

    /// Shows a new object: forgets the last one and reads this one with
    /// `read`; `act` sends an action on it. `can_read` is false for an API
    /// that cannot read such objects (their reads answer 501).
    pub fn open<R, F>(&self, api: Api, can_read: bool, read: R, act: F)
    where
        R: Fn() -> Answer<T> + 'static,
        F: Fn(Intent<T::Action>) -> Answer<Details> + 'static,
    {
        self.generation.update_value(|g| *g += 1);
        self.opened.update_value(|o| *o += 1);
        self.source.set_value(Some(Source {
            api,
            can_read,
            read: Rc::new(read),
            act: Rc::new(act),
        }));
        self.shown.set(None);
        self.unreadable.set(false);
        self.last_change.set(None);
        self.made_after_all.set(None);
        self.load_error.set(None);
        self.action_error.set(None);
        self.intent.set(None);
        self.read(ReadFor::Show);
    }

    /// Which object the page shows, as a count of opens: what a part of the
    /// page that acts later ([`Confirmed::settle`]) holds on to. `None` once
    /// the page is gone.
    pub fn opened(&self) -> Option<u64> {
        self.opened.try_get_value()
    }

    /// Whether anything is shown: the object, or that it cannot be read.
    pub fn is_open(&self) -> bool {
        self.shown.with(Option::is_some) || self.unreadable.get()
    }

    /// Reads again after a failed read.
    pub fn retry_read(&self) {
        self.load_error.set(None);
        self.read(ReadFor::Show);
    }

    /// Sends the unsettled action again, with the same reference.
    pub fn retry_action(&self) {
        if let Some(intent) = self.intent.get_untracked() {
            self.act(intent.action, intent.reason);
        }
    }

    fn is_current(&self, generation: u64) -> bool {
        self.generation.try_get_value() == Some(generation)
    }

    fn read(self, why: ReadFor<T::Action>) {
        // A read asked for by a page that is gone has nothing to update.
        let Some(generation) = self.generation.try_get_value() else {
            return;
        };
        spawn_local(async move {
            self.reads(generation, why).await;
        });
    }

    /// Reads for `why`, and again as [`next_read`] says. `None` once the page
    /// shows another object, acted since, or is gone; else the last read's
    /// failure, if it failed.
    async fn reads(
        self,
        generation: u64,
        mut why: ReadFor<T::Action>,
    ) -> Option<Result<(), ApiError>> {
        loop {
            let stale = match self.read_once(generation).await? {
                Ok(stale) => stale,
                Err(error) => return Some(Err(error)),
            };
            let made = match why {
                ReadFor::UnknownOutcome(action, _) => self.settle_if_made(action),
                _ => false,
            };
            let (next, delay) = match next_read(why, stale, made) {
                Some(next) => next,
                None => return Some(Ok(())),
            };
            sleep(delay).await;
            why = next;
        }
    }

    /// One read, shown under the controller's rules: a read older than a
    /// confirmed write does not replace it, a 404 of a shown object means it
    /// is gone, a 501 that the API cannot read it. Whether the read was stale,
    /// or why it failed; `None` once the page moved on.
    async fn read_once(self, generation: u64) -> Option<Result<bool, ApiError>> {
        let (api, can_read, read) = self
            .source
            .try_with_value(|s| {
                s.as_ref()
                    .map(|s| (s.api.clone(), s.can_read, s.read.clone()))
            })
            .flatten()?;
        if !self.is_current(generation) {
            return None;
        }
        let result = read().await;
        // The page may show another object, or be gone, by now.
        if !self.is_current(generation) {
            return None;
        }
        let seen = self.shown.with_untracked(Option::is_some);
        Some(match result {
            Ok(fresh) => {
                let fresh = T::over_confirmed(&api, fresh);
                let mut stale = false;
                self.shown.update(|shown| {
                    let (show, was_stale) = reconcile(shown.take(), fresh);
                    *shown = Some(show);
                    stale = was_stale;
                });
                self.load_error.set(None);
                Ok(stale)
            }
            Err(error) => match read_failure(&error, seen, can_read) {
                ReadFailure::Unreadable => {
                    self.load_error.set(None);
                    self.unreadable.set(true);
                    Err(error)
                }
                ReadFailure::Gone => {
                    self.shown.update(|shown| {
                        if let Some(object) = shown.as_mut() {
                            *object = object.gone();
                            T::remember(&api, object);
                        }
                    });
                    self.load_error.set(None);
                    Ok(false)
                }
                ReadFailure::Error => {
                    self.load_error.set(Some(error.clone()));
                    Err(error)
                }
            },
        })
    }

    /// After an unknown outcome: when the read shows `action`'s result, the
    /// change was made. The page says so and withdraws the error and its retry.
    fn settle_if_made(&self, action: T::Action) -> bool {
        let made = self
            .shown
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.shows_done(action)));
        if made {
            self.intent.set(None);
            self.action_error.set(None);
            self.made_after_all.set(Some(action));
            let said = self
                .shown
                .with_untracked(|s| s.as_ref().map(T::announcement).unwrap_or_default());
            self.announcement.set(said);
        }
        made
    }

    /// Asks the server for `action`; on success shows what it confirmed.
    pub fn act(&self, action: T::Action, reason: Option<String>) {
        let Some(opened) = self.opened() else {
            return; // the page is gone
        };
        // A retry of the same click keeps its reference, so the server can
        // recognise a repeat and never act twice.
        let intent = Intent::for_click(self.intent.get_untracked(), action, reason, new_intent);
        let page = *self;
        // One request at a time: a double click, or Enter held down, sends one.
        let Ok(sent) = page.send(intent.clone(), opened) else {
            return;
        };
        self.intent.set(Some(intent));
        spawn_local(async move {
            let Some((generation, result)) = sent.await else {
                return; // the page is gone
            };
            let why = page.reads_after(action, &result);
            match result {
                Ok(_) => {
                    page.intent.set(None);
                    let said = if page.unreadable.get_untracked() {
                        T::unread_announcement(action)
                    } else {
                        page.shown
                            .with_untracked(|s| s.as_ref().map(T::announcement))
                            .unwrap_or_default()
                    };
                    page.announcement.set(said);
                }
                Err(error) => {
                    if !error.is_retryable() {
                        page.intent.set(None);
                    }
                    // Refused, or the outcome is unknown: say why, and show
                    // the state the server reports now.
                    let reread = error.calls_for_a_fresh_read();
                    page.action_error.set(Some(error));
                    if !reread {
                        return;
                    }
                }
            }
            if let Some((why, delay)) = why {
                sleep(delay).await;
                page.reads(generation, why).await;
            }
        });
    }

    /// Sends `intent` for a part of the page that reports its outcome itself
    /// (offboarding's checklist), under the controller's rules: the write,
    /// then the same reads as after any action. `opened` is the object the
    /// part was started on ([`Confirmed::opened`]): once the page shows
    /// another, nothing is sent. Resolves to the write's answer and what the
    /// last read showed: the object as the controller shows it now, or why
    /// the read failed.
    pub async fn settle(
        self,
        intent: Intent<T::Action>,
        opened: u64,
    ) -> Result<(Result<Details, ApiError>, Result<T, ApiError>), NotSent> {
        let action = intent.action;
        let (generation, write) = self.send(intent, opened)?.await.ok_or(NotSent::MovedOn)?;
        let mut read = None;
        if let Some((why, delay)) = self.reads_after(action, &write) {
            sleep(delay).await;
            if let Some(Err(error)) = self.reads(generation, why).await {
                read = Some(error);
            }
        }
        // The page may show another object by now: its state is not this one's.
        if self.opened() != Some(opened) {
            return Err(NotSent::MovedOn);
        }
        let read = match read {
            Some(error) => Err(error),
            None => Ok(self
                .shown
                .try_get_untracked()
                .flatten()
                .ok_or(NotSent::MovedOn)?),
        };
        Ok((write, read))
    }

    /// Starts sending `intent` on the object `opened`, one change at a time:
    /// marks the page busy at once (a second click that lands before the
    /// task runs finds it busy) and clears what the last change said. The
    /// future resolves to the generation the reads that follow belong to,
    /// and the answer (on success the object shows what the server
    /// confirmed, and every page of the connection knows it); `None` when
    /// the page is gone.
    fn send(
        self,
        intent: Intent<T::Action>,
        opened: u64,
    ) -> Result<impl Future<Output = Option<Sent>>, NotSent> {
        let action = intent.action;
        if self.opened() != Some(opened) {
            return Err(NotSent::MovedOn);
        }
        let (api, send) = self
            .source
            .try_with_value(|s| s.as_ref().map(|s| (s.api.clone(), s.act.clone())))
            .flatten()
            .ok_or(NotSent::MovedOn)?;
        if self.busy.get_untracked().is_some() {
            return Err(NotSent::Busy);
        }
        self.action_error.set(None);
        self.made_after_all.set(None);
        self.announcement.set(String::new());
        self.busy.set(Some(action));
        // Reads scheduled before this action no longer apply.
        self.generation.update_value(|g| *g += 1);
        let generation = self.generation.get_value();
        Ok(async move {
            let result = send(intent).await;
            if self.busy.try_set(None).is_some() || !self.is_current(generation) {
                return None;
            }
            self.confirmed(&api, action, &result);
            Some((generation, result))
        })
    }

    /// What a confirmed write shows: the object after it, remembered for
    /// every page of the connection; on an object the API cannot read, the
    /// change and its details.
    fn confirmed(&self, api: &Api, action: T::Action, result: &Result<Details, ApiError>) {
        if let Ok(details) = result {
            if self.unreadable.get_untracked() {
                self.last_change.set(Some((action, details.clone())));
            } else {
                self.shown.update(|shown| {
                    if let Some(object) = shown.as_mut() {
                        *object = object.after(action, details.clone());
                        T::remember(api, object);
                    }
                });
            }
        }
    }

    fn reads_after(
        &self,
        action: T::Action,
        result: &Result<Details, ApiError>,
    ) -> Option<(ReadFor<T::Action>, Duration)> {
        reads_after::<T>(action, result, self.unreadable.get_untracked())
    }
}

/// The reads after the answer to `action`, and how long to wait for the
/// first: after a confirmed write, the re-reads that catch a lagging
/// projection; after an unknown outcome, the reads that look for the change
/// made; after a refusal, one read of the state now. None for an object the
/// API cannot read, or after a change that leaves nothing to read.
pub fn reads_after<T: Subject>(
    action: T::Action,
    result: &Result<Details, ApiError>,
    unreadable: bool,
) -> Option<(ReadFor<T::Action>, Duration)> {
    if unreadable {
        return None;
    }
    match result {
        Ok(_) if T::ends_it(action) => None,
        Ok(_) => Some((ReadFor::Write(0), REREAD_DELAYS[0])),
        Err(error) if error.leaves_outcome_unknown() => {
            Some((ReadFor::UnknownOutcome(action, 0), Duration::ZERO))
        }
        Err(_) => Some((ReadFor::Show, Duration::ZERO)),
    }
}

/// After `action` ended without a known outcome, for a page without a
/// controller (a bulk run): reads with `read` on the controller's schedule
/// until a read shows the change made, or reads run out or fail. The read
/// that shows it made, if one did.
pub async fn read_until_made<T, R, F>(action: T::Action, read: R) -> Option<T>
where
    T: Subject,
    R: Fn() -> F,
    F: Future<Output = Result<T, ApiError>>,
{
    let mut why = ReadFor::UnknownOutcome(action, 0);
    loop {
        let object = read().await.ok()?;
        if object.shows_done(action) {
            return Some(object);
        }
        let (next, delay) = next_read(why, false, false)?;
        sleep(delay).await;
        why = next;
    }
}

/// Resolves after `delay`, on the browser's timer.
async fn sleep(delay: Duration) {
    if delay.is_zero() {
        return;
    }
    let (done, elapsed) = futures::channel::oneshot::channel();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        delay,
    );
    let _ = elapsed.await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ServerMessage;

    #[test]
    fn after_a_write_reads_again_while_stale_and_re_reads_are_left() {
        let first = next_read::<UserAction>(ReadFor::Write(0), true, false);
        assert_eq!(first, Some((ReadFor::Write(1), REREAD_DELAYS[1])));
        assert_eq!(
            next_read::<UserAction>(ReadFor::Write(1), true, false),
            None
        );
        assert_eq!(
            next_read::<UserAction>(ReadFor::Write(0), false, false),
            None
        );
        assert_eq!(next_read::<UserAction>(ReadFor::Show, true, false), None);
    }

    #[test]
    fn after_an_unknown_outcome_reads_until_the_change_shows_or_reads_run_out() {
        let action = UserAction::Deactivate;
        let mut why = ReadFor::UnknownOutcome(action, 0);
        let mut delays = Vec::new();
        while let Some((next, delay)) = next_read(why, false, false) {
            delays.push(delay);
            why = next;
        }
        assert_eq!(delays, REREAD_DELAYS.to_vec());
        assert_eq!(
            next_read(ReadFor::UnknownOutcome(action, 0), false, true),
            None,
            "seen made: no more reads"
        );
    }

    #[test]
    fn each_answer_to_a_write_is_followed_by_its_reads() {
        let deactivate = UserAction::Deactivate;
        let confirmed = Ok(Details::default());
        assert_eq!(
            reads_after::<User>(deactivate, &confirmed, false),
            Some((ReadFor::Write(0), REREAD_DELAYS[0])),
            "a confirmed write is read again once the projection may have caught up"
        );
        assert_eq!(
            reads_after::<User>(UserAction::Delete, &confirmed, false),
            None
        );
        assert_eq!(
            reads_after::<User>(deactivate, &Err(ApiError::Timeout), false),
            Some((ReadFor::UnknownOutcome(deactivate, 0), Duration::ZERO)),
            "a lost answer: read at once, and look for the change"
        );
        let refused = Err(ApiError::Conflict(ServerMessage::default()));
        assert_eq!(
            reads_after::<User>(deactivate, &refused, false),
            Some((ReadFor::Show, Duration::ZERO))
        );
        assert_eq!(
            reads_after::<User>(deactivate, &Err(ApiError::Timeout), true),
            None,
            "an object the API cannot read is not read"
        );
    }

    #[test]
    fn a_404_means_gone_only_for_an_object_the_page_has_seen() {
        let not_found = ApiError::NotFound(ServerMessage::default());
        assert_eq!(read_failure(&not_found, true, true), ReadFailure::Gone);
        assert_eq!(read_failure(&not_found, false, true), ReadFailure::Error);
        let unimplemented = ApiError::NotImplemented(ServerMessage::default());
        assert_eq!(
            read_failure(&unimplemented, false, false),
            ReadFailure::Unreadable
        );
        assert_eq!(
            read_failure(&unimplemented, false, true),
            ReadFailure::Error,
            "an API that can read users does not answer 501 by design"
        );
        assert_eq!(
            read_failure(&ApiError::Timeout, true, true),
            ReadFailure::Error
        );
    }

    #[test]
    fn a_lost_answer_leaves_the_outcome_unknown_a_refusal_does_not() {
        assert!(ApiError::Timeout.leaves_outcome_unknown());
        assert!(ApiError::Network.leaves_outcome_unknown());
        assert!(ApiError::UnreadableAnswer {
            status: 200,
            detail: String::new()
        }
        .leaves_outcome_unknown());
        assert!(!ApiError::Conflict(ServerMessage::default()).leaves_outcome_unknown());
    }

    #[test]
    fn the_done_state_is_the_one_the_action_leads_to() {
        let grant = Grant {
            id: "g".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            project_name: None,
            roles: Vec::new(),
            state: GrantState::Inactive,
            organization_name: None,
            details: Details::default(),
        };
        assert!(grant.shows_done(GrantAction::Deactivate));
        assert!(!grant.shows_done(GrantAction::Reactivate));
        assert!(grant.gone().shows_done(GrantAction::Remove));
    }
}
