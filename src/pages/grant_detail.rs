use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::user_detail::{next_reread, REREAD_DELAYS};
use super::RequireSignIn;
use crate::api::Api;
use crate::components::{ActionBar, DetailsPanel, ErrorAlert, StateBadge};
use crate::domain::{reconcile, Grant, GrantAction, GrantState};
use crate::http::ApiError;
use crate::site;
use crate::tr;

/// `/users/:id/grants/:grantId`
#[component]
pub fn GrantDetailPage() -> impl IntoView {
    let params = use_params_map();
    let user_id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let grant_id = Signal::derive(move || params.with(|p| p.get("grantId").unwrap_or_default()));
    view! {
        <RequireSignIn>
            <GrantDetail user_id=user_id grant_id=grant_id/>
        </RequireSignIn>
    }
}

#[derive(Clone, Copy)]
struct GrantPage {
    user_id: Signal<String>,
    grant_id: Signal<String>,
    /// The grant as the server last confirmed it.
    shown: RwSignal<Option<Grant>>,
    load_error: RwSignal<Option<ApiError>>,
    action_error: RwSignal<Option<ApiError>>,
    busy: RwSignal<Option<GrantAction>>,
}

/// One grant: its project, roles and state, with deactivate, reactivate and remove.
#[component]
pub fn GrantDetail(
    #[prop(into)] user_id: Signal<String>,
    #[prop(into)] grant_id: Signal<String>,
) -> impl IntoView {
    let api = Api::for_page();
    let page = GrantPage {
        user_id,
        grant_id,
        shown: RwSignal::new(None),
        load_error: RwSignal::new(None),
        action_error: RwSignal::new(None),
        busy: RwSignal::new(None),
    };
    Effect::new({
        let api = api.clone();
        move || {
            grant_id.track();
            user_id.track();
            page.shown.set(None);
            page.load_error.set(None);
            page.action_error.set(None);
            read_grant(api.clone(), page, None);
        }
    });
    let on_action = Callback::new({
        let api = api.clone();
        move |(action, reason): (GrantAction, Option<String>)| {
            act_on_grant(api.clone(), page, action, reason)
        }
    });
    let retry_load = Callback::new(move |_| read_grant(api.clone(), page, None));
    let here = move || {
        format!(
            "/users/{}/grants/{}",
            user_id.get_untracked(),
            grant_id.get_untracked()
        )
    };
    let state = move || {
        page.shown.with(|g| {
            g.as_ref()
                .map(|g| g.state.clone())
                .unwrap_or(GrantState::Unspecified)
        })
    };
    let title = Signal::derive(move || {
        page.shown
            .with(|g| g.as_ref().map(Grant::title).unwrap_or_default())
    });
    let details = Signal::derive(move || {
        page.shown
            .with(|g| g.as_ref().map(|g| g.details.clone()).unwrap_or_default())
    });
    let refusal = Callback::new(move |action: GrantAction| action.refusal_reason(&state()));

    view! {
        <article class="grant-page">
            <p><A href=move || site::href(&format!("/users/{}", user_id.get()))>{tr!(user.back_to_user)}</A></p>
            {move || match (page.shown.with(Option::is_some), page.load_error.get()) {
                (false, None) => view! { <p class="muted" aria-live="polite">{tr!(user.loading_grant)}</p> }.into_any(),
                (false, Some(error)) => view! { <ErrorAlert error=error on_retry=retry_load return_to=here()/> }.into_any(),
                (true, _) => ().into_any(),
            }}
            <Show when=move || page.shown.with(Option::is_some)>
                <header class="user-header">
                    <h1>{move || tr!(user.grant_heading, title = title.get())}</h1>
                    {move || {
                        let state = state();
                        view! { <StateBadge label=state.label().to_string() tone=state.css_name()/> }
                    }}
                </header>
                <p class="login-name">
                    {move || {
                        let roles = page.shown.with(|g| g.as_ref().map(|g| g.roles.join(", ")).unwrap_or_default());
                        tr!(user.grant_roles, roles)
                    }}
                </p>
                {move || (state() == GrantState::Removed).then(|| view! {
                    <p class="notice">{tr!(user.grant_removed_notice)}</p>
                })}
                <ActionBar
                    actions=GrantAction::ALL.to_vec()
                    refusal=refusal
                    subject=Signal::derive(move || tr!(user.grant_subject, title = title.get()))
                    typed_confirmation=title
                    busy=page.busy
                    on_action=on_action
                />
                {move || page.load_error.get().map(|error| view! { <ErrorAlert error=error on_retry=retry_load/> })}
                {move || page.action_error.get().map(|error| view! { <ErrorAlert error=error return_to=here()/> })}
                <DetailsPanel details=details/>
            </Show>
        </article>
    }
}

fn read_grant(api: Api, page: GrantPage, after_write: Option<usize>) {
    // A re-read scheduled by a page that is gone has nothing to update.
    let (Some(user_id), Some(grant_id)) = (
        page.user_id.try_get_untracked(),
        page.grant_id.try_get_untracked(),
    ) else {
        return;
    };
    spawn_local(async move {
        let result = api.get_grant(&user_id, &grant_id).await;
        if page.grant_id.try_get_untracked().as_deref() != Some(grant_id.as_str()) {
            return;
        }
        match result {
            Ok(fresh) => {
                let fresh = api.grant_as_confirmed(fresh);
                let mut stale = false;
                page.shown.update(|shown| {
                    let (show, was_stale) = reconcile(shown.take(), fresh);
                    *shown = Some(show);
                    stale = was_stale;
                });
                page.load_error.set(None);
                if let Some(attempt) = next_reread(after_write, stale) {
                    set_timeout(
                        move || read_grant(api, page, Some(attempt)),
                        REREAD_DELAYS[attempt],
                    );
                }
            }
            // The page has seen this grant exist: a 404 now means removed.
            Err(ApiError::NotFound(_)) if page.shown.with_untracked(Option::is_some) => {
                page.shown.update(|grant| {
                    if let Some(grant) = grant.as_mut() {
                        grant.state = GrantState::Removed;
                        api.remember_confirmed_grant(grant);
                    }
                });
                page.load_error.set(None);
            }
            Err(error) => page.load_error.set(Some(error)),
        }
    });
}

fn act_on_grant(api: Api, page: GrantPage, action: GrantAction, reason: Option<String>) {
    if page.busy.get_untracked().is_some() {
        return;
    }
    page.busy.set(Some(action));
    page.action_error.set(None);
    let (user_id, grant_id) = (page.user_id.get_untracked(), page.grant_id.get_untracked());
    spawn_local(async move {
        let result = api
            .act_on_grant(&user_id, &grant_id, action, reason.as_deref())
            .await;
        if page.busy.try_set(None).is_some() {
            return;
        }
        match result {
            Ok(details) => {
                page.shown.update(|grant| {
                    if let Some(grant) = grant.as_mut() {
                        *grant = grant.after(action, details);
                        api.remember_confirmed_grant(grant);
                    }
                });
                if action != GrantAction::Remove {
                    set_timeout(move || read_grant(api, page, Some(0)), REREAD_DELAYS[0]);
                }
            }
            Err(error) => {
                let reread = error.calls_for_a_fresh_read();
                page.action_error.set(Some(error));
                if reread {
                    read_grant(api, page, None);
                }
            }
        }
    });
}
