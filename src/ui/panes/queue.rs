//! The review queue: pending documents, oldest first.

use crate::app::features::review::{self, QueueView};
use crate::app::registry::Command;
use crate::core::DocumentKind;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::hints;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, q: &QueueView) {
    let t = &state.theme;
    let [table_area, footer] = super::users::split(area, &q.list);
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
    let l = &q.list;
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        review::COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    let line = if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.warn()))
    } else if let Some(e) = &q.claims_error {
        Line::from(Span::styled(e.clone(), t.warn()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading…", t.warn()))
    } else if l.rows.is_empty() {
        Line::from("Nothing is waiting for review.")
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::Filter,
                Command::Kinds,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(line), footer);
}
