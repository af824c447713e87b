//! A record's timeline (`T`): every note and event the team store holds on it, newest first,
//! and one entry opened in full. Everything from the store passes `sanitize` on its way here.

use crate::app::features::notes::{self, TimelineView};
use crate::app::registry::Command;
use crate::team::TimelineEntry;
use crate::ui::Screen;
use crate::ui::widgets::field::narrow;
use crate::ui::widgets::{hints, table};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &TimelineView) {
    if v.opened
        && let Some(e) = v.selected()
    {
        return draw_entry(frame, area, state, v, e);
    }
    let t = &state.theme;
    let l = &v.list;
    let [table_area, footer_area] = super::users::split(area, l);
    let (rows, window) = table::list_window(l);
    let subject = crate::sanitize::line(&v.subject.title);
    let title = match l.total {
        Some(n) => format!(
            " Timeline of {subject}: {n} {}, newest first ",
            if n == 1 { "entry" } else { "entries" }
        ),
        None => format!(" Timeline of {subject} "),
    };
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        notes::COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    let footer = if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading…", t.warn()))
    } else if l.rows.is_empty() {
        let key = state.keymap.label(Command::AddNote);
        Line::from(format!(
            "Nothing is recorded on it yet: {key} adds the first note."
        ))
    } else {
        hints::line(
            state,
            &[
                Command::AddNote,
                Command::Open,
                Command::Filter,
                Command::Refresh,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(footer), footer_area);
}

fn draw_entry(
    frame: &mut Frame,
    area: Rect,
    state: &Screen<'_>,
    v: &TimelineView,
    e: &TimelineEntry,
) {
    let t = &state.theme;
    let mut lines: Vec<Line> = Vec::new();
    for (label, value) in notes::entry_fields(e) {
        if label == "Text" {
            // The text below its label, wrapped, its own line breaks kept.
            lines.push(Line::from(Span::styled(label, t.label())));
            lines.extend(
                crate::sanitize::lines(&value)
                    .lines()
                    .map(|l| Line::from(l.to_string())),
            );
        } else if !value.is_empty() {
            lines.push(narrow(t, label, value));
        }
    }
    lines.push(Line::default());
    lines.push(hints::line(
        state,
        &[Command::AddNote, Command::Export, Command::Back],
    ));
    let title = format!(" Timeline of {} ", crate::sanitize::line(&v.subject.title));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}
