use leptos::prelude::*;

use crate::domain::LifecycleAction;

/// Asks before a destructive action. A native modal `<dialog>`: the rest of
/// the page is inert while it is open and Escape cancels it. Actions that
/// cannot be undone also ask for `typed_confirmation` to be typed.
#[component]
pub fn ConfirmDialog<A: LifecycleAction>(
    action: A,
    subject: String,
    typed_confirmation: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });

    let typed = RwSignal::new(String::new());
    let needs_typing = action.needs_typed_confirmation();
    let expected = StoredValue::new(typed_confirmation.clone());
    let can_confirm =
        move || !needs_typing || typed.with(|t| expected.with_value(|e| t.trim() == e));
    let typing_field = needs_typing.then(|| {
        view! {
            <label class="field">
                <span>"Type " <code>{typed_confirmation}</code> " to confirm"</span>
                <input
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </label>
        }
    });

    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-consequence"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_cancel.run(());
            }
        >
            <form on:submit=move |ev| {
                ev.prevent_default();
                if can_confirm() {
                    on_confirm.run(());
                }
            }>
                <h2 id="confirm-title">{format!("{} {}?", action.label(), subject)}</h2>
                <p id="confirm-consequence">{action.consequence()}</p>
                {typing_field}
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="danger" disabled=move || !can_confirm()>{action.label()}</button>
                </div>
            </form>
        </dialog>
    }
}
