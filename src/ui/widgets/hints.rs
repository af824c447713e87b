//! Footer hints, generated from the keymap as bound (after `[keys]` overrides) and the
//! commands that apply on this screen (read-only leaves the mutating ones out), so a hint
//! never names a key that does not do what it says.

use crate::app::registry::{self, Command};
use crate::ui::Screen;
use ratatui::text::{Line, Span};

/// What a hint calls a command: its palette name's first word (`edit-bunq-user` is "edit"),
/// unless that word alone says too little.
fn word(name: &'static str) -> &'static str {
    match name {
        "data-change" => "data change",
        "user-group" => "group",
        "external-id" => "external id",
        "add-dependent" => "add dependent",
        "edit-dependent" => "edit dependent",
        "import-here" => "import",
        _ => name.split('-').next().unwrap_or(name),
    }
}

/// "b block · t status · Esc back" for the `commands` that apply here and have a key.
pub fn text(state: &Screen<'_>, commands: &[Command]) -> String {
    let here = state.top().kind.pane().context();
    let allowed = state.context();
    commands
        .iter()
        .filter_map(|c| registry::applicable(*c, here))
        .filter(|spec| allowed.allows(spec))
        .filter_map(|spec| {
            // The shortest of its keys: `g` rather than `Home`.
            let key = state
                .keymap
                .keys(spec)
                .iter()
                .min_by_key(|k| k.label().len())?;
            Some(format!("{} {}", key.label(), word(spec.name)))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The hints as a dim footer line.
pub fn line<'a>(state: &Screen<'_>, commands: &[Command]) -> Line<'a> {
    Line::from(Span::styled(text(state, commands), state.theme.dim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::*;
    use crossterm::event::KeyCode;
    use std::collections::BTreeMap;

    #[test]
    fn hints_follow_the_keys_as_bound_and_drop_what_read_only_forbids() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('B'));
        let all = [
            Command::Open,
            Command::Block,
            Command::SetStatus,
            Command::Back,
        ];
        let look = crate::ui::Look::default();
        let screen = |s: &'_ crate::app::state::State| -> String {
            let screen = crate::ui::Screen {
                state: s,
                theme: &look.theme,
                images: &look.images,
            };
            text(&screen, &all)
        };
        assert_eq!(screen(&s), "Enter open · b block · t status · Esc back");
        let rebound = BTreeMap::from([("block".to_string(), vec!["ctrl-x".to_string()])]);
        s.keymap = crate::app::keymap::Keymap::with(&rebound).unwrap();
        assert_eq!(
            screen(&s),
            "Enter open · Ctrl-x block · t status · Esc back"
        );
        s.profile.read_only = true;
        assert_eq!(screen(&s), "Enter open · Esc back");
    }
}
