//! The top line: the profile (always visible; production in red), an audit warning in red while
//! there is one, and the breadcrumbs.

use crate::ui::Screen;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>) {
    let t = &state.theme;
    let profile = if state.profile.production {
        Span::styled(
            format!(" PRODUCTION: {} ", state.profile.name),
            t.production(),
        )
    } else {
        Span::styled(format!(" profile: {} ", state.profile.name), t.header())
    };
    let crumbs = state.breadcrumbs().join(" › ");
    let mut room = usize::from(area.width).saturating_sub(profile.width() + 1);
    let mut spans = vec![profile, Span::raw(" ")];
    // An audit warning stays in view before the breadcrumbs, which get what room is left.
    if let Some(warning) = audit_warning(&state.audit_warnings, room) {
        room = room.saturating_sub(warning.chars().count() + 1);
        spans.push(Span::styled(warning, t.danger()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(keep_tail(&crumbs, room), t.title()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The audit warnings as one line of at most `room` columns, ending with what to run when it
/// fits.
fn audit_warning(warnings: &[String], room: usize) -> Option<String> {
    let what = warnings.join("; ");
    let mut chars = what.chars();
    let what: String = chars
        .next()?
        .to_uppercase()
        .chain(chars)
        .collect::<String>();
    let fits = |s: &String| s.chars().count() <= room;
    [
        format!("{what}: run `backoffice audit verify`"),
        format!("{what}: backoffice audit verify"),
        "Audit log warning: backoffice audit verify".to_string(),
    ]
    .into_iter()
    .find(fits)
    .or_else(|| Some(keep_head(&what, room)))
}

/// The start of `s` that fits in `width` columns, with a trailing "…" when cut.
pub fn keep_head(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let keep = width.saturating_sub(1);
    s.chars().take(keep).chain(std::iter::once('…')).collect()
}

/// The end of `s` that fits in `width` columns, with a leading "…" when cut.
fn keep_tail(s: &str, width: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= width {
        return s.to_string();
    }
    let keep = width.saturating_sub(1);
    std::iter::once('…')
        .chain(chars[chars.len() - keep..].iter().copied())
        .collect()
}
