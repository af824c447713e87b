//! The top line: the profile (always visible; production in red) and the breadcrumbs.

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
    let room = usize::from(area.width).saturating_sub(profile.width() + 1);
    let crumbs = keep_tail(&crumbs, room);
    let line = Line::from(vec![
        profile,
        Span::raw(" "),
        Span::styled(crumbs, t.title()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
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
