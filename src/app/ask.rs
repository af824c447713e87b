//! One line the operator types for a team action: a case note, why a claim is taken over,
//! why a proposal is declined. The feature that asks says what Enter does with the text, so
//! this shared overlay knows no feature.

use super::action::Effect;
use super::state::{Overlay, State};
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What Enter does with the typed text (trimmed, never empty).
pub type Then = Box<dyn FnOnce(&mut State, String) -> Vec<Effect> + Send>;

pub struct Ask {
    pub title: String,
    /// What the text is for and who sees it.
    pub question: String,
    pub label: &'static str,
    /// What Enter does, for the dialog's last line ("takes it over", "adds the note").
    pub enter_does: &'static str,
    pub input: Input,
    pub error: Option<String>,
    then: Option<Then>,
}

impl std::fmt::Debug for Ask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ask").field("title", &self.title).finish()
    }
}

impl Ask {
    pub fn new(
        title: impl Into<String>,
        question: impl Into<String>,
        label: &'static str,
        enter_does: &'static str,
        then: Then,
    ) -> Ask {
        Ask {
            title: title.into(),
            question: question.into(),
            label,
            enter_does,
            input: Input::default(),
            error: None,
            then: Some(then),
        }
    }
}

/// Opens the dialog.
pub fn open(state: &mut State, ask: Ask) {
    state.overlay = Overlay::Ask(Box::new(ask));
}

/// Keys in the dialog: Esc drops it, Enter hands the text on, the rest edit it.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Overlay::Ask(ask) = &mut state.overlay else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => state.overlay = Overlay::None,
        KeyCode::Enter => {
            let text = ask.input.value().trim().to_string();
            if text.is_empty() {
                ask.error = Some(format!(
                    "Type the {}, or Esc to cancel.",
                    ask.label.trim_end_matches(": ").to_lowercase()
                ));
                return Vec::new();
            }
            if text.chars().count() > crate::team::TEXT_MAX {
                ask.error = Some(format!(
                    "At most {} characters; this is {}.",
                    crate::team::TEXT_MAX,
                    text.chars().count()
                ));
                return Vec::new();
            }
            let then = ask.then.take();
            state.overlay = Overlay::None;
            if let Some(then) = then {
                return then(state, text);
            }
        }
        _ => {
            ask.input.handle_event(&Event::Key(key));
            ask.error = None;
        }
    }
    Vec::new()
}
