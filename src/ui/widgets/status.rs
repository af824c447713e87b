//! The bottom line: backend health, what is running (after 100 ms) or the last error, key hints.

use crate::app::registry::{Command, keys_label};
use crate::app::state::{Health, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let (word, style) = match state.health {
        Health::Unknown => ("…", t.dim()),
        Health::Ok => ("ok", t.ok()),
        Health::Down => ("down", t.danger()),
        Health::AuthFailed => ("auth failed", t.danger()),
    };
    let left = Line::from(vec![
        Span::styled(
            format!(" {} ", state.profile.name),
            if state.profile.production {
                t.production()
            } else {
                t.title()
            },
        ),
        Span::raw(format!("│ {}: ", state.profile.backend)),
        Span::styled(word, style),
        Span::raw(" │ "),
    ]);
    let middle = if let Some(r) = state.slow_request() {
        let secs = state.now.saturating_duration_since(r.started).as_secs_f32();
        Line::from(vec![
            Span::styled(
                format!("{} {}… {secs:.1}s", state.spinner(), r.what),
                t.warn(),
            ),
            Span::styled(format!("  {} cancels", keys_label(Command::Back)), t.dim()),
        ])
    } else if let Some(e) = &state.last_error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else {
        Line::default()
    };
    let hints = Line::from(vec![
        Span::styled("?", t.key()),
        Span::raw(" help "),
        Span::styled(":", t.key()),
        Span::raw(" commands "),
        Span::styled("Ctrl-c", t.key()),
        Span::raw(" quit "),
    ]);
    let [a, b, c] = Layout::horizontal([
        Constraint::Length(left.width() as u16),
        Constraint::Min(10),
        Constraint::Length(hints.width() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left), a);
    frame.render_widget(Paragraph::new(middle), b);
    frame.render_widget(Paragraph::new(hints), c);
}
