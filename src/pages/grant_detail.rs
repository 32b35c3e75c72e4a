use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use super::confirmed::Confirmed;
use crate::api::Api;
use crate::components::{ActionBar, DetailsPanel, ErrorAlert, MadeAfterAll, StateBadge};
use crate::domain::{Grant, GrantAction, GrantState};
use crate::routes;
use crate::site;
use crate::tr;

/// `/users/:id/grants/:grant_id`
#[derive(Params, Clone, Debug, PartialEq)]
pub struct GrantParams {
    pub id: Option<String>,
    pub grant_id: Option<String>,
}

/// `/users/:id/grants/:grant_id`
#[component]
pub fn GrantDetailPage() -> impl IntoView {
    let params = use_params::<GrantParams>();
    let param = move |pick: fn(&GrantParams) -> Option<String>| {
        Signal::derive(move || params.with(|p| p.as_ref().ok().and_then(pick).unwrap_or_default()))
    };
    let user_id = param(|p| p.id.clone());
    let grant_id = param(|p| p.grant_id.clone());
    view! { <GrantDetail user_id=user_id grant_id=grant_id/> }
}

/// One grant: its project, roles and state, with deactivate, reactivate and remove.
#[component]
pub fn GrantDetail(
    #[prop(into)] user_id: Signal<String>,
    #[prop(into)] grant_id: Signal<String>,
) -> impl IntoView {
    let api = Api::for_page();
    let page = Confirmed::<Grant>::new();
    Effect::new(move || {
        let ids = (user_id.get(), grant_id.get());
        let (reader, actor, read_ids) = (api.clone(), api.clone(), ids.clone());
        page.open(
            api.clone(),
            true,
            move || {
                let (api, (user, grant)) = (reader.clone(), read_ids.clone());
                Box::pin(async move { api.get_grant(&user, &grant).await })
            },
            move |intent| {
                let (api, (user, grant)) = (actor.clone(), ids.clone());
                Box::pin(async move {
                    api.act_on_grant(&user, &grant, intent.action, intent.reason.as_deref())
                        .await
                })
            },
        );
    });
    let on_action = Callback::new(move |(action, reason): (GrantAction, Option<String>)| {
        page.act(action, reason)
    });
    let retry_load = Callback::new(move |_| page.retry_read());
    let here = move || routes::grant(&user_id.get_untracked(), &grant_id.get_untracked());
    let state = move || {
        page.shown().with(|g| {
            g.as_ref()
                .map(|g| g.state.clone())
                .unwrap_or(GrantState::Unspecified)
        })
    };
    let title = Signal::derive(move || {
        page.shown()
            .with(|g| g.as_ref().map(Grant::title).unwrap_or_default())
    });
    let details = Signal::derive(move || {
        page.shown()
            .with(|g| g.as_ref().map(|g| g.details.clone()).unwrap_or_default())
    });
    let refusal = Callback::new(move |action: GrantAction| action.refusal_reason(&state()));

    view! {
        <article class="grant-page">
            <p><A href=move || site::href(&routes::user(&user_id.get()))>{tr!(user.back_to_user)}</A></p>
            {move || match (page.shown().with(Option::is_some), page.load_error.get()) {
                (false, None) => view! { <p class="muted" aria-live="polite">{tr!(user.loading_grant)}</p> }.into_any(),
                (false, Some(error)) => view! { <ErrorAlert error=error on_retry=retry_load return_to=here()/> }.into_any(),
                (true, _) => ().into_any(),
            }}
            <Show when=move || page.shown().with(Option::is_some)>
                <header class="user-header">
                    <h1>{move || tr!(user.grant_heading, title = title.get())}</h1>
                    {move || {
                        let state = state();
                        view! { <StateBadge label=state.label().to_string() tone=state.css_name()/> }
                    }}
                </header>
                <p class="login-name">
                    {move || {
                        let roles = page.shown().with(|g| g.as_ref().map(|g| g.roles.join(", ")).unwrap_or_default());
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
                <MadeAfterAll made=Signal::derive(move || page.made_after_all.with(Option::is_some))/>
                <DetailsPanel details=details/>
            </Show>
        </article>
    }
}
