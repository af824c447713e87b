//! Onboarding on Healthmov: companies → departments → employees → one employee with their
//! dependents, the forms that change them, lookups by external id, the bulk import and the
//! login prompt. Free of I/O, like the rest of `app`.

pub mod calls;
pub mod forms;
mod import;
pub mod prompt;
mod view;

pub use import::{on_import_key, on_import_loaded, on_import_progress};
pub use prompt::{on_login_key, on_prompt_key, on_prompt_loaded};
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::form::Form;
use crate::app::paging::{ListCursor, PagedList, list_rows, step};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self, start};
use crate::app::state::*;
use crate::backends::BackendError;
use crate::core::*;

/// `o`: the companies list (the one already open, if any).
pub fn open_companies(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::Companies(_))) {
        return effects;
    }
    let view = state.push(ViewKind::Companies(PagedList::default()));
    load_more(state, view)
}

fn open_departments(state: &mut State, company: Company) -> Vec<Effect> {
    let view = state.push(ViewKind::Departments(Box::new(DepartmentsView {
        company,
        list: PagedList::default(),
    })));
    load_more(state, view)
}

fn open_employees(state: &mut State, department: Department) -> Vec<Effect> {
    let view = state.push(ViewKind::ClientEmployees(Box::new(ClientEmployeesView {
        department,
        list: PagedList::default(),
    })));
    load_more(state, view)
}

fn open_employee(
    state: &mut State,
    employee: ClientEmployee,
    company_id: Option<String>,
    department_id: Option<String>,
) {
    state.push(ViewKind::ClientEmployee(Box::new(ClientEmployeeView {
        employee,
        company_id,
        department_id,
        dependent_row: 0,
        notice: None,
    })));
}

/// The next page of an onboarding list, unless one is on its way or it is complete.
pub fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::Companies(l) if l.wants_page() => {
            Some(Call::Onboarding(calls::Call::Companies {
                after: l.next_cursor.clone(),
            }))
        }
        ViewKind::Departments(d) if d.list.wants_page() => {
            Some(Call::Onboarding(calls::Call::Departments {
                company_id: d.company.id.clone(),
                company: d.company.locator.clone(),
                after: d.list.next_cursor.clone(),
            }))
        }
        ViewKind::ClientEmployees(e) if e.list.wants_page() => {
            Some(Call::Onboarding(calls::Call::ClientEmployees {
                department: Box::new(e.department.clone()),
                after: e.list.next_cursor.clone(),
            }))
        }
        _ => None,
    })
}

/// Starts a list again from its first page, with a notice for its footer.
pub fn reload(state: &mut State, view: ViewId, notice: Option<String>) -> Vec<Effect> {
    // The rows stay on screen until the first page replaces them (a failure keeps them).
    fn reset<T>(l: &mut PagedList<T>, notice: Option<String>) {
        l.refresh();
        l.notice = notice;
    }
    match state.view_mut(view).map(|v| &mut v.kind) {
        Some(ViewKind::Companies(l)) => reset(l, notice),
        Some(ViewKind::Departments(d)) => reset(&mut d.list, notice),
        Some(ViewKind::ClientEmployees(e)) => reset(&mut e.list, notice),
        _ => return Vec::new(),
    }
    load_more(state, view)
}

/// Enter on an onboarding list: one level down.
fn open(state: &mut State) -> Option<Vec<Effect>> {
    match &state.top().kind {
        ViewKind::Companies(l) => {
            let c = l.rows.get(l.selected).cloned()?;
            Some(open_departments(state, c))
        }
        ViewKind::Departments(d) => {
            let dept = d.list.rows.get(d.list.selected).cloned()?;
            Some(open_employees(state, dept))
        }
        ViewKind::ClientEmployees(e) => {
            let employee = e.list.rows.get(e.list.selected).cloned()?;
            let company = e.department.company.as_ref().map(|c| c.0.clone());
            let department = Some(e.department.id.clone());
            open_employee(state, employee, company, department);
            Some(Vec::new())
        }
        _ => None,
    }
}

/// F5 on an onboarding view.
fn refresh(state: &mut State) -> Option<Vec<Effect>> {
    let view = state.top().id;
    match &state.top().kind {
        ViewKind::Companies(_) | ViewKind::Departments(_) | ViewKind::ClientEmployees(_) => {
            Some(reload(state, view, None))
        }
        ViewKind::ClientEmployee(e) => {
            // No lookup by id: by external id when there is one.
            let id = e.employee.external_id.clone()?;
            let mut effects = Vec::new();
            start(
                state,
                view,
                Call::Onboarding(calls::Call::FindExternalId(id)),
                &mut effects,
            );
            Some(effects)
        }
        _ => None,
    }
}

/// The onboarding commands: forms, import, lookups.
fn run(state: &mut State, command: Command) -> Vec<Effect> {
    let form = match (&mut state.top_mut().kind, command) {
        (ViewKind::Companies(_), Command::New) => forms::new_company(),
        (ViewKind::Companies(l), Command::Edit) => forms::edit_company(l.rows.get(l.selected)),
        (ViewKind::Departments(d), Command::New) => forms::new_department(&d.company.id),
        (ViewKind::Departments(d), Command::Import) => {
            state.overlay = Overlay::Prompt(Prompt::new(PromptKind::ImportFile {
                company_id: d.company.id.clone(),
                department_id: None,
                into: d.company.name.clone(),
            }));
            return Vec::new();
        }
        (ViewKind::ClientEmployees(e), Command::New | Command::Import | Command::Edit) => {
            let Some((company_id, _)) = e.department.company.clone() else {
                e.list.error = Some(
                    "Healthmov does not say which company a department found by external id belongs to: open it from its company (o) to add employees."
                        .into(),
                );
                return Vec::new();
            };
            let department_id = e.department.id.clone();
            match command {
                Command::Import => {
                    state.overlay = Overlay::Prompt(Prompt::new(PromptKind::ImportFile {
                        company_id,
                        department_id: Some(department_id),
                        into: e.department.name.clone(),
                    }));
                    return Vec::new();
                }
                Command::Edit => match e.list.rows.get(e.list.selected) {
                    Some(current) => {
                        forms::client_employee(&company_id, &department_id, Some(current))
                    }
                    None => return Vec::new(),
                },
                _ => forms::client_employee(&company_id, &department_id, None),
            }
        }
        (ViewKind::ClientEmployees(e), Command::Offboard) => match e.list.rows.get(e.list.selected)
        {
            Some(current) => {
                let company = e.department.company.as_ref().map(|(id, _)| id.as_str());
                let at = EmployeeAt::of(current, company, Some(&e.department.id));
                forms::offboarding(current, at)
            }
            None => return Vec::new(),
        },
        (ViewKind::ClientEmployee(v), command) => {
            let at = EmployeeAt::of(
                &v.employee,
                v.company_id.as_deref(),
                v.department_id.as_deref(),
            );
            match command {
                Command::Offboard => forms::offboarding(&v.employee, at),
                Command::AddDependent => forms::dependent(&v.employee, at, None),
                Command::EditDependent => match v.employee.dependents.get(v.dependent_row) {
                    Some(_) => forms::dependent(&v.employee, at, Some(v.dependent_row)),
                    None => return Vec::new(),
                },
                Command::Edit => match (&v.company_id, &v.department_id) {
                    (Some(c), Some(d)) => forms::client_employee(c, d, Some(&v.employee)),
                    _ => {
                        v.notice = Some(
                            "Healthmov does not say where an employee found by external id works: open them from their department to edit."
                                .into(),
                        );
                        return Vec::new();
                    }
                },
                _ => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    state.overlay = Overlay::Form(form);
    Vec::new()
}

/// A page or a lookup for an onboarding view.
fn on_loaded(
    state: &mut State,
    view: ViewId,
    req: RequestId,
    result: Result<Payload, BackendError>,
) -> Vec<Effect> {
    if let Err(e) = &result
        && e.wants_login()
    {
        prompt::ask_login(state, view, e);
    }
    let Some(v) = state.view_mut(view) else {
        return Vec::new();
    };
    match (&mut v.kind, result) {
        (ViewKind::Companies(l), r) => l.apply(req, r, |p| match p {
            Payload::Onboarding(calls::Payload::Companies(p)) => Some(p),
            _ => None,
        }),
        (ViewKind::Departments(d), r) => d.list.apply(req, r, |p| match p {
            Payload::Onboarding(calls::Payload::Departments(p)) => Some(p),
            _ => None,
        }),
        (ViewKind::ClientEmployees(e), r) => e.list.apply(req, r, |p| match p {
            Payload::Onboarding(calls::Payload::ClientEmployees(p)) => Some(p),
            _ => None,
        }),
        // F5 on an employee: the fresh record by external id.
        (ViewKind::ClientEmployee(v), r) => match r {
            Ok(Payload::Onboarding(calls::Payload::Found(Found::Employee(e)))) => {
                v.employee = *e;
                v.dependent_row = v
                    .dependent_row
                    .min(v.employee.dependents.len().saturating_sub(1));
                v.notice = None;
            }
            Ok(_) => v.notice = Some("Not found any more in Healthmov.".into()),
            Err(e) => v.notice = Some(e.to_string()),
        },
        _ => {}
    }
    fill(state, view)
}

/// Pages in until the list reaches two screens past the cursor (companies come five a page).
fn fill(state: &mut State, view: ViewId) -> Vec<Effect> {
    let rows = list_rows(state.size.1);
    fn short<T>(l: &PagedList<T>, rows: usize) -> bool {
        l.error.is_none() && l.selected + 2 * rows > l.rows.len()
    }
    let wanted = match state.view_mut(view).map(|v| &v.kind) {
        Some(ViewKind::Companies(l)) => short(l, rows),
        Some(ViewKind::Departments(d)) => short(&d.list, rows),
        Some(ViewKind::ClientEmployees(e)) => short(&e.list, rows),
        _ => false,
    };
    if wanted {
        load_more(state, view)
    } else {
        Vec::new()
    }
}

/// A form's change went through: show it where it belongs.
fn on_changed(state: &mut State, view: ViewId, changed: Changed) -> Vec<Effect> {
    let notice = match &changed {
        Changed::Company(c) => format!("Saved company {}", c.name),
        Changed::Department(d) => format!("Created department {}", d.name),
        Changed::Employee(e) => format!(
            "Saved {} ({} dependent{})",
            e.full_name(),
            e.dependents.len(),
            if e.dependents.len() == 1 { "" } else { "s" }
        ),
    };
    match (state.view_mut(view).map(|v| &mut v.kind), changed) {
        (Some(ViewKind::ClientEmployee(v)), Changed::Employee(e)) => {
            v.employee = *e;
            v.notice = Some(notice);
            Vec::new()
        }
        (Some(_), _) => reload(state, view, Some(notice)),
        (None, _) => Vec::new(),
    }
}

/// What a lookup by external id found: open it. `None` when it found nothing.
pub fn open_found(state: &mut State, found: Found) -> Option<Vec<Effect>> {
    Some(match found {
        Found::Employee(e) => {
            open_employee(state, *e, None, None);
            Vec::new()
        }
        Found::Department(d) => open_employees(state, d),
        Found::Company(c) => open_departments(state, c),
        Found::Nothing => return None,
    })
}

/// `x`: find a company, department or employee by external id, from anywhere.
pub fn find_external_id(state: &mut State) -> Vec<Effect> {
    state.overlay = Overlay::Prompt(Prompt::new(PromptKind::FindExternalId));
    Vec::new()
}

pub struct Onboarding;

impl Feature for Onboarding {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = list_rows(state.size.1);
        match (&mut state.top_mut().kind, command) {
            (ViewKind::ClientEmployee(e), Command::Up | Command::Down)
            | (ViewKind::ClientEmployee(e), Command::PageUp | Command::PageDown)
            | (ViewKind::ClientEmployee(e), Command::Top | Command::Bottom) => {
                e.dependent_row = step(e.dependent_row, e.employee.dependents.len(), command, rows);
                Vec::new()
            }
            _ => run(state, command),
        }
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        open(state).unwrap_or_default()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        refresh(state).unwrap_or_default()
    }

    fn submit(&self, _: &State, form: &Form) -> Result<Call, String> {
        match forms::change(form) {
            Some((change, audit)) => Ok(Call::Onboarding(calls::Call::Save {
                change: Box::new(change),
                audit: Box::new(audit),
            })),
            None => Err("Nothing to send: fill in the fields first.".into()),
        }
    }

    fn load_more(&self, state: &mut State, view: ViewId) -> Vec<Effect> {
        load_more(state, view)
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        match result {
            Ok(Payload::Onboarding(calls::Payload::Saved(changed))) => {
                on_changed(state, view, changed)
            }
            result => on_loaded(state, view, req, result),
        }
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn day(d: &Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// The companies table: the pane, `:export` and `backoffice get companies` show these.
pub const COMPANY_COLUMNS: &[Column<Company>] = &[
    Column::new("Company", Width::Fill(1), |c| c.name.clone()),
    Column::new("External id", Width::Fixed(12), |c| opt(&c.external_id)),
    Column::new("Country", Width::Fixed(7), |c| opt(&c.country)),
    Column::new("Onboarding", Width::Fixed(10), |c| day(&c.onboarding)),
    Column::new("Offboarding", Width::Fixed(11), |c| day(&c.offboarding)),
    Column::new("Account manager", Width::Fixed(24), |c: &Company| {
        opt(&c.account_manager)
    })
    .from_width(120),
    Column::new("Id", Width::Max(24), |c: &Company| c.id.clone()).from_width(140),
];

/// A company's departments.
pub const DEPARTMENT_COLUMNS: &[Column<Department>] = &[
    Column::new("Department", Width::Fill(1), |d| d.name.clone()),
    Column::new("External id", Width::Fixed(16), |d| opt(&d.external_id)),
    Column::new("Id", Width::Fixed(28), |d| d.id.clone()),
];

/// A department's employees (and one employee, as a one-row table).
pub const EMPLOYEE_COLUMNS: &[Column<ClientEmployee>] = &[
    Column::new("Name", Width::Fill(1), |e| e.full_name()),
    Column::new("No.", Width::Fixed(9), |e| opt(&e.employee_number)),
    Column::new("Onboarding", Width::Fixed(10), |e| day(&e.onboarding)),
    Column::new("Offboarding", Width::Fixed(11), |e| day(&e.offboarding)),
    Column::new("Access", Width::Fixed(7), access),
    Column::new("Dep.", Width::Fixed(4), |e| {
        e.dependent_counts.0.to_string()
    }),
    Column::new("External id", Width::Fixed(12), |e: &ClientEmployee| {
        opt(&e.external_id)
    })
    .from_width(120),
    Column::new("Email", Width::Fill(1), |e: &ClientEmployee| opt(&e.email)).from_width(120),
];

/// Whether the employee can use Healthmov now, in words.
pub fn access(e: &ClientEmployee) -> String {
    match (e.has_access, e.onboarded_at.is_some()) {
        (true, _) => "yes",
        (false, false) => "not yet",
        (false, true) => "ended",
    }
    .into()
}

impl ListRow for Company {
    const TITLE: &'static str = "Companies";
    const SHEET: &'static str = "companies";
    const CONTEXT: Context = registry::COMPANIES;
    const COPY_LABEL: &'static str = "company id";
    const COLUMNS: &'static [Column<Self>] = COMPANY_COLUMNS;
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Pane for DepartmentsView {
    fn title(&self) -> String {
        self.company.name.clone()
    }
    fn context(&self) -> Context {
        registry::DEPARTMENTS
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        Some(&mut self.list)
    }
    fn filter(&self) -> Option<&crate::app::filter::ListFilter> {
        self.list.filter.as_ref()
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::of(
            "departments",
            DEPARTMENT_COLUMNS,
            &self.list.rows,
            shown,
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some((
            "department id",
            self.list.rows.get(self.list.selected)?.id.clone(),
        ))
    }
    fn cancelled(&mut self) {
        ListCursor::cancelled(&mut self.list)
    }
}

impl Pane for ClientEmployeesView {
    fn title(&self) -> String {
        self.department.name.clone()
    }
    fn context(&self) -> Context {
        registry::CLIENT_EMPLOYEES
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        Some(&mut self.list)
    }
    fn filter(&self) -> Option<&crate::app::filter::ListFilter> {
        self.list.filter.as_ref()
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::of(
            "client-employees",
            EMPLOYEE_COLUMNS,
            &self.list.rows,
            shown,
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some((
            "employee id",
            self.list.rows.get(self.list.selected)?.id.clone(),
        ))
    }
    fn cancelled(&mut self) {
        ListCursor::cancelled(&mut self.list)
    }
}

impl Pane for ClientEmployeeView {
    fn title(&self) -> String {
        self.employee.full_name()
    }
    fn context(&self) -> Context {
        registry::CLIENT_EMPLOYEE
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::of(
            "client-employee",
            EMPLOYEE_COLUMNS,
            std::iter::once(&self.employee),
            shown,
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("employee id", self.employee.id.clone()))
    }
    fn cancelled(&mut self) {}
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::healthmov::NAME,
            format_args!("employee:{}", self.employee.id),
            self.employee.full_name(),
        ))
    }
}

crate::filter_on_columns!(Company, COMPANY_COLUMNS);
crate::filter_on_columns!(Department, DEPARTMENT_COLUMNS);
crate::filter_on_columns!(ClientEmployee, EMPLOYEE_COLUMNS);

#[cfg(test)]
mod tests;
