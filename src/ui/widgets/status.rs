//! The bottom line: each backend's health, what is running (after 100 ms) or the last error,
//! key hints.

use crate::app::registry::Command;
use crate::app::state::Health;
use crate::ui::Screen;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn style(t: &Theme, h: Health) -> Style {
    match h {
        Health::Ok => t.ok(),
        Health::Slow | Health::Throttled => t.warn(),
        Health::Down | Health::Failing | Health::AuthFailed => t.danger(),
    }
}

/// `Unioo ok` for one backend; on a narrow screen the healthy ones are counted, not named:
/// `5 backends ok`, or `bunq slow · VASCO down · 3 more ok`.
fn health_spans(state: &Screen<'_>, wide: bool) -> Vec<Span<'static>> {
    let t = &state.theme;
    let all = state.health_now();
    if all.is_empty() {
        return vec![Span::styled("…", t.dim())];
    }
    let named: Vec<(&str, Health)> = if wide || all.len() == 1 {
        all.clone()
    } else {
        all.iter()
            .copied()
            .filter(|(_, h)| *h != Health::Ok)
            .collect()
    };
    let healthy = all.len() - named.len();
    let mut spans = Vec::new();
    for (i, (b, h)) in named.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::raw(format!("{b} ")));
        spans.push(Span::styled(h.word(), style(t, *h)));
    }
    match (healthy, spans.is_empty()) {
        (0, _) => {}
        (n, true) => spans.push(Span::styled(format!("{n} backends ok"), t.ok())),
        (n, false) => {
            spans.push(Span::raw(" · "));
            spans.push(Span::styled(format!("{n} more ok"), t.ok()));
        }
    }
    spans
}

/// The quit key that works even in a text field (Ctrl-c unless rebound).
fn quit_key(state: &Screen<'_>) -> String {
    let keys = state.keymap.keys(crate::app::registry::spec(Command::Quit));
    keys.iter()
        .find(|k| !k.types_text())
        .or(keys.first())
        .map(|k| k.label())
        .unwrap_or_else(|| ":quit".into())
}

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>) {
    let t = &state.theme;
    let mut left = vec![
        Span::styled(
            format!(" {} ", state.profile.name),
            if state.profile.production {
                t.production()
            } else {
                t.title()
            },
        ),
        Span::raw("│ "),
    ];
    left.extend(health_spans(state, area.width >= 120));
    left.push(Span::raw(" │ "));
    let left = Line::from(left);
    let middle = if let Some(r) = state.slow_request() {
        let secs = state.now.saturating_duration_since(r.started).as_secs_f32();
        Line::from(vec![
            Span::styled(
                format!("{} {}… {secs:.1}s", state.spinner(), r.what),
                t.warn(),
            ),
            Span::styled(
                format!("  {} cancels", state.keymap.label(Command::Back)),
                t.dim(),
            ),
        ])
    } else if let Some((text, _)) = &state.toast {
        Line::from(Span::styled(text.clone(), t.ok()))
    } else if let Some(e) = &state.last_error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else {
        Line::default()
    };
    // On a narrow screen a message needs the room more than the hints do.
    let hints = if middle.width() > 0 && area.width < 120 {
        Line::default()
    } else {
        Line::from(vec![
            Span::styled("?", t.key()),
            Span::raw(" help "),
            Span::styled(":", t.key()),
            Span::raw(" commands "),
            Span::styled(quit_key(state), t.key()),
            Span::raw(" quit "),
        ])
    };
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
