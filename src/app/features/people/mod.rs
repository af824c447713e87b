//! Unioo people: the users list (paged as you scroll, sorted on the server) and one person
//! with four tabs (overview and KYC, roles, identity, documents). Free of I/O.

pub mod calls;
pub mod facts;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::paging::{ListCursor, list_rows, step};
use crate::app::pane::{Feature, ListRow, Pane, Revealable};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self, start};
use crate::app::state::{Resource, State, ViewId};
use crate::backends::BackendError;
use crate::core::{PersonSummary, Ssn};

/// The users table: the pane, `:export` and `backoffice get users` show these.
pub const USER_COLUMNS: &[Column<PersonSummary>] = &[
    Column::new("Name", Width::Percent(40), |p| p.full_name()),
    Column::new("Email", Width::Fill(1), |p| {
        p.email.clone().unwrap_or_default()
    }),
    Column::new("Id", Width::Id, |p| p.id.to_string()),
];

pub struct People;

/// `u`: the users list (the one already open, if any).
pub fn open_users(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::Users(_))) {
        return effects;
    }
    let view = state.push(ViewKind::Users(Default::default()));
    load_more(state, view)
}

fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::Users(l) if l.wants_page() => Some(Call::People(calls::Call::Users {
            after: l.next_cursor.clone(),
            sort: l.sort,
        })),
        _ => None,
    })
}

/// Opens a person by id, loading; `title` stands in the breadcrumbs until they load.
pub fn open_person(state: &mut State, id: uuid::Uuid, title: String, effects: &mut Vec<Effect>) {
    let view = state.push(ViewKind::Person(Box::new(PersonView {
        id,
        revealed: false,
        title,
        person: Resource::Idle,
        tab: PersonTab::Overview,
        role_row: 0,
        document_row: 0,
        open_document: None,
    })));
    let req = start(state, view, Call::People(calls::Call::Person(id)), effects);
    if let ViewKind::Person(p) = &mut state.top_mut().kind {
        p.person = Resource::Loading(req);
    }
}

fn switch_tab(p: &mut PersonView, command: Command) {
    let i = p.tab.index();
    let n = PersonTab::ALL.len();
    p.tab = match command {
        Command::NextTab => PersonTab::ALL[(i + 1) % n],
        Command::PrevTab => PersonTab::ALL[(i + n - 1) % n],
        Command::Tab1 => PersonTab::Overview,
        Command::Tab2 => PersonTab::Roles,
        Command::Tab3 => PersonTab::Identity,
        Command::Tab4 => PersonTab::Documents,
        _ => p.tab,
    };
    p.open_document = None;
    p.revealed = false;
}

impl Feature for People {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = list_rows(state.size.1);
        match (&mut state.top_mut().kind, command) {
            (ViewKind::Person(p), Command::NextTab | Command::PrevTab)
            | (ViewKind::Person(p), Command::Tab1 | Command::Tab2)
            | (ViewKind::Person(p), Command::Tab3 | Command::Tab4) => switch_tab(p, command),
            (ViewKind::Person(p), Command::Up | Command::Down)
            | (ViewKind::Person(p), Command::PageUp | Command::PageDown)
            | (ViewKind::Person(p), Command::Top | Command::Bottom) => match p.tab {
                PersonTab::Roles => {
                    let len = p.person.loaded().map_or(0, |x| x.administrators.len());
                    p.role_row = step(p.role_row, len, command, rows);
                }
                PersonTab::Documents => {
                    let len = p.documents().len();
                    p.document_row = step(p.document_row, len, command, rows);
                    p.open_document = None;
                }
                PersonTab::Overview | PersonTab::Identity => {}
            },
            (ViewKind::Users(l), Command::Sort) => {
                let old = l.resort();
                let view = state.top().id;
                let mut effects = Vec::new();
                requests::supersede(state, old, &mut effects);
                effects.extend(load_more(state, view));
                return effects;
            }
            _ => {}
        }
        Vec::new()
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        let mut effects = Vec::new();
        match &state.top().kind {
            ViewKind::Users(l) => {
                if let Some(p) = l.rows.get(l.selected) {
                    let (id, title) = (p.id, p.full_name());
                    open_person(state, id, title, &mut effects);
                }
            }
            ViewKind::Person(p) if p.tab == PersonTab::Documents => {
                let Some(doc) = p.documents().get(p.document_row).copied() else {
                    return effects;
                };
                // A document the backend names (id and version) opens for review, as from
                // the queue: image, KYC and risk beside it, and the decision keys.
                if let Some(item) = p
                    .person
                    .loaded()
                    .and_then(|person| crate::core::ReviewItem::of(person, doc))
                {
                    effects.push(Effect::Open(Box::new(
                        crate::search::Target::UniooDocument(Box::new(item)),
                    )));
                    return effects;
                }
                let kind = doc.kind;
                let user = p.id;
                let req = start(
                    state,
                    view,
                    Call::People(calls::Call::Document { user, kind }),
                    &mut effects,
                );
                if let ViewKind::Person(p) = &mut state.top_mut().kind {
                    p.open_document = Some((kind, Resource::Loading(req)));
                }
            }
            _ => {}
        }
        effects
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        let mut effects = Vec::new();
        match &mut state.top_mut().kind {
            ViewKind::Person(p) => {
                let id = p.id;
                p.open_document = None;
                let req = start(
                    state,
                    view,
                    Call::People(calls::Call::Person(id)),
                    &mut effects,
                );
                if let ViewKind::Person(p) = &mut state.top_mut().kind {
                    p.person = Resource::Loading(req);
                }
            }
            ViewKind::Users(l) => {
                l.refresh();
                effects.extend(load_more(state, view));
            }
            _ => {}
        }
        effects
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
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::Users(l)) => l.apply(req, result, |p| match p {
                Payload::People(calls::Payload::Users(page)) => Some(page),
                _ => None,
            }),
            Some(ViewKind::Person(p)) => on_person_loaded(p, req, result),
            _ => {}
        }
        Vec::new()
    }
}

fn on_person_loaded(p: &mut PersonView, req: RequestId, result: Result<Payload, BackendError>) {
    match result {
        Ok(Payload::People(calls::Payload::Person(Some(person))))
            if p.person == Resource::Loading(req) =>
        {
            p.title = person.full_name();
            p.person = Resource::Loaded(person);
        }
        Ok(Payload::People(calls::Payload::Person(None))) => {
            p.person = Resource::Failed(
                "This person is not visible to your bank any more (no active administrator role)."
                    .into(),
            );
        }
        Ok(Payload::People(calls::Payload::Document { file, .. })) => {
            if let Some((_, doc)) = &mut p.open_document {
                *doc = Resource::Loaded(file);
            }
        }
        Ok(Payload::Revealed) => p.revealed = true,
        // Already in the status line; the person stays as loaded.
        Err(e) if e.code() == Some("AUDIT_UNAVAILABLE") => {}
        Err(e) => {
            if p.person == Resource::Loading(req) {
                p.person = Resource::Failed(e.to_string());
            } else if let Some((_, doc)) = &mut p.open_document {
                *doc = Resource::Failed(e.to_string());
            }
        }
        Ok(_) => {}
    }
}

impl ListRow for PersonSummary {
    const TITLE: &'static str = "Users";
    const SHEET: &'static str = "users";
    const CONTEXT: Context = registry::PAGED_LIST;
    const COPY_LABEL: &'static str = "user id";
    const COLUMNS: &'static [Column<Self>] = USER_COLUMNS;
    fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Pane for PersonView {
    fn title(&self) -> String {
        self.title.clone()
    }
    fn context(&self) -> Context {
        registry::PERSON
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        // The roles and documents tabs move their own rows (see `on_command`).
        None
    }
    fn sheet(&self, _: &Shown) -> Option<Sheet> {
        let x = self.person.loaded()?;
        Some(Sheet::fields("person", person_fields(x)))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("person id", self.id.to_string()))
    }
    fn cancelled(&mut self) {
        if self.person.is_loading() {
            self.person = Resource::Failed("Cancelled. Press F5 to load again.".into());
        }
        if let Some((_, doc)) = &self.open_document
            && doc.is_loading()
        {
            self.open_document = None;
        }
    }
    fn back(&mut self) -> bool {
        self.open_document.take().is_some()
    }
    fn revealable(&self) -> Option<Revealable> {
        let p = self.person.loaded()?;
        let ssn = p.ssn()?;
        Some(Revealable {
            targets: vec![format!("user:{}", self.id)],
            masked: p.masked_ssn(),
            cpr: match ssn {
                Ssn::Danish(c) => Some(*c),
                _ => None,
            },
            revealed: self.revealed,
        })
    }
    fn set_revealed(&mut self, shown: bool) {
        self.revealed = shown;
    }
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::unioo::NAME,
            format_args!("user:{}", self.id),
            self.title.clone(),
        ))
    }
}

/// A person's facts as the person view shows them, masked (a file outlives the screen).
/// What `:export` writes for a person: every fact of the four tabs, the CPR masked (a
/// revealed number is for the screen only), each warning beside its value.
pub fn person_fields(x: &crate::core::Person) -> Vec<(&'static str, String)> {
    let mut all = vec![facts::Fact {
        label: "Name",
        value: x.full_name(),
        tone: crate::app::columns::Tone::Normal,
        flag: None,
    }];
    all.extend(facts::overview(x, false));
    all.extend(facts::roles(x));
    all.extend(facts::identity(x));
    all.extend(facts::verifications(x));
    all.extend(facts::documents(x));
    all.push(facts::Fact {
        label: "Id",
        value: x.id.to_string(),
        tone: crate::app::columns::Tone::Normal,
        flag: None,
    });
    all.into_iter()
        .map(|f| match f.flag {
            Some(flag) => (f.label, format!("{} ⚠ {flag}", f.value)),
            None => (f.label, f.value),
        })
        .collect()
}

crate::filter_on_columns!(PersonSummary, USER_COLUMNS);
