use leptos::prelude::*;

use super::ConfirmDialog;
use crate::domain::LifecycleAction;
use crate::tr;

/// The lifecycle buttons of a user or a grant. Only the actions the state
/// machine allows are enabled; the others say why not. While one request
/// runs every button is disabled, so a double click sends one request.
#[component]
pub fn ActionBar<A: LifecycleAction>(
    /// The provider's actions, in display order.
    actions: Vec<A>,
    /// Why an action is not possible now (tracked), `None` when it is.
    refusal: Callback<A, Option<String>>,
    /// What the confirmation calls the subject ("Minnie Mouse").
    #[prop(into)]
    subject: Signal<String>,
    /// What must be typed to confirm an action that cannot be undone.
    #[prop(into)]
    typed_confirmation: Signal<String>,
    /// The action whose request is in flight, if any.
    #[prop(into)]
    busy: Signal<Option<A>>,
    /// Runs with the action and the reason given in its confirmation, if any.
    on_action: Callback<(A, Option<String>)>,
) -> impl IntoView {
    let confirming = RwSignal::new(None::<A>);
    // The button that opened the dialog gets the focus back when it closes.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let close = move || {
        confirming.set(None);
        // Once the dialog has left the page: while it is open the rest of
        // the page is inert and cannot take focus.
        if let Some(button) = opener.get_value() {
            request_animation_frame(move || {
                let _ = button.focus();
            });
        }
    };

    let buttons = actions
        .into_iter()
        .map(|action| {
            view! {
                <button
                    type="button"
                    class:danger=action.needs_confirmation()
                    disabled=move || busy.get().is_some() || refusal.run(action).is_some()
                    title=move || refusal.run(action).unwrap_or_default()
                    aria-busy=move || (busy.get() == Some(action)).to_string()
                    on:click=move |ev| {
                        if busy.get_untracked().is_some() {
                            return;
                        }
                        if action.needs_confirmation() {
                            use wasm_bindgen::JsCast;
                            opener.set_value(ev.current_target().and_then(|t| t.dyn_into().ok()));
                            confirming.set(Some(action));
                        } else {
                            on_action.run((action, None));
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
            view! {
                <ConfirmDialog
                    action=action
                    subject=subject.get_untracked()
                    typed_confirmation=typed_confirmation.get_untracked()
                    on_confirm=Callback::new(move |reason| {
                        close();
                        on_action.run((action, reason));
                    })
                    on_cancel=Callback::new(move |_| close())
                />
            }
        })
    };

    view! {
        <div class="action-bar" role="group" aria-label=tr!(user.lifecycle_actions)>
            {buttons}
        </div>
        {dialog}
    }
}
