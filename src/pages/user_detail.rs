use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::Api;
use crate::auth::Session;
use crate::components::{ActionBar, DetailsPanel, ErrorAlert, StateBadge};
use crate::domain::{User, UserAction, UserState};
use crate::http::ApiError;

/// ZITADEL's reads come from projections that lag writes (contracts §11):
/// re-read this long after a write, and once more if the read is still stale.
const REREAD_DELAYS: [Duration; 2] = [Duration::from_millis(1_000), Duration::from_millis(2_500)];

/// `/users/:id`: signs the admin in first if needed.
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let location = use_location();
    let user_id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    move || {
        if session.is_signed_in() {
            view! { <UserDetail user_id=user_id/> }.into_any()
        } else {
            let next = js_sys::encode_uri_component(&location.pathname.get_untracked());
            view! { <Redirect path=format!("/sign-in?next={next}")/> }.into_any()
        }
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
    /// The action whose request is in flight.
    busy: RwSignal<Option<UserAction>>,
}

/// One user's lifecycle: who they are, their state as the server last
/// confirmed it, the actions that state allows, and what the server returned.
#[component]
pub fn UserDetail(#[prop(into)] user_id: Signal<String>) -> impl IntoView {
    let api = expect_context::<Api>();
    let page = PageState {
        user_id,
        shown: RwSignal::new(None),
        load_error: RwSignal::new(None),
        action_error: RwSignal::new(None),
        busy: RwSignal::new(None),
    };

    Effect::new({
        let api = api.clone();
        move || {
            let id = user_id.get();
            page.shown.set(None);
            page.load_error.set(None);
            page.action_error.set(None);
            read(api.clone(), page, id, None);
        }
    });

    let on_action = Callback::new({
        let api = api.clone();
        move |action: UserAction| act(api.clone(), page, action)
    });
    let retry_load = Callback::new(move |_| {
        page.load_error.set(None);
        read(api.clone(), page, user_id.get_untracked(), None);
    });
    let here = move || format!("/users/{}", user_id.get_untracked());
    let details = Signal::derive(move || page.shown.with(|u| u.as_ref().map(|u| u.details.clone()).unwrap_or_default()));

    view! {
        <article class="user-page">
            {move || match (page.shown.with(Option::is_some), page.load_error.get()) {
                (false, None) => view! { <p class="muted" aria-live="polite">"Loading user…"</p> }.into_any(),
                (false, Some(error)) => view! { <ErrorAlert error=error on_retry=retry_load return_to=here()/> }.into_any(),
                (true, _) => ().into_any(),
            }}
            <Show when=move || page.shown.with(Option::is_some)>
                <UserView shown=page.shown busy=page.busy on_action=on_action/>
                {move || page.load_error.get().map(|error| view! {
                    <div class="stale-note">
                        <p>"Could not refresh this user; the page shows the last state the server confirmed."</p>
                        <ErrorAlert error=error on_retry=retry_load return_to=here()/>
                    </div>
                })}
                {move || page.action_error.get().map(|error| view! { <ErrorAlert error=error return_to=here()/> })}
                <DetailsPanel details=details/>
            </Show>
        </article>
    }
}

/// Reads the user and shows what the server says, unless the answer is
/// older than a write already confirmed. `after_write` counts re-reads made
/// to catch up with a write.
fn read(api: Api, page: PageState, id: String, after_write: Option<usize>) {
    spawn_local(async move {
        let result = api.get_user(&id).await;
        // The page may show another user, or be gone, by now.
        if page.user_id.try_get_untracked().as_deref() != Some(id.as_str()) {
            return;
        }
        match result {
            Ok(fresh) => {
                let mut stale = false;
                page.shown.update(|current| {
                    *current = Some(match current.take() {
                        Some(confirmed) if confirmed.id == fresh.id => {
                            stale = fresh.details.is_older_than(&confirmed.details);
                            confirmed.reconciled_with(fresh)
                        }
                        _ => fresh,
                    })
                });
                page.load_error.set(None);
                let next_attempt = after_write.map(|n| n + 1).filter(|n| stale && *n < REREAD_DELAYS.len());
                if let Some(attempt) = next_attempt {
                    set_timeout(move || read(api, page, id, Some(attempt)), REREAD_DELAYS[attempt]);
                }
            }
            // After a confirmed delete a 404 is the expected answer.
            Err(ApiError::NotFound(_)) if is_deleted(page) => {}
            Err(error) => page.load_error.set(Some(error)),
        }
    });
}

/// Asks the server for `action`; on success shows the state it confirmed.
fn act(api: Api, page: PageState, action: UserAction) {
    // One request at a time: a double click, or Enter held down, sends one.
    if page.busy.get_untracked().is_some() {
        return;
    }
    page.busy.set(Some(action));
    page.action_error.set(None);
    let id = page.user_id.get_untracked();
    spawn_local(async move {
        let result = api.act(&id, action).await;
        if page.busy.try_set(None).is_some() {
            return; // the page is gone
        }
        match result {
            Ok(details) => {
                page.shown.update(|user| {
                    if let Some(user) = user.as_mut() {
                        *user = user.after(action, details);
                    }
                });
                if action != UserAction::Delete {
                    set_timeout(move || read(api, page, id, Some(0)), REREAD_DELAYS[0]);
                }
            }
            Err(error) => {
                // The server refused or the answer is uncertain: say why, and
                // show the state the server reports now.
                let reread = matches!(error, ApiError::Conflict(_) | ApiError::NotFound(_) | ApiError::Timeout);
                page.action_error.set(Some(error));
                if reread {
                    read(api, page, id, None);
                }
            }
        }
    });
}

fn is_deleted(page: PageState) -> bool {
    page.shown.with_untracked(|s| s.as_ref().is_some_and(|u| u.state == UserState::Deleted))
}

/// The header and action bar of a loaded user.
#[component]
fn UserView(shown: RwSignal<Option<User>>, busy: RwSignal<Option<UserAction>>, on_action: Callback<UserAction>) -> impl IntoView {
    // Only rendered while `shown` is Some; the fallback keeps the signal total.
    let user = Signal::derive(move || shown.get().unwrap_or_else(placeholder_user));
    view! {
        <header class="user-header">
            <h1>{move || user.with(|u| u.display_name.clone())}</h1>
            <StateBadge state=Signal::derive(move || user.with(|u| u.state.clone()))/>
        </header>
        <p class="login-name" data-testid="login-name">
            {move || user.with(|u| u.login_name.clone().unwrap_or_else(|| u.username.clone()))}
        </p>
        {move || user.with(|u| u.email.clone()).map(|email| view! { <p class="muted">{email}</p> })}
        {move || (user.with(|u| u.state == UserState::Deleted)).then(|| view! {
            <p class="notice">"This user was deleted. The server no longer returns them."</p>
        })}
        <ActionBar user=user busy=busy on_action=on_action/>
    }
}

fn placeholder_user() -> User {
    User {
        id: String::new(),
        username: String::new(),
        display_name: String::new(),
        login_name: None,
        email: None,
        kind: crate::domain::UserKind::Unspecified,
        state: UserState::Unspecified,
        details: Default::default(),
    }
}
