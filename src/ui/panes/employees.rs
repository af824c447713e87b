//! The bank's employees, paged like users, and one employee's details.

use super::users::{footer, split, title};
use crate::app::features::staff;
use crate::app::paging::PagedList;
use crate::core::Employee;
use crate::ui::Screen;
use crate::ui::widgets::field;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<Employee>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Employees", l)),
        staff::COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(
        super::users::footer_paragraph(footer(state, l)),
        footer_area,
    );
}

pub fn draw_detail(frame: &mut Frame, area: Rect, state: &Screen<'_>, e: &Employee) {
    let t = &state.theme;
    let lines: Vec<_> = staff::detail(e)
        .into_iter()
        .map(|(k, v)| field::line(t, k, v))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Bank employee (Esc back) ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
