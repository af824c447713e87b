//! Onboarding on Healthmov: companies, a company's departments, a department's employees, and
//! one employee with their dependents.

use super::users::split;
use crate::app::features::onboarding::{
    self, ClientEmployeeView, ClientEmployeesView, DepartmentsView,
};
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::core::{Company, Dependent};
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::hints;
use crate::ui::widgets::table::{self, Window};
use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

fn day(d: Option<Date>) -> String {
    d.map_or_else(|| "—".into(), |d| d.to_string())
}

fn title<T>(what: &str, l: &PagedList<T>) -> String {
    let plain = match l.total {
        Some(total) => format!(
            " {what}: {} · {} loaded ",
            format::count(total),
            format::count(l.rows.len())
        ),
        None => format!(" {what} "),
    };
    table::filtered_title(plain, l)
}

/// The footer: the filter being typed, an error, news, loading, or the keys that matter here.
fn footer<'a, T>(state: &Screen<'_>, l: &PagedList<T>, keys: &[Command]) -> Line<'a> {
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
        hints::line(state, keys)
    }
}

pub fn draw_companies(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<Company>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Client companies", l)),
        onboarding::COMPANY_COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(
        super::users::footer_paragraph(footer(
            state,
            l,
            &[
                Command::Open,
                Command::New,
                Command::Edit,
                Command::FindExternalId,
                Command::Back,
            ],
        )),
        footer_area,
    );
}

pub fn draw_departments(frame: &mut Frame, area: Rect, state: &Screen<'_>, d: &DepartmentsView) {
    let t = &state.theme;
    let l = &d.list;
    let [table_area, footer_area] = split(area, l);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title(&format!("Departments of {}", d.company.name), l)),
        onboarding::DEPARTMENT_COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(
        super::users::footer_paragraph(footer(
            state,
            l,
            &[Command::Open, Command::New, Command::Import, Command::Back],
        )),
        footer_area,
    );
}

pub fn draw_client_employees(
    frame: &mut Frame,
    area: Rect,
    state: &Screen<'_>,
    v: &ClientEmployeesView,
) {
    let t = &state.theme;
    let l = &v.list;
    let [table_area, footer_area] = split(area, l);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title(&format!("Employees of {}", v.department.name), l)),
        onboarding::EMPLOYEE_COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(
        super::users::footer_paragraph(footer(
            state,
            l,
            &[
                Command::Open,
                Command::New,
                Command::Edit,
                Command::Offboard,
                Command::Import,
                Command::Back,
            ],
        )),
        footer_area,
    );
}

fn dependent_row(d: &Dependent) -> Row<'static> {
    Row::new(vec![
        format!("{} {}", d.first_name, d.last_name)
            .trim()
            .to_string(),
        day(d.birthdate),
        day(d.onboarding),
        day(d.offboarding),
        if d.has_access { "yes" } else { "no" }.to_string(),
    ])
}

pub fn draw_client_employee(
    frame: &mut Frame,
    area: Rect,
    state: &Screen<'_>,
    v: &ClientEmployeeView,
) {
    let t = &state.theme;
    let e = &v.employee;
    let (all, on, off) = e.dependent_counts;
    let mut lines = vec![
        field::line(t, "Name", e.full_name()),
        field::line(
            t,
            "Employee number",
            format::or_dash(e.employee_number.as_deref()),
        ),
        field::line(t, "External id", format::or_dash(e.external_id.as_deref())),
        field::line(t, "Email", format::or_dash(e.email.as_deref())),
        field::line(t, "Phone", format::or_dash(e.phone.as_deref())),
        field::line(t, "Birthdate", day(e.birthdate)),
        field::line(t, "Onboarding date", day(e.onboarding)),
        field::line(t, "Offboarding date", day(e.offboarding)),
        field::styled(
            t,
            "Onboarded at",
            match e.onboarded_at {
                Some(d) => d.to_string(),
                None => "not yet: no access before the onboarding date".into(),
            },
            if e.onboarded_at.is_some() {
                t.text()
            } else {
                t.warn()
            },
        ),
        field::styled(
            t,
            "Access today",
            onboarding::access(e),
            if e.has_access { t.ok() } else { t.warn() },
        ),
        field::line(
            t,
            "Dependents",
            format!("{all} ({on} onboarded, {off} offboarded)"),
        ),
    ];
    let note = match &v.notice {
        Some(n) => Line::from(Span::styled(n.clone(), t.ok())),
        None => hints::line(
            state,
            &[
                Command::AddDependent,
                Command::EditDependent,
                Command::Edit,
                Command::Offboard,
                Command::Refresh,
                Command::Back,
            ],
        ),
    };
    lines.push(note);
    let details_height = lines.len() as u16 + 2;
    let [top, bottom] =
        Layout::vertical([Constraint::Length(details_height), Constraint::Min(3)]).areas(area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Client employee (Healthmov) "),
        ),
        top,
    );
    let deps = &e.dependents;
    table::draw(
        frame,
        bottom,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Dependents: {} ", deps.len())),
        vec!["Name", "Born", "Onboarding", "Offboarding", "Access"],
        &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Length(6),
        ],
        deps.len(),
        Window {
            offset: table::offset_for(v.dependent_row, bottom),
            selected: (!deps.is_empty()).then_some(v.dependent_row),
        },
        |i| dependent_row(&deps[i]),
    );
}
