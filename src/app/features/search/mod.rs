//! The search pane's logic: one query fanned out to every configured backend that can look
//! for it, each answer merged in as it arrives, a backend's slowness or failure shown beside
//! its name without holding up the others. Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::paging::{ListCursor, list_rows, step};
use crate::app::pane::{Feature, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::start;
use crate::app::state::{State, ViewId};
use crate::backends::BackendError;
use crate::search::{Hit, Source, Target, classify, merge};
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

/// The results table: the pane, `:export` and `backoffice search --output table` show these.
pub const COLUMNS: &[Column<Hit>] = &[
    Column::new("Source", Width::Fixed(11), |h| h.source.name().into()),
    Column::new("Name", Width::Fixed(22), |h| h.name.clone()),
    Column::new("CPR", Width::Fixed(11), |h| {
        h.cpr.map(|c| c.masked()).unwrap_or_default()
    }),
    Column::new("Email", Width::Fixed(36), |h: &Hit| {
        h.email.clone().unwrap_or_default()
    })
    .from_width(120),
    Column::new("What", Width::Fill(1), |h| h.detail.clone()),
];

pub struct Search;

/// Enter in the field: classify, then ask each backend that can search by it.
pub fn submit(state: &mut State) -> Vec<Effect> {
    let today = state.today;
    let view = state.top().id;
    let sources = state.profile.search_sources.clone();
    let keys = (
        state.keymap.label(crate::app::registry::Command::Users),
        state.keymap.label(crate::app::registry::Command::Filter),
    );
    let ViewKind::Search(s) = &mut state.top_mut().kind else {
        return Vec::new();
    };
    let query = match classify(s.input.value(), today) {
        Ok(q) => q,
        Err(e) => {
            s.error = Some(e);
            return Vec::new();
        }
    };
    let unioo_by_name =
        sources.contains(&Source::Unioo) && matches!(query, crate::search::Query::Name(_));
    let asked: Vec<Source> = sources
        .into_iter()
        .filter(|src| src.can_search(&query))
        .collect();
    // Unioo's API finds people by SSN or id only; its users list can be filtered by name.
    s.advice = unioo_by_name.then(|| {
        format!(
            "Unioo cannot search by name: `{}` lists its users, then `{}` filters them.",
            keys.0, keys.1
        )
    });
    if asked.is_empty() {
        s.error = Some(format!(
            "No backend in this profile can search by {}.",
            query.kind()
        ));
        return Vec::new();
    }
    // What was typed leaves the field (a CPR is shown masked from now on).
    s.input = Default::default();
    s.error = None;
    s.submitted = Some(query.clone());
    s.results.clear();
    s.selected = 0;
    let old: Vec<RequestId> = s.pending().collect();
    s.sources.clear();
    let mut effects = Vec::new();
    for r in old {
        state.requests.remove(&r);
        effects.push(Effect::Cancel(r));
    }
    let now = state.now;
    for source in asked {
        let call = Call::Search(calls::Call::Ask {
            source,
            query: query.clone(),
        });
        let req = start(state, view, call, &mut effects);
        if let ViewKind::Search(s) = &mut state.top_mut().kind {
            s.sources.push(SourceSearch {
                source,
                req,
                started: now,
                outcome: Outcome::Pending,
            });
        }
    }
    effects
}

/// F5: the last search again.
pub fn again(state: &mut State) -> Vec<Effect> {
    let ViewKind::Search(s) = &mut state.top_mut().kind else {
        return Vec::new();
    };
    let Some(q) = &s.submitted else {
        return Vec::new();
    };
    // Re-typed as it was: `classify` reads a masked CPR back only from the number itself.
    let text = match q {
        crate::search::Query::Cpr(c) => c.reveal(),
        other => other.shown(),
    };
    s.input = tui_input::Input::new(text);
    submit(state)
}

/// Esc while backends are still searching: they stop, and say so.
pub fn cancelled(s: &mut SearchView) {
    for src in &mut s.sources {
        if src.outcome == Outcome::Pending {
            src.outcome = Outcome::Cancelled;
        }
    }
}

/// One backend answered. The only hit, once every backend has answered, opens at once.
pub fn on_loaded(
    state: &mut State,
    view: ViewId,
    req: RequestId,
    result: Result<Payload, BackendError>,
) -> Vec<Effect> {
    let now = state.now;
    let on_top = state.top().id == view;
    let Some(ViewKind::Search(s)) = state.view_mut(view).map(|v| &mut v.kind) else {
        return Vec::new();
    };
    let Some(src) = s.sources.iter_mut().find(|x| x.req == req) else {
        return Vec::new();
    };
    let took = now.saturating_duration_since(src.started);
    match result {
        Ok(Payload::Search(calls::Payload::Hits(answer))) => {
            src.outcome = Outcome::Found {
                hits: answer.hits.len(),
                capped: answer.capped,
                took,
            };
            merge(&mut s.results, answer.hits);
        }
        Ok(_) => {}
        Err(e) => {
            src.outcome = Outcome::Failed {
                why: e.to_string(),
                took,
            }
        }
    }
    if !s.results.is_empty() && s.input.value().is_empty() {
        s.focus = SearchFocus::Results;
    }
    // The only hit opens by itself only once every backend has answered: one that failed or
    // was stopped might have held another.
    match (s.all_answered() && on_top, s.results.as_slice()) {
        (true, [only]) => open_hit(only.clone()),
        _ => Vec::new(),
    }
}

/// Enter on a hit: its record, in its own backend's pane (the routing opens it).
pub fn open_hit(hit: Hit) -> Vec<Effect> {
    let target = match hit.target {
        // The person's name stands in the breadcrumbs until they load.
        Target::UniooPerson(id) => {
            return vec![Effect::OpenPerson {
                id,
                title: hit.name,
            }];
        }
        t => t,
    };
    vec![Effect::Open(Box::new(target))]
}

impl Feature for Search {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = list_rows(state.size.1);
        if let ViewKind::Search(s) = &mut state.top_mut().kind {
            match command {
                Command::SwitchFocus => {
                    s.focus = match s.focus {
                        SearchFocus::Input => SearchFocus::Results,
                        SearchFocus::Results => SearchFocus::Input,
                    };
                }
                Command::Up
                | Command::Down
                | Command::PageUp
                | Command::PageDown
                | Command::Top
                | Command::Bottom => s.selected = step(s.selected, s.results.len(), command, rows),
                _ => {}
            }
        }
        Vec::new()
    }

    fn on_other_key(&self, state: &mut State, key: KeyEvent) -> Vec<Effect> {
        let ViewKind::Search(s) = &mut state.top_mut().kind else {
            return Vec::new();
        };
        match (s.focus, key.code) {
            (SearchFocus::Input, KeyCode::Enter) => return submit(state),
            (SearchFocus::Input, _) => {
                if s.input.handle_event(&Event::Key(key)).is_some() {
                    s.error = None;
                }
            }
            // A digit on the results starts a new CPR: no need to go back to the field.
            (SearchFocus::Results, KeyCode::Char(c)) if c.is_ascii_digit() => {
                s.focus = SearchFocus::Input;
                s.input = tui_input::Input::new(c.to_string());
                s.error = None;
            }
            (SearchFocus::Results, _) => {}
        }
        Vec::new()
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        match &state.top().kind {
            ViewKind::Search(s) => match s.results.get(s.selected).cloned() {
                Some(hit) => open_hit(hit),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        again(state)
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        on_loaded(state, view, req, result)
    }
}

impl Pane for SearchView {
    fn title(&self) -> String {
        "Search".into()
    }
    fn context(&self) -> Context {
        match self.focus {
            SearchFocus::Input => registry::SEARCH_INPUT,
            SearchFocus::Results => registry::SEARCH_RESULTS,
        }
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        let mut sheet = Sheet::of("search", COLUMNS, &self.results, shown);
        // A file must not read as "nobody" where a backend never answered: each backend
        // without a hit has a row saying whether it answered.
        let what = COLUMNS.len() - 1;
        for src in &self.sources {
            let hits = matches!(src.outcome, Outcome::Found { hits, .. } if hits > 0);
            if hits {
                continue;
            }
            let mut row = vec![String::new(); COLUMNS.len()];
            row[0] = src.source.name().into();
            row[what] = match src.outcome.unanswered() {
                None => "answered: nothing found".into(),
                Some(why) => format!("not searched: {why}"),
            };
            sheet.rows.push(row);
        }
        Some(sheet)
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        let h = self.results.get(self.selected)?;
        Some(match &h.target {
            Target::Healthmov(_) => ("name", h.name.clone()),
            t => ("id", t.id()),
        })
    }
    fn cancelled(&mut self) {
        cancelled(self)
    }
    fn back(&mut self) -> bool {
        // Esc in the field goes to the results; the search is the bottom of every trail.
        self.focus = SearchFocus::Results;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crate::search::sources::Answer;
    use crossterm::event::KeyCode;

    fn hit(source: Source, name: &str, cpr: Option<&str>, target: Target) -> Hit {
        Hit {
            source,
            name: name.into(),
            email: None,
            cpr: cpr.map(|c| crate::core::Cpr::parse_recorded(c).unwrap()),
            detail: String::new(),
            target,
            group: 0,
        }
    }

    fn searching(sources: &[Source], text: &str) -> (State, Vec<(RequestId, Call)>) {
        let mut s = state();
        s.profile.search_sources = sources.to_vec();
        type_text(&mut s, text);
        let c = calls(&key(&mut s, KeyCode::Enter));
        (s, c)
    }

    fn view(s: &State) -> &SearchView {
        match &s.views[0].kind {
            ViewKind::Search(v) => v,
            _ => panic!(),
        }
    }

    #[test]
    fn a_name_says_unioo_cannot_search_by_it_and_where_to_look_with_the_keys_bound() {
        let (mut s, calls) = searching(&[Source::Unioo, Source::Bunq], "Ida");
        assert_eq!(calls.len(), 1, "only bunq is asked");
        update(
            &mut s,
            Action::Loaded {
                req: calls[0].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer::default()))),
            },
        );
        let summary = view(&s).no_hits_summary().unwrap();
        assert!(
            summary.starts_with("Nothing found for name Ida in bunq."),
            "{summary}"
        );
        assert!(
            summary.contains(
                "Unioo cannot search by name: `u` lists its users, then `f` filters them."
            ),
            "{summary}"
        );
        // A CPR is searched in Unioo: no advice.
        let (s, _) = searching(&[Source::Unioo], "070761-4285");
        assert_eq!(view(&s).advice, None);
    }

    #[test]
    fn a_cpr_goes_to_the_backends_that_know_cprs_and_answers_merge_as_they_come() {
        let all = Source::ALL;
        let (mut s, calls) = searching(&all, "070761-4285");
        let asked: Vec<Source> = calls
            .iter()
            .map(|(_, c)| match c {
                Call::Search(calls::Call::Ask { source, .. }) => *source,
                c => panic!("{c:?}"),
            })
            .collect();
        assert_eq!(asked, vec![Source::Unioo, Source::Bunq]);
        assert_eq!(view(&s).input.value(), "", "the number leaves the field");
        // bunq answers first; Unioo later; the same CPR makes them one person.
        update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer {
                    hits: vec![hit(
                        Source::Bunq,
                        "Ida Holm",
                        Some("0707614285"),
                        Target::BankUser(2001),
                    )],
                    capped: false,
                }))),
            },
        );
        assert_eq!(view(&s).results.len(), 1);
        assert_eq!(view(&s).focus, SearchFocus::Results);
        assert!(
            matches!(s.top().kind, ViewKind::Search(_)),
            "Unioo is still out"
        );
        let effects = update(
            &mut s,
            Action::Loaded {
                req: calls[0].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer {
                    hits: vec![hit(
                        Source::Unioo,
                        "Ida Holm",
                        Some("070761-4285"),
                        Target::UniooPerson(uuid::Uuid::nil()),
                    )],
                    capped: false,
                }))),
            },
        );
        assert!(effects.is_empty(), "two hits: nothing opens by itself");
        let v = view(&s);
        assert_eq!(
            v.results.iter().map(|h| h.group).collect::<Vec<_>>(),
            [0, 0]
        );
        assert!(
            v.sources
                .iter()
                .all(|x| matches!(x.outcome, Outcome::Found { hits: 1, .. }))
        );
    }

    #[test]
    fn a_failing_backend_is_shown_and_the_others_still_answer() {
        let (mut s, calls) = searching(&Source::ALL, "Ida Holm");
        assert_eq!(
            calls.len(),
            3,
            "Healthmov looks up external ids, never a name with a space"
        );
        update(
            &mut s,
            Action::Loaded {
                req: calls[0].0,
                result: Err(BackendError::Unreachable {
                    backend: "bunq",
                    request_id: "r1".into(),
                    detail: "connection refused".into(),
                }),
            },
        );
        update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer {
                    hits: vec![hit(Source::Upvest, "Ida Holm", None, Target::BankUser(1))],
                    capped: true,
                }))),
            },
        );
        let v = view(&s);
        assert!(
            matches!(&v.sources[0].outcome, Outcome::Failed { why, .. } if why.contains("bunq cannot be reached"))
        );
        assert!(matches!(
            v.sources[1].outcome,
            Outcome::Found { capped: true, .. }
        ));
        assert_eq!(v.results.len(), 1);
        // Esc stops the rest, and says so.
        key(&mut s, KeyCode::Esc);
        assert_eq!(view(&s).sources[2].outcome, Outcome::Cancelled);
        assert!(s.requests.is_empty());
    }

    #[test]
    fn a_kind_no_backend_can_search_is_refused_before_sending() {
        let (s, calls) = searching(&[Source::Unioo], "ida@example.com");
        assert!(calls.is_empty());
        assert_eq!(
            view(&s).error.as_deref(),
            Some("No backend in this profile can search by email.")
        );
    }

    #[test]
    fn a_stopped_or_failed_backend_is_never_reported_as_nothing_found() {
        // Unioo hangs; bunq answers "none"; the officer presses Esc.
        let (mut s, calls) = searching(&[Source::Unioo, Source::Bunq], "070761-4285");
        update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer::default()))),
            },
        );
        key(&mut s, KeyCode::Esc);
        let summary = view(&s).no_hits_summary().unwrap();
        assert_eq!(
            summary,
            "Nothing found for CPR 070761-**** in bunq. Not searched: Unioo (stopped)."
        );
        assert!(!view(&s).all_answered());
        // The export says the same, a row per backend without a hit.
        let sheet = view(&s).sheet(&s.shown()).unwrap();
        let what: Vec<(&str, &str)> = sheet
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r.last().unwrap().as_str()))
            .collect();
        assert!(
            what.contains(&("bunq", "answered: nothing found")),
            "{what:?}"
        );
        assert!(
            what.contains(&("Unioo", "not searched: stopped")),
            "{what:?}"
        );

        // Nobody answered: no "nothing found" at all.
        let (mut s, calls) = searching(&[Source::Unioo, Source::Bunq], "070761-4285");
        update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Err(BackendError::Timeout {
                    backend: "bunq",
                    request_id: "r".into(),
                    secs: 20,
                }),
            },
        );
        key(&mut s, KeyCode::Esc);
        let summary = view(&s).no_hits_summary().unwrap();
        assert!(summary.starts_with("No backend answered"), "{summary}");
        assert!(!summary.contains("Nothing found"), "{summary}");
        assert!(summary.contains("Unioo (stopped)") && summary.contains("bunq (failed)"));
    }

    #[test]
    fn a_lone_hit_opens_by_itself_only_when_every_backend_answered() {
        let (mut s, calls) = searching(&[Source::Unioo, Source::Bunq], "070761-4285");
        update(
            &mut s,
            Action::Loaded {
                req: calls[0].0,
                result: Err(BackendError::Timeout {
                    backend: "Unioo",
                    request_id: "r".into(),
                    secs: 20,
                }),
            },
        );
        let effects = update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer {
                    hits: vec![hit(Source::Bunq, "Ida Holm", None, Target::BankUser(2001))],
                    capped: false,
                }))),
            },
        );
        assert!(effects.is_empty(), "{effects:?}");
        assert!(
            matches!(s.top().kind, ViewKind::Search(_)),
            "nothing opened"
        );
        // Both answer: the one hit opens.
        let (mut s, calls) = searching(&[Source::Unioo, Source::Bunq], "070761-4285");
        update(
            &mut s,
            Action::Loaded {
                req: calls[0].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer::default()))),
            },
        );
        let effects = update(
            &mut s,
            Action::Loaded {
                req: calls[1].0,
                result: Ok(Payload::Search(calls::Payload::Hits(Answer {
                    hits: vec![hit(Source::Bunq, "Ida Holm", None, Target::BankUser(2001))],
                    capped: false,
                }))),
            },
        );
        assert!(matches!(
            call_req(&effects).1,
            Call::BankUsers(crate::app::features::bank_users::calls::Call::One(2001))
        ));
    }
}
