//! The `?` help overlay and the `:` command palette, both driven by the action registry.

use crate::app::palette;
use crate::app::registry::{self, Key, Scope};
use crate::app::state::{Overlay, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, state: &State) {
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => help(frame, state),
        Overlay::Palette { input, selected } => palette(frame, state, input, *selected),
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn keys(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join(", ")
}

fn help(frame: &mut Frame, state: &State) {
    let t = &state.theme;
    let ctx = state.top().context();
    let mut lines = Vec::new();
    for (heading, here) in [("This screen", true), ("Everywhere", false)] {
        lines.push(Line::from(Span::styled(heading, t.title())));
        for s in registry::available(ctx).filter(|s| (s.scope != Scope::Everywhere) == here) {
            let mut k = keys(s.keys);
            if ctx.typing {
                // Printable keys type into the field while it has focus.
                k = s
                    .keys
                    .iter()
                    .filter(|k| !k.types_text())
                    .map(Key::label)
                    .collect::<Vec<_>>()
                    .join(", ");
                if k.is_empty() {
                    k = format!(":{}", s.name);
                }
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<20}"), t.key()),
                Span::raw(s.description),
            ]));
        }
    }
    if ctx.typing {
        lines.push(Line::from(Span::styled(
            "While typing, letters go into the field; Esc or Tab leaves it.",
            t.dim(),
        )));
    }
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 72, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys (Esc closes) ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn palette(frame: &mut Frame, state: &State, input: &tui_input::Input, selected: usize) {
    let t = &state.theme;
    let ctx = state.top().context();
    let matches = palette::matches(input.value(), ctx);
    let area = centered(frame.area(), 64, (matches.len() as u16 + 4).clamp(5, 16));
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Command (Enter runs, Esc closes) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [prompt, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(format!(":{}", input.value())), prompt);
    frame.set_cursor_position((prompt.x + 1 + input.visual_cursor() as u16, prompt.y));
    let rows = usize::from(list.height);
    let start = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, s)| {
            let line = Line::from(vec![
                Span::styled(format!("{:<14}", s.name), t.key()),
                Span::raw(format!("{:<36}", s.description)),
                Span::styled(keys(s.keys), t.dim()),
            ]);
            if i == selected {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::from(Span::styled("no command matches", t.dim()))]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(lines), list);
}
