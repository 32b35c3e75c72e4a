use leptos::prelude::*;

use super::ConfirmDialog;
use crate::domain::{User, UserAction};

/// The lifecycle buttons. Only the actions the state machine allows are
/// enabled; the others say why not. While one request runs every button is
/// disabled, so a double click sends one request.
#[component]
pub fn ActionBar(
    #[prop(into)] user: Signal<User>,
    /// The action whose request is in flight, if any.
    #[prop(into)]
    busy: Signal<Option<UserAction>>,
    on_action: Callback<UserAction>,
) -> impl IntoView {
    let confirming = RwSignal::new(None::<UserAction>);

    let buttons = UserAction::ALL
        .into_iter()
        .map(|action| {
            let refusal = move || user.with(|u| action.refusal_reason(&u.state));
            view! {
                <button
                    type="button"
                    class:danger=action.needs_confirmation()
                    disabled=move || busy.get().is_some() || refusal().is_some()
                    title=move || refusal().unwrap_or_default()
                    aria-busy=move || (busy.get() == Some(action)).to_string()
                    on:click=move |_| {
                        if busy.get_untracked().is_some() {
                            return;
                        }
                        if action.needs_confirmation() {
                            confirming.set(Some(action));
                        } else {
                            on_action.run(action);
                        }
                    }
                >
                    {action.label()}
                </button>
            }
        })
        .collect_view();

    let dialog = move || {
        confirming.get().map(|action| {
            let user = user.get_untracked();
            view! {
                <ConfirmDialog
                    action=action
                    display_name=user.display_name
                    username=user.username
                    on_confirm=Callback::new(move |_| {
                        confirming.set(None);
                        on_action.run(action);
                    })
                    on_cancel=Callback::new(move |_| confirming.set(None))
                />
            }
        })
    };

    view! {
        <div class="action-bar" role="group" aria-label="Lifecycle actions">
            {buttons}
        </div>
        {dialog}
    }
}
