//! The user page's Offboard section: one confirmed action that ends a user's
//! access, then a checklist of what the server confirmed by reading it back
//! (`domain::offboarding` decides each line), each part with its own retry.

use std::collections::HashMap;
use std::future::Future;

use futures::future::{FutureExt, LocalBoxFuture};
use futures::stream::{self, StreamExt};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::confirmed::{Confirmed, NotSent};
use crate::api::{new_intent, Api, Intent};
use crate::components::ConfirmDialog;
use crate::domain::offboarding::{
    counted_outcome, failed_ids, state_outcome, to_end, Credential, EndAccess, Part, PartOutcome,
    Problem, Reach, Remaining, CONCURRENT_WRITES,
};
use crate::domain::{Confirmation, GrantAction, GrantState, LifecycleAction, User, UserKind};
use crate::http::ApiError;
use crate::tr;

/// The offboarding, as the confirmation dialog and its button name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Offboarding(Reach);

impl LifecycleAction for Offboarding {
    /// Its reason goes with the user's state change, kept as any other.
    fn reason_kept_on_user(self) -> Option<bool> {
        Some(true)
    }

    fn label(self) -> &'static str {
        tr!(offboard.action)
    }

    fn needs_confirmation(self) -> bool {
        true
    }

    fn confirmation(self, subject: &str) -> Option<Confirmation> {
        let consequence = match self.0 {
            Reach::Full => tr!(offboard.consequence_full),
            _ => tr!(offboard.consequence_deactivation_only),
        };
        Confirmation::new(tr!(offboard.confirm_title, subject), consequence)
    }
}

/// One offboarding click: how access ends, the state change's intent (its
/// reference and reason) and the user it was asked on (the controller's
/// open count). A retry of any part keeps all three.
#[derive(Clone)]
struct Click {
    aim: EndAccess,
    intent: Intent,
    opened: u64,
}

/// What one offboarding works on: the user as last read, and the click.
#[derive(Clone)]
struct Run {
    api: Api,
    /// The user page's controller: the state change goes through it.
    confirmed: Confirmed<User>,
    user: User,
    click: Click,
    /// The checklist, part by part.
    outcomes: RwSignal<HashMap<Part, PartOutcome>>,
    /// Bumped once grants were written, so the page's grant list reads again.
    grants_revision: RwSignal<u32>,
    /// Sessions whose ending failed, tried again by a retry.
    unended_sessions: RwSignal<Vec<String>>,
}

/// The Offboard section of a loaded user. `user` is the page's controller:
/// the state change is sent through it, so it follows the controller's
/// rules (reference kept by a retry, re-reads, made after all). The grant
/// list reads again when `grants_revision` is bumped.
#[component]
pub fn Offboard(user: Confirmed<User>, grants_revision: RwSignal<u32>) -> impl IntoView {
    let api = Api::for_page();
    let reach = api.provider().capabilities().offboarding;
    let shown = user.shown();
    let aim = RwSignal::new(EndAccess::Deactivate);
    let asking = RwSignal::new(false);
    let running = RwSignal::new(false);
    let outcomes = RwSignal::new(HashMap::<Part, PartOutcome>::new());
    let started = RwSignal::new(false);
    let unended_sessions = RwSignal::new(Vec::<String>::new());
    let last_click = StoredValue::new(None::<Click>);
    let subject = move || {
        shown
            .with(|u| u.as_ref().map(|u| u.display_name.clone()))
            .unwrap_or_default()
    };
    let is_service =
        move || shown.with(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Machine));

    let run_for = {
        let api = api.clone();
        move |click: Click| {
            Some(Run {
                api: api.clone(),
                confirmed: user,
                user: shown.get_untracked()?,
                click,
                outcomes,
                grants_revision,
                unended_sessions,
            })
        }
    };
    let confirm = Callback::new({
        let run_for = run_for.clone();
        move |reason: Option<String>| {
            asking.set(false);
            let Some(opened) = user.opened() else { return };
            let aim = aim.get_untracked();
            let click = Click {
                aim,
                intent: Intent {
                    reason,
                    ..new_intent(aim.action())
                },
                opened,
            };
            last_click.set_value(Some(click.clone()));
            let Some(run) = run_for(click) else { return };
            let parts: Vec<Part> = Part::ALL
                .into_iter()
                .filter(|p| p.applies(reach, run.user.kind == UserKind::Machine))
                .collect();
            outcomes.set(
                Part::ALL
                    .into_iter()
                    .map(|p| {
                        let outcome = if parts.contains(&p) {
                            PartOutcome::Pending
                        } else {
                            PartOutcome::NotApplicable
                        };
                        (p, outcome)
                    })
                    .collect(),
            );
            started.set(true);
            running.set(true);
            spawn_local(async move {
                run.everything(&parts).await;
                running.set(false);
            });
        }
    });
    let retry = Callback::new(move |part: Part| {
        let Some(run) = last_click.get_value().and_then(&run_for) else {
            return;
        };
        running.set(true);
        outcomes.update(|o| {
            o.insert(part, PartOutcome::Pending);
        });
        spawn_local(async move {
            run.retry(part).await;
            running.set(false);
        });
    });

    (reach != Reach::None).then(|| {
        view! {
            <section class="offboard" aria-labelledby="offboard-heading" data-testid="offboard">
                <h2 id="offboard-heading">{tr!(offboard.heading)}</h2>
                <p class="muted" data-testid="offboard-intro">
                    {match reach {
                        Reach::Full => tr!(offboard.intro_full),
                        _ => tr!(offboard.intro_deactivation_only),
                    }}
                </p>
                {(reach == Reach::Full).then(|| view! { <AimChoice aim=aim/> })}
                <button
                    type="button"
                    class="danger"
                    disabled=move || {
                        running.get() || shown.with(Option::is_none) || user.busy.get().is_some()
                    }
                    on:click=move |_| asking.set(true)
                >
                    {tr!(offboard.start)}
                </button>
                {move || asking.get().then(|| view! {
                    <ConfirmDialog
                        action=Offboarding(reach)
                        subject=subject()
                        typed_confirmation=String::new()
                        on_confirm=confirm
                        on_cancel=Callback::new(move |_| asking.set(false))
                    />
                })}
                <Show when=move || started.get()>
                    <Checklist outcomes=outcomes running=running.into() is_service=Signal::derive(is_service) retry=retry/>
                </Show>
            </section>
        }
    })
}

/// Deactivate or lock: the admin picks.
#[component]
fn AimChoice(aim: RwSignal<EndAccess>) -> impl IntoView {
    let option = move |value: EndAccess, label: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="offboard-aim"
                    prop:checked=move || aim.get() == value
                    on:change=move |_| aim.set(value)
                />
                " " {label}
            </label>
        }
    };
    view! {
        <fieldset class="offboard-aim">
            <legend>{tr!(offboard.end_access_by)}</legend>
            {option(EndAccess::Deactivate, tr!(offboard.by_deactivating))}
            {option(EndAccess::Lock, tr!(offboard.by_locking))}
        </fieldset>
    }
}

/// The checklist: one line per part, in order.
#[component]
fn Checklist(
    outcomes: RwSignal<HashMap<Part, PartOutcome>>,
    running: Signal<bool>,
    is_service: Signal<bool>,
    retry: Callback<Part>,
) -> impl IntoView {
    let summary = move || {
        if running.get() {
            return tr!(offboard.running);
        }
        let all_done = outcomes.with(|o| o.values().all(PartOutcome::is_done));
        if all_done {
            tr!(offboard.all_confirmed)
        } else {
            tr!(offboard.not_all_confirmed)
        }
    };
    view! {
        <h3>{tr!(offboard.checklist_heading)}</h3>
        <p role="status" data-testid="offboard-summary">{summary}</p>
        <ul class="checklist" data-testid="offboard-checklist">
            {Part::ALL.into_iter().map(|part| {
                let outcome = move || outcomes.with(|o| o.get(&part).cloned().unwrap_or(PartOutcome::Pending));
                view! {
                    <li data-part=part_name(part) data-outcome=move || outcome_name(&outcome())>
                        <strong>{part_label(part)}</strong> " "
                        {move || line(part, &outcome(), is_service.get())}
                        {move || outcome().can_retry().then(|| view! {
                            <button type="button" disabled=move || running.get() on:click=move |_| retry.run(part)>
                                {tr!(offboard.retry)}
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

fn part_label(part: Part) -> &'static str {
    match part {
        Part::UserState => tr!(offboard.part_state),
        Part::Sessions => tr!(offboard.part_sessions),
        Part::Grants => tr!(offboard.part_grants),
        Part::Tokens => tr!(offboard.part_tokens),
        Part::Keys => tr!(offboard.part_keys),
    }
}

/// Stable names for tests and styles.
fn part_name(part: Part) -> &'static str {
    match part {
        Part::UserState => "state",
        Part::Sessions => "sessions",
        Part::Grants => "grants",
        Part::Tokens => "tokens",
        Part::Keys => "keys",
    }
}

fn outcome_name(outcome: &PartOutcome) -> &'static str {
    match outcome {
        PartOutcome::Pending => "pending",
        PartOutcome::NotApplicable => "not-applicable",
        PartOutcome::NotPermitted { .. } => "not-permitted",
        PartOutcome::Failed { .. } => "failed",
        PartOutcome::StateConfirmed(_) | PartOutcome::Confirmed { .. } => "confirmed",
    }
}

/// One part's line: what the server confirmed, or why not.
fn line(part: Part, outcome: &PartOutcome, is_service: bool) -> AnyView {
    match outcome {
        PartOutcome::Pending => view! { <span>{tr!(offboard.pending)}</span> }.into_any(),
        PartOutcome::NotApplicable => {
            let text = if matches!(part, Part::Tokens | Part::Keys) && !is_service {
                tr!(offboard.not_applicable_person)
            } else {
                tr!(offboard.not_applicable)
            };
            view! { <span>{text}</span> }.into_any()
        }
        PartOutcome::StateConfirmed(state) => {
            view! { <span>{tr!(offboard.state_confirmed, state = state.label())}</span> }.into_any()
        }
        PartOutcome::Confirmed { ended } => {
            let ended = *ended;
            let text = match part {
                Part::Sessions => tr!(offboard.sessions_confirmed, ended),
                Part::Grants => tr!(offboard.grants_confirmed, ended),
                Part::Tokens => tr!(offboard.tokens_confirmed, ended),
                Part::Keys => tr!(offboard.keys_confirmed, ended),
                Part::UserState => String::new(),
            };
            view! { <span>{text}</span> }.into_any()
        }
        PartOutcome::NotPermitted { error, ended, left } => view! {
            <span>{tr!(offboard.not_permitted)} " " {so_far(*ended, *left)}</span>
            {server_answer(error)}
        }
        .into_any(),
        PartOutcome::Failed {
            problem,
            ended,
            left,
        } => {
            let (why, error) = match problem {
                Problem::Request(error) => (error.to_string(), Some(error.clone())),
                Problem::StillThere(count) => (tr!(offboard.still_there, count = *count), None),
                Problem::Hidden(count) => (tr!(offboard.hidden, count = *count), None),
                Problem::StateIs(state) => (tr!(offboard.state_is, state = state.label()), None),
                Problem::Busy => (tr!(offboard.state_busy).to_string(), None),
            };
            view! {
                <span>{tr!(offboard.failed)} " " {why} " " {so_far(*ended, *left)}</span>
                {error.as_ref().map(server_answer)}
            }
            .into_any()
        }
    }
}

fn so_far(ended: u64, left: Option<u64>) -> String {
    match left {
        Some(left) => tr!(offboard.so_far, ended, left),
        None => tr!(offboard.so_far_unread, ended),
    }
}

/// The server's own words and error id, as the error alert shows them.
fn server_answer(error: &ApiError) -> impl IntoView {
    let text = error.server_text().map(str::to_string);
    let id = error.error_id().map(str::to_string);
    view! {
        {text.map(|text| view! { <span class="alert-server">" " {tr!(errors.server_said)} " " {text}</span> })}
        {id.map(|id| view! { <span class="alert-id">" " <code>{id}</code></span> })}
    }
}

impl Run {
    fn set(&self, part: Part, outcome: PartOutcome) {
        self.outcomes.try_update(|o| {
            o.insert(part, outcome);
        });
    }

    fn organization(&self) -> Option<String> {
        self.user.details.owner.as_ref().map(|o| o.id.clone())
    }

    /// Every part that applies, in order. The sessions are listed before the
    /// state change: from v4.12 ZITADEL stops listing a deactivated or
    /// locked user's sessions, though it still ends them by id.
    async fn everything(&self, parts: &[Part]) {
        let sessions_before = if parts.contains(&Part::Sessions) {
            Some(self.api.list_sessions(&self.user.id).await)
        } else {
            None
        };
        self.state().await;
        if let Some(before) = sessions_before {
            self.sessions(before).await;
        }
        for part in parts {
            match part {
                Part::Grants => self.grants().await,
                Part::Tokens => self.credentials(Part::Tokens).await,
                Part::Keys => self.credentials(Part::Keys).await,
                Part::UserState | Part::Sessions => {}
            }
        }
    }

    async fn retry(&self, part: Part) {
        match part {
            Part::UserState => self.state().await,
            Part::Sessions => {
                let before = self.api.list_sessions(&self.user.id).await;
                self.sessions(before).await
            }
            Part::Grants => self.grants().await,
            Part::Tokens | Part::Keys => self.credentials(part).await,
        }
    }

    /// The state change, through the page's controller: the click's
    /// intent, then the controller's reads (a lagging read does not undo a
    /// confirmed write; after an unknown outcome, reads look for the change).
    async fn state(&self) {
        let settled = self
            .confirmed
            .settle(self.click.intent.clone(), self.click.opened)
            .await;
        let outcome = match settled {
            Ok((write, read)) => {
                let state = read.map(|u| u.state);
                state_outcome(self.click.aim, &write.map(|_| ()), &state)
            }
            Err(NotSent::Busy) => PartOutcome::Failed {
                problem: Problem::Busy,
                ended: 0,
                left: None,
            },
            Err(NotSent::MovedOn) => return, // the page shows another user, or is gone
        };
        self.set(Part::UserState, outcome);
    }

    async fn sessions(&self, before: Result<Remaining, ApiError>) {
        // A second list finds sessions an older server still lists; those
        // whose ending failed before are tried again (a v4.12 server no
        // longer lists a deactivated user's sessions).
        let after = self.api.list_sessions(&self.user.id).await;
        let listed_ids = to_end(
            before
                .as_ref()
                .map(|r| r.ids.as_slice())
                .unwrap_or_default(),
            after.as_ref().map(|r| r.ids.as_slice()).unwrap_or_default(),
        );
        let earlier = self
            .unended_sessions
            .try_get_untracked()
            .unwrap_or_default();
        let ids = to_end(&earlier, &listed_ids);
        let listed = match (&before, &after) {
            (Err(error), _) => Err(error.clone()),
            _ => Ok(Remaining::new(ids.clone(), ids.len() as u64)),
        };
        let api = &self.api;
        let writes = bounded(ids.clone(), |id| async move { api.end_session(&id).await }).await;
        self.unended_sessions.try_set(failed_ids(&ids, &writes));
        let read_back = self.api.list_sessions(&self.user.id).await;
        self.set(
            Part::Sessions,
            counted_outcome(&listed, &writes, &read_back),
        );
    }

    /// Every active grant in the connection's organisation; read back one by
    /// one, as single reads are current and the list may lag (contract §6).
    async fn grants(&self) {
        let listed = self
            .api
            .list_grants(&self.user.id)
            .await
            .map(|(grants, _)| {
                let ids: Vec<String> = grants
                    .into_iter()
                    .filter(|g| g.state == GrantState::Active)
                    .map(|g| g.id)
                    .collect();
                Remaining::new(ids.clone(), ids.len() as u64)
            });
        let ids = listed.as_ref().map(|l| l.ids.clone()).unwrap_or_default();
        let (api, user_id) = (&self.api, &self.user.id);
        let reason = self.click.intent.reason.as_deref();
        let writes = bounded(ids.clone(), |id| async move {
            api.act_on_grant(user_id, &id, GrantAction::Deactivate, reason)
                .await
                .map(|_| ())
        })
        .await;
        let reads = bounded(ids, |id| async move { api.get_grant(user_id, &id).await }).await;
        let read_back = reads
            .into_iter()
            .try_fold(Vec::new(), |mut still_active, read| {
                let grant = read?;
                // Every page of the connection shows the grant as read back.
                api.remember_confirmed_grant(&grant);
                if grant.state == GrantState::Active {
                    still_active.push(grant.id);
                }
                Ok(still_active)
            })
            .map(|ids: Vec<String>| {
                let total = ids.len() as u64;
                Remaining::new(ids, total)
            });
        if writes.iter().any(Result::is_ok) {
            self.grants_revision.update(|r| *r += 1);
        }
        self.set(Part::Grants, counted_outcome(&listed, &writes, &read_back));
    }

    async fn credentials(&self, part: Part) {
        let kind = match part {
            Part::Keys => Credential::Key,
            _ => Credential::PersonalAccessToken,
        };
        let organization = self.organization();
        let (api, user_id, org) = (&self.api, &self.user.id, organization.as_deref());
        let listed = api.list_credentials(kind, user_id, org).await;
        let ids = listed.as_ref().map(|l| l.ids.clone()).unwrap_or_default();
        let writes = bounded(ids, |id| async move {
            api.remove_credential(kind, user_id, &id, org).await
        })
        .await;
        let read_back = api.list_credentials(kind, user_id, org).await;
        self.set(part, counted_outcome(&listed, &writes, &read_back));
    }
}

/// Runs `work` for each id, at most [`CONCURRENT_WRITES`] at a time; the
/// results in the order of the ids.
async fn bounded<'a, T, F, Fut>(ids: Vec<String>, work: F) -> Vec<T>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = T> + 'a,
{
    let work: Vec<LocalBoxFuture<'a, T>> =
        ids.into_iter().map(|id| work(id).boxed_local()).collect();
    buffered(work).await
}

/// The queue itself, once per result type rather than once per kind of
/// work: the futures are boxed.
async fn buffered<T>(work: Vec<LocalBoxFuture<'_, T>>) -> Vec<T> {
    stream::iter(work)
        .buffered(CONCURRENT_WRITES)
        .collect()
        .await
}
