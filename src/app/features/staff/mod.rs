//! The bank's employees on Unioo: the list (paged and sorted like users), one employee's
//! details, and the form that creates one. Free of I/O.

pub mod calls;
use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::form::Form;
use crate::app::paging::{ListCursor, PagedList};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self};
use crate::app::state::{Overlay, State, ViewId};
use crate::audit::Event;
use crate::backends::BackendError;
use crate::core::Employee;
use crate::format;

/// Roles as staff read them: `BANK_ADMIN` is "bank admin".
pub fn roles(e: &Employee) -> String {
    e.roles
        .iter()
        .map(|r| r.replace('_', " ").to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The employees table: the pane, `:export` and `backoffice get employees` show these.
pub const COLUMNS: &[Column<Employee>] = &[
    Column::new("Name", Width::Percent(22), |e| e.full_name()),
    Column::new("External id", Width::Fixed(11), |e| {
        e.external_id.clone().unwrap_or_default()
    }),
    Column::new("Email", Width::Percent(33), |e| {
        e.email.clone().unwrap_or_default()
    }),
    Column::new("Last login", Width::Fixed(10), |e| {
        format::date(e.last_login)
    }),
    Column::new("Roles", Width::Fill(1), roles),
    Column::new("Id", Width::Id, |e: &Employee| e.id.to_string()).from_width(120),
];

pub struct Staff;

/// `e`: the employees list (the one already open, if any).
pub fn open_list(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::Employees(_))) {
        return effects;
    }
    let view = state.push(ViewKind::Employees(Default::default()));
    load_more(state, view)
}

fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::Employees(l) if l.wants_page() => Some(Call::Staff(calls::Call::Page {
            after: l.next_cursor.clone(),
            sort: l.sort,
        })),
        _ => None,
    })
}

/// The form's call: create this employee (audited, the email masked in the record).
pub fn create_call(form: &Form, backend: &str) -> Call {
    let email = form.value("Email").unwrap_or_default();
    let audit = Event {
        backend: backend.to_string(),
        action: "employee.create".into(),
        // Audit records hold masked values only.
        targets: vec![format!("email:{}", crate::core::mask_email(&email))],
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    };
    Call::Staff(calls::Call::Create {
        email,
        first_name: form.value("First name"),
        last_name: form.value("Last name"),
        audit: Box::new(audit),
    })
}

impl Feature for Staff {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        match (&state.top().kind, command) {
            (ViewKind::Employees(_), Command::New) => {
                state.overlay = Overlay::Form(Form::bank_employee());
                Vec::new()
            }
            (ViewKind::Employees(_), Command::Sort) => {
                let view = state.top().id;
                let mut effects = Vec::new();
                if let ViewKind::Employees(l) = &mut state.top_mut().kind {
                    let old = l.resort();
                    requests::supersede(state, old, &mut effects);
                }
                effects.extend(load_more(state, view));
                effects
            }
            _ => Vec::new(),
        }
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        if let ViewKind::Employees(l) = &state.top().kind
            && let Some(e) = l.rows.get(l.selected).cloned()
        {
            state.push(ViewKind::Employee(Box::new(e)));
        }
        Vec::new()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        match &mut state.top_mut().kind {
            ViewKind::Employees(l) => {
                l.refresh();
                load_more(state, view)
            }
            _ => Vec::new(),
        }
    }

    fn submit(&self, state: &State, form: &Form) -> Result<Call, String> {
        Ok(create_call(form, state.profile.backend))
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
        let Some(ViewKind::Employees(l)) = state.view_mut(view).map(|v| &mut v.kind) else {
            return Vec::new();
        };
        match result {
            // The form's employee was created: the list again from the top, saying so.
            Ok(Payload::Staff(calls::Payload::Created(e))) => {
                *l = PagedList {
                    notice: Some(format!(
                        "Created {} ({})",
                        e.full_name(),
                        e.email.clone().unwrap_or_default()
                    )),
                    ..l.restarted()
                };
                load_more(state, view)
            }
            result => {
                l.apply(req, result, |p| match p {
                    Payload::Staff(calls::Payload::Page(page)) => Some(page),
                    _ => None,
                });
                Vec::new()
            }
        }
    }
}

impl ListRow for Employee {
    const TITLE: &'static str = "Employees";
    const SHEET: &'static str = "employees";
    const CONTEXT: Context = registry::STAFF;
    const COPY_LABEL: &'static str = "employee id";
    const COLUMNS: &'static [Column<Self>] = COLUMNS;
    fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Pane for Employee {
    fn title(&self) -> String {
        self.full_name()
    }
    fn context(&self) -> Context {
        registry::EMPLOYEE
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, _: &Shown) -> Option<Sheet> {
        Some(Sheet::fields("employee", detail(self)))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("employee id", self.id.to_string()))
    }
    fn cancelled(&mut self) {}
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::unioo::NAME,
            format_args!("employee:{}", self.id),
            self.full_name(),
        ))
    }
}

/// One employee's fields, as the detail pane shows them.
pub fn detail(e: &Employee) -> Vec<(&'static str, String)> {
    vec![
        ("Name", e.full_name()),
        (
            "External id",
            format::or_dash(e.external_id.as_deref()).into(),
        ),
        ("Email", format::or_dash(e.email.as_deref()).into()),
        ("Created", format::datetime(e.created)),
        ("Last login", format::datetime(e.last_login)),
        (
            "Roles",
            if e.roles.is_empty() {
                "—".into()
            } else {
                roles(e)
            },
        ),
        ("Id", e.id.to_string()),
    ]
}

crate::filter_on_columns!(Employee, COLUMNS);
