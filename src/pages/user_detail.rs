use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::GrantList;
use super::RequireSignIn;
use crate::api::{new_intent, Api, Intent};
use crate::auth::Connections;
use crate::components::{ActionBar, DetailsPanel, ErrorAlert, StateBadge};
use crate::config::Connection;
use crate::domain::{reconcile, Details, User, UserAction, UserState};
use crate::http::{path_segment, ApiError};
use crate::layout::switch_connection;
use crate::storage;
use crate::tr;
use leptos_router::hooks::use_params_map;

/// ZITADEL's reads come from projections that lag writes (contracts §11):
/// re-read this long after a write, and once more if the read is still stale.
pub const REREAD_DELAYS: [Duration; 2] =
    [Duration::from_millis(1_000), Duration::from_millis(2_500)];

/// After a write, whether to read again: when the last read was stale and
/// re-reads are left. `after_write` counts the re-reads made so far.
pub fn next_reread(after_write: Option<usize>, stale: bool) -> Option<usize> {
    after_write
        .map(|n| n + 1)
        .filter(|n| stale && *n < REREAD_DELAYS.len())
}

/// `/users/:id`
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let user_id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <RequireSignIn>
            <UserDetail user_id=user_id/>
        </RequireSignIn>
    }
}

/// The signals of one user page; `Copy`, so async tasks can hold them.
#[derive(Clone, Copy)]
struct PageState {
    user_id: Signal<String>,
    /// The user as the server last confirmed it; never a guess.
    shown: RwSignal<Option<User>>,
    load_error: RwSignal<Option<ApiError>>,
    action_error: RwSignal<Option<ApiError>>,
    /// The change asked for and not yet settled: in flight, or failed in a
    /// way that a retry of the same click may fix (it keeps its reference).
    intent: RwSignal<Option<Intent>>,
    /// The action whose request is in flight.
    busy: RwSignal<Option<UserAction>>,
    /// What a screen reader hears once the server confirms a change.
    announcement: RwSignal<String>,
    /// The API cannot read this user's state (v3alpha GetUser answers 501):
    /// the page shows only what the state changes confirm.
    unreadable: RwSignal<bool>,
    /// The last change the server confirmed on an unreadable user.
    confirmed: RwSignal<Option<Confirmed>>,
}

/// A change the server confirmed, with the details its answer carried.
#[derive(Clone, Debug, PartialEq)]
struct Confirmed {
    action: UserAction,
    details: Details,
}

/// One user's lifecycle: who they are, their state as the server last
/// confirmed it, the actions that state allows, and what the server returned.
#[component]
pub fn UserDetail(#[prop(into)] user_id: Signal<String>) -> impl IntoView {
    let api = Api::for_page();
    let page = PageState {
        user_id,
        shown: RwSignal::new(None),
        load_error: RwSignal::new(None),
        action_error: RwSignal::new(None),
        intent: RwSignal::new(None),
        busy: RwSignal::new(None),
        announcement: RwSignal::new(String::new()),
        unreadable: RwSignal::new(false),
        confirmed: RwSignal::new(None),
    };

    Effect::new({
        let api = api.clone();
        move || {
            let id = user_id.get();
            if !api.provider().can_list() {
                // Such a connection opens users by id: offer this one again.
                storage::remember_user_id(api.connection_name(), &id);
            }
            page.shown.set(None);
            page.unreadable.set(false);
            page.confirmed.set(None);
            page.load_error.set(None);
            page.action_error.set(None);
            page.intent.set(None);
            read(api.clone(), page, id, None);
        }
    });

    let on_action = Callback::new({
        let api = api.clone();
        move |(action, reason): (UserAction, Option<String>)| act(api.clone(), page, action, reason)
    });
    let retry_action = Callback::new(move |_| {
        if let Some(intent) = page.intent.get_untracked() {
            on_action.run((intent.action, intent.reason));
        }
    });
    let retry_load = Callback::new({
        let api = api.clone();
        move |_| {
            page.load_error.set(None);
            read(api.clone(), page, user_id.get_untracked(), None);
        }
    });
    let here = move || format!("/users/{}", user_id.get_untracked());
    let details = Signal::derive(move || {
        page.shown
            .with(|u| u.as_ref().map(|u| u.details.clone()).unwrap_or_default())
    });
    let has_grants = api.provider().has_grants();

    view! {
        <article class="user-page">
            // Present from the start, so that assistive technology reads what
            // is put into it later.
            <p class="visually-hidden" role="status">{move || page.announcement.get()}</p>
            {move || match (page.shown.with(Option::is_some) || page.unreadable.get(), page.load_error.get()) {
                (false, None) => view! { <p class="muted" aria-live="polite">{tr!(user.loading_user)}</p> }.into_any(),
                (false, Some(error)) => view! { <ErrorAlert error=error on_retry=retry_load return_to=here()/> }.into_any(),
                (true, _) => ().into_any(),
            }}
            <Show when=move || page.shown.with(Option::is_some)>
                <UserHeader page=page on_action=on_action/>
                {move || page.load_error.get().map(|error| view! {
                    <div class="stale-note">
                        <p>{tr!(user.refresh_failed)}</p>
                        <ErrorAlert error=error on_retry=retry_load return_to=here()/>
                    </div>
                })}
                {move || page.action_error.get().map(|error| view! { <ErrorAlert error=error on_retry=retry_action return_to=here()/> })}
                <DetailsPanel details=details/>
                {has_grants.then(|| view! { <GrantList user_id=user_id/> })}
            </Show>
            <Show when=move || page.unreadable.get()>
                <UnreadableUser page=page on_action=on_action/>
                {move || page.action_error.get().map(|error| {
                    let elsewhere = matches!(error, ApiError::NotFoundOrNotAllowed(_))
                        .then(|| view! { <SameIdOnV2 user_id=user_id.get_untracked()/> });
                    view! {
                        <ErrorAlert error=error on_retry=retry_action return_to=here()/>
                        {elsewhere}
                    }
                })}
                {move || page.confirmed.get().map(|confirmed| view! { <DetailsPanel details=confirmed.details/> })}
            </Show>
        </article>
    }
}

/// Reads the user and shows what the server says, unless the answer is
/// older than a write already confirmed. `after_write` counts re-reads made
/// to catch up with a write.
fn read(api: Api, page: PageState, id: String, after_write: Option<usize>) {
    // A re-read scheduled by a page that is gone has nothing to update.
    if page.user_id.try_get_untracked().is_none() {
        return;
    }
    spawn_local(async move {
        let result = api.get_user(&id).await;
        // The page may show another user, or be gone, by now.
        if page.user_id.try_get_untracked().as_deref() != Some(id.as_str()) {
            return;
        }
        match result {
            Ok(fresh) => {
                let fresh = api.user_as_confirmed(fresh);
                let mut stale = false;
                page.shown.update(|shown| {
                    let (show, was_stale) = reconcile(shown.take(), fresh);
                    *shown = Some(show);
                    stale = was_stale;
                });
                page.load_error.set(None);
                if let Some(attempt) = next_reread(after_write, stale) {
                    set_timeout(
                        move || read(api, page, id, Some(attempt)),
                        REREAD_DELAYS[attempt],
                    );
                }
            }
            // The API cannot read users (v3alpha): work with what writes confirm.
            Err(ApiError::NotImplemented(_)) if !api.provider().can_read_user() => {
                page.load_error.set(None);
                page.unreadable.set(true);
            }
            // After a confirmed delete a 404 is the expected answer.
            // The page has seen this user exist: a 404 now means deleted
            // (ZITADEL answers unknown and deleted users alike).
            Err(ApiError::NotFound(_)) if page.shown.with_untracked(Option::is_some) => {
                page.shown.update(|user| {
                    if let Some(user) = user.as_mut() {
                        user.state = UserState::Deleted;
                        api.remember_confirmed_user(user);
                    }
                });
                page.load_error.set(None);
            }
            Err(error) => page.load_error.set(Some(error)),
        }
    });
}

/// Asks the server for `action`; on success shows the state it confirmed.
fn act(api: Api, page: PageState, action: UserAction, reason: Option<String>) {
    // One request at a time: a double click, or Enter held down, sends one.
    if page.busy.get_untracked().is_some() {
        return;
    }
    // A retry of the same click keeps its reference, so the server can
    // recognise a repeat and never act twice.
    let intent = Intent::for_click(page.intent.get_untracked(), action, reason, new_intent);
    page.intent.set(Some(intent.clone()));
    page.busy.set(Some(action));
    page.action_error.set(None);
    page.announcement.set(String::new());
    let id = page.user_id.get_untracked();
    spawn_local(async move {
        let result = api.act(&id, &intent).await;
        if page.busy.try_set(None).is_some() {
            return; // the page is gone
        }
        match result {
            Ok(details) if page.unreadable.get_untracked() => {
                page.intent.set(None);
                page.announcement
                    .set(confirmed_sentence(action).to_string());
                page.confirmed.set(Some(Confirmed { action, details }));
            }
            Ok(details) => {
                page.intent.set(None);
                page.shown.update(|user| {
                    if let Some(user) = user.as_mut() {
                        *user = user.after(action, details);
                        api.remember_confirmed_user(user);
                        page.announcement.set(tr!(
                            user.action_confirmed,
                            name = &user.display_name,
                            state = user.state.label().to_lowercase()
                        ));
                    }
                });
                if action != UserAction::Delete {
                    set_timeout(move || read(api, page, id, Some(0)), REREAD_DELAYS[0]);
                }
            }
            Err(error) => {
                if !error.is_retryable() {
                    page.intent.set(None);
                }
                // Refused, or the outcome is unknown: say why, and show the
                // state the server reports now.
                let reread = error.calls_for_a_fresh_read() && !page.unreadable.get_untracked();
                page.action_error.set(Some(error));
                if reread {
                    read(api, page, id, None);
                }
            }
        }
    });
}

/// The header and action bar of a loaded user.
#[component]
fn UserHeader(page: PageState, on_action: Callback<(UserAction, Option<String>)>) -> impl IntoView {
    let lifecycle = expect_context::<Api>().lifecycle();
    let field = move |f: fn(&User) -> String| {
        Signal::derive(move || page.shown.with(|u| u.as_ref().map(f).unwrap_or_default()))
    };
    let state = move || {
        page.shown.with(|u| {
            u.as_ref()
                .map(|u| u.state.clone())
                .unwrap_or(UserState::Unspecified)
        })
    };
    let refusal =
        Callback::new(move |action: UserAction| lifecycle.refusal_reason(action, &state()));
    let email = move || {
        page.shown.with(|u| {
            u.as_ref()
                .and_then(|u| u.email.clone().filter(|e| Some(e) != u.login_name.as_ref()))
        })
    };
    view! {
        <header class="user-header">
            <h1>{field(|u| u.display_name.clone())}</h1>
            {move || {
                let state = state();
                view! { <StateBadge label=state.label().to_string() tone=state.css_name()/> }
            }}
        </header>
        <p class="login-name" data-testid="login-name">
            {field(|u| u.login_name.clone().unwrap_or_else(|| u.username.clone()))}
        </p>
        {move || email().map(|email| view! { <p class="muted">{email}</p> })}
        {move || (state() == UserState::Deleted).then(|| view! {
            <p class="notice">{tr!(user.user_deleted_notice)}</p>
        })}
        <ActionBar
            actions=lifecycle.offered().to_vec()
            refusal=refusal
            subject=field(|u| u.display_name.clone())
            typed_confirmation=field(|u| if u.username.is_empty() { u.id.clone() } else { u.username.clone() })
            busy=page.busy
            on_action=on_action
        />
    }
}

/// What the answer to `action` confirms on a user whose state the API cannot
/// read, and no more: v3alpha's lock is a flag beside the state, so unlock
/// confirms "not locked", not "active", and (de)activation says nothing of
/// the flag (`internal/command/user_v3_model.go` at v4.13.1).
fn confirmed_sentence(action: UserAction) -> &'static str {
    match action {
        UserAction::Lock => tr!(user.confirmed_locked),
        UserAction::Unlock => tr!(user.confirmed_not_locked),
        UserAction::Deactivate => tr!(user.confirmed_inactive),
        UserAction::Reactivate => tr!(user.confirmed_active),
        UserAction::Delete => tr!(user.confirmed_deleted),
    }
}

/// The badge for what `action` confirmed: its label and tone.
fn confirmed_badge(action: UserAction) -> (String, &'static str) {
    match action {
        UserAction::Unlock => (tr!(domain.state_not_locked).to_string(), "active"),
        other => {
            let state = other.resulting_state();
            (state.label().to_string(), state.css_name())
        }
    }
}

/// A user the API cannot read: the id, why no state is shown, every action,
/// and what the last confirmed change established.
#[component]
fn UnreadableUser(
    page: PageState,
    on_action: Callback<(UserAction, Option<String>)>,
) -> impl IntoView {
    let lifecycle = expect_context::<Api>().lifecycle();
    let id = page.user_id;
    let deleted = move || {
        page.confirmed
            .with(|c| c.as_ref().is_some_and(|c| c.action == UserAction::Delete))
    };
    // The server decides each action; only a confirmed delete rules them out.
    let refusal = Callback::new(move |_: UserAction| {
        deleted().then(|| tr!(domain.user_refused_deleted).to_string())
    });
    view! {
        <header class="user-header">
            <h1>{move || tr!(user.user_with_id, id = id.get())}</h1>
            {move || page.confirmed.get().map(|c| {
                let (label, tone) = confirmed_badge(c.action);
                view! { <StateBadge label=label tone=tone/> }
            })}
        </header>
        <p class="notice" data-testid="state-unreadable">{tr!(user.state_unreadable)}</p>
        {move || page.confirmed.get().map(|c| view! {
            <p class="confirmed" data-testid="confirmed">{confirmed_sentence(c.action)}</p>
        })}
        <ActionBar
            actions=lifecycle.offered().to_vec()
            refusal=refusal
            subject=Signal::derive(move || id.get())
            typed_confirmation=Signal::derive(move || id.get())
            busy=page.busy
            on_action=on_action
        />
    }
}

/// A link to the same id on a ZITADEL v2 connection of the same instance,
/// when this console has one: the id may be a v2 user.
#[component]
fn SameIdOnV2(user_id: String) -> impl IntoView {
    let sibling = match (use_context::<Connections>(), use_context::<Connection>()) {
        (Some(connections), Some(current)) => connections
            .zitadel_v2_sibling(&current.api_base_url)
            .and_then(|index| Some((index, connections.get_untracked(index)?.name))),
        _ => None,
    };
    sibling.map(|(index, name)| {
        let path = format!("/users/{}", path_segment(&user_id));
        let open = move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            switch_connection(index, &path);
        };
        view! {
            <p class="notice" data-testid="same-id-on-v2">
                {tr!(user.maybe_a_v2_user)} " "
                <a href="#" on:click=open>{tr!(user.open_on_connection, name)}</a>
            </p>
        }
    })
}
