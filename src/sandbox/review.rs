//! Legitimation review in the sandbox: the pending queue and decisions.
//!
//! Decisions are optimistic-concurrency safe (the caller names the version it saw) and
//! idempotent (a key replayed with the same input returns the first result; with other input it
//! is refused). Decided documents are kept as overrides on top of the generated data.

use super::data::{DocState, DocumentRecord, PersonRecord, World};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Approve,
    Reject,
}

/// Why a decision was refused; the code goes into the GraphQL error's `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    WrongKind,
    ReasonRequired,
    AlreadyDecided(DocState),
    Changed { expected: i32, current: i32 },
    Expired(Timestamp),
    KeyReused,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound => "NOT_FOUND",
            Refusal::WrongKind => "WRONG_DOCUMENT_KIND",
            Refusal::ReasonRequired => "REASON_REQUIRED",
            Refusal::AlreadyDecided(_) => "ALREADY_DECIDED",
            Refusal::Changed { .. } => "DOCUMENT_CHANGED",
            Refusal::Expired(_) => "DOCUMENT_EXPIRED",
            Refusal::KeyReused => "IDEMPOTENCY_KEY_REUSED",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::NotFound => "No document with that id.".into(),
            Refusal::WrongKind => "That document is of the other kind.".into(),
            Refusal::ReasonRequired => "A rejection needs a reason.".into(),
            Refusal::AlreadyDecided(s) => {
                format!("The document was already decided: it is {}.", s.api_name())
            }
            Refusal::Changed { expected, current } => {
                format!(
                    "The document changed since you saw it (version {expected}, now {current})."
                )
            }
            Refusal::Expired(at) => format!("The document expired on {}.", at.strftime("%Y-%m-%d")),
            Refusal::KeyReused => "That idempotency key was used for a different decision.".into(),
        }
    }
}

/// One decision as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub document: Uuid,
    pub photo: bool,
    pub expected_version: i32,
    pub verdict: Verdict,
    pub reason: Option<String>,
}

#[derive(Clone)]
struct Override {
    state: DocState,
    reason: Option<String>,
    decided: Timestamp,
    version: i32,
}

/// A pending document in the queue.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    pub person: u32,
    pub photo: bool,
    pub created: Timestamp,
}

#[derive(Default)]
pub struct Review {
    inner: Mutex<Inner>,
    /// Every document pending in the generated data, oldest first (built on first use).
    queue: OnceLock<Vec<Pending>>,
}

#[derive(Default)]
struct Inner {
    overrides: HashMap<Uuid, Override>,
    replies: HashMap<String, (Request, Result<(), Refusal>)>,
    decisions: usize,
}

impl Review {
    /// Applies recorded decisions to a generated person.
    pub fn apply(&self, p: &mut PersonRecord) {
        let inner = self.inner.lock().expect("review state");
        for doc in [p.photo.as_mut(), p.social_security_card.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Some(o) = inner.overrides.get(&doc.id) {
                patch(doc, o);
            }
        }
    }

    /// How many decisions were committed (replays do not count).
    pub fn decisions(&self) -> usize {
        self.inner.lock().expect("review state").decisions
    }

    /// Pending documents, oldest first, optionally of one kind and at least `min_age` old.
    pub fn pending(
        &self,
        world: &World,
        photo: Option<bool>,
        created_before: Option<Timestamp>,
    ) -> Vec<Pending> {
        let all = self.queue.get_or_init(|| {
            let mut q: Vec<Pending> = (0..world.people.len() as u32)
                .flat_map(|i| {
                    let p = world.person(i);
                    [(p.photo, true), (p.social_security_card, false)]
                        .into_iter()
                        .filter_map(move |(d, photo)| {
                            d.filter(|d| d.state == DocState::Pending).map(|d| Pending {
                                person: i,
                                photo,
                                created: d.created,
                            })
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            q.sort_by_key(|p| (p.created, p.person, p.photo));
            q
        });
        let inner = self.inner.lock().expect("review state");
        all.iter()
            .filter(|p| photo.is_none_or(|k| k == p.photo))
            .filter(|p| created_before.is_none_or(|t| p.created <= t))
            .filter(|p| {
                !inner
                    .overrides
                    .contains_key(&world.document_id(p.person, p.photo))
            })
            .copied()
            .collect()
    }

    /// Decides, atomically: replay check, then the document's current state, then commit.
    pub fn decide(
        &self,
        world: &World,
        key: &str,
        req: Request,
        now: Timestamp,
    ) -> Result<DocumentRecord, Refusal> {
        let mut inner = self.inner.lock().expect("review state");
        let (person, photo) = world
            .document_owner(&req.document)
            .ok_or(Refusal::NotFound)?;
        let current = |inner: &Inner| -> Option<DocumentRecord> {
            let p = world.person(person);
            let mut doc = if photo {
                p.photo
            } else {
                p.social_security_card
            }?;
            if let Some(o) = inner.overrides.get(&doc.id) {
                patch(&mut doc, o);
            }
            Some(doc)
        };
        if let Some((first, result)) = inner.replies.get(key) {
            if *first != req {
                return Err(Refusal::KeyReused);
            }
            let result = result.clone();
            return result.and_then(|()| current(&inner).ok_or(Refusal::NotFound));
        }
        let result = check(&req, photo, current(&inner), now);
        inner
            .replies
            .insert(key.to_string(), (req.clone(), result.clone().map(|_| ())));
        let doc = result?;
        let o = Override {
            state: if req.verdict == Verdict::Approve {
                DocState::Approved
            } else {
                DocState::Rejected
            },
            reason: req
                .reason
                .clone()
                .filter(|_| req.verdict == Verdict::Reject),
            decided: now,
            version: doc.version + 1,
        };
        inner.overrides.insert(doc.id, o);
        inner.decisions += 1;
        Ok(current(&inner).expect("the document exists"))
    }
}

fn check(
    req: &Request,
    photo: bool,
    doc: Option<DocumentRecord>,
    now: Timestamp,
) -> Result<DocumentRecord, Refusal> {
    if req.photo != photo {
        return Err(Refusal::WrongKind);
    }
    let doc = doc.ok_or(Refusal::NotFound)?;
    if req.verdict == Verdict::Reject && req.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Refusal::ReasonRequired);
    }
    if doc.state != DocState::Pending {
        return Err(Refusal::AlreadyDecided(doc.state));
    }
    if doc.version != req.expected_version {
        return Err(Refusal::Changed {
            expected: req.expected_version,
            current: doc.version,
        });
    }
    if let Some(exp) = doc.expires.filter(|e| *e < now) {
        return Err(Refusal::Expired(exp));
    }
    Ok(doc)
}

fn patch(doc: &mut DocumentRecord, o: &Override) {
    doc.state = o.state;
    doc.rejected_reason = o.reason.clone();
    doc.decided = Some(o.decided);
    doc.version = o.version;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (World, Review, u32) {
        let w = World::generate(3, 400);
        let idx = (0..400)
            .find(|&i| {
                let p = w.person(i);
                p.photo.as_ref().is_some_and(|d| {
                    d.state == DocState::Pending && d.expires.is_some_and(|e| e > EPOCH_PLUS)
                })
            })
            .unwrap();
        (w, Review::default(), idx)
    }

    const EPOCH_PLUS: Timestamp = Timestamp::constant(1_795_000_000, 0);

    fn req(w: &World, idx: u32, verdict: Verdict, version: i32) -> Request {
        Request {
            document: w.document_id(idx, true),
            photo: true,
            expected_version: version,
            verdict,
            reason: (verdict == Verdict::Reject).then(|| "Image is blurred".into()),
        }
    }

    #[test]
    fn a_decision_commits_once_and_replays_return_the_first_result() {
        let (w, r, idx) = setup();
        let now = Timestamp::constant(1_794_000_000, 0);
        let before = r.pending(&w, Some(true), None).len();
        let doc = r
            .decide(&w, "k1", req(&w, idx, Verdict::Reject, 1), now)
            .unwrap();
        assert_eq!((doc.state, doc.version), (DocState::Rejected, 2));
        assert_eq!(r.pending(&w, Some(true), None).len(), before - 1);
        let again = r
            .decide(&w, "k1", req(&w, idx, Verdict::Reject, 1), now)
            .unwrap();
        assert_eq!(again.version, 2);
        assert_eq!(r.decisions(), 1);
        assert_eq!(
            r.decide(&w, "k1", req(&w, idx, Verdict::Approve, 1), now),
            Err(Refusal::KeyReused)
        );
        assert_eq!(
            r.decide(&w, "k2", req(&w, idx, Verdict::Approve, 2), now),
            Err(Refusal::AlreadyDecided(DocState::Rejected))
        );
        let mut p = w.person(idx);
        r.apply(&mut p);
        assert_eq!(
            p.photo.unwrap().rejected_reason.as_deref(),
            Some("Image is blurred")
        );
    }

    #[test]
    fn stale_versions_missing_reasons_and_expiry_are_refused() {
        let (w, r, idx) = setup();
        let now = Timestamp::constant(1_794_000_000, 0);
        assert_eq!(
            r.decide(&w, "a", req(&w, idx, Verdict::Approve, 7), now),
            Err(Refusal::Changed {
                expected: 7,
                current: 1
            })
        );
        let mut no_reason = req(&w, idx, Verdict::Reject, 1);
        no_reason.reason = Some("  ".into());
        assert_eq!(
            r.decide(&w, "b", no_reason, now),
            Err(Refusal::ReasonRequired)
        );
        let far = Timestamp::constant(4_000_000_000, 0);
        assert!(matches!(
            r.decide(&w, "c", req(&w, idx, Verdict::Approve, 1), far),
            Err(Refusal::Expired(_))
        ));
        assert_eq!(r.decisions(), 0);
    }

    #[test]
    fn the_queue_is_oldest_first() {
        let (w, r, _) = setup();
        let q = r.pending(&w, None, None);
        assert!(q.len() > 50);
        assert!(q.windows(2).all(|p| p[0].created <= p[1].created));
        assert!(q.iter().any(|p| p.photo) && q.iter().any(|p| !p.photo));
    }
}
