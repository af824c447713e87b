//! The review queue: pending documents, oldest first.

use crate::app::state::{QueueView, State};
use crate::core::DocumentKind;
use crate::ui::format;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, q: &QueueView) {
    let t = &state.theme;
    let [table_area, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let kind = match q.kind {
        None => "all kinds",
        Some(DocumentKind::PhotoLegitimation) => "photo IDs",
        Some(DocumentKind::SocialSecurityCard) => "social security cards",
    };
    let title = match q.list.total {
        Some(n) => format!(
            " Review queue: {} pending · {kind} · oldest first ",
            format::count(n)
        ),
        None => format!(" Review queue · {kind} "),
    };
    let now = state.today_start();
    let l = &q.list;
    table::draw(
        frame,
        table_area,
        t,
        Block::default().borders(Borders::ALL).title(title),
        vec![
            "Submitted",
            "Document",
            "Person",
            "CPR",
            "Waiting",
            "Expires",
        ],
        &[
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Fill(1),
            Constraint::Length(11),
            Constraint::Length(8),
            Constraint::Length(10),
        ],
        l.rows.len(),
        Window {
            offset: l.offset,
            selected: Some(l.selected),
        },
        |i| {
            let r = &l.rows[i];
            let waiting = r
                .created
                .map(|c| format!("{} d", now.duration_since(c).as_secs() / 86_400))
                .unwrap_or_default();
            let expires = Span::styled(
                format::date(r.expires),
                if r.is_expired(now) {
                    t.danger()
                } else {
                    t.text()
                },
            );
            Row::new(vec![
                Span::raw(format::date(r.created)),
                Span::raw(match r.kind {
                    DocumentKind::PhotoLegitimation => "Photo ID",
                    DocumentKind::SocialSecurityCard => "SSC",
                }),
                Span::raw(r.person.full_name()),
                Span::raw(r.cpr.as_ref().map(|c| c.to_string()).unwrap_or_default()),
                Span::raw(waiting),
                expires,
            ])
        },
    );
    let line = if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.warn()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading…", t.warn()))
    } else if l.rows.is_empty() {
        Line::from("Nothing is waiting for review.")
    } else {
        Line::from(Span::styled(
            "Enter opens · f filters by kind · Esc back",
            t.dim(),
        ))
    };
    frame.render_widget(Paragraph::new(line), footer);
}
