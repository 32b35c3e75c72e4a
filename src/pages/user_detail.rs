use leptos::prelude::*;

use super::confirmed::Confirmed;
use super::offboard::Offboard;
use super::GrantList;
use crate::api::Api;
use crate::auth::Connections;
use crate::components::{
    ActionBar, DetailsPanel, ErrorAlert, HistoryFeed, MadeAfterAll, StateBadge, UserHistory,
};
use crate::config::Connection;
use crate::domain::{User, UserAction, UserState};
use crate::http::ApiError;
use crate::layout::switch_connection;
use crate::routes;
use crate::storage;
use crate::tr;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

/// `/users/:id`
#[derive(Params, Clone, Debug, PartialEq)]
pub struct UserParams {
    pub id: Option<String>,
}

/// `/users/:id`
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params::<UserParams>();
    let user_id = Signal::derive(move || {
        params.with(|p| {
            p.as_ref()
                .ok()
                .and_then(|p| p.id.clone())
                .unwrap_or_default()
        })
    });
    view! { <UserDetail user_id=user_id/> }
}

/// The user page's state: the user as the server confirmed it, and its id.
#[derive(Clone, Copy)]
struct PageState {
    user_id: Signal<String>,
    user: Confirmed<User>,
}

/// One user's lifecycle: who they are, their state as the server last
/// confirmed it, the actions that state allows, and what the server returned.
#[component]
pub fn UserDetail(#[prop(into)] user_id: Signal<String>) -> impl IntoView {
    let api = Api::for_page();
    let user = Confirmed::<User>::new();
    let page = PageState { user_id, user };
    let history = HistoryFeed::new();

    Effect::new({
        let api = api.clone();
        move || {
            let id = user_id.get();
            if !api.provider().capabilities().lists_users {
                // Such a connection opens users by id: offer this one again.
                storage::remember_user_id(api.connection_name(), &id);
            }
            let (reader, actor) = (api.clone(), api.clone());
            let (read_id, act_id) = (id.clone(), id);
            user.open(
                api.clone(),
                api.provider().capabilities().reads_user,
                move || {
                    let (api, id) = (reader.clone(), read_id.clone());
                    Box::pin(async move { api.get_user(&id).await })
                },
                move |intent| {
                    let (api, id) = (actor.clone(), act_id.clone());
                    Box::pin(async move {
                        let details = api.act(&id, &intent).await?;
                        history.after_change(&api, &id, &intent, &details);
                        Ok(details)
                    })
                },
            );
        }
    });

    let on_action = Callback::new(move |(action, reason): (UserAction, Option<String>)| {
        user.act(action, reason)
    });
    let retry_action = Callback::new(move |_| user.retry_action());
    let retry_load = Callback::new(move |_| user.retry_read());
    let here = move || routes::user(&user_id.get_untracked());
    let details = Signal::derive(move || {
        user.shown()
            .with(|u| u.as_ref().map(|u| u.details.clone()).unwrap_or_default())
    });
    let has_grants = api.provider().capabilities().has_grants;
    let grants_revision = RwSignal::new(0u32);

    view! {
        <article class="user-page">
            // Present from the start, so that assistive technology reads what
            // is put into it later.
            <p class="visually-hidden" role="status">{move || user.announcement.get()}</p>
            {move || match (user.is_open(), user.load_error.get()) {
                (false, None) => view! { <p class="muted" aria-live="polite">{tr!(user.loading_user)}</p> }.into_any(),
                (false, Some(error)) => view! { <ErrorAlert error=error on_retry=retry_load return_to=here()/> }.into_any(),
                (true, _) => ().into_any(),
            }}
            <Show when=move || user.shown().with(Option::is_some)>
                <UserHeader page=page on_action=on_action/>
                {move || user.load_error.get().map(|error| view! {
                    <div class="stale-note">
                        <p>{tr!(user.refresh_failed)}</p>
                        <ErrorAlert error=error on_retry=retry_load return_to=here()/>
                    </div>
                })}
                {move || user.action_error.get().map(|error| view! { <ErrorAlert error=error on_retry=retry_action return_to=here()/> })}
                <MadeAfterAll made=Signal::derive(move || user.made_after_all.with(Option::is_some))/>
                <DetailsPanel details=details/>
                {has_grants.then(|| view! { <GrantList user_id=user_id revision=grants_revision/> })}
                // Offboarding changes the user's state through the page's own
                // controller: its reason is kept and the history follows.
                <Offboard user=user grants_revision=grants_revision/>
                <UserHistory user_id=user_id details=details feed=history/>
            </Show>
            <Show when=move || user.unreadable.get()>
                <UnreadableUser page=page on_action=on_action/>
                {move || user.action_error.get().map(|error| {
                    // Once this page saw a change of this id confirmed, it is a
                    // schema user: the refusal is about its state, not a v2 id.
                    let maybe_v2 = user.last_change.with(Option::is_none);
                    let elsewhere = (maybe_v2 && matches!(error, ApiError::NotFoundOrNotAllowed(_)))
                        .then(|| view! { <SameIdOnV2 user_id=user_id.get_untracked()/> });
                    view! {
                        <ErrorAlert error=error on_retry=retry_action return_to=here()/>
                        {elsewhere}
                    }
                })}
                {move || user.last_change.get().map(|(_, details)| view! { <DetailsPanel details=details/> })}
            </Show>
        </article>
    }
}

/// The header and action bar of a loaded user.
#[component]
fn UserHeader(page: PageState, on_action: Callback<(UserAction, Option<String>)>) -> impl IntoView {
    let lifecycle = Api::current().lifecycle();
    let field = move |f: fn(&User) -> String| {
        Signal::derive(move || {
            page.user
                .shown()
                .with(|u| u.as_ref().map(f).unwrap_or_default())
        })
    };
    let state = move || {
        page.user.shown().with(|u| {
            u.as_ref()
                .map(|u| u.state.clone())
                .unwrap_or(UserState::Unspecified)
        })
    };
    let refusal =
        Callback::new(move |action: UserAction| lifecycle.refusal_reason(action, &state()));
    let email = move || {
        page.user.shown().with(|u| {
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
            busy=page.user.busy
            on_action=on_action
        />
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
    let lifecycle = Api::current().lifecycle();
    let id = page.user_id;
    let deleted = move || {
        page.user.last_change.with(|c| {
            c.as_ref()
                .is_some_and(|(action, _)| *action == UserAction::Delete)
        })
    };
    // The server decides each action; only a confirmed delete rules them out.
    let refusal = Callback::new(move |_: UserAction| {
        deleted().then(|| tr!(domain.user_refused_deleted).to_string())
    });
    view! {
        <header class="user-header">
            <h1>{move || tr!(user.user_with_id, id = id.get())}</h1>
            {move || page.user.last_change.get().map(|(action, _)| {
                let (label, tone) = confirmed_badge(action);
                view! { <StateBadge label=label tone=tone/> }
            })}
        </header>
        <p class="notice" data-testid="state-unreadable">{tr!(user.state_unreadable)}</p>
        {move || page.user.last_change.get().map(|(action, _)| view! {
            <p class="confirmed" data-testid="confirmed">{action.confirmed_sentence()}</p>
        })}
        <ActionBar
            actions=lifecycle.offered().to_vec()
            refusal=refusal
            subject=Signal::derive(move || id.get())
            typed_confirmation=Signal::derive(move || id.get())
            busy=page.user.busy
            on_action=on_action
        />
    }
}

/// A link to the same id on a ZITADEL v2 connection of the same instance,
/// when this console has one: the id may be a v2 user.
#[component]
fn SameIdOnV2(user_id: String) -> impl IntoView {
    let sibling = match (Connections::try_current(), Connection::try_current()) {
        (Some(connections), Some(current)) => connections
            .instance_user_reader(&current.api_base_url)
            .and_then(|index| Some((index, connections.get_untracked(index)?.name))),
        _ => None,
    };
    sibling.map(|(index, name)| {
        let path = routes::user(&user_id);
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
