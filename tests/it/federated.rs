//! The federated search through the real runner, over HTTP against the sandbox: backends
//! answer in their own time, a backend that is down is shown as failed, and a slow one holds
//! nobody up.

use crate::common::{TempDir, backends, sandbox};
use backoffice::app::action::{Action, Effect};
use backoffice::app::features::ViewKind;
use backoffice::app::features::search::{Outcome, SearchView};
use backoffice::app::runner::Runner;
use backoffice::app::state::{ProfileInfo, State};
use backoffice::app::update;
use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::vasco::VascoClient;
use backoffice::search::Source;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn view(s: &State) -> &SearchView {
    match &s.views[0].kind {
        ViewKind::Search(v) => v,
        _ => panic!("search is at the bottom"),
    }
}

#[tokio::test]
async fn with_one_backend_down_and_one_slow_the_others_answer_first() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("federated");
    let mut b = backends(&s, &tmp.0.join("audit.jsonl"));
    // VASCO is down: nothing listens on its port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/vasco/graphql", dead.local_addr().unwrap());
    drop(dead);
    b.platform = Some(Arc::new(VascoClient::new(GraphqlClient::new(
        "VASCO",
        url.parse().unwrap(),
        secrecy::SecretString::from("t".to_string()),
        Default::default(),
    ))));
    // bunq is slow.
    s.api_faults
        .bunq
        .arm(backoffice::sandbox::faults::Fault::Latency(1500), 1.0, None);

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(b.clone(), tx);
    let t0 = Instant::now();
    let mut state = State::new(
        ProfileInfo::new("sandbox", "Unioo"),
        (80, 24),
        t0,
        jiff::civil::date(2026, 11, 23),
    );
    state.profile.search_sources = b.sources().configured();
    let mut effects = Vec::new();
    for c in "Madsen".chars().map(KeyCode::Char).chain([KeyCode::Enter]) {
        effects.extend(update(
            &mut state,
            Action::Key(KeyEvent::new(c, KeyModifiers::NONE)),
        ));
    }
    let asked: Vec<Source> = view(&state).sources.iter().map(|x| x.source).collect();
    assert_eq!(
        asked,
        vec![
            Source::Bunq,
            Source::Upvest,
            Source::Vasco,
            Source::Healthmov
        ]
    );
    for e in effects {
        runner.run(e);
    }
    // Apply answers as they arrive; note what was on screen when each came.
    let mut order = Vec::new();
    let mut hits_before_bunq = 0;
    while view(&state).pending().next().is_some() {
        let action = tokio::time::timeout(Duration::from_secs(15), rx.recv())
            .await
            .expect("every backend answers or fails in time")
            .unwrap();
        update(&mut state, Action::Tick(Instant::now()));
        let Action::Loaded { req, .. } = &action else {
            continue;
        };
        let source = view(&state)
            .sources
            .iter()
            .find(|x| x.req == *req)
            .map(|x| x.source);
        if source == Some(Source::Bunq) {
            hits_before_bunq = view(&state).results.len();
        }
        for e in update(&mut state, action) {
            if let Effect::Call { .. } = e {
                runner.run(e);
            }
        }
        order.extend(source);
    }
    assert_eq!(
        order.last(),
        Some(&Source::Bunq),
        "the slow one is last: {order:?}"
    );
    assert!(
        hits_before_bunq > 0,
        "the others' results were shown while bunq was slow"
    );
    let v = view(&state);
    let outcome = |src: Source| &v.sources.iter().find(|x| x.source == src).unwrap().outcome;
    assert!(
        matches!(outcome(Source::Vasco), Outcome::Failed { why, .. } if why.contains("VASCO cannot be reached")),
        "{:?}",
        outcome(Source::Vasco)
    );
    assert!(
        matches!(outcome(Source::Bunq), Outcome::Found { hits, took, .. } if *hits > 0 && *took >= Duration::from_millis(1500)),
        "{:?}",
        outcome(Source::Bunq)
    );
    assert!(matches!(outcome(Source::Upvest), Outcome::Found { .. }));
    assert!(v.results.iter().any(|h| h.source == Source::Bunq));
}

#[tokio::test]
async fn a_cpr_finds_the_same_person_in_unioo_and_bunq_as_one() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("federated-cpr");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let user = b
        .bank_users
        .as_ref()
        .unwrap()
        .bank_user(2010)
        .await
        .unwrap();
    let cpr = user.cpr().unwrap();
    let q = backoffice::search::Query::Cpr(cpr);
    let sources = b.sources();
    let (unioo, bunq) = tokio::join!(
        sources.search(Source::Unioo, &q),
        sources.search(Source::Bunq, &q)
    );
    let found = [unioo, bunq];
    let mut results = Vec::new();
    for answer in found {
        backoffice::search::merge(&mut results, answer.unwrap().hits);
    }
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].group, results[1].group, "one person");
    assert_eq!(results[0].email, results[1].email, "the same email too");
    // By email, bunq and nobody else that knows it; by id, the one user.
    let by_email = b
        .sources()
        .search(
            Source::Bunq,
            &backoffice::search::Query::Email(user.email().unwrap().to_uppercase()),
        )
        .await
        .unwrap();
    assert_eq!(by_email.hits.len(), 1);
    let by_id = b
        .sources()
        .search(Source::Bunq, &backoffice::search::Query::Id("2010".into()))
        .await
        .unwrap();
    assert_eq!(by_id.hits[0].name, user.full_name());
    let none = b
        .sources()
        .search(Source::Bunq, &backoffice::search::Query::Id("99999".into()))
        .await
        .unwrap();
    assert!(
        none.hits.is_empty(),
        "an unknown id is no hit, not an error"
    );
}
