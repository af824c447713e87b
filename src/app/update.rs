//! `update`: the console's logic. Synchronous and free of I/O: it changes the state and returns
//! the effects (backend calls, cancellations) for the runner to carry out.

use super::action::{Action, Call, Effect, Payload, RequestId};
use super::palette;
use super::registry::{self, Command};
use super::state::*;
use crate::backends::BackendError;
use crate::core::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Action::Key(_) => Vec::new(),
        Action::Paste(text) => {
            if let ViewKind::Search(s) = &mut state.top_mut().kind
                && s.focus == SearchFocus::Input
            {
                for c in text.chars().filter(|c| !c.is_control()) {
                    s.input.handle(tui_input::InputRequest::InsertChar(c));
                }
                s.error = None;
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            let rows = list_rows(h);
            for v in &mut state.views {
                match &mut v.kind {
                    ViewKind::Users(l) => keep_visible(l, rows),
                    ViewKind::Employees(l) => keep_visible(l, rows),
                    _ => {}
                }
            }
            Vec::new()
        }
        Action::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Action::Loaded { req, result } => on_loaded(state, req, result),
    }
}

/// Whether a tick changed what the screen shows (only the spinner animates).
pub fn tick_redraws(state: &State) -> bool {
    state.slow_request().is_some()
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match &mut state.overlay {
        Overlay::Help => {
            if matches!(key.code, KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter | KeyCode::F(1)) {
                state.overlay = Overlay::None;
            }
            return Vec::new();
        }
        Overlay::Palette { input, selected } => {
            let ctx = state.views.last().map(View::context).unwrap_or(registry::DETAIL);
            let matches = palette::matches(input.value(), ctx);
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Up => *selected = selected.saturating_sub(1),
                KeyCode::Down => *selected = (*selected + 1).min(matches.len().saturating_sub(1)),
                KeyCode::Enter => {
                    let chosen = matches.get(*selected).map(|s| s.command);
                    state.overlay = Overlay::None;
                    if let Some(c) = chosen {
                        return run(state, c);
                    }
                }
                _ => {
                    input.handle_event(&Event::Key(key));
                    *selected = 0;
                }
            }
            return Vec::new();
        }
        Overlay::None => {}
    }
    let ctx = state.top().context();
    match registry::lookup(&key, ctx) {
        Some(command) => run(state, command),
        None if ctx.typing => {
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                if key.code == KeyCode::Enter {
                    return submit_search(state);
                }
                if s.input.handle_event(&Event::Key(key)).is_some() {
                    s.error = None;
                }
            }
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// Runs a command from the registry (by key or from the palette).
pub fn run(state: &mut State, command: Command) -> Vec<Effect> {
    let rows = list_rows(state.size.1);
    match command {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Help => {
            state.overlay = Overlay::Help;
            Vec::new()
        }
        Command::Palette => {
            state.overlay = Overlay::Palette { input: Default::default(), selected: 0 };
            Vec::new()
        }
        Command::Back => back(state),
        Command::Search => {
            let effects = cancel_views_above(state, 1);
            state.views.truncate(1);
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.focus = SearchFocus::Input;
            }
            effects
        }
        Command::Users => open_list(state, true),
        Command::Employees => open_list(state, false),
        Command::Refresh => refresh(state),
        Command::SwitchFocus => {
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.focus = match s.focus {
                    SearchFocus::Input => SearchFocus::Results,
                    SearchFocus::Results => SearchFocus::Input,
                };
            }
            Vec::new()
        }
        Command::NextTab | Command::PrevTab | Command::Tab1 | Command::Tab2 | Command::Tab3 | Command::Tab4 => {
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                let i = p.tab.index();
                p.tab = match command {
                    Command::NextTab => PersonTab::ALL[(i + 1) % 4],
                    Command::PrevTab => PersonTab::ALL[(i + 3) % 4],
                    Command::Tab1 => PersonTab::Overview,
                    Command::Tab2 => PersonTab::Roles,
                    Command::Tab3 => PersonTab::Identity,
                    _ => PersonTab::Documents,
                };
                p.open_document = None;
            }
            Vec::new()
        }
        Command::Up | Command::Down | Command::PageUp | Command::PageDown | Command::Top | Command::Bottom => {
            move_cursor(state, command, rows)
        }
        Command::Open => open(state),
        Command::Sort => {
            let view = state.top().id;
            let mut effects = Vec::new();
            match &mut state.top_mut().kind {
                ViewKind::Users(l) => {
                    let sort = l.sort.next();
                    effects.extend(l.loading.take().map(Effect::Cancel));
                    *l = PagedList { sort, ..Default::default() };
                }
                ViewKind::Employees(l) => {
                    let sort = l.sort.next();
                    effects.extend(l.loading.take().map(Effect::Cancel));
                    *l = PagedList { sort, ..Default::default() };
                }
                _ => return effects,
            }
            for e in &effects {
                if let Effect::Cancel(r) = e {
                    state.requests.remove(r);
                }
            }
            effects.extend(load_more(state, view));
            effects
        }
    }
}

fn submit_search(state: &mut State) -> Vec<Effect> {
    let today = state.today;
    let view = state.top().id;
    let ViewKind::Search(s) = &mut state.top_mut().kind else {
        return Vec::new();
    };
    match Cpr::parse_on(s.input.value(), today) {
        Err(e) => {
            s.error = Some(e.to_string());
            Vec::new()
        }
        Ok(cpr) => {
            // The full number leaves the screen once submitted; the field shows it masked.
            s.input = Default::default();
            s.submitted = Some(cpr);
            s.error = None;
            let mut effects: Vec<Effect> = match s.results {
                Resource::Loading(old) => vec![Effect::Cancel(old)],
                _ => Vec::new(),
            };
            if let Some(Effect::Cancel(old)) = effects.first() {
                state.requests.remove(old);
            }
            let req = start(state, view, Call::FindByCpr(cpr), &mut effects);
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.results = Resource::Loading(req);
                s.selected = 0;
            }
            effects
        }
    }
}

/// Registers a call and returns its request id.
fn start(state: &mut State, view: ViewId, call: Call, effects: &mut Vec<Effect>) -> RequestId {
    let req = state.next_id();
    state.requests.insert(req, InFlight { view, started: state.now, what: call.describe() });
    effects.push(Effect::Call { req, call });
    req
}

fn cancel(state: &mut State, req: RequestId, effects: &mut Vec<Effect>) {
    state.requests.remove(&req);
    effects.push(Effect::Cancel(req));
}

/// Cancels every request of the views from `keep` up.
fn cancel_views_above(state: &mut State, keep: usize) -> Vec<Effect> {
    let ids: Vec<ViewId> = state.views.iter().skip(keep).map(|v| v.id).collect();
    let reqs: Vec<RequestId> =
        state.requests.iter().filter(|(_, r)| ids.contains(&r.view)).map(|(id, _)| *id).collect();
    let mut effects = Vec::new();
    for r in reqs {
        cancel(state, r, &mut effects);
    }
    effects
}

/// Esc: cancel what the current view is waiting for; if nothing, close the document or go back.
fn back(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let running: Vec<RequestId> =
        state.requests.iter().filter(|(_, r)| r.view == view).map(|(id, _)| *id).collect();
    let mut effects = Vec::new();
    if !running.is_empty() {
        for r in &running {
            cancel(state, *r, &mut effects);
        }
        match &mut state.top_mut().kind {
            ViewKind::Search(s) => s.results = Resource::Failed("Search cancelled.".into()),
            ViewKind::Person(p) => {
                if p.person.is_loading() {
                    p.person = Resource::Failed("Cancelled. Press F5 to load again.".into());
                }
                if let Some((_, doc)) = &mut p.open_document
                    && doc.is_loading()
                {
                    p.open_document = None;
                }
            }
            ViewKind::Users(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::Employees(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::Employee(_) => {}
        }
        return effects;
    }
    let depth = state.views.len();
    match &mut state.top_mut().kind {
        ViewKind::Person(p) if p.open_document.is_some() => p.open_document = None,
        ViewKind::Search(s) => s.focus = SearchFocus::Results,
        _ if depth > 1 => {
            state.views.pop();
        }
        _ => {}
    }
    effects
}

fn open_list(state: &mut State, users: bool) -> Vec<Effect> {
    // Reuse an open list rather than stacking a second one.
    if let Some(pos) = state.views.iter().position(|v| {
        matches!((&v.kind, users), (ViewKind::Users(_), true) | (ViewKind::Employees(_), false))
    }) {
        let effects = cancel_views_above(state, pos + 1);
        state.views.truncate(pos + 1);
        return effects;
    }
    let kind = if users { ViewKind::Users(Default::default()) } else { ViewKind::Employees(Default::default()) };
    let view = state.push(kind);
    load_more(state, view)
}

/// Asks for the next page of a paged list, unless one is on its way or the list is complete.
fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    let call = match state.view_mut(view).map(|v| &mut v.kind) {
        Some(ViewKind::Users(l)) if l.loading.is_none() && !l.complete() => {
            Call::Users { after: l.next_cursor.clone(), sort: l.sort }
        }
        Some(ViewKind::Employees(l)) if l.loading.is_none() && !l.complete() => {
            Call::Employees { after: l.next_cursor.clone(), sort: l.sort }
        }
        _ => return Vec::new(),
    };
    let mut effects = Vec::new();
    let req = start(state, view, call, &mut effects);
    match state.view_mut(view).map(|v| &mut v.kind) {
        Some(ViewKind::Users(l)) => {
            l.loading = Some(req);
            l.error = None;
        }
        Some(ViewKind::Employees(l)) => {
            l.loading = Some(req);
            l.error = None;
        }
        _ => {}
    }
    effects
}

fn refresh(state: &mut State) -> Vec<Effect> {
    let mut effects = cancel_views_above(state, state.views.len() - 1);
    let view = state.top().id;
    match &mut state.top_mut().kind {
        ViewKind::Person(p) => {
            let id = p.id;
            p.open_document = None;
            let req = start(state, view, Call::Person(id), &mut effects);
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                p.person = Resource::Loading(req);
            }
        }
        ViewKind::Users(l) => {
            *l = PagedList { sort: l.sort, ..Default::default() };
            effects.extend(load_more(state, view));
        }
        ViewKind::Employees(l) => {
            *l = PagedList { sort: l.sort, ..Default::default() };
            effects.extend(load_more(state, view));
        }
        ViewKind::Search(s) => {
            if let Some(cpr) = s.submitted {
                let req = start(state, view, Call::FindByCpr(cpr), &mut effects);
                if let ViewKind::Search(s) = &mut state.top_mut().kind {
                    s.results = Resource::Loading(req);
                }
            }
        }
        ViewKind::Employee(_) => {}
    }
    effects
}

fn step(selected: usize, len: usize, command: Command, page: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match command {
        Command::Up => selected.saturating_sub(1),
        Command::Down => (selected + 1).min(last),
        Command::PageUp => selected.saturating_sub(page),
        Command::PageDown => (selected + page).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => selected,
    }
}

fn keep_visible<T>(l: &mut PagedList<T>, rows: usize) {
    if l.selected < l.offset {
        l.offset = l.selected;
    } else if l.selected >= l.offset + rows {
        l.offset = l.selected + 1 - rows;
    }
}

fn move_cursor(state: &mut State, command: Command, rows: usize) -> Vec<Effect> {
    let view = state.top().id;
    let near_end = match &mut state.top_mut().kind {
        ViewKind::Search(s) => {
            let len = s.results.loaded().map_or(0, Vec::len);
            s.selected = step(s.selected, len, command, rows);
            false
        }
        ViewKind::Person(p) => {
            match p.tab {
                PersonTab::Roles => {
                    let len = p.person.loaded().map_or(0, |x| x.administrators.len());
                    p.role_row = step(p.role_row, len, command, rows);
                }
                PersonTab::Documents => {
                    let len = p.documents().len();
                    p.document_row = step(p.document_row, len, command, rows);
                    p.open_document = None;
                }
                _ => {}
            }
            false
        }
        ViewKind::Users(l) => {
            l.selected = step(l.selected, l.rows.len(), command, rows);
            keep_visible(l, rows);
            l.selected + 2 * rows >= l.rows.len()
        }
        ViewKind::Employees(l) => {
            l.selected = step(l.selected, l.rows.len(), command, rows);
            keep_visible(l, rows);
            l.selected + 2 * rows >= l.rows.len()
        }
        ViewKind::Employee(_) => false,
    };
    // Page in ahead of the cursor, so scrolling rarely waits.
    if near_end { load_more(state, view) } else { Vec::new() }
}

fn open(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let mut effects = Vec::new();
    let target = match &mut state.top_mut().kind {
        ViewKind::Search(s) => s.results.loaded().and_then(|r| r.get(s.selected)).map(|p| (p.id, p.full_name())),
        ViewKind::Users(l) => l.rows.get(l.selected).map(|p| (p.id, p.full_name())),
        ViewKind::Employees(l) => {
            if let Some(e) = l.rows.get(l.selected).cloned() {
                state.push(ViewKind::Employee(Box::new(e)));
            }
            return effects;
        }
        ViewKind::Person(p) if p.tab == PersonTab::Documents => {
            let Some(kind) = p.documents().get(p.document_row).map(|d| d.kind) else {
                return effects;
            };
            let user = p.id;
            let req = start(state, view, Call::Document { user, kind }, &mut effects);
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                p.open_document = Some((kind, Resource::Loading(req)));
            }
            return effects;
        }
        _ => None,
    };
    if let Some((id, title)) = target {
        open_person(state, id, title, &mut effects);
    }
    effects
}

fn open_person(state: &mut State, id: uuid::Uuid, title: String, effects: &mut Vec<Effect>) {
    let view = state.push(ViewKind::Person(Box::new(PersonView {
        id,
        title,
        person: Resource::Idle,
        tab: PersonTab::Overview,
        role_row: 0,
        document_row: 0,
        open_document: None,
    })));
    let req = start(state, view, Call::Person(id), effects);
    if let ViewKind::Person(p) = &mut state.top_mut().kind {
        p.person = Resource::Loading(req);
    }
}

fn on_loaded(state: &mut State, req: RequestId, result: Result<Payload, BackendError>) -> Vec<Effect> {
    // A result nobody waits for any more (cancelled, superseded, view closed) is dropped.
    let Some(flight) = state.requests.remove(&req) else {
        return Vec::new();
    };
    match &result {
        Ok(_) => {
            state.health = Health::Ok;
        }
        Err(e) => {
            state.health = match e {
                BackendError::Unauthorized { .. } => Health::AuthFailed,
                e if e.backend_down() => Health::Down,
                _ => Health::Ok,
            };
            state.last_error = Some(e.to_string());
        }
    }
    let mut effects = Vec::new();
    let Some(view) = state.view_mut(flight.view) else {
        return effects;
    };
    let failed = |e: &BackendError| e.to_string();
    let mut open_single: Option<(uuid::Uuid, String)> = None;
    match (&mut view.kind, result) {
        (ViewKind::Search(s), result) if s.results == Resource::Loading(req) => match result {
            Ok(Payload::Search(rows)) => {
                if rows.len() == 1 {
                    open_single = Some((rows[0].id, rows[0].full_name()));
                }
                s.focus = if rows.is_empty() { SearchFocus::Input } else { SearchFocus::Results };
                s.results = Resource::Loaded(rows);
                s.selected = 0;
            }
            Ok(_) => {}
            Err(e) => s.results = Resource::Failed(failed(&e)),
        },
        (ViewKind::Person(p), result) => match result {
            Ok(Payload::Person(Some(person))) if p.person == Resource::Loading(req) => {
                p.title = person.full_name();
                p.person = Resource::Loaded(person);
            }
            Ok(Payload::Person(None)) => {
                p.person = Resource::Failed(
                    "This person is not visible to your bank any more (no active administrator role).".into(),
                );
            }
            Ok(Payload::Document(file)) => {
                if let Some((_, doc)) = &mut p.open_document {
                    *doc = Resource::Loaded(file);
                }
            }
            Err(e) => {
                if p.person == Resource::Loading(req) {
                    p.person = Resource::Failed(failed(&e));
                } else if let Some((_, doc)) = &mut p.open_document {
                    *doc = Resource::Failed(failed(&e));
                }
            }
            Ok(_) => {}
        },
        (ViewKind::Users(l), result) => apply_page(l, req, result, |p| match p {
            Payload::Users(page) => Some(page),
            _ => None,
        }),
        (ViewKind::Employees(l), result) => apply_page(l, req, result, |p| match p {
            Payload::Employees(page) => Some(page),
            _ => None,
        }),
        _ => {}
    }
    if let Some((id, title)) = open_single {
        open_person(state, id, title, &mut effects);
    }
    effects
}

fn apply_page<T>(
    l: &mut PagedList<T>,
    req: RequestId,
    result: Result<Payload, BackendError>,
    page: impl FnOnce(Payload) -> Option<Page<T>>,
) {
    if l.loading != Some(req) {
        return;
    }
    l.loading = None;
    match result.map(page) {
        Ok(Some(p)) => {
            l.rows.extend(p.items);
            l.total = Some(p.total);
            l.next_cursor = p.next_cursor;
        }
        Ok(None) => {}
        Err(e) => l.error = Some(e.to_string()),
    }
}
