//! `y`: the focused id or value to the clipboard (OSC 52, which reaches the laptop's
//! clipboard through SSH and tmux), with a toast. A full CPR is copied only once revealed,
//! and that copy is audited first. Free of I/O: the terminal writes the sequence.

use super::action::{Clip, Effect};
use super::state::*;
use crate::search::Target;

/// What `y` copies here: a label for the toast and the value.
fn focused(state: &State) -> Option<(&'static str, String)> {
    Some(match &state.top().kind {
        ViewKind::Search(s) => {
            let h = s.results.get(s.selected)?;
            match &h.target {
                Target::Healthmov(_) => ("name", h.name.clone()),
                t => ("id", t.id()),
            }
        }
        ViewKind::Person(p) => ("person id", p.id.to_string()),
        ViewKind::Users(l) => ("user id", l.rows.get(l.selected)?.id.to_string()),
        ViewKind::Employees(l) => ("employee id", l.rows.get(l.selected)?.id.to_string()),
        ViewKind::Employee(e) => ("employee id", e.id.to_string()),
        ViewKind::Queue(q) => (
            "document id",
            q.list.rows.get(q.list.selected)?.document_id.to_string(),
        ),
        ViewKind::Document(d) => ("document id", d.item.document_id.to_string()),
        ViewKind::Companies(l) => ("company id", l.rows.get(l.selected)?.id.clone()),
        ViewKind::ClientEmployee(e) => ("employee id", e.employee.id.clone()),
        ViewKind::PlatformUsers(l) => ("user id", l.rows.get(l.selected)?.id.clone()),
        ViewKind::PlatformUser(u) => ("user id", u.user.id.clone()),
        ViewKind::EndUsers(l) => ("user id", l.rows.get(l.selected)?.id.clone()),
        ViewKind::EndUser(u) => ("user id", u.user.id.clone()),
        ViewKind::BankUsers(l) => ("user id", l.rows.get(l.selected)?.id.to_string()),
        ViewKind::BankUser(u) => ("user id", u.id.to_string()),
        _ => return None,
    })
}

pub fn run(state: &mut State) -> Vec<Effect> {
    // A revealed CPR on the person view is what is focused; copying it is audited first.
    if let ViewKind::Person(p) = &state.top().kind
        && p.revealed
        && let Some(crate::core::Ssn::Danish(cpr)) =
            p.person.loaded().and_then(|x| x.ssn().cloned())
    {
        let targets = vec![format!("user:{}", p.id)];
        let view = state.top().id;
        let mut effects = Vec::new();
        let req = super::review::audit_cpr(
            state,
            view,
            "cpr.copy",
            targets,
            Some(cpr.masked()),
            "copied to the clipboard after an audited reveal".into(),
            &mut effects,
        );
        state.copy_after = Some((req, Clip(cpr.reveal())));
        return effects;
    }
    match focused(state) {
        Some((label, value)) => {
            state.show_toast(format!("Copied {label} {value}"));
            vec![Effect::Copy(Clip(value))]
        }
        None => {
            state.show_toast("Nothing to copy here.".into());
            Vec::new()
        }
    }
}

/// The audit record of a CPR copy is written: now it may go to the clipboard.
pub fn on_audited(state: &mut State, req: super::action::RequestId, ok: bool) -> Vec<Effect> {
    match state.copy_after.take() {
        Some((r, clip)) if r == req && ok => {
            state.show_toast("Copied the CPR number (audited)".into());
            vec![Effect::Copy(clip)]
        }
        Some((r, _)) if r == req => {
            state.show_toast("Not copied: the audit log cannot be written.".into());
            Vec::new()
        }
        other => {
            state.copy_after = other;
            Vec::new()
        }
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
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
                result: Ok(Payload::Users(crate::core::Page {
                    items: vec![p.clone()],
                    total: 1,
                    next_cursor: None,
                })),
            },
        );
        let effects = key(&mut s, KeyCode::Char('y'));
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
        assert_eq!(
            format!("{:?}", Clip("070761-4285".into())),
            "Clip(11 chars)"
        );
    }
}
