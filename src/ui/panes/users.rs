//! All users, paged from the server as you scroll; only visible rows are drawn.

use crate::app::features::people;
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::core::PersonSummary;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::hints;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The title line and footer of a paged list.
pub fn title<T>(what: &str, l: &PagedList<T>) -> String {
    let plain = match l.total {
        Some(total) => format!(
            " {what}: {} · sorted by {} · {} loaded ",
            format::count(total),
            l.sort.label(),
            format::count(l.rows.len())
        ),
        None => format!(" {what} · sorted by {} ", l.sort.label()),
    };
    table::filtered_title(plain, l)
}

pub fn footer<'a, T>(state: &Screen<'_>, l: &PagedList<T>) -> Line<'a> {
    let t = &state.theme;
    if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if let Some(n) = &l.notice {
        Line::from(Span::styled(n.clone(), t.ok()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading more…", t.warn()))
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::New,
                Command::Sort,
                Command::Top,
                Command::Bottom,
                Command::Back,
            ],
        )
    }
}

/// The most lines a list's footer gives an error, which the officer needs whole (its request
/// id, what to do).
const FOOTER_LINES: usize = 4;

/// The table and, under it, the footer: one line, or as many as an error takes (up to
/// [`FOOTER_LINES`]).
pub fn split<T>(area: Rect, l: &PagedList<T>) -> [Rect; 2] {
    let typing = l.filter.as_ref().is_some_and(|f| f.typing);
    let rows = match (&l.error, typing) {
        (Some(e), false) => footer_lines(e, area.width).len(),
        _ => 1,
    };
    Layout::vertical([Constraint::Min(3), Constraint::Length(rows.max(1) as u16)]).areas(area)
}

fn footer_lines(text: &str, width: u16) -> Vec<String> {
    crate::ui::widgets::wrap::at_most(text, usize::from(width).max(10), FOOTER_LINES)
}

/// A list's footer, a one-span line (an error) wrapped as `split` counted it.
pub fn footer_paragraph(line: Line<'_>) -> Footer<'_> {
    Footer(line)
}

pub struct Footer<'a>(Line<'a>);

impl ratatui::widgets::Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        let lines = match self.0.spans.as_slice() {
            [one] => footer_lines(&one.content, area.width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, one.style)))
                .collect(),
            _ => vec![self.0],
        };
        Paragraph::new(lines).render(area, buf);
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<PersonSummary>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Users", l)),
        people::USER_COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(footer_paragraph(footer(state, l)), footer_area);
}

#[cfg(test)]
mod tests {
    use crate::app::features::ViewKind;
    use crate::app::test_support::{key, state};
    use crossterm::event::KeyCode;

    #[test]
    fn a_list_s_error_is_shown_whole_at_80_columns() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('u'));
        let why = "Audit log refused the request: the audit log /home/officer/.local/share/\
                   backoffice/audit.jsonl was deleted or replaced: nothing was sent; it is \
                   reopened with the gap recorded (audit.reopen), so do it again";
        let ViewKind::Users(l) = &mut s.top_mut().kind else {
            panic!()
        };
        l.loading = None;
        l.error = Some(why.into());
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        term.draw(|f| crate::ui::draw(f, &s, &Default::default()))
            .unwrap();
        let buf = term.backend().buffer();
        let words: String = (0..24)
            .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(words.contains("(audit.reopen), so do it again"), "{words}");
    }
}
