//! `y`: the focused id or value to the clipboard (OSC 52, which reaches the laptop's
//! clipboard through SSH and tmux), with a toast. A full CPR is copied only once revealed,
//! and that copy is audited first. Free of I/O: the terminal writes the sequence.
//!
//! What is copied passes `sanitize` (a name from a backend may hold line breaks, escape
//! sequences or bidi controls that would run or mislead where it is pasted), here and again in
//! [`osc52`], which every copy goes through.

use super::action::{Clip, Effect};
use super::state::*;

pub fn run(state: &mut State) -> Vec<Effect> {
    let pane = state.top().kind.pane();
    // A revealed CPR is what is focused; copying it is audited first.
    if let Some(subject) = pane.revealable()
        && subject.revealed
        && let Some(cpr) = subject.cpr
    {
        let view = state.top().id;
        let mut effects = Vec::new();
        let req = super::reveal::audit_cpr(
            state,
            view,
            "cpr.copy",
            subject.targets,
            Some(cpr.masked()),
            "copied to the clipboard after an audited reveal".into(),
            &mut effects,
        );
        state.copy_after = Some((
            req,
            Clip(cpr.reveal()),
            "Copied the CPR number (audited)".into(),
        ));
        return effects;
    }
    match pane.copy_target() {
        // Any other value leaves the console too: on the record first, then copied.
        Some((label, value)) => {
            let value = crate::sanitize::owned(value);
            // What was copied: the record's subject, else an id itself; a name only as such.
            let targets = match pane.subject() {
                Some(s) => vec![s.key],
                None if label.ends_with(" id") => {
                    vec![format!("{}:{value}", label.replace(' ', "-"))]
                }
                None => vec![label.to_string()],
            };
            let view = state.top().id;
            let mut effects = Vec::new();
            let req = super::reveal::audit_cpr(
                state,
                view,
                "record.copy",
                targets,
                None,
                format!("copied the {label} to the clipboard"),
                &mut effects,
            );
            state.copy_after = Some((req, Clip(value.clone()), format!("Copied {label} {value}")));
            effects
        }
        None => {
            state.show_toast("Nothing to copy here.".into());
            Vec::new()
        }
    }
}

/// The audit record of a copy is written: now it may go to the clipboard.
pub fn on_audited(state: &mut State, req: super::action::RequestId, ok: bool) -> Vec<Effect> {
    match state.copy_after.take() {
        Some((r, clip, toast)) if r == req && ok => {
            state.show_toast(toast);
            vec![Effect::Copy(clip)]
        }
        Some((r, ..)) if r == req => {
            state.show_toast("Not copied: the audit log cannot be written.".into());
            Vec::new()
        }
        other => {
            state.copy_after = other;
            Vec::new()
        }
    }
}

/// The OSC 52 sequence that puts `text`, sanitized, on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(crate::sanitize::line(text).as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::action::Payload;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crossterm::event::KeyCode;

    #[test]
    fn y_copies_the_focused_id_with_a_toast() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('u')));
        let p = person("Ida");
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::People(
                    crate::app::features::people::calls::Payload::Users(crate::core::Page {
                        items: vec![p.clone()],
                        total: 1,
                        next_cursor: None,
                    }),
                )),
            },
        );
        // On the record first: nothing reaches the clipboard before the audit log says so.
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('y')));
        let crate::app::action::Call::Reveal { audit } = call else {
            panic!("{call:?}")
        };
        assert_eq!(audit.action, "record.copy");
        assert_eq!(audit.targets, vec![format!("user-id:{}", p.id)]);
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Revealed),
            },
        );
        assert_eq!(effects, vec![Effect::Copy(Clip(p.id.to_string()))]);
        assert!(s.toast.as_ref().unwrap().0.starts_with("Copied user id"));
        // The toast goes after its time.
        let later = s.now + TOAST_FOR;
        update(&mut s, Action::Tick(later));
        assert!(s.toast.is_none());
    }

    #[test]
    fn osc52_carries_the_text_base64() {
        assert_eq!(osc52("2058"), "\x1b]52;c;MjA1OA==\x07");
        // "A B" once the line break and the escape sequence are gone.
        assert_eq!(osc52("A\r\n\x1b[2JB"), osc52("A [2JB"));
        assert_eq!(
            format!("{:?}", Clip("070761-4285".into())),
            "Clip(11 chars)"
        );
    }
}
