//! The SSN search pane: a CPR field validated before any request, and the results.

use crate::app::state::{Overlay, Resource, SearchFocus, SearchView, State};
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, s: &SearchView) {
    let t = &state.theme;
    let [field_area, results_area] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(area);
    let typing = s.focus == SearchFocus::Input;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Find a person by CPR number ")
        .border_style(if typing { t.border_focused() } else { t.dim() });
    let inner = block.inner(field_area);
    frame.render_widget(block, field_area);

    let label = "CPR: ";
    let value = if s.input.value().is_empty() {
        // Once submitted, the number is shown masked only.
        match (&s.submitted, typing) {
            (Some(c), _) => Span::styled(c.masked(), t.dim()),
            (None, true) => Span::styled("DDMMYY-SSSS", t.dim()),
            (None, false) => Span::raw(""),
        }
    } else {
        Span::raw(s.input.value().to_string())
    };
    let help = match &s.error {
        Some(e) => Line::from(Span::styled(format!("✗ {e}"), t.danger())),
        None if typing => Line::from(Span::styled(
            "Enter searches · Tab or Esc leaves the field · F1 help",
            t.dim(),
        )),
        None => Line::from(Span::styled(
            "/ edits the CPR · u users · e employees · ? help",
            t.dim(),
        )),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![Span::styled(label, t.label()), value]),
            help,
        ]),
        inner,
    );
    if typing && matches!(state.overlay, Overlay::None) {
        let x = inner.x + label.len() as u16 + s.input.visual_cursor() as u16;
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }

    let title = " Results ";
    match &s.results {
        Resource::Idle => table::message(
            frame,
            results_area,
            title,
            vec![
                Line::from("Type a CPR number (DDMMYY-SSSS or ten digits) and press Enter."),
                Line::from(Span::styled(
                    "The number is checked before anything is sent.",
                    t.dim(),
                )),
            ],
        ),
        Resource::Loading(_) => table::message(
            frame,
            results_area,
            title,
            vec![Line::from(Span::styled("Searching…", t.warn()))],
        ),
        Resource::Failed(e) => table::message(
            frame,
            results_area,
            title,
            vec![Line::from(Span::styled(e.clone(), t.danger()))],
        ),
        Resource::Loaded(rows) if rows.is_empty() => {
            let who = s.submitted.map(|c| c.masked()).unwrap_or_default();
            table::message(
                frame,
                results_area,
                title,
                vec![Line::from(format!(
                    "No person with CPR {who} is visible to your bank."
                ))],
            );
        }
        Resource::Loaded(rows) => {
            let block = Block::default()
                .borders(Borders::ALL)
                .title(format!(" Results: {} (Enter opens) ", rows.len()))
                .border_style(if typing { t.dim() } else { t.border_focused() });
            table::draw(
                frame,
                results_area,
                t,
                block,
                vec!["Name", "Email", "Organizations"],
                &[
                    Constraint::Percentage(30),
                    Constraint::Percentage(35),
                    Constraint::Percentage(35),
                ],
                rows.len(),
                Window {
                    offset: table::offset_for(s.selected, results_area),
                    selected: (!typing).then_some(s.selected),
                },
                |i| {
                    let p = &rows[i];
                    Row::new(vec![
                        p.full_name(),
                        p.email.clone().unwrap_or_default(),
                        p.organizations.join(", "),
                    ])
                },
            );
        }
    }
}
